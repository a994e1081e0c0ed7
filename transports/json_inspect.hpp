#pragma once

// How JSON travels in CAF messages: `boost::json::value` and JSON-RPC keys
// (`protocol::json_key`: request ids, progress tokens) as their JSON text,
// so messages that carry them can be serialized and sent between nodes.
// Both directions fail loudly (`caf::sec::invalid_argument`): a value that
// JSON text cannot carry (a non-finite number, deeper than
// `max_wire_depth`) is not written, and text that does not parse is not
// read as something else.

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <caf/sec.hpp>

#include "protocol/json_key.hpp"
#include "protocol/jsonrpc.hpp"

namespace mcp::transports {

/// How deep a JSON value in a message may nest: as deep as the messages of
/// MCP peers (`protocol::max_message_depth`).
inline constexpr size_t max_wire_depth = protocol::max_message_depth;

/// Returns why `x` cannot travel as JSON text, or nullptr if it can.
const char* json_wire_problem(const boost::json::value& x) noexcept;

/// Parses `text` that a message carried into `out`; returns false for text
/// that is not one JSON value or nests deeper than `max_wire_depth`.
bool parse_wire_json(std::string_view text, boost::json::value& out);

namespace detail {

template <class Inspector>
inline constexpr bool inspector_returns_error
  = !std::is_same_v<typename Inspector::result_type, void>;

/// Loads text with `f`, then hands it to `assign`, which returns false for
/// text it refuses: an error describing `what` (where `f` reports errors).
template <class Inspector, class Assign>
typename Inspector::result_type load_text(Inspector& f, Assign assign,
                                          const char* what) {
  std::string text;
  if constexpr (inspector_returns_error<Inspector>) {
    if (auto err = f(text))
      return err;
    if (!assign(text))
      return caf::make_error(caf::sec::invalid_argument,
                             std::string{"invalid "} + what + " in a message");
    return {};
  } else {
    f(text);
    assign(text);
  }
}

} // namespace detail

} // namespace mcp::transports

namespace boost::json {

/// Inspects a JSON value as its serialized text.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, value& x) {
  using mcp::transports::detail::inspector_returns_error;
  if constexpr (Inspector::reads_state) {
    if constexpr (inspector_returns_error<Inspector>) {
      if (auto why = mcp::transports::json_wire_problem(x))
        return caf::make_error(caf::sec::invalid_argument,
                               std::string{"JSON value not serializable: "}
                                 + why);
    }
    auto text = serialize(x);
    return f(text);
  } else {
    return mcp::transports::detail::load_text(
      f,
      [&x](const std::string& text) {
        return mcp::transports::parse_wire_json(text, x);
      },
      "JSON text");
  }
}

} // namespace boost::json

namespace mcp::protocol {

/// Inspects a request id or progress token as its JSON text.
template <class Inspector, class Tag>
typename Inspector::result_type inspect(Inspector& f, json_key<Tag>& x) {
  if constexpr (Inspector::reads_state) {
    auto text = x.to_json_text();
    return f(text);
  } else {
    return transports::detail::load_text(
      f,
      [&x](const std::string& text) {
        auto parsed = json_key<Tag>::from_json_text(text);
        if (parsed)
          x = std::move(*parsed);
        return parsed.has_value();
      },
      "request id or progress token");
  }
}

} // namespace mcp::protocol
