#include "actors/detail/client_state.hpp"

#include <algorithm>

#include <caf/scheduled_actor.hpp>

#include "actors/detail/actor_ops.hpp"
#include "actors/detail/deadline.hpp"
#include "actors/error.hpp"
#include "protocol/header_value.hpp"
#include "protocol/method_table.hpp"
#include "protocol/methods.hpp"
#include "protocol/stateless.hpp"
#include "transports/messages.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;
namespace methods = protocol::methods;
using protocol::method_id;
using protocol::row_of;

/// Tool lists larger than this do not keep their header parameters.
constexpr size_t max_cached_tools = 4096;

/// Returns whether `code` is an error only a server of the stateless era
/// sends (and a probe that gets it found one).
bool is_modern_error(int64_t code) {
  using protocol::error_code;
  for (auto x : {error_code::unsupported_protocol_version,
                 error_code::missing_required_client_capability,
                 error_code::header_mismatch})
    if (code == static_cast<int64_t>(x))
      return true;
  return false;
}

/// What the `supported` list of an `UnsupportedProtocolVersionError`'s
/// data names that this library speaks.
struct supported_revisions {
  /// The newest revision without sessions, if any.
  caf::optional<protocol::revision> stateless;
  /// Whether it names a session-based revision.
  bool with_sessions = false;
};

supported_revisions supported_in(const json::value* data) {
  auto obj = data ? data->if_object() : nullptr;
  auto list = obj ? obj->if_contains("supported") : nullptr;
  supported_revisions res;
  if (list == nullptr || !list->is_array())
    return res;
  for (auto& x : list->get_array()) {
    auto name = x.if_string();
    auto r = name ? protocol::revision::parse(*name) : std::nullopt;
    if (!r)
      continue;
    if (r->has_sessions())
      res.with_sessions = true;
    else if (!res.stateless || *r > *res.stateless)
      res.stateless = *r;
  }
  return res;
}

/// Returns the handler that answers `method` (from an `inputRequests`).
const caf::actor* handler_for(const client_config& cfg,
                              std::string_view method) {
  if (method == methods::roots_list)
    return &cfg.roots_handler;
  if (method == methods::sampling_create_message)
    return &cfg.sampling_handler;
  if (method == methods::elicitation_create)
    return &cfg.elicitation_handler;
  return nullptr;
}

} // namespace

// -- negotiation --------------------------------------------------------------

protocol::client_capabilities client_state::declared_capabilities() const {
  protocol::client_capabilities res;
  res.roots = static_cast<bool>(cfg.roots_handler);
  res.roots_list_changed = res.roots && cfg.roots_list_changed;
  res.sampling = static_cast<bool>(cfg.sampling_handler);
  res.elicitation = static_cast<bool>(cfg.elicitation_handler);
  return res;
}

void client_state::start_negotiation() {
  using kind = version_negotiation::kind;
  auto& neg = cfg.negotiation;
  probes = 0;
  if (neg.mode == kind::automatic
      || (neg.mode == kind::pinned && !neg.pinned_revision.has_sessions())) {
    start_discover(neg.mode == kind::pinned ? neg.pinned_revision
                                            : protocol::revision::latest());
    return;
  }
  start_handshake();
}

void client_state::start_discover(protocol::revision rev) {
  ++probes;
  probing = rev;
  revision = rev;
  send_from(self, transport, transports::stateless_atom::value, true);
  phase = stage::handshaking;
  auto timeout = cfg.negotiation.mode == version_negotiation::kind::automatic
                   ? std::min(cfg.discover_timeout, cfg.handshake_timeout)
                   : cfg.handshake_timeout;
  handshake_id = send_own(request_role::handshake, method_id::server_discover,
                          json::object{}, timeout);
}

void client_state::discover_failed(caf::error err) {
  probing = caf::none;
  revision = protocol::revision::latest_with_sessions();
  handshake_id = -1;
  if (cfg.negotiation.mode == version_negotiation::kind::automatic) {
    send_from(self, transport, transports::stateless_atom::value, false);
    start_handshake();
    return;
  }
  handshake_failed(std::move(err));
}

void client_state::on_discover_result(const json::value& result) {
  take_pending(handshake_id, progress_outcome::completed, {});
  handshake_id = -1;
  auto parsed = protocol::parse_discover_result(result);
  if (!parsed) {
    handshake_failed(make_error(errc::handshake_failed, parsed.error().what));
    return;
  }
  auto pinned = cfg.negotiation.mode == version_negotiation::kind::pinned;
  auto chosen = parsed->stateless;
  if (pinned && chosen) {
    auto& names = parsed->supported;
    chosen = std::find(names.begin(), names.end(),
                       cfg.negotiation.pinned_revision.name())
                 != names.end()
               ? std::optional<protocol::revision>{cfg.negotiation.pinned_revision}
               : std::nullopt;
  }
  if (!chosen) {
    std::string list;
    for (auto& x : parsed->supported)
      list += (list.empty() ? "" : ", ") + x;
    discover_failed(make_error(errc::unsupported_protocol_version,
                               "the server speaks no revision in common "
                               "without sessions (it supports "
                                 + list + ")"));
    return;
  }
  probing = caf::none;
  revision = *chosen;
  caps = std::move(parsed->capabilities);
  info.protocol_version = std::string{chosen->name()};
  info.capabilities = caps.raw;
  info.implementation = std::move(parsed->server_info);
  info.instructions = std::move(parsed->instructions);
  became_ready();
  update_listen();
}

void client_state::on_discover_error(const json::object& error) {
  auto code = error.at("code").to_number<int64_t>();
  take_pending(handshake_id, progress_outcome::failed, {});
  handshake_id = -1;
  auto text = std::string{error.at("message").as_string()};
  if (!is_modern_error(code)) {
    discover_failed(make_error(errc::handshake_failed,
                               "server/discover failed (" + std::to_string(code)
                                 + ": " + text
                                 + "): the server speaks no stateless "
                                   "revision"));
    return;
  }
  auto pinned = cfg.negotiation.mode == version_negotiation::kind::pinned;
  auto supported = supported_in(error.if_contains("data"));
  auto& next = supported.stateless;
  // A server may refuse even a revision it lists (a version it turned
  // off for a moment): the probe tries what it names, a few times.
  if (code == static_cast<int64_t>(
        protocol::error_code::unsupported_protocol_version)
      && next && (!pinned || *next == cfg.negotiation.pinned_revision)
      && probes < protocol::revision::count) {
    start_discover(*next);
    return;
  }
  // A modern server that names a session-based revision spoken here gets
  // `initialize` (when negotiating automatically); otherwise no revision
  // is in common.
  if (!pinned && supported.with_sessions) {
    discover_failed(make_error(errc::unsupported_protocol_version, text));
    return;
  }
  probing = caf::none;
  handshake_failed(make_error(errc::unsupported_protocol_version,
                              "server/discover refused: " + text));
}

// -- sending ------------------------------------------------------------------

void client_state::add_request_meta(json::value& params) {
  if (!params.is_object())
    params = json::object{};
  auto& obj = params.get_object();
  // The reserved keys change only with the revision: made once per
  // revision, copied into each request.
  if (!meta_template || meta_template->first != revision)
    meta_template.emplace(revision,
                          protocol::make_request_meta(
                            revision, declared_capabilities(), cfg.info,
                            cfg.log_level ? std::optional<protocol::log_level>{
                              *cfg.log_level}
                                          : std::nullopt));
  auto meta = meta_template->second;
  auto& slot = obj["_meta"];
  if (auto mine = slot.if_object())
    for (auto& kvp : *mine)
      meta[kvp.key()] = std::move(kvp.value());
  slot = std::move(meta);
}

void client_state::send_stateless(int64_t id, const pending_request& p) {
  transports::message_headers headers;
  auto& fields = headers.fields;
  fields.emplace_back("MCP-Protocol-Version", std::string{revision.name()});
  fields.emplace_back("Mcp-Method", p.method);
  auto row = protocol::find_method(p.method);
  auto obj = p.params.if_object();
  if (row != nullptr && !row->name_param.empty() && obj != nullptr)
    if (auto name = obj->if_contains(row->name_param); name && name->is_string())
      fields.emplace_back("Mcp-Name",
                          protocol::encode_header_value(name->get_string()));
  if (row != nullptr && row->id == method_id::tools_call && obj != nullptr) {
    auto name = obj->if_contains("name");
    auto args = obj->if_contains("arguments");
    auto i = name && name->is_string()
               ? tool_headers.find(std::string{name->get_string()})
               : tool_headers.end();
    if (i != tool_headers.end() && args != nullptr && args->is_object())
      for (auto& param : i->second)
        if (auto text = protocol::mirrored_header(param, args->get_object()))
          fields.emplace_back("Mcp-Param-" + param.header, std::move(*text));
  }
  send_from(self, transport, transports::outbound_atom::value,
            protocol::make_request(id, p.method, p.params), std::move(headers));
}

int64_t client_state::send_own(request_role role, method_id method,
                               json::object params, caf::timespan timeout) {
  auto id = next_id++;
  auto now = self->clock().now();
  pending_request p;
  p.role = role;
  p.method = std::string{row_of(method).name};
  p.started = now;
  p.last_activity = now;
  p.timeout = timeout;
  p.params = std::move(params);
  add_request_meta(p.params);
  send_stateless(id, p);
  ++stats.requests_sent;
  auto& stored = pending.emplace(id, std::move(p)).first->second;
  track_deadline(id, stored);
  return id;
}

int64_t client_state::rekey(int64_t id) {
  auto node = pending.extract(id);
  deadlines.erase({node.mapped().deadline, id});
  auto fresh = next_id++;
  node.key() = fresh;
  auto& p = pending.insert(std::move(node)).position->second;
  if (p.token)
    if (auto t = tokens.find(*p.token); t != tokens.end())
      t->second.request = fresh;
  if (listen_id == id)
    listen_id = fresh;
  deadlines.emplace(p.deadline, fresh);
  return fresh;
}

bool client_state::reissue(int64_t id) {
  auto& p = pending.at(id);
  if (!stateless() || p.role == request_role::handshake
      || p.reissues >= cfg.max_reissues || p.awaiting_input)
    return false;
  ++p.reissues;
  auto fresh = rekey(id);
  auto& q = pending.at(fresh);
  send_stateless(fresh, q);
  ++stats.requests_sent;
  return true;
}

// -- results ------------------------------------------------------------------

void client_state::filter_tools(json::value& result) {
  auto obj = result.if_object();
  auto tools = obj ? obj->if_contains("tools") : nullptr;
  if (tools == nullptr || !tools->is_array())
    return;
  auto& arr = tools->get_array();
  if (tool_headers.size() + arr.size() > max_cached_tools)
    tool_headers.clear();
  json::array kept;
  kept.reserve(arr.size());
  for (auto& tool : arr) {
    auto t = tool.if_object();
    auto name = t ? t->if_contains("name") : nullptr;
    auto schema = t ? t->if_contains("inputSchema") : nullptr;
    if (name == nullptr || !name->is_string() || schema == nullptr
        || !schema->is_object()) {
      kept.push_back(std::move(tool));
      continue;
    }
    auto params = protocol::find_mirrored_params(schema->get_object());
    std::string key{name->get_string()};
    if (!params) {
      ++stats.invalid_messages;
      log_bad_input("tools/list: left out tool " + key + ": "
                    + params.error().what);
      tool_headers.erase(key);
      continue;
    }
    if (params->empty())
      tool_headers.erase(key);
    else if (tool_headers.size() < max_cached_tools)
      tool_headers[key] = std::move(*params);
    kept.push_back(std::move(tool));
  }
  arr = std::move(kept);
}

bool client_state::on_stateless_result(int64_t id, const json::value& result) {
  auto& p = pending.at(id);
  auto obj = result.if_object();
  auto type = obj ? obj->if_contains("resultType") : nullptr;
  if (type == nullptr || *type == "complete")
    return true;
  auto row = protocol::find_method(p.method);
  auto fail = [&](std::string why) {
    reject_result(id, why);
    return false;
  };
  if (*type != "input_required")
    return fail("unknown resultType " + json::serialize(*type));
  if (row == nullptr || !row->may_need_input || p.role != request_role::user)
    return fail("an InputRequiredResult, which " + p.method
                + " may not have");
  if (p.rounds >= cfg.max_input_rounds) {
    fail_pending(id, make_error(errc::input_required,
                                p.method + " still needed input after "
                                  + std::to_string(p.rounds) + " rounds"),
                 progress_outcome::failed);
    return false;
  }
  fulfil_input(id, *obj);
  return false;
}

void client_state::fulfil_input(int64_t id, const json::object& result) {
  auto& p = pending.at(id);
  auto fail = [&](const std::string& why) { reject_result(id, why); };
  auto state = result.if_contains("requestState");
  auto requests = result.if_contains("inputRequests");
  if (state != nullptr && !state->is_string())
    return fail("requestState is not a string");
  if (requests != nullptr && !requests->is_object())
    return fail("inputRequests is not an object");
  if (state == nullptr && requests == nullptr)
    return fail("an InputRequiredResult with neither inputRequests nor "
                "requestState");
  struct ask {
    std::string key;
    caf::actor handler;
    server_request req;
  };
  std::vector<ask> asks;
  if (requests != nullptr)
    for (auto& kvp : requests->get_object()) {
      auto r = kvp.value().if_object();
      auto method = r ? r->if_contains("method") : nullptr;
      if (method == nullptr || !method->is_string())
        return fail("input request " + std::string{kvp.key()}
                    + " lacks a method");
      auto handler = handler_for(cfg, method->get_string());
      if (handler == nullptr || !*handler)
        return fail("input request " + std::string{kvp.key()} + " asks for "
                    + std::string{method->get_string()}
                    + ", which the client did not declare");
      auto params = r->if_contains("params");
      asks.push_back({std::string{kvp.key()}, *handler,
                      server_request{std::string{method->get_string()},
                                     params ? own_copy(*params)
                                            : json::value{}}});
    }
  ++p.rounds;
  p.answers.clear();
  p.answers_due = asks.size();
  p.request_state = state ? caf::optional<std::string>{std::string{
                              state->get_string()}}
                          : caf::none;
  p.awaiting_input = true;
  if (asks.empty()) {
    next_round(id);
    return;
  }
  auto round = p.rounds;
  for (auto& a : asks) {
    auto key = a.key;
    request_from(
      self, a.handler, caf::duration{cfg.handler_timeout},
      caf::behavior{[this, id, round, key](json::value& answer) {
                      on_input_answer(id, round, key, std::move(answer));
                    },
                    [this, id, round, key](caf::error& err) {
                      on_input_answer(id, round, key, std::move(err));
                    }},
      std::move(a.req));
  }
}

void client_state::on_input_answer(
  int64_t id, size_t round, std::string key,
  std::variant<json::value, caf::error> answer) {
  auto i = pending.find(id);
  if (i == pending.end() || !i->second.awaiting_input
      || i->second.rounds != round)
    return;
  auto& p = i->second;
  if (auto err = std::get_if<caf::error>(&answer)) {
    fail_pending(id,
                 make_error(errc::input_required,
                            p.method + " needs input that the handler could "
                                       "not give ("
                              + key + "): " + describe(*err)),
                 progress_outcome::failed);
    return;
  }
  p.answers[key] = std::move(std::get<json::value>(answer));
  if (--p.answers_due == 0)
    next_round(id);
}

void client_state::next_round(int64_t id) {
  auto& p = pending.at(id);
  p.awaiting_input = false;
  auto& params = p.params.get_object();
  if (p.answers.empty())
    params.erase("inputResponses");
  else
    params["inputResponses"] = std::move(p.answers);
  p.answers = json::object{};
  if (p.request_state)
    params["requestState"] = std::move(*p.request_state);
  else
    params.erase("requestState");
  p.request_state = caf::none;
  auto fresh = rekey(id);
  auto& q = pending.at(fresh);
  q.last_activity = self->clock().now();
  track_deadline(fresh, q);
  send_stateless(fresh, q);
  ++stats.requests_sent;
}

// -- listening ----------------------------------------------------------------

listen_wish client_state::wanted_listen() const {
  listen_wish res;
  auto wants = [&](std::string_view method) {
    for (auto& sub : notification_subs)
      if (method.substr(0, sub.filter.size()) == sub.filter)
        return true;
    return false;
  };
  auto& raw = caps.raw;
  auto declares_list_changed = [&](std::string_view cap) {
    auto c = raw.if_contains(cap);
    auto obj = c ? c->if_object() : nullptr;
    auto x = obj ? obj->if_contains("listChanged") : nullptr;
    return x != nullptr && x->is_bool() && x->get_bool();
  };
  res.tools = declares_list_changed("tools")
              && wants(row_of(method_id::tools_list_changed).name);
  res.prompts = declares_list_changed("prompts")
                && wants(row_of(method_id::prompts_list_changed).name);
  res.resources = declares_list_changed("resources")
                  && wants(row_of(method_id::resources_list_changed).name);
  if (wants(row_of(method_id::resources_updated).name))
    res.resource_uris = resource_subscriptions;
  return res;
}

void client_state::update_listen() {
  if (!stateless() || phase != stage::ready)
    return;
  auto want = wanted_listen();
  if (want == listening && (listen_id >= 0 || want.empty()))
    return;
  if (listen_id >= 0 && pending.count(listen_id) > 0) {
    auto old = listen_id;
    listen_id = -1;
    send_cancelled(old, "subscriptions changed");
    take_pending(old, progress_outcome::cancelled, {});
  }
  listening = want;
  if (want.empty())
    return;
  json::object filter;
  if (want.tools)
    filter.emplace("toolsListChanged", true);
  if (want.prompts)
    filter.emplace("promptsListChanged", true);
  if (want.resources)
    filter.emplace("resourcesListChanged", true);
  if (!want.resource_uris.empty()) {
    json::array uris;
    for (auto& uri : want.resource_uris)
      uris.emplace_back(uri);
    filter.emplace("resourceSubscriptions", std::move(uris));
  }
  listen_id = send_own(request_role::listen, method_id::subscriptions_listen,
                       json::object{{"notifications", std::move(filter)}},
                       caf::timespan::max());
}

bool client_state::from_current_listen(const json::value* params) const {
  auto obj = params ? params->if_object() : nullptr;
  auto meta = obj ? obj->if_contains("_meta") : nullptr;
  auto mobj = meta ? meta->if_object() : nullptr;
  auto sid = mobj ? mobj->if_contains(protocol::meta_keys::subscription_id)
                  : nullptr;
  if (sid == nullptr)
    return true;
  return listen_id >= 0 && sid->is_number()
         && sid->to_number<double>() == static_cast<double>(listen_id);
}

void client_state::on_resource_subscription(caf::response_promise& rp,
                                            const client_request& req) {
  auto obj = req.params.if_object();
  auto uri = obj ? obj->if_contains("uri") : nullptr;
  if (uri == nullptr || !uri->is_string()) {
    refuse(rp, req.options,
           make_error(errc::invalid_argument, req.method + " needs a uri"));
    return;
  }
  std::string text{uri->get_string()};
  auto& subs = resource_subscriptions;
  auto i = std::find(subs.begin(), subs.end(), text);
  if (req.method == methods::resources_subscribe) {
    if (i == subs.end())
      subs.push_back(std::move(text));
  } else if (i != subs.end()) {
    subs.erase(i);
  }
  update_listen();
  ++stats.results;
  rp.deliver(json::value(json::object{}));
}

} // namespace mcp::detail
