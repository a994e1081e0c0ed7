#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace mcp {

/// Keeps the SSE events of Streamable HTTP streams for clients that
/// reconnect with `Last-Event-ID`. A stream is a session id and a stream
/// number; its events have increasing sequence numbers. The server calls a
/// store from its I/O thread only. Implement it to keep events elsewhere
/// (e.g. shared by several server processes); `make_memory_event_store`
/// is the default.
class event_store {
public:
  virtual ~event_store();

  /// Keeps `event` (a framed SSE event) as number `seq` of the stream.
  virtual void store(const std::string& session, uint64_t stream,
                     uint64_t seq, std::string event)
    = 0;

  /// Calls `f` with each kept event of the stream after number `after`, in
  /// order.
  virtual void replay(const std::string& session, uint64_t stream,
                      uint64_t after,
                      const std::function<void(const std::string&)>& f)
    = 0;

  /// Forgets the events of one stream.
  virtual void drop_stream(const std::string& session, uint64_t stream) = 0;

  /// Forgets the events of every stream of a session.
  virtual void drop_session(const std::string& session) = 0;
};

/// Returns a store in memory that keeps the last `max_events` events of
/// each stream.
std::shared_ptr<event_store> make_memory_event_store(size_t max_events);

} // namespace mcp
