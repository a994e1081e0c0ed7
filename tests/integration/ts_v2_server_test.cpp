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

#include "actors/atoms.hpp"
#include "actors/request_handler.hpp"
#include "tests/integration/support.hpp"
#include "tests/support/loopback.hpp"
#include "transports/child_process.hpp"

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

struct fixture : mcp::test::client_fixture {
  uint16_t port = mcp::test::free_port();
  std::optional<mcp::transports::child_process> server;

  fixture() {
    CAF_REQUIRE_EQUAL(::access(node().c_str(), X_OK), 0);
    CAF_REQUIRE_EQUAL(::access(script().c_str(), R_OK), 0);
  }

  ~fixture() {
    stop_client();
  }

  mcp::client_config config(version_negotiation neg) {
    mcp::client_config cfg;
    cfg.log_bad_input = true;
    cfg.negotiation = neg;
    cfg.elicitation_handler = mcp::spawn_request_handler(
      sys, [](const mcp::server_request& req) -> caf::expected<json::value> {
        if (req.params.at("message") != "confirm?")
          return caf::make_error(caf::sec::invalid_argument, "unexpected");
        return json::value(json::object{{"action", "accept"},
                                        {"content", {{"ok", true}}}});
      });
    return cfg;
  }

  mcp::server_info over_stdio(version_negotiation neg) {
    mcp::transports::stdio_transport_config t;
    t.child.command = node();
    t.child.args = {script(), "stdio"};
    return start_client(t, config(neg));
  }

  mcp::server_info over_http(version_negotiation neg) {
    mcp::transports::child_process_spec spec;
    spec.command = node();
    spec.args = {script(), "http", std::to_string(port)};
    auto child = mcp::transports::child_process::spawn(spec);
    CAF_REQUIRE(static_cast<bool>(child));
    server.emplace(std::move(*child));
    CAF_REQUIRE(mcp::test::wait_listening(port));
    mcp::transports::http_transport_config t;
    t.url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
    return start_client(t, config(neg));
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
    caf::scoped_actor subscriber{sys};
    mcp::request_options opts;
    opts.progress = mcp::progress_token{"count-1"};
    opts.progress_subscribers.push_back(subscriber);
    auto counted = ok(api->call_tool("count", json::object{{"steps", 3}},
                                     std::move(opts)));
    CAF_CHECK_EQUAL(text_of(counted), "counted");
    // The result came back only after the subscription's end: everything is
    // in the subscriber's mailbox already.
    auto got = mcp::test::receive_progress(subscriber, 10);
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

  /// Subscribes to every notification and returns the first one's method
  /// (a stateless client opens a listen, which the server acknowledges).
  std::string first_notification() {
    caf::scoped_actor sink{sys};
    caf::anon_send(client, mcp::subscribe_atom::value, std::string{},
                   caf::actor{sink});
    std::string res = "none";
    sink->receive(
      [&](mcp::server_notification& x) { res = x.method; },
      caf::after(std::chrono::seconds(10)) >> [] {});
    return res;
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
