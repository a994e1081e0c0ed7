// The MCP HTTP endpoint's decisions, without sockets or actors.
#define CAF_SUITE actors.http_route
#include <caf/test/unit_test.hpp>

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "actors/detail/http_route.hpp"
#include "protocol/utf8.hpp"

namespace json = boost::json;
using mcp::detail::http_action;
using mcp::detail::http_route;

namespace {

struct fixture {
  mcp::detail::http_paths paths{"/mcp", "/sse", "/messages"};
  std::map<std::string, std::string, std::less<>> sessions{
    {"new", "2025-11-25"}, {"old", "2025-03-26"}};
  std::map<std::string, std::string> headers;

  void json_post_headers() {
    headers["content-type"] = "application/json; charset=utf-8";
    headers["accept"] = "application/json, text/event-stream";
  }

  http_route route(std::string_view method, std::string_view target,
                   std::string_view body = {}) {
    auto header = [this](std::string_view name) -> std::string_view {
      std::string key;
      for (auto c : name)
        key.push_back(static_cast<char>(std::tolower(c)));
      auto i = headers.find(key);
      return i == headers.end() ? std::string_view{} : i->second;
    };
    auto prefixed = [this](std::string_view prefix) {
      std::vector<std::pair<std::string_view, std::string_view>> res;
      std::string low;
      for (auto c : prefix)
        low.push_back(static_cast<char>(std::tolower(c)));
      for (auto& [k, v] : headers)
        if (k.compare(0, low.size(), low) == 0)
          res.emplace_back(k, v);
      return res;
    };
    return mcp::detail::route_http(
      paths, {method, target, body, header, prefixed},
      [this](std::string_view id) -> std::optional<std::string> {
        auto i = sessions.find(id);
        if (i == sessions.end())
          return std::nullopt;
        return i->second;
      });
  }

  /// The JSON-RPC error code and message of a refusal.
  std::pair<int64_t, std::string> error_of(const http_route& r) {
    auto body = json::parse(r.body).as_object();
    CAF_CHECK(!body.contains("id"));
    auto& err = body.at("error").as_object();
    return {err.at("code").as_int64(),
            std::string{err.at("message").as_string()}};
  }

  /// Sets the headers of a stateless POST of `method` (and `Mcp-Name`).
  void stateless_headers(std::string_view method, std::string_view name = {}) {
    json_post_headers();
    headers["mcp-protocol-version"] = "2026-07-28";
    headers["mcp-method"] = std::string{method};
    if (!name.empty())
      headers["mcp-name"] = std::string{name};
    else
      headers.erase("mcp-name");
  }

  /// A stateless request with id 7: `params` (members without braces, may
  /// be empty) plus `_meta` with `meta` (members without braces).
  static std::string stateless_body(
    std::string_view method, std::string_view params = {},
    std::string_view meta
    = R"("io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
      R"("io.modelcontextprotocol/clientCapabilities":{})") {
    std::string res = R"({"jsonrpc":"2.0","id":7,"method":")"
                      + std::string{method} + R"(","params":{)";
    if (!params.empty())
      res += std::string{params} + ",";
    res += R"("_meta":{)" + std::string{meta} + "}}}";
    return res;
  }

  /// The status and JSON-RPC error code of a refused stateless request,
  /// whose error names the request's id.
  std::pair<unsigned, int64_t> stateless_refusal(const http_route& r) {
    CAF_REQUIRE(r.action == http_action::respond);
    auto body = json::parse(r.body).as_object();
    CAF_CHECK_EQUAL(body.at("id"), 7);
    return {r.status, body.at("error").at("code").as_int64()};
  }
};

constexpr std::string_view ping = R"({"jsonrpc":"2.0","id":7,"method":"ping"})";

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_route_tests, fixture)

CAF_TEST(initialize without a session opens one) {
  json_post_headers();
  auto r = route("POST", "/mcp",
                 R"({"jsonrpc":"2.0","id":1,"method":"initialize"})");
  CAF_CHECK(r.action == http_action::open_session);
  CAF_CHECK(r.initialize);
  CAF_REQUIRE_EQUAL(r.ids.size(), 1u);
  CAF_CHECK_EQUAL(r.ids[0].to_json_text(), "1");
  CAF_CHECK(r.message.is_object());
}

CAF_TEST(requests and notifications go to the session they name) {
  json_post_headers();
  headers["mcp-session-id"] = "new";
  auto r = route("POST", "/mcp", ping);
  CAF_CHECK(r.action == http_action::deliver_requests);
  CAF_CHECK_EQUAL(r.session_id, "new");
  CAF_CHECK_EQUAL(r.ids.size(), 1u);
  CAF_CHECK(!r.initialize);
  r = route("POST", "/mcp",
            R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  CAF_CHECK(r.action == http_action::deliver_accepted);
  CAF_CHECK(r.ids.empty());
  r = route("POST", "/mcp", R"({"jsonrpc":"2.0","id":3,"result":{}})");
  CAF_CHECK(r.action == http_action::deliver_accepted);
}

CAF_TEST(a session id that is unknown or missing is refused) {
  json_post_headers();
  headers["mcp-session-id"] = "gone";
  auto r = route("POST", "/mcp", ping);
  CAF_CHECK(r.action == http_action::respond);
  CAF_CHECK_EQUAL(r.status, 404u);
  CAF_CHECK_EQUAL(error_of(r).second, "Session not found");
  headers.erase("mcp-session-id");
  r = route("POST", "/mcp", ping);
  CAF_CHECK_EQUAL(r.status, 400u);
  CAF_CHECK_EQUAL(error_of(r).first, -32600);
  headers["mcp-session-id"] = "gone";
  r = route("DELETE", "/mcp");
  CAF_CHECK_EQUAL(r.status, 404u);
}

CAF_TEST(batches need a session of a revision that has them) {
  json_post_headers();
  auto batch = R"([{"jsonrpc":"2.0","id":1,"method":"ping"},
                   {"jsonrpc":"2.0","method":"notifications/x"},
                   {"jsonrpc":"2.0","id":"b","method":"ping"}])";
  auto r = route("POST", "/mcp", batch);
  CAF_CHECK_EQUAL(r.status, 400u);
  headers["mcp-session-id"] = "new";
  r = route("POST", "/mcp", batch);
  CAF_CHECK_EQUAL(r.status, 400u);
  CAF_CHECK(error_of(r).second.find("2025-11-25") != std::string::npos);
  headers["mcp-session-id"] = "old";
  r = route("POST", "/mcp", batch);
  CAF_CHECK(r.action == http_action::deliver_requests);
  CAF_REQUIRE_EQUAL(r.ids.size(), 2u);
  CAF_CHECK_EQUAL(r.ids[1].to_json_text(), "\"b\"");
  r = route("POST", "/mcp", R"([{"jsonrpc":"2.0","method":"n"}])");
  CAF_CHECK(r.action == http_action::deliver_accepted);
  r = route("POST", "/mcp", "[]");
  CAF_CHECK_EQUAL(r.status, 400u);
  r = route("POST", "/mcp",
            R"([{"jsonrpc":"2.0","id":1,"method":"initialize"}])");
  CAF_CHECK_EQUAL(r.status, 400u);
}

CAF_TEST(bodies and media types that do not fit are refused) {
  json_post_headers();
  headers["mcp-session-id"] = "new";
  auto r = route("POST", "/mcp", "{\"jsonrpc\":");
  CAF_CHECK_EQUAL(r.status, 400u);
  CAF_CHECK_EQUAL(error_of(r).first, -32700);
  r = route("POST", "/mcp", R"({"jsonrpc":"2.0","id":1})");
  CAF_CHECK_EQUAL(r.status, 400u);
  CAF_CHECK_EQUAL(error_of(r).first, -32600);
  headers["accept"] = "application/json";
  CAF_CHECK_EQUAL(route("POST", "/mcp", ping).status, 406u);
  json_post_headers();
  headers["content-type"] = "text/plain";
  CAF_CHECK_EQUAL(route("POST", "/mcp", ping).status, 415u);
}

CAF_TEST(header values quoted in an error stay valid utf8) {
  json_post_headers();
  headers["mcp-session-id"] = "new";
  headers["mcp-protocol-version"] = "\xff\xfe" "2099";
  auto r = route("POST", "/mcp", ping);
  CAF_CHECK_EQUAL(r.status, 400u);
  CAF_CHECK(mcp::protocol::is_valid_utf8(r.body));
  CAF_CHECK(error_of(r).second.find("\xEF\xBF\xBD") != std::string::npos);
}

CAF_TEST(get opens or resumes a stream) {
  headers["accept"] = "text/event-stream";
  headers["mcp-session-id"] = "new";
  auto r = route("GET", "/mcp");
  CAF_CHECK(r.action == http_action::open_get_stream);
  headers["last-event-id"] = "e-7";
  r = route("GET", "/mcp");
  CAF_CHECK(r.action == http_action::resume_stream);
  CAF_CHECK_EQUAL(r.last_event_id, "e-7");
  headers["accept"] = "application/json";
  CAF_CHECK_EQUAL(route("GET", "/mcp").status, 406u);
}

CAF_TEST(delete ends a session and other methods and paths are refused) {
  headers["mcp-session-id"] = "old";
  auto r = route("DELETE", "/mcp");
  CAF_CHECK(r.action == http_action::delete_session);
  CAF_CHECK_EQUAL(r.session_id, "old");
  r = route("PUT", "/mcp");
  CAF_CHECK_EQUAL(r.status, 405u);
  CAF_REQUIRE_EQUAL(r.headers.size(), 1u);
  CAF_CHECK_EQUAL(r.headers[0].first, "Allow");
  CAF_CHECK_EQUAL(route("GET", "/other").status, 404u);
  CAF_CHECK_EQUAL(route("GET", "/mcpx?y=1").status, 404u);
}

CAF_TEST(legacy clients open a stream and post to the session it names) {
  headers["accept"] = "text/event-stream";
  auto r = route("GET", "/sse");
  CAF_CHECK(r.action == http_action::open_legacy_stream);
  headers["content-type"] = "application/json";
  r = route("POST", "/messages?sessionId=old", ping);
  CAF_CHECK(r.action == http_action::deliver_legacy);
  CAF_CHECK_EQUAL(r.session_id, "old");
  CAF_CHECK_EQUAL(route("POST", "/messages?sessionId=nope", ping).status,
                  404u);
  CAF_CHECK_EQUAL(route("POST", "/messages", ping).status, 404u);
  CAF_CHECK_EQUAL(route("POST", "/messages?sessionId=old", "5").status, 400u);
  paths.legacy_sse.clear();
  CAF_CHECK_EQUAL(route("GET", "/sse").status, 404u);
}

// -- stateless requests (2026-07-28) ------------------------------------------

CAF_TEST(stateless requests go to a stateless session without one named) {
  stateless_headers("tools/call", "echo");
  auto r = route("POST", "/mcp",
                 stateless_body("tools/call", R"("name":"echo")"));
  CAF_REQUIRE(r.action == http_action::deliver_stateless);
  CAF_REQUIRE_EQUAL(r.ids.size(), 1u);
  CAF_CHECK_EQUAL(r.ids[0].to_json(), 7);
  CAF_CHECK_EQUAL(r.message.at("method"), "tools/call");
  // A body with a revision in _meta but no header is still stateless: it
  // lacks the header.
  headers.erase("mcp-protocol-version");
  auto missing = route("POST", "/mcp",
                       stateless_body("tools/call", R"("name":"echo")"));
  CAF_CHECK_EQUAL(stateless_refusal(missing), std::pair(400u, int64_t{-32020}));
}

CAF_TEST(stateless headers are checked in the order of their errors) {
  stateless_headers("server/discover");
  auto check = [&](std::string body, unsigned status, int64_t code) {
    auto r = route("POST", "/mcp", body);
    CAF_CHECK_EQUAL(stateless_refusal(r), std::pair(status, code));
  };
  // The required _meta comes first, even before the header's agreement.
  check(stateless_body("server/discover", {}, R"("x":1)"), 400, -32602);
  check(stateless_body("server/discover", {},
                       R"("io.modelcontextprotocol/clientCapabilities":{})"),
        400, -32602);
  check(stateless_body("server/discover", {},
                       R"("io.modelcontextprotocol/protocolVersion":"2026-07-28")"),
        400, -32602);
  check(stateless_body("server/discover", {},
                       R"("io.modelcontextprotocol/protocolVersion":"v999.0.0",)"
                       R"("io.modelcontextprotocol/clientCapabilities":{})"),
        400, -32020);
  headers["mcp-protocol-version"] = "v999.0.0";
  auto r = route("POST", "/mcp",
                 stateless_body("server/discover", {},
                                R"("io.modelcontextprotocol/protocolVersion":"v999.0.0",)"
                                R"("io.modelcontextprotocol/clientCapabilities":{})"));
  CAF_CHECK_EQUAL(stateless_refusal(r), std::pair(400u, int64_t{-32022}));
  auto data = json::parse(r.body).at("error").at("data");
  CAF_CHECK_EQUAL(data.at("requested"), "v999.0.0");
  CAF_CHECK_EQUAL(data.at("supported").at(0), "2026-07-28");
  // A header naming a revision with sessions makes the request a session's.
  headers["mcp-protocol-version"] = "2025-11-25";
  auto old = route("POST", "/mcp",
                   stateless_body("server/discover", {},
                                  R"("io.modelcontextprotocol/protocolVersion":"2025-11-25",)"
                                  R"("io.modelcontextprotocol/clientCapabilities":{})"));
  CAF_CHECK_EQUAL(old.status, 400u);
  CAF_CHECK_EQUAL(error_of(old).first, -32600);
}

CAF_TEST(mcp method and name headers must match the body) {
  auto body = stateless_body("tools/call", R"("name":"echo")");
  auto refused = [&] {
    return stateless_refusal(route("POST", "/mcp", body));
  };
  stateless_headers("tools/list", "echo");
  CAF_CHECK_EQUAL(refused(), std::pair(400u, int64_t{-32020}));
  stateless_headers("TOOLS/CALL", "echo");
  CAF_CHECK_EQUAL(refused(), std::pair(400u, int64_t{-32020}));
  stateless_headers("tools/call");
  CAF_CHECK_EQUAL(refused(), std::pair(400u, int64_t{-32020}));
  headers.erase("mcp-method");
  CAF_CHECK_EQUAL(refused(), std::pair(400u, int64_t{-32020}));
  stateless_headers("tools/call", "wrong_tool");
  CAF_CHECK_EQUAL(refused(), std::pair(400u, int64_t{-32020}));
  stateless_headers("tools/call", "=?base64?ZWNo?=");
  CAF_CHECK_EQUAL(refused(), std::pair(400u, int64_t{-32020}));
  for (auto name : {"echo", "  echo  ", "=?base64?ZWNobw==?="}) {
    stateless_headers("tools/call", name);
    CAF_CHECK(route("POST", "/mcp", body).action
              == http_action::deliver_stateless);
  }
  // resources/read mirrors its uri.
  stateless_headers("resources/read", "test://a");
  CAF_CHECK(route("POST", "/mcp",
                  stateless_body("resources/read", R"("uri":"test://a")"))
              .action
            == http_action::deliver_stateless);
  stateless_headers("resources/read", "test://b");
  CAF_CHECK_EQUAL(stateless_refusal(route(
                    "POST", "/mcp",
                    stateless_body("resources/read", R"("uri":"test://a")"))),
                  std::pair(400u, int64_t{-32020}));
}

CAF_TEST(mcp param headers are decoded for the session to check) {
  auto body = stateless_body("tools/call", R"("name":"echo")");
  stateless_headers("tools/call", "echo");
  headers["mcp-param-region"] = "=?base64?SGVsbG8=?=";
  headers["mcp-param-count"] = "42";
  auto r = route("POST", "/mcp", body);
  CAF_REQUIRE(r.action == http_action::deliver_stateless);
  auto& got = r.mirrored.values;
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[0].first, "count");
  CAF_CHECK_EQUAL(got[0].second, "42");
  CAF_CHECK_EQUAL(got[1].first, "region");
  CAF_CHECK_EQUAL(got[1].second, "Hello");
  headers["mcp-param-region"] = "=?base64?SGVsbG8?=";
  CAF_CHECK_EQUAL(stateless_refusal(route("POST", "/mcp", body)),
                  std::pair(400u, int64_t{-32020}));
}

CAF_TEST(stateless revisions have no get delete batches or responses) {
  stateless_headers("tools/list");
  headers["accept"] = "text/event-stream";
  for (auto method : {"GET", "DELETE"}) {
    auto r = route(method, "/mcp");
    CAF_CHECK_EQUAL(r.status, 405u);
  }
  stateless_headers("tools/list");
  auto batch = route("POST", "/mcp", "[" + stateless_body("tools/list") + "]");
  CAF_CHECK_EQUAL(batch.status, 400u);
  CAF_CHECK_EQUAL(error_of(batch).first, -32600);
  auto response = route("POST", "/mcp", R"({"jsonrpc":"2.0","id":1,"result":{}})");
  CAF_CHECK_EQUAL(response.status, 400u);
  auto note = route("POST", "/mcp",
                    R"({"jsonrpc":"2.0","method":"notifications/cancelled",)"
                    R"("params":{"requestId":1}})");
  CAF_CHECK(note.action == http_action::respond);
  CAF_CHECK_EQUAL(note.status, 202u);
}

CAF_TEST(errors of stateless requests get the status of their code) {
  using mcp::detail::stateless_error_status;
  CAF_CHECK_EQUAL(stateless_error_status(-32601), 404u);
  for (auto code : {-32700, -32600, -32602, -32020, -32021, -32022})
    CAF_CHECK_EQUAL(stateless_error_status(code), 400u);
  for (auto code : {-32603, -32002, 1, -32000})
    CAF_CHECK_EQUAL(stateless_error_status(code), 200u);
}

CAF_TEST_FIXTURE_SCOPE_END()
