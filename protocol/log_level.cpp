#include "protocol/log_level.hpp"

#include <array>

namespace mcp::protocol {

namespace {

constexpr std::array<std::string_view, 8> names = {
  "debug", "info", "notice", "warning", "error", "critical", "alert",
  "emergency"};

} // namespace

std::string_view to_string(log_level x) noexcept {
  auto i = static_cast<size_t>(x);
  return i < names.size() ? names[i] : std::string_view{"unknown"};
}

std::optional<log_level> parse_log_level(std::string_view name) noexcept {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name)
      return static_cast<log_level>(i);
  return std::nullopt;
}

} // namespace mcp::protocol
