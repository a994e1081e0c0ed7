// Prints what caf-mcp's client actor writes to its transport under the
// stateless revision (2026-07-28), one per line, for `validate.py --side
// client`:
//
//   {"type": "<schema definition name>", "message": <message>}
//
// The real client runs against a scripted transport that answers like a
// 2026-07-28 server: discover, every request a client sends, input-required
// rounds (elicitation, sampling, roots, fulfilled by the client's handlers),
// a listen, and a cancelled request. argv[1] must be 2026-07-28.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/blocking_client.hpp"
#include "actors/client.hpp"
#include "actors/error.hpp"
#include "actors/request_handler.hpp"
#include "actors/requests.hpp"
#include "actors/system_config.hpp"
#include "transports/messages.hpp"

namespace {

namespace json = boost::json;
using mcp::transports::inbound_atom;
using mcp::transports::outbound_atom;

/// The schema definition of a client message with `method`.
std::string type_of(std::string_view method) {
  static const std::pair<std::string_view, std::string_view> names[] = {
    {"server/discover", "DiscoverRequest"},
    {"tools/list", "ListToolsRequest"},
    {"tools/call", "CallToolRequest"},
    {"resources/list", "ListResourcesRequest"},
    {"resources/templates/list", "ListResourceTemplatesRequest"},
    {"resources/read", "ReadResourceRequest"},
    {"prompts/list", "ListPromptsRequest"},
    {"prompts/get", "GetPromptRequest"},
    {"completion/complete", "CompleteRequest"},
    {"subscriptions/listen", "SubscriptionsListenRequest"},
    {"notifications/cancelled", "CancelledNotification"},
  };
  for (auto& [m, t] : names)
    if (m == method)
      return std::string{t};
  return "unknown method " + std::string{method};
}

/// The result the scripted server gives `msg`, or null for none.
json::value answer(const json::object& msg) {
  auto method = msg.at("method").as_string();
  auto& params = msg.at("params").as_object();
  if (method == "server/discover")
    return json::parse(R"({"resultType":"complete","ttlMs":0,
      "cacheScope":"private","supportedVersions":["2026-07-28"],
      "capabilities":{"tools":{"listChanged":true},
        "resources":{"listChanged":true},"prompts":{},"completions":{}},
      "_meta":{"io.modelcontextprotocol/serverInfo":
        {"name":"script","version":"1"}}})");
  if (method == "tools/call") {
    if (params.at("name") == "slow")
      return nullptr;
    if (params.at("name") == "ask" && !params.contains("inputResponses"))
      return json::parse(R"({"resultType":"input_required",
        "inputRequests":{
          "e":{"method":"elicitation/create","params":{"mode":"form",
            "message":"name?","requestedSchema":{"type":"object",
              "properties":{"name":{"type":"string"}}}}},
          "s":{"method":"sampling/createMessage","params":{"messages":[
            {"role":"user","content":{"type":"text","text":"hi"}}],
            "maxTokens":10}},
          "r":{"method":"roots/list","params":{}}},
        "requestState":"state-1"})");
    return json::parse(R"({"resultType":"complete","content":[]})");
  }
  if (method == "subscriptions/listen")
    return nullptr;
  if (method == "tools/list")
    return json::parse(R"({"resultType":"complete","tools":[{"name":"t",
      "inputSchema":{"type":"object","properties":{
        "region":{"type":"string","x-mcp-header":"Region"}}}}]})");
  if (method == "resources/list")
    return json::parse(R"({"resultType":"complete","resources":[]})");
  if (method == "resources/templates/list")
    return json::parse(R"({"resultType":"complete","resourceTemplates":[]})");
  if (method == "resources/read")
    return json::parse(R"({"resultType":"complete","contents":[]})");
  if (method == "prompts/list")
    return json::parse(R"({"resultType":"complete","prompts":[]})");
  if (method == "prompts/get")
    return json::parse(R"({"resultType":"complete","messages":[]})");
  if (method == "completion/complete")
    return json::parse(R"({"resultType":"complete",
      "completion":{"values":[]}})");
  return nullptr;
}

/// Prints what the client sends and answers it.
caf::behavior script(caf::event_based_actor* self, caf::actor* client) {
  auto on_message = [self, client](json::value& msg) {
    auto& obj = msg.as_object();
    json::object line;
    line.emplace("type", type_of(obj.at("method").as_string()));
    line.emplace("message", msg);
    std::cout << json::serialize(line) << '\n';
    if (!obj.contains("id"))
      return;
    auto result = answer(obj);
    if (result.is_null())
      return;
    json::object res;
    res.emplace("jsonrpc", "2.0");
    res.emplace("id", obj.at("id"));
    res.emplace("result", std::move(result));
    self->send(*client, inbound_atom::value, json::value(std::move(res)));
  };
  return {
    [on_message](outbound_atom, json::value& msg) { on_message(msg); },
    [on_message](outbound_atom, json::value& msg,
                 mcp::transports::message_headers&) { on_message(msg); },
    [](mcp::transports::stateless_atom, bool) {},
    [](mcp::transports::abandon_atom, const std::string&) {},
    [self](mcp::transports::close_atom) { self->quit(); },
  };
}

/// A handler that always answers `result`.
caf::actor fixed(caf::actor_system& sys, std::string_view result) {
  auto value = json::parse(result);
  return mcp::spawn_request_handler(
    sys, [value](const mcp::server_request&) -> caf::expected<json::value> {
      return value;
    });
}

int fail(const std::string& what) {
  std::fprintf(stderr, "emit_stateless_client_messages: %s\n", what.c_str());
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string_view{argv[1]} != "2026-07-28")
    return fail("usage: emit_stateless_client_messages 2026-07-28");
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  mcp::client_config client_cfg;
  client_cfg.negotiation = mcp::version_negotiation::automatic();
  client_cfg.run_on_io_thread = false;
  client_cfg.log_level = mcp::protocol::log_level::warning;
  client_cfg.elicitation_handler
    = fixed(sys, R"({"action":"accept","content":{"name":"x"}})");
  client_cfg.sampling_handler = fixed(
    sys, R"({"role":"assistant","content":{"type":"text","text":"hello"},
             "model":"m"})");
  client_cfg.roots_handler
    = fixed(sys, R"({"roots":[{"uri":"file:///tmp","name":"tmp"}]})");
  auto client = mcp::spawn_bare_client(sys, client_cfg);
  auto transport = sys.spawn(script, &client);
  caf::anon_send(client, mcp::transport_atom::value, transport);
  mcp::blocking_client api{sys, client};
  auto check = [](const char* what, auto x) {
    if (!x)
      throw std::runtime_error(std::string{what} + ": "
                               + mcp::describe(x.error()));
  };
  try {
    check("info", api.info());
    check("tools/list", api.list_tools());
    check("tools/call", api.call_tool("t", json::object{{"region", "eu"}}));
    mcp::request_options progress;
    progress.progress = mcp::progress_token{"p"};
    check("tools/call ask",
          api.call_tool("ask", json::object{}, std::move(progress)));
    check("resources/list", api.list_resources());
    check("resources/templates/list", api.list_resource_templates());
    check("resources/read", api.read_resource("file:///a"));
    check("prompts/list", api.list_prompts());
    check("prompts/get", api.get_prompt("p"));
    check("completion/complete",
          api.complete(json::object{{"type", "ref/prompt"}, {"name", "p"}},
                       "a", "b"));
    // A listen (the subscriber wants tool list changes), and a call that
    // is cancelled.
    caf::scoped_actor sink{sys};
    caf::anon_send(client, mcp::subscribe_atom::value,
                   std::string{"notifications/tools"}, caf::actor{sink});
    mcp::request_options slow;
    slow.timeout = std::chrono::milliseconds(50);
    if (api.call_tool("slow", json::object{}, std::move(slow)))
      return fail("the slow call did not time out");
  } catch (const std::exception& e) {
    api.stop();
    return fail(e.what());
  }
  api.stop();
  return 0;
}
