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
    return mcp::detail::route_http(
      paths, {method, target, body, header},
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

CAF_TEST_FIXTURE_SCOPE_END()
