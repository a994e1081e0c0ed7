#include "actors/detail/actor_ops.hpp"
#include "actors/detail/session_state.hpp"

namespace mcp::detail {

namespace session_impl {

caf::behavior server_session(session_actor* self, caf::actor server,
                             std::shared_ptr<const server_settings> settings,
                             std::shared_ptr<const catalog> snapshot,
                             std::shared_ptr<transports::channel> out) {
  auto& st = self->state;
  st.server = std::move(server);
  st.settings = std::move(settings);
  st.snapshot = std::move(snapshot);
  st.link = std::make_shared<session_link>();
  auto& link = *st.link;
  link.system = &self->system();
  link.session = self->address();
  link.server = st.server;
  link.out = std::move(out);
  link.logging = st.settings->options.logging;
  link.log_level = static_cast<uint8_t>(st.settings->options.initial_log_level);
  link.client_request_timeout = st.settings->options.client_request_timeout;
  link.hints = st.settings->hints;
  link.sealer = st.settings->sealer;
  link.request_state_ttl = st.settings->options.request_state_ttl;
  link.max_request_state = st.settings->options.max_request_state;
  // Request actors are linked: they end with the session, and the session
  // hears of each one's end.
  self->set_exit_handler([self](caf::exit_msg& em) {
    auto& st = self->state;
    if (on_request_actor_exit(self, em.source))
      return;
    if (st.stage == phase::closed)
      return;
    finish(self, std::move(em.reason));
  });
  monitor_while_alive(self, st.server);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (dm.source == self->state.server.address())
      finish(self, std::move(dm.reason));
  });
  self->attach_functor([link = st.link](const caf::error&) {
    // Whatever ends the session, no waiting handler keeps waiting for it.
    link->out->close();
  });
  return {
    [self](inbound_atom, const json::value& msg) { on_inbound(self, msg); },
    [self](inbound_atom, const json::value& msg,
           const mirrored_headers& headers) {
      self->state.current_headers = &headers;
      on_inbound(self, msg);
      self->state.current_headers = nullptr;
    },
    [self](inbound_atom, const std::vector<json::value>& batch) {
      for (auto& msg : batch)
        on_inbound(self, msg);
    },
    [self](transports::transport_fault& x) {
      auto& st = self->state;
      ++st.stats.bad_input;
      log_bad_input(self, x.detail);
      if (st.stage == phase::closed)
        return;
      if (x.kind == transports::fault_kind::malformed_message)
        reply_error(self, nullptr, std::nullopt, error_code::parse_error,
                    "Parse error: " + x.detail);
      else if (x.kind == transports::fault_kind::oversized_message)
        reply_error(self, nullptr, std::nullopt, error_code::invalid_request,
                    "Invalid Request: message too large: " + x.detail);
    },
    [self](transports::transport_closed& x) {
      on_input_closed(self, x.description);
    },
    [self](drain_atom) {
      auto& st = self->state;
      if (st.stage == phase::draining)
        finish(self);
    },
    [self](call_timer_atom) { on_call_timer(self); },
    [self](client_call_atom, outgoing_request& req) {
      on_client_call(self, req);
    },
    [self](request_done_atom, const request_id& id) {
      on_request_done(self, id);
    },
    [self](answer_atom, request_id& id, json::value& msg) {
      if (auto batch = take_batch(self->state, id))
        count_off(self, *batch, std::move(msg));
    },
    [self](catalog_atom, std::shared_ptr<const catalog>& next,
           uint8_t changed) { on_catalog(self, next, changed); },
    [self](resource_updated_atom, const std::string& uri) {
      auto& st = self->state;
      notify_listens_updated(self, uri);
      if (st.stage == phase::ready && st.subscriptions.count(uri) > 0)
        notify(self, methods::resources_updated, json::object{{"uri", uri}});
    },
    [self](log_atom, log_record& x) {
      auto& link = *self->state.link;
      if (self->state.stage != phase::ready || !link.logging
          || x.level < link.log_level.load())
        return;
      link.out->send(protocol::make_log_message(
        static_cast<protocol::log_level>(x.level), x.logger,
        std::move(x.data)));
    },
    [self](server_stats_atom) {
      auto& st = self->state;
      auto res = st.stats;
      res.results += st.link->results.load();
      res.errors += st.link->errors.load();
      res.in_flight = st.running.size();
      res.waiting = st.waiting.size();
      res.subscriptions = st.subscriptions.size();
      return res;
    },
    [self](shutdown_atom) { finish(self); },
  };
}

} // namespace session_impl

caf::actor spawn_server_session(caf::event_based_actor* server,
                                std::shared_ptr<const server_settings> settings,
                                std::shared_ptr<const catalog> snapshot,
                                std::shared_ptr<transports::channel> out) {
  return server->spawn(session_impl::server_session, caf::actor{server},
                                    std::move(settings), std::move(snapshot),
                                    std::move(out));
}

} // namespace mcp::detail
