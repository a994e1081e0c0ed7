#include "actors/detail/http_session.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <caf/send.hpp>

#include "actors/detail/http_route.hpp"
#include "protocol/json_text.hpp"
#include "transports/messages.hpp"
#include "protocol/revision.hpp"
#include "protocol/sse.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;
using transports::http_exchange;
using transports::output_route;

/// Whether priming events (empty data) are safe for the client: older
/// clients may take them for broken messages.
bool primes(const std::string& version) {
  return protocol::revision::nearest(version).has_sse_priming();
}

} // namespace

http_session::http_session(std::shared_ptr<transports::http_io> io,
                           std::string id,
                           http_session_settings settings,
                           std::function<void(const std::string&)> on_closed)
  : last_activity(std::chrono::steady_clock::now()),
    io_(std::move(io)),
    id_(std::move(id)),
    settings_(settings),
    on_closed_(std::move(on_closed)) {
  get_.no = 0;
}

http_session::~http_session() {
  // Connections and the event store belong to the I/O thread: they are
  // released there.
  auto left = std::make_shared<std::pair<decltype(streams_), stream>>(
    std::move(streams_), std::move(get_));
  io_->post([left, store = settings_.events, id = id_] {
    store->drop_session(id);
    left->first.clear();
  });
}

// -- channel interface --------------------------------------------------------

bool http_session::post_deliver(const output_route& route, std::string text) {
  std::optional<protocol::request_id> request;
  if (route.request != nullptr)
    request = *route.request;
  queued_.fetch_add(text.size());
  io_->post([self = shared_from_this(), request = std::move(request),
            text = std::move(text), ends = route.ends_request]() mutable {
    self->dequeued(text.size());
    self->deliver(std::move(request), std::move(text), ends);
  });
  return true;
}

bool http_session::send(const json::value& msg, output_route route) {
  std::string text;
  protocol::append_json(text, msg);
  return post_deliver(route, std::move(text));
}

bool http_session::send_text(std::string& json, output_route route) {
  return post_deliver(route, std::string{json});
}

bool http_session::post_text(std::string& json, output_route route) {
  return post_deliver(route, std::string{json});
}

void http_session::await_writable() {
  auto backlog = [this] {
    return queued_.load() > settings_.pause_output;
  };
  if ((!backlog() && !congested_.load()) || io_->on_io_thread())
    return;
  std::unique_lock<std::mutex> guard{drain_mtx_};
  if (stalled_)
    return;
  ++waiters_;
  auto ready = [&] {
    return !congested_.load()
           && queued_.load()
                <= settings_.resume_output;
  };
  if (!drain_cv_.wait_for(guard, settings_.max_producer_wait, ready))
    stalled_ = true;
  --waiters_;
}

void http_session::dequeued(size_t n) {
  auto left = queued_.fetch_sub(n) - n;
  if (left <= settings_.resume_output && waiters_.load() > 0) {
    std::lock_guard<std::mutex> guard{drain_mtx_};
    drain_cv_.notify_all();
  }
}

void http_session::watch_output(http_exchange& ex) {
  if (ex.pending_output() <= settings_.pause_output)
    return;
  if (congested_.exchange(true))
    return;
  ex.on_drain(settings_.resume_output, [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      std::lock_guard<std::mutex> guard{self->drain_mtx_};
      self->congested_ = false;
      self->stalled_ = false;
      self->drain_cv_.notify_all();
    }
  });
}

void http_session::close() {
  io_->post([self = shared_from_this()] {
    if (self->closed_)
      return;
    self->closed_ = true;
    {
      std::lock_guard<std::mutex> guard{self->drain_mtx_};
      self->congested_ = false;
      self->drain_cv_.notify_all();
    }
    for (auto& [no, s] : self->streams_)
      if (s.ex && !s.ex->done()) {
        if (s.sse)
          s.ex->end_stream();
        else
          s.ex->respond(404, self->headers(), {});
      }
    self->streams_.clear();
    self->by_request_.clear();
    if (self->get_.ex && !self->get_.ex->done())
      self->get_.ex->end_stream();
    self->get_.ex = nullptr;
    if (self->on_closed_)
      self->on_closed_(self->id_);
  });
}

void http_session::close_stream(const protocol::request_id& id) {
  io_->post([self = shared_from_this(), id] {
    auto i = self->by_request_.find(id);
    if (i == self->by_request_.end())
      return;
    auto& s = self->streams_.at(i->second);
    if (!s.ex)
      return;
    if (!s.sse)
      self->start_sse(s);
    // The HTTP response ends, the stream does not: no response went out,
    // so the client resumes it with Last-Event-ID.
    auto ex = std::move(s.ex);
    self->detach(s.no);
    ex->end_stream();
  });
}

// -- I/O thread ---------------------------------------------------------------

transports::http_exchange::fields http_session::headers() const {
  transports::http_exchange::fields res;
  if (initialized())
    res.emplace_back("Mcp-Session-Id", id_);
  return res;
}

bool http_session::busy() const noexcept {
  if (get_.ex && !get_.ex->done())
    return true;
  for (auto& [no, s] : streams_)
    if (s.ex)
      return true;
  return false;
}

void http_session::watch(const std::shared_ptr<http_exchange>& ex,
                         uint64_t no) {
  ex->on_abort([weak = weak_from_this(), no] {
    if (auto self = weak.lock())
      self->detach(no);
  });
}

bool http_session::open_stream(const protocol::request_id& id,
                               std::shared_ptr<http_exchange> ex,
                               bool initialize) {
  if (closed_ || by_request_.count(id) > 0)
    return false;
  auto no = next_no_++;
  auto& s = streams_[no];
  s.no = no;
  s.ex = std::move(ex);
  s.initialize = initialize;
  by_request_.emplace(id, no);
  watch(s.ex, no);
  return true;
}

bool http_session::open_stream(const std::vector<protocol::request_id>& ids,
                               std::shared_ptr<http_exchange> ex) {
  if (closed_ || ids.empty())
    return false;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (by_request_.count(ids[i]) > 0)
      return false;
    for (size_t j = 0; j < i; ++j)
      if (ids[j] == ids[i])
        return false;
  }
  if (!open_stream(ids.front(), std::move(ex)))
    return false;
  auto no = by_request_.at(ids.front());
  for (size_t i = 1; i < ids.size(); ++i)
    by_request_.emplace(ids[i], no);
  streams_.at(no).requests = ids.size();
  return true;
}

bool http_session::open_get_stream(std::shared_ptr<http_exchange> ex) {
  if (closed_ || (get_.ex && !get_.ex->done()))
    return false;
  get_.ex = std::move(ex);
  start_sse(get_);
  watch(get_.ex, 0);
  // What waited for a GET stream goes out now.
  for (auto& event : unsent_)
    get_.ex->write(event);
  unsent_.clear();
  return true;
}

void http_session::open_legacy_stream(std::shared_ptr<http_exchange> ex,
                                      const std::string& post_url) {
  legacy_ = true;
  get_.ex = std::move(ex);
  start_sse(get_);
  watch(get_.ex, 0);
  std::string event;
  protocol::append_sse_event(event, post_url, {}, "endpoint");
  get_.ex->write(event);
}

bool http_session::resume(const std::string& last_event_id,
                          std::shared_ptr<http_exchange> ex) {
  auto dash = last_event_id.find('-');
  if (closed_ || dash == std::string::npos)
    return false;
  uint64_t no = 0;
  uint64_t seq = 0;
  try {
    no = std::stoull(last_event_id.substr(0, dash));
    seq = std::stoull(last_event_id.substr(dash + 1));
  } catch (...) {
    return false;
  }
  if (no == 0)
    return open_get_stream(std::move(ex));
  auto i = streams_.find(no);
  if (i == streams_.end())
    return false;
  auto& s = i->second;
  if (s.ex && !s.ex->done())
    s.ex->abort();
  s.ex = std::move(ex);
  s.sse = false;
  start_sse(s);
  settings_.events->replay(id_, no, seq, [&](const std::string& event) {
    s.ex->write(event);
  });
  for (auto d = detached_.begin(); d != detached_.end(); ++d)
    if (*d == no) {
      detached_.erase(d);
      break;
    }
  if (s.ended) {
    s.ex->end_stream();
    erase_stream(no);
    return true;
  }
  watch(s.ex, no);
  return true;
}

void http_session::start_sse(stream& s) {
  auto hdrs = headers();
  hdrs.emplace_back("Content-Type", "text/event-stream");
  hdrs.emplace_back("Cache-Control", "no-cache, no-transform");
  if (settings_.stateless)
    hdrs.emplace_back("X-Accel-Buffering", "no");
  s.ex->start_stream(200, std::move(hdrs));
  s.sse = true;
  if (settings_.stateless || !primes(protocol_version_))
    return;
  std::string priming;
  protocol::append_sse_retry(priming, settings_.retry_ms);
  protocol::append_sse_priming_event(priming, std::to_string(s.no) + "-"
                                                + std::to_string(
                                                  s.next_seq - 1));
  s.ex->write(priming);
}

void http_session::push_event(stream& s, const std::string& text) {
  if (settings_.stateless) {
    // Nothing outlives its request's stream, and nothing goes elsewhere.
    if (s.no == 0 || !s.ex || s.ex->done())
      return;
    std::string event;
    protocol::append_sse_event(event, text);
    s.ex->write(event);
    watch_output(*s.ex);
    return;
  }
  auto seq = s.next_seq++;
  std::string event;
  if (legacy_)
    protocol::append_sse_event(event, text, {}, "message");
  else
    protocol::append_sse_event(event, text,
                               std::to_string(s.no) + "-"
                                 + std::to_string(seq));
  // Writing may close the connection, which detaches `s` (or erases it).
  auto no = s.no;
  auto ex = s.ex;
  auto live = ex && !ex->done();
  if (live) {
    ex->write(event);
    watch_output(*ex);
  }
  // The GET stream keeps only what it could not send; a request's stream
  // keeps all, in case its connection breaks before it ends.
  if (no != 0) {
    settings_.events->store(id_, no, seq, std::move(event));
  } else if (!live) {
    unsent_.push_back(std::move(event));
    if (unsent_.size() > settings_.max_unsent)
      unsent_.pop_front();
  }
}

void http_session::detach(uint64_t no) {
  if (no == 0) {
    get_.ex = nullptr;
    // A legacy session lives as long as its one stream.
    if (legacy_ && !closed_ && on_closed_) {
      closed_ = true;
      on_closed_(id_);
    }
    return;
  }
  auto i = streams_.find(no);
  if (i == streams_.end())
    return;
  i->second.ex = nullptr;
  if (i->second.ended) {
    erase_stream(no);
    return;
  }
  if (settings_.stateless) {
    cancel_requests_of(no);
    return;
  }
  detached_.push_back(no);
  while (detached_.size() > settings_.max_detached_streams) {
    auto oldest = detached_.front();
    detached_.pop_front();
    erase_stream(oldest);
  }
}

void http_session::cancel_requests_of(uint64_t no) {
  std::vector<protocol::request_id> ids;
  for (auto& [id, n] : by_request_)
    if (n == no)
      ids.push_back(id);
  erase_stream(no);
  for (auto& id : ids) {
    json::object params;
    params.emplace("requestId", id.to_json());
    params.emplace("reason", "the client closed the response stream");
    json::object msg;
    msg.emplace("jsonrpc", "2.0");
    msg.emplace("method", "notifications/cancelled");
    msg.emplace("params", std::move(params));
    caf::anon_send(session, transports::inbound_atom::value,
                   json::value(std::move(msg)));
  }
}

unsigned http_session::response_status(const std::string& text) {
  if (text.find(R"("error":)") == std::string::npos)
    return 200;
  boost::system::error_code ec;
  auto msg = json::parse(text, ec);
  auto obj = ec ? nullptr : msg.if_object();
  auto err = obj ? obj->if_contains("error") : nullptr;
  auto code = err && err->is_object() ? err->get_object().if_contains("code")
                                      : nullptr;
  if (code == nullptr || !code->is_int64())
    return 200;
  return stateless_error_status(code->get_int64());
}

void http_session::erase_stream(uint64_t no) {
  settings_.events->drop_stream(id_, no);
  auto s = streams_.find(no);
  auto left = s != streams_.end() ? s->second.requests : 1;
  for (auto i = by_request_.begin(); i != by_request_.end() && left > 0;)
    if (i->second == no) {
      i = by_request_.erase(i);
      --left;
    } else {
      ++i;
    }
  streams_.erase(no);
}

void http_session::finish_initialize(stream& s, const std::string& text) {
  s.initialize = false;
  boost::system::error_code ec;
  auto msg = json::parse(text, ec);
  auto obj = ec ? nullptr : msg.if_object();
  auto result = obj ? obj->if_contains("result") : nullptr;
  auto version = result && result->is_object()
                   ? result->as_object().if_contains("protocolVersion")
                   : nullptr;
  if (version != nullptr && version->is_string())
    protocol_version_ = std::string{version->get_string()};
}

void http_session::deliver(std::optional<protocol::request_id> request,
                           std::string text, bool ends) {
  if (closed_)
    return;
  auto i = request ? by_request_.find(*request) : by_request_.end();
  if (i == by_request_.end()) {
    push_event(get_, text);
    return;
  }
  auto no = i->second;
  auto& s = streams_.at(no);
  if (s.initialize && ends)
    finish_initialize(s, text);
  if (ends && !s.sse && s.ex) {
    auto hdrs = headers();
    hdrs.emplace_back("Content-Type", "application/json");
    auto ex = std::move(s.ex);
    erase_stream(no);
    auto status = settings_.stateless ? response_status(text) : 200;
    ex->respond(status, std::move(hdrs), std::move(text));
    if (!settings_.stateless && !initialized() && on_closed_) {
      // initialize failed: the session never started.
      closed_ = true;
      on_closed_(id_);
    }
    return;
  }
  if (!s.sse && s.ex)
    start_sse(s);
  push_event(s, text);
  if (!ends)
    return;
  auto j = streams_.find(no);
  if (j == streams_.end())
    return;
  j->second.ended = true;
  if (j->second.ex && !j->second.ex->done()) {
    auto ex = std::move(j->second.ex);
    erase_stream(no);
    ex->end_stream();
  }
}

} // namespace mcp::detail
