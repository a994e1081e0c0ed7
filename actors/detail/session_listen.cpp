#include "actors/detail/session_state.hpp"

#include "protocol/stateless.hpp"

namespace mcp::detail::session_impl {

namespace {

/// The params of a notification on listen stream `id`.
json::object tagged(const request_id& id, json::object params = {}) {
  json::object meta;
  meta.emplace(protocol::meta_keys::subscription_id, id.to_json());
  params.emplace("_meta", std::move(meta));
  return params;
}

void notify_listen(session_actor* self, const request_id& id,
                   std::string_view method, json::object params) {
  self->state.link->out->send(
    protocol::make_notification(method, json::value(std::move(params))),
    transports::output_route::of(id));
}

} // namespace

void on_listen(session_actor* self, const request_id& id,
               const json::value* params) {
  auto& st = self->state;
  auto obj = params_object(params);
  auto wanted = obj ? obj->if_contains("notifications") : nullptr;
  if (wanted == nullptr || !wanted->is_object()) {
    reply_error(self, nullptr, id, error_code::invalid_params,
                "subscriptions/listen needs params with a notifications "
                "object");
    return;
  }
  auto& opts = st.settings->options;
  if (st.listens.size() >= opts.max_subscriptions) {
    reply_error(self, nullptr, id, error_code::invalid_request,
                "too many subscriptions/listen streams (limit "
                  + std::to_string(opts.max_subscriptions) + ")");
    return;
  }
  auto& caps = declared_to(st);
  auto& filter = wanted->get_object();
  auto flag = [&](std::string_view key) {
    auto x = filter.if_contains(key);
    return x != nullptr && x->is_bool() && x->get_bool();
  };
  listen_filter honored;
  honored.tools = flag("toolsListChanged") && caps.tools_list_changed;
  honored.prompts = flag("promptsListChanged") && caps.prompts_list_changed;
  honored.resources = flag("resourcesListChanged")
                      && caps.resources_list_changed;
  if (auto uris = filter.if_contains("resourceSubscriptions");
      uris != nullptr && uris->is_array() && caps.resources_subscribe) {
    for (auto& uri : uris->get_array()) {
      if (honored.uris.size() >= opts.max_subscriptions)
        break;
      if (uri.is_string())
        honored.uris.emplace(uri.get_string());
    }
  }
  json::object ack;
  if (honored.tools)
    ack.emplace("toolsListChanged", true);
  if (honored.prompts)
    ack.emplace("promptsListChanged", true);
  if (honored.resources)
    ack.emplace("resourcesListChanged", true);
  if (!honored.uris.empty()) {
    json::array uris;
    for (auto& uri : honored.uris)
      uris.emplace_back(uri);
    ack.emplace("resourceSubscriptions", std::move(uris));
  }
  st.listens.emplace(id, std::move(honored));
  json::object params_out;
  params_out.emplace("notifications", std::move(ack));
  notify_listen(self, id, methods::subscriptions_acknowledged,
                tagged(id, std::move(params_out)));
}

void notify_listens(session_actor* self, uint8_t changed) {
  for (auto& [id, filter] : self->state.listens) {
    if ((changed & tools_list) && filter.tools)
      notify_listen(self, id, methods::tools_list_changed, tagged(id));
    if ((changed & resources_list) && filter.resources)
      notify_listen(self, id, methods::resources_list_changed, tagged(id));
    if ((changed & prompts_list) && filter.prompts)
      notify_listen(self, id, methods::prompts_list_changed, tagged(id));
  }
}

void notify_listens_updated(session_actor* self, const std::string& uri) {
  for (auto& [id, filter] : self->state.listens)
    if (filter.uris.count(uri) > 0) {
      json::object params;
      params.emplace("uri", uri);
      notify_listen(self, id, methods::resources_updated,
                    tagged(id, std::move(params)));
    }
}

void end_listens(session_actor* self) {
  auto& st = self->state;
  auto all = std::move(st.listens);
  st.listens.clear();
  for (auto& [id, filter] : all) {
    json::object result;
    result.emplace("resultType", "complete");
    result.emplace("_meta", tagged(id).at("_meta"));
    st.link->out->send(protocol::make_result(id, json::value(std::move(result))),
                       transports::output_route::response_to(id));
  }
}

} // namespace mcp::detail::session_impl
