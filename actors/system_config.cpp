#include "actors/system_config.hpp"

#include <caf/io/middleman.hpp>

namespace mcp {

void init_config(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  init_message_types(cfg);
}

system_config::system_config() {
  init_config(*this);
}

} // namespace mcp
