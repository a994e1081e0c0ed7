// The client of the official conformance suite's client leg: a caf-mcp
// client over Streamable HTTP that runs the scenario named by
// MCP_CONFORMANCE_SCENARIO against the URL given as the last argument, at
// the revision MCP_CONFORMANCE_PROTOCOL_VERSION names (2026-07-28: pinned,
// stateless; others: initialize). http-custom-headers reads its tool calls
// from MCP_CONFORMANCE_CONTEXT.
//   usage: conformance_client URL
// Exits 0 when the scenario ran to its end, 1 otherwise (the suite judges
// what reached its server).

#include <cstdio>
#include <cstdlib>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>

#include "actors/blocking_client.hpp"
#include "actors/error.hpp"
#include "actors/http_client.hpp"
#include "actors/request_handler.hpp"
#include "actors/system_config.hpp"
#include "protocol/elicitation_form.hpp"

namespace json = boost::json;

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "conformance_client: %s\n", what.c_str());
  return 1;
}

/// Accepts every form with the defaults its schema declares (SEP-1034).
caf::expected<json::value> accept_with_defaults(const mcp::server_request& req) {
  json::object content;
  if (auto params = req.params.if_object())
    if (auto schema = params->if_contains("requestedSchema");
        schema && schema->is_object())
      mcp::protocol::apply_elicitation_defaults(schema->get_object(), content);
  return json::value(json::object{{"action", "accept"},
                                  {"content", std::move(content)}});
}

/// Arguments for a tool: a sample value for each required property.
json::object sample_arguments(const json::value& tool) {
  json::object res;
  auto schema = tool.as_object().if_contains("inputSchema");
  auto obj = schema ? schema->if_object() : nullptr;
  auto props = obj ? obj->if_contains("properties") : nullptr;
  auto required = obj ? obj->if_contains("required") : nullptr;
  if (props == nullptr || !props->is_object() || required == nullptr
      || !required->is_array())
    return res;
  for (auto& name : required->get_array()) {
    auto key = name.if_string();
    auto prop = key ? props->get_object().if_contains(*key) : nullptr;
    auto type = prop && prop->is_object()
                  ? prop->get_object().if_contains("type")
                  : nullptr;
    if (key == nullptr)
      continue;
    if (type && *type == "integer")
      res[*key] = 1;
    else if (type && *type == "boolean")
      res[*key] = true;
    else
      res[*key] = "us";
  }
  return res;
}

/// Returns the tools of a `tools/list` result.
json::array tools_of(const json::value& list) {
  if (auto tools = list.as_object().if_contains("tools"); tools && tools->is_array())
    return tools->get_array();
  return {};
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return fail("usage: conformance_client URL");
  auto env = std::getenv("MCP_CONFORMANCE_SCENARIO");
  std::string scenario = env ? env : "initialize";
  auto version_env = std::getenv("MCP_CONFORMANCE_PROTOCOL_VERSION");
  auto revision = mcp::protocol::revision::parse(version_env ? version_env
                                                             : "2025-11-25");
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  mcp::transports::http_transport_config transport;
  transport.url = argv[argc - 1];
  // sse-retry times the reconnection of the call's stream; a GET stream
  // opened beside it would blur what the suite measures.
  transport.open_get_stream = scenario != "sse-retry";
  mcp::client_config client_cfg;
  client_cfg.log_bad_input = true;
  if (revision && !revision->has_sessions())
    client_cfg.negotiation = mcp::version_negotiation::pin(*revision);
  if (scenario == "elicitation-sep1034-client-defaults"
      || scenario == "sep-2322-client-request-state")
    client_cfg.elicitation_handler
      = mcp::spawn_request_handler(sys, accept_with_defaults);
  auto client = mcp::spawn_http_client(sys, transport, client_cfg);
  if (!client)
    return fail(mcp::describe(client.error()));
  mcp::blocking_client api{sys, *client};
  auto done = [&](int rc) {
    api.stop();
    return rc;
  };
  auto info = api.info();
  if (!info)
    return done(fail("initialize failed: " + mcp::describe(info.error())));
  auto& caps = info->capabilities;
  json::array tools;
  if (caps.is_object() && caps.as_object().contains("tools")) {
    auto list = api.list_tools();
    if (!list)
      return done(fail("tools/list failed: " + mcp::describe(list.error())));
    tools = tools_of(*list);
  }
  auto call = [&](std::string name, json::value args) {
    auto res = api.call_tool(name, std::move(args));
    if (!res)
      return fail(name + " failed: " + mcp::describe(res.error()));
    std::printf("%s: %s\n", name.c_str(), json::serialize(*res).c_str());
    return 0;
  };
  if (scenario == "initialize")
    return done(0);
  if (scenario == "tools_call")
    return done(call("add_numbers", json::object{{"a", 2}, {"b", 3}}));
  if (scenario == "elicitation-sep1034-client-defaults")
    return done(call("test_client_elicitation_defaults", json::object{}));
  if (scenario == "sse-retry")
    return done(call("test_reconnection", json::object{}));
  if (scenario == "request-metadata" || scenario == "json-schema-ref-no-deref")
    return done(0);
  if (scenario == "sep-2322-client-request-state") {
    for (auto name : {"test_mrtr_echo_state", "test_mrtr_no_state",
                      "test_mrtr_unrelated", "test_mrtr_no_result_type"})
      if (call(name, json::object{}) != 0)
        return done(1);
    return done(0);
  }
  auto call_every_tool = [&] {
    for (auto& tool : tools)
      if (call(std::string{tool.at("name").as_string()},
               sample_arguments(tool))
          != 0)
        return 1;
    return 0;
  };
  if (scenario == "http-standard-headers") {
    if (call_every_tool() != 0)
      return done(1);
    auto resources = api.list_resources();
    if (!resources)
      return done(fail("resources/list: " + mcp::describe(resources.error())));
    for (auto& r : resources->at("resources").as_array())
      if (auto res = api.read_resource(std::string{r.at("uri").as_string()});
          !res)
        return done(fail("resources/read: " + mcp::describe(res.error())));
    auto prompts = api.list_prompts();
    if (!prompts)
      return done(fail("prompts/list: " + mcp::describe(prompts.error())));
    for (auto& x : prompts->at("prompts").as_array())
      if (auto res = api.get_prompt(std::string{x.at("name").as_string()});
          !res)
        return done(fail("prompts/get: " + mcp::describe(res.error())));
    return done(0);
  }
  if (scenario == "http-custom-headers") {
    auto context = std::getenv("MCP_CONFORMANCE_CONTEXT");
    if (context == nullptr)
      return done(fail("MCP_CONFORMANCE_CONTEXT is not set"));
    boost::system::error_code ec;
    auto ctx = json::parse(context, ec);
    if (ec || !ctx.is_object() || !ctx.as_object().contains("toolCalls"))
      return done(fail("MCP_CONFORMANCE_CONTEXT has no toolCalls"));
    for (auto& x : ctx.at("toolCalls").as_array())
      if (call(std::string{x.at("name").as_string()}, x.at("arguments")) != 0)
        return done(1);
    return done(0);
  }
  if (scenario == "http-invalid-tool-headers") {
    // The client left out the tools it must not call.
    return done(call_every_tool());
  }
  if (scenario == "json-schema-2020-12-preservation") {
    for (auto& tool : tools)
      if (tool.at("name") == "json_schema_2020_12_tool")
        return done(call("json_schema_echo",
                         json::object{{"schema", tool.at("inputSchema")}}));
    return done(fail("json_schema_2020_12_tool was not listed"));
  }
  return done(fail("unknown scenario " + scenario));
}
