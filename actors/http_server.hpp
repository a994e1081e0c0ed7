#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "actors/event_store.hpp"
#include "actors/server_definition.hpp"
#include "transports/http_listener.hpp"

namespace mcp {

/// Where and how a server speaks Streamable HTTP (and, beside it, the legacy
/// 2024-11-05 HTTP+SSE transport).
struct http_options {
  /// Address, port (0: any free one), limits, and the `Host` / `Origin`
  /// checks against DNS rebinding. Binds 127.0.0.1 unless told otherwise.
  transports::http_listener_config listener;
  /// The MCP endpoint.
  std::string path = "/mcp";
  /// The legacy (2024-11-05) HTTP+SSE endpoints: GET opens a session's
  /// stream, which first names the POST endpoint in an `endpoint` event.
  /// Empty turns them off.
  std::string legacy_sse_path = "/sse";
  /// Where legacy clients POST their messages (`?sessionId=...`).
  std::string legacy_messages_path = "/messages";
  /// Sessions idle (no request, no open stream) this long end.
  caf::timespan session_idle_timeout = std::chrono::minutes(10);
  /// At most this many sessions at once; `initialize` beyond gets 503.
  size_t max_sessions = 10000;
  /// Events kept per stream for clients that reconnect with
  /// `Last-Event-ID`; older ones are dropped (by the default store).
  size_t max_stored_events = 1024;
  /// Where events are kept for resumption; null: in memory
  /// (`make_memory_event_store(max_stored_events)`).
  std::shared_ptr<event_store> events;
  /// The `retry` (in milliseconds) of priming events: how long a client
  /// waits before it resumes a stream the server closed.
  uint32_t retry_ms = 1000;
  /// Handlers that send faster than their client reads (a progress burst)
  /// wait while a quarter of `listener.max_pending_output` is unread; past
  /// this wait the client counts as stalled, handlers go on, and the
  /// listener closes the connection once `max_pending_output` is unread.
  caf::timespan max_producer_wait = std::chrono::seconds(10);
};

/// A running HTTP server: what `serve_http` returns.
class http_server {
public:
  virtual ~http_server();

  /// The port it listens on.
  virtual uint16_t port() const noexcept = 0;

  /// Stops accepting, ends every session and closes every connection.
  virtual void stop() = 0;

  /// Returns how many sessions are open (asks the I/O thread; 0 once
  /// stopped).
  virtual size_t sessions() const = 0;

  /// Blocks until `stop` was called.
  virtual void wait() = 0;
};

/// Serves the sessions of `server` over Streamable HTTP at
/// `opts.listener.address:port` + `opts.path`: POST (a response as JSON, or
/// as an SSE stream once the request sends progress, logs or requests to the
/// client first), GET (a stream for messages of the session, and resumption
/// with `Last-Event-ID`), DELETE (ends the session). Beside it, the legacy
/// HTTP+SSE endpoints (`opts.legacy_sse_path`, `opts.legacy_messages_path`)
/// serve 2024-11-05 clients. Each session is a session actor of `server`,
/// as over stdio.
caf::expected<std::unique_ptr<http_server>>
serve_http(caf::actor_system& sys, const caf::actor& server,
           http_options opts = {});

/// Runs `def` over Streamable HTTP in an actor system of its own until the
/// process is told to stop (SIGINT or SIGTERM); prints the URL to stderr and
/// returns the exit code for `main`.
int run_http_server(server_definition def, http_options opts = {});

} // namespace mcp
