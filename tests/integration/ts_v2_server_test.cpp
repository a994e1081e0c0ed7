// Interop: caf-mcp's client against a dual-era server written with the
// TypeScript SDK v2 (tests/interop/ts_v2_server.mjs, `@modelcontextprotocol/
// server` 2.4.0 pinned in package-lock.json), over stdio and Streamable
// HTTP on 127.0.0.1, in each way the client negotiates: tools, progress to a
// subscriber actor (in order, the final progress_done before the result), and
// an elicitation through the client's handler (a multi-round-trip request
// under 2026-07-28, a server-to-client request under 2025-11-25).
#define CAF_SUITE integration.ts_v2_server
#include <caf/test/unit_test.hpp>

#include <optional>
#include <string>
#include <unistd.h>

#include <boost/json/value.hpp>

#include <caf/scoped_actor.hpp>

#include "tests/integration/peer_fixture.hpp"

namespace json = boost::json;
using mcp::test::has_named;
using mcp::test::text_of;
using mcp::version_negotiation;

namespace {

std::string node() {
  return std::string{CAF_MCP_SOURCE_DIR} + "/node_modules/.bin/node";
}

std::string script() {
  return std::string{CAF_MCP_SOURCE_DIR} + "/tests/interop/ts_v2_server.mjs";
}

struct fixture : mcp::test::peer_fixture {
  fixture()
    : peer_fixture(node(), {script(), "stdio"}, {script(), "http", "PORT"}) {
    CAF_REQUIRE_EQUAL(::access(script().c_str(), R_OK), 0);
  }

  /// Lists, calls, follows progress and answers an elicitation (unless
  /// `can_elicit` is false).
  void exercise(bool can_elicit = true) {
    auto tools = ok(api->list_tools());
    CAF_CHECK(has_named(tools, "tools", "add"));
    CAF_CHECK(has_named(tools, "tools", "confirm"));
    CAF_CHECK_EQUAL(text_of(ok(api->call_tool("add", json::object{{"a", 2},
                                                                  {"b", 3}}))),
                    "5");
    json::value counted;
    auto got = call_with_progress("count", json::object{{"steps", 3}},
                                  &counted);
    CAF_CHECK_EQUAL(text_of(counted), "counted");
    CAF_REQUIRE(got.done);
    CAF_CHECK_EQUAL(got.done->outcome, mcp::progress_outcome::completed);
    CAF_REQUIRE_EQUAL(got.updates.size(), 3u);
    for (size_t i = 0; i < 3; ++i)
      CAF_CHECK_EQUAL(got.updates[i].progress, static_cast<double>(i + 1));
    auto confirmed = ok(api->call_tool("confirm", json::object{}));
    if (can_elicit) {
      CAF_CHECK_EQUAL(text_of(confirmed), "confirmed: yes");
      return;
    }
    // Without a session, the server's instance never saw the client's
    // capabilities: the tool fails (as a tool error).
    CAF_CHECK_EQUAL(confirmed.at("isError"), true);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(ts_v2_server_tests, fixture)

CAF_TEST(stdio automatic negotiation speaks 2026-07-28) {
  CAF_CHECK_EQUAL(over_stdio(version_negotiation::automatic()).protocol_version,
                  "2026-07-28");
  exercise();
}

CAF_TEST(stdio pinned to 2026-07-28) {
  auto info = over_stdio(version_negotiation::pin(
    mcp::protocol::revision::latest()));
  CAF_CHECK_EQUAL(info.protocol_version, "2026-07-28");
  CAF_CHECK_EQUAL(info.implementation.at("name"), "ts-v2-server");
  exercise();
}

CAF_TEST(stdio legacy negotiation speaks 2025-11-25) {
  CAF_CHECK_EQUAL(over_stdio(version_negotiation::legacy()).protocol_version,
                  "2025-11-25");
  exercise();
}

CAF_TEST(http automatic negotiation speaks 2026-07-28) {
  CAF_CHECK_EQUAL(over_http(version_negotiation::automatic()).protocol_version,
                  "2026-07-28");
  exercise();
}

CAF_TEST(a stateless client listens for notifications) {
  over_http(version_negotiation::automatic());
  CAF_CHECK_EQUAL(first_notification(),
                  "notifications/subscriptions/acknowledged");
}

CAF_TEST(http legacy negotiation speaks 2025-11-25) {
  // The SDK serves the 2025 era over HTTP statelessly (a new instance per
  // request, no session): it cannot ask the client anything.
  CAF_CHECK_EQUAL(over_http(version_negotiation::legacy()).protocol_version,
                  "2025-11-25");
  exercise(false);
}

CAF_TEST_FIXTURE_SCOPE_END()
