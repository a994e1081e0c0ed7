#include "transports/http_transport.hpp"

#include <algorithm>
#include <unordered_set>
#include <deque>
#include <memory>
#include <optional>

#include <sys/socket.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>

#include "protocol/json_text.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/sse.hpp"
#include "protocol/utf8.hpp"
#include "transports/clean_broker.hpp"
#include "transports/detail/serialize_http.hpp"
#include "transports/messages.hpp"
#include "transports/read_sizer.hpp"

namespace mcp::transports {

namespace {

namespace json = boost::json;
namespace beast = boost::beast;
namespace http = beast::http;

using resume_atom = caf::atom_constant<caf::atom("mcp_resume")>;
using finish_atom = caf::atom_constant<caf::atom("mcp_hfin")>;
using reopen_atom = caf::atom_constant<caf::atom("mcp_reget")>;

/// What an HTTP request carries.
enum class purpose {
  request,
  message,
  get_stream,
  resume,
  close,
  /// The one stream of a legacy HTTP+SSE session.
  legacy_stream,
};

/// One HTTP request and what its response must bring.
struct exchange {
  purpose what = purpose::message;
  /// The JSON-RPC id of a request (or of the request a resumed stream
  /// answers), as JSON text.
  std::string id;
  /// The JSON body of a POST.
  std::string body;
  /// The event id to resume from.
  std::string last_event_id;
  /// Resumptions so far of this request's stream.
  size_t resumptions = 0;
  /// Whether it went out with a session id.
  bool in_session = false;
  /// Header fields of this message (`message_headers`).
  std::vector<std::pair<std::string, std::string>> headers;
};

struct connection {
  caf::io::connection_handle hdl;
  bool busy = false;
  exchange ex;
  std::string in;
  std::optional<http::response_parser<http::string_body>> parser;
  bool header_seen = false;
  bool sse = false;
  unsigned status = 0;
  protocol::sse_parser events;
  /// Whether the response to `ex.id` came on this stream.
  bool answered = false;
  /// Whether CAF's scribe holds bytes that a direct write left; until they
  /// are out, everything goes through the scribe to keep the order.
  bool scribe_writing = false;
  read_sizer reads;
};

struct state {
  http_transport_config cfg;
  caf::actor owner;
  std::string host;
  uint16_t port = 80;
  std::string target;
  std::string host_header;
  std::string session_id;
  std::string protocol_version;
  /// Whether the owner speaks a revision without sessions (`stateless_atom`).
  bool stateless = false;
  std::vector<std::unique_ptr<connection>> conns;
  std::deque<exchange> waiting;
  std::vector<json::value> batch;
  bool closing = false;
  /// Whether the transport speaks legacy HTTP+SSE, and whether the first
  /// POST still decides (detect mode).
  bool legacy = false;
  bool detecting = false;
  /// Where a legacy session POSTs; empty until its `endpoint` event came.
  std::string post_target;
  /// Messages waiting for the `endpoint` event.
  std::deque<exchange> held;
  /// Requests the server refused with 404 for a session it forgot, sent
  /// again once the owner's new handshake is done.
  std::deque<exchange> replay;
  /// Whether the owner is running a new handshake after a 404.
  bool renewing = false;
  /// Whether a session was renewed already (it happens once per transport).
  bool renewed = false;
  bool get_open = false;
  bool get_refused = false;
  /// The server's `retry`, in milliseconds, once it sent one.
  std::optional<uint64_t> retry;
  /// Requests whose stream resumes after a delay; the owner may abandon
  /// them meanwhile.
  std::unordered_set<std::string> resuming;
  transport_stats stats;
  /// Why the transport ends, once it does.
  std::string end_reason;
  /// Connections shut down and waiting for their `connection_closed_msg`.
  std::vector<caf::io::connection_handle> retiring;
  bool finished = false;
  bool quit = false;

  static inline const char* name = "mcp_http_transport";
};

using broker_t = clean_stateful_broker<state>;

void start(broker_t* self, exchange ex);

/// A JSON-RPC error response for request `id` (JSON text).
json::value error_for(const std::string& id, int64_t code, std::string message,
                      unsigned http_status = 0) {
  boost::system::error_code ec;
  json::object err;
  err.emplace("code", code);
  err.emplace("message", std::move(message));
  if (http_status != 0)
    err.emplace("data", json::object{{"httpStatus", http_status}});
  json::object res;
  res.emplace("jsonrpc", "2.0");
  res.emplace("id", json::parse(id, ec));
  res.emplace("error", std::move(err));
  return res;
}

// Messages to the owner go anonymously: in CAF 0.17 a message that names a
// broker as its sender and reaches an actor that already quit keeps both
// alive forever (measured with LeakSanitizer when the owner closes first).

void flush_batch(broker_t* self) {
  auto& st = self->state;
  if (st.batch.empty())
    return;
  if (st.batch.size() == 1)
    caf::anon_send(st.owner, inbound_atom::value, std::move(st.batch.front()));
  else
    caf::anon_send(st.owner, inbound_atom::value, std::move(st.batch));
  st.batch.clear();
}

/// Fails the request `id` (JSON text) as lost by the transport, after what
/// arrived before it.
void lose_request(broker_t* self, const std::string& id, std::string why) {
  auto& st = self->state;
  flush_batch(self);
  caf::anon_send(st.owner, transport_fault{fault_kind::request_lost,
                                           std::move(why), id});
}

/// Forgets connection `hdl` (the peer closed it, or it was retired).
void forget(broker_t* self, caf::io::connection_handle hdl) {
  auto& conns = self->state.conns;
  conns.erase(std::remove_if(conns.begin(), conns.end(),
                             [&](const std::unique_ptr<connection>& x) {
                               return x->hdl == hdl;
                             }),
              conns.end());
}

/// Ends connection `hdl` at once, whatever the peer does: both directions
/// are shut down, so the socket reads its end at once and leaves the
/// multiplexer with a `connection_closed_msg`, which the broker awaits
/// before it quits. A broker's `close` instead waits for the peer to end the
/// connection (a server holding an SSE stream open never does), and a
/// connection still in the multiplexer when the actor system stops is
/// leaked by CAF 0.17. A handle the broker no longer has (its closed
/// message is on the way) has no socket of its own any more: its number may
/// belong to another connection now, and is left alone.
void retire(broker_t* self, caf::io::connection_handle hdl) {
  forget(self, hdl);
  if (!self->valid(hdl))
    return;
  ::shutdown(static_cast<int>(hdl.id()), SHUT_RDWR);
  self->state.retiring.push_back(hdl);
}

/// Tells the owner and quits (once, after `finish_now`).
void quit_now(broker_t* self) {
  auto& st = self->state;
  if (st.quit)
    return;
  st.quit = true;
  for (auto hdl : st.retiring)
    self->close(hdl);
  st.retiring.clear();
  caf::anon_send(st.owner, transport_closed{std::move(st.end_reason)});
  self->quit();
}

/// Ends the transport: closes every connection, tells the owner, quits.
/// Runs as a message of its own: quitting inside the handler of a message
/// from an owner that just quit leaks both brokers in CAF 0.17 (measured
/// with LeakSanitizer).
void finish(broker_t* self, std::string why) {
  auto& st = self->state;
  st.closing = true;
  if (st.end_reason.empty())
    st.end_reason = std::move(why);
  caf::anon_send(caf::actor_cast<caf::actor>(self), finish_atom::value);
}

void finish_now(broker_t* self) {
  auto& st = self->state;
  if (st.finished)
    return;
  st.finished = true;
  flush_batch(self);
  while (!st.conns.empty())
    retire(self, st.conns.back()->hdl);
  if (st.retiring.empty()) {
    quit_now(self);
    return;
  }
  // Each retired connection ends within a poll round; the bound is for a
  // socket that does not.
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self),
                         std::chrono::seconds(1), finish_atom::value);
}

/// Returns whether the body of `res` is a JSON-RPC error response to the
/// request with id `id` (JSON text).
bool carries_error_response(const std::string& id,
                            const http::response<http::string_body>& res) {
  if (id.empty()
      || res[http::field::content_type].substr(0, 16) != "application/json")
    return false;
  boost::system::error_code ec;
  auto msg = json::parse(res.body(), ec, {}, protocol::message_parse_options());
  auto obj = ec ? nullptr : msg.if_object();
  if (obj == nullptr || obj->contains("method") || !obj->contains("error"))
    return false;
  auto rid = obj->if_contains("id");
  return rid != nullptr && json::serialize(*rid) == id;
}

/// Hands a message from the server to the owner (with the others of this
/// read).
void take(broker_t* self, connection& c, std::string_view text) {
  auto& st = self->state;
  // A dropped response fails its request at once (see transport_fault).
  auto response_id = [&] {
    auto id = protocol::scan_response_id(text);
    return id ? id->to_json_text() : std::string{};
  };
  if (text.size() > st.cfg.max_message_size) {
    ++st.stats.oversized;
    caf::anon_send(st.owner,
               transport_fault{fault_kind::oversized_message,
                               "dropped a message of "
                                 + std::to_string(text.size()) + " bytes",
                               response_id()});
    return;
  }
  boost::system::error_code ec;
  auto msg = json::parse(text, ec, {}, protocol::message_parse_options());
  if (ec) {
    ++st.stats.malformed;
    caf::anon_send(st.owner,
               transport_fault{fault_kind::malformed_message,
                               "malformed JSON from the server: "
                                 + ec.message(),
                               response_id()});
    return;
  }
  auto deliver = [&](json::value x) {
    if (!c.ex.id.empty())
      if (auto obj = x.if_object();
          obj && !obj->contains("method") && obj->contains("id")
          && json::serialize(obj->at("id")) == c.ex.id)
        c.answered = true;
    ++st.stats.messages_in;
    st.batch.push_back(std::move(x));
  };
  if (auto arr = msg.if_array())
    for (auto& x : *arr)
      deliver(std::move(x));
  else
    deliver(std::move(msg));
}

/// Writes `text` straight to the socket; what it does not take at once goes
/// to CAF's scribe, which writes it when it can. (A scribe's flush costs two
/// `epoll_ctl` calls and a poll round for every request.)
void write_to(broker_t* self, connection& c, const std::string& text) {
  size_t written = 0;
  // Only while the broker has the scribe is the socket number this
  // connection's (see `retire`).
  if (!c.scribe_writing && self->valid(c.hdl)) {
    auto n = ::send(static_cast<int>(c.hdl.id()), text.data(), text.size(),
                    MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0)
      written = static_cast<size_t>(n);
    if (written == text.size())
      return;
    c.scribe_writing = true;
    self->ack_writes(c.hdl, true);
  }
  auto& buf = self->wr_buf(c.hdl);
  buf.insert(buf.end(), text.begin() + static_cast<ptrdiff_t>(written),
             text.end());
  self->flush(c.hdl);
}

/// Writes the HTTP request of `c.ex` on `c`.
void send_request(broker_t* self, connection& c) {
  auto& st = self->state;
  auto& ex = c.ex;
  c.busy = true;
  c.in.clear();
  c.parser.emplace();
  c.parser->eager(true);
  c.parser->body_limit(boost::none);
  c.header_seen = false;
  c.sse = false;
  c.status = 0;
  c.answered = false;
  c.events = protocol::sse_parser{st.cfg.max_message_size};
  auto verb = http::verb::post;
  if (ex.what == purpose::get_stream || ex.what == purpose::resume
      || ex.what == purpose::legacy_stream)
    verb = http::verb::get;
  else if (ex.what == purpose::close)
    verb = http::verb::delete_;
  auto& target = st.legacy && verb == http::verb::post ? st.post_target
                                                        : st.target;
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, st.host_header);
  for (auto& [k, v] : st.cfg.headers)
    req.set(k, v);
  if (verb == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json, text/event-stream");
    req.body() = ex.body;
  } else if (verb == http::verb::get) {
    req.set(http::field::accept, "text/event-stream");
  }
  for (auto& [k, v] : ex.headers)
    req.set(k, v);
  ex.in_session = !st.stateless && !st.session_id.empty();
  if (ex.in_session)
    req.set("Mcp-Session-Id", st.session_id);
  if (!st.stateless && !st.protocol_version.empty())
    req.set("MCP-Protocol-Version", st.protocol_version);
  if (!ex.last_event_id.empty())
    req.set("Last-Event-ID", ex.last_event_id);
  req.prepare_payload();
  std::string text;
  detail::append_http(text, req);
  write_to(self, c, text);
  ++st.stats.messages_out;
}

connection* find(broker_t* self, caf::io::connection_handle hdl) {
  for (auto& c : self->state.conns)
    if (c->hdl == hdl)
      return c.get();
  return nullptr;
}

/// Runs the next waiting exchange on `c`, or leaves it idle.
void next(broker_t* self, connection& c) {
  auto& st = self->state;
  c.busy = false;
  if (st.waiting.empty())
    return;
  c.ex = std::move(st.waiting.front());
  st.waiting.pop_front();
  send_request(self, c);
}

void start(broker_t* self, exchange ex) {
  auto& st = self->state;
  for (auto& c : st.conns)
    if (!c->busy) {
      c->ex = std::move(ex);
      send_request(self, *c);
      return;
    }
  if (st.conns.size() >= st.cfg.max_connections) {
    st.waiting.push_back(std::move(ex));
    return;
  }
  auto hdl = self->add_tcp_scribe(st.host, st.port);
  if (!hdl) {
    if (ex.what == purpose::request)
      lose_request(self, ex.id,
                   "cannot connect to " + st.host_header + ": "
                     + to_string(hdl.error()));
    flush_batch(self);
    if (st.conns.empty() && !st.closing)
      finish(self, "cannot connect to " + st.host_header + ": "
                     + to_string(hdl.error()));
    return;
  }
  self->configure_read(*hdl,
                       caf::io::receive_policy::at_most(read_sizer::min_size));
  st.conns.emplace_back(std::make_unique<connection>());
  auto& c = *st.conns.back();
  c.hdl = *hdl;
  c.ex = std::move(ex);
  send_request(self, c);
}

/// Schedules the resumption of `c`'s stream, or fails its request.
void resume_later(broker_t* self, connection& c, std::string why) {
  auto& st = self->state;
  auto last = std::string{c.events.last_event_id()};
  if (c.ex.what != purpose::request && c.ex.what != purpose::resume)
    return;
  if (st.stateless || last.empty()
      || c.ex.resumptions >= st.cfg.max_resumptions) {
    lose_request(self, c.ex.id, std::move(why));
    return;
  }
  exchange next;
  next.what = purpose::resume;
  next.id = c.ex.id;
  next.last_event_id = std::move(last);
  next.resumptions = c.ex.resumptions + 1;
  st.resuming.insert(next.id);
  auto delay = st.retry ? std::chrono::milliseconds(*st.retry)
                        : std::chrono::duration_cast<std::chrono::milliseconds>(
                          st.cfg.default_retry);
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), delay,
                         resume_atom::value, std::move(next.id),
                         std::move(next.last_event_id), next.resumptions);
}

/// Starts the stream of a legacy session.
void open_legacy(broker_t* self) {
  auto& st = self->state;
  st.legacy = true;
  exchange ex;
  ex.what = purpose::legacy_stream;
  start(self, std::move(ex));
}

/// Takes the POST endpoint a legacy server named and sends what waited.
void on_endpoint(broker_t* self, const std::string& data) {
  auto& st = self->state;
  auto base = boost::urls::parse_uri(st.cfg.url);
  auto ref = boost::urls::parse_uri_reference(data);
  boost::urls::url dest;
  if (!base || !ref || !boost::urls::resolve(*base, *ref, dest)
      || dest.scheme() != base->scheme()
      || dest.host_address() != base->host_address()
      || dest.port_number() != base->port_number()) {
    finish(self, "the server named an endpoint of another origin: " + data);
    return;
  }
  st.post_target = std::string{dest.encoded_target()};
  while (!st.held.empty()) {
    auto ex = std::move(st.held.front());
    st.held.pop_front();
    start(self, std::move(ex));
  }
}

void on_header(broker_t* self, connection& c) {
  auto& st = self->state;
  auto& res = c.parser->get();
  c.header_seen = true;
  c.status = res.result_int();
  if (auto i = res.find("Mcp-Session-Id"); i != res.end() && !st.stateless)
    st.session_id = std::string{i->value()};
  auto type = res[http::field::content_type];
  c.sse = type.substr(0, 17) == "text/event-stream";
}

void on_body(broker_t* self, connection& c) {
  if (!c.sse || c.status >= 300)
    return;
  auto& body = c.parser->get().body();
  if (body.empty())
    return;
  c.events.feed(
    body,
    [&](protocol::sse_event&& ev) {
      if (c.ex.what == purpose::legacy_stream && ev.type() == "endpoint")
        on_endpoint(self, ev.data);
      else if (!ev.data.empty())
        take(self, c, ev.data);
    },
    [&](protocol::sse_error) {
      ++self->state.stats.oversized;
      caf::anon_send(self->state.owner,
                 transport_fault{fault_kind::oversized_message,
                                 "dropped an SSE event over the size limit"});
    });
  if (auto retry = c.events.retry())
    self->state.retry = *retry;
  body.clear();
}

/// Handles the end of a response.
void on_done(broker_t* self, connection& c) {
  auto& st = self->state;
  auto& res = c.parser->get();
  auto ok = c.status >= 200 && c.status < 300;
  auto fell_back = false;
  switch (c.ex.what) {
    case purpose::request:
    case purpose::resume:
      if (st.detecting && c.ex.what == purpose::request && !st.stateless) {
        st.detecting = false;
        if (c.status == 400 || c.status == 404 || c.status == 405) {
          // An old server: speak HTTP+SSE, starting with this message.
          st.held.push_back(std::move(c.ex));
          fell_back = true;
          break;
        }
      }
      if (st.legacy && ok)
        break;
      if (!ok && st.stateless && carries_error_response(c.ex.id, res)) {
        // A stateless server answers a refused request with its JSON-RPC
        // error as the body (e.g. 400 with -32022).
        take(self, c, res.body());
      } else if (!ok) {
        std::string excerpt;
        protocol::append_utf8_escaped(excerpt,
                                      protocol::utf8_cut(res.body(), 200));
        st.batch.push_back(error_for(
          c.ex.id, -32000,
          "HTTP " + std::to_string(c.status) + " " + std::string{res.reason()}
            + (excerpt.empty() ? "" : ": " + excerpt),
          c.status));
        if (c.status == 404 && c.ex.in_session) {
          st.batch.pop_back();
          if (!st.renewed && c.ex.what == purpose::request) {
            // The server forgot the session: the owner starts a new one and
            // this request goes again in it.
            st.renewed = st.renewing = true;
            st.session_id.clear();
            st.protocol_version.clear();
            st.replay.push_back(std::move(c.ex));
            caf::anon_send(st.owner, session_expired_atom::value);
            break;
          }
          if (st.renewing && c.ex.what == purpose::request) {
            st.replay.push_back(std::move(c.ex));
            break;
          }
          st.batch.push_back(error_for(c.ex.id, -32000,
                                       "the server ended the session (HTTP "
                                       "404)",
                                       404));
          flush_batch(self);
          finish(self, "the server ended the session (HTTP 404)");
          return;
        }
      } else if (!c.sse) {
        if (!res.body().empty())
          take(self, c, res.body());
        if (!c.answered)
          st.batch.push_back(
            error_for(c.ex.id, -32000, "the server sent no response"));
      } else if (!c.answered) {
        resume_later(self, c, "the stream ended without a response");
      }
      break;
    case purpose::message:
      if (!ok)
        caf::anon_send(st.owner,
                   transport_fault{fault_kind::refused_message,
                                   "the server refused a message: HTTP "
                                     + std::to_string(c.status)});
      break;
    case purpose::get_stream:
      st.get_open = false;
      if (!ok) {
        st.get_refused = true;
      } else if (!st.closing) {
        auto delay = st.retry ? std::chrono::milliseconds(*st.retry)
                              : std::chrono::duration_cast<
                                std::chrono::milliseconds>(
                                st.cfg.default_retry);
        caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), delay,
                               reopen_atom::value);
      }
      break;
    case purpose::close:
      flush_batch(self);
      finish(self, "closed by owner");
      return;
    case purpose::legacy_stream:
      flush_batch(self);
      finish(self, ok ? "the server ended the SSE stream"
                      : "the server refused the SSE stream: HTTP "
                          + std::to_string(c.status));
      return;
  }
  flush_batch(self);
  if (!res.keep_alive()) {
    retire(self, c.hdl);
    if (!st.waiting.empty()) {
      auto ex = std::move(st.waiting.front());
      st.waiting.pop_front();
      start(self, std::move(ex));
    }
  } else {
    next(self, c);
  }
  if (fell_back)
    open_legacy(self);
}

void on_data(broker_t* self, connection& c, const std::vector<char>& buf) {
  c.in.append(buf.data(), buf.size());
  while (!c.in.empty() && c.busy) {
    beast::error_code ec;
    auto n = c.parser->put(boost::asio::buffer(c.in.data(), c.in.size()), ec);
    c.in.erase(0, n);
    if (ec == http::error::need_more)
      ec = {};
    if (ec) {
      resume_later(self, c, "malformed HTTP response: " + ec.message());
      retire(self, c.hdl);
      flush_batch(self);
      return;
    }
    if (!c.header_seen && c.parser->is_header_done())
      on_header(self, c);
    if (c.header_seen)
      on_body(self, c);
    if (c.parser->is_done()) {
      on_done(self, c);
      return;
    }
    if (n == 0)
      break;
  }
  flush_batch(self);
}

/// POSTs `msg` with its own header fields `headers`.
void post(broker_t* self, const json::value& msg,
          std::vector<std::pair<std::string, std::string>> headers) {
  auto& st = self->state;
  if (st.closing)
    return;
  exchange ex;
  ex.headers = std::move(headers);
  auto obj = msg.if_object();
  if (obj && obj->contains("method") && obj->contains("id")) {
    ex.what = purpose::request;
    ex.id = json::serialize(obj->at("id"));
  } else if (st.stateless) {
    // Without sessions a client sends only requests: closing a request's
    // stream is its cancellation.
    return;
  }
  protocol::append_json(ex.body, msg);
  if (st.legacy && st.post_target.empty()) {
    st.held.push_back(std::move(ex));
    return;
  }
  start(self, std::move(ex));
}

caf::behavior http_transport(broker_t* self, http_transport_config cfg,
                             caf::actor owner, std::string host,
                             uint16_t port, std::string target) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.owner = std::move(owner);
  st.host = std::move(host);
  st.port = port;
  st.target = std::move(target);
  st.host_header = st.host + ":" + std::to_string(st.port);
  st.detecting = st.cfg.mode == http_mode::detect;
  if (st.cfg.mode == http_mode::legacy_sse)
    open_legacy(self);
  self->monitor(st.owner);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == self->state.owner)
      finish(self, "owner went down");
  });
  return {
    [=](outbound_atom, const json::value& msg) { post(self, msg, {}); },
    [=](outbound_atom, const json::value& msg, message_headers& headers) {
      post(self, msg, std::move(headers.fields));
    },
    [=](stateless_atom, bool flag) {
      auto& st = self->state;
      st.stateless = flag;
      if (flag)
        st.session_id.clear();
    },
    [=](protocol_version_atom, std::string& version) {
      auto& st = self->state;
      st.protocol_version = std::move(version);
      if (st.renewing) {
        st.renewing = false;
        st.get_open = st.get_refused = false;
        while (!st.replay.empty()) {
          auto ex = std::move(st.replay.front());
          st.replay.pop_front();
          start(self, std::move(ex));
        }
      }
      if (!st.legacy && st.cfg.open_get_stream && !st.get_open
          && !st.get_refused) {
        st.get_open = true;
        exchange ex;
        ex.what = purpose::get_stream;
        start(self, std::move(ex));
      }
    },
    [=](reopen_atom) {
      auto& st = self->state;
      if (st.closing || st.get_open || st.get_refused)
        return;
      st.get_open = true;
      exchange ex;
      ex.what = purpose::get_stream;
      start(self, std::move(ex));
    },
    [=](resume_atom, std::string& id, std::string& last, size_t n) {
      if (self->state.resuming.erase(id) == 0 || self->state.closing)
        return;
      exchange ex;
      ex.what = purpose::resume;
      ex.id = std::move(id);
      ex.last_event_id = std::move(last);
      ex.resumptions = n;
      start(self, std::move(ex));
    },
    [=](abandon_atom, const std::string& id) {
      // The owner gave up on `id`: its stream (or the resumption of it)
      // would wait for a response that no one reads.
      auto& st = self->state;
      auto carries = [&](const exchange& ex) {
        return ex.id == id
               && (ex.what == purpose::request || ex.what == purpose::resume);
      };
      st.resuming.erase(id);
      st.waiting.erase(std::remove_if(st.waiting.begin(), st.waiting.end(),
                                      carries),
                       st.waiting.end());
      std::vector<caf::io::connection_handle> ended;
      for (auto& c : st.conns)
        if (c->busy && carries(c->ex))
          ended.push_back(c->hdl);
      for (auto hdl : ended)
        retire(self, hdl);
      while (!ended.empty() && !st.waiting.empty() && !st.closing) {
        ended.pop_back();
        auto ex = std::move(st.waiting.front());
        st.waiting.pop_front();
        start(self, std::move(ex));
      }
    },
    [=](close_atom) {
      auto& st = self->state;
      if (st.closing)
        return;
      st.closing = true;
      st.waiting.clear();
      std::vector<caf::io::connection_handle> busy;
      for (auto& c : st.conns)
        if (c->busy)
          busy.push_back(c->hdl);
      for (auto hdl : busy)
        retire(self, hdl);
      if (st.session_id.empty() || st.legacy) {
        finish(self, "closed by owner");
        return;
      }
      // Ends the session on the server; gives it a moment to answer.
      exchange ex;
      ex.what = purpose::close;
      start(self, std::move(ex));
      st.end_reason = "closed by owner";
      caf::delayed_anon_send(caf::actor_cast<caf::actor>(self),
                             std::chrono::seconds(1), finish_atom::value);
    },
    [=](finish_atom) {
      if (self->state.finished)
        quit_now(self);
      else
        finish_now(self);
    },
    [=](stats_atom) { return self->state.stats; },
    [=](caf::io::new_data_msg& msg) {
      auto c = find(self, msg.handle);
      if (c == nullptr)
        return;
      if (c->reads.after_read(msg.buf.size()))
        self->configure_read(c->hdl, caf::io::receive_policy::at_most(
                                       c->reads.size()));
      on_data(self, *c, msg.buf);
    },
    [=](caf::io::data_transferred_msg& msg) {
      auto c = find(self, msg.handle);
      if (c == nullptr || msg.remaining > 0 || !c->scribe_writing)
        return;
      c->scribe_writing = false;
      self->ack_writes(c->hdl, false);
    },
    [=](caf::io::connection_closed_msg& msg) {
      auto& st = self->state;
      auto& r = st.retiring;
      if (auto i = std::find(r.begin(), r.end(), msg.handle); i != r.end()) {
        r.erase(i);
        if (r.empty() && st.finished)
          quit_now(self);
        return;
      }
      auto c = find(self, msg.handle);
      if (c == nullptr)
        return;
      if (c->busy) {
        if (c->ex.what == purpose::get_stream) {
          st.get_open = false;
          if (!st.closing)
            caf::delayed_anon_send(caf::actor_cast<caf::actor>(self),
                                   st.cfg.default_retry, reopen_atom::value);
        } else if (c->ex.what == purpose::close) {
          finish(self, "closed by owner");
          return;
        } else if (c->ex.what == purpose::legacy_stream) {
          finish(self, "the SSE stream broke");
          return;
        } else {
          resume_later(self, *c, "the connection broke before the response");
        }
      }
      forget(self, msg.handle);
      flush_batch(self);
      if (!st.waiting.empty() && !st.closing) {
        auto ex = std::move(st.waiting.front());
        st.waiting.pop_front();
        start(self, std::move(ex));
      }
    },
  };
}

} // namespace

caf::expected<caf::actor> spawn_http_transport(caf::actor_system& sys,
                                               http_transport_config cfg,
                                               caf::actor owner) {
  auto url = boost::urls::parse_uri(cfg.url);
  if (!url)
    return caf::make_error(caf::sec::invalid_argument,
                           "not a URL: " + cfg.url);
  if (url->scheme() != "http")
    return caf::make_error(caf::sec::invalid_argument,
                           "only http:// URLs are supported: " + cfg.url);
  auto host = std::string{url->host_address()};
  // Loopback by definition (RFC 6761), whatever the resolver knows.
  if (host == "localhost")
    host = "127.0.0.1";
  uint16_t port = url->has_port() ? url->port_number() : 80;
  auto target = std::string{url->encoded_target()};
  if (target.empty())
    target = "/";
  return sys.middleman().spawn_broker(http_transport, std::move(cfg),
                                      std::move(owner), std::move(host), port,
                                      std::move(target));
}

} // namespace mcp::transports
