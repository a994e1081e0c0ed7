#include "actors/detail/session_state.hpp"

#include "protocol/json_text.hpp"

namespace mcp::detail::session_impl {

void on_notification(session_actor* self, const protocol::incoming_message& in) {
  auto& st = self->state;
  ++st.stats.notifications;
  if (in.method == methods::initialized) {
    if (st.stage == phase::ready)
      st.link->client_ready = true;
    return;
  }
  if (in.method == methods::cancelled) {
    auto obj = params_object(in.params);
    auto raw = obj ? obj->if_contains("requestId") : nullptr;
    auto id = raw ? request_id::from_json(*raw) : std::nullopt;
    if (!id)
      return;
    std::string reason = "cancelled by the client";
    if (auto r = obj->if_contains("reason"); r && r->is_string())
      reason += ": " + std::string{r->get_string()};
    cancel_request(self, *id, reason);
  }
}

/// Whether `msg`, which is not valid JSON-RPC, tried to be a response: it
/// gets no answer, lest two peers answer each other's garbage forever.
bool looks_like_response(const json::value& msg) {
  auto obj = msg.if_object();
  return obj != nullptr && !obj->contains("method")
         && (obj->contains("result") || obj->contains("error"));
}

/// Whether message `msg`, classified as `in`, gets a response.
bool gets_response(const json::value& msg,
                   const protocol::incoming_message& in) {
  return in.kind == protocol::message_kind::request
         || (in.kind == protocol::message_kind::invalid
             && !looks_like_response(msg));
}

/// Handles message `msg`, classified as `in`; `batch` collects responses of
/// a JSON-RPC batch.
void on_message(session_actor* self, const batch_ptr& batch,
                const json::value& msg, const protocol::incoming_message& in) {
  auto& st = self->state;
  switch (in.kind) {
    case protocol::message_kind::request:
      if (auto where = in.params ? protocol::find_non_finite(*in.params)
                                 : std::nullopt) {
        ++st.stats.bad_input;
        reply_error(self, batch, in.id, error_code::invalid_params,
                    "Invalid params: the number at " + *where
                      + " is out of range (beyond a double)");
        return;
      }
      on_request(self, batch, in);
      return;
    case protocol::message_kind::notification:
      on_notification(self, in);
      return;
    case protocol::message_kind::result:
    case protocol::message_kind::error:
      on_client_response(self, in);
      return;
    case protocol::message_kind::invalid:
      break;
  }
  ++st.stats.bad_input;
  log_bad_input(self, "invalid JSON-RPC message: " + std::string{in.problem});
  if (looks_like_response(msg))
    return;
  std::optional<request_id> id;
  if (auto obj = msg.if_object())
    if (auto raw = obj->if_contains("id"))
      id = request_id::from_json(*raw);
  reply_error(self, batch, id, error_code::invalid_request,
              "Invalid Request: " + std::string{in.problem});
}

/// Whether the revision allows JSON-RPC batches (only 2025-03-26 and
/// 2024-11-05 do).
bool batches_allowed(const session_state& st) {
  return st.stage != phase::awaiting_initialize
         && st.link->client->revision.has_batches();
}

void on_batch(session_actor* self, const json::array& items) {
  auto& st = self->state;
  if (items.empty() || !batches_allowed(st)) {
    ++st.stats.bad_input;
    reply_error(self, nullptr, std::nullopt, error_code::invalid_request,
                items.empty()
                  ? "Invalid Request: empty batch"
                  : "Invalid Request: JSON-RPC batches are not supported in "
                    "protocol revision "
                      + (st.stage == phase::awaiting_initialize
                           ? std::string{"negotiation (send initialize alone)"}
                           : std::string{st.link->client->revision.name()}));
    return;
  }
  auto batch = std::make_shared<batch_state>();
  // Count what will answer first, so that an early answer cannot flush.
  batch->outstanding = 1;
  std::vector<protocol::incoming_message> ins;
  ins.reserve(items.size());
  for (auto& item : items) {
    ins.push_back(protocol::classify(item));
    if (gets_response(item, ins.back()))
      ++batch->outstanding;
    if (!batch->anchor && ins.back().kind == protocol::message_kind::request)
      batch->anchor = ins.back().id;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (st.stage == phase::closed)
      return;
    on_message(self, batch, items[i], ins[i]);
  }
  count_off(self, *batch, nullptr);
}

void on_inbound(session_actor* self, const json::value& msg) {
  if (self->state.stage == phase::closed)
    return;
  if (auto arr = msg.if_array())
    on_batch(self, *arr);
  else
    on_message(self, nullptr, msg, protocol::classify(msg));
}

/// Sends the list_changed notifications a new catalog calls for.
void on_catalog(session_actor* self, std::shared_ptr<const catalog>& next,
                uint8_t changed) {
  auto& st = self->state;
  st.snapshot = std::move(next);
  st.stateless_caps.reset();
  notify_listens(self, changed);
  if (st.stage != phase::ready)
    return;
  auto& caps = st.declared;
  if ((changed & tools_list) && caps.tools_list_changed)
    notify(self, methods::tools_list_changed, nullptr);
  if ((changed & resources_list) && caps.resources_list_changed)
    notify(self, methods::resources_list_changed, nullptr);
  if ((changed & prompts_list) && caps.prompts_list_changed)
    notify(self, methods::prompts_list_changed, nullptr);
}

} // namespace mcp::detail::session_impl
