#include "actors/http_server.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <future>
#include <random>
#include <unordered_map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/http_session.hpp"
#include "actors/error.hpp"
#include "actors/server.hpp"
#include "actors/server_messages.hpp"
#include "actors/system_config.hpp"
#include "protocol/error_code.hpp"
#include "protocol/json_text.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "protocol/version.hpp"
#include "transports/inline_execution_unit.hpp"
#include "transports/messages.hpp"

namespace mcp {

namespace {

namespace json = boost::json;
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

/// A JSON-RPC error without an id, as the body of an HTTP error.
std::string error_body(error_code code, std::string_view message) {
  json::object err;
  err.emplace("code", static_cast<int64_t>(code));
  err.emplace("message", message);
  json::object res;
  res.emplace("jsonrpc", "2.0");
  res.emplace("error", std::move(err));
  std::string text;
  protocol::append_json(text, res);
  return text;
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
    opener_.reset();
    if (unit_)
      unit_->stop();
  }

  void on_request(std::shared_ptr<http_exchange> ex) override {
    auto& req = ex->request();
    auto path = req.target.substr(0, req.target.find('?'));
    if (!opts_.legacy_sse_path.empty() && path == opts_.legacy_sse_path
        && req.method == "GET") {
      on_legacy_get(std::move(ex));
      return;
    }
    if (!opts_.legacy_messages_path.empty()
        && path == opts_.legacy_messages_path && req.method == "POST") {
      on_legacy_post(std::move(ex));
      return;
    }
    if (path != opts_.path) {
      ex->respond(404, {{"Content-Type", "text/plain"}}, "not found");
      return;
    }
    if (req.method == "POST")
      on_post(std::move(ex));
    else if (req.method == "GET")
      on_get(std::move(ex));
    else if (req.method == "DELETE")
      on_delete(std::move(ex));
    else
      ex->respond(405, {{"Allow", "GET, POST, DELETE"}}, {});
  }

private:
  // -- helpers ----------------------------------------------------------------

  void fail(http_exchange& ex, unsigned status, error_code code,
            std::string_view message) {
    ex.respond(status, {{"Content-Type", "application/json"}},
               error_body(code, message));
  }

  /// Checks `MCP-Protocol-Version`; answers 400 and returns false when the
  /// client names a revision this server does not speak.
  bool version_ok(http_exchange& ex) {
    auto v = ex.request().header("MCP-Protocol-Version");
    if (v.empty() || protocol::is_supported_protocol_version(v))
      return true;
    fail(ex, 400, error_code::invalid_request,
         "Bad Request: unsupported MCP-Protocol-Version: " + std::string{v});
    return false;
  }

  /// Finds the session the request names; answers 400 (no id) or 404
  /// (unknown, ended, expired) and returns null otherwise.
  http_session* find_session(http_exchange& ex) {
    auto id = ex.request().header("Mcp-Session-Id");
    if (id.empty()) {
      fail(ex, 400, error_code::invalid_request,
           "Bad Request: Mcp-Session-Id header is required");
      return nullptr;
    }
    auto i = sessions_.find(std::string{id});
    if (i == sessions_.end() || i->second->closed()) {
      fail(ex, 404, error_code::invalid_request, "Session not found");
      return nullptr;
    }
    i->second->last_activity = std::chrono::steady_clock::now();
    return i->second.get();
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

  std::shared_ptr<http_session> open_session() {
    if (sessions_.size() >= opts_.max_sessions)
      return nullptr;
    detail::http_session_settings settings;
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
      [this](const std::string& id) {
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
    sessions_.emplace(s->id(), s);
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
  }

  // -- methods ----------------------------------------------------------------

  void on_post(std::shared_ptr<http_exchange> ex) {
    auto& req = ex->request();
    if (transports::media_type_of(req.header("Content-Type"))
        != "application/json") {
      fail(*ex, 415, error_code::invalid_request,
           "Unsupported Media Type: Content-Type must be application/json");
      return;
    }
    auto accept = req.header("Accept");
    if (!transports::accepts(accept, "application/json")
        || !transports::accepts(accept, "text/event-stream")) {
      fail(*ex, 406, error_code::invalid_request,
           "Not Acceptable: the client must accept both application/json "
           "and text/event-stream");
      return;
    }
    if (!version_ok(*ex))
      return;
    boost::system::error_code ec;
    auto msg = json::parse(req.body, ec, {}, protocol::message_parse_options());
    if (ec) {
      fail(*ex, 400, error_code::parse_error,
           "Parse error: " + ec.message());
      return;
    }
    if (msg.is_array()) {
      on_post_batch(std::move(ex), std::move(msg));
      return;
    }
    auto in = protocol::classify(msg);
    if (in.kind == protocol::message_kind::invalid) {
      fail(*ex, 400, error_code::invalid_request,
           "Invalid Request: " + std::string{in.problem});
      return;
    }
    auto is_request = in.kind == protocol::message_kind::request;
    auto is_initialize = is_request
                         && in.method == protocol::methods::initialize;
    std::shared_ptr<http_session> s;
    if (req.header("Mcp-Session-Id").empty() && is_initialize) {
      s = open_session();
      if (!s) {
        fail(*ex, 503, error_code::internal_error,
             "Service Unavailable: too many sessions");
        return;
      }
    } else {
      auto found = find_session(*ex);
      if (found == nullptr)
        return;
      s = found->shared_from_this();
    }
    if (is_request) {
      if (!s->open_stream(*in.id, ex, is_initialize)) {
        fail(*ex, 409, error_code::invalid_request,
             "Conflict: request id " + in.id->to_json_text()
               + " is in use");
        return;
      }
      deliver(s->session, caf::make_message(transports::inbound_atom::value,
                                            std::move(msg)));
      return;
    }
    deliver(s->session,
            caf::make_message(transports::inbound_atom::value, std::move(msg)));
    ex->respond(202, {{"Mcp-Session-Id", s->id()}}, {});
  }

  /// A JSON-RPC batch, which sessions of 2025-03-26 and 2024-11-05 may send:
  /// one stream carries the answers to all of its requests and ends with the
  /// batch's response; a batch without requests gets 202.
  void on_post_batch(std::shared_ptr<http_exchange> ex, json::value msg) {
    auto& items = msg.as_array();
    if (ex->request().header("Mcp-Session-Id").empty()) {
      fail(*ex, 400, error_code::invalid_request,
           "Bad Request: a batch needs a session (initialize comes alone)");
      return;
    }
    auto found = find_session(*ex);
    if (found == nullptr)
      return;
    auto s = found->shared_from_this();
    if (!protocol::allows_batches(s->protocol_version())) {
      fail(*ex, 400, error_code::invalid_request,
           "Invalid Request: JSON-RPC batches are not accepted in protocol "
           "revision " + s->protocol_version());
      return;
    }
    if (items.empty()) {
      fail(*ex, 400, error_code::invalid_request,
           "Invalid Request: empty batch");
      return;
    }
    std::vector<protocol::request_id> ids;
    for (auto& item : items) {
      auto in = protocol::classify(item);
      if (in.kind == protocol::message_kind::request) {
        if (in.method == protocol::methods::initialize) {
          fail(*ex, 400, error_code::invalid_request,
               "Invalid Request: initialize must not be part of a batch");
          return;
        }
        ids.push_back(*in.id);
      }
    }
    if (ids.empty()) {
      deliver(s->session, caf::make_message(transports::inbound_atom::value,
                                            std::move(msg)));
      ex->respond(202, {{"Mcp-Session-Id", s->id()}}, {});
      return;
    }
    if (!s->open_stream(ids, ex)) {
      fail(*ex, 409, error_code::invalid_request,
           "Conflict: a request id of the batch is in use or repeated");
      return;
    }
    deliver(s->session,
            caf::make_message(transports::inbound_atom::value, std::move(msg)));
  }

  // -- legacy HTTP+SSE (2024-11-05) -------------------------------------------

  void on_legacy_get(std::shared_ptr<http_exchange> ex) {
    if (!transports::accepts(ex->request().header("Accept"),
                             "text/event-stream")) {
      fail(*ex, 406, error_code::invalid_request,
           "Not Acceptable: the client must accept text/event-stream");
      return;
    }
    auto s = open_session();
    if (!s) {
      fail(*ex, 503, error_code::internal_error,
           "Service Unavailable: too many sessions");
      return;
    }
    s->open_legacy_stream(std::move(ex), opts_.legacy_messages_path
                                           + "?sessionId=" + s->id());
  }

  void on_legacy_post(std::shared_ptr<http_exchange> ex) {
    auto& req = ex->request();
    auto query = boost::urls::parse_origin_form(req.target);
    std::string id;
    if (query)
      if (auto i = query->params().find("sessionId");
          i != query->params().end())
        id = (*i).value;
    auto i = sessions_.find(id);
    if (id.empty() || i == sessions_.end() || i->second->closed()) {
      ex->respond(404, {{"Content-Type", "text/plain"}}, "unknown session");
      return;
    }
    if (transports::media_type_of(req.header("Content-Type"))
        != "application/json") {
      ex->respond(415, {{"Content-Type", "text/plain"}},
                  "Content-Type must be application/json");
      return;
    }
    boost::system::error_code ec;
    auto msg = json::parse(req.body, ec, {}, protocol::message_parse_options());
    if (ec || !(msg.is_object() || msg.is_array())) {
      ex->respond(400, {{"Content-Type", "text/plain"}},
                  ec ? "Parse error: " + ec.message()
                     : std::string{"Invalid message: not a JSON object or "
                                   "batch"});
      return;
    }
    auto s = i->second;
    s->last_activity = std::chrono::steady_clock::now();
    deliver(s->session,
            caf::make_message(transports::inbound_atom::value, std::move(msg)));
    ex->respond(202, {{"Content-Type", "text/plain"}}, "Accepted");
  }

  // -- Streamable HTTP --------------------------------------------------------

  void on_get(std::shared_ptr<http_exchange> ex) {
    if (!transports::accepts(ex->request().header("Accept"),
                             "text/event-stream")) {
      fail(*ex, 406, error_code::invalid_request,
           "Not Acceptable: the client must accept text/event-stream");
      return;
    }
    if (!version_ok(*ex))
      return;
    auto s = find_session(*ex);
    if (s == nullptr)
      return;
    auto last = ex->request().header("Last-Event-ID");
    if (!last.empty()) {
      if (!s->resume(std::string{last}, ex))
        fail(*ex, 404, error_code::invalid_request,
             "no stream to resume for Last-Event-ID " + std::string{last});
      return;
    }
    if (!s->open_get_stream(ex))
      fail(*ex, 409, error_code::invalid_request,
           "Conflict: the session has a GET stream open");
  }

  void on_delete(std::shared_ptr<http_exchange> ex) {
    if (!version_ok(*ex))
      return;
    auto s = find_session(*ex);
    if (s == nullptr)
      return;
    auto keep = s->shared_from_this();
    sessions_.erase(s->id());
    end_session(*keep, "the client deleted the session");
    ex->respond(200, {}, {});
  }

  caf::actor_system& sys_;
  caf::actor server_;
  http_options opts_;
  transports::http_listener* io_ = nullptr;
  std::unique_ptr<transports::inline_execution_unit> unit_;
  std::unique_ptr<caf::scoped_actor> opener_;
  std::unordered_map<std::string, std::shared_ptr<http_session>> sessions_;
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
