// The C++ client over Streamable HTTP against servers as real processes on
// 127.0.0.1: @modelcontextprotocol/server-everything (no one here wrote it)
// and this project's everything fixture.
#define CAF_SUITE integration.http_client
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include <caf/scoped_actor.hpp>

#include "actors/progress.hpp"
#include "actors/requests.hpp"
#include "tests/integration/support.hpp"
#include "tests/support/loopback.hpp"
#include "transports/child_process.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using mcp::test::progress_record;
using mcp::test::text_of;
using mcp::test::free_port;
using mcp::test::wait_listening;

namespace {

/// A server process listening on a port of its own, stopped with the
/// fixture.
struct fixture : mcp::test::client_fixture {
  uint16_t port = free_port();
  std::optional<mcp::transports::child_process> server;

  ~fixture() {
    // The client ends before its server does, as a program would.
    stop_client();
  }

  void run(mcp::transports::child_process_spec spec) {
    auto child = mcp::transports::child_process::spawn(spec);
    CAF_REQUIRE(static_cast<bool>(child));
    server.emplace(std::move(*child));
    CAF_REQUIRE(wait_listening(port));
  }

  void run_everything(std::string mode = "streamableHttp") {
    mcp::transports::child_process_spec spec;
    // Its HTTP modes need Node.js 19 or later (Debian 12 has 18): the
    // pinned Node.js 22.
    spec.command = std::string{CAF_MCP_SOURCE_DIR} + "/node_modules/.bin/node";
    spec.args = {std::string{CAF_MCP_SOURCE_DIR}
                   + "/node_modules/@modelcontextprotocol/server-everything/"
                     "dist/index.js",
                 std::move(mode)};
    spec.env = {{"PORT", std::to_string(port)}};
    run(std::move(spec));
  }

  void run_fixture() {
    mcp::transports::child_process_spec spec;
    spec.command = CAF_MCP_EVERYTHING_SERVER;
    spec.args = {"--http", "127.0.0.1:" + std::to_string(port)};
    run(std::move(spec));
  }

  mcp::server_info
  connect(mcp::transports::http_mode mode = mcp::transports::http_mode::streamable,
          std::string path = "/mcp") {
    mcp::transports::http_transport_config t;
    t.url = "http://127.0.0.1:" + std::to_string(port) + path;
    t.mode = mode;
    mcp::client_config c;
    c.log_bad_input = true;
    return start_client(t, c);
  }

  /// Calls `tool` with `args` and a progress callback; checks that `steps`
  /// updates came in order, spread over at least `spread` (each reached the
  /// subscriber when it arrived, not with the result).
  void check_progress(std::string tool, json::value args, int steps,
                      std::chrono::milliseconds spread) {
    progress_record record;
    auto token = mcp::make_progress_token();
    auto result = api->call_tool(
      std::move(tool), std::move(args), token,
      [&](const mcp::progress_update& x) { record.add(x); });
    auto answered = std::chrono::steady_clock::now();
    CAF_REQUIRE(static_cast<bool>(result));
    std::lock_guard<std::mutex> guard{record.mtx};
    CAF_REQUIRE_EQUAL(record.updates.size(), static_cast<size_t>(steps));
    for (size_t i = 0; i < record.updates.size(); ++i) {
      CAF_CHECK_EQUAL(record.updates[i].token, token);
      CAF_CHECK_EQUAL(record.updates[i].progress, static_cast<double>(i + 1));
    }
    CAF_CHECK(record.times.back() - record.times.front() >= spread);
    CAF_CHECK(answered - record.times.front() >= spread);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_client_tests, fixture)

CAF_TEST(server-everything streams progress as it happens) {
  run_everything();
  auto info = connect();
  CAF_CHECK_EQUAL(info.protocol_version, "2025-11-25");
  auto tools = ok(api->list_tools());
  CAF_CHECK(mcp::test::has_named(tools, "tools",
                                 "trigger-long-running-operation"));
  // Five steps over a second: about 200 ms apart.
  check_progress("trigger-long-running-operation",
                 json::object{{"duration", 1}, {"steps", 5}}, 5, 500ms);
  auto echo = ok(api->call_tool("echo", json::object{{"message", "hi"}}));
  CAF_CHECK(text_of(echo).find("hi") != std::string::npos);
}

CAF_TEST(the fixture over http serves every kind of request) {
  run_fixture();
  auto info = connect();
  CAF_CHECK_EQUAL(info.protocol_version, "2025-11-25");
  CAF_CHECK(static_cast<bool>(api->ping()));
  auto res = ok(api->read_resource("test://static-text"));
  CAF_CHECK(res.at("contents").at(0).at("text").is_string());
  auto prompt = ok(api->get_prompt("test_simple_prompt", {}));
  CAF_CHECK(prompt.at("messages").is_array());
  // Progress, then the result, and a stream the server closes on the way
  // (the client resumes it with Last-Event-ID).
  auto done = ok(api->call_tool("test_reconnection", json::object{}));
  CAF_CHECK(text_of(done).find("successfully") != std::string::npos);
  auto st = api->stats();
  CAF_REQUIRE(static_cast<bool>(st));
  CAF_CHECK_EQUAL(st->errors, 0u);
}

CAF_TEST(a server killed mid request over http fails the call at once) {
  run_fixture();
  connect();
  auto started = std::chrono::steady_clock::now();
  std::thread killer{[&] {
    std::this_thread::sleep_for(500ms);
    server->kill();
  }};
  auto res = api->call_tool("wait", json::object{{"seconds", 20}});
  auto took = std::chrono::steady_clock::now() - started;
  killer.join();
  CAF_REQUIRE(!res);
  CAF_MESSAGE("failed after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took)
                   .count()
              << " ms: " << mcp::describe(res.error()));
  // The connection's end fails it, not its 30 s timeout.
  CAF_CHECK(!mcp::is(res.error(), mcp::errc::timeout));
  CAF_CHECK(mcp::is(res.error(), mcp::errc::transport_closed));
  CAF_CHECK_LESS(took, 8s);
  auto ping = api->ping();
  CAF_CHECK(!ping);
}

CAF_TEST(many requests in flight share a few connections) {
  run_fixture();
  connect();
  caf::scoped_actor self{sys};
  for (int i = 0; i < 50; ++i)
    self->send(client, mcp::requests::call_tool(
                         "test_simple_text", json::object{}, {}));
  int answered = 0;
  for (int i = 0; i < 50; ++i)
    self->receive([&](json::value& x) { answered += x.is_object(); },
                  [&](caf::error& err) {
                    CAF_FAIL("call failed: " << mcp::describe(err));
                  },
                  caf::after(10s) >> [] { CAF_FAIL("no answer"); });
  CAF_CHECK_EQUAL(answered, 50);
}

CAF_TEST(server-everything over legacy sse streams progress as it happens) {
  run_everything("sse");
  auto info = connect(mcp::transports::http_mode::legacy_sse, "/sse");
  CAF_CHECK(!info.protocol_version.empty());
  check_progress("trigger-long-running-operation",
                 json::object{{"duration", 1}, {"steps", 5}}, 5, 500ms);
}

CAF_TEST(detection falls back to legacy sse for an old server) {
  run_everything("sse");
  // POST /sse gets 404 from a server that only has the old transport.
  auto info = connect(mcp::transports::http_mode::detect, "/sse");
  CAF_CHECK(!info.protocol_version.empty());
  auto echo = ok(api->call_tool("echo", json::object{{"message", "old"}}));
  CAF_CHECK(text_of(echo).find("old") != std::string::npos);
}

CAF_TEST(detection keeps streamable http for a new server) {
  run_fixture();
  connect(mcp::transports::http_mode::detect, "/mcp");
  CAF_CHECK(static_cast<bool>(api->ping()));
  check_progress("long-running-operation",
                 json::object{{"duration", 0.5}, {"steps", 5}}, 5, 250ms);
}

CAF_TEST(the fixture serves legacy sse clients) {
  run_fixture();
  connect(mcp::transports::http_mode::legacy_sse, "/sse");
  CAF_CHECK(static_cast<bool>(api->ping()));
  check_progress("long-running-operation",
                 json::object{{"duration", 0.5}, {"steps", 5}}, 5, 250ms);
  auto sampled = api->call_tool("test_simple_text", json::object{});
  CAF_CHECK(static_cast<bool>(sampled));
}

CAF_TEST_FIXTURE_SCOPE_END()
