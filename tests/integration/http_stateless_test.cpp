// Stateless (2026-07-28) requests to the Streamable HTTP server over real
// sockets on 127.0.0.1: no session ids, errors with the status their code
// calls for, progress on the request's own stream, and a closed stream
// cancelling its request.
#define CAF_SUITE integration.http_stateless
#include <caf/test/unit_test.hpp>

#include <future>

#include "tests/integration/http_server_support.hpp"

using namespace http_test;

namespace {

constexpr std::string_view meta
  = R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{}})";

/// The headers of a stateless POST of `method` (with `Mcp-Name` unless
/// `name` is empty).
header_list stateless_headers(std::string method, std::string name = {}) {
  header_list res{{"Content-Type", "application/json"},
                  {"Accept", "application/json, text/event-stream"},
                  {"MCP-Protocol-Version", "2026-07-28"},
                  {"Mcp-Method", std::move(method)}};
  if (!name.empty())
    res.emplace_back("Mcp-Name", std::move(name));
  return res;
}

/// A stateless request with `id` and `params` members (may be empty).
std::string stateless_body(int id, std::string_view method,
                           std::string_view params = {}) {
  std::string res = R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                    + R"(,"method":")" + std::string{method}
                    + R"(","params":{)";
  if (!params.empty())
    res += std::string{params} + ",";
  res += std::string{meta} + "}}";
  return res;
}

/// The id and error code of a JSON error response.
std::pair<int64_t, int64_t> error_of(const reply& r) {
  auto msg = json::parse(r.body);
  return {msg.at("id").as_int64(), msg.at("error").at("code").as_int64()};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_stateless_tests, fixture)

CAF_TEST(server discover answers in json without a session) {
  auto r = exchange(http::verb::post, "/mcp",
                    stateless_headers("server/discover"),
                    stateless_body(1, "server/discover"));
  CAF_REQUIRE_EQUAL(r.status, 200u);
  CAF_CHECK_EQUAL(r.header("Content-Type"), "application/json");
  CAF_CHECK_EQUAL(r.header("Mcp-Session-Id"), "");
  auto res = json::parse(r.body).at("result");
  CAF_CHECK_EQUAL(res.at("supportedVersions").at(0), "2026-07-28");
  CAF_CHECK_EQUAL(res.at("resultType"), "complete");
  CAF_CHECK_EQUAL(
    res.at("_meta").at("io.modelcontextprotocol/serverInfo").at("name"),
    "http-test");
  CAF_CHECK_EQUAL(running->sessions(), 0u);
}

CAF_TEST(progress goes on the request stream without event ids) {
  auto r = exchange(http::verb::post, "/mcp",
                    stateless_headers("tools/call", "steps"),
                    R"({"jsonrpc":"2.0","id":5,"method":"tools/call",
                        "params":{"name":"steps","arguments":{},"_meta":{
                        "progressToken":"t",
                        "io.modelcontextprotocol/protocolVersion":"2026-07-28",
                        "io.modelcontextprotocol/clientCapabilities":{}}}})");
  CAF_REQUIRE_EQUAL(r.status, 200u);
  CAF_CHECK_EQUAL(r.header("Content-Type"), "text/event-stream");
  CAF_CHECK_EQUAL(r.header("X-Accel-Buffering"), "no");
  auto events = r.events();
  CAF_REQUIRE_EQUAL(events.size(), 4u);
  for (int i = 0; i < 3; ++i)
    CAF_CHECK_EQUAL(events[static_cast<size_t>(i)]
                      .at("params")
                      .at("progress")
                      .to_number<double>(),
                    i + 1);
  CAF_CHECK_EQUAL(events[3].at("id"), 5);
  CAF_CHECK_EQUAL(events[3].at("result").at("resultType"), "complete");
  // Nothing to resume: no retry, no ids.
  CAF_CHECK_EQUAL(r.body.find("retry:"), std::string::npos);
  CAF_CHECK_EQUAL(r.body.find("id:"), std::string::npos);
}

CAF_TEST(errors get the status of their code) {
  auto ping = exchange(http::verb::post, "/mcp", stateless_headers("ping"),
                       stateless_body(2, "ping"));
  CAF_CHECK_EQUAL(ping.status, 404u);
  CAF_CHECK_EQUAL(error_of(ping), std::pair(int64_t{2}, int64_t{-32601}));
  auto unknown_tool = exchange(http::verb::post, "/mcp",
                               stateless_headers("tools/call", "nope"),
                               stateless_body(3, "tools/call",
                                              R"("name":"nope")"));
  CAF_CHECK_EQUAL(unknown_tool.status, 400u);
  CAF_CHECK_EQUAL(error_of(unknown_tool), std::pair(int64_t{3}, int64_t{-32602}));
  auto hdrs = stateless_headers("tools/list");
  hdrs[2].second = "v999.0.0";
  auto version = exchange(http::verb::post, "/mcp", hdrs,
                          R"({"jsonrpc":"2.0","id":4,"method":"tools/list",
                              "params":{"_meta":{
                              "io.modelcontextprotocol/protocolVersion":"v999.0.0",
                              "io.modelcontextprotocol/clientCapabilities":{}}}})");
  CAF_CHECK_EQUAL(version.status, 400u);
  CAF_CHECK_EQUAL(error_of(version), std::pair(int64_t{4}, int64_t{-32022}));
  auto mismatch = exchange(http::verb::post, "/mcp",
                           stateless_headers("tools/call", "echo"),
                           stateless_body(5, "tools/list"));
  CAF_CHECK_EQUAL(mismatch.status, 400u);
  CAF_CHECK_EQUAL(error_of(mismatch), std::pair(int64_t{5}, int64_t{-32020}));
  auto get = exchange(http::verb::get, "/mcp",
                      {{"Accept", "text/event-stream"},
                       {"MCP-Protocol-Version", "2026-07-28"}});
  CAF_CHECK_EQUAL(get.status, 405u);
  // The server serves on.
  auto list = exchange(http::verb::post, "/mcp", stateless_headers("tools/list"),
                       stateless_body(6, "tools/list"));
  CAF_CHECK_EQUAL(list.status, 200u);
  auto listed = json::parse(list.body);
  CAF_CHECK_EQUAL(listed.at("result").at("cacheScope"), "public");
}

CAF_TEST(clients with the same request ids run at once) {
  net::io_context ioc;
  tcp::socket a{ioc};
  tcp::socket b{ioc};
  a.connect({net::ip::make_address("127.0.0.1"), port});
  b.connect({net::ip::make_address("127.0.0.1"), port});
  beast::flat_buffer buf_a;
  beast::flat_buffer buf_b;
  // The first request holds its id on the server while the second comes.
  auto slow = std::async(std::launch::async, [&] {
    return exchange_on(a, buf_a, port, http::verb::post, "/mcp",
                       stateless_headers("tools/call", "steps"),
                       stateless_body(1, "tools/call", R"("name":"steps")"));
  });
  auto fast = exchange_on(b, buf_b, port, http::verb::post, "/mcp",
                          stateless_headers("tools/call", "echo"),
                          stateless_body(1, "tools/call", R"("name":"echo")"));
  auto first = slow.get();
  CAF_CHECK_EQUAL(first.status, 200u);
  CAF_CHECK_EQUAL(fast.status, 200u);
  auto fast_msg = json::parse(fast.body);
  auto first_msg = json::parse(first.body);
  CAF_CHECK_EQUAL(fast_msg.at("id"), 1);
  CAF_CHECK_EQUAL(first_msg.at("id"), 1);
}

CAF_TEST(closing the response stream cancels the request) {
  auto before = sleepers_stopped().load();
  {
    net::io_context ioc;
    tcp::socket sock{ioc};
    sock.connect({net::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{http::verb::post, "/mcp", 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (auto& [k, v] : stateless_headers("tools/call", "sleepy"))
      req.set(k, v);
    req.body() = stateless_body(9, "tools/call", R"("name":"sleepy")");
    req.prepare_payload();
    http::write(sock, req);
    std::this_thread::sleep_for(200ms);
  }
  // The handler's 10 s wait ends as soon as the server sees the close.
  for (int i = 0; i < 100 && sleepers_stopped().load() == before; ++i)
    std::this_thread::sleep_for(20ms);
  CAF_CHECK_EQUAL(sleepers_stopped().load(), before + 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
