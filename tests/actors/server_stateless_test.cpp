// Deterministic tests of stateless (2026-07-28) requests to a server
// session: each carries its revision, capabilities and client in `_meta`,
// with or without an initialized session beside it.
#define CAF_SUITE actors.server_stateless
#include <caf/test/unit_test.hpp>

#include "tests/actors/server_session_fixture.hpp"

using namespace session_test;

namespace {

constexpr std::string_view server_info_key = "io.modelcontextprotocol/serverInfo";

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
  // Changes reach stateless clients only through subscriptions/listen.
  CAF_CHECK(caps.at("tools").as_object().empty());
  CAF_CHECK(caps.at("resources").as_object().empty());
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

CAF_TEST_FIXTURE_SCOPE_END()
