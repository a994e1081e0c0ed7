#define CAF_SUITE actors.tool_pool
#include <caf/test/unit_test.hpp>

#include "tests/actors/server_session_fixture.hpp"

#include <map>

#include "actors/tool_worker.hpp"

// Tool handlers as actors: the pool that spreads calls over workers, and a
// session whose tool is served by an actor.

namespace {

using answer_atom = caf::atom_constant<caf::atom("answer")>;

/// What a fake worker got.
struct worker_log {
  std::vector<std::string> keys;
  std::vector<std::string> cancelled;
  /// The calls it holds, oldest first.
  std::vector<mcp::tool_call> calls;
};

struct fake_worker_state {
  std::vector<caf::response_promise> held;
};

/// A worker that holds each call until `(answer_atom)` answers the oldest
/// with a text naming `name`.
caf::behavior fake_worker(caf::stateful_actor<fake_worker_state>* self,
                          std::string name, std::shared_ptr<worker_log> log) {
  return {
    [self, log](mcp::tool_call& call) {
      log->keys.push_back(call.key);
      log->calls.push_back(call);
      self->state.held.push_back(self->make_response_promise());
    },
    [log](mcp::cancel_atom, std::string& key) {
      log->cancelled.push_back(key);
    },
    [self, name, log](answer_atom) {
      auto rp = std::move(self->state.held.front());
      self->state.held.erase(self->state.held.begin());
      log->calls.erase(log->calls.begin());
      rp.deliver(json::value(tool_result::text(name).to_json("2025-11-25")));
    },
  };
}

struct pool_fixture : session_test::fixture {
  std::vector<caf::actor> workers;
  std::vector<std::shared_ptr<worker_log>> logs;
  std::map<std::string, json::value> answers_by_key;
  int next_key = 0;

  caf::actor add_worker(std::string name) {
    auto log = std::make_shared<worker_log>();
    logs.push_back(log);
    workers.push_back(sys.spawn(fake_worker, std::move(name), log));
    return workers.back();
  }

  mcp::tool_handler_actor handle(size_t i) {
    return caf::actor_cast<mcp::tool_handler_actor>(workers[i]);
  }

  mcp::tool_pool_actor make_pool(mcp::tool_pool_config cfg, size_t n) {
    std::vector<mcp::tool_handler_actor> hs;
    for (size_t i = 0; i < n; ++i)
      hs.push_back(handle(i));
    auto res = mcp::spawn_tool_pool(sys, cfg, std::move(hs));
    consume_messages();
    return res;
  }

  /// Sends a call to `pool` from an actor that records the answer.
  std::string call(const mcp::tool_pool_actor& pool) {
    auto key = "k" + std::to_string(next_key++);
    mcp::tool_call c;
    c.key = key;
    c.name = "work";
    c.arguments = json::object{};
    sys.spawn([this, pool, c, key](caf::event_based_actor* me) {
      me->request(pool, caf::infinite, c)
        .then([this, key](json::value& x) { answers_by_key[key] = x; },
              [this, key](caf::error& err) {
                answers_by_key[key] = json::string{mcp::describe(err)};
              });
    });
    consume_messages();
    return key;
  }

  std::string text_of(const std::string& key) {
    auto i = answers_by_key.find(key);
    if (i == answers_by_key.end())
      CAF_FAIL("no answer for " << key);
    if (i->second.is_string())
      return std::string{i->second.get_string()};
    return std::string{i->second.at("content").at(0).at("text").as_string()};
  }

  bool is_tool_error(const std::string& key) {
    auto& x = answers_by_key.at(key);
    return x.is_object() && x.at("isError").as_bool();
  }

  mcp::tool_pool_stats stats(const mcp::tool_pool_actor& pool) {
    auto h = self->request(pool, caf::infinite, mcp::pool_stats_atom::value);
    consume_messages();
    mcp::tool_pool_stats res;
    h.receive([&](mcp::tool_pool_stats& x) { res = x; },
              [](caf::error& err) { CAF_FAIL(mcp::describe(err)); });
    return res;
  }

  /// Restarts the test server with a tool "remote" served by worker 0, on a
  /// fresh channel, and initializes a session.
  void serve_remote_tool() {
    auto def = session_test::test_server(runs);
    mcp::tool t;
    t.name = "remote";
    t.description = "Served by an actor.";
    t.handler_actor = handle(0);
    def.add(std::move(t));
    out = std::make_shared<session_test::recording_channel>();
    start(std::move(def));
    initialize();
  }

  void answer(size_t worker) {
    self->send(workers[worker], answer_atom::value);
    consume_messages();
  }

  ~pool_fixture() {
    for (auto& w : workers)
      anon_send_exit(w, caf::exit_reason::kill);
    run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(tool_pool_tests, pool_fixture)

CAF_TEST(round robin gives each worker its turn) {
  for (int i = 0; i < 3; ++i)
    add_worker("w" + std::to_string(i));
  auto pool = make_pool({}, 3);
  for (int i = 0; i < 6; ++i)
    call(pool);
  for (auto& log : logs)
    CAF_CHECK_EQUAL(log->keys.size(), 2u);
  CAF_CHECK_EQUAL(stats(pool).in_flight, 6u);
  answer(1);
  CAF_CHECK_EQUAL(text_of("k1"), "w1");
  CAF_CHECK_EQUAL(stats(pool).completed, 1u);
}

CAF_TEST(least loaded picks the worker with the fewest calls) {
  add_worker("a");
  add_worker("b");
  mcp::tool_pool_config cfg;
  cfg.routing = mcp::tool_routing::least_loaded;
  auto pool = make_pool(cfg, 2);
  call(pool); // a
  call(pool); // b
  call(pool); // a (tie, next in turn)
  answer(0);
  answer(0); // a is idle now, b has one call
  call(pool);
  CAF_CHECK_EQUAL(logs[0]->keys.size(), 3u);
  answer(1); // b is idle now, a has one call
  call(pool);
  CAF_CHECK_EQUAL(logs[0]->keys.size(), 3u);
  CAF_CHECK_EQUAL(logs[1]->keys.size(), 2u);
}

CAF_TEST(calls wait while every worker is full) {
  add_worker("a");
  add_worker("b");
  mcp::tool_pool_config cfg;
  cfg.max_in_flight_per_worker = 1;
  cfg.max_queued = 1;
  auto pool = make_pool(cfg, 2);
  call(pool);
  call(pool);
  auto waiting = call(pool);
  auto refused = call(pool);
  CAF_CHECK_EQUAL(stats(pool).queued, 1u);
  CAF_CHECK(is_tool_error(refused));
  CAF_CHECK(text_of(refused).find("queue is full") != std::string::npos);
  CAF_CHECK_EQUAL(answers_by_key.count(waiting), 0u);
  answer(1);
  // b is free: the waiting call goes there.
  CAF_CHECK_EQUAL(logs[1]->keys.size(), 2u);
  CAF_CHECK_EQUAL(logs[1]->keys.back(), waiting);
  answer(1);
  CAF_CHECK_EQUAL(text_of(waiting), "b");
}

CAF_TEST(a worker that dies fails only its calls and gets no new ones) {
  add_worker("a");
  add_worker("b");
  auto pool = make_pool({}, 2);
  auto on_a = call(pool);
  auto on_b = call(pool);
  anon_send_exit(workers[0], caf::exit_reason::remote_link_unreachable);
  consume_messages();
  CAF_CHECK(is_tool_error(on_a));
  CAF_CHECK(text_of(on_a).find("worker running it is gone")
            != std::string::npos);
  CAF_CHECK_EQUAL(answers_by_key.count(on_b), 0u);
  auto st = stats(pool);
  CAF_CHECK_EQUAL(st.workers, 1u);
  CAF_CHECK_EQUAL(st.failed_worker_down, 1u);
  auto next = call(pool);
  CAF_CHECK_EQUAL(logs[1]->keys.size(), 2u);
  answer(1);
  answer(1);
  CAF_CHECK_EQUAL(text_of(on_b), "b");
  CAF_CHECK_EQUAL(text_of(next), "b");
  CAF_CHECK_EQUAL(stats(pool).in_flight, 0u);
}

CAF_TEST(cancellation reaches the worker of the call) {
  add_worker("a");
  add_worker("b");
  auto pool = make_pool({}, 2);
  call(pool);
  auto on_b = call(pool);
  self->send(pool, mcp::cancel_atom::value, on_b);
  consume_messages();
  CAF_CHECK_EQUAL(logs[1]->cancelled, std::vector<std::string>{on_b});
  CAF_CHECK(logs[0]->cancelled.empty());
  CAF_CHECK(text_of(on_b).find("cancelled") != std::string::npos);
  CAF_CHECK_EQUAL(stats(pool).in_flight, 1u);
}

CAF_TEST(calls wait for a first worker for a bounded time) {
  auto pool = make_pool({}, 0);
  auto early = call(pool);
  CAF_CHECK_EQUAL(answers_by_key.count(early), 0u);
  CAF_CHECK_EQUAL(stats(pool).queued, 1u);
  add_worker("late");
  self->send(pool, mcp::join_atom::value, handle(0));
  consume_messages();
  CAF_CHECK_EQUAL(stats(pool).workers, 1u);
  CAF_CHECK_EQUAL(logs[0]->keys, std::vector<std::string>{early});
  answer(0);
  CAF_CHECK_EQUAL(text_of(early), "late");
  // Its timer fires later and finds nothing to do.
  trigger_timeouts();
  consume_messages();
  CAF_CHECK_EQUAL(stats(pool).refused, 0u);
}

CAF_TEST(a call that no worker takes in time fails with a tool error) {
  mcp::tool_pool_config cfg;
  cfg.max_wait = std::chrono::seconds(3);
  auto pool = make_pool(cfg, 0);
  auto lonely = call(pool);
  trigger_timeouts();
  consume_messages();
  CAF_CHECK(is_tool_error(lonely));
  CAF_CHECK(text_of(lonely).find("no worker joined within") != std::string::npos);
  CAF_CHECK_EQUAL(stats(pool).refused, 1u);
  cfg.max_wait = caf::timespan{0};
  auto impatient = make_pool(cfg, 0);
  auto at_once = call(impatient);
  CAF_CHECK(text_of(at_once).find("no worker is there") != std::string::npos);
}

// -- a session's tool served by an actor -------------------------------------

CAF_TEST(a tool served by an actor reports progress and logs then answers) {
  add_worker("actor");
  serve_remote_tool();
  request(7, "logging/setLevel", R"({"level":"debug"})");
  request(1, "tools/call",
          R"({"name":"remote","arguments":{"x":1},"_meta":{"progressToken":"p"}})");
  CAF_REQUIRE_EQUAL(logs[0]->calls.size(), 1u);
  auto call = logs[0]->calls.front();
  CAF_CHECK_EQUAL(call.name, "remote");
  CAF_CHECK_EQUAL(call.arguments.at("x"), 1);
  CAF_CHECK(call.wants_progress);
  CAF_CHECK_EQUAL(call.protocol_version, "2025-11-25");
  CAF_CHECK_GREATER_OR_EQUAL(call.key.size(), 32u);
  self->send(call.context, mcp::tool_progress_atom::value, call.key, 1.5,
             caf::optional<double>{3.0}, std::string{"half"});
  self->send(call.context, mcp::tool_log_atom::value, call.key,
             static_cast<uint8_t>(mcp::protocol::log_level::info),
             json::value("working"), std::string{"w"});
  // Reports for another call are dropped.
  self->send(call.context, mcp::tool_progress_atom::value,
             std::string{"call-other"}, 5.0, caf::optional<double>{},
             std::string{});
  run();
  auto updates = notifications("notifications/progress");
  CAF_REQUIRE_EQUAL(updates.size(), 1u);
  CAF_CHECK_EQUAL(updates[0].at("params").at("progress"), 1.5);
  CAF_CHECK_EQUAL(updates[0].at("params").at("message"), "half");
  CAF_CHECK_EQUAL(notifications("notifications/message").size(), 1u);
  CAF_CHECK(answers(1).empty());
  answer(0);
  CAF_CHECK_EQUAL(result(1).at("content").at(0).at("text"), "actor");
  // Invalid arguments never reach the actor.
  request(2, "tools/call", R"({"name":"remote","arguments":[]})");
  CAF_CHECK_EQUAL(error_code(2), -32602);
  CAF_CHECK_EQUAL(logs[0]->keys.size(), 1u);
}

CAF_TEST(a cancelled call is cancelled at its actor and answers nothing) {
  add_worker("actor");
  serve_remote_tool();
  request(1, "tools/call", R"({"name":"remote"})");
  CAF_REQUIRE_EQUAL(logs[0]->keys.size(), 1u);
  deliver(R"({"jsonrpc":"2.0","method":"notifications/cancelled",
              "params":{"requestId":1}})");
  CAF_CHECK_EQUAL(logs[0]->cancelled, logs[0]->keys);
  // The late answer is dropped; the next call works.
  answer(0);
  CAF_CHECK(answers(1).empty());
  request(2, "tools/call", R"({"name":"remote"})");
  answer(0);
  CAF_CHECK_EQUAL(result(2).at("content").at(0).at("text"), "actor");
}

CAF_TEST(a tool actor that is gone makes a tool error) {
  add_worker("actor");
  serve_remote_tool();
  anon_send_exit(workers[0], caf::exit_reason::kill);
  run();
  request(1, "tools/call", R"({"name":"remote"})");
  auto& res = result(1);
  CAF_CHECK(res.at("isError").as_bool());
  CAF_CHECK(res.at("content").at(0).at("text").as_string().find("failed")
            != std::string_view::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
