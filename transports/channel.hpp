#pragma once

#include <string>

#include <boost/json/fwd.hpp>


#include "protocol/json_key.hpp"

namespace mcp::transports {

/// Where an outgoing message belongs. Streamable HTTP answers each request
/// on a stream of its own that carries the request's progress, logs and
/// requests to the client and ends with its response; a channel without
/// such streams (stdio) ignores the route except where noted.
struct output_route {
  /// The peer's request the message belongs to; null for messages of the
  /// connection (list_changed, resource updates, session-wide logs).
  const protocol::request_id* request = nullptr;
  /// Whether the message is the response to `request`: its stream ends.
  bool ends_request = false;
  /// Whether the request sent progress before this response, so that a
  /// channel may let the peer read that progress first.
  bool after_progress = false;

  /// Returns the route of a message that belongs to request `id`.
  static output_route of(const protocol::request_id& id) noexcept {
    return {&id, false, false};
  }

  /// Returns the route of the response to request `id`.
  static output_route response_to(const protocol::request_id& id,
                                  bool after_progress = false) noexcept {
    return {&id, true, after_progress};
  }
};

/// The session side of one connection to a peer: the peer's messages arrive
/// at the owner actor as `(inbound_atom, ...)`, `transport_fault` and a last
/// `transport_closed` (see transports/messages.hpp); messages for the peer
/// go through `send`, which any thread may call, so the actors of a session
/// write without a detour through a transport actor. Knows nothing of MCP
/// methods; framing (lines, SSE events, HTTP bodies) is the channel's.
class channel {
public:
  // -- constructors, destructors, and assignment operators --------------------

  virtual ~channel();

  // -- output -----------------------------------------------------------------

  /// Queues `msg` for the peer on `route`, in the order of the calls (the
  /// calls of one thread keep their order). Returns false once the channel
  /// (or the route's stream) is closed.
  virtual bool send(const boost::json::value& msg, output_route route = {})
    = 0;

  /// Like `send` for messages that may wait a moment (notifications): the
  /// channel may gather them with others into fewer writes. Keeps the order
  /// with `send` calls of the same thread.
  virtual bool post(const boost::json::value& msg, output_route route = {});

  /// Like `send` for a message already serialized, e.g. a response built
  /// without the DOM on a hot path. `json` is one JSON value; the channel
  /// may append its framing to `json` while it writes (and leaves `json`
  /// with unspecified contents), so that no copy is needed.
  virtual bool send_text(std::string& json, output_route route = {});

  /// Like `post` for a message already serialized (`json` as in
  /// `send_text`).
  virtual bool post_text(std::string& json, output_route route = {});

  // -- control ----------------------------------------------------------------

  /// Ends the HTTP response that carries request `id`'s stream without
  /// ending the stream (its response has not gone out), where streams can be
  /// resumed (Streamable HTTP, SEP-1699 polling): the client reconnects and
  /// gets what follows. Does nothing elsewhere.
  virtual void close_stream(const protocol::request_id& id);

  /// Waits while the peer has much output of this channel left to read, so
  /// that a producer of many messages (a progress burst) goes at the
  /// reader's pace instead of piling output up until the channel cuts the
  /// connection; the channel bounds the wait (a stalled peer). Returns at
  /// once on a thread that the channel's own output needs, and where the
  /// channel has no such wait.
  virtual void await_writable();

  /// Ends the connection: stops input, writes what is queued (within a
  /// grace period) and closes. The owner then gets `transport_closed`.
  virtual void close() = 0;
};

} // namespace mcp::transports
