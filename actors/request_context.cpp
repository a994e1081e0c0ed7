#include "actors/request_context.hpp"

#include <cmath>

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/deadline.hpp"
#include "actors/detail/input_round.hpp"
#include "actors/detail/request_state.hpp"
#include "actors/detail/session_link.hpp"
#include "actors/error.hpp"
#include "actors/server_messages.hpp"
#include "protocol/elicitation_form.hpp"
#include "protocol/json_schema.hpp"
#include "protocol/json_text.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/method_table.hpp"
#include "protocol/methods.hpp"
#include "protocol/request_state.hpp"
#include "protocol/revision.hpp"

namespace mcp {

namespace json = boost::json;
namespace methods = protocol::methods;

request_context::request_context(std::shared_ptr<detail::session_link> link,
                                 std::shared_ptr<const detail::client_view> client,
                                 protocol::request_id id, std::string method,
                                 json::object meta, execution exec,
                                 std::shared_ptr<detail::request_state> state,
                                 std::shared_ptr<detail::input_round> input)
  : link_(std::move(link)),
    client_(std::move(client)),
    id_(std::move(id)),
    method_(std::move(method)),
    meta_(std::move(meta)),
    exec_(exec),
    state_(std::move(state)),
    input_(std::move(input)) {
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
  if (!client_->revision.has_sessions())
    return make_error(errc::invalid_argument,
                      "servers send no requests to clients under protocol "
                      "revision "
                        + std::string{client_->revision.name()}
                        + ": ask for input with request_input");
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

/// Returns `{"a": {"b": {}}}` for the capability path "a.b".
json::object capability_object(std::string_view path) {
  json::object res;
  auto dot = path.find('.');
  res.emplace(path.substr(0, dot),
              dot == std::string_view::npos
                ? json::object{}
                : capability_object(path.substr(dot + 1)));
  return res;
}

} // namespace

input_request input_request::elicitation(std::string_view message,
                                         json::object requested_schema) {
  json::object params;
  params.emplace("message", message);
  params.emplace("requestedSchema", std::move(requested_schema));
  return {std::string{methods::elicitation_create}, std::move(params)};
}

input_request input_request::sampling(json::object params) {
  return {std::string{methods::sampling_create_message}, std::move(params)};
}

input_request input_request::roots() {
  return {std::string{methods::roots_list}, json::object{}};
}

caf::error request_context::missing_capability(std::string_view what,
                                               std::string_view capability) const {
  std::string text = "the client does not support ";
  text += what;
  text += " (capability \"";
  text += capability;
  text += "\" not declared)";
  if (client_->revision.has_sessions())
    return make_error(errc::capability_missing, std::move(text));
  json::object data;
  data.emplace("requiredCapabilities", capability_object(capability));
  return make_server_error(
    static_cast<int64_t>(protocol::error_code::missing_required_client_capability),
    "Missing required client capability: " + text, json::serialize(data));
}

caf::expected<json::object> request_context::request_input(
  std::vector<std::pair<std::string, input_request>> requests,
  caf::timespan timeout) {
  for (auto& [key, req] : requests) {
    auto row = protocol::find_method(req.method);
    if (row == nullptr || row->dir != protocol::direction::to_client
        || row->type != protocol::message_type::request)
      return make_error(errc::invalid_argument,
                        "input is asked with elicitation/create, "
                        "sampling/createMessage or roots/list, not "
                          + req.method);
    if (!protocol::declares(client_->capabilities, row->cap))
      return missing_capability(req.method, protocol::capability_name(row->cap));
  }
  json::object res;
  if (client_->revision.has_sessions()) {
    for (auto& [key, req] : requests) {
      auto answer = request_client(req.method, json::value(std::move(req.params)),
                                   timeout);
      if (!answer)
        return std::move(answer.error());
      res[key] = std::move(*answer);
    }
    return res;
  }
  if (!input_)
    return make_error(errc::invalid_argument,
                      "only tools/call, resources/read and prompts/get may ask "
                      "the client for input under protocol revision "
                        + std::string{client_->revision.name()});
  for (auto& [key, req] : requests) {
    if (auto answer = input_->answers.if_contains(key)) {
      if (auto why = protocol::check_input_answer(req.method, *answer))
        return make_server_error(
          static_cast<int64_t>(protocol::error_code::invalid_params),
          "Invalid params: inputResponses." + key + " " + *why);
      input_->used[key] = *answer;
      res[key] = *answer;
      continue;
    }
    json::object pending;
    pending.emplace("method", req.method);
    pending.emplace("params", std::move(req.params));
    input_->pending[key] = std::move(pending);
  }
  if (!input_->pending.empty())
    return make_error(errc::input_required,
                      "the client's input is needed first: the request "
                      "answers with an InputRequiredResult");
  return res;
}

caf::expected<json::value> request_context::ask(std::string_view kind,
                                                input_request request,
                                                caf::timespan timeout) {
  if (client_->revision.has_sessions())
    return request_client(std::move(request.method),
                          json::value(std::move(request.params)), timeout);
  if (!input_)
    return std::move(
      request_input({{std::string{kind}, std::move(request)}}, timeout).error());
  auto key = std::string{kind} + "-" + std::to_string(input_->next_key++);
  auto answers = request_input({{key, std::move(request)}}, timeout);
  if (!answers)
    return std::move(answers.error());
  return std::move(answers->at(key));
}

caf::expected<json::value>
request_context::create_message(json::object params, caf::timespan timeout) {
  auto& caps = client_->capabilities;
  if (!caps.sampling)
    return missing_capability(methods::sampling_create_message, "sampling");
  if (params.contains("tools") && !caps.sampling_tools)
    return missing_capability("sampling with tools", "sampling.tools");
  return ask("sampling",
             {std::string{methods::sampling_create_message}, std::move(params)},
             timeout);
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
    ask("elicitation", {std::string{methods::elicitation_create}, std::move(params)},
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
  // 2026-07-28 correlates through requestState instead.
  if (client_->revision.has_sessions())
    params.emplace("elicitationId", elicitation_id);
  return read_elicitation_answer(
    ask("elicitation", {std::string{methods::elicitation_create}, std::move(params)},
        timeout),
    nullptr);
}

bool request_context::notify_elicitation_complete(
  std::string_view elicitation_id) {
  if (!client_->capabilities.elicitation_url
      || !client_->revision.has_sessions())
    return false;
  return link_->out->send(
    protocol::make_notification(methods::elicitation_complete,
                                json::object{{"elicitationId", elicitation_id}}),
    transports::output_route::of(id_));
}

caf::expected<json::value> request_context::list_roots(caf::timespan timeout) {
  if (!client_->capabilities.roots)
    return missing_capability(methods::roots_list, "roots");
  return ask("roots", {std::string{methods::roots_list}, json::object{}},
             timeout);
}

caf::expected<json::value> request_context::ping_client(caf::timespan timeout) {
  return request_client(std::string{methods::ping}, nullptr, timeout);
}

} // namespace mcp
