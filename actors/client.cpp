#include "actors/client.hpp"

#include <cstdio>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>


#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/deadline.hpp"
#include "actors/error.hpp"
#include "actors/messages.hpp"
#include "actors/progress_subscription.hpp"
#include "actors/requests.hpp"
#include "actors/session_supervisor.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "transports/messages.hpp"

namespace mcp {

namespace {

namespace json = boost::json;
namespace methods = protocol::methods;
using detail::saturated_add;
using transports::inbound_atom;
using transports::outbound_atom;

constexpr size_t recent_tokens_limit = 1024;
constexpr size_t max_pages = 100000;

struct pending_request {
  caf::response_promise promise;
  std::string method;
  caf::optional<progress_token> token;
  std::string cancel_key;
  caf::actor_clock::time_point started;
  caf::actor_clock::time_point last_activity;
  caf::actor_clock::time_point deadline;
  caf::timespan timeout;
  caf::optional<caf::timespan> max_total;
  bool reset_on_progress = false;
};

struct queued_request {
  caf::response_promise promise;
  client_request req;
  /// When the caller made the request; its timeouts count from here.
  caf::actor_clock::time_point enqueued;
  /// When it fails if the handshake has not completed by then.
  caf::actor_clock::time_point deadline;
};

struct subscription_ref {
  caf::actor subscription;
  caf::actor_addr subscriber;
  /// Whether the subscription takes `std::vector<progress_update>` (only the
  /// ones the client spawned itself; attached actors get single updates).
  bool batches = false;
};

struct token_entry {
  std::vector<subscription_ref> subs;
  caf::optional<int64_t> request;
};

struct notification_subscriber {
  std::string filter;
  caf::actor who;
};

/// A paginated list request in progress (`all_pages_atom`).
struct page_walk {
  caf::response_promise promise;
  client_request base;
  std::string key;
  json::array items;
  std::unordered_set<std::string> seen;
};

enum class stage { detached, handshaking, ready, closed };

struct client_state {
  client_config cfg;
  caf::actor transport;
  caf::actor supervisor;
  stage phase = stage::detached;
  int64_t next_id = 1;
  int64_t handshake_id = -1;
  uint64_t epoch = 0;
  bool handshaken_once = false;
  server_info info;
  protocol::server_capabilities caps;
  std::unordered_map<int64_t, pending_request> pending;
  std::set<std::pair<caf::actor_clock::time_point, int64_t>> deadlines;
  caf::optional<caf::actor_clock::time_point> armed;
  std::deque<queued_request> queue;
  /// Paginated walks under way; answered when the session closes.
  std::vector<std::shared_ptr<page_walk>> walks;
  std::vector<caf::response_promise> info_waiters;
  std::unordered_map<progress_token, token_entry> tokens;
  std::unordered_map<caf::actor_addr, progress_token> subscription_tokens;
  std::vector<notification_subscriber> notification_subs;
  /// Requests from the server being handled, with whether the server
  /// cancelled them; an entry (and its slot) lives until its handler answers.
  std::unordered_map<request_id, bool> server_inflight;
  /// Progress updates of the current inbound batch, per subscription; sent
  /// as one message each when the batch is done (or before anything else
  /// goes to a subscription, to keep the order).
  std::vector<std::pair<subscription_ref, std::vector<progress_update>>> outbox;
  std::deque<progress_token> recent;
  std::unordered_set<progress_token> recent_set;
  std::string last_disconnect;
  client_stats stats;

  static inline const char* name = "mcp_client";
};

/// The client runs as an event-based actor, or as a broker on the I/O
/// middleman's thread next to its transport (no thread hop per message).
using client_actor = caf::stateful_actor<client_state>;
using client_broker = caf::stateful_actor<client_state, caf::io::broker>;

// -- utilities ----------------------------------------------------------------

/// Copies a value out of the transport's per-read arena into the default
/// memory resource, so what callers keep does not pin the arena.
json::value own_copy(const json::value& x) {
  return json::value(x, json::storage_ptr{});
}

template <class Self>
void log_bad_input(Self* self, const std::string& what) {
  if (self->state.cfg.log_bad_input)
    std::fprintf(stderr, "[caf-mcp client] %s\n", what.c_str());
}

template <class Self>
void send_out(Self* self, json::value msg) {
  if (self->state.transport)
    self->send(self->state.transport, outbound_atom::value, std::move(msg));
}

std::string format_duration(caf::timespan x) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(x).count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// -- progress subscriptions ---------------------------------------------------

void remember_finished(client_state& st, const progress_token& token) {
  if (!st.recent_set.insert(token).second)
    return;
  st.recent.push_back(token);
  if (st.recent.size() > recent_tokens_limit) {
    st.recent_set.erase(st.recent.front());
    st.recent.pop_front();
  }
}

template <class Self>
void attach_subscription(Self* self, const progress_token& token,
                         caf::actor sub, caf::actor_addr subscriber,
                         bool batches = false) {
  auto& st = self->state;
  self->monitor(sub);
  st.subscription_tokens.emplace(sub.address(), token);
  st.tokens[token].subs.push_back(
    {std::move(sub), std::move(subscriber), batches});
  st.recent_set.erase(token);
}

template <class Self>
caf::actor subscribe_actor(Self* self, const progress_token& token,
                           const caf::actor& subscriber) {
  auto sub = spawn_progress_subscription(self->system(), token, subscriber);
  attach_subscription(self, token, sub, subscriber.address(), true);
  return sub;
}

/// Sends the progress updates collected during the current batch.
template <class Self>
void flush_progress(Self* self) {
  for (auto& [sub, updates] : self->state.outbox) {
    if (sub.batches && updates.size() > 1)
      self->send(sub.subscription, std::move(updates));
    else
      for (auto& x : updates)
        self->send(sub.subscription, std::move(x));
  }
  self->state.outbox.clear();
}

template <class Self>
void end_subscription(Self* self, subscription_ref& ref,
                      const progress_token& token, progress_outcome outcome,
                      const std::string& detail) {
  flush_progress(self);
  self->demonitor(ref.subscription);
  self->state.subscription_tokens.erase(ref.subscription.address());
  self->send(ref.subscription, progress_done{token, outcome, detail});
}

/// Ends every subscription of `token`, keeping the entry if a request in
/// flight still carries the token.
template <class Self>
void end_token(Self* self, const progress_token& token,
               progress_outcome outcome, const std::string& detail,
               bool request_done) {
  auto& st = self->state;
  auto i = st.tokens.find(token);
  if (i == st.tokens.end())
    return;
  for (auto& ref : i->second.subs)
    end_subscription(self, ref, token, outcome, detail);
  i->second.subs.clear();
  if (request_done || !i->second.request) {
    st.tokens.erase(i);
    if (request_done)
      remember_finished(st, token);
  }
}

// -- request bookkeeping ------------------------------------------------------

caf::actor_clock::time_point effective_deadline(const pending_request& p) {
  auto res = saturated_add(p.last_activity, p.timeout);
  if (p.max_total)
    res = std::min(res, saturated_add(p.started, *p.max_total));
  return res;
}

template <class Self>
void arm(Self* self, caf::actor_clock::time_point at) {
  auto& st = self->state;
  if (at == caf::actor_clock::time_point::max()
      || (st.armed && *st.armed <= at))
    return;
  st.armed = at;
  auto now = self->clock().now();
  auto delay = at > now ? at - now : caf::timespan{0};
  // Anonymous: a broker's message to itself that arrives after it quit would
  // keep it alive forever in CAF 0.17.
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), delay,
                         timeout_atom::value);
}

template <class Self>
void track_deadline(Self* self, int64_t id, pending_request& p) {
  auto& st = self->state;
  st.deadlines.erase({p.deadline, id});
  p.deadline = effective_deadline(p);
  st.deadlines.emplace(p.deadline, id);
  arm(self, p.deadline);
}

/// Removes request `id` and finishes its progress token.
template <class Self>
pending_request take_pending(Self* self, int64_t id,
                             progress_outcome outcome,
                             const std::string& detail) {
  auto& st = self->state;
  auto i = st.pending.find(id);
  auto p = std::move(i->second);
  st.pending.erase(i);
  st.deadlines.erase({p.deadline, id});
  if (p.token)
    end_token(self, *p.token, outcome, detail, true);
  return p;
}

template <class Self>
void fail_pending(Self* self, int64_t id, const caf::error& err,
                  progress_outcome outcome) {
  auto p = take_pending(self, id, outcome, describe(err));
  ++self->state.stats.errors;
  if (id != self->state.handshake_id)
    p.promise.deliver(err);
}

template <class Self>
void send_cancelled(Self* self, int64_t id, std::string reason) {
  json::object params;
  params.emplace("requestId", id);
  params.emplace("reason", std::move(reason));
  send_out(self, protocol::make_notification(methods::cancelled,
                                             std::move(params)));
}

template <class Self>
void fail_all(Self* self, const caf::error& err,
              progress_outcome outcome) {
  auto& st = self->state;
  std::vector<int64_t> ids;
  ids.reserve(st.pending.size());
  for (auto& kvp : st.pending)
    ids.push_back(kvp.first);
  for (auto id : ids)
    fail_pending(self, id, err, outcome);
  while (!st.queue.empty()) {
    auto q = std::move(st.queue.front());
    st.queue.pop_front();
    refuse(self, q.promise, q.req.options, err);
  }
  for (auto& w : st.info_waiters)
    w.deliver(err);
  st.info_waiters.clear();
}

/// Ends everything and quits; every caller gets `err`.
template <class Self>
void close_session(Self* self, const caf::error& err,
                   const caf::error& exit_reason) {
  auto& st = self->state;
  fail_all(self, err, progress_outcome::disconnected);
  for (auto& walk : st.walks)
    walk->promise.deliver(err);
  st.walks.clear();
  std::vector<progress_token> tokens;
  for (auto& kvp : st.tokens)
    tokens.push_back(kvp.first);
  for (auto& token : tokens)
    end_token(self, token, progress_outcome::disconnected, describe(err),
              false);
  if (st.transport)
    self->send(st.transport, transports::close_atom::value);
  st.transport = nullptr;
  st.phase = stage::closed;
  self->quit(exit_reason);
}

// -- sending requests ---------------------------------------------------------

/// Ends the subscriptions a request brought along when the request fails
/// before it was sent: every subscription still gets its one final message.
template <class Self>
void reject_progress(Self* self, const request_options& opts,
                     const caf::error& err) {
  if (!opts.progress)
    return;
  // Plain subscribers got no subscription for this request (and may be
  // subscribed to another request with the same token): only the
  // ready-made subscriptions handed over with it are ended.
  progress_done done{*opts.progress, progress_outcome::failed, describe(err)};
  for (auto& sub : opts.progress_subscriptions)
    if (sub)
      self->send(sub, done);
}

/// Fails a request that was never sent.
template <class Self>
void refuse(Self* self, caf::response_promise& rp, const request_options& opts,
            caf::error err) {
  ++self->state.stats.errors;
  reject_progress(self, opts, err);
  rp.deliver(std::move(err));
}

template <class Self>
void dispatch(Self* self, caf::response_promise rp, client_request req,
              caf::optional<caf::actor_clock::time_point> since = caf::none);

template <class Self>
void enqueue(Self* self, caf::response_promise rp,
             client_request req) {
  auto& st = self->state;
  if (st.queue.size() >= st.cfg.max_queued_requests) {
    refuse(self, rp, req.options,
           make_error(errc::invalid_argument,
                      "too many requests waiting for the handshake"));
    return;
  }
  auto now = self->clock().now();
  auto deadline = saturated_add(now, req.options.timeout);
  if (req.options.max_total_timeout)
    deadline = std::min(deadline,
                        saturated_add(now, *req.options.max_total_timeout));
  st.queue.push_back({std::move(rp), std::move(req), now, deadline});
  arm(self, deadline);
}

/// Fails the requests that waited for a handshake past their timeout.
template <class Self>
void expire_queued(Self* self, caf::actor_clock::time_point now) {
  auto& st = self->state;
  auto& q = st.queue;
  for (auto i = q.begin(); i != q.end();) {
    if (i->deadline > now) {
      arm(self, i->deadline);
      ++i;
      continue;
    }
    auto item = std::move(*i);
    i = q.erase(i);
    ++st.stats.timeouts;
    refuse(self, item.promise, item.req.options,
           make_error(errc::timeout,
                      item.req.method
                        + " timed out waiting for the server handshake"
                        + (st.last_disconnect.empty()
                             ? std::string{}
                             : "; last error: " + st.last_disconnect)));
  }
}

template <class Self>
void dispatch(Self* self, caf::response_promise rp, client_request req,
              caf::optional<caf::actor_clock::time_point> since) {
  auto& st = self->state;
  if (st.phase != stage::ready) {
    enqueue(self, std::move(rp), std::move(req));
    return;
  }
  auto fail = [&](errc code, std::string what) {
    refuse(self, rp, req.options, make_error(code, std::move(what)));
  };
  if (auto why = protocol::check_method_allowed(st.caps, req.method)) {
    fail(errc::capability_missing, std::move(*why));
    return;
  }
  auto& opts = req.options;
  if (!opts.progress
      && (!opts.progress_subscribers.empty()
          || !opts.progress_subscriptions.empty())) {
    fail(errc::invalid_argument,
         "progress subscribers given without a progress token");
    return;
  }
  if (!opts.meta.is_null() && !opts.meta.is_object()) {
    fail(errc::invalid_argument, "request _meta must be an object");
    return;
  }
  if (!req.params.is_null() && !req.params.is_object()) {
    fail(errc::invalid_argument, "request params must be an object");
    return;
  }
  auto id = st.next_id++;
  if (opts.progress) {
    auto i = st.tokens.find(*opts.progress);
    if (i != st.tokens.end() && i->second.request) {
      fail(errc::duplicate_progress_token,
           "progress token " + opts.progress->to_json_text()
             + " is already used by a request in flight");
      return;
    }
    st.tokens[*opts.progress].request = id;
    st.recent_set.erase(*opts.progress);
    for (auto& who : opts.progress_subscribers)
      if (who)
        subscribe_actor(self, *opts.progress, who);
    for (auto& sub : opts.progress_subscriptions)
      if (sub)
        attach_subscription(self, *opts.progress, sub, caf::actor_addr{});
  }
  auto params = std::move(req.params);
  if (opts.meta.is_object() && !opts.meta.get_object().empty()) {
    if (!params.is_object())
      params = json::object{};
    auto& meta = params.get_object()["_meta"];
    if (!meta.is_object())
      meta = json::object{};
    for (auto& kvp : opts.meta.get_object())
      meta.get_object()[kvp.key()] = kvp.value();
  }
  if (opts.progress)
    protocol::set_progress_token(params, *opts.progress);
  auto now = self->clock().now();
  pending_request p;
  p.promise = std::move(rp);
  p.method = std::move(req.method);
  if (since)
    now = *since;
  p.token = opts.progress;
  p.cancel_key = std::move(opts.cancel_key);
  p.started = now;
  p.last_activity = now;
  p.timeout = opts.timeout;
  p.max_total = opts.max_total_timeout;
  p.reset_on_progress = opts.reset_timeout_on_progress;
  send_out(self, protocol::make_request(id, p.method, std::move(params)));
  ++st.stats.requests_sent;
  auto& stored = st.pending.emplace(id, std::move(p)).first->second;
  track_deadline(self, id, stored);
}

template <class Self>
void start_handshake(Self* self) {
  auto& st = self->state;
  protocol::client_capabilities caps;
  caps.roots = static_cast<bool>(st.cfg.roots_handler);
  caps.roots_list_changed = caps.roots && st.cfg.roots_list_changed;
  caps.sampling = static_cast<bool>(st.cfg.sampling_handler);
  caps.elicitation = static_cast<bool>(st.cfg.elicitation_handler);
  auto id = st.next_id++;
  st.handshake_id = id;
  st.phase = stage::handshaking;
  auto now = self->clock().now();
  pending_request p;
  p.method = std::string{methods::initialize};
  p.started = now;
  p.last_activity = now;
  p.timeout = st.cfg.handshake_timeout;
  send_out(self, protocol::make_request(
                   id, methods::initialize,
                   protocol::make_initialize_params(st.cfg.protocol_version,
                                                    st.cfg.info, caps)));
  ++st.stats.requests_sent;
  auto& stored = st.pending.emplace(id, std::move(p)).first->second;
  track_deadline(self, id, stored);
}

template <class Self>
void handshake_failed(Self* self, caf::error err) {
  std::fprintf(stderr, "[caf-mcp client] handshake failed: %s\n",
               describe(err).c_str());
  close_session(self, err, err);
}

template <class Self>
void on_handshake_result(Self* self, const json::value& result) {
  auto& st = self->state;
  take_pending(self, st.handshake_id, progress_outcome::completed, {});
  st.handshake_id = -1;
  auto parsed = protocol::parse_initialize_result(result);
  if (!parsed) {
    auto code = parsed.error().what.find("unsupported protocol version")
                    != std::string::npos
                  ? errc::unsupported_protocol_version
                  : errc::handshake_failed;
    handshake_failed(self, make_error(code, parsed.error().what));
    return;
  }
  st.caps = std::move(parsed->capabilities);
  st.info.protocol_version = std::move(parsed->protocol_version);
  st.info.capabilities = st.caps.raw;
  st.info.implementation = std::move(parsed->server_info);
  st.info.instructions = std::move(parsed->instructions);
  send_out(self, protocol::make_notification(methods::initialized, nullptr));
  st.phase = stage::ready;
  if (st.handshaken_once)
    ++st.stats.reconnects;
  st.handshaken_once = true;
  for (auto& w : st.info_waiters)
    w.deliver(st.info);
  st.info_waiters.clear();
  auto queued = std::move(st.queue);
  st.queue.clear();
  for (auto& q : queued)
    dispatch(self, std::move(q.promise), std::move(q.req), q.enqueued);
}

// -- inbound ------------------------------------------------------------------

template <class Self>
void on_response(Self* self, const protocol::incoming_message& in) {
  auto& st = self->state;
  auto i = in.id && in.id->is_integer() ? st.pending.find(in.id->as_integer())
                                        : st.pending.end();
  if (i == st.pending.end()) {
    ++st.stats.unknown_response_ids;
    log_bad_input(self, "response with unknown id "
                          + (in.id ? in.id->to_json_text() : "null"));
    return;
  }
  auto id = i->first;
  if (in.kind == protocol::message_kind::result) {
    if (id == st.handshake_id) {
      on_handshake_result(self, *in.result);
      return;
    }
    auto p = take_pending(self, id, progress_outcome::completed, {});
    ++st.stats.results;
    p.promise.deliver(own_copy(*in.result));
    return;
  }
  auto error = make_server_error(*in.error);
  if (id == st.handshake_id) {
    take_pending(self, id, progress_outcome::failed, {});
    handshake_failed(self, make_error(errc::handshake_failed,
                                      "initialize failed: " + describe(error)));
    return;
  }
  fail_pending(self, id, error, progress_outcome::failed);
}

template <class Self>
void on_progress(Self* self, const json::value* params) {
  auto& st = self->state;
  auto obj = params != nullptr ? params->if_object() : nullptr;
  auto bad = [&](const char* what) {
    ++st.stats.invalid_messages;
    log_bad_input(self, std::string{"invalid progress notification: "} + what);
  };
  if (obj == nullptr)
    return bad("params is not an object");
  auto token_val = obj->if_contains("progressToken");
  auto token = token_val ? progress_token::from_json(*token_val) : std::nullopt;
  if (!token)
    return bad("progressToken missing or not a string or integer");
  auto progress_val = obj->if_contains("progress");
  if (progress_val == nullptr || !progress_val->is_number())
    return bad("progress missing or not a number");
  auto i = st.tokens.find(*token);
  if (i == st.tokens.end()) {
    if (st.recent_set.count(*token) > 0)
      ++st.stats.progress_late;
    else
      ++st.stats.progress_unknown_token;
    return;
  }
  auto& entry = i->second;
  if (entry.request) {
    auto p = st.pending.find(*entry.request);
    if (p != st.pending.end() && p->second.reset_on_progress) {
      p->second.last_activity = self->clock().now();
      track_deadline(self, p->first, p->second);
    }
  }
  if (entry.subs.empty())
    return;
  progress_update update;
  update.token = std::move(*token);
  update.progress = progress_val->to_number<double>();
  if (auto total = obj->if_contains("total"); total && total->is_number())
    update.total = total->to_number<double>();
  if (auto msg = obj->if_contains("message"); msg && msg->is_string())
    update.message = std::string{msg->get_string()};
  ++st.stats.progress_delivered;
  auto queue = [&](const subscription_ref& sub)
    -> std::vector<progress_update>& {
    for (auto& [ref, updates] : st.outbox)
      if (ref.subscription == sub.subscription)
        return updates;
    return st.outbox.emplace_back(sub, std::vector<progress_update>{}).second;
  };
  auto n = entry.subs.size();
  for (size_t k = 0; k + 1 < n; ++k)
    queue(entry.subs[k]).push_back(update);
  queue(entry.subs[n - 1]).push_back(std::move(update));
}

template <class Self>
void on_notification(Self* self, const protocol::incoming_message& in) {
  auto& st = self->state;
  if (in.method == methods::progress) {
    on_progress(self, in.params);
    return;
  }
  ++st.stats.notifications;
  if (in.method == methods::cancelled) {
    auto obj = in.params ? in.params->if_object() : nullptr;
    if (auto id = obj ? obj->if_contains("requestId") : nullptr)
      if (auto rid = request_id::from_json(*id))
        if (auto i = st.server_inflight.find(*rid);
            i != st.server_inflight.end())
          i->second = true;
  }
  std::vector<const caf::actor*> targets;
  for (auto& sub : st.notification_subs)
    if (sub.filter.empty() || in.method.substr(0, sub.filter.size())
                                == sub.filter)
      targets.push_back(&sub.who);
  if (targets.empty())
    return;
  server_notification msg{std::string{in.method},
                          in.params ? own_copy(*in.params) : json::value{}};
  for (size_t k = 0; k + 1 < targets.size(); ++k)
    self->send(*targets[k], msg);
  self->send(*targets.back(), std::move(msg));
}

template <class Self>
void on_server_request(Self* self, const protocol::incoming_message& in) {
  auto& st = self->state;
  ++st.stats.server_requests;
  auto id = *in.id;
  if (in.method == methods::ping) {
    send_out(self, protocol::make_result(id, json::object{}));
    return;
  }
  caf::actor handler;
  if (in.method == methods::roots_list)
    handler = st.cfg.roots_handler;
  else if (in.method == methods::sampling_create_message)
    handler = st.cfg.sampling_handler;
  else if (in.method == methods::elicitation_create)
    handler = st.cfg.elicitation_handler;
  if (!handler) {
    send_out(self, protocol::make_error(id, protocol::error_code::method_not_found,
                                        "method not found: "
                                          + std::string{in.method}));
    return;
  }
  if (st.server_inflight.size() >= st.cfg.max_server_requests
      || !st.server_inflight.emplace(id, false).second) {
    send_out(self, protocol::make_error(
                     id, protocol::error_code::internal_error,
                     "too many concurrent server requests or duplicate id"));
    return;
  }
  auto epoch = st.epoch;
  auto still_wanted = [self, id, epoch] {
    auto& st = self->state;
    if (st.epoch != epoch)
      return false;
    auto i = st.server_inflight.find(id);
    if (i == st.server_inflight.end())
      return false;
    auto cancelled = i->second;
    st.server_inflight.erase(i);
    return !cancelled;
  };
  server_request req{std::string{in.method},
                     in.params ? own_copy(*in.params) : json::value{}};
  self->request(handler, st.cfg.handler_timeout, std::move(req))
    .then(
      [self, id, still_wanted](json::value& result) {
        if (still_wanted())
          send_out(self, protocol::make_result(id, std::move(result)));
      },
      [self, id, still_wanted](caf::error& err) {
        if (!still_wanted())
          return;
        auto code = server_error_code(err).value_or(
          static_cast<int64_t>(protocol::error_code::internal_error));
        std::string message = describe(err);
        if (is(err, errc::server_error))
          message = err.context().get_as<std::string>(1);
        send_out(self, protocol::make_error(id, code, message));
      });
}

template <class Self>
void on_inbound(Self* self, json::value& msg) {
  auto in = protocol::classify(msg);
  switch (in.kind) {
    case protocol::message_kind::result:
    case protocol::message_kind::error:
      on_response(self, in);
      break;
    case protocol::message_kind::notification:
      on_notification(self, in);
      break;
    case protocol::message_kind::request:
      on_server_request(self, in);
      break;
    case protocol::message_kind::invalid:
      ++self->state.stats.invalid_messages;
      log_bad_input(self, "invalid JSON-RPC message: " + std::string{in.problem});
      break;
  }
}

// -- connection lifetime ------------------------------------------------------

template <class Self>
void on_disconnect(Self* self, std::string description,
                   const std::string& stderr_tail) {
  auto& st = self->state;
  if (!stderr_tail.empty()) {
    description += "; stderr tail: ";
    description += stderr_tail;
  }
  st.last_disconnect = description;
  auto err = make_error(errc::transport_closed, description);
  std::vector<int64_t> ids;
  for (auto& kvp : st.pending)
    ids.push_back(kvp.first);
  for (auto id : ids)
    fail_pending(self, id, err, progress_outcome::disconnected);
  st.handshake_id = -1;
  st.server_inflight.clear();
  ++st.epoch;
  if (st.transport)
    self->demonitor(st.transport);
  st.transport = nullptr;
  if (st.phase != stage::closed)
    st.phase = stage::detached;
}

template <class Self>
void expire(Self* self, int64_t id) {
  auto& st = self->state;
  auto& p = st.pending.at(id);
  if (id == st.handshake_id) {
    auto limit = format_duration(p.timeout);
    take_pending(self, id, progress_outcome::timed_out, {});
    handshake_failed(self, make_error(errc::handshake_failed,
                                      "server did not answer initialize within "
                                        + limit));
    return;
  }
  auto total = p.max_total && p.started + *p.max_total <= p.deadline;
  auto what = p.method + (total ? " exceeded its maximum total time of "
                                    + format_duration(*p.max_total)
                                : " got no answer within "
                                    + format_duration(p.timeout));
  send_cancelled(self, id, "timeout: " + what);
  ++st.stats.timeouts;
  fail_pending(self, id, make_error(errc::timeout, what),
               progress_outcome::timed_out);
}

template <class Self>
void cancel(Self* self, int64_t id, const std::string& why) {
  ++self->state.stats.cancellations;
  send_cancelled(self, id, why);
  fail_pending(self, id, make_error(errc::cancelled, why),
               progress_outcome::cancelled);
}

// -- pagination ---------------------------------------------------------------

/// Answers a walk and forgets it.
template <class Self, class T>
void finish_walk(Self* self, const std::shared_ptr<page_walk>& walk, T&& x) {
  auto& walks = self->state.walks;
  auto i = std::find(walks.begin(), walks.end(), walk);
  if (i == walks.end())
    return;
  walks.erase(i);
  walk->promise.deliver(std::forward<T>(x));
}

template <class Self>
void next_page(Self* self, std::shared_ptr<page_walk> walk,
               std::string cursor) {
  auto req = walk->base;
  // Progress settings apply to the first page only: its subscriptions end
  // with it.
  walk->base.options.progress = caf::none;
  walk->base.options.progress_subscribers.clear();
  walk->base.options.progress_subscriptions.clear();
  if (!cursor.empty()) {
    if (!req.params.is_object())
      req.params = json::object{};
    req.params.get_object()["cursor"] = cursor;
  }
  self->request(caf::actor{self}, caf::infinite, std::move(req))
    .then(
      [self, walk](json::value& page) {
        auto obj = page.if_object();
        auto items = obj ? obj->if_contains(walk->key) : nullptr;
        if (items == nullptr || !items->is_array()) {
          finish_walk(self, walk, make_error(
            errc::invalid_argument,
            "page of " + walk->base.method + " lacks \"" + walk->key + "\""));
          return;
        }
        for (auto& x : items->get_array())
          walk->items.push_back(std::move(x));
        auto next = obj->if_contains("nextCursor");
        if (next != nullptr && next->is_string()) {
          std::string cursor{next->get_string()};
          if (walk->seen.size() >= max_pages
              || !walk->seen.insert(cursor).second) {
            finish_walk(self, walk, make_error(
              errc::invalid_argument,
              walk->base.method + ": server repeated cursor " + cursor));
            return;
          }
          next_page(self, walk, std::move(cursor));
          return;
        }
        json::object res;
        res.emplace(walk->key, std::move(walk->items));
        finish_walk(self, walk, json::value(std::move(res)));
      },
      [self, walk](caf::error& err) { finish_walk(self, walk, err); });
}

template <class Self>
caf::behavior client(Self* self, client_config cfg) {
  self->state.cfg = std::move(cfg);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.transport && dm.source == st.transport.address()) {
      on_disconnect(self, "transport went down: " + describe(dm.reason), {});
      return;
    }
    auto i = st.subscription_tokens.find(dm.source);
    if (i != st.subscription_tokens.end()) {
      auto token = i->second;
      st.subscription_tokens.erase(i);
      auto t = st.tokens.find(token);
      if (t != st.tokens.end()) {
        auto& subs = t->second.subs;
        subs.erase(std::remove_if(subs.begin(), subs.end(),
                                  [&](const subscription_ref& x) {
                                    return x.subscription.address()
                                           == dm.source;
                                  }),
                   subs.end());
        if (subs.empty() && !t->second.request)
          st.tokens.erase(t);
      }
      return;
    }
    auto& ns = st.notification_subs;
    ns.erase(std::remove_if(ns.begin(), ns.end(),
                            [&](const notification_subscriber& x) {
                              return x.who.address() == dm.source;
                            }),
             ns.end());
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    auto why = em.reason ? describe(em.reason) : std::string{"normal exit"};
    close_session(self, make_error(errc::session_closed, "session ended: " + why),
                  em.reason);
  });
  return {
    [self](client_request& req) {
      auto rp = self->make_response_promise();
      if (self->state.phase == stage::closed) {
        refuse(self, rp, req.options,
               make_error(errc::session_closed, "session is closed"));
        return;
      }
      dispatch(self, std::move(rp), std::move(req));
    },
    [self](all_pages_atom, client_request& req) {
      auto walk = std::make_shared<page_walk>();
      walk->promise = self->make_response_promise();
      walk->key = requests::items_key(req.method);
      if (walk->key.empty()) {
        walk->promise.deliver(make_error(errc::invalid_argument,
                                         req.method + " is not paginated"));
        return;
      }
      walk->base = std::move(req);
      self->state.walks.push_back(walk);
      next_page(self, std::move(walk), {});
    },
    [self](client_notification& x) {
      if (self->state.phase == stage::ready)
        send_out(self, protocol::make_notification(x.method,
                                                   std::move(x.params)));
    },
    [self](inbound_atom, json::value& msg) {
      on_inbound(self, msg);
      flush_progress(self);
    },
    [self](inbound_atom, std::vector<json::value>& batch) {
      for (auto& msg : batch) {
        on_inbound(self, msg);
        if (self->state.phase == stage::closed)
          return;
      }
      flush_progress(self);
    },
    [self](transports::transport_fault& x) {
      auto& st = self->state;
      if (x.kind == transports::fault_kind::malformed_json)
        ++st.stats.malformed_lines;
      else if (x.kind == transports::fault_kind::oversized_line)
        ++st.stats.oversized_lines;
      log_bad_input(self, x.detail);
    },
    [self](transports::transport_closed& x) {
      on_disconnect(self, std::move(x.description), x.stderr_tail);
    },
    [self](transport_atom, caf::actor& transport) {
      auto& st = self->state;
      if (st.phase == stage::closed) {
        self->send(transport, transports::close_atom::value);
        return;
      }
      if (st.transport) {
        self->send(st.transport, transports::close_atom::value);
        on_disconnect(self, "transport replaced", {});
      }
      st.transport = std::move(transport);
      self->monitor(st.transport);
      start_handshake(self);
    },
    [self](supervisor_atom, caf::actor& sup) {
      self->state.supervisor = std::move(sup);
    },
    [self](give_up_atom, std::string& why) {
      auto& st = self->state;
      auto text = why;
      if (!st.last_disconnect.empty())
        text += "; last error: " + st.last_disconnect;
      auto err = make_error(errc::session_closed, text);
      close_session(self, err, err);
    },
    [self](shutdown_atom) {
      auto err = make_error(errc::session_closed, "client shut down");
      close_session(self, err, caf::exit_reason::normal);
    },
    [self](timeout_atom) {
      auto& st = self->state;
      st.armed = caf::none;
      auto now = self->clock().now();
      while (!st.deadlines.empty() && st.deadlines.begin()->first <= now) {
        auto id = st.deadlines.begin()->second;
        expire(self, id);
        if (st.phase == stage::closed)
          return;
      }
      if (!st.deadlines.empty())
        arm(self, st.deadlines.begin()->first);
      expire_queued(self, now);
    },
    [self](subscribe_atom, progress_token& token, caf::actor& who) {
      return subscribe_actor(self, token, who);
    },
    [self](attach_atom, progress_token& token, caf::actor& sub) {
      attach_subscription(self, token, std::move(sub), caf::actor_addr{});
    },
    [self](unsubscribe_atom, progress_token& token, caf::actor& who) {
      auto& st = self->state;
      auto i = st.tokens.find(token);
      if (i == st.tokens.end())
        return;
      auto& subs = i->second.subs;
      for (auto& ref : subs)
        if (ref.subscriber == who.address())
          end_subscription(self, ref, token, progress_outcome::unsubscribed,
                           {});
      subs.erase(std::remove_if(subs.begin(), subs.end(),
                                [&](const subscription_ref& x) {
                                  return x.subscriber == who.address();
                                }),
                 subs.end());
      if (subs.empty() && !i->second.request)
        st.tokens.erase(i);
    },
    [self](unregister_atom, progress_token& token) {
      end_token(self, token, progress_outcome::unsubscribed, {}, false);
    },
    [self](subscribe_atom, std::string& filter, caf::actor& who) {
      self->monitor(who);
      self->state.notification_subs.push_back({std::move(filter), who});
    },
    [self](unsubscribe_atom, std::string& filter, caf::actor& who) {
      auto& ns = self->state.notification_subs;
      ns.erase(std::remove_if(ns.begin(), ns.end(),
                              [&](const notification_subscriber& x) {
                                return x.who == who && x.filter == filter;
                              }),
               ns.end());
    },
    [self](send_progress_atom, progress_update& x) {
      if (self->state.phase != stage::ready)
        return;
      json::object params;
      params.emplace("progressToken", x.token.to_json());
      params.emplace("progress", x.progress);
      if (x.total)
        params.emplace("total", *x.total);
      if (x.message)
        params.emplace("message", *x.message);
      send_out(self, protocol::make_notification(methods::progress,
                                                 std::move(params)));
    },
    [self](cancel_atom, std::string& key) {
      auto& st = self->state;
      for (auto& kvp : st.pending)
        if (!key.empty() && kvp.second.cancel_key == key) {
          cancel(self, kvp.first, "cancelled by caller");
          return;
        }
      auto& q = st.queue;
      for (auto i = q.begin(); i != q.end(); ++i)
        if (!key.empty() && i->req.options.cancel_key == key) {
          ++st.stats.cancellations;
          refuse(self, i->promise, i->req.options,
                 make_error(errc::cancelled, "cancelled by caller"));
          q.erase(i);
          return;
        }
    },
    [self](cancel_atom, progress_token& token) {
      auto& st = self->state;
      auto i = st.tokens.find(token);
      if (i != st.tokens.end() && i->second.request)
        cancel(self, *i->second.request, "cancelled by caller");
    },
    [self](cancel_all_atom) {
      auto& st = self->state;
      std::vector<int64_t> ids;
      for (auto& kvp : st.pending)
        if (kvp.first != st.handshake_id)
          ids.push_back(kvp.first);
      for (auto id : ids)
        cancel(self, id, "cancelled by caller");
      while (!st.queue.empty()) {
        auto q = std::move(st.queue.front());
        st.queue.pop_front();
        ++st.stats.cancellations;
        refuse(self, q.promise, q.req.options,
               make_error(errc::cancelled, "cancelled by caller"));
      }
    },
    [self](server_info_atom) {
      auto rp = self->make_response_promise();
      if (self->state.phase == stage::ready)
        rp.deliver(self->state.info);
      else
        self->state.info_waiters.push_back(std::move(rp));
    },
    [self](client_stats_atom) {
      auto& st = self->state;
      auto res = st.stats;
      res.in_flight = st.pending.size();
      res.subscriptions = st.subscription_tokens.size();
      return res;
    },
  };
}

} // namespace

caf::actor spawn_bare_client(caf::actor_system& sys, client_config cfg) {
  if (cfg.run_on_io_thread && sys.has_middleman())
    return sys.middleman().spawn_broker(client<client_broker>, std::move(cfg));
  return sys.spawn(client<client_actor>, std::move(cfg));
}

caf::expected<caf::actor> spawn_client(caf::actor_system& sys,
                                       transport_factory make_transport,
                                       client_config cfg,
                                       restart_policy policy) {
  auto c = spawn_bare_client(sys, std::move(cfg));
  auto transport = make_transport(c);
  if (!transport) {
    caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
    return std::move(transport.error());
  }
  auto sup = spawn_session_supervisor(sys, c, *transport,
                                      std::move(make_transport), policy);
  caf::anon_send(c, supervisor_atom::value, std::move(sup));
  caf::anon_send(c, transport_atom::value, *transport);
  return c;
}

caf::expected<caf::actor>
spawn_stdio_client(caf::actor_system& sys,
                   transports::stdio_transport_config transport,
                   client_config cfg, restart_policy policy) {
  auto factory = [&sys, transport](caf::actor owner) {
    return transports::spawn_stdio_transport(sys, transport, std::move(owner));
  };
  return spawn_client(sys, std::move(factory), std::move(cfg), policy);
}

} // namespace mcp
