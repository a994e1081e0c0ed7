#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "actors/detail/mirrored_headers.hpp"
#include "protocol/error_code.hpp"
#include "protocol/json_key.hpp"

namespace mcp::detail {

/// The paths an MCP HTTP endpoint serves.
struct http_paths {
  /// The Streamable HTTP endpoint.
  std::string mcp;
  /// The legacy HTTP+SSE stream (GET); empty: none.
  std::string legacy_sse;
  /// Where legacy clients POST their messages; empty: none.
  std::string legacy_messages;
};

/// A request as the router reads it.
struct http_route_request {
  /// "GET", "POST", "DELETE", ... as sent.
  std::string_view method;
  /// The request target: path and query.
  std::string_view target;
  /// The body.
  std::string_view body;
  /// Returns the value of header `name` (case-insensitive), empty if none.
  std::function<std::string_view(std::string_view)> header;
  /// Returns the headers whose name starts with a prefix (may be null: no
  /// such headers).
  std::function<std::vector<std::pair<std::string_view, std::string_view>>(
    std::string_view)>
    headers_with_prefix;
};

/// Looks up an open session by id: returns its negotiated protocol revision
/// (empty before `initialize` completed), nothing if there is no such open
/// session.
using http_session_lookup
  = std::function<std::optional<std::string>(std::string_view id)>;

/// What the endpoint does with one request.
enum class http_action {
  /// Answers `status`, `headers` and `body`; touches no session.
  respond,
  /// `initialize` without a session: opens a session, a stream for the
  /// request `ids[0]`, and delivers `message` to the session.
  open_session,
  /// Opens a stream on session `session_id` for the requests `ids` (one, or
  /// those of a batch), then delivers `message`.
  deliver_requests,
  /// Delivers `message` (notifications, responses) to `session_id`, then
  /// answers 202.
  deliver_accepted,
  /// Opens a session whose messages come by legacy POSTs and whose answers
  /// go out on this legacy SSE stream.
  open_legacy_stream,
  /// Delivers `message` (an object or a batch) to the legacy session
  /// `session_id`, then answers 202.
  deliver_legacy,
  /// Opens the GET stream of session `session_id`.
  open_get_stream,
  /// Resumes a stream of session `session_id` after event `last_event_id`.
  resume_stream,
  /// Ends session `session_id` and answers 200.
  delete_session,
  /// A stateless (2026-07-28) request, its headers checked against its body:
  /// opens a stream for `ids[0]` on a stateless session and delivers
  /// `message`.
  deliver_stateless,
};

/// The router's decision on one request.
struct http_route {
  /// What to do.
  http_action action = http_action::respond;
  /// The response status, for `respond`.
  unsigned status = 0;
  /// The response header fields, for `respond`.
  std::vector<std::pair<std::string, std::string>> headers;
  /// The response body, for `respond`.
  std::string body;
  /// The session the request names (or, for legacy POSTs, its query names).
  std::string session_id;
  /// The parsed body: one message, or a batch.
  boost::json::value message;
  /// The requests in `message` that each need a response on the stream.
  std::vector<protocol::request_id> ids;
  /// Whether `message` is an `initialize` request (whose response starts
  /// the session).
  bool initialize = false;
  /// The `Last-Event-ID` header, for `resume_stream`.
  std::string last_event_id;
  /// The decoded `Mcp-Param-*` headers of a stateless `tools/call`.
  mirrored_headers mirrored;
};

/// Decides what an MCP endpoint with `paths` does with `req`, without I/O:
/// checks the method, path, media types, protocol revision, session and
/// body, and answers every request it refuses with the right status and a
/// JSON-RPC error (text for legacy paths).
http_route route_http(const http_paths& paths, const http_route_request& req,
                      const http_session_lookup& sessions);

/// Returns a `respond` route with a JSON-RPC error as its body: for request
/// `id` (none if null) with `data` (none if null).
http_route http_error(unsigned status, protocol::error_code code,
                      std::string_view message,
                      const boost::json::value& id = nullptr,
                      boost::json::value data = nullptr);

/// Returns the HTTP status of a stateless request's JSON-RPC error with
/// `code`: 404 for method not found, 400 for what the request got wrong,
/// 200 for errors of the work itself.
unsigned stateless_error_status(int64_t code) noexcept;

} // namespace mcp::detail
