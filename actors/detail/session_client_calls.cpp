#include "actors/detail/session_state.hpp"

namespace mcp::detail::session_impl {

// -- requests to the client ---------------------------------------------------

void arm(session_actor* self, caf::actor_clock::time_point at) {
  auto& st = self->state;
  if (st.armed && *st.armed <= at)
    return;
  st.armed = at;
  auto now = self->clock().now();
  auto delay = at > now ? at - now : caf::timespan{0};
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), delay,
                         call_timer_atom::value);
}

/// Removes the request to the client with id `id` from the books.
std::optional<client_call> take_call(session_actor* self, int64_t id) {
  auto& st = self->state;
  auto i = st.calls.find(id);
  if (i == st.calls.end())
    return std::nullopt;
  auto call = std::move(i->second);
  st.calls.erase(i);
  st.deadlines.erase({call.deadline, id});
  if (auto r = st.running.find(call.parent); r != st.running.end()) {
    auto& ids = r->second.calls;
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  }
  return call;
}

/// Ends a request to the client with `err`; tells the client to stop
/// working on it unless it answered.
void end_call(session_actor* self, int64_t id, const caf::error& err,
              bool tell_client) {
  auto call = take_call(self, id);
  if (!call)
    return;
  if (tell_client && self->state.stage != phase::closed)
    notify(self, methods::cancelled,
           json::object{{"requestId", id}, {"reason", describe(err)}});
  call->promise.deliver(err);
}

/// Ends the requests to the client in `ids` (a copy: ending changes the
/// containers they come from).
void end_calls(session_actor* self, std::vector<int64_t> ids,
               const caf::error& err, bool tell_client) {
  for (auto id : ids)
    end_call(self, id, err, tell_client);
}

/// Ends every request to the client.
void end_all_calls(session_actor* self, const caf::error& err) {
  std::vector<int64_t> ids;
  ids.reserve(self->state.calls.size());
  for (auto& kvp : self->state.calls)
    ids.push_back(kvp.first);
  end_calls(self, std::move(ids), err, false);
}

void on_client_call(session_actor* self, outgoing_request& req) {
  auto& st = self->state;
  auto rp = self->make_response_promise();
  if (st.stage != phase::ready) {
    rp.deliver(make_error(errc::session_closed,
                          "the client connection is closing"));
    return;
  }
  auto parent = st.running.find(req.parent);
  if (parent == st.running.end() || !parent->second.state->is_running()) {
    rp.deliver(make_error(errc::cancelled, "the request was cancelled"));
    return;
  }
  if (!st.link->client_ready.load() && req.method != methods::ping) {
    rp.deliver(make_error(errc::invalid_argument,
                          "the client has not sent notifications/initialized "
                          "yet, so the server may not send it requests"));
    return;
  }
  auto id = st.next_call_id++;
  auto deadline = saturated_add(self->clock().now(), req.timeout);
  st.calls.emplace(id, client_call{rp, deadline, req.parent});
  st.deadlines.emplace(deadline, id);
  parent->second.calls.push_back(id);
  ++st.stats.client_requests;
  st.link->out->send(
    protocol::make_request(id, req.method, std::move(req.params)),
    transports::output_route::of(req.parent));
  if (deadline != caf::actor_clock::time_point::max())
    arm(self, deadline);
}

void on_client_response(session_actor* self,
                        const protocol::incoming_message& in) {
  auto& st = self->state;
  auto i = in.id && in.id->is_integer() ? st.calls.find(in.id->as_integer())
                                        : st.calls.end();
  if (i == st.calls.end()) {
    ++st.stats.unknown_responses;
    log_bad_input(self, "response with unknown id "
                          + (in.id ? in.id->to_json_text() : "null"));
    return;
  }
  auto id = i->first;
  if (in.kind == protocol::message_kind::result)
    take_call(self, id)->promise.deliver(own(*in.result));
  else
    end_call(self, id, make_server_error(*in.error), false);
}

void on_call_timer(session_actor* self) {
  auto& st = self->state;
  st.armed = caf::none;
  auto now = self->clock().now();
  while (!st.deadlines.empty() && st.deadlines.begin()->first <= now) {
    auto id = st.deadlines.begin()->second;
    end_call(self, id,
             make_error(errc::timeout, "the client did not answer in time"),
             true);
  }
  if (!st.deadlines.empty())
    arm(self, st.deadlines.begin()->first);
}

} // namespace mcp::detail::session_impl
