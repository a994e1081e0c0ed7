#include "actors/request_context.hpp"

#include <cmath>

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/deadline.hpp"
#include "actors/detail/request_state.hpp"
#include "actors/detail/session_link.hpp"
#include "actors/error.hpp"
#include "actors/server_messages.hpp"
#include "protocol/elicitation_form.hpp"
#include "protocol/json_schema.hpp"
#include "protocol/json_text.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "protocol/revision.hpp"

namespace mcp {

namespace json = boost::json;
namespace methods = protocol::methods;

request_context::request_context(std::shared_ptr<detail::session_link> link,
                                 std::shared_ptr<const detail::client_view> client,
                                 protocol::request_id id, std::string method,
                                 json::object meta, execution exec,
                                 std::shared_ptr<detail::request_state> state)
  : link_(std::move(link)),
    client_(std::move(client)),
    id_(std::move(id)),
    method_(std::move(method)),
    meta_(std::move(meta)),
    exec_(exec),
    state_(std::move(state)) {
  if (auto token = meta_.if_contains("progressToken"))
    if (auto parsed = protocol::progress_token::from_json(*token))
      token_ = std::move(*parsed);
  progress_ = progress_reporter{link_, state_, id_, token_,
                                client_->revision.has_progress_message()};
}

request_context::request_context(request_context&&) noexcept = default;

request_context::~request_context() = default;

bool request_context::cancelled() const noexcept {
  return state_->is_cancelled();
}

protocol::revision request_context::revision() const noexcept {
  return client_->revision;
}

std::string_view request_context::protocol_version() const noexcept {
  return client_->revision.name();
}

const protocol::client_capabilities&
request_context::client_capabilities() const noexcept {
  return client_->capabilities;
}

const json::object& request_context::client_info() const noexcept {
  return client_->info;
}

const caf::actor& request_context::server() const noexcept {
  return link_->server;
}

caf::actor_system& request_context::system() const noexcept {
  return *link_->system;
}

caf::error request_context::report_progress(double progress,
                                            std::optional<double> total,
                                            std::string_view message) {
  return progress_.report(progress, total, message);
}

progress_reporter request_context::progress() const {
  return progress_;
}

bool request_context::log(protocol::log_level level, json::value data,
                          std::string_view logger) {
  // Stateless requests are logged to only when they ask for a level.
  if (!client_->revision.has_sessions() && !client_->log_level)
    return false;
  auto least = client_->log_level
                 ? static_cast<uint8_t>(*client_->log_level)
                 : link_->log_level.load();
  if (!link_->logging || static_cast<uint8_t>(level) < least
      || protocol::find_non_finite(data))
    return false;
  return link_->out->post(
    protocol::make_log_message(level, logger, std::move(data)),
    transports::output_route::of(id_));
}

void request_context::close_stream() {
  link_->out->close_stream(id_);
}

bool request_context::sleep_for(caf::timespan duration) {
  if (exec_ != execution::dedicated)
    return false;
  return state_->sleep_for(duration);
}

caf::error request_context::may_wait(std::string_view what) const {
  if (exec_ != execution::dedicated)
    return make_error(errc::invalid_argument,
                      std::string{what}
                        + " waits for the client, which only a handler with "
                          "a thread of its own may do: set the handler's exec "
                          "to execution::dedicated");
  if (state_->is_cancelled())
    return make_error(errc::cancelled, "the request was cancelled");
  return caf::none;
}

caf::expected<json::value>
request_context::request_client(std::string method, json::value params,
                                caf::timespan timeout) {
  if (auto err = may_wait(method))
    return err;
  auto session = caf::actor_cast<caf::actor>(link_->session);
  if (!session)
    return make_error(errc::session_closed, "the session ended");
  if (timeout == caf::timespan{})
    timeout = link_->client_request_timeout;
  outgoing_request req{std::move(method), std::move(params), timeout, id_};
  caf::expected<json::value> res{json::value{}};
  caf::scoped_actor self{*link_->system};
  // The session answers every call (result, client error, timeout, its own
  // end); the extra second only guards against a session that crashed.
  auto limit = detail::saturated_add(timeout, std::chrono::seconds(1));
  self->request(session, limit, client_call_atom::value, std::move(req))
    .receive([&](json::value& x) { res = std::move(x); },
             [&](caf::error& err) { res = std::move(err); });
  return res;
}

namespace {

caf::error missing_capability(std::string_view method,
                              std::string_view capability) {
  std::string what = "the client does not support ";
  what += method;
  what += " (capability \"";
  what += capability;
  what += "\" not declared)";
  return make_error(errc::capability_missing, std::move(what));
}

caf::expected<elicitation_result>
read_elicitation_answer(caf::expected<json::value> answer,
                        const protocol::json_schema* schema) {
  if (!answer)
    return std::move(answer.error());
  auto obj = answer->if_object();
  auto action = obj ? obj->if_contains("action") : nullptr;
  if (action == nullptr || !action->is_string()
      || (*action != "accept" && *action != "decline" && *action != "cancel"))
    return make_error(errc::invalid_argument,
                      "the client's elicitation answer lacks an action of "
                      "accept, decline or cancel");
  elicitation_result res;
  res.action = std::string{action->get_string()};
  if (auto content = obj->if_contains("content")) {
    if (!content->is_object())
      return make_error(errc::invalid_argument,
                        "the client's elicitation content is not an object");
    res.content = content->get_object();
  }
  if (res.accepted() && schema != nullptr)
    if (auto why = schema->validate(res.content))
      return make_error(errc::invalid_argument,
                        "the client's elicitation answer does not match the "
                        "requested schema: "
                          + *why);
  return res;
}

} // namespace

caf::expected<json::value>
request_context::create_message(json::object params, caf::timespan timeout) {
  auto& caps = client_->capabilities;
  if (!caps.sampling)
    return missing_capability(methods::sampling_create_message, "sampling");
  if (params.contains("tools") && !caps.sampling_tools)
    return missing_capability("sampling with tools", "sampling.tools");
  return request_client(std::string{methods::sampling_create_message},
                        std::move(params), timeout);
}

caf::expected<elicitation_result>
request_context::elicit(std::string_view message,
                        json::object requested_schema, caf::timespan timeout) {
  if (!client_->capabilities.elicitation || !client_->revision.has_elicitation())
    return missing_capability("form-mode elicitation/create", "elicitation");
  auto sendable = protocol::requested_schema_for_revision(
    std::move(requested_schema), client_->revision.name());
  if (!sendable)
    return make_error(errc::invalid_argument, sendable.error().what);
  auto schema = protocol::json_schema::compile(*sendable);
  if (!schema)
    return make_error(errc::invalid_argument,
                      "requested schema is invalid: " + schema.error().what);
  json::object params;
  params.emplace("message", message);
  params.emplace("requestedSchema", std::move(*sendable));
  return read_elicitation_answer(
    request_client(std::string{methods::elicitation_create}, std::move(params),
                   timeout),
    &*schema);
}

caf::expected<elicitation_result>
request_context::elicit_url(std::string_view message, std::string_view url,
                            std::string_view elicitation_id,
                            caf::timespan timeout) {
  if (!client_->capabilities.elicitation_url
      || !client_->revision.has_elicitation_modes())
    return missing_capability("URL-mode elicitation/create", "elicitation.url");
  json::object params;
  params.emplace("mode", "url");
  params.emplace("message", message);
  params.emplace("url", url);
  params.emplace("elicitationId", elicitation_id);
  return read_elicitation_answer(
    request_client(std::string{methods::elicitation_create}, std::move(params),
                   timeout),
    nullptr);
}

bool request_context::notify_elicitation_complete(
  std::string_view elicitation_id) {
  if (!client_->capabilities.elicitation_url)
    return false;
  return link_->out->send(
    protocol::make_notification(methods::elicitation_complete,
                                json::object{{"elicitationId", elicitation_id}}),
    transports::output_route::of(id_));
}

caf::expected<json::value> request_context::list_roots(caf::timespan timeout) {
  if (!client_->capabilities.roots)
    return missing_capability(methods::roots_list, "roots");
  return request_client(std::string{methods::roots_list}, nullptr, timeout);
}

caf::expected<json::value> request_context::ping_client(caf::timespan timeout) {
  return request_client(std::string{methods::ping}, nullptr, timeout);
}

} // namespace mcp
