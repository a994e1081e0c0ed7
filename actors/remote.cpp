#include "actors/remote.hpp"

#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/response_promise.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/detail/actor_ops.hpp"
#include "actors/error.hpp"

namespace mcp {

namespace {

namespace json = boost::json;

struct stand_in_state {
  client_actor client;
  /// Requests waiting on `client`, by the stand-in's own number.
  std::unordered_map<uint64_t, caf::response_promise> pending;
  uint64_t next_id = 0;
  /// Set once `client` is gone: requests fail at once with it.
  caf::error gone;
  static inline const char* name = "mcp.client_stand_in";
};

using stand_in = client_actor::stateful_pointer<stand_in_state>;

/// Passes a request on to the client and its answer back; fails it at once
/// once the client is gone.
template <class Result, class... Ts>
caf::typed_response_promise<Result> relay(stand_in self, Ts&&... xs) {
  auto& st = self->state;
  auto rp = self->template make_response_promise<Result>();
  if (st.gone) {
    rp.deliver(st.gone);
    return rp;
  }
  auto id = st.next_id++;
  st.pending.emplace(id, static_cast<caf::response_promise&>(rp));
  auto done = [self, id](auto&& answer) {
    auto& pending = self->state.pending;
    if (auto i = pending.find(id); i != pending.end()) {
      i->second.deliver(std::forward<decltype(answer)>(answer));
      pending.erase(i);
    }
  };
  self->request(self->state.client, caf::infinite, std::forward<Ts>(xs)...)
    .then([done](Result& res) mutable { done(std::move(res)); },
          [done](caf::error& err) mutable { done(std::move(err)); });
  return rp;
}

/// Passes a message without answer on to the client.
template <class... Ts>
void pass(stand_in self, Ts&&... xs) {
  if (!self->state.gone)
    self->send(self->state.client, std::forward<Ts>(xs)...);
}

client_actor::behavior_type stand_in_impl(stand_in self, client_actor client) {
  self->state.client = client;
  detail::monitor_while_alive(self, client);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (dm.source != st.client.address())
      return;
    auto why = describe(dm.reason);
    st.gone = make_error(errc::actor_down,
                         "the client actor (or the connection to its node) "
                         "is gone: "
                           + why);
    for (auto& kv : st.pending)
      kv.second.deliver(st.gone);
    st.pending.clear();
    self->quit(st.gone);
  });
  return {
    [self](client_request& req) {
      return relay<json::value>(self, std::move(req));
    },
    [self](all_pages_atom, client_request& req) {
      return relay<json::value>(self, all_pages_atom::value, std::move(req));
    },
    [self](client_notification& x) { pass(self, std::move(x)); },
    [self](subscribe_atom, progress_token& token, caf::actor& who) {
      return relay<caf::actor>(self, subscribe_atom::value, std::move(token),
                               std::move(who));
    },
    [self](attach_atom, progress_token& token, caf::actor& sub) {
      pass(self, attach_atom::value, std::move(token), std::move(sub));
    },
    [self](unsubscribe_atom, progress_token& token, caf::actor& who) {
      pass(self, unsubscribe_atom::value, std::move(token), std::move(who));
    },
    [self](unregister_atom, progress_token& token) {
      pass(self, unregister_atom::value, std::move(token));
    },
    [self](subscribe_atom, std::string& prefix, caf::actor& who) {
      pass(self, subscribe_atom::value, std::move(prefix), std::move(who));
    },
    [self](unsubscribe_atom, std::string& prefix, caf::actor& who) {
      pass(self, unsubscribe_atom::value, std::move(prefix), std::move(who));
    },
    [self](send_progress_atom, progress_update& x) {
      pass(self, send_progress_atom::value, std::move(x));
    },
    [self](cancel_atom, std::string& key) {
      pass(self, cancel_atom::value, std::move(key));
    },
    [self](cancel_atom, progress_token& token) {
      pass(self, cancel_atom::value, std::move(token));
    },
    [self](cancel_all_atom) { pass(self, cancel_all_atom::value); },
    [self](server_info_atom) {
      return relay<server_info>(self, server_info_atom::value);
    },
    [self](client_stats_atom) {
      return relay<client_stats>(self, client_stats_atom::value);
    },
    [self](shutdown_atom) { pass(self, shutdown_atom::value); },
  };
}

} // namespace

caf::expected<uint16_t> publish_client(const client_actor& client,
                                       uint16_t port,
                                       const std::string& host) {
  auto& sys = client->home_system();
  return sys.middleman().publish(client, port, host.c_str(), false);
}

caf::expected<client_actor> connect_client(caf::actor_system& sys,
                                           const std::string& host,
                                           uint16_t port) {
  auto remote = sys.middleman().remote_actor<client_actor>(host, port);
  if (!remote)
    return std::move(remote.error());
  return spawn_client_stand_in(sys, *remote);
}

caf::expected<uint16_t> publish_pool(const tool_pool_actor& pool,
                                     uint16_t port, const std::string& host) {
  auto& sys = pool->home_system();
  return sys.middleman().publish(pool, port, host.c_str(), false);
}

caf::expected<tool_pool_actor> join_pool(caf::actor_system& sys,
                                         const std::string& host,
                                         uint16_t port,
                                         const tool_handler_actor& worker) {
  auto pool = sys.middleman().remote_actor<tool_pool_actor>(host, port);
  if (!pool)
    return std::move(pool.error());
  caf::anon_send(*pool, join_atom::value, worker);
  return std::move(*pool);
}

client_actor spawn_client_stand_in(caf::actor_system& sys,
                                   const client_actor& client) {
  return sys.spawn(stand_in_impl, client);
}

} // namespace mcp
