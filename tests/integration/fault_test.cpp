#define CAF_SUITE integration.fault

#include <caf/test/unit_test.hpp>

// Fault tests: the client against tests/fixtures/misbehaving_server, a real
// child process that writes junk, oversized lines, fragmented output, crashes,
// never answers, or speaks an unknown protocol revision.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include <caf/actor_system.hpp>

#include "actors/blocking_client.hpp"
#include "actors/stdio_client.hpp"
#include "actors/error.hpp"
#include "actors/messages.hpp"
#include "actors/progress.hpp"
#include "actors/system_config.hpp"
#include "transports/stdio_transport.hpp"

namespace json = boost::json;

/// Fails the test with `msg` unless `cond` holds.
#define REQUIRE_MSG(cond, msg)                                                 \
  do {                                                                         \
    if (!(cond))                                                               \
      CAF_FAIL(#cond << ": " << msg);                                          \
    CAF_CHECK(cond);                                                           \
  } while (false)

using namespace std::chrono_literals;

namespace {

struct fixture {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  /// Every client started, shut down at the end even when a test fails
  /// early: a live client would keep the actor system from shutting down.
  std::vector<caf::actor> clients;

  ~fixture() {
    for (auto& c : clients)
      caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  }

  mcp::transports::stdio_transport_config
  transport_config(std::string mode, size_t max_line = 4 * 1024 * 1024) {
    mcp::transports::stdio_transport_config tc;
    tc.child.command = CAF_MCP_MISBEHAVING_SERVER;
    tc.child.args = {std::move(mode)};
    tc.max_line_size = max_line;
    return tc;
  }

  mcp::client_config client_config() {
    mcp::client_config cc;
    cc.log_bad_input = false;
    cc.handshake_timeout = std::chrono::seconds(10);
    return cc;
  }

  /// Starts a client whose server runs in `mode`.
  caf::actor start(std::string mode, size_t max_line = 4 * 1024 * 1024) {
    auto c = mcp::spawn_stdio_client(sys,
                                     transport_config(std::move(mode),
                                                      max_line),
                                     client_config());
    if (!c)
      CAF_FAIL("spawn_stdio_client failed: " << mcp::describe(c.error()));
    clients.push_back(*c);
    return *c;
  }
};

/// Request options with a bounded timeout.
mcp::request_options opts(caf::timespan timeout = std::chrono::seconds(5)) {
  mcp::request_options res;
  res.timeout = timeout;
  return res;
}

/// Returns `result.content[0].text`, or "<no text>".
std::string text_of(const json::value& result) {
  auto obj = result.if_object();
  auto content = obj ? obj->if_contains("content") : nullptr;
  auto arr = content ? content->if_array() : nullptr;
  if (arr == nullptr || arr->empty() || !(*arr)[0].is_object())
    return "<no text>";
  auto text = (*arr)[0].get_object().if_contains("text");
  if (text == nullptr || !text->is_string())
    return "<no text>";
  return std::string{text->get_string()};
}

std::string describe(const caf::expected<json::value>& x) {
  return x ? json::serialize(*x) : mcp::describe(x.error());
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(fault_tests, fixture)

CAF_TEST(garbage lines are counted and do not break the session) {
  mcp::blocking_client bc{sys, start("garbage")};
  auto res = bc.call_tool("echo", json::object{}, opts());
  REQUIRE_MSG(res, "tools/call failed: " << describe(res));
  CAF_CHECK_EQUAL(text_of(*res), "ok");
  auto st = bc.stats();
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->malformed_messages, 1u);
  CAF_CHECK_EQUAL(st->invalid_messages, 1u);
  CAF_CHECK_EQUAL(st->unknown_response_ids, 1u);
  CAF_CHECK_EQUAL(st->progress_unknown_token, 1u);
  CAF_CHECK_EQUAL(st->oversized_messages, 0u);
  CAF_CHECK_EQUAL(st->results, 1u);
  CAF_CHECK_EQUAL(st->errors, 0u);
  // The session goes on: a ping and a second call work.
  auto pong = bc.ping(opts());
  REQUIRE_MSG(pong, "ping failed: " << describe(pong));
  CAF_CHECK(pong->is_object() && pong->get_object().empty());
  auto again = bc.call_tool("echo", json::object{}, opts());
  REQUIRE_MSG(again, "second call failed: " << describe(again));
  CAF_CHECK_EQUAL(text_of(*again), "ok");
  st = bc.stats();
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->malformed_messages, 2u);
  CAF_CHECK_EQUAL(st->invalid_messages, 2u);
  CAF_CHECK_EQUAL(st->unknown_response_ids, 2u);
  CAF_CHECK_EQUAL(st->progress_unknown_token, 2u);
  CAF_CHECK_EQUAL(st->results, 3u);
  CAF_CHECK_EQUAL(st->in_flight, 0u);
  bc.shutdown();
}

CAF_TEST(oversized lines are dropped and counted) {
  mcp::blocking_client bc{sys, start("oversized", 64 * 1024)};
  auto res = bc.call_tool("echo", json::object{}, opts());
  REQUIRE_MSG(res, "tools/call failed: " << describe(res));
  CAF_CHECK_EQUAL(text_of(*res), "ok");
  auto st = bc.stats();
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->oversized_messages, 1u);
  CAF_CHECK_EQUAL(st->malformed_messages, 1u);
  // The dropped line was a notification: it must not count as one.
  CAF_CHECK_EQUAL(st->notifications, 0u);
  auto pong = bc.ping(opts());
  REQUIRE_MSG(pong, "ping failed: " << describe(pong));
  CAF_CHECK(pong->is_object() && pong->get_object().empty());
  auto again = bc.call_tool("echo", json::object{}, opts());
  REQUIRE_MSG(again, "second call failed: " << describe(again));
  st = bc.stats();
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->oversized_messages, 2u);
  CAF_CHECK_EQUAL(st->results, 3u);
  bc.shutdown();
}

CAF_TEST(fragmented and batched output arrives intact) {
  mcp::blocking_client bc{sys, start("fragmented")};
  auto info = bc.info();
  REQUIRE_MSG(info, "handshake failed: " << mcp::describe(info.error()));
  CAF_CHECK_EQUAL(info->protocol_version, "2025-11-25");
  // Results written in many small pieces come back byte for byte.
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "fragment " + std::to_string(i) + " \xc3\xa9\xe2\x82\xac \"q\" \\ \n\t;";
  for (int round = 0; round < 3; ++round) {
    json::object args;
    args["text"] = text + std::to_string(round);
    auto res = bc.call_tool("echo", std::move(args), opts());
    REQUIRE_MSG(res, "tools/call failed: " << describe(res));
    CAF_CHECK_EQUAL(text_of(*res), text + std::to_string(round));
  }
  // Three progress notifications and the result arrive in one write.
  // Shared with the callback, which may outlive this scope if a check fails.
  struct progress_log {
    std::mutex mtx;
    std::condition_variable cv;
    std::vector<mcp::progress_update> updates;
  };
  auto log = std::make_shared<progress_log>();
  auto on_progress = [log](const mcp::progress_update& x) {
    std::lock_guard<std::mutex> guard{log->mtx};
    log->updates.push_back(x);
    log->cv.notify_all();
  };
  json::object args;
  args["text"] = "batched";
  auto res = bc.call_tool("batch", std::move(args),
                          mcp::progress_token{"frag-1"}, on_progress, opts());
  REQUIRE_MSG(res, "batched call failed: " << describe(res));
  CAF_CHECK_EQUAL(text_of(*res), "batched");
  // The client handed every update to the subscription before the result.
  auto st = bc.stats();
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->progress_delivered, 3u);
  CAF_CHECK_EQUAL(st->progress_unknown_token, 0u);
  CAF_CHECK_EQUAL(st->progress_late, 0u);
  CAF_CHECK_EQUAL(st->malformed_messages, 0u);
  CAF_CHECK_EQUAL(st->invalid_messages, 0u);
  CAF_CHECK_EQUAL(st->results, 4u);
  // The callback runs in the subscription actor: wait for it, bounded.
  std::vector<mcp::progress_update> updates;
  {
    std::unique_lock<std::mutex> guard{log->mtx};
    auto all = log->cv.wait_for(guard, 5s,
                                [&] { return log->updates.size() >= 3; });
    CAF_CHECK(all);
    updates = log->updates;
  }
  CAF_CHECK_EQUAL(updates.size(), 3u);
  for (size_t k = 0; k < updates.size(); ++k) {
    auto& u = updates[k];
    CAF_CHECK(u.token == mcp::progress_token{"frag-1"});
    CAF_CHECK_EQUAL(u.progress, static_cast<double>(k + 1));
    CAF_CHECK(u.total && *u.total == 3.0);
    CAF_CHECK(u.message && *u.message == "step " + std::to_string(k + 1));
  }
  // An integer token travels too.
  auto count = std::make_shared<std::atomic<int>>(0);
  json::object args2;
  args2["text"] = "batched again";
  res = bc.call_tool("batch", std::move(args2), mcp::progress_token{int64_t{77}},
                     [count](const mcp::progress_update&) { ++*count; }, opts());
  REQUIRE_MSG(res, "second batched call failed: " << describe(res));
  CAF_CHECK_EQUAL(text_of(*res), "batched again");
  st = bc.stats();
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->progress_delivered, 6u);
  for (int i = 0; i < 500 && count->load() < 3; ++i)
    std::this_thread::sleep_for(10ms);
  CAF_CHECK_EQUAL(count->load(), 3);
  auto pong = bc.ping(opts());
  REQUIRE_MSG(pong, "ping failed: " << describe(pong));
  bc.shutdown();
}

CAF_TEST(a server that exits mid request fails the call with its status) {
  mcp::blocking_client bc{sys, start("exit_mid_request")};
  auto info = bc.info();
  REQUIRE_MSG(info, "handshake failed: " << mcp::describe(info.error()));
  auto res = bc.call_tool("crash", json::object{}, opts());
  REQUIRE_MSG(!res, "tools/call succeeded unexpectedly");
  auto what = mcp::describe(res.error());
  CAF_MESSAGE("error: " << what);
  CAF_CHECK(mcp::is(res.error(), mcp::errc::transport_closed));
  CAF_CHECK(contains(what, "status 3"));
  CAF_CHECK(contains(what, "simulated crash"));
  // No restart policy: the session is over and later requests fail.
  auto pong = bc.ping(opts());
  CAF_CHECK(!pong);
  bc.shutdown();
}

CAF_TEST(a restart policy starts a new server and handshakes again) {
  auto c = mcp::spawn_stdio_client(
    sys, transport_config("exit_mid_request"), client_config(),
    mcp::restart_policy::with_backoff(2, std::chrono::milliseconds(10)));
  REQUIRE_MSG(c, "spawn failed");
  clients.push_back(*c);
  mcp::blocking_client bc{sys, *c};
  auto first = bc.call_tool("crash", json::object{}, opts());
  REQUIRE_MSG(!first, "tools/call succeeded unexpectedly");
  CAF_CHECK(mcp::is(first.error(), mcp::errc::transport_closed));
  auto pong = bc.ping(opts());
  CAF_CHECK(static_cast<bool>(pong));
  auto second = bc.call_tool("crash", json::object{}, opts());
  CAF_CHECK(!second);
  CAF_CHECK(static_cast<bool>(bc.ping(opts())));
  auto st = bc.stats();
  REQUIRE_MSG(st, "stats failed");
  CAF_CHECK_EQUAL(st->reconnects, 2u);
  // The third crash exceeds the limit of two restarts: the session ends.
  caf::scoped_actor watcher{sys};
  watcher->monitor(*c);
  auto third = bc.call_tool("crash", json::object{}, opts());
  CAF_CHECK(!third);
  caf::error reason;
  watcher->receive([&](caf::down_msg& dm) { reason = dm.reason; },
                   caf::after(std::chrono::seconds(10)) >> [] {
                     CAF_FAIL("session did not end");
                   });
  CAF_CHECK(mcp::is(reason, mcp::errc::session_closed));
  CAF_CHECK(contains(mcp::describe(reason), "restart limit"));
}

CAF_TEST(a request without answer times out or is cancelled) {
  auto client = start("no_answer");
  mcp::blocking_client bc{sys, client};
  auto info = bc.info();
  REQUIRE_MSG(info, "handshake failed: " << mcp::describe(info.error()));
  // Timeout.
  auto t0 = std::chrono::steady_clock::now();
  auto res = bc.call_tool("hang", json::object{}, opts(200ms));
  auto elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE_MSG(!res, "tools/call succeeded unexpectedly");
  CAF_MESSAGE("error: " << mcp::describe(res.error()));
  CAF_CHECK(mcp::is(res.error(), mcp::errc::timeout));
  CAF_CHECK(elapsed >= 190ms);
  CAF_CHECK(elapsed < 3s);
  auto st = bc.stats();
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->timeouts, 1u);
  CAF_CHECK_EQUAL(st->in_flight, 0u);
  // Cancellation by key, from another thread.
  caf::expected<json::value> cancelled{json::value{}};
  std::thread caller{[&] {
    mcp::blocking_client tbc{sys, client};
    auto o = opts(10s);
    o.cancel_key = "k1";
    cancelled = tbc.call_tool("hang", json::object{}, std::move(o));
  }};
  // Waits until the call is in flight, bounded.
  auto in_flight = false;
  for (int i = 0; i < 500 && !in_flight; ++i) {
    auto s = bc.stats();
    in_flight = s && s->in_flight == 1;
    if (!in_flight)
      std::this_thread::sleep_for(10ms);
  }
  CAF_CHECK(in_flight);
  t0 = std::chrono::steady_clock::now();
  mcp::cancel_request(client, std::string{"k1"});
  caller.join();
  elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE_MSG(!cancelled, "cancelled call succeeded unexpectedly");
  CAF_MESSAGE("error: " << mcp::describe(cancelled.error()));
  CAF_CHECK(mcp::is(cancelled.error(), mcp::errc::cancelled));
  CAF_CHECK(elapsed < 5s);
  st = bc.stats();
  CAF_REQUIRE(st);
  CAF_CHECK_EQUAL(st->cancellations, 1u);
  CAF_CHECK_EQUAL(st->in_flight, 0u);
  // The session survives both.
  auto pong = bc.ping(opts());
  REQUIRE_MSG(pong, "ping failed: " << describe(pong));
  bc.shutdown();
}

CAF_TEST(a killed client fails calls in flight instead of hanging) {
  auto client = start("no_answer");
  mcp::blocking_client bc{sys, client};
  REQUIRE_MSG(bc.info(), "handshake failed");
  std::thread killer{[&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    caf::anon_send_exit(client, caf::exit_reason::kill);
  }};
  auto res = bc.call_tool("hang", json::object{}, opts(std::chrono::seconds(30)));
  killer.join();
  REQUIRE_MSG(!res, "call succeeded unexpectedly");
  CAF_CHECK(mcp::is(res.error(), mcp::errc::session_closed));
  CAF_CHECK(contains(mcp::describe(res.error()), "client is gone"));
  auto again = bc.ping(opts());
  CAF_CHECK(!again);
}

CAF_TEST(an unsupported protocol version fails the handshake) {
  mcp::blocking_client bc{sys, start("bad_version")};
  auto info = bc.info();
  REQUIRE_MSG(!info, "handshake succeeded unexpectedly");
  auto what = mcp::describe(info.error());
  CAF_MESSAGE("error: " << what);
  CAF_CHECK(mcp::is(info.error(), mcp::errc::unsupported_protocol_version));
  CAF_CHECK(contains(what, "1999-01-01"));
  auto res = bc.ping(opts());
  CAF_CHECK(!res);
  bc.shutdown();
}

CAF_TEST(a missing server program is an error not a crash) {
  for (std::string cmd : {"/nonexistent/caf-mcp-no-such-server",
                          "caf-mcp-no-such-server-in-path"}) {
    auto tc = transport_config("garbage");
    tc.child.command = cmd;
    auto c = mcp::spawn_stdio_client(sys, tc, client_config());
    CAF_CHECK(!c);
    if (!c) {
      auto what = mcp::describe(c.error());
      CAF_MESSAGE(cmd << ": " << what);
      CAF_CHECK(contains(what, cmd));
      CAF_CHECK(contains(what, "No such file"));
    } else {
      clients.push_back(*c);
    }
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
