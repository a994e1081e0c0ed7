#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/sec.hpp>
#include <caf/timespan.hpp>

#include "transports/http_gate.hpp"

namespace mcp::transports {

class http_exchange;

/// Where an `http_listener` listens, and its limits.
struct http_listener_config {
  /// The address to bind; loopback unless told otherwise.
  std::string address = "127.0.0.1";
  /// The port; 0 picks a free one (see `http_listener::port`).
  uint16_t port = 0;
  /// Request bodies larger than this get 413.
  size_t max_body_size = 4 * 1024 * 1024;
  /// Request headers larger than this get 431.
  size_t max_header_size = 16 * 1024;
  /// A request (headers and body) must arrive within this time once its
  /// first byte did; a connection that sends nothing for `idle_timeout`
  /// between requests is closed.
  caf::timespan read_timeout = std::chrono::seconds(10);
  /// How long a keep-alive connection may sit idle between requests.
  caf::timespan idle_timeout = std::chrono::seconds(60);
  /// Connections beyond this many are closed at once.
  size_t max_connections = 4096;
  /// Output a peer does not read piling up past this closes its connection
  /// instead of growing memory.
  size_t max_pending_output = 16 * 1024 * 1024;
  /// Host names (without port) a request may name in its `Host` header, and
  /// an `Origin` header may name; others get 403 (DNS rebinding). Empty:
  /// `localhost`, `127.0.0.1` and `[::1]` when bound to loopback, any host
  /// otherwise (then only `allowed_origins` limits browsers).
  std::vector<std::string> allowed_hosts;
  /// Origins (`scheme://host[:port]`) allowed besides those whose host is in
  /// the allowed hosts.
  std::vector<std::string> allowed_origins;
};

/// Counters of an `http_listener`.
struct http_listener_stats {
  uint64_t connections = 0;
  uint64_t requests = 0;
  uint64_t refused_connections = 0;
  uint64_t timeouts = 0;
  uint64_t slow_readers = 0;
};

/// The request of an exchange: what the handler needs of it, without Beast.
struct http_request_view {
  /// "GET", "POST", "DELETE", ... as sent.
  std::string_view method;
  /// The request target: path and query.
  std::string_view target;
  /// The body.
  std::string body;
  /// Returns the value of header `name` (case-insensitive), empty if none.
  std::function<std::string_view(std::string_view)> header;
  /// Returns every header whose name starts with `prefix` (ignoring case),
  /// as name and value.
  std::function<std::vector<std::pair<std::string_view, std::string_view>>(
    std::string_view)>
    headers_with_prefix;
};

/// Answers HTTP requests; runs on the listener's I/O thread.
class http_handler {
public:
  virtual ~http_handler();

  /// Handles one request. The handler answers through `ex`, now or later
  /// (on the I/O thread: see `http_listener::post`).
  virtual void on_request(std::shared_ptr<http_exchange> ex) = 0;
};

/// One request and its answer: a whole response, or a stream of chunks (SSE)
/// that ends when the handler ends it. Use on the I/O thread only.
class http_exchange {
public:
  /// Header fields of a response.
  using fields = std::vector<std::pair<std::string, std::string>>;

  virtual ~http_exchange();

  /// The request.
  virtual const http_request_view& request() const noexcept = 0;

  /// Sends a whole response; the connection then serves its next request.
  virtual void respond(unsigned status, fields headers, std::string body)
    = 0;

  /// Sends the head of a streamed response (chunked).
  virtual void start_stream(unsigned status, fields headers) = 0;

  /// Sends one chunk of a stream. Returns false when the connection is gone.
  virtual bool write(std::string_view bytes) = 0;

  /// Ends the stream cleanly; the connection then serves its next request.
  virtual void end_stream() = 0;

  /// Closes the connection without ending the stream (the peer sees it
  /// break, e.g. to poll again later).
  virtual void abort() = 0;

  /// Returns whether the connection is gone or the exchange is answered.
  virtual bool done() const noexcept = 0;

  /// Sets what runs (once) when the connection goes away before the
  /// exchange ended.
  virtual void on_abort(std::function<void()> f) = 0;

  /// Returns how many bytes wait for the peer to read them.
  virtual size_t pending_output() const noexcept = 0;

  /// Sets what runs (once) when at most `below` bytes wait for the peer, or
  /// the connection goes away: a producer that got ahead of its reader
  /// waits for it instead of piling output up to `max_pending_output`.
  virtual void on_drain(size_t below, std::function<void()> f) = 0;
};

/// Runs work on a listener's I/O thread, in the order it was posted from
/// all threads together. Shared by what outlives the listener (a session's
/// channel): once the listener stopped, posted work is dropped instead of
/// run.
class http_io {
public:
  /// Runs `f` on the I/O thread after all work posted before it: at once
  /// when called there with nothing waiting. Drops `f` once the listener
  /// stopped.
  void post(std::function<void()> f);

  /// Returns whether the caller runs on the I/O thread.
  bool on_io_thread() const noexcept;

private:
  friend class http_listener;

  /// Runs what waits, in order (on the I/O thread).
  void drain();

  /// Drops what waits (once the I/O thread ended).
  void clear();

  std::mutex mtx_;
  /// Queues a function on the I/O context; empty once stopped.
  std::function<void(std::function<void()>)> enqueue_;
  /// Posted work that waits for the I/O thread.
  std::deque<std::function<void()>> queue_;
  /// Whether a `drain` is queued on the I/O context.
  bool scheduled_ = false;
  /// How much work `drain` took from `queue_` and has yet to run (I/O
  /// thread only).
  size_t taken_ = 0;
  std::atomic<std::thread::id> io_id_{};
};

/// An HTTP/1.1 server on Boost.Beast: one I/O thread accepts, reads requests
/// (keep-alive, limits, timeouts), checks `Host` and `Origin` against DNS
/// rebinding, and hands each request to the handler on that thread.
class http_listener {
public:
  ~http_listener();

  /// Binds and starts the I/O thread. Fails when the address cannot be
  /// bound.
  static caf::expected<std::unique_ptr<http_listener>>
  start(http_listener_config cfg, std::shared_ptr<http_handler> handler);

  /// Returns the bound port.
  uint16_t port() const noexcept;

  /// Runs `f` on the I/O thread (at once when called there).
  void post(std::function<void()> f);

  /// Returns whether the caller runs on the I/O thread.
  bool on_io_thread() const noexcept;

  /// Returns the handle for posting work that may outlive the listener.
  std::shared_ptr<http_io> io() const noexcept;

  /// Runs `f` on the I/O thread after `delay`, repeatedly until `stop`.
  void every(caf::timespan delay, std::function<void()> f);

  /// Returns the counters (call on the I/O thread for exact figures).
  http_listener_stats stats() const;

  /// Stops accepting, closes every connection and joins the I/O thread.
  void stop();

  /// Blocks until `stop` was called (from any thread) and the I/O thread
  /// ended.
  void wait();

  struct impl;

private:
  explicit http_listener(std::shared_ptr<impl> ptr);

  std::shared_ptr<impl> impl_;
};

} // namespace mcp::transports
