#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/fwd.hpp>

#include <caf/actor.hpp>

#include "actors/event_store.hpp"
#include "protocol/json_key.hpp"
#include "transports/channel.hpp"
#include "transports/http_listener.hpp"

namespace mcp::detail {

/// Settings every session of one HTTP server shares.
struct http_session_settings {
  /// Keeps the events of request streams for resumption.
  std::shared_ptr<event_store> events;
  /// `retry` of priming events, in milliseconds.
  uint32_t retry_ms = 1000;
  /// Streams whose connection broke, kept for resumption, per session.
  size_t max_detached_streams = 64;
  /// Messages kept for a GET stream that is not open.
  size_t max_unsent = 1024;
  /// Output waiting for a client past this makes producers that can wait
  /// (`channel::await_writable`) wait until it is below `resume_output`.
  size_t pause_output = 4 * 1024 * 1024;
  size_t resume_output = 1024 * 1024;
  /// How long a producer waits at most (then the client counts as stalled).
  caf::timespan max_producer_wait = std::chrono::seconds(10);
  /// Serves stateless (2026-07-28) requests: no session id, no event ids,
  /// nothing kept for resumption, a broken stream cancels its request, and
  /// error responses get the status their code calls for.
  bool stateless = false;
};

/// One Streamable HTTP session: the channel its session actor writes to,
/// and the streams of its requests. Each POST that carries a request opens
/// the request's stream; what the session sends on that request's route
/// goes there, as one JSON response when the response comes first, or as
/// SSE events (after a priming event with an id and `retry`) that end with
/// the response. Messages without a route go to the session's GET stream.
/// Every event gets an id `<stream>-<n>` and is kept (bounded) until its
/// stream ended on a live connection, so a client that lost a connection
/// resumes with `Last-Event-ID`. The channel calls may come from any thread;
/// everything else runs on the listener's I/O thread.
class http_session : public transports::channel,
                     public std::enable_shared_from_this<http_session> {
public:
  // -- constructors -----------------------------------------------------------

  http_session(std::shared_ptr<transports::http_io> io, std::string id,
               http_session_settings settings,
               std::function<void(const std::string&)> on_closed);

  ~http_session() override;

  // -- channel interface ------------------------------------------------------

  bool send(const boost::json::value& msg,
            transports::output_route route = {}) override;

  bool send_text(std::string& json,
                 transports::output_route route = {}) override;

  bool post_text(std::string& json,
                 transports::output_route route = {}) override;

  void close() override;

  void close_stream(const protocol::request_id& id) override;

  void await_writable() override;

  // -- I/O thread -------------------------------------------------------------

  /// Returns the session id.
  const std::string& id() const noexcept {
    return id_;
  }

  /// Returns the revision `initialize` negotiated (empty before).
  const std::string& protocol_version() const noexcept {
    return protocol_version_;
  }

  /// Returns whether `initialize` succeeded.
  bool initialized() const noexcept {
    return !protocol_version_.empty();
  }

  /// Returns whether the session ended.
  bool closed() const noexcept {
    return closed_;
  }

  /// Opens the stream of request `id` on `ex`; false if `id` has one
  /// already. `initialize` marks the stream whose response starts the
  /// session.
  bool open_stream(const protocol::request_id& id,
                   std::shared_ptr<transports::http_exchange> ex,
                   bool initialize = false);

  /// Opens one stream on `ex` for the requests `ids` of a JSON-RPC batch; it
  /// ends with the batch's response (routed to the first id). False if an id
  /// has a stream already or repeats.
  bool open_stream(const std::vector<protocol::request_id>& ids,
                   std::shared_ptr<transports::http_exchange> ex);

  /// Makes `ex` the session's GET stream; false if one is open already.
  bool open_get_stream(std::shared_ptr<transports::http_exchange> ex);

  /// Makes `ex` the one stream of a legacy (2024-11-05) HTTP+SSE session:
  /// it names `post_url` in an `endpoint` event first, then carries every
  /// message; the session ends when it breaks.
  void open_legacy_stream(std::shared_ptr<transports::http_exchange> ex,
                          const std::string& post_url);

  /// Resumes the stream of event `last_event_id` on `ex`: replays what came
  /// after it, then goes on live (or ends, if the stream ended). False if no
  /// kept stream has that id.
  bool resume(const std::string& last_event_id,
              std::shared_ptr<transports::http_exchange> ex);

  /// Returns whether a request stream or the GET stream is open.
  bool busy() const noexcept;

  /// When the session last saw a request.
  std::chrono::steady_clock::time_point last_activity;

  /// The session actor.
  caf::actor session;

private:
  // -- implementation details -------------------------------------------------

  struct stream {
    /// Numbers the stream in event ids; 0 is the GET stream.
    uint64_t no = 0;
    /// The connection it goes on; null while detached.
    std::shared_ptr<transports::http_exchange> ex;
    /// Whether the response head went out as SSE.
    bool sse = false;
    /// Whether the response went out (the stream ends).
    bool ended = false;
    /// Whether the response starts the session.
    bool initialize = false;
    /// How many request ids lead to the stream (more than one for a batch).
    size_t requests = 1;
    uint64_t next_seq = 1;
  };

  void deliver(std::optional<protocol::request_id> request, std::string text,
               bool ends);

  void finish_initialize(stream& s, const std::string& text);

  void start_sse(stream& s);

  void push_event(stream& s, const std::string& text);

  void watch(const std::shared_ptr<transports::http_exchange>& ex,
             uint64_t no);

  void detach(uint64_t no);

  void erase_stream(uint64_t no);

  /// Cancels the requests of stream `no` (stateless: the client closed it).
  void cancel_requests_of(uint64_t no);

  /// Returns the HTTP status of the JSON response `text` (stateless).
  static unsigned response_status(const std::string& text);

  transports::http_exchange::fields headers() const;

  bool post_deliver(const transports::output_route& route, std::string text);

  /// Pauses producers while `ex` has much output left (I/O thread).
  void watch_output(transports::http_exchange& ex);

  /// Takes `n` delivered bytes off the backlog; wakes waiting producers.
  void dequeued(size_t n);

  std::shared_ptr<transports::http_io> io_;
  std::string id_;
  http_session_settings settings_;
  std::function<void(const std::string&)> on_closed_;
  std::string protocol_version_;
  bool closed_ = false;
  /// Whether this is a legacy HTTP+SSE session.
  bool legacy_ = false;
  uint64_t next_no_ = 1;
  /// Streams by number; `by_request_` finds a request's.
  std::unordered_map<uint64_t, stream> streams_;
  std::unordered_map<protocol::request_id, uint64_t> by_request_;
  /// Detached streams in the order they broke (oldest dropped first).
  std::deque<uint64_t> detached_;
  /// The GET stream (number 0).
  stream get_;
  /// What waits for a GET stream to open (bounded).
  std::deque<std::string> unsent_;
  /// Whether producers wait (`await_writable`), and whether a wait timed
  /// out since (the reader stalled: producers go on, and the listener's
  /// bound on pending output decides).
  std::mutex drain_mtx_;
  std::condition_variable drain_cv_;
  std::atomic<bool> congested_{false};
  bool stalled_ = false;
  /// Bytes posted to the I/O thread and not delivered yet.
  std::atomic<size_t> queued_{0};
  std::atomic<int> waiters_{0};
};

} // namespace mcp::detail
