#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/value.hpp>

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

/// Makes the `notifications/message` notification for `data` at `level`,
/// from `logger` unless empty.
boost::json::value make_log_message(log_level level, std::string_view logger,
                                    boost::json::value data);

} // namespace mcp::protocol
