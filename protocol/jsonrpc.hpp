#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>

#include "protocol/error_code.hpp"
#include "protocol/json_key.hpp"
#include "protocol/json_text.hpp"

namespace mcp::protocol {

/// What a received JSON-RPC message is.
enum class message_kind {
  /// Has `method` and `id`: expects exactly one response.
  request,
  /// Has `method` and no `id`.
  notification,
  /// Has `id` and `result`.
  result,
  /// Has `id` (possibly null) and `error`.
  error,
  /// Anything else; `incoming_message::problem` says why.
  invalid,
};

/// A classified view into a parsed JSON-RPC message. Holds pointers into the
/// value it was made from, which must outlive it.
struct incoming_message {
  /// What the message is.
  message_kind kind = message_kind::invalid;
  /// The id of requests, results and errors (absent for a null error id).
  std::optional<request_id> id;
  /// The method of requests and notifications.
  std::string_view method;
  /// The params of requests and notifications, if any.
  const boost::json::value* params = nullptr;
  /// The result of a result message.
  const boost::json::value* result = nullptr;
  /// The error object of an error message.
  const boost::json::object* error = nullptr;
  /// Why the message is invalid (for `message_kind::invalid`).
  std::string_view problem;
};

/// Classifies `msg` without copying anything out of it.
incoming_message classify(const boost::json::value& msg);

/// How deep a message may nest: deeper ones are refused as malformed.
inline constexpr size_t max_message_depth = 256;

/// Returns the options every parser of messages uses (`max_message_depth`).
boost::json::parse_options message_parse_options() noexcept;

/// Finds the id of a response in `text`, a message that could not be parsed
/// (nested too deep, cut off, too large): a shallow scan of the members of
/// the top-level object, in linear time. Returns the id if the text reads
/// as a response (an `id` that is an integer or a plain string, `result` or
/// `error`, no `method`), nothing otherwise.
std::optional<request_id> scan_response_id(std::string_view text) noexcept;

/// Makes a request object. `params` is left out when null.
boost::json::value make_request(const request_id& id, std::string_view method,
                                boost::json::value params);

/// Makes a notification object. `params` is left out when null.
boost::json::value make_notification(std::string_view method,
                                     boost::json::value params);

/// Makes a successful response.
boost::json::value make_result(const request_id& id, boost::json::value result);

/// Appends the text of the successful response to `id` with `result` to
/// `out`: the same JSON as `make_result` serializes to, without building the
/// envelope. Returns what had to be changed for valid JSON (see
/// `append_json`).
json_repairs append_result_text(std::string& out, const request_id& id,
                                const boost::json::value& result);

/// Makes an error response; a missing id becomes `null`.
boost::json::value make_error(const std::optional<request_id>& id,
                              int64_t code, std::string_view message,
                              boost::json::value data = nullptr);

/// Makes an error response with a JSON-RPC or MCP error code.
inline boost::json::value make_error(const std::optional<request_id>& id,
                                     error_code code, std::string_view message,
                                     boost::json::value data = nullptr) {
  return make_error(id, static_cast<int64_t>(code), message, std::move(data));
}

/// Returns the progress token in `params._meta.progressToken`, if any.
std::optional<progress_token>
progress_token_of(const boost::json::value* params);

/// Sets `params._meta.progressToken = token`, keeping any other `_meta`
/// member. Turns a null `params` into an object first.
void set_progress_token(boost::json::value& params, const progress_token& token);

} // namespace mcp::protocol
