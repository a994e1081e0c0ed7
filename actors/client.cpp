#include "actors/client.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/actor_ops.hpp"
#include "actors/detail/client_state.hpp"
#include "actors/error.hpp"
#include "actors/session_supervisor.hpp"
#include "protocol/methods.hpp"
#include "transports/clean_broker.hpp"
#include "transports/messages.hpp"

namespace mcp {

namespace {

namespace json = boost::json;
using detail::client_state;
using detail::stage;
using transports::inbound_atom;

/// The client runs as an event-based actor, or as a broker on the I/O
/// middleman's thread next to its transport (no thread hop per message).
using client_actor = caf::stateful_actor<client_state>;
using client_broker = transports::clean_stateful_broker<client_state>;

template <class Self>
caf::behavior client(Self* self, client_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  self->set_down_handler([self, &st](caf::down_msg& dm) {
    if (st.closing_transport && dm.source == st.closing_transport.address()) {
      caf::anon_send(caf::actor_cast<caf::actor>(self),
                     detail::transport_gone_atom::value);
      return;
    }
    if (st.transport && dm.source == st.transport.address()) {
      st.on_disconnect("transport went down: " + describe(dm.reason));
      return;
    }
    if (st.drop_subscription(dm.source))
      return;
    auto& ns = st.notification_subs;
    ns.erase(std::remove_if(ns.begin(), ns.end(),
                            [&](const detail::notification_subscriber& x) {
                              return x.who.address() == dm.source;
                            }),
             ns.end());
    st.update_listen();
  });
  self->set_exit_handler([&st](caf::exit_msg& em) {
    auto why = em.reason ? describe(em.reason) : std::string{"normal exit"};
    st.close_session(make_error(errc::session_closed, "session ended: " + why),
                     em.reason);
  });
  return {
    [self, &st](client_request& req) {
      st.dispatch(self->make_response_promise(), std::move(req));
    },
    [self, &st](all_pages_atom, client_request& req) {
      st.start_walk(self->make_response_promise(), std::move(req));
    },
    [&st](client_notification& x) {
      if (st.phase == stage::ready)
        st.send_out(protocol::make_notification(x.method, std::move(x.params)));
    },
    [&st](inbound_atom, json::value& msg) {
      st.on_inbound(msg);
      st.flush_progress();
    },
    [&st](inbound_atom, std::vector<json::value>& batch) {
      for (auto& msg : batch) {
        st.on_inbound(msg);
        if (st.phase == stage::closed)
          return;
      }
      st.flush_progress();
    },
    [&st](transports::transport_fault& x) {
      if (x.kind == transports::fault_kind::malformed_message)
        ++st.stats.malformed_messages;
      else if (x.kind == transports::fault_kind::oversized_message)
        ++st.stats.oversized_messages;
      if (st.cfg.log_bad_input
          && x.kind != transports::fault_kind::request_lost)
        std::fprintf(stderr, "[caf-mcp client] %s\n", x.detail.c_str());
      if (!x.response_id.empty())
        st.on_unreadable_response(x);
    },
    [self, &st](transports::transport_closed& x) {
      if (st.phase == stage::closed) {
        caf::anon_send(caf::actor_cast<caf::actor>(self),
                       detail::transport_gone_atom::value);
        return;
      }
      st.on_disconnect(std::move(x.description));
    },
    [&st](transports::session_expired_atom) {
      // A new session on the same transport; requests in flight stay
      // pending (the transport sends them again), new ones wait for it.
      if (st.phase == stage::ready)
        st.start_handshake();
    },
    [self, &st](transport_atom, caf::actor& transport) {
      if (st.phase == stage::closed) {
        self->send(transport, transports::close_atom::value);
        return;
      }
      if (st.transport) {
        self->send(st.transport, transports::close_atom::value);
        st.on_disconnect("transport replaced");
      }
      st.transport = std::move(transport);
      self->monitor(st.transport);
      st.start_negotiation();
    },
    [&st](detail::transport_gone_atom) {
      st.transport_ended(caf::actor_addr{});
    },
    [&st](supervisor_atom, caf::actor& sup) { st.supervisor = std::move(sup); },
    [&st](give_up_atom, std::string& why) {
      auto text = why;
      if (!st.last_disconnect.empty())
        text += "; last error: " + st.last_disconnect;
      auto err = make_error(errc::session_closed, text);
      st.close_session(err, err);
    },
    [&st](shutdown_atom) {
      if (st.phase == stage::closed) {
        // The transport took longer than `close_timeout` to end.
        st.transport_ended(caf::actor_addr{});
        return;
      }
      st.close_session(make_error(errc::session_closed, "client shut down"),
                       caf::exit_reason::normal);
    },
    [&st](timeout_atom) {
      if (st.phase != stage::closed)
        st.on_timer();
    },
    [&st](subscribe_atom, progress_token& token, caf::actor& who) {
      return st.subscribe_actor(token, who);
    },
    [&st](attach_atom, progress_token& token, caf::actor& sub) {
      st.attach_subscription(token, std::move(sub), caf::actor_addr{});
    },
    [&st](unsubscribe_atom, progress_token& token, caf::actor& who) {
      st.unsubscribe(token, who);
    },
    [&st](unregister_atom, progress_token& token) {
      st.end_token(token, progress_outcome::unsubscribed, {}, false);
    },
    [self, &st](subscribe_atom, std::string& filter, caf::actor& who) {
      detail::monitor_while_alive(self, who);
      st.notification_subs.push_back({std::move(filter), who});
      st.update_listen();
    },
    [&st](unsubscribe_atom, std::string& filter, caf::actor& who) {
      auto& ns = st.notification_subs;
      ns.erase(std::remove_if(ns.begin(), ns.end(),
                              [&](const detail::notification_subscriber& x) {
                                return x.who == who && x.filter == filter;
                              }),
               ns.end());
      st.update_listen();
    },
    [&st](send_progress_atom, progress_update& x) {
      if (st.phase != stage::ready)
        return;
      json::object params;
      params.emplace("progressToken", x.token.to_json());
      params.emplace("progress", x.progress);
      if (x.total)
        params.emplace("total", *x.total);
      if (x.message)
        params.emplace("message", *x.message);
      st.send_out(protocol::make_notification(protocol::methods::progress,
                                              std::move(params)));
    },
    [&st](cancel_atom, std::string& key) { st.cancel_by_key(key); },
    [&st](cancel_atom, progress_token& token) {
      auto i = st.tokens.find(token);
      if (i != st.tokens.end() && i->second.request)
        st.cancel(*i->second.request, "cancelled by caller");
    },
    [&st](cancel_all_atom) { st.cancel_all(); },
    [self, &st](server_info_atom) {
      auto rp = self->make_response_promise();
      if (st.phase == stage::ready)
        rp.deliver(st.info);
      else
        st.info_waiters.push_back(std::move(rp));
    },
    [&st](client_stats_atom) {
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

} // namespace mcp
