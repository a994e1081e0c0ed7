// The client of the official conformance suite's client leg: a caf-mcp
// client over Streamable HTTP that runs the scenario named by
// MCP_CONFORMANCE_SCENARIO against the URL given as the last argument.
//   usage: conformance_client URL
// Exits 0 when the scenario ran to its end, 1 otherwise (the suite judges
// what reached its server).

#include <cstdio>
#include <cstdlib>
#include <string>

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

} // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return fail("usage: conformance_client URL");
  auto env = std::getenv("MCP_CONFORMANCE_SCENARIO");
  std::string scenario = env ? env : "initialize";
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  mcp::transports::http_transport_config transport;
  transport.url = argv[argc - 1];
  // sse-retry times the reconnection of the call's stream; a GET stream
  // opened beside it would blur what the suite measures.
  transport.open_get_stream = scenario != "sse-retry";
  mcp::client_config client_cfg;
  client_cfg.log_bad_input = true;
  if (scenario == "elicitation-sep1034-client-defaults")
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
  if (caps.is_object() && caps.as_object().contains("tools"))
    if (auto tools = api.list_tools(); !tools)
      return done(fail("tools/list failed: " + mcp::describe(tools.error())));
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
  return done(fail("unknown scenario " + scenario));
}
