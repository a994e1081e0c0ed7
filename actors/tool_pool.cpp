#include "actors/tool_worker.hpp"

#include <deque>
#include <unordered_map>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/detail/actor_ops.hpp"
#include "actors/error.hpp"
#include "protocol/version.hpp"

namespace mcp {

namespace {

namespace json = boost::json;

using promise = caf::typed_response_promise<json::value>;

struct pool_worker {
  tool_handler_actor handle;
  size_t in_flight = 0;
};

struct running_call {
  promise rp;
  caf::actor_addr worker;
  std::string tool;
};

struct waiting_call {
  tool_call call;
  promise rp;
};

struct pool_state {
  tool_pool_config cfg;
  std::vector<pool_worker> workers;
  size_t next = 0;
  std::unordered_map<std::string, running_call> running;
  std::deque<waiting_call> queue;
  tool_pool_stats stats;
  static inline const char* name = "mcp.tool_pool";
};

using pool_ptr = tool_pool_actor::stateful_pointer<pool_state>;

/// A `CallToolResult` that tells the model why its call failed.
json::value tool_error(std::string text) {
  return json::value(protocol::tool_result::error(text).to_json(
    protocol::latest_protocol_version));
}

/// Returns the index of the worker for the next call, or `npos` when every
/// worker is full.
size_t pick(pool_state& st) {
  auto n = st.workers.size();
  auto best = std::string::npos;
  for (size_t k = 0; k < n; ++k) {
    auto i = (st.next + k) % n;
    auto& w = st.workers[i];
    if (w.in_flight >= st.cfg.max_in_flight_per_worker)
      continue;
    if (st.cfg.routing == tool_routing::round_robin) {
      best = i;
      break;
    }
    if (best == std::string::npos || w.in_flight < st.workers[best].in_flight)
      best = i;
  }
  if (best != std::string::npos)
    st.next = best + 1;
  return best;
}

pool_worker* find_worker(pool_state& st, const caf::actor_addr& addr) {
  for (auto& w : st.workers)
    if (w.handle.address() == addr)
      return &w;
  return nullptr;
}

void drain(pool_ptr self);

/// Ends call `key` with `answer` if it still runs.
void complete(pool_ptr self, const std::string& key,
              caf::expected<json::value> answer) {
  auto& st = self->state;
  auto i = st.running.find(key);
  if (i == st.running.end())
    return;
  if (auto w = find_worker(st, i->second.worker))
    --w->in_flight;
  ++st.stats.completed;
  if (answer)
    i->second.rp.deliver(std::move(*answer));
  else
    i->second.rp.deliver(std::move(answer.error()));
  st.running.erase(i);
  drain(self);
}

void dispatch(pool_ptr self, size_t index, tool_call call, promise rp) {
  auto& st = self->state;
  auto& w = st.workers[index];
  ++w.in_flight;
  auto key = call.key;
  st.running.emplace(key, running_call{std::move(rp), w.handle.address(),
                                       call.name});
  self->request(w.handle, caf::infinite, std::move(call))
    .then([self, key](json::value& res) { complete(self, key, std::move(res)); },
          [self, key](caf::error& err) { complete(self, key, std::move(err)); });
}

/// Starts waiting calls while workers have room.
void drain(pool_ptr self) {
  auto& st = self->state;
  while (!st.queue.empty() && !st.workers.empty()) {
    auto index = pick(st);
    if (index == std::string::npos)
      return;
    auto next = std::move(st.queue.front());
    st.queue.pop_front();
    dispatch(self, index, std::move(next.call), std::move(next.rp));
  }
}

tool_pool_actor::behavior_type pool_impl(pool_ptr self, tool_pool_config cfg,
                                         std::vector<tool_handler_actor> ws) {
  auto& st = self->state;
  st.cfg = cfg;
  if (st.cfg.max_in_flight_per_worker == 0)
    st.cfg.max_in_flight_per_worker = 1;
  for (auto& w : ws) {
    detail::monitor_while_alive(self, w);
    st.workers.push_back(pool_worker{std::move(w), 0});
  }
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto w = std::find_if(st.workers.begin(), st.workers.end(),
                          [&](auto& x) { return x.handle.address() == dm.source; });
    if (w == st.workers.end())
      return;
    auto index = static_cast<size_t>(w - st.workers.begin());
    st.workers.erase(w);
    if (st.next > index)
      --st.next;
    auto why = describe(dm.reason);
    for (auto i = st.running.begin(); i != st.running.end();) {
      if (i->second.worker != dm.source) {
        ++i;
        continue;
      }
      i->second.rp.deliver(tool_error("tool " + i->second.tool
                                      + " failed: the worker running it is "
                                        "gone ("
                                      + why + ")"));
      ++st.stats.failed_worker_down;
      i = st.running.erase(i);
    }
    drain(self);
  });
  return {
    [self](tool_call& call) -> promise {
      auto& st = self->state;
      auto rp = self->make_response_promise<json::value>();
      auto index = st.workers.empty() ? std::string::npos : pick(st);
      if (index != std::string::npos && st.queue.empty()) {
        dispatch(self, index, std::move(call), rp);
        return rp;
      }
      if (st.queue.size() >= st.cfg.max_queued
          || st.cfg.max_wait == caf::timespan{0}) {
        ++st.stats.refused;
        rp.deliver(tool_error("tool " + call.name + " failed: "
                              + (st.workers.empty()
                                   ? "no worker is there to run it"
                                   : "every worker is busy and the queue is "
                                     "full")));
        return rp;
      }
      self->delayed_send(self, st.cfg.max_wait, pool_expire_atom::value, call.key);
      st.queue.push_back(waiting_call{std::move(call), rp});
      return rp;
    },
    [self](cancel_atom, std::string& key) {
      auto& st = self->state;
      if (auto i = st.running.find(key); i != st.running.end()) {
        self->send(caf::actor_cast<tool_handler_actor>(i->second.worker),
                   cancel_atom::value, key);
        complete(self, key, make_error(errc::cancelled, "cancelled"));
        return;
      }
      auto q = std::find_if(st.queue.begin(), st.queue.end(),
                            [&](auto& w) { return w.call.key == key; });
      if (q != st.queue.end()) {
        q->rp.deliver(make_error(errc::cancelled, "cancelled"));
        st.queue.erase(q);
      }
    },
    [self](pool_expire_atom, std::string& key) {
      auto& st = self->state;
      auto q = std::find_if(st.queue.begin(), st.queue.end(),
                            [&](auto& w) { return w.call.key == key; });
      if (q == st.queue.end())
        return;
      ++st.stats.refused;
      q->rp.deliver(tool_error(
        "tool " + q->call.name + " failed: "
        + (st.workers.empty() ? "no worker joined" : "no worker was free")
        + " within " + caf::deep_to_string(st.cfg.max_wait)));
      st.queue.erase(q);
    },
    [self](join_atom, tool_handler_actor& worker) {
      auto& st = self->state;
      if (!worker || find_worker(st, worker.address()))
        return;
      detail::monitor_while_alive(self, worker);
      st.workers.push_back(pool_worker{std::move(worker), 0});
      drain(self);
    },
    [self](pool_stats_atom) {
      auto& st = self->state;
      auto res = st.stats;
      res.workers = st.workers.size();
      res.queued = st.queue.size();
      res.in_flight = st.running.size();
      return res;
    },
  };
}

} // namespace

tool_pool_actor spawn_tool_pool(caf::actor_system& sys, tool_pool_config cfg,
                                std::vector<tool_handler_actor> workers) {
  return sys.spawn(pool_impl, cfg, std::move(workers));
}

} // namespace mcp
