#include "protocol/log_level.hpp"

#include <array>

#include <boost/json/object.hpp>

#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"

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

boost::json::value make_log_message(log_level level, std::string_view logger,
                                    boost::json::value data) {
  boost::json::object params;
  params.reserve(3);
  params.emplace("level", to_string(level));
  if (!logger.empty())
    params.emplace("logger", logger);
  params.emplace("data", std::move(data));
  return make_notification(methods::message, std::move(params));
}

} // namespace mcp::protocol
