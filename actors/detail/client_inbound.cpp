#include "actors/detail/client_state.hpp"

#include <caf/scheduled_actor.hpp>

#include "actors/detail/actor_ops.hpp"
#include "actors/error.hpp"
#include "protocol/methods.hpp"
#include "protocol/result_shape.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;
namespace methods = protocol::methods;

} // namespace

void client_state::on_inbound(json::value& msg) {
  if (phase == stage::closed)
    return;
  auto in = protocol::classify(msg);
  switch (in.kind) {
    case protocol::message_kind::result:
    case protocol::message_kind::error:
      on_response(in);
      break;
    case protocol::message_kind::notification:
      on_notification(in);
      break;
    case protocol::message_kind::request:
      on_server_request(in);
      break;
    case protocol::message_kind::invalid:
      ++stats.invalid_messages;
      log_bad_input("invalid JSON-RPC message: " + std::string{in.problem});
      break;
  }
}

void client_state::on_response(const protocol::incoming_message& in) {
  auto i = in.id && in.id->is_integer() ? pending.find(in.id->as_integer())
                                        : pending.end();
  if (i == pending.end()) {
    // Ids count up from 1 and are never reused: one below `next_id` was
    // ours, and its request ended before this answer came.
    if (in.id && in.id->is_integer() && in.id->as_integer() > 0
        && in.id->as_integer() < next_id) {
      ++stats.late_responses;
      return;
    }
    ++stats.unknown_response_ids;
    log_bad_input("response with unknown id "
                  + (in.id ? in.id->to_json_text() : "null"));
    return;
  }
  auto id = i->first;
  if (i->second.role == request_role::listen) {
    // The server ended the listen (a result), or refused it.
    if (in.kind == protocol::message_kind::error)
      log_bad_input("subscriptions/listen failed: "
                    + describe(make_server_error(*in.error)));
    if (id == listen_id) {
      listen_id = -1;
      listening = listen_wish{};
    }
    take_pending(id, progress_outcome::completed, {});
    return;
  }
  if (id == handshake_id && probing
      && in.kind == protocol::message_kind::error) {
    on_discover_error(*in.error);
    return;
  }
  if (in.kind == protocol::message_kind::result) {
    if (id == handshake_id) {
      on_handshake_result(*in.result);
    } else if (stateless() && !on_stateless_result(id, *in.result)) {
      // The next round of input, or a failure.
    } else if (auto why = protocol::check_result(i->second.method,
                                                 *in.result, revision)) {
      reject_result(id, *why);
    } else {
      auto result = own_copy(*in.result);
      if (stateless() && i->second.method == methods::tools_list)
        filter_tools(result);
      complete(id, std::move(result));
    }
    return;
  }
  fail_response(id, make_server_error(*in.error));
}

void client_state::reject_result(int64_t id, const std::string& why) {
  auto& method = pending.at(id).method;
  ++stats.invalid_messages;
  log_bad_input("invalid " + method + " result: " + why);
  fail_pending(id, make_error(errc::invalid_result, method + " result: " + why),
               progress_outcome::failed);
}

void client_state::on_unreadable_response(
  const transports::transport_fault& x) {
  auto rid = request_id::from_json_text(x.response_id);
  auto i = rid && rid->is_integer() ? pending.find(rid->as_integer())
                                    : pending.end();
  if (i == pending.end())
    return;
  auto id = i->first;
  if (x.kind == transports::fault_kind::request_lost && reissue(id))
    return;
  auto err = x.kind == transports::fault_kind::request_lost
               ? make_error(errc::transport_closed,
                            i->second.method + " got no response: " + x.detail)
               : make_error(errc::invalid_result,
                            i->second.method + " response could not be read ("
                              + std::string{transports::to_string(x.kind)}
                              + "): " + x.detail);
  fail_response(id, err);
}

void client_state::fail_response(int64_t id, const caf::error& err) {
  if (id == handshake_id && probing) {
    take_pending(id, progress_outcome::failed, {});
    discover_failed(make_error(errc::handshake_failed,
                               "server/discover failed: " + describe(err)));
    return;
  }
  if (id == handshake_id) {
    take_pending(id, progress_outcome::failed, {});
    handshake_failed(make_error(errc::handshake_failed,
                                "initialize failed: " + describe(err)));
    return;
  }
  fail_pending(id, err, progress_outcome::failed);
}

void client_state::on_notification(const protocol::incoming_message& in) {
  if (in.method == methods::progress) {
    on_progress(in.params);
    return;
  }
  ++stats.notifications;
  if (in.method == methods::cancelled) {
    auto obj = in.params ? in.params->if_object() : nullptr;
    if (auto id = obj ? obj->if_contains("requestId") : nullptr)
      if (auto rid = request_id::from_json(*id)) {
        if (auto i = server_inflight.find(*rid); i != server_inflight.end())
          i->second = true;
        if (rid->is_integer() && rid->as_integer() == listen_id
            && listen_id >= 0) {
          // The server tore the listen down.
          auto old = listen_id;
          listen_id = -1;
          listening = listen_wish{};
          take_pending(old, progress_outcome::cancelled, {});
        }
      }
  }
  if (stateless() && !from_current_listen(in.params))
    return;
  std::vector<const caf::actor*> targets;
  for (auto& sub : notification_subs)
    if (sub.filter.empty()
        || in.method.substr(0, sub.filter.size()) == sub.filter)
      targets.push_back(&sub.who);
  if (targets.empty())
    return;
  server_notification msg{std::string{in.method},
                          in.params ? own_copy(*in.params) : json::value{}};
  for (size_t k = 0; k + 1 < targets.size(); ++k)
    send_from(self, *targets[k], msg);
  send_from(self, *targets.back(), std::move(msg));
}

void client_state::on_server_request(const protocol::incoming_message& in) {
  ++stats.server_requests;
  auto id = *in.id;
  if (in.method == methods::ping) {
    send_out(protocol::make_result(id, json::object{}));
    return;
  }
  caf::actor handler;
  if (in.method == methods::roots_list)
    handler = cfg.roots_handler;
  else if (in.method == methods::sampling_create_message)
    handler = cfg.sampling_handler;
  else if (in.method == methods::elicitation_create)
    handler = cfg.elicitation_handler;
  if (!handler) {
    send_out(protocol::make_error(id, protocol::error_code::method_not_found,
                                  "method not found: "
                                    + std::string{in.method}));
    return;
  }
  if (server_inflight.size() >= cfg.max_server_requests
      || !server_inflight.emplace(id, false).second) {
    send_out(protocol::make_error(
      id, protocol::error_code::internal_error,
      "too many concurrent server requests or duplicate id"));
    return;
  }
  auto still_wanted = [this, id, at = epoch] {
    if (epoch != at)
      return false;
    auto i = server_inflight.find(id);
    if (i == server_inflight.end())
      return false;
    auto cancelled = i->second;
    server_inflight.erase(i);
    return !cancelled;
  };
  server_request req{std::string{in.method},
                     in.params ? own_copy(*in.params) : json::value{}};
  request_from(
    self, handler, caf::duration{cfg.handler_timeout},
    caf::behavior{[this, id, still_wanted](json::value& result) {
       if (still_wanted())
         send_out(protocol::make_result(id, std::move(result)));
     },
     [this, id, still_wanted](caf::error& err) {
       if (!still_wanted())
         return;
       auto code = server_error_code(err).value_or(
         static_cast<int64_t>(protocol::error_code::internal_error));
       std::string message = describe(err);
       if (is(err, errc::server_error))
         message = err.context().get_as<std::string>(1);
       send_out(protocol::make_error(id, code, message));
     }},
    std::move(req));
}

void client_state::on_disconnect(std::string description) {
  last_disconnect = description;
  auto err = make_error(errc::transport_closed, description);
  std::vector<int64_t> ids;
  for (auto& kvp : pending)
    ids.push_back(kvp.first);
  for (auto id : ids)
    fail_pending(id, err, progress_outcome::disconnected);
  handshake_id = -1;
  probing = caf::none;
  listen_id = -1;
  listening = listen_wish{};
  server_inflight.clear();
  ++epoch;
  if (transport)
    self->demonitor(transport);
  transport = nullptr;
  if (phase != stage::closed)
    phase = stage::detached;
}

} // namespace mcp::detail
