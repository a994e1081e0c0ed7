#pragma once

// Messages between caf-mcp client actors and the actors of their users. Each
// has an `inspect` overload, so it can be serialized and cross nodes.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>
#include <caf/timespan.hpp>

#include "transports/json_inspect.hpp"
#include "protocol/json_key.hpp"

namespace mcp {

using protocol::progress_token;
using protocol::request_id;

// -- progress -----------------------------------------------------------------

/// One `notifications/progress`, as a subscriber receives it.
struct progress_update {
  /// The token the progress belongs to.
  progress_token token;
  /// Progress so far; increases with each update.
  double progress = 0;
  /// The total, when the sender knows it.
  caf::optional<double> total;
  /// A human-readable description of the current step.
  caf::optional<std::string> message;
};

/// Inspects a `progress_update`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_update& x) {
  return f(caf::meta::type_name("progress_update"), x.token, x.progress,
           x.total, x.message);
}

/// How a progress subscription ended.
enum class progress_outcome : uint8_t {
  /// The request completed with a result.
  completed,
  /// The request completed with an error (see `progress_done::detail`).
  failed,
  /// The request was cancelled.
  cancelled,
  /// The request timed out.
  timed_out,
  /// The subscription was unregistered or unsubscribed.
  unsubscribed,
  /// The connection to the server ended.
  disconnected,
};

/// Returns the name of `x`.
const char* to_string(progress_outcome x) noexcept;

/// The last message of every progress subscription to its subscriber.
struct progress_done {
  /// The token the subscription was for.
  progress_token token;
  /// Why it ended.
  progress_outcome outcome = progress_outcome::completed;
  /// The error description for failed, cancelled and timed-out requests.
  std::string detail;
  /// How many updates were left out because the consumer fell behind by more
  /// than its subscription's bound (newer progress replaced them; see
  /// `spawn_progress_subscription`).
  uint64_t skipped = 0;
};

/// Inspects a `progress_done`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, progress_done& x) {
  return f(caf::meta::type_name("progress_done"), x.token, x.outcome,
           x.detail, x.skipped);
}

// -- requests -----------------------------------------------------------------

/// How one request is sent and tracked.
struct request_options {
  /// Sent as `params._meta.progressToken` (merged with `meta`).
  caf::optional<progress_token> progress;
  /// Actors that receive `progress_update`s for `progress` and one final
  /// `progress_done` when the request ends. Needs `progress`.
  std::vector<caf::actor> progress_subscribers;
  /// Ready-made subscription actors (e.g. from `spawn_progress_callback`)
  /// attached to `progress` for this request. Needs `progress`.
  std::vector<caf::actor> progress_subscriptions;
  /// Time without an answer after which the request fails.
  caf::timespan timeout = std::chrono::seconds(30);
  /// Whether each progress notification restarts the `timeout`.
  bool reset_timeout_on_progress = false;
  /// Upper bound of the whole request that progress never extends.
  caf::optional<caf::timespan> max_total_timeout;
  /// More `_meta` members (an object, or null for none).
  boost::json::value meta;
  /// A caller-chosen key for `(cancel_atom, key)`; empty for none.
  std::string cancel_key;
};

/// Inspects a `request_options`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_options& x) {
  return f(caf::meta::type_name("request_options"), x.progress,
           x.progress_subscribers, x.progress_subscriptions, x.timeout,
           x.reset_timeout_on_progress, x.max_total_timeout, x.meta,
           x.cancel_key);
}

/// A request for the server. The client answers with the result
/// (`boost::json::value`) or an error.
struct client_request {
  /// The MCP method, e.g. "tools/call".
  std::string method;
  /// The params object, or null.
  boost::json::value params;
  /// Progress, timeout and cancellation settings.
  request_options options;
};

/// Inspects a `client_request`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_request& x) {
  return f(caf::meta::type_name("client_request"), x.method, x.params,
           x.options);
}

/// A notification the client sends to the server, e.g. roots/list_changed.
struct client_notification {
  /// The method.
  std::string method;
  /// The params object, or null.
  boost::json::value params;
};

/// Inspects a `client_notification`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_notification& x) {
  return f(caf::meta::type_name("client_notification"), x.method, x.params);
}

// -- server to client ---------------------------------------------------------

/// A notification from the server, delivered to subscribed actors.
struct server_notification {
  /// The method, e.g. "notifications/message".
  std::string method;
  /// The params, or null.
  boost::json::value params;
};

/// Inspects a `server_notification`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, server_notification& x) {
  return f(caf::meta::type_name("server_notification"), x.method, x.params);
}

/// A request from the server (roots/list, sampling/createMessage,
/// elicitation/create) routed to a handler actor, which answers with the
/// result (`boost::json::value`) or an error (`make_server_error` picks the
/// JSON-RPC code).
struct server_request {
  /// The method.
  std::string method;
  /// The params, or null.
  boost::json::value params;
};

/// Inspects a `server_request`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, server_request& x) {
  return f(caf::meta::type_name("server_request"), x.method, x.params);
}

// -- state queries ------------------------------------------------------------

/// What the server told the client in the handshake.
struct server_info {
  /// The negotiated protocol revision.
  std::string protocol_version;
  /// The server's capabilities object.
  boost::json::value capabilities;
  /// The server's `Implementation` object (name, version, ...).
  boost::json::value implementation;
  /// The server's instructions, empty when none.
  std::string instructions;
};

/// Inspects a `server_info`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, server_info& x) {
  return f(caf::meta::type_name("server_info"), x.protocol_version,
           x.capabilities, x.implementation, x.instructions);
}

/// Counters a client keeps; bad input is counted here, never fatal.
struct client_stats {
  /// Requests written to the server (the handshake included).
  uint64_t requests_sent = 0;
  /// Requests that completed with a result.
  uint64_t results = 0;
  /// Requests that completed with an error of any kind.
  uint64_t errors = 0;
  /// Requests that timed out.
  uint64_t timeouts = 0;
  /// Requests the caller cancelled.
  uint64_t cancellations = 0;
  /// Progress notifications delivered to at least one subscription.
  uint64_t progress_delivered = 0;
  /// Progress notifications for tokens nobody subscribed or requested.
  uint64_t progress_unknown_token = 0;
  /// Progress notifications that came after their request completed.
  uint64_t progress_late = 0;
  /// Responses whose id matched no request this client sent.
  uint64_t unknown_response_ids = 0;
  /// Responses to requests that had ended already (timed out or cancelled:
  /// the server answered before it heard, which the specification allows).
  uint64_t late_responses = 0;
  /// Messages that were JSON but not valid JSON-RPC / MCP.
  uint64_t invalid_messages = 0;
  /// Messages that were not JSON (reported by the transport).
  uint64_t malformed_messages = 0;
  /// Messages over the size limit (reported by the transport).
  uint64_t oversized_messages = 0;
  /// Notifications received from the server.
  uint64_t notifications = 0;
  /// Requests received from the server.
  uint64_t server_requests = 0;
  /// Completed handshakes after a restart.
  uint64_t reconnects = 0;
  /// Requests in flight now.
  uint64_t in_flight = 0;
  /// Live progress subscriptions now.
  uint64_t subscriptions = 0;
};

/// Inspects a `client_stats`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_stats& x) {
  return f(caf::meta::type_name("client_stats"), x.requests_sent, x.results,
           x.errors, x.timeouts, x.cancellations, x.progress_delivered,
           x.progress_unknown_token, x.progress_late, x.unknown_response_ids,
           x.late_responses, x.invalid_messages, x.malformed_messages, x.oversized_messages,
           x.notifications, x.server_requests, x.reconnects, x.in_flight,
           x.subscriptions);
}

} // namespace mcp
