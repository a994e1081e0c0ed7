#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json/value.hpp>

namespace mcp::transports {

/// The session side of one connection to a peer: the peer's messages arrive
/// at the owner actor as `(inbound_atom, ...)`, `transport_fault` and a last
/// `transport_closed` (see transports/messages.hpp); messages for the peer
/// go through `send`, which any thread may call, so the actors of a session
/// write without a detour through a transport actor. Knows nothing of MCP
/// methods.
class channel {
public:
  // -- constructors, destructors, and assignment operators --------------------

  virtual ~channel();

  // -- output -----------------------------------------------------------------

  /// Queues `msg` for the peer, in the order of the calls (the calls of one
  /// thread keep their order). Returns false once the channel is closed.
  virtual bool send(const boost::json::value& msg) = 0;

  /// Like `send` for messages that may wait a moment (notifications): the
  /// channel may gather them with others into fewer writes. Keeps the order
  /// with `send` calls of the same thread.
  virtual bool post(const boost::json::value& msg);

  /// Like `send` for a message already serialized: `line` is one JSON value
  /// and a newline, e.g. a response built without the DOM on a hot path.
  virtual bool send_line(std::string_view line);

  /// Like `post` for a message already serialized (`line` as in
  /// `send_line`).
  virtual bool post_line(std::string_view line);

  // -- control ----------------------------------------------------------------

  /// Ends the connection: stops input, writes what is queued (within a
  /// grace period) and closes. The owner then gets `transport_closed`.
  virtual void close() = 0;

  // -- properties -------------------------------------------------------------

  /// Returns how many bytes sent so far the peer has not read yet, where the
  /// channel can tell (0 where it cannot). A rough measure: it may count
  /// the kernel's bookkeeping too, but it is 0 once the peer read all.
  virtual size_t unread_output();
};

} // namespace mcp::transports
