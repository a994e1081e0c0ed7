#include "actors/detail/session_state.hpp"

#include <algorithm>
#include <cctype>

namespace mcp::detail::session_impl {

// -- method handlers ----------------------------------------------------------

const json::object* params_object(const json::value* params) {
  return params != nullptr ? params->if_object() : nullptr;
}

const json::string* string_param(const json::value* params,
                                 std::string_view key) {
  auto obj = params_object(params);
  auto x = obj ? obj->if_contains(key) : nullptr;
  return x ? x->if_string() : nullptr;
}

protocol::server_capabilities declare_capabilities(const session_state& st) {
  auto& opts = st.settings->options;
  auto& cat = *st.snapshot;
  protocol::server_capabilities caps;
  caps.tools = opts.declare_empty_lists || !cat.tools.empty();
  caps.tools_list_changed = caps.tools && opts.list_changed;
  caps.resources = opts.declare_empty_lists || !cat.resources.empty()
                   || !cat.templates.empty();
  caps.resources_subscribe = caps.resources;
  caps.resources_list_changed = caps.resources && opts.list_changed;
  caps.prompts = opts.declare_empty_lists || !cat.prompts.empty();
  caps.prompts_list_changed = caps.prompts && opts.list_changed;
  caps.logging = opts.logging;
  caps.completions = cat.has_completions();
  caps.experimental = st.settings->experimental;
  return caps;
}

void on_initialize(session_actor* self, const batch_ptr& batch,
                   const request_id& id, const json::value* params) {
  auto& st = self->state;
  auto req = protocol::parse_initialize_params(params);
  if (!req) {
    reply_error(self, batch, id, error_code::invalid_params, req.error().what);
    return;
  }
  auto version = protocol::negotiate_protocol_version(req->protocol_version);
  auto client = std::make_shared<client_view>();
  client->revision = *protocol::revision::parse(version);
  client->capabilities = std::move(req->capabilities);
  client->capabilities.raw = own(client->capabilities.raw);
  client->capabilities.experimental = own(client->capabilities.experimental);
  client->info = own(req->client_info);
  st.link->client = std::move(client);
  st.declared = declare_capabilities(st);
  st.stage = phase::ready;
  reply(self, batch, id,
        protocol::make_initialize_result(version, st.declared,
                                         st.settings->info,
                                         st.settings->instructions));
}

/// Answers a list method with one page of `registry`.
template <class Registry>
void list_page(session_actor* self, const batch_ptr& batch,
               const request_id& id, const json::value* params,
               const protocol::method_row& row, const Registry& registry) {
  auto list = row.cursor_tag;
  uint64_t from = 0;
  if (auto obj = params_object(params))
    if (auto cursor = obj->if_contains("cursor"); cursor && !cursor->is_null()) {
      auto pos = cursor->is_string()
                   ? protocol::parse_cursor(list, cursor->get_string())
                   : std::nullopt;
      if (!pos) {
        reply_error(self, batch, id, error_code::invalid_params,
                    "Invalid cursor");
        return;
      }
      from = *pos;
    }
  json::array items;
  auto next = registry.for_page(from, self->state.settings->options.page_size,
                                [&](const auto& entry) {
                                  items.push_back(entry.description);
                                });
  json::object result;
  result.emplace(row.list_key, std::move(items));
  if (next)
    result.emplace("nextCursor", protocol::make_cursor(list, *next));
  reply(self, batch, id, std::move(result));
}

/// Returns the entry of `registry` that the request's `name` param names,
/// or answers the request with invalid params (-32602) and returns null.
template <class Registry>
typename Registry::pointer
named_entry(session_actor* self, const batch_ptr& batch, const request_id& id,
            const json::value* params, std::string_view method,
            std::string_view kind, const Registry& registry) {
  auto name = string_param(params, "name");
  if (name == nullptr) {
    reply_error(self, batch, id, error_code::invalid_params,
                std::string{method} + " needs params with a \"name\" string");
    return nullptr;
  }
  auto res = registry.get(*name);
  if (!res)
    reply_error(self, batch, id, error_code::invalid_params,
                "Unknown " + std::string{kind} + ": " + std::string{*name});
  return res;
}

namespace {

/// Returns the result of a tool's `res`: an error, or the `CallToolResult`
/// for the request's revision once `structuredContent` passed the tool's
/// `outputSchema`.
caf::expected<json::value> tool_answer(const tool_entry& tool,
                                       request_context& ctx,
                                       caf::expected<tool_result> res) {
  if (!res)
    return std::move(res.error());
  if (tool.output && !res->is_error) {
    auto internal = [&](std::string why) {
      return make_server_error(static_cast<int64_t>(error_code::internal_error),
                               "tool " + tool.def.name + " " + std::move(why));
    };
    if (!res->structured_content)
      return internal("declares an outputSchema but returned no "
                      "structuredContent");
    if (auto why = tool.output->validate(*res->structured_content))
      return internal("returned structuredContent that does not match "
                      "its outputSchema: "
                      + *why);
  }
  return json::value(std::move(*res).to_json(ctx.protocol_version()));
}

/// Reads what a tool's handler actor answered: a `CallToolResult` object.
/// JSON-RPC errors stay errors; a handler that is gone or answered
/// something else makes a tool error, which the model can read.
caf::expected<tool_result> read_tool_answer(const tool_entry& tool,
                                            caf::expected<json::value> answer) {
  if (!answer) {
    if (server_error_code(answer.error()))
      return std::move(answer.error());
    return tool_result::error("tool " + tool.def.name + " failed: "
                              + describe(answer.error()));
  }
  auto bad = [&](const char* why) {
    return tool_result::error("tool " + tool.def.name
                              + "'s handler actor answered " + why);
  };
  if (!answer->is_object())
    return bad("with no object");
  auto& obj = answer->get_object();
  tool_result res;
  auto content = obj.if_contains("content");
  if (content == nullptr || !content->is_array())
    return bad("without a content array");
  res.content = std::move(content->get_array());
  if (auto sc = obj.if_contains("structuredContent")) {
    if (!sc->is_object())
      return bad("with a structuredContent that is no object");
    res.structured_content = std::move(sc->get_object());
  }
  if (auto err = obj.if_contains("isError")) {
    if (!err->is_bool())
      return bad("with an isError that is no boolean");
    res.is_error = err->get_bool();
  }
  if (auto meta = obj.if_contains("_meta"); meta && meta->is_object())
    res.meta = std::move(meta->get_object());
  return res;
}

} // namespace

void on_call_tool(session_actor* self, const batch_ptr& batch,
                  const request_id& id, const json::value* params) {
  auto& st = self->state;
  auto tool = named_entry(self, batch, id, params, methods::tools_call, "tool",
                          st.snapshot->tools);
  if (!tool)
    return;
  json::value args = json::object{};
  if (auto x = params->get_object().if_contains("arguments");
      x && !x->is_null()) {
    if (!x->is_object()) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "tools/call arguments must be an object");
      return;
    }
    args = own(*x);
  }
  if (st.current_headers != nullptr && !tool->mirrored.empty()) {
    auto& sent = st.current_headers->values;
    auto why = protocol::check_mirrored_params(
      tool->mirrored, args.get_object(),
      [&](std::string_view name) -> std::optional<std::string> {
        for (auto& [key, value] : sent)
          if (key.size() == name.size()
              && std::equal(key.begin(), key.end(), name.begin(),
                            [](char x, char y) {
                              return x == std::tolower(
                                            static_cast<unsigned char>(y));
                            }))
            return value;
        return std::nullopt;
      });
    if (why) {
      reply_error(self, batch, id, error_code::header_mismatch,
                  "Header mismatch: " + *why);
      return;
    }
  }
  auto exec = tool->def.exec;
  std::shared_ptr<actor_work> by_actor;
  if (tool->def.handler_actor) {
    by_actor = std::make_shared<actor_work>();
    by_actor->handler = tool->def.handler_actor;
    by_actor->call.name = tool->def.name;
    by_actor->call.arguments = args;
    if (auto m = params->get_object().if_contains("_meta"); m && m->is_object())
      by_actor->call.meta = own(*m);
    by_actor->finish = [tool](request_context& ctx,
                              caf::expected<json::value> answer) {
      return tool_answer(*tool, ctx, read_tool_answer(*tool, std::move(answer)));
    };
  }
  // The arguments are checked in the request actor too: a large schema
  // holds up nothing else.
  auto work = [tool, by_actor, args = std::move(args)](request_context& ctx)
      -> caf::expected<json::value> {
      if (auto why = tool->input.validate(args))
        return json::value(tool_result::error("Invalid arguments for tool "
                                              + tool->def.name + ": " + *why)
                             .to_json(ctx.protocol_version()));
      if (by_actor) {
        by_actor->call.wants_progress = ctx.progress_token().has_value();
        by_actor->call.protocol_version = std::string{ctx.protocol_version()};
        return json::value();
      }
      return tool_answer(*tool, ctx, tool->def.handler(ctx, args.get_object()));
    };
  run_request(self, batch, id, methods::tools_call, params, exec,
              std::move(work), std::move(by_actor));
}

caf::expected<json::value> contents_result(caf::expected<resource_contents> x) {
  if (!x)
    return std::move(x.error());
  json::array contents;
  contents.reserve(x->size());
  for (auto& item : *x)
    contents.emplace_back(std::move(item));
  return json::value(json::object{{"contents", std::move(contents)}});
}

bool resource_exists(const catalog& cat, std::string_view uri) {
  return cat.resources.find(uri) != nullptr
         || cat.match_template(uri).first != nullptr;
}

void on_read_resource(session_actor* self, const batch_ptr& batch,
                      const request_id& id, const json::value* params) {
  auto& st = self->state;
  auto uri = string_param(params, "uri");
  if (uri == nullptr) {
    reply_error(self, batch, id, error_code::invalid_params,
                "resources/read needs params with a \"uri\" string");
    return;
  }
  std::string target{*uri};
  if (auto res = st.snapshot->resources.get(target)) {
    run_request(self, batch, id, methods::resources_read, params,
                res->def.exec,
                [res, target](request_context& ctx) {
                  return contents_result(res->def.handler(ctx, target));
                });
    return;
  }
  auto [entry, vars] = st.snapshot->match_template(target);
  if (entry == nullptr) {
    reply_not_found(self, batch, id, target);
    return;
  }
  auto tmpl = st.snapshot->templates.get(entry->def.uri_template);
  run_request(self, batch, id, methods::resources_read, params,
              tmpl->def.exec,
              [tmpl, target, vars = std::move(vars)](request_context& ctx) {
                return contents_result(tmpl->def.handler(ctx, target, vars));
              });
}

void on_subscription(session_actor* self, const batch_ptr& batch,
                     const request_id& id, std::string_view method,
                     const json::value* params) {
  auto& st = self->state;
  auto uri = string_param(params, "uri");
  if (uri == nullptr) {
    reply_error(self, batch, id, error_code::invalid_params,
                std::string{method} + " needs params with a \"uri\" string");
    return;
  }
  std::string key{*uri};
  if (method == methods::resources_unsubscribe) {
    st.subscriptions.erase(key);
    reply(self, batch, id, json::object{});
    return;
  }
  if (!resource_exists(*st.snapshot, key)) {
    reply_not_found(self, batch, id, key);
    return;
  }
  if (st.subscriptions.count(key) == 0
      && st.subscriptions.size() >= st.settings->options.max_subscriptions) {
    reply_error(self, batch, id, error_code::invalid_request,
                "too many resource subscriptions (limit "
                  + std::to_string(st.settings->options.max_subscriptions)
                  + ")");
    return;
  }
  st.subscriptions.insert(std::move(key));
  reply(self, batch, id, json::object{});
}

/// Reads `{name: string}` arguments; fails naming the first bad one.
std::optional<std::string> read_string_map(const json::value* x,
                                           prompt_arguments& out) {
  if (x == nullptr || x->is_null())
    return std::nullopt;
  if (!x->is_object())
    return "arguments must be an object of strings";
  for (auto& kvp : x->get_object()) {
    if (!kvp.value().is_string())
      return "argument \"" + std::string{kvp.key()} + "\" must be a string";
    out.emplace(std::string{kvp.key()}, std::string{kvp.value().get_string()});
  }
  return std::nullopt;
}

void on_get_prompt(session_actor* self, const batch_ptr& batch,
                   const request_id& id, const json::value* params) {
  auto entry = named_entry(self, batch, id, params, methods::prompts_get,
                           "prompt", self->state.snapshot->prompts);
  if (!entry)
    return;
  prompt_arguments args;
  if (auto why = read_string_map(params->get_object().if_contains("arguments"),
                                 args)) {
    reply_error(self, batch, id, error_code::invalid_params, *why);
    return;
  }
  for (auto& arg : entry->def.arguments)
    if (arg.required && args.count(arg.name) == 0) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "Missing required argument \"" + arg.name + "\" of prompt "
                    + entry->def.name);
      return;
    }
  run_request(self, batch, id, methods::prompts_get, params, entry->def.exec,
              [entry, args = std::move(args)](request_context& ctx)
                -> caf::expected<json::value> {
                auto res = entry->def.handler(ctx, args);
                if (!res)
                  return std::move(res.error());
                return json::value(res->to_json(ctx.protocol_version()));
              });
}

void on_complete(session_actor* self, const batch_ptr& batch,
                 const request_id& id, const json::value* params) {
  auto& st = self->state;
  auto obj = params_object(params);
  auto ref = obj ? obj->if_contains("ref") : nullptr;
  auto arg = obj ? obj->if_contains("argument") : nullptr;
  auto ref_type = ref && ref->is_object() ? ref->get_object().if_contains("type")
                                          : nullptr;
  auto arg_name = arg && arg->is_object() ? arg->get_object().if_contains("name")
                                          : nullptr;
  auto arg_value = arg && arg->is_object()
                     ? arg->get_object().if_contains("value")
                     : nullptr;
  if (ref_type == nullptr || !ref_type->is_string() || arg_name == nullptr
      || !arg_name->is_string() || arg_value == nullptr
      || !arg_value->is_string()) {
    reply_error(self, batch, id, error_code::invalid_params,
                "completion/complete needs a ref with a type and an argument "
                "with a name and a value");
    return;
  }
  completion_request req;
  req.argument = std::string{arg_name->get_string()};
  req.value = std::string{arg_value->get_string()};
  if (auto ctx = obj->if_contains("context"); ctx && ctx->is_object())
    if (auto why = read_string_map(ctx->get_object().if_contains("arguments"),
                                   req.context)) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "context " + *why);
      return;
    }
  completion_handler handler;
  auto execution_of = execution::pooled;
  auto& kind = ref_type->get_string();
  auto& ref_obj = ref->get_object();
  if (kind == "ref/prompt") {
    auto name = ref_obj.if_contains("name");
    auto entry = name && name->is_string()
                   ? st.snapshot->prompts.get(name->get_string())
                   : nullptr;
    if (!entry) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "Unknown prompt in completion ref");
      return;
    }
    for (auto& a : entry->def.arguments)
      if (a.name == req.argument)
        handler = a.complete;
    execution_of = entry->def.exec;
  } else if (kind == "ref/resource") {
    auto uri = ref_obj.if_contains("uri");
    if (uri == nullptr || !uri->is_string()) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "completion ref/resource needs a uri");
      return;
    }
    auto entry = st.snapshot->templates.get(uri->get_string());
    if (entry) {
      if (auto i = entry->def.completions.find(req.argument);
          i != entry->def.completions.end())
        handler = i->second;
      execution_of = entry->def.exec;
    } else if (st.snapshot->resources.find(uri->get_string()) == nullptr) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "Unknown resource template in completion ref: "
                    + std::string{uri->get_string()});
      return;
    }
  } else {
    reply_error(self, batch, id, error_code::invalid_params,
                "Unknown completion ref type: " + std::string{kind});
    return;
  }
  if (!handler) {
    reply(self, batch, id, completion_result{}.to_json());
    return;
  }
  run_request(self, batch, id, methods::completion_complete, params,
              execution_of,
              [handler, req = std::move(req)](request_context&)
                -> caf::expected<json::value> {
                return json::value(handler(req).to_json());
              });
}

void on_set_level(session_actor* self, const batch_ptr& batch,
                  const request_id& id, const json::value* params) {
  auto level = string_param(params, "level");
  auto parsed = level ? protocol::parse_log_level(*level) : std::nullopt;
  if (!parsed) {
    reply_error(self, batch, id, error_code::invalid_params,
                "logging/setLevel needs a level of debug, info, notice, "
                "warning, error, critical, alert or emergency");
    return;
  }
  self->state.link->log_level = static_cast<uint8_t>(*parsed);
  reply(self, batch, id, json::object{});
}

void on_request(session_actor* self, const batch_ptr& batch,
                const protocol::incoming_message& in) {
  using protocol::method_id;
  auto& st = self->state;
  ++st.stats.requests;
  auto& id = *in.id;
  auto method = in.method;
  if (protocol::request_protocol_version(in.params)
      && (st.stage == phase::awaiting_initialize || st.stage == phase::ready)) {
    on_stateless_request(self, in);
    return;
  }
  auto row = protocol::find_method(method);
  auto rev = st.link->client->revision;
  if (st.stage == phase::awaiting_initialize) {
    if (row == nullptr || !row->before_initialize
        || row->type != protocol::message_type::request)
      reply_error(self, batch, id, error_code::invalid_request,
                  "the session is not initialized: send initialize first");
    else if (row->id == method_id::initialize)
      on_initialize(self, batch, id, in.params);
    else
      reply(self, batch, id, json::object{});
    return;
  }
  if (st.stage != phase::ready)
    return;
  if (row != nullptr && row->id == method_id::initialize) {
    reply_error(self, batch, id, error_code::invalid_request,
                batch ? "initialize must not be part of a batch"
                      : "initialize may be sent only once per session");
    return;
  }
  if (in_use(st, id)) {
    reply_error(self, batch, id, error_code::invalid_request,
                "request id " + id.to_json_text()
                  + " is already used by a request in progress");
    return;
  }
  if (row == nullptr || row->type != protocol::message_type::request
      || row->dir == protocol::direction::to_client || !row->in(rev)) {
    reply_error(self, batch, id, error_code::method_not_found,
                "Method not found: " + std::string{method});
    return;
  }
  if (auto cap = row->gate(rev); !protocol::declares(st.declared, cap)) {
    reply_error(self, batch, id, error_code::method_not_found,
                "Method not found: " + std::string{method}
                  + " (the server does not declare \""
                  + std::string{protocol::capability_name(cap)} + "\")");
    return;
  }
  if (in.params != nullptr && !in.params->is_object()) {
    reply_error(self, batch, id, error_code::invalid_params,
                "params must be an object");
    return;
  }
  dispatch(self, batch, in, *row);
}

/// Runs method `row` of request `in`, which the session has checked.
void dispatch(session_actor* self, const batch_ptr& batch,
              const protocol::incoming_message& in,
              const protocol::method_row& row) {
  using protocol::method_id;
  auto& st = self->state;
  auto& id = *in.id;
  auto& cat = *st.snapshot;
  switch (row.id) {
    case method_id::ping:
      reply(self, batch, id, json::object{});
      return;
    case method_id::tools_call:
      on_call_tool(self, batch, id, in.params);
      return;
    case method_id::tools_list:
      list_page(self, batch, id, in.params, row, cat.tools);
      return;
    case method_id::resources_read:
      on_read_resource(self, batch, id, in.params);
      return;
    case method_id::resources_list:
      list_page(self, batch, id, in.params, row, cat.resources);
      return;
    case method_id::resources_templates_list:
      list_page(self, batch, id, in.params, row, cat.templates);
      return;
    case method_id::resources_subscribe:
    case method_id::resources_unsubscribe:
      on_subscription(self, batch, id, in.method, in.params);
      return;
    case method_id::prompts_list:
      list_page(self, batch, id, in.params, row, cat.prompts);
      return;
    case method_id::prompts_get:
      on_get_prompt(self, batch, id, in.params);
      return;
    case method_id::completion_complete:
      on_complete(self, batch, id, in.params);
      return;
    case method_id::logging_set_level:
      on_set_level(self, batch, id, in.params);
      return;
    case method_id::server_discover:
      reply(self, batch, id,
            protocol::make_discover_result(st.current_client
                                             ? st.current_client->revision
                                             : protocol::revision::latest(),
                                           declared_to(st),
                                           st.settings->instructions));
      return;
    case method_id::subscriptions_listen:
      on_listen(self, id, in.params);
      return;
    case method_id::initialize:
    case method_id::roots_list:
    case method_id::sampling_create_message:
    case method_id::elicitation_create:
    case method_id::initialized:
    case method_id::cancelled:
    case method_id::progress:
    case method_id::message:
    case method_id::resources_updated:
    case method_id::resources_list_changed:
    case method_id::tools_list_changed:
    case method_id::prompts_list_changed:
    case method_id::roots_list_changed:
    case method_id::elicitation_complete:
    case method_id::subscriptions_acknowledged:
      break;
  }
  reply_error(self, batch, id, error_code::method_not_found,
              "Method not found: " + std::string{in.method});
}

} // namespace mcp::detail::session_impl
