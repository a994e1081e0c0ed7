#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mcp::protocol {

/// The syslog severities of RFC 5424 that MCP logging uses, least severe
/// first, so that `a < b` means `a` is less severe than `b`.
enum class log_level : uint8_t {
  debug,
  info,
  notice,
  warning,
  error,
  critical,
  alert,
  emergency,
};

/// Returns the protocol name of `x` ("debug" ... "emergency").
std::string_view to_string(log_level x) noexcept;

/// Parses a protocol level name; fails for anything else.
std::optional<log_level> parse_log_level(std::string_view name) noexcept;

} // namespace mcp::protocol
