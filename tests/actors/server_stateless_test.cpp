// Deterministic tests of stateless (2026-07-28) requests to a server
// session: each carries its revision, capabilities and client in `_meta`,
// with or without an initialized session beside it.
#define CAF_SUITE actors.server_stateless
#include <caf/test/unit_test.hpp>

#include "tests/actors/server_session_fixture.hpp"

#include "actors/detail/mirrored_headers.hpp"

using namespace session_test;

namespace {

constexpr std::string_view server_info_key = "io.modelcontextprotocol/serverInfo";

/// The test server plus tools that ask the client for input.
mcp::server_definition asking_server(std::shared_ptr<probe> p) {
  auto def = test_server(p);
  auto name_form = object_schema(R"({"type":"object","properties":{
    "name":{"type":"string"}},"required":["name"]})");
  def.add(make_tool(
    "ask_name",
    [p, name_form](request_context& ctx, const json::object&)
      -> caf::expected<tool_result> {
      ++p->runs;
      auto res = ctx.request_input(
        {{"user_name",
          mcp::input_request::elicitation("Your name?", name_form)}});
      if (!res)
        return res.error();
      return tool_result::text(
        json::value_to<std::string>(res->at("user_name").at("content").at("name")));
    }));
  def.add(make_tool(
    "two_rounds",
    [](request_context& ctx, const json::object&) -> caf::expected<tool_result> {
      auto first = ctx.elicit("First?", object_schema(R"({"type":"object",
                                  "properties":{"x":{"type":"string"}}})"));
      if (!first)
        return first.error();
      auto roots = ctx.list_roots();
      if (!roots)
        return roots.error();
      return tool_result::text(first->action + " "
                               + json::serialize(roots->at("roots")));
    }));
  def.add(make_tool(
    "mirrored",
    [](request_context&, const json::object&) -> caf::expected<tool_result> {
      return tool_result::text("ok");
    },
    execution::immediate,
    R"({"type":"object","properties":{
         "region":{"type":"string","x-mcp-header":"Region"}}})"));
  def.add(make_tool(
    "sample",
    [](request_context& ctx, const json::object&) -> caf::expected<tool_result> {
      auto res = ctx.create_message(json::object{{"maxTokens", 5}});
      if (!res)
        return res.error();
      return tool_result::text("sampled");
    }));
  return def;
}

constexpr std::string_view all_caps
  = R"("io.modelcontextprotocol/clientCapabilities":{"elicitation":{},"roots":{},"sampling":{}})";

} // namespace

CAF_TEST_FIXTURE_SCOPE(server_stateless_tests, fixture)

CAF_TEST(server discover answers without initialize) {
  stateless(1, "server/discover");
  auto& res = result(1);
  CAF_CHECK_EQUAL(res.at("resultType"), "complete");
  CAF_CHECK_EQUAL(res.at("supportedVersions"),
                  json::parse(R"(["2026-07-28","2025-11-25","2025-06-18",
                                  "2025-03-26","2024-11-05"])"));
  auto& caps = res.at("capabilities").as_object();
  CAF_CHECK(caps.contains("tools"));
  CAF_CHECK(caps.contains("resources"));
  CAF_CHECK(caps.contains("prompts"));
  CAF_CHECK(caps.contains("completions"));
  CAF_CHECK(caps.contains("logging"));
  // Changes reach stateless clients through subscriptions/listen.
  CAF_CHECK_EQUAL(caps.at("tools"), json::parse(R"({"listChanged":true})"));
  CAF_CHECK_EQUAL(caps.at("resources"),
                  json::parse(R"({"listChanged":true,"subscribe":true})"));
  CAF_CHECK_EQUAL(res.at("instructions"), "be kind");
  CAF_CHECK_EQUAL(res.at("ttlMs"), 0);
  CAF_CHECK_EQUAL(res.at("cacheScope"), "public");
  CAF_CHECK_EQUAL(res.at("_meta").at(server_info_key),
                  json::parse(R"({"name":"unit","version":"1.0"})"));
  // Nothing about the session changed: it still waits for initialize.
  request(2, "tools/list");
  CAF_CHECK_EQUAL(error_code(2), -32600);
}

CAF_TEST(requests without the required meta are invalid params) {
  request(1, "server/discover", R"({"_meta":{
    "io.modelcontextprotocol/protocolVersion":"2026-07-28"}})");
  CAF_CHECK_EQUAL(error_code(1), -32602);
  CAF_CHECK(error_message(1).find("clientCapabilities") != std::string::npos);
  request(2, "server/discover", R"({"_meta":{
    "io.modelcontextprotocol/protocolVersion":7,
    "io.modelcontextprotocol/clientCapabilities":{}}})");
  CAF_CHECK_EQUAL(error_code(2), -32602);
  stateless(3, "server/discover", "", R"("io.modelcontextprotocol/logLevel":"loud")");
  CAF_CHECK_EQUAL(error_code(3), -32602);
  request(4, "server/discover", R"({"_meta":{
    "io.modelcontextprotocol/protocolVersion":"2026-07-28",
    "io.modelcontextprotocol/clientCapabilities":{},
    "io.modelcontextprotocol/clientInfo":{"name":"t"}}})");
  CAF_CHECK_EQUAL(error_code(4), -32602);
  // clientInfo is optional.
  request(5, "server/discover", R"({"_meta":{
    "io.modelcontextprotocol/protocolVersion":"2026-07-28",
    "io.modelcontextprotocol/clientCapabilities":{}}})");
  CAF_CHECK(result(5).as_object().contains("supportedVersions"));
}

CAF_TEST(revisions this server does not serve statelessly get their list) {
  for (auto [id, version] : {std::pair{1, "v999.0.0"}, {2, "2025-11-25"},
                             {3, "2026-07-29"}}) {
    request(id, "server/discover",
            R"({"_meta":{"io.modelcontextprotocol/protocolVersion":")"
              + std::string{version}
              + R"(","io.modelcontextprotocol/clientCapabilities":{}}})");
    CAF_CHECK_EQUAL(error_code(id), -32022);
    auto& data = answer(id).at("error").at("data");
    CAF_CHECK_EQUAL(data.at("requested"), version);
    CAF_CHECK_EQUAL(data.at("supported").at(0), "2026-07-28");
    CAF_CHECK_EQUAL(data.at("supported").as_array().size(), 5u);
  }
}

CAF_TEST(methods the revision lacks are not found) {
  int id = 0;
  for (auto method : {"initialize", "ping", "logging/setLevel",
                      "resources/subscribe", "resources/unsubscribe",
                      "unknown/method", "notifications/initialized",
                      "roots/list"}) {
    stateless(++id, method);
    CAF_CHECK_EQUAL(error_code(id), -32601);
  }
  // And the other way round: server/discover belongs to 2026-07-28 only.
  initialize();
  request(100, "server/discover");
  CAF_CHECK_EQUAL(error_code(100), -32601);
}

CAF_TEST(results carry resultType serverInfo and cache hints) {
  stateless(1, "tools/list");
  auto& list = result(1);
  CAF_CHECK_EQUAL(list.at("resultType"), "complete");
  CAF_CHECK_EQUAL(list.at("ttlMs"), 0);
  CAF_CHECK_EQUAL(list.at("cacheScope"), "public");
  CAF_CHECK(list.at("tools").as_array().size() > 3);
  stateless(2, "tools/call", R"("name":"echo","arguments":{"message":"hi"})");
  auto& call = result(2);
  CAF_CHECK_EQUAL(call.at("resultType"), "complete");
  CAF_CHECK_EQUAL(call.at("content").at(0).at("text"), "hi");
  CAF_CHECK_EQUAL(call.at("_meta").at(server_info_key).at("name"), "unit");
  CAF_CHECK(!call.as_object().contains("ttlMs"));
  stateless(3, "resources/read", R"("uri":"test://a")");
  auto& read = result(3);
  CAF_CHECK_EQUAL(read.at("contents").at(0).at("text"), "A");
  CAF_CHECK_EQUAL(read.at("ttlMs"), 0);
  CAF_CHECK_EQUAL(read.at("cacheScope"), "public");
  stateless(4, "prompts/get", R"("name":"greet","arguments":{"name":"ann"})");
  CAF_CHECK_EQUAL(result(4).at("resultType"), "complete");
  stateless(5, "completion/complete",
            R"("ref":{"type":"ref/prompt","name":"greet"},
               "argument":{"name":"name","value":"a"})");
  CAF_CHECK_EQUAL(result(5).at("completion").at("values").at(0), "ann");
  CAF_CHECK_EQUAL(result(5).at("resultType"), "complete");
  for (auto method : {"resources/list", "resources/templates/list",
                      "prompts/list"}) {
    stateless(6, method);
    auto xs = answers(6);
    CAF_REQUIRE_EQUAL(xs.size(), 1u);
    CAF_CHECK_EQUAL(xs[0].at("result").at("cacheScope"), "public");
    out->sent.clear();
  }
}

CAF_TEST(cache hints follow the server options) {
  restart_with([](mcp::server_options& opts) {
    opts.cache_ttl = std::chrono::seconds(5);
    opts.private_cache = true;
  });
  stateless(1, "prompts/list");
  CAF_CHECK_EQUAL(result(1).at("ttlMs"), 5000);
  CAF_CHECK_EQUAL(result(1).at("cacheScope"), "private");
}

CAF_TEST(a missing resource is invalid params with its uri) {
  stateless(1, "resources/read", R"("uri":"test://nothing")");
  CAF_CHECK_EQUAL(error_code(1), -32602);
  CAF_CHECK_EQUAL(answer(1).at("error").at("data").at("uri"), "test://nothing");
  // The template's handler reports it missing: the same code.
  stateless(2, "resources/read", R"("uri":"test://t/none")");
  CAF_CHECK_EQUAL(error_code(2), -32602);
  CAF_CHECK_EQUAL(answer(2).at("error").at("data").at("uri"), "test://t/none");
  // A session of 2025-11-25 still gets the old code.
  initialize();
  request(3, "resources/read", R"({"uri":"test://nothing"})");
  CAF_CHECK_EQUAL(error_code(3), -32002);
}

CAF_TEST(stateless requests log only at the level they ask for) {
  stateless(1, "tools/call", R"("name":"log_all")");
  CAF_CHECK_EQUAL(result(1).at("content").at(0).at("text"), "0");
  CAF_CHECK(notifications("notifications/message").empty());
  stateless(2, "tools/call", R"("name":"log_all")",
            R"("io.modelcontextprotocol/logLevel":"error")");
  CAF_CHECK_EQUAL(result(2).at("content").at(0).at("text"), "4");
  CAF_CHECK_EQUAL(notifications("notifications/message").size(), 4u);
}

CAF_TEST(progress of stateless requests goes out before the response) {
  stateless(1, "tools/call", R"("name":"progress")",
            R"("progressToken":"p1")");
  auto updates = notifications("notifications/progress");
  CAF_REQUIRE_EQUAL(updates.size(), 3u);
  CAF_CHECK_EQUAL(updates[0].at("params").at("progressToken"), "p1");
  CAF_CHECK_EQUAL(updates[0].at("params").at("message"), "step");
  CAF_CHECK_EQUAL(result(1).at("resultType"), "complete");
  CAF_CHECK(out->sent.back().as_object().contains("result"));
}

CAF_TEST(both eras share a connection without touching each other) {
  initialize("2025-06-18");
  stateless(1, "tools/call", R"("name":"structured","arguments":{"n":1})");
  auto& modern = result(1);
  CAF_CHECK_EQUAL(modern.at("structuredContent").at("n"), 1);
  CAF_CHECK_EQUAL(modern.at("resultType"), "complete");
  request(2, "tools/call", R"({"name":"structured","arguments":{"n":2}})");
  auto& legacy = result(2);
  CAF_CHECK(!legacy.as_object().contains("resultType"));
  CAF_CHECK(!legacy.as_object().contains("_meta"));
  request(3, "tools/list");
  CAF_CHECK(!result(3).as_object().contains("ttlMs"));
  // The session's own level still applies to its requests.
  request(4, "logging/setLevel", R"({"level":"emergency"})");
  request(5, "tools/call", R"({"name":"log_all"})");
  CAF_CHECK_EQUAL(result(5).at("content").at(0).at("text"), "1");
  stateless(6, "tools/call", R"("name":"log_all")",
            R"("io.modelcontextprotocol/logLevel":"debug")");
  CAF_CHECK_EQUAL(result(6).at("content").at(0).at("text"), "8");
}

CAF_TEST(a server without prompts refuses prompts as not found) {
  mcp::server_definition def{"bare", "1"};
  def.add(make_tool("fast",
                    [](request_context&, const json::object&)
                      -> caf::expected<tool_result> {
                      return tool_result::text("fast");
                    }));
  out = std::make_shared<recording_channel>();
  start(std::move(def));
  stateless(1, "prompts/list");
  CAF_CHECK_EQUAL(error_code(1), -32601);
  stateless(2, "server/discover");
  CAF_CHECK(!result(2).at("capabilities").as_object().contains("prompts"));
}

// -- multi-round-trip requests ------------------------------------------------

/// Sends a stateless request declaring every input capability.
#define ASKING(id, method, params)                                             \
  request(id, method,                                                          \
          std::string{"{"} + params                                            \
            + R"(,"_meta":{"io.modelcontextprotocol/protocolVersion":)"        \
              R"("2026-07-28",)"                                               \
            + std::string{all_caps} + "}}")

CAF_TEST(a handler that needs input answers with input required) {
  out = std::make_shared<recording_channel>();
  start(asking_server(runs));
  ASKING(1, "tools/call", R"("name":"ask_name","arguments":{})");
  auto& first = result(1);
  CAF_CHECK_EQUAL(first.at("resultType"), "input_required");
  auto& ask = first.at("inputRequests").at("user_name");
  CAF_CHECK_EQUAL(ask.at("method"), "elicitation/create");
  CAF_CHECK_EQUAL(ask.at("params").at("message"), "Your name?");
  auto state = json::value_to<std::string>(first.at("requestState"));
  CAF_CHECK(!state.empty());
  // The state is sealed: no answer and no field name shows through.
  CAF_CHECK_EQUAL(state.find("user_name"), std::string::npos);
  CAF_CHECK(!first.as_object().contains("ttlMs"));
  // The retry brings the answer: the handler runs again and completes.
  ASKING(2, "tools/call",
         R"("name":"ask_name","arguments":{},"requestState":")" + state
           + R"(","inputResponses":{"user_name":{"action":"accept",)"
             R"("content":{"name":"Alice"}}})");
  auto& done = result(2);
  CAF_CHECK_EQUAL(done.at("resultType"), "complete");
  CAF_CHECK_EQUAL(done.at("content").at(0).at("text"), "Alice");
  CAF_CHECK_EQUAL(runs->runs, 2);
}

CAF_TEST(changed or misplaced request states are refused) {
  out = std::make_shared<recording_channel>();
  start(asking_server(runs));
  ASKING(1, "tools/call", R"("name":"ask_name","arguments":{})");
  auto state = json::value_to<std::string>(result(1).at("requestState"));
  auto retry = [&](int id, std::string params) {
    ASKING(id, "tools/call", params);
    return error_code(id);
  };
  CAF_CHECK_EQUAL(retry(2, R"("name":"ask_name","arguments":{},"requestState":")"
                             + state + R"(-TAMPERED")"),
                  -32602);
  auto flipped = state;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';
  CAF_CHECK_EQUAL(retry(3, R"("name":"ask_name","arguments":{},"requestState":")"
                             + flipped + R"(")"),
                  -32602);
  // A state minted for other arguments does not fit this call.
  CAF_CHECK_EQUAL(retry(4, R"("name":"ask_name","arguments":{"x":1},)"
                           R"("requestState":")" + state + R"(")"),
                  -32602);
  CAF_CHECK(error_message(4).find("another request") != std::string::npos);
  // Answers that are not what was asked are invalid params too.
  CAF_CHECK_EQUAL(retry(5, R"("name":"ask_name","arguments":{},)"
                           R"("inputResponses":{"user_name":12345})"),
                  -32602);
  // A missing answer asks again; unknown ones are ignored.
  ASKING(6, "tools/call",
         R"("name":"ask_name","arguments":{},"inputResponses":{"other":{}})");
  CAF_CHECK_EQUAL(result(6).at("resultType"), "input_required");
}

CAF_TEST(answers of earlier rounds travel in the request state) {
  out = std::make_shared<recording_channel>();
  start(asking_server(runs));
  ASKING(1, "tools/call", R"("name":"two_rounds")");
  auto& r1 = result(1);
  auto key1 = std::string{r1.at("inputRequests").as_object().begin()->key()};
  CAF_CHECK_EQUAL(key1, "elicitation-1");
  auto s1 = json::value_to<std::string>(r1.at("requestState"));
  ASKING(2, "tools/call",
         R"("name":"two_rounds","requestState":")" + s1
           + R"(","inputResponses":{"elicitation-1":{"action":"decline"}})");
  auto& r2 = result(2);
  CAF_CHECK_EQUAL(r2.at("resultType"), "input_required");
  CAF_CHECK_EQUAL(r2.at("inputRequests").at("roots-2").at("method"),
                  "roots/list");
  auto s2 = json::value_to<std::string>(r2.at("requestState"));
  CAF_CHECK_NOT_EQUAL(s1, s2);
  // The last round answers only its own key.
  ASKING(3, "tools/call",
         R"("name":"two_rounds","requestState":")" + s2
           + R"(","inputResponses":{"roots-2":{"roots":[{"uri":"file:///r"}]}})");
  CAF_CHECK_EQUAL(result(3).at("content").at(0).at("text"),
                  R"(decline [{"uri":"file:///r"}])");
}

CAF_TEST(input the client did not declare is a missing capability) {
  out = std::make_shared<recording_channel>();
  start(asking_server(runs));
  stateless(1, "tools/call", R"("name":"sample")");
  CAF_CHECK_EQUAL(error_code(1), -32021);
  CAF_CHECK_EQUAL(answer(1).at("error").at("data"),
                  json::parse(R"({"requiredCapabilities":{"sampling":{}}})"));
  stateless(2, "tools/call", R"("name":"ask_name")");
  CAF_CHECK_EQUAL(error_code(2), -32021);
  // Methods that may not ask for input do not (a completion cannot).
  ASKING(3, "tools/list", std::string{R"("cursor":null)"});
  CAF_CHECK(!result(3).as_object().contains("inputRequests"));
}

CAF_TEST(the same handler asks the client directly under sessions) {
  out = std::make_shared<recording_channel>();
  start(asking_server(runs));
  initialize("2025-11-25", nullptr,
             R"({"elicitation":{},"roots":{},"sampling":{}})");
  // Under sessions the call waits for the client, which a pooled handler
  // may not do; under 2026-07-28 the same handler asked without waiting.
  request(1, "tools/call", R"({"name":"ask_name"})");
  CAF_CHECK_EQUAL(error_code(1), -32603);
  CAF_CHECK(error_message(1).find("execution::dedicated") != std::string::npos);
  CAF_CHECK(notifications("elicitation/create").empty());
}

// -- mirrored headers ---------------------------------------------------------

CAF_TEST(mirrored headers over http must agree with the arguments) {
  out = std::make_shared<recording_channel>();
  start(asking_server(runs));
  auto call = [&](int id, std::string region,
                  std::vector<std::pair<std::string, std::string>> sent) {
    auto text = R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                + R"(,"method":"tools/call","params":{"name":"mirrored",)"
                  R"("arguments":{"region":")" + region
                + R"("},"_meta":{"io.modelcontextprotocol/protocolVersion":)"
                  R"("2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}})";
    self->send(session, inbound_atom::value, json::parse(text),
               mcp::detail::mirrored_headers{std::move(sent)});
    consume_messages();
  };
  call(1, "eu", {{"region", "eu"}});
  CAF_CHECK_EQUAL(result(1).at("content").at(0).at("text"), "ok");
  call(2, "eu", {{"region", "us"}});
  CAF_CHECK_EQUAL(error_code(2), -32020);
  call(3, "eu", {});
  CAF_CHECK_EQUAL(error_code(3), -32020);
  // Without headers (stdio) nothing is checked.
  stateless(4, "tools/call", R"("name":"mirrored","arguments":{"region":"x"})");
  CAF_CHECK_EQUAL(result(4).at("content").at(0).at("text"), "ok");
}

CAF_TEST(a tool whose annotations are invalid is refused) {
  mcp::server_definition def{"bad", "1"};
  def.add(make_tool(
    "bad",
    [](request_context&, const json::object&) -> caf::expected<tool_result> {
      return tool_result::text("never");
    },
    execution::immediate,
    R"({"type":"object","properties":{
         "n":{"type":"number","x-mcp-header":"N"}}})"));
  auto res = mcp::spawn_server(sys, std::move(def));
  CAF_REQUIRE(!res);
  CAF_CHECK(mcp::describe(res.error()).find("x-mcp-header") != std::string::npos);
}

// -- subscriptions/listen -----------------------------------------------------

CAF_TEST(a listen stream is acknowledged then carries what it asked for) {
  stateless(1, "subscriptions/listen",
            R"("notifications":{"toolsListChanged":true,
                "resourceSubscriptions":["test://a"],"unknownKind":true})");
  auto acks = notifications("notifications/subscriptions/acknowledged");
  CAF_REQUIRE_EQUAL(acks.size(), 1u);
  auto& params = acks[0].at("params");
  CAF_CHECK_EQUAL(params.at("_meta").at("io.modelcontextprotocol/subscriptionId"),
                  1);
  CAF_CHECK_EQUAL(params.at("notifications"),
                  json::parse(R"({"toolsListChanged":true,
                                  "resourceSubscriptions":["test://a"]})"));
  // The stream stays open: no response yet, and its id is in use.
  CAF_CHECK(answers(1).empty());
  stateless(1, "tools/list");
  CAF_CHECK_EQUAL(error_code(1), -32600);
  // A change of the tools reaches it, tagged; prompts were not asked for.
  mcp::add_tool(server, make_tool("late",
                                  [](request_context&, const json::object&)
                                    -> caf::expected<tool_result> {
                                    return tool_result::text("late");
                                  }));
  mcp::prompt pr;
  pr.name = "late_prompt";
  pr.handler = [](request_context&, const mcp::prompt_arguments&)
    -> caf::expected<mcp::prompt_result> { return mcp::prompt_result{}; };
  mcp::add_prompt(server, std::move(pr));
  mcp::notify_resource_updated(server, "test://a");
  mcp::notify_resource_updated(server, "test://other");
  consume_messages();
  auto changed = notifications("notifications/tools/list_changed");
  CAF_REQUIRE_EQUAL(changed.size(), 1u);
  CAF_CHECK_EQUAL(changed[0].at("params").at("_meta").at(
                    "io.modelcontextprotocol/subscriptionId"),
                  1);
  CAF_CHECK(notifications("notifications/prompts/list_changed").empty());
  auto updated = notifications("notifications/resources/updated");
  CAF_REQUIRE_EQUAL(updated.size(), 1u);
  CAF_CHECK_EQUAL(updated[0].at("params").at("uri"), "test://a");
  // Cancelling ends it without a response; nothing more arrives.
  deliver(R"({"jsonrpc":"2.0","method":"notifications/cancelled",
              "params":{"requestId":1}})");
  mcp::notify_resource_updated(server, "test://a");
  consume_messages();
  CAF_CHECK_EQUAL(notifications("notifications/resources/updated").size(), 1u);
  CAF_CHECK(answers(1).size() == 1u); // the refused tools/list only
}

CAF_TEST(a listen stream ends with a response when the session does) {
  stateless(7, "subscriptions/listen", R"("notifications":{})");
  auto acks = notifications("notifications/subscriptions/acknowledged");
  CAF_REQUIRE_EQUAL(acks.size(), 1u);
  CAF_CHECK_EQUAL(acks[0].at("params").at("notifications"),
                  json::value(json::object{}));
  self->send_exit(session, caf::exit_reason::user_shutdown);
  consume_messages();
  auto& res = result(7);
  CAF_CHECK_EQUAL(res.at("resultType"), "complete");
  CAF_CHECK_EQUAL(res.at("_meta").at("io.modelcontextprotocol/subscriptionId"),
                  7);
}

CAF_TEST(listen needs a notifications object) {
  stateless(1, "subscriptions/listen");
  CAF_CHECK_EQUAL(error_code(1), -32602);
}

CAF_TEST_FIXTURE_SCOPE_END()
