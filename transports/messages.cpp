#include "transports/messages.hpp"

namespace mcp::transports {

const char* to_string(fault_kind x) noexcept {
  switch (x) {
    case fault_kind::malformed_json:
      return "malformed_json";
    case fault_kind::oversized_line:
      return "oversized_line";
    case fault_kind::output_overflow:
      return "output_overflow";
  }
  return "unknown";
}

} // namespace mcp::transports
