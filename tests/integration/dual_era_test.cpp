// caf-mcp's client against caf-mcp's everything server, in both eras, over
// stdio and Streamable HTTP on 127.0.0.1: the same handler code (progress,
// a two-round elicitation) serves a 2026-07-28 client through
// InputRequiredResult rounds and a 2025-11-25 client through requests to
// the client, and the client's handler actor answers both.
#define CAF_SUITE integration.dual_era
#include <caf/test/unit_test.hpp>

#include <string>

#include <boost/json/value.hpp>

#include "tests/integration/peer_fixture.hpp"

namespace json = boost::json;
using mcp::test::text_of;
using mcp::version_negotiation;

namespace {

struct fixture : mcp::test::peer_fixture {
  fixture()
    : peer_fixture(CAF_MCP_EVERYTHING_SERVER, {},
                   {"--http", "127.0.0.1:PORT"}) {
    // nop
  }

  mcp::client_stats ok_stats() {
    auto res = api->stats();
    CAF_REQUIRE(static_cast<bool>(res));
    return *res;
  }

  void exercise() {
    json::value result;
    auto got = call_with_progress("test_tool_with_progress", json::object{},
                                  &result);
    CAF_CHECK_EQUAL(text_of(result),
                    "Tool with progress executed successfully");
    CAF_REQUIRE(got.done);
    CAF_CHECK_EQUAL(got.done->outcome, mcp::progress_outcome::completed);
    CAF_REQUIRE_EQUAL(got.updates.size(), 3u);
    CAF_CHECK_EQUAL(got.updates[0].progress, 0.0);
    CAF_CHECK_EQUAL(got.updates[2].progress, 100.0);
    CAF_CHECK_EQUAL(text_of(ok(api->call_tool(
                      "test_input_required_result_multi_round",
                      json::object{}))),
                    "Ada likes blue");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(dual_era_tests, fixture)

CAF_TEST(stdio automatic negotiation speaks 2026-07-28) {
  CAF_CHECK_EQUAL(over_stdio(version_negotiation::automatic()).protocol_version,
                  "2026-07-28");
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
  CAF_CHECK_EQUAL(first_notification(),
                  "notifications/subscriptions/acknowledged");
}

CAF_TEST(a stateless request whose stream broke is sent again) {
  over_http(version_negotiation::automatic());
  auto before = ok_stats().requests_sent;
  CAF_CHECK_EQUAL(text_of(ok(api->call_tool("test_stream_breaks_once",
                                            json::object{}))),
                  "attempt 2");
  CAF_CHECK_EQUAL(ok_stats().requests_sent, before + 2);
}

CAF_TEST(http pinned to 2026-07-28) {
  CAF_CHECK_EQUAL(over_http(version_negotiation::pin(
                              mcp::protocol::revision::latest()))
                    .protocol_version,
                  "2026-07-28");
  exercise();
}

CAF_TEST(http legacy negotiation speaks 2025-11-25) {
  CAF_CHECK_EQUAL(over_http(version_negotiation::legacy()).protocol_version,
                  "2025-11-25");
  exercise();
}

CAF_TEST_FIXTURE_SCOPE_END()
