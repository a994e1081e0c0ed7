#include "transports/http_listener.hpp"

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include <sys/socket.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "transports/detail/serialize_http.hpp"


namespace mcp::transports {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

bool is_loopback(const std::string& address) {
  boost::system::error_code ec;
  auto addr = net::ip::make_address(address, ec);
  return !ec && addr.is_loopback();
}

} // namespace

http_handler::~http_handler() {
  // nop
}

http_exchange::~http_exchange() {
  // nop
}

// -- connections --------------------------------------------------------------

class connection;

struct http_listener::impl
  : std::enable_shared_from_this<http_listener::impl> {
  http_listener_config cfg;
  std::shared_ptr<http_handler> handler;
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::thread::id io_id;
  uint16_t port = 0;
  /// Which hosts and origins may reach the listener.
  std::optional<http_gate> gate;
  /// Open connections; guarded by `conn_mtx` (a session may release its
  /// last reference to one on another thread once the listener stopped).
  std::mutex conn_mtx;
  std::unordered_map<connection*, std::weak_ptr<connection>> connections;
  /// Runs a function on the I/O thread every `delay` until cancelled.
  struct repeating_timer {
    repeating_timer(net::io_context& ioc, caf::timespan delay,
                    std::function<void()> f)
      : timer(ioc), delay(delay), f(std::move(f)) {
      // nop
    }
    void arm() {
      timer.expires_after(delay);
      timer.async_wait([this](beast::error_code ec) {
        // A wait that had expired when cancel() ran still completes
        // without an error: the flag keeps it from arming again, so that
        // the context runs out of work at shutdown.
        if (ec || cancelled)
          return;
        f();
        arm();
      });
    }
    void cancel() {
      cancelled = true;
      timer.cancel();
    }
    bool cancelled = false;
    net::steady_timer timer;
    caf::timespan delay;
    std::function<void()> f;
  };
  std::vector<std::unique_ptr<repeating_timer>> timers;
  http_listener_stats stats;
  std::mutex mtx;
  std::condition_variable cv;
  bool stopped = false;
  std::shared_ptr<http_io> io = std::make_shared<http_io>();

  void accept();
};

/// One connection: reads requests one after another, each answered through
/// an exchange before the next is read.
class connection : public std::enable_shared_from_this<connection>,
                   public http_exchange {
public:
  connection(std::shared_ptr<http_listener::impl> owner, tcp::socket sock)
    : keep_(std::move(owner)), owner_(*keep_), stream_(std::move(sock)) {
    request_.headers_with_prefix = [this](std::string_view prefix) {
      std::vector<std::pair<std::string_view, std::string_view>> res;
      if (!message_)
        return res;
      for (auto& field : *message_) {
        auto name = field.name_string();
        if (name.size() < prefix.size()
            || !beast::iequals(name.substr(0, prefix.size()),
                               beast::string_view{prefix.data(),
                                                  prefix.size()}))
          continue;
        auto value = field.value();
        res.emplace_back(std::string_view{name.data(), name.size()},
                         std::string_view{value.data(), value.size()});
      }
      return res;
    };
    request_.header = [this](std::string_view name) -> std::string_view {
      if (!message_)
        return {};
      auto i = message_->find(beast::string_view{name.data(), name.size()});
      if (i == message_->end())
        return {};
      auto v = i->value();
      return {v.data(), v.size()};
    };
  }

  ~connection() override {
    std::lock_guard<std::mutex> guard{owner_.conn_mtx};
    owner_.connections.erase(this);
  }

  void start() {
    {
      std::lock_guard<std::mutex> guard{owner_.conn_mtx};
      owner_.connections.emplace(this, weak_from_this());
    }
    wait_for_request();
  }

  // -- http_exchange ----------------------------------------------------------

  const http_request_view& request() const noexcept override {
    return request_;
  }

  void respond(unsigned status, fields headers, std::string body) override {
    if (state_ != exchange_state::open)
      return;
    http::response<http::string_body> res{static_cast<http::status>(status),
                                          11};
    for (auto& [k, v] : headers)
      res.set(k, v);
    res.body() = std::move(body);
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    std::string text;
    detail::append_http(text, res);
    state_ = exchange_state::done;
    queue(std::move(text));
    next();
  }

  void start_stream(unsigned status, fields headers) override {
    if (state_ != exchange_state::open)
      return;
    http::response<http::empty_body> res{static_cast<http::status>(status),
                                         11};
    for (auto& [k, v] : headers)
      res.set(k, v);
    res.keep_alive(keep_alive_);
    res.chunked(true);
    std::string text;
    detail::append_http(text, res, true);
    state_ = exchange_state::streaming;
    queue(std::move(text));
  }

  bool write(std::string_view bytes) override {
    if (state_ != exchange_state::streaming || closed_)
      return false;
    if (!bytes.empty())
      queue(beast::buffers_to_string(
        http::make_chunk(net::const_buffer{bytes.data(), bytes.size()})));
    return !closed_;
  }

  void end_stream() override {
    if (state_ != exchange_state::streaming)
      return;
    state_ = exchange_state::done;
    queue(beast::buffers_to_string(http::make_chunk_last()));
    next();
  }

  void abort() override {
    if (state_ == exchange_state::done)
      return;
    state_ = exchange_state::done;
    on_abort_ = nullptr;
    close();
  }

  bool done() const noexcept override {
    return state_ == exchange_state::done || closed_;
  }

  void on_abort(std::function<void()> f) override {
    on_abort_ = std::move(f);
  }

  size_t pending_output() const noexcept override {
    return out_.size() + sending_.size();
  }

  void on_drain(size_t below, std::function<void()> f) override {
    if (closed_ || pending_output() <= below) {
      f();
      return;
    }
    drain_below_ = below;
    on_drain_ = std::move(f);
  }

private:
  enum class exchange_state { reading, open, streaming, done };

  void wait_for_request() {
    state_ = exchange_state::reading;
    message_.reset();
    if (buffer_.size() > 0) {
      read_request();
      return;
    }
    // Idle between requests: wait for the first byte of the next one.
    stream_.expires_after(owner_.cfg.idle_timeout);
    stream_.async_read_some(
      buffer_.prepare(4096),
      [self = shared_from_this()](beast::error_code ec, size_t n) {
        if (ec) {
          if (ec == beast::error::timeout)
            ++self->owner_.stats.timeouts;
          self->close();
          return;
        }
        self->buffer_.commit(n);
        self->read_request();
      });
  }

  void read_request() {
    parser_.emplace();
    parser_->body_limit(owner_.cfg.max_body_size);
    parser_->header_limit(
      static_cast<std::uint32_t>(owner_.cfg.max_header_size));
    stream_.expires_after(owner_.cfg.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec,
                                                 size_t) {
                       self->on_read(ec);
                     });
  }

  void refuse(http::status status, std::string_view why) {
    state_ = exchange_state::open;
    keep_alive_ = false;
    respond(static_cast<unsigned>(status), {{"Content-Type", "text/plain"}},
            std::string{why});
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof
        || ec == net::error::connection_reset
        || ec == net::error::operation_aborted) {
      close();
      return;
    }
    if (ec == beast::error::timeout) {
      ++owner_.stats.timeouts;
      close();
      return;
    }
    if (ec == http::error::body_limit) {
      refuse(http::status::payload_too_large, "request body too large");
      return;
    }
    if (ec == http::error::header_limit) {
      refuse(http::status::request_header_fields_too_large,
             "request header too large");
      return;
    }
    if (ec) {
      refuse(http::status::bad_request, "malformed HTTP request");
      return;
    }
    stream_.expires_never();
    ++owner_.stats.requests;
    message_.emplace(parser_->release());
    keep_alive_ = message_->keep_alive();
    auto method = message_->method_string();
    auto target = message_->target();
    request_.method = {method.data(), method.size()};
    request_.target = {target.data(), target.size()};
    request_.body = std::move(message_->body());
    state_ = exchange_state::open;
    auto host = request_.header("Host");
    if (!owner_.gate->host_allowed(host)) {
      refuse(http::status::forbidden, "forbidden Host header");
      return;
    }
    if (!owner_.gate->origin_allowed(request_.header("Origin"), host)) {
      refuse(http::status::forbidden, "forbidden Origin");
      return;
    }
    watch_peer();
    owner_.handler->on_request(
      std::shared_ptr<http_exchange>{shared_from_this(), this});
  }

  /// Notices a client that closes its connection while its response is
  /// pending (the connection reads nothing then): aborts the exchange, so
  /// that its session lets go of it. Bytes of a pipelined request wait for
  /// the response instead.
  void watch_peer() {
    stream_.socket().async_wait(
      tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
        if (self->closed_ || self->state_ == exchange_state::reading)
          return;
        if (ec) {
          if (ec != net::error::operation_aborted)
            self->close();
          return;
        }
        char c = 0;
        auto n = ::recv(self->stream_.socket().native_handle(), &c, 1,
                        MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
          self->close();
      });
  }

  /// Serves the next request once this exchange is done.
  void next() {
    if (!keep_alive_) {
      close_after_write_ = true;
      if (!writing_)
        close();
      return;
    }
    on_abort_ = nullptr;
    wait_for_request();
  }

  void queue(std::string bytes) {
    if (closed_)
      return;
    if (out_.size() + bytes.size() > owner_.cfg.max_pending_output) {
      ++owner_.stats.slow_readers;
      close();
      return;
    }
    if (out_.empty())
      out_ = std::move(bytes);
    else
      out_ += bytes;
    if (!writing_)
      flush();
  }

  void flush() {
    writing_ = true;
    sending_.swap(out_);
    out_.clear();
    net::async_write(stream_, net::buffer(sending_),
                     [self = shared_from_this()](beast::error_code ec,
                                                 size_t) {
                       self->writing_ = false;
                       self->sending_.clear();
                       if (ec) {
                         self->close();
                         return;
                       }
                       self->drained();
                       if (!self->out_.empty())
                         self->flush();
                       else if (self->close_after_write_)
                         self->close();
                     });
  }

  /// Runs the drain callback once the output fell below its mark.
  void drained() {
    if (on_drain_ && (closed_ || pending_output() <= drain_below_))
      std::exchange(on_drain_, nullptr)();
  }

  void close() {
    if (closed_)
      return;
    // The abort callback may drop the last other reference to this
    // connection.
    auto keep = weak_from_this().lock();
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    if (auto f = std::move(on_abort_); f && state_ != exchange_state::done)
      f();
    on_abort_ = nullptr;
    drained();
  }

  /// Keeps the I/O context alive for as long as a session holds the
  /// connection.
  std::shared_ptr<http_listener::impl> keep_;
  http_listener::impl& owner_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::request<http::string_body>> message_;
  http_request_view request_;
  exchange_state state_ = exchange_state::reading;
  bool keep_alive_ = true;
  bool closed_ = false;
  bool writing_ = false;
  bool close_after_write_ = false;
  std::string out_;
  std::string sending_;
  std::function<void()> on_abort_;
  std::function<void()> on_drain_;
  size_t drain_below_ = 0;

  friend struct http_listener::impl;

public:
  /// Closes the connection (listener shutdown).
  void shut() {
    close();
  }
};

void http_listener::impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket sock) {
    if (ec) {
      if (ec != net::error::operation_aborted && acceptor.is_open())
        accept();
      return;
    }
    size_t open = 0;
    {
      std::lock_guard<std::mutex> guard{conn_mtx};
      open = connections.size();
    }
    if (open >= cfg.max_connections) {
      ++stats.refused_connections;
      beast::error_code ignored;
      sock.close(ignored);
    } else {
      ++stats.connections;
      sock.set_option(tcp::no_delay{true});
      std::make_shared<connection>(shared_from_this(), std::move(sock))
        ->start();
    }
    accept();
  });
}

// -- listener -----------------------------------------------------------------

http_listener::http_listener(std::shared_ptr<impl> ptr)
  : impl_(std::move(ptr)) {
  // nop
}

http_listener::~http_listener() {
  stop();
}

caf::expected<std::unique_ptr<http_listener>>
http_listener::start(http_listener_config cfg,
                     std::shared_ptr<http_handler> handler) {
  auto st = std::make_shared<impl>();
  st->cfg = std::move(cfg);
  st->handler = std::move(handler);
  st->gate.emplace(st->cfg.allowed_hosts, st->cfg.allowed_origins,
                   is_loopback(st->cfg.address));
  boost::system::error_code ec;
  auto addr = net::ip::make_address(st->cfg.address, ec);
  if (ec)
    return caf::make_error(caf::sec::invalid_argument,
                           "bad listen address " + st->cfg.address);
  tcp::endpoint ep{addr, st->cfg.port};
  st->acceptor.open(ep.protocol(), ec);
  if (!ec)
    st->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    st->acceptor.bind(ep, ec);
  if (!ec)
    st->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return caf::make_error(caf::sec::cannot_open_port,
                           "cannot listen on " + st->cfg.address + ":"
                             + std::to_string(st->cfg.port) + ": "
                             + ec.message());
  st->port = st->acceptor.local_endpoint().port();
  auto* raw = st.get();
  raw->accept();
  raw->io->enqueue_ = [raw](std::function<void()> f) {
    net::post(raw->ioc, std::move(f));
  };
  raw->thread = std::thread{[raw] { raw->ioc.run(); }};
  raw->io_id = raw->thread.get_id();
  raw->io->io_id_ = raw->io_id;
  return std::unique_ptr<http_listener>{new http_listener(std::move(st))};
}

uint16_t http_listener::port() const noexcept {
  return impl_->port;
}

bool http_listener::on_io_thread() const noexcept {
  return std::this_thread::get_id() == impl_->io_id;
}

void http_listener::post(std::function<void()> f) {
  impl_->io->post(std::move(f));
}

std::shared_ptr<http_io> http_listener::io() const noexcept {
  return impl_->io;
}

void http_io::post(std::function<void()> f) {
  std::unique_lock<std::mutex> guard{mtx_};
  if (on_io_thread() && taken_ == 0 && queue_.empty()) {
    guard.unlock();
    f();
    return;
  }
  if (!enqueue_)
    return;
  queue_.push_back(std::move(f));
  if (!scheduled_) {
    scheduled_ = true;
    enqueue_([this] { drain(); });
  }
}

void http_io::drain() {
  std::deque<std::function<void()>> batch;
  for (;;) {
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (queue_.empty()) {
        scheduled_ = false;
        return;
      }
      batch.swap(queue_);
      taken_ = batch.size();
    }
    while (!batch.empty()) {
      auto f = std::move(batch.front());
      batch.pop_front();
      --taken_;
      f();
    }
  }
}

void http_io::clear() {
  std::deque<std::function<void()>> left;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    left.swap(queue_);
    scheduled_ = false;
  }
}

bool http_io::on_io_thread() const noexcept {
  return std::this_thread::get_id() == io_id_.load();
}

void http_listener::every(caf::timespan delay, std::function<void()> f) {
  net::post(impl_->ioc, [st = impl_.get(), delay, f = std::move(f)]() mutable {
    st->timers.push_back(std::make_unique<impl::repeating_timer>(
      st->ioc, delay, std::move(f)));
    st->timers.back()->arm();
  });
}

http_listener_stats http_listener::stats() const {
  return impl_->stats;
}

void http_listener::stop() {
  auto& st = *impl_;
  if (!st.thread.joinable())
    return;
  {
    // From now on, work posted from elsewhere is dropped.
    std::lock_guard<std::mutex> guard{st.io->mtx_};
    st.io->enqueue_ = nullptr;
  }
  net::post(st.ioc, [&st] {
    beast::error_code ignored;
    st.acceptor.close(ignored);
    for (auto& t : st.timers)
      t->cancel();
    std::vector<std::shared_ptr<connection>> open;
    {
      std::lock_guard<std::mutex> guard{st.conn_mtx};
      for (auto& [ptr, weak] : st.connections)
        if (auto c = weak.lock())
          open.push_back(std::move(c));
    }
    for (auto& c : open)
      c->shut();
    // With the acceptor, timers and sockets closed, the context runs out of
    // work and the thread ends.
  });
  if (std::this_thread::get_id() == st.io_id) {
    st.thread.detach();
  } else {
    st.thread.join();
    st.io->clear();
  }
  std::lock_guard<std::mutex> guard{st.mtx};
  st.stopped = true;
  st.cv.notify_all();
}

void http_listener::wait() {
  auto& st = *impl_;
  std::unique_lock<std::mutex> guard{st.mtx};
  st.cv.wait(guard, [&] { return st.stopped; });
}

} // namespace mcp::transports
