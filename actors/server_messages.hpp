#pragma once

// Messages between caf-mcp server actors (server, sessions, request actors)
// and their users. Those with `inspect` overloads can be serialized; the
// ones that carry handlers (definitions, catalogs, channels) stay local.

#include <cstdint>
#include <memory>
#include <string>

#include <boost/json/value.hpp>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/timespan.hpp>

#include "transports/json_inspect.hpp"
#include "protocol/json_key.hpp"

namespace mcp {

/// A log message for the clients of a server (`notifications/message`).
struct log_record {
  /// A `protocol::log_level`.
  uint8_t level = 0;
  /// Any JSON.
  boost::json::value data;
  /// The logger's name, empty for none.
  std::string logger;
};

/// Inspects a `log_record`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_record& x) {
  return f(caf::meta::type_name("log_record"), x.level, x.data, x.logger);
}

/// A request the server sends its client on behalf of a request's handler.
struct outgoing_request {
  /// The method, e.g. "sampling/createMessage".
  std::string method;
  /// The params object, or null.
  boost::json::value params;
  /// How long the client may take.
  caf::timespan timeout{};
  /// The client request whose handler asks; cancelling it cancels this.
  protocol::request_id parent;
};

/// Inspects an `outgoing_request`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outgoing_request& x) {
  return f(caf::meta::type_name("outgoing_request"), x.method, x.params,
           x.timeout, x.parent);
}

/// Counters of one server session; bad input is counted, never fatal.
struct session_stats {
  /// Requests received (valid JSON-RPC).
  uint64_t requests = 0;
  /// Notifications received.
  uint64_t notifications = 0;
  /// Responses sent with a result.
  uint64_t results = 0;
  /// Responses sent with an error.
  uint64_t errors = 0;
  /// Requests the client cancelled while they ran or waited.
  uint64_t cancelled = 0;
  /// Lines that were not JSON or not JSON-RPC, and oversized lines.
  uint64_t bad_input = 0;
  /// Responses from the client that matched no request of ours.
  uint64_t unknown_responses = 0;
  /// Requests sent to the client.
  uint64_t client_requests = 0;
  /// Requests running now.
  uint64_t in_flight = 0;
  /// Requests waiting for a free slot now.
  uint64_t waiting = 0;
  /// Resource subscriptions now.
  uint64_t subscriptions = 0;
};

/// Inspects a `session_stats`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_stats& x) {
  return f(caf::meta::type_name("session_stats"), x.requests, x.notifications,
           x.results, x.errors, x.cancelled, x.bad_input, x.unknown_responses,
           x.client_requests, x.in_flight, x.waiting, x.subscriptions);
}

/// Counters of a server.
struct server_stats {
  /// Sessions open now.
  uint64_t sessions = 0;
  /// Sessions opened so far.
  uint64_t sessions_opened = 0;
  /// Tools, resources, templates and prompts now.
  uint64_t tools = 0;
  uint64_t resources = 0;
  uint64_t resource_templates = 0;
  uint64_t prompts = 0;
};

/// Inspects a `server_stats`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, server_stats& x) {
  return f(caf::meta::type_name("server_stats"), x.sessions, x.sessions_opened,
           x.tools, x.resources, x.resource_templates, x.prompts);
}

} // namespace mcp

// -- local-only message types -------------------------------------------------

namespace mcp {

struct tool;
struct resource;
struct resource_template;
struct prompt;

namespace detail {

struct catalog;

} // namespace detail

namespace transports {

class channel;

} // namespace transports

} // namespace mcp

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcp::tool)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcp::resource)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcp::resource_template)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcp::prompt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<const mcp::detail::catalog>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<mcp::transports::channel>)
