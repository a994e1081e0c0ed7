#include "actors/detail/client_state.hpp"

#include <algorithm>
#include <cstdio>

#include <caf/scheduled_actor.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/actor_ops.hpp"
#include "actors/detail/deadline.hpp"
#include "actors/error.hpp"
#include "protocol/json_text.hpp"
#include "protocol/methods.hpp"
#include "protocol/revision.hpp"
#include "transports/messages.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;
namespace methods = protocol::methods;

std::string format_duration(caf::timespan x) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(x).count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

caf::actor_clock::time_point effective_deadline(const pending_request& p) {
  auto res = saturated_add(p.last_activity, p.timeout);
  if (p.max_total)
    res = std::min(res, saturated_add(p.started, *p.max_total));
  return res;
}

} // namespace

json::value own_copy(const json::value& x) {
  return json::value(x, json::storage_ptr{});
}

void deliver(caf::response_promise& rp,
             std::variant<json::value, caf::error> x) {
  if (auto err = std::get_if<caf::error>(&x))
    rp.deliver(std::move(*err));
  else
    rp.deliver(std::move(std::get<json::value>(x)));
}

client_state::client_state(caf::scheduled_actor* self) : self(self) {
  // nop
}

void client_state::log_bad_input(const std::string& what) {
  if (cfg.log_bad_input)
    std::fprintf(stderr, "[caf-mcp client] %s\n", what.c_str());
}

void client_state::send_out(json::value msg) {
  send_from(self, transport, transports::outbound_atom::value,
            std::move(msg));
}

// -- deadlines ----------------------------------------------------------------

void client_state::arm(caf::actor_clock::time_point at) {
  if (at == caf::actor_clock::time_point::max() || (armed && *armed <= at))
    return;
  armed = at;
  auto now = self->clock().now();
  auto delay = at > now ? at - now : caf::timespan{0};
  // Anonymous: a broker's message to itself that arrives after it quit would
  // keep it alive forever in CAF 0.17.
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), delay,
                         timeout_atom::value);
}

void client_state::track_deadline(int64_t id, pending_request& p) {
  deadlines.erase({p.deadline, id});
  p.deadline = effective_deadline(p);
  deadlines.emplace(p.deadline, id);
  arm(p.deadline);
}

void client_state::on_timer() {
  armed = caf::none;
  auto now = self->clock().now();
  while (!deadlines.empty() && deadlines.begin()->first <= now) {
    expire(deadlines.begin()->second);
    if (phase == stage::closed)
      return;
  }
  if (!deadlines.empty())
    arm(deadlines.begin()->first);
  expire_queued(now);
}

void client_state::expire(int64_t id) {
  auto& p = pending.at(id);
  if (id == handshake_id && probing) {
    auto limit = format_duration(p.timeout);
    take_pending(id, progress_outcome::timed_out, {});
    discover_failed(make_error(errc::handshake_failed,
                               "server did not answer server/discover within "
                                 + limit));
    return;
  }
  if (id == handshake_id) {
    auto limit = format_duration(p.timeout);
    take_pending(id, progress_outcome::timed_out, {});
    handshake_failed(make_error(errc::handshake_failed,
                                "server did not answer initialize within "
                                  + limit));
    return;
  }
  auto total = p.max_total && p.started + *p.max_total <= p.deadline;
  auto what = p.method + (total ? " exceeded its maximum total time of "
                                    + format_duration(*p.max_total)
                                : " got no answer within "
                                    + format_duration(p.timeout));
  send_cancelled(id, "timeout: " + what);
  ++stats.timeouts;
  fail_pending(id, make_error(errc::timeout, what),
               progress_outcome::timed_out);
}

// -- ending requests ----------------------------------------------------------

pending_request client_state::take_pending(int64_t id,
                                           progress_outcome outcome,
                                           const std::string& detail,
                                           uint64_t hold) {
  auto i = pending.find(id);
  auto p = std::move(i->second);
  pending.erase(i);
  deadlines.erase({p.deadline, id});
  if (p.token)
    end_token(*p.token, outcome, detail, true, hold);
  return p;
}

void client_state::complete(int64_t id, json::value result) {
  auto h = hold(std::move(pending.at(id).promise));
  take_pending(id, progress_outcome::completed, {}, h);
  ++stats.results;
  release(h, std::move(result));
}

void client_state::fail_pending(int64_t id, const caf::error& err,
                                progress_outcome outcome) {
  ++stats.errors;
  if (id == listen_id)
    listen_id = -1;
  if (pending.at(id).role != request_role::user) {
    take_pending(id, outcome, describe(err));
    return;
  }
  auto h = hold(std::move(pending.at(id).promise));
  take_pending(id, outcome, describe(err), h);
  release(h, err);
}

void client_state::refuse(caf::response_promise& rp,
                          const request_options& opts, caf::error err) {
  ++stats.errors;
  reject_progress(rp, opts, err);
}

void client_state::send_cancelled(int64_t id, std::string reason) {
  if (auto i = pending.find(id);
      i != pending.end() && i->second.awaiting_input)
    return;
  json::object params;
  params.emplace("requestId", id);
  params.emplace("reason", std::move(reason));
  send_out(protocol::make_notification(methods::cancelled, std::move(params)));
  // Nothing waits for its response any more: a transport that keeps a
  // stream open for it (HTTP) ends that stream.
  send_from(self, transport, transports::abandon_atom::value,
            std::to_string(id));
}

void client_state::cancel(int64_t id, const std::string& why) {
  ++stats.cancellations;
  send_cancelled(id, why);
  fail_pending(id, make_error(errc::cancelled, why),
               progress_outcome::cancelled);
}

void client_state::cancel_by_key(const std::string& key) {
  if (key.empty())
    return;
  for (auto& kvp : pending)
    if (kvp.second.cancel_key == key) {
      cancel(kvp.first, "cancelled by caller");
      return;
    }
  for (auto i = queue.begin(); i != queue.end(); ++i)
    if (i->req.options.cancel_key == key) {
      ++stats.cancellations;
      auto item = std::move(*i);
      queue.erase(i);
      refuse(item.promise, item.req.options,
             make_error(errc::cancelled, "cancelled by caller"));
      return;
    }
}

void client_state::cancel_all() {
  std::vector<int64_t> ids;
  for (auto& kvp : pending)
    if (kvp.second.role == request_role::user)
      ids.push_back(kvp.first);
  for (auto id : ids)
    cancel(id, "cancelled by caller");
  while (!queue.empty()) {
    auto q = std::move(queue.front());
    queue.pop_front();
    ++stats.cancellations;
    refuse(q.promise, q.req.options,
           make_error(errc::cancelled, "cancelled by caller"));
  }
}

void client_state::fail_all(const caf::error& err, progress_outcome outcome) {
  std::vector<int64_t> ids;
  ids.reserve(pending.size());
  for (auto& kvp : pending)
    ids.push_back(kvp.first);
  for (auto id : ids)
    fail_pending(id, err, outcome);
  while (!queue.empty()) {
    auto q = std::move(queue.front());
    queue.pop_front();
    refuse(q.promise, q.req.options, err);
  }
  for (auto& w : info_waiters)
    w.deliver(err);
  info_waiters.clear();
}

void client_state::close_session(const caf::error& err,
                                 const caf::error& exit_reason) {
  if (phase == stage::closed)
    return;
  fail_all(err, progress_outcome::disconnected);
  for (auto& walk : walks)
    walk->promise.deliver(err);
  walks.clear();
  std::vector<progress_token> open;
  for (auto& kvp : tokens)
    open.push_back(kvp.first);
  for (auto& token : open)
    end_token(token, progress_outcome::disconnected, describe(err), false);
  phase = stage::closed;
  quit_reason = exit_reason;
  send_from(self, supervisor, shutdown_atom::value);
  if (transport) {
    send_from(self, transport, transports::close_atom::value);
    closing_transport = std::move(transport);
    transport = nullptr;
    caf::delayed_anon_send(caf::actor_cast<caf::actor>(self),
                           cfg.close_timeout, shutdown_atom::value);
  }
  quit_when_done();
}

void client_state::transport_ended(const caf::actor_addr& who) {
  if (!closing_transport || (who && who != closing_transport.address()))
    return;
  closing_transport = nullptr;
  quit_when_done();
}

void client_state::quit_when_done() {
  if (phase == stage::closed && held.empty() && !closing_transport
      && quit_reason)
    self->quit(*quit_reason);
}

// -- sending requests ---------------------------------------------------------

void client_state::enqueue(caf::response_promise rp, client_request req) {
  if (queue.size() >= cfg.max_queued_requests) {
    refuse(rp, req.options,
           make_error(errc::invalid_argument,
                      "too many requests waiting for the handshake"));
    return;
  }
  auto now = self->clock().now();
  auto deadline = saturated_add(now, req.options.timeout);
  if (req.options.max_total_timeout)
    deadline = std::min(deadline,
                        saturated_add(now, *req.options.max_total_timeout));
  queue.push_back({std::move(rp), std::move(req), now, deadline});
  arm(deadline);
}

void client_state::expire_queued(caf::actor_clock::time_point now) {
  for (auto i = queue.begin(); i != queue.end();) {
    if (i->deadline > now) {
      arm(i->deadline);
      ++i;
      continue;
    }
    auto item = std::move(*i);
    i = queue.erase(i);
    ++stats.timeouts;
    refuse(item.promise, item.req.options,
           make_error(errc::timeout,
                      item.req.method
                        + " timed out waiting for the server handshake"
                        + (last_disconnect.empty()
                             ? std::string{}
                             : "; last error: " + last_disconnect)));
  }
}

void client_state::dispatch(
  caf::response_promise rp, client_request req,
  caf::optional<caf::actor_clock::time_point> since) {
  if (phase == stage::closed) {
    refuse(rp, req.options,
           make_error(errc::session_closed, "session is closed"));
    return;
  }
  if (phase != stage::ready) {
    enqueue(std::move(rp), std::move(req));
    return;
  }
  auto fail = [&](errc code, std::string what) {
    refuse(rp, req.options, make_error(code, std::move(what)));
  };
  if (stateless()
      && (req.method == methods::resources_subscribe
          || req.method == methods::resources_unsubscribe)) {
    on_resource_subscription(rp, req);
    return;
  }
  if (auto why = protocol::check_method_allowed(caps, req.method, revision)) {
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
  for (auto* part : {&req.params, &opts.meta})
    if (auto where = protocol::find_non_finite(*part)) {
      fail(errc::invalid_argument,
           "the number at " + *where
             + " is not finite: JSON cannot represent it");
      return;
    }
  auto id = next_id++;
  if (opts.progress) {
    auto i = tokens.find(*opts.progress);
    if (i != tokens.end() && i->second.request) {
      fail(errc::duplicate_progress_token,
           "progress token " + opts.progress->to_json_text()
             + " is already used by a request in flight");
      return;
    }
    tokens[*opts.progress].request = id;
    recent_set.erase(*opts.progress);
    for (auto& who : opts.progress_subscribers)
      if (who)
        subscribe_actor(*opts.progress, who);
    for (auto& sub : opts.progress_subscriptions)
      if (sub)
        attach_subscription(*opts.progress, sub, caf::actor_addr{});
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
  auto now = since ? *since : self->clock().now();
  pending_request p;
  p.promise = std::move(rp);
  p.method = std::move(req.method);
  p.token = opts.progress;
  p.cancel_key = std::move(opts.cancel_key);
  p.started = now;
  p.last_activity = now;
  p.timeout = opts.timeout;
  p.max_total = opts.max_total_timeout;
  p.reset_on_progress = opts.reset_timeout_on_progress;
  if (stateless()) {
    add_request_meta(params);
    p.params = std::move(params);
    send_stateless(id, p);
  } else {
    send_out(protocol::make_request(id, p.method, std::move(params)));
  }
  ++stats.requests_sent;
  auto& stored = pending.emplace(id, std::move(p)).first->second;
  track_deadline(id, stored);
}

// -- handshake ----------------------------------------------------------------

void client_state::start_handshake() {
  auto offered = declared_capabilities();
  auto id = next_id++;
  handshake_id = id;
  phase = stage::handshaking;
  auto now = self->clock().now();
  pending_request p;
  p.role = request_role::handshake;
  p.method = std::string{methods::initialize};
  p.started = now;
  p.last_activity = now;
  p.timeout = cfg.handshake_timeout;
  send_out(protocol::make_request(
    id, methods::initialize,
    protocol::make_initialize_params(
      cfg.negotiation.mode == version_negotiation::kind::pinned
        ? std::string{cfg.negotiation.pinned_revision.name()}
        : cfg.protocol_version,
      cfg.info, offered)));
  ++stats.requests_sent;
  auto& stored = pending.emplace(id, std::move(p)).first->second;
  track_deadline(id, stored);
}

void client_state::handshake_failed(caf::error err) {
  std::fprintf(stderr, "[caf-mcp client] handshake failed: %s\n",
               describe(err).c_str());
  close_session(err, err);
}

void client_state::on_handshake_result(const json::value& result) {
  if (probing) {
    on_discover_result(result);
    return;
  }
  take_pending(handshake_id, progress_outcome::completed, {});
  handshake_id = -1;
  auto parsed = protocol::parse_initialize_result(result);
  if (!parsed) {
    auto code = parsed.error().code
                    == protocol::error_code::unsupported_protocol_version
                  ? errc::unsupported_protocol_version
                  : errc::handshake_failed;
    handshake_failed(make_error(code, parsed.error().what));
    return;
  }
  auto negotiated = *protocol::revision::parse(parsed->protocol_version);
  if (cfg.negotiation.mode == version_negotiation::kind::pinned
      && negotiated != cfg.negotiation.pinned_revision) {
    handshake_failed(make_error(
      errc::unsupported_protocol_version,
      "the server chose protocol revision " + parsed->protocol_version
        + ", not the pinned "
        + std::string{cfg.negotiation.pinned_revision.name()}));
    return;
  }
  caps = std::move(parsed->capabilities);
  revision = negotiated;
  info.protocol_version = std::move(parsed->protocol_version);
  info.capabilities = caps.raw;
  info.implementation = std::move(parsed->server_info);
  info.instructions = std::move(parsed->instructions);
  send_out(protocol::make_notification(methods::initialized, nullptr));
  send_from(self, transport, transports::protocol_version_atom::value,
            info.protocol_version);
  became_ready();
}

void client_state::became_ready() {
  phase = stage::ready;
  if (handshaken_once)
    ++stats.reconnects;
  handshaken_once = true;
  for (auto& w : info_waiters)
    w.deliver(info);
  info_waiters.clear();
  auto queued = std::move(queue);
  queue.clear();
  for (auto& q : queued)
    dispatch(std::move(q.promise), std::move(q.req), q.enqueued);
}

} // namespace mcp::detail
