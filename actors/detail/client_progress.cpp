#include "actors/detail/client_state.hpp"

#include <algorithm>
#include <cmath>

#include <caf/actor_system.hpp>
#include <caf/scheduled_actor.hpp>

#include "actors/detail/actor_ops.hpp"
#include "actors/error.hpp"
#include "actors/progress_subscription.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;

constexpr size_t recent_tokens_limit = 1024;

} // namespace

// -- subscriptions ------------------------------------------------------------

void client_state::remember_finished(const progress_token& token) {
  if (!recent_set.insert(token).second)
    return;
  recent.push_back(token);
  if (recent.size() > recent_tokens_limit) {
    recent_set.erase(recent.front());
    recent.pop_front();
  }
}

void client_state::attach_subscription(const progress_token& token,
                                       caf::actor sub,
                                       caf::actor_addr subscriber,
                                       bool batches) {
  self->monitor(sub);
  subscription_tokens.emplace(sub.address(), token);
  auto& ref = tokens[token].subs.emplace_back();
  ref.subscription = std::move(sub);
  ref.subscriber = std::move(subscriber);
  ref.batches = batches;
  recent_set.erase(token);
}

caf::actor client_state::subscribe_actor(const progress_token& token,
                                         const caf::actor& subscriber) {
  auto sub = spawn_progress_subscription(self->home_system(), token,
                                         subscriber);
  attach_subscription(token, sub, subscriber.address(), true);
  return sub;
}

void client_state::flush_progress() {
  for (auto& [sub, updates] : outbox)
    if (auto ref = find_subscription(sub.address()))
      pass_on(*ref, std::move(updates));
  outbox.clear();
}

subscription_ref* client_state::find_subscription(const caf::actor_addr& who) {
  auto i = subscription_tokens.find(who);
  if (i == subscription_tokens.end())
    return nullptr;
  auto t = tokens.find(i->second);
  if (t == tokens.end())
    return nullptr;
  for (auto& ref : t->second.subs)
    if (ref.subscription.address() == who)
      return &ref;
  return nullptr;
}

void client_state::pass_on(subscription_ref& ref,
                           std::vector<progress_update>&& updates) {
  if (updates.empty())
    return;
  auto on_answer = [this, who = ref.subscription.address()] {
    if (auto ref = find_subscription(who))
      pass_on(*ref, ref->window.acknowledge());
  };
  auto mark = [&](auto&& msg) {
    request_from(self, ref.subscription, caf::infinite,
                 caf::behavior{[on_answer] { on_answer(); },
                               [on_answer](caf::error&) { on_answer(); }},
                 std::move(msg));
  };
  // Sends `msg` (`n` updates) as the window says, or gives it to `hold`.
  auto route = [&](size_t n, auto&& msg, auto hold) {
    switch (ref.window.next(n)) {
      case progress_window::route::send:
        send_from(self, ref.subscription, std::move(msg));
        break;
      case progress_window::route::mark:
        mark(std::move(msg));
        break;
      case progress_window::route::hold:
        hold(msg);
    }
  };
  if (ref.batches && updates.size() > 1) {
    auto n = updates.size();
    route(n, std::move(updates), [&](auto& xs) {
      for (auto& x : xs)
        ref.window.hold(std::move(x));
    });
    return;
  }
  for (auto& x : updates)
    route(1, std::move(x), [&](auto& y) { ref.window.hold(std::move(y)); });
}

void client_state::end_subscription(subscription_ref& ref,
                                    const progress_token& token,
                                    progress_outcome outcome,
                                    const std::string& detail, uint64_t id) {
  flush_progress();
  // What waits for a slow consumer goes out now: the end comes after it.
  auto rest = ref.window.take_backlog();
  if (ref.batches && rest.size() > 1)
    send_from(self, ref.subscription, std::move(rest));
  else
    for (auto& x : rest)
      send_from(self, ref.subscription, std::move(x));
  self->demonitor(ref.subscription);
  subscription_tokens.erase(ref.subscription.address());
  progress_done done{token, outcome, detail, ref.window.skipped()};
  auto i = id != 0 ? held.find(id) : held.end();
  if (i == held.end()) {
    send_from(self, ref.subscription, std::move(done));
    return;
  }
  // The subscription answers once it has passed `done` on (or it is gone):
  // only then may the response reach the requester.
  ++i->second.waiting;
  request_from(self, ref.subscription, caf::infinite,
               caf::behavior{[this, id] { acknowledge(id); },
                [this, id](caf::error&) { acknowledge(id); }},
               std::move(done));
}

void client_state::end_token(const progress_token& token,
                             progress_outcome outcome,
                             const std::string& detail, bool request_done,
                             uint64_t hold) {
  auto i = tokens.find(token);
  if (i == tokens.end())
    return;
  for (auto& ref : i->second.subs)
    end_subscription(ref, token, outcome, detail, hold);
  i->second.subs.clear();
  if (request_done || !i->second.request) {
    tokens.erase(i);
    if (request_done)
      remember_finished(token);
  }
}

void client_state::unsubscribe(const progress_token& token,
                               const caf::actor& who) {
  auto i = tokens.find(token);
  if (i == tokens.end())
    return;
  auto& subs = i->second.subs;
  for (auto& ref : subs)
    if (ref.subscriber == who.address())
      end_subscription(ref, token, progress_outcome::unsubscribed, {}, 0);
  subs.erase(std::remove_if(subs.begin(), subs.end(),
                            [&](const subscription_ref& x) {
                              return x.subscriber == who.address();
                            }),
             subs.end());
  if (subs.empty() && !i->second.request)
    tokens.erase(i);
}

bool client_state::drop_subscription(const caf::actor_addr& who) {
  auto i = subscription_tokens.find(who);
  if (i == subscription_tokens.end())
    return false;
  auto token = i->second;
  subscription_tokens.erase(i);
  auto t = tokens.find(token);
  if (t != tokens.end()) {
    auto& subs = t->second.subs;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const subscription_ref& x) {
                                return x.subscription.address() == who;
                              }),
               subs.end());
    if (subs.empty() && !t->second.request)
      tokens.erase(t);
  }
  return true;
}

// -- held responses -----------------------------------------------------------

uint64_t client_state::hold(caf::response_promise rp) {
  auto id = next_hold++;
  held.emplace(id, held_response{std::move(rp), json::value{}, 0});
  return id;
}

void client_state::release(uint64_t id,
                           std::variant<json::value, caf::error> value) {
  auto i = held.find(id);
  if (i == held.end())
    return;
  if (i->second.waiting > 0) {
    i->second.value = std::move(value);
    return;
  }
  auto rp = std::move(i->second.promise);
  held.erase(i);
  deliver(rp, std::move(value));
}

void client_state::acknowledge(uint64_t id) {
  auto i = held.find(id);
  if (i == held.end() || --i->second.waiting > 0)
    return;
  auto h = std::move(i->second);
  held.erase(i);
  deliver(h.promise, std::move(h.value));
  quit_when_done();
}

void client_state::reject_progress(caf::response_promise& rp,
                                   const request_options& opts,
                                   const caf::error& err) {
  // Plain subscribers got no subscription for this request (and may be
  // subscribed to another request with the same token): only the
  // ready-made subscriptions handed over with it are ended.
  if (!opts.progress || opts.progress_subscriptions.empty()) {
    rp.deliver(err);
    return;
  }
  auto id = hold(std::move(rp));
  for (auto& sub : opts.progress_subscriptions)
    if (sub) {
      subscription_ref ref;
      ref.subscription = sub;
      end_subscription(ref, *opts.progress, progress_outcome::failed,
                       describe(err), id);
    }
  release(id, err);
}

// -- fan-out ------------------------------------------------------------------

void client_state::on_progress(const json::value* params) {
  auto obj = params != nullptr ? params->if_object() : nullptr;
  auto bad = [&](const char* what) {
    ++stats.invalid_messages;
    log_bad_input(std::string{"invalid progress notification: "} + what);
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
  auto total_val = obj->if_contains("total");
  if (!std::isfinite(progress_val->to_number<double>())
      || (total_val && total_val->is_number()
          && !std::isfinite(total_val->to_number<double>())))
    return bad("progress or total out of range (beyond a double)");
  auto i = tokens.find(*token);
  if (i == tokens.end()) {
    if (recent_set.count(*token) > 0)
      ++stats.progress_late;
    else
      ++stats.progress_unknown_token;
    return;
  }
  auto& entry = i->second;
  if (entry.request) {
    auto p = pending.find(*entry.request);
    if (p != pending.end() && p->second.reset_on_progress) {
      p->second.last_activity = self->clock().now();
      track_deadline(p->first, p->second);
    }
  }
  if (entry.subs.empty())
    return;
  progress_update update;
  update.token = std::move(*token);
  update.progress = progress_val->to_number<double>();
  if (total_val && total_val->is_number())
    update.total = total_val->to_number<double>();
  if (auto msg = obj->if_contains("message"); msg && msg->is_string())
    update.message = std::string{msg->get_string()};
  ++stats.progress_delivered;
  auto queue = [&](const subscription_ref& sub)
    -> std::vector<progress_update>& {
    for (auto& [dest, updates] : outbox)
      if (dest == sub.subscription)
        return updates;
    return outbox.emplace_back(sub.subscription, std::vector<progress_update>{})
      .second;
  };
  auto n = entry.subs.size();
  for (size_t k = 0; k + 1 < n; ++k)
    queue(entry.subs[k]).push_back(update);
  queue(entry.subs[n - 1]).push_back(std::move(update));
}

} // namespace mcp::detail
