#include "transports/messages.hpp"

namespace mcp::transports {

const char* to_string(fault_kind x) noexcept {
  switch (x) {
    case fault_kind::malformed_message:
      return "malformed_message";
    case fault_kind::oversized_message:
      return "oversized_message";
    case fault_kind::output_overflow:
      return "output_overflow";
    case fault_kind::refused_message:
      return "refused_message";
    case fault_kind::request_lost:
      return "request_lost";
  }
  return "unknown";
}

} // namespace mcp::transports
