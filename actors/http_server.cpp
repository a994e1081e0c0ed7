#include "actors/http_server.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <future>
#include <random>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/http_route.hpp"
#include "actors/detail/http_session.hpp"
#include "actors/error.hpp"
#include "actors/server.hpp"
#include "actors/server_messages.hpp"
#include "actors/system_config.hpp"
#include "protocol/error_code.hpp"
#include "transports/inline_execution_unit.hpp"
#include "transports/messages.hpp"

namespace mcp {

namespace {

using detail::http_session;
using protocol::error_code;
using transports::http_exchange;

/// Returns 128 bits from the operating system's random source as hex: an
/// unguessable session id of visible ASCII.
std::string random_id() {
  std::random_device rd;
  static constexpr char digits[] = "0123456789abcdef";
  std::string res;
  res.reserve(32);
  for (int i = 0; i < 4; ++i) {
    auto x = static_cast<uint32_t>(rd());
    for (int j = 0; j < 8; ++j, x >>= 4)
      res.push_back(digits[x & 0xF]);
  }
  return res;
}

/// The Streamable HTTP endpoint: sessions by id, each request routed to its
/// session actor, which runs right here on the I/O thread (and wakes request
/// actors here too, for `immediate` handlers).
class endpoint : public transports::http_handler {
public:
  endpoint(caf::actor_system& sys, caf::actor server, http_options opts)
    : sys_(sys), server_(std::move(server)), opts_(std::move(opts)) {
    if (!opts_.events)
      opts_.events = make_memory_event_store(opts_.max_stored_events);
    paths_ = {opts_.path, opts_.legacy_sse_path, opts_.legacy_messages_path};
  }

  void bind(transports::http_listener* io) {
    io_ = io;
    io_->post([this] {
      unit_ = std::make_unique<transports::inline_execution_unit>(sys_);
      opener_ = std::make_unique<caf::scoped_actor>(sys_);
    });
    auto period = std::max<caf::timespan>(
      std::chrono::milliseconds(100), opts_.session_idle_timeout / 4);
    io_->every(period, [this] { expire_idle(); });
  }

  /// Returns how many sessions are open (on the I/O thread).
  size_t session_count() const noexcept {
    return sessions_.size();
  }

  /// Ends every session (on the I/O thread).
  void shutdown() {
    auto all = std::move(sessions_);
    sessions_.clear();
    for (auto& [id, s] : all)
      end_session(*s, "the server stops");
    auto stateless = std::move(stateless_);
    stateless_.clear();
    for (auto& s : stateless)
      end_session(*s, "the server stops");
    opener_.reset();
    if (unit_)
      unit_->stop();
  }

  void on_request(std::shared_ptr<http_exchange> ex) override {
    auto& req = ex->request();
    auto route = detail::route_http(
      paths_,
      {req.method, req.target, req.body, req.header, req.headers_with_prefix},
      [this](std::string_view id) -> std::optional<std::string> {
        auto i = sessions_.find(std::string{id});
        if (i == sessions_.end() || i->second->closed())
          return std::nullopt;
        return i->second->protocol_version();
      });
    follow(std::move(ex), std::move(route));
  }

private:
  // -- helpers ----------------------------------------------------------------

  void fail(http_exchange& ex, unsigned status, error_code code,
            std::string_view message) {
    respond(ex, detail::http_error(status, code, message));
  }

  void respond(http_exchange& ex, detail::http_route&& route) {
    ex.respond(route.status, std::move(route.headers), std::move(route.body));
  }

  /// Returns the open session `id` names (the router checked that it is
  /// open), marking it active.
  std::shared_ptr<http_session> touch(const std::string& id) {
    auto& s = sessions_.at(id);
    s->last_activity = std::chrono::steady_clock::now();
    return s;
  }

  void deliver(const caf::actor& session, caf::message msg) {
    caf::actor_cast<caf::abstract_actor*>(session)->enqueue(
      caf::make_mailbox_element(nullptr, caf::make_message_id(), {},
                                std::move(msg)),
      unit_.get());
    unit_->drain();
  }

  /// Tells the session actor its client is gone (through the scheduler:
  /// this may run inside the session's own turn).
  void end_session(http_session& s, std::string why) {
    if (s.session)
      caf::anon_send(s.session, transports::transport_closed{std::move(why)});
  }

  std::shared_ptr<http_session> open_session(bool stateless = false) {
    if (sessions_.size() + stateless_.size() >= opts_.max_sessions)
      return nullptr;
    detail::http_session_settings settings;
    settings.stateless = stateless;
    settings.events = opts_.events;
    settings.retry_ms = opts_.retry_ms;
    // Producers pause well before the listener cuts a connection for output
    // its client does not read.
    settings.pause_output = std::min(settings.pause_output,
                                     opts_.listener.max_pending_output / 4);
    settings.resume_output = settings.pause_output / 4;
    settings.max_producer_wait = opts_.max_producer_wait;
    auto s = std::make_shared<http_session>(
      io_->io(), random_id(), settings,
      [this, stateless](const std::string& id) {
        if (stateless) {
          drop_stateless(id);
          return;
        }
        auto i = sessions_.find(id);
        if (i == sessions_.end())
          return;
        auto gone = std::move(i->second);
        sessions_.erase(i);
        end_session(*gone, "the session ended");
      });
    caf::actor session;
    // Without a timeout: the server actor answers at once (or CAF answers
    // for it when it is gone), and a CAF 0.17 request timeout fires even
    // after the answer, leaving its error in this scoped actor's mailbox,
    // one per session opened.
    (*opener_)
      ->request(server_, caf::infinite, open_session_atom::value,
                std::shared_ptr<transports::channel>{s})
      .receive([&](caf::actor& x) { session = std::move(x); },
               [&](caf::error&) {});
    if (!session)
      return nullptr;
    s->session = std::move(session);
    if (stateless)
      stateless_.push_back(s);
    else
      sessions_.emplace(s->id(), s);
    return s;
  }

  /// Forgets the stateless session `id` and ends its actor.
  void drop_stateless(const std::string& id) {
    auto i = std::find_if(stateless_.begin(), stateless_.end(),
                          [&](auto& s) { return s->id() == id; });
    if (i == stateless_.end())
      return;
    auto gone = std::move(*i);
    stateless_.erase(i);
    end_session(*gone, "the session ended");
  }

  /// Runs a stateless request on a stateless session whose requests do not
  /// use its id (one session serves every client whose ids differ), opening
  /// one more when all do.
  void deliver_stateless(std::shared_ptr<http_exchange> ex,
                         detail::http_route route) {
    auto& id = route.ids.front();
    for (auto& s : stateless_)
      if (!s->closed() && s->open_stream(id, ex)) {
        s->last_activity = std::chrono::steady_clock::now();
        deliver(s->session, caf::make_message(transports::inbound_atom::value,
                                              std::move(route.message),
                                              std::move(route.mirrored)));
        return;
      }
    auto s = open_session(*ex, true);
    if (!s)
      return;
    s->open_stream(id, ex);
    deliver(s->session, caf::make_message(transports::inbound_atom::value,
                                          std::move(route.message),
                                          std::move(route.mirrored)));
  }

  /// Opens a session, or answers 503 when there are too many.
  std::shared_ptr<http_session> open_session(http_exchange& ex,
                                             bool stateless = false) {
    auto s = open_session(stateless);
    if (!s)
      fail(ex, 503, error_code::internal_error,
           "Service Unavailable: too many sessions");
    return s;
  }

  void expire_idle() {
    auto now = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<http_session>> idle;
    for (auto& [id, s] : sessions_)
      if (!s->busy() && now - s->last_activity > opts_.session_idle_timeout)
        idle.push_back(s);
    for (auto& s : idle) {
      sessions_.erase(s->id());
      end_session(*s, "the session expired");
    }
    // Stateless sessions hold no client state: idle ones just go.
    for (size_t i = stateless_.size(); i-- > 0;) {
      auto& s = stateless_[i];
      if (!s->busy() && now - s->last_activity > opts_.session_idle_timeout)
        drop_stateless(std::string{s->id()});
    }
  }

  // -- following a route ------------------------------------------------------

  void follow(std::shared_ptr<http_exchange> ex, detail::http_route route) {
    using detail::http_action;
    switch (route.action) {
      case http_action::respond:
        respond(*ex, std::move(route));
        return;
      case http_action::open_session: {
        auto s = open_session(*ex);
        if (!s)
          return;
        open_streams(std::move(ex), *s, std::move(route));
        return;
      }
      case http_action::deliver_requests: {
        auto s = touch(route.session_id);
        open_streams(std::move(ex), *s, std::move(route));
        return;
      }
      case http_action::deliver_accepted: {
        auto s = touch(route.session_id);
        deliver(s->session, caf::make_message(transports::inbound_atom::value,
                                              std::move(route.message)));
        ex->respond(202, {{"Mcp-Session-Id", s->id()}}, {});
        return;
      }
      case http_action::open_legacy_stream: {
        auto s = open_session(*ex);
        if (!s)
          return;
        s->open_legacy_stream(std::move(ex), paths_.legacy_messages
                                               + "?sessionId=" + s->id());
        return;
      }
      case http_action::deliver_legacy: {
        auto s = touch(route.session_id);
        deliver(s->session, caf::make_message(transports::inbound_atom::value,
                                              std::move(route.message)));
        ex->respond(202, {{"Content-Type", "text/plain"}}, "Accepted");
        return;
      }
      case http_action::open_get_stream:
        if (!touch(route.session_id)->open_get_stream(ex))
          fail(*ex, 409, error_code::invalid_request,
               "Conflict: the session has a GET stream open");
        return;
      case http_action::resume_stream:
        if (!touch(route.session_id)->resume(route.last_event_id, ex))
          fail(*ex, 404, error_code::invalid_request,
               "no stream to resume for Last-Event-ID "
                 + route.last_event_id);
        return;
      case http_action::deliver_stateless:
        deliver_stateless(std::move(ex), std::move(route));
        return;
      case http_action::delete_session: {
        auto s = touch(route.session_id);
        sessions_.erase(s->id());
        end_session(*s, "the client deleted the session");
        ex->respond(200, {}, {});
        return;
      }
    }
  }

  /// Opens the stream that answers the requests of `route` on `s`, then
  /// delivers its message; answers 409 for a request id in use instead.
  void open_streams(std::shared_ptr<http_exchange> ex, http_session& s,
                    detail::http_route route) {
    if (route.message.is_array()) {
      if (!s.open_stream(route.ids, ex)) {
        fail(*ex, 409, error_code::invalid_request,
             "Conflict: a request id of the batch is in use or repeated");
        return;
      }
    } else if (!s.open_stream(route.ids.front(), ex, route.initialize)) {
      fail(*ex, 409, error_code::invalid_request,
           "Conflict: request id " + route.ids.front().to_json_text()
             + " is in use");
      return;
    }
    deliver(s.session, caf::make_message(transports::inbound_atom::value,
                                         std::move(route.message)));
  }

  caf::actor_system& sys_;
  caf::actor server_;
  http_options opts_;
  detail::http_paths paths_;
  transports::http_listener* io_ = nullptr;
  std::unique_ptr<transports::inline_execution_unit> unit_;
  std::unique_ptr<caf::scoped_actor> opener_;
  std::unordered_map<std::string, std::shared_ptr<http_session>> sessions_;
  /// Sessions that serve stateless requests (2026-07-28).
  std::vector<std::shared_ptr<http_session>> stateless_;
};

class http_server_impl : public http_server {
public:
  http_server_impl(std::shared_ptr<endpoint> ep,
                   std::unique_ptr<transports::http_listener> io)
    : ep_(std::move(ep)), io_(std::move(io)) {
    // nop
  }

  ~http_server_impl() override {
    stop();
  }

  uint16_t port() const noexcept override {
    return io_->port();
  }

  void stop() override {
    if (stopped_)
      return;
    stopped_ = true;
    if (io_->on_io_thread()) {
      ep_->shutdown();
    } else {
      std::promise<void> done;
      io_->post([&] {
        ep_->shutdown();
        done.set_value();
      });
      done.get_future().wait();
    }
    io_->stop();
  }

  void wait() override {
    io_->wait();
  }

  size_t sessions() const override {
    if (stopped_)
      return 0;
    if (io_->on_io_thread())
      return ep_->session_count();
    std::promise<size_t> count;
    io_->post([&] { count.set_value(ep_->session_count()); });
    return count.get_future().get();
  }

private:
  std::shared_ptr<endpoint> ep_;
  std::unique_ptr<transports::http_listener> io_;
  bool stopped_ = false;
};

} // namespace

http_server::~http_server() {
  // nop
}

caf::expected<std::unique_ptr<http_server>>
serve_http(caf::actor_system& sys, const caf::actor& server,
           http_options opts) {
  auto listener_cfg = opts.listener;
  auto ep = std::make_shared<endpoint>(sys, server, std::move(opts));
  auto io = transports::http_listener::start(std::move(listener_cfg), ep);
  if (!io)
    return std::move(io.error());
  ep->bind(io->get());
  return std::unique_ptr<http_server>{
    new http_server_impl(std::move(ep), std::move(*io))};
}

int run_http_server(server_definition def, http_options opts) {
  // Every thread started from here on inherits the blocked signals, so that
  // only sigwait below sees them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  caf::actor_system_config cfg;
  init_message_types(cfg);
  caf::actor_system sys{cfg};
  auto server = spawn_server(sys, std::move(def));
  if (!server) {
    std::fprintf(stderr, "[caf-mcp server] cannot start: %s\n",
                 describe(server.error()).c_str());
    return 1;
  }
  auto address = opts.listener.address;
  auto path = opts.path;
  auto running = serve_http(sys, *server, std::move(opts));
  if (!running) {
    std::fprintf(stderr, "[caf-mcp server] %s\n",
                 describe(running.error()).c_str());
    caf::anon_send_exit(*server, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::fprintf(stderr, "[caf-mcp server] listening on http://%s:%u%s\n",
               address.c_str(), static_cast<unsigned>((*running)->port()),
               path.c_str());
  int sig = 0;
  sigwait(&sigs, &sig);
  (*running)->stop();
  caf::anon_send_exit(*server, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace mcp
