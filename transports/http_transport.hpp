#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

namespace mcp::transports {

/// Which of MCP's HTTP transports a client speaks.
enum class http_mode : uint8_t {
  /// Streamable HTTP (revisions 2025-03-26 and later).
  streamable,
  /// The HTTP+SSE transport of 2024-11-05: a GET of the URL opens the
  /// stream of every server message, whose first event names the endpoint
  /// to POST to.
  legacy_sse,
  /// Streamable HTTP, falling back to HTTP+SSE when the first POST gets
  /// 400, 404 or 405 (the spec's backwards-compatible detection).
  detect,
};

/// How to reach an MCP server over HTTP.
struct http_transport_config {
  /// The MCP endpoint, e.g. `http://127.0.0.1:3000/mcp` (plain HTTP).
  std::string url;
  /// Which transport to speak.
  http_mode mode = http_mode::streamable;
  /// Headers sent with every request, e.g. `Authorization: Bearer ...`.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Connections kept to the server; requests beyond wait for one.
  size_t max_connections = 8;
  /// Messages (a JSON body or one SSE event) larger than this are dropped
  /// and reported.
  size_t max_message_size = 4 * 1024 * 1024;
  /// Whether to open the GET stream for messages of the session once the
  /// handshake is done (a server without one answers 405).
  bool open_get_stream = true;
  /// How long to wait before resuming a broken stream when the server gave
  /// no `retry`.
  caf::timespan default_retry = std::chrono::seconds(1);
  /// Resumptions of one stream before its request fails.
  size_t max_resumptions = 3;
};

/// Spawns the broker that speaks Streamable HTTP with the server at
/// `cfg.url` for `owner`, with the protocol of every transport (see
/// transports/messages.hpp): each outgoing message is a POST (with
/// `Accept: application/json, text/event-stream`, the session id once the
/// server gave one, and `MCP-Protocol-Version` once the owner sent
/// `protocol_version_atom`); JSON replies and SSE streams are read as they
/// arrive, each message handed to `owner` at once; a stream that breaks is
/// resumed with `Last-Event-ID` after the server's `retry`; a request the
/// server refuses with an HTTP error gets a JSON-RPC error response; close
/// sends DELETE. With `http_mode::legacy_sse` (or when `http_mode::detect`
/// falls back), it GETs the URL, waits for the `endpoint` event (which must
/// name the same origin), POSTs every message there and reads every message
/// from that one stream. Runs on the I/O middleman's thread. Fails for a URL
/// it cannot use.
caf::expected<caf::actor> spawn_http_transport(caf::actor_system& sys,
                                               http_transport_config cfg,
                                               caf::actor owner);

} // namespace mcp::transports
