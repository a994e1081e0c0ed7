#include "actors/session_supervisor.hpp"

#include <deque>

#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/error.hpp"

namespace mcp {

namespace {

struct supervisor_state {
  caf::actor client;
  caf::actor transport;
  transport_factory make_transport;
  restart_policy policy;
  std::deque<caf::actor_clock::time_point> restarts;
  std::string last_failure;
  /// Set when the client closes its session: nothing restarts any more.
  bool closing = false;

  static inline const char* name = "mcp_session_supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void schedule_restart(supervisor_actor* self) {
  auto& st = self->state;
  auto now = self->clock().now();
  while (!st.restarts.empty() && st.restarts.front() + st.policy.window <= now)
    st.restarts.pop_front();
  if (st.restarts.size() >= st.policy.max_restarts) {
    std::string why;
    if (st.policy.max_restarts == 0)
      why = "server ended and the restart policy allows no restart";
    else
      why = "restart limit reached (" + std::to_string(st.policy.max_restarts)
            + " restarts within the window)";
    if (!st.last_failure.empty())
      why += "; " + st.last_failure;
    self->send(st.client, give_up_atom::value, std::move(why));
    return;
  }
  auto backoff = st.policy.initial_backoff;
  for (size_t i = 0; i < st.restarts.size() && backoff < st.policy.max_backoff;
       ++i)
    backoff *= 2;
  if (backoff > st.policy.max_backoff)
    backoff = st.policy.max_backoff;
  st.restarts.push_back(now);
  self->delayed_send(self, backoff, restart_atom::value);
}

caf::behavior session_supervisor(supervisor_actor* self, caf::actor client,
                                 caf::actor transport,
                                 transport_factory make_transport,
                                 restart_policy policy) {
  auto& st = self->state;
  st.client = std::move(client);
  st.transport = std::move(transport);
  st.make_transport = std::move(make_transport);
  st.policy = policy;
  self->link_to(st.client);
  self->monitor(st.transport);
  self->set_exit_handler([self](caf::exit_msg& em) {
    if (em.source == self->state.client.address())
      self->quit(em.reason);
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    if (dm.source != self->state.transport.address())
      return;
    self->state.transport = nullptr;
    schedule_restart(self);
  });
  return {
    [self](shutdown_atom) {
      // From the client, before it closes its transport: that transport's
      // end is no failure, and a message to a client that has quit would
      // leak it (a broker, in CAF 0.17).
      auto& st = self->state;
      st.closing = true;
      if (st.transport)
        self->demonitor(st.transport);
      st.transport = nullptr;
    },
    [self](restart_atom) {
      auto& st = self->state;
      if (st.closing)
        return;
      auto transport = st.make_transport(st.client);
      if (!transport) {
        st.last_failure = "restart failed: " + describe(transport.error());
        schedule_restart(self);
        return;
      }
      st.last_failure.clear();
      st.transport = *transport;
      self->monitor(st.transport);
      self->send(st.client, transport_atom::value, *transport);
    },
  };
}

} // namespace

caf::actor spawn_session_supervisor(caf::actor_system& sys, caf::actor client,
                                    caf::actor transport,
                                    transport_factory make_transport,
                                    restart_policy policy) {
  return sys.spawn(session_supervisor, std::move(client), std::move(transport),
                   std::move(make_transport), policy);
}

} // namespace mcp
