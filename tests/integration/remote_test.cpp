#define CAF_SUITE integration.remote
#include <caf/test/unit_test.hpp>

// Clients across nodes: real processes on 127.0.0.1 talking BASP through
// CAF's middleman. One node runs a client of the everything fixture
// (`node_peer serve`, or this test), the other uses it (`node_peer call`,
// or this test), and either is killed with SIGKILL mid-call.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <poll.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/json/value.hpp>

#include <caf/all.hpp>

#include "actors/client_actor.hpp"
#include "actors/progress.hpp"
#include "actors/remote.hpp"
#include "tests/integration/support.hpp"
#include "tests/support/loopback.hpp"
#include "transports/child_process.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

/// A `node_peer` process whose output the test reads line by line.
struct peer {
  mcp::transports::child_process proc;
  std::string pending;

  static peer start(std::vector<std::string> args) {
    mcp::transports::child_process_spec spec;
    spec.command = CAF_MCP_NODE_PEER;
    spec.args = std::move(args);
    auto child = mcp::transports::child_process::spawn(spec);
    if (!child)
      CAF_FAIL("cannot start node_peer: " << child.error());
    return peer{std::move(*child), {}};
  }

  ~peer() {
    proc.kill();
    proc.wait();
  }

  /// Returns the next line that starts with `prefix` (without it), reading
  /// for 20 s at most; fails the test on silence or end of output.
  std::string line(std::string_view prefix) {
    auto deadline = clock_type::now() + 20s;
    for (;;) {
      while (auto nl = pending.find('\n')) {
        if (nl == std::string::npos)
          break;
        auto text = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        if (text.rfind(prefix, 0) == 0)
          return text.substr(prefix.size());
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - clock_type::now());
      if (left.count() <= 0)
        CAF_FAIL("node_peer printed no \"" << prefix << "\" within 20 s");
      pollfd fd{proc.stdout_fd(), POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(left.count()));
      char buf[4096];
      auto n = ::read(proc.stdout_fd(), buf, sizeof(buf));
      if (n == 0)
        CAF_FAIL("node_peer ended before printing \"" << prefix << "\"");
      if (n > 0)
        pending.append(buf, static_cast<size_t>(n));
    }
  }
};

/// What a requester on this node saw, in the order it saw it.
struct events {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<std::string> seen;
  std::vector<double> progress;
  caf::error failure;
  bool ended = false;
  clock_type::time_point ended_at;

  void add(std::string what) {
    std::lock_guard<std::mutex> guard{mtx};
    seen.push_back(std::move(what));
    cv.notify_all();
  }

  void end(std::string what, caf::error err = {}) {
    std::lock_guard<std::mutex> guard{mtx};
    seen.push_back(std::move(what));
    failure = std::move(err);
    ended = true;
    ended_at = clock_type::now();
    cv.notify_all();
  }

  template <class Predicate>
  bool wait(Predicate pred, std::chrono::seconds limit = 20s) {
    std::unique_lock<std::mutex> guard{mtx};
    return cv.wait_for(guard, limit, [&] { return pred(*this); });
  }
};

/// Spawns an actor that calls `wait` for `seconds` through `client`, as
/// its own progress subscriber, and records everything it receives.
void call_wait(caf::actor_system& sys, mcp::client_actor client,
               double seconds, std::shared_ptr<events> log) {
  sys.spawn([=](caf::event_based_actor* self) -> caf::behavior {
    mcp::client_request req;
    req.method = "tools/call";
    req.params = json::object{{"name", "wait"},
                              {"arguments", {{"seconds", seconds}}}};
    req.options.progress = mcp::make_progress_token();
    req.options.progress_subscribers.push_back(self);
    req.options.timeout = 60s;
    self->request(client, caf::infinite, std::move(req))
      .then(
        [=](json::value& res) {
          log->end("result " + mcp::test::text_of(res));
          self->quit();
        },
        [=](caf::error& err) {
          log->end("error", err);
          self->quit();
        });
    return {
      [=](mcp::progress_update& x) {
        {
          std::lock_guard<std::mutex> guard{log->mtx};
          log->progress.push_back(x.progress);
        }
        log->add("progress");
      },
      [=](mcp::progress_done& x) {
        log->add(std::string{"done "} + to_string(x.outcome));
      },
    };
  });
}

/// Polls `fn` every 10 ms for `limit`; returns whether it turned true.
template <class Predicate>
bool eventually(Predicate fn, std::chrono::milliseconds limit = 5000ms) {
  auto deadline = clock_type::now() + limit;
  while (clock_type::now() < deadline) {
    if (fn())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return fn();
}

struct fixture : mcp::test::client_fixture {};

} // namespace

CAF_TEST_FIXTURE_SCOPE(remote_tests, fixture)

CAF_TEST(a client on another node answers with progress then the result) {
  auto a = peer::start({"serve", CAF_MCP_EVERYTHING_SERVER});
  auto port = static_cast<uint16_t>(std::stoi(a.line("port ")));
  auto client = mcp::connect_client(sys, "127.0.0.1", port);
  CAF_REQUIRE(static_cast<bool>(client));
  auto log = std::make_shared<events>();
  call_wait(sys, *client, 1.0, log);
  CAF_REQUIRE(log->wait([](events& x) { return x.ended; }));
  std::lock_guard<std::mutex> guard{log->mtx};
  CAF_REQUIRE(!log->failure);
  // Ten updates in order, then the end of the subscription, then the result.
  CAF_CHECK_EQUAL(log->progress.size(), 10u);
  CAF_CHECK(std::is_sorted(log->progress.begin(), log->progress.end()));
  CAF_REQUIRE(log->seen.size() >= 2u);
  CAF_CHECK_EQUAL(log->seen[log->seen.size() - 2], "done completed");
  CAF_CHECK_EQUAL(log->seen.back(), "result waited 1.000000s");
  CAF_CHECK_EQUAL(std::count(log->seen.begin(), log->seen.end(), "progress"),
                  10);
  // The stand-in answers the other requests of the interface too.
  caf::scoped_actor self{sys};
  self->request(*client, 10s, mcp::server_info_atom::value)
    .receive(
      [](mcp::server_info& info) {
        CAF_CHECK_EQUAL(info.implementation.at("name").as_string(),
                        "caf-mcp-everything");
      },
      [](caf::error& err) { CAF_FAIL(mcp::describe(err)); });
}

CAF_TEST(the callers of a client whose node dies fail at once) {
  auto a = peer::start({"serve", CAF_MCP_EVERYTHING_SERVER});
  auto port = static_cast<uint16_t>(std::stoi(a.line("port ")));
  auto client = mcp::connect_client(sys, "127.0.0.1", port);
  CAF_REQUIRE(static_cast<bool>(client));
  caf::scoped_actor self{sys};
  self->monitor(*client);
  auto log = std::make_shared<events>();
  call_wait(sys, *client, 30.0, log);
  CAF_REQUIRE(log->wait([](events& x) { return !x.progress.empty(); }));
  auto killed_at = clock_type::now();
  a.proc.kill();
  // The request's timeout is 60 s; the error comes with the connection's end.
  CAF_REQUIRE(log->wait([](events& x) { return x.ended; }, 10s));
  std::lock_guard<std::mutex> guard{log->mtx};
  CAF_CHECK(mcp::is(log->failure, mcp::errc::actor_down));
  CAF_CHECK_LESS(log->ended_at - killed_at, 5s);
  CAF_MESSAGE("failed " << std::chrono::duration_cast<std::chrono::milliseconds>(
                         log->ended_at - killed_at)
                         .count()
                    << " ms after SIGKILL: " << mcp::describe(log->failure));
  // The stand-in is gone too, and says why.
  bool down = false;
  self->receive(
    [&](caf::down_msg& dm) {
      down = mcp::is(dm.reason, mcp::errc::actor_down);
    },
    caf::after(5s) >> [] {});
  CAF_CHECK(down);
}

CAF_TEST(a subscriber whose node dies leaves nothing behind) {
  mcp::transports::stdio_transport_config t;
  t.child.command = CAF_MCP_EVERYTHING_SERVER;
  start_client(t, {});
  auto port = mcp::publish_client(mcp::typed_client(client), 0);
  CAF_REQUIRE(static_cast<bool>(port));
  auto stats = [this] {
    auto res = api->stats();
    if (!res)
      CAF_FAIL("no stats: " << mcp::describe(res.error()));
    return *res;
  };
  auto baseline = sys.registry().running();
  {
    auto b = peer::start({"call", std::to_string(*port), "5"});
    b.line("progress ");
    CAF_CHECK_EQUAL(stats().subscriptions, 1u);
    CAF_CHECK_EQUAL(stats().in_flight, 1u);
    auto killed_at = clock_type::now();
    b.proc.kill();
    // The subscription ends with the node, long before the call would.
    CAF_CHECK(eventually([&] { return stats().subscriptions == 0; }));
    CAF_CHECK_LESS(clock_type::now() - killed_at, 4s);
  }
  // The call runs to its end; nothing stays of it.
  CAF_CHECK(eventually([&] { return stats().in_flight == 0; }, 10000ms));
  CAF_CHECK(eventually([&] { return sys.registry().running() == baseline; }));
  CAF_CHECK_EQUAL(sys.registry().running(), baseline);
}

CAF_TEST(tool calls run on worker nodes and outlive a worker that dies) {
  auto port = mcp::test::free_port();
  mcp::transports::stdio_transport_config t;
  t.child.command = CAF_MCP_NODE_PEER;
  t.child.args = {"front", std::to_string(port)};
  start_client(t, {});
  CAF_REQUIRE(mcp::test::wait_listening(port));
  auto pool_stats = [this] {
    mcp::client_request req;
    req.method = "tools/call";
    req.params = json::object{{"name", "pool_stats"}};
    auto res = api->request(std::move(req));
    if (!res)
      CAF_FAIL("pool_stats failed: " << mcp::describe(res.error()));
    return res->at("structuredContent");
  };
  auto b = peer::start({"worker", std::to_string(port), "B"});
  auto c = peer::start({"worker", std::to_string(port), "C"});
  b.line("joined");
  c.line("joined");
  CAF_REQUIRE(eventually([&] { return pool_stats().at("workers") == 2; }));
  auto typed = mcp::typed_client(client);
  // Round robin: two calls at once run on the two workers.
  auto first = std::make_shared<events>();
  auto second = std::make_shared<events>();
  call_wait(sys, typed, 0.5, first);
  call_wait(sys, typed, 0.5, second);
  CAF_REQUIRE(first->wait([](events& x) { return x.ended; }));
  CAF_REQUIRE(second->wait([](events& x) { return x.ended; }));
  std::vector<std::string> results{first->seen.back(), second->seen.back()};
  std::sort(results.begin(), results.end());
  CAF_CHECK_EQUAL(results, (std::vector<std::string>{"result B waited",
                                                     "result C waited"}));
  // Progress from the worker node, then the result, through the front.
  CAF_CHECK_EQUAL(first->progress.size(), 5u);
  CAF_CHECK_EQUAL(first->seen[first->seen.size() - 2], "done completed");
  // Kill a worker in the middle of its call: only that call fails, with a
  // tool error, at once; the other worker goes on and takes new calls.
  auto on_b = std::make_shared<events>();
  auto on_c = std::make_shared<events>();
  call_wait(sys, typed, 3.0, on_b);
  call_wait(sys, typed, 3.0, on_c);
  CAF_REQUIRE(on_b->wait([](events& x) { return !x.progress.empty(); }));
  CAF_REQUIRE(on_c->wait([](events& x) { return !x.progress.empty(); }));
  CAF_REQUIRE(eventually([&] { return pool_stats().at("in_flight") == 2; }));
  auto killed_at = clock_type::now();
  b.proc.kill();
  auto failed = [](events& x) {
    return x.ended && x.seen.back().find("worker running it is gone")
                        != std::string::npos;
  };
  auto b_failed = on_b->wait(failed, 10s);
  auto c_failed = on_c->wait(failed, 1s);
  // Which call ran on B is the pool's choice: exactly one of them fails.
  CAF_CHECK_NOT_EQUAL(b_failed, c_failed);
  auto& dead = b_failed ? on_b : on_c;
  auto& alive = b_failed ? on_c : on_b;
  CAF_CHECK_LESS(dead->ended_at - killed_at, 5s);
  CAF_CHECK(!dead->failure);
  auto next = std::make_shared<events>();
  call_wait(sys, typed, 0.2, next);
  CAF_REQUIRE(next->wait([](events& x) { return x.ended; }));
  CAF_CHECK_EQUAL(next->seen.back(), "result C waited");
  CAF_REQUIRE(alive->wait([](events& x) { return x.ended; }));
  CAF_CHECK_EQUAL(alive->seen.back(), "result C waited");
  auto st = pool_stats();
  CAF_CHECK_EQUAL(st.at("workers"), 1);
  CAF_CHECK_EQUAL(st.at("in_flight"), 0);
  CAF_CHECK_EQUAL(st.at("failed_worker_down"), 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
