#include "transports/clean_broker.hpp"

#include <caf/detail/sync_request_bouncer.hpp>

namespace mcp::transports {

bool clean_broker::cleanup(caf::error&& reason, caf::execution_unit* host) {
  if (!mailbox().closed()) {
    mailbox().close();
    get_normal_queue().flush_cache();
    get_urgent_queue().flush_cache();
    caf::detail::sync_request_bouncer bounce{reason};
    while (mailbox().queue().new_round(1000, bounce).consumed_items)
      ; // nop
  }
  return caf::io::broker::cleanup(std::move(reason), host);
}

} // namespace mcp::transports
