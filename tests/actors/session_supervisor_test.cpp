#define CAF_SUITE actors.session_supervisor
#include <caf/test/unit_test.hpp>

#define FAIL(msg) CAF_FAIL(msg)
#include <caf/test/dsl.hpp>

#include <memory>
#include <vector>

#include <boost/json/parse.hpp>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "actors/client.hpp"
#include "actors/error.hpp"
#include "actors/messages.hpp"
#include "actors/requests.hpp"
#include "actors/session_supervisor.hpp"
#include "actors/system_config.hpp"
#include "tests/actors/test_config.hpp"
#include "transports/messages.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using mcp::transports::inbound_atom;
using mcp::transports::outbound_atom;

namespace {

using test_config = mcp::test::config;

/// A fake server: answers initialize and every request, and can be told
/// to "crash" (send transport_closed to its owner and quit).
caf::behavior fake_server(caf::event_based_actor* self, caf::actor owner,
                          std::shared_ptr<int> initializes) {
  return {
    [=](outbound_atom, json::value& msg) {
      if (!msg.as_object().contains("id"))
        return;
      auto id = msg.at("id").as_int64();
      json::object result;
      if (msg.at("method").as_string() == "initialize") {
        ++*initializes;
        result = json::parse(R"({"protocolVersion":"2025-11-25",
          "capabilities":{"tools":{}},
          "serverInfo":{"name":"fake","version":"1"}})")
                   .as_object();
      }
      json::object res{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
      self->send(owner, inbound_atom::value, json::value(std::move(res)));
    },
    [](mcp::transports::protocol_version_atom, const std::string&) {},
    [](mcp::transports::abandon_atom, const std::string&) {},
    [=](mcp::transports::close_atom) { self->quit(); },
    [=](mcp::shutdown_atom) {
      mcp::transports::transport_closed closed;
      closed.description = "server process exited with status 1";
      self->send(owner, std::move(closed));
      self->quit();
    },
  };
}

struct fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<int> initializes = std::make_shared<int>(0);
  std::shared_ptr<int> spawned = std::make_shared<int>(0);
  std::shared_ptr<int> fail_spawns = std::make_shared<int>(0);
  std::vector<caf::actor> servers;

  mcp::transport_factory factory() {
    return [this](caf::actor owner) -> caf::expected<caf::actor> {
      if (*fail_spawns > 0) {
        --*fail_spawns;
        return caf::make_error(caf::sec::runtime_error, "cannot start");
      }
      ++*spawned;
      auto s = sys.spawn(fake_server, owner, initializes);
      servers.push_back(s);
      return s;
    };
  }

  caf::actor start(mcp::restart_policy policy) {
    mcp::client_config cfg;
    cfg.log_bad_input = false;
    auto res = mcp::spawn_client(sys, factory(), cfg, policy);
    CAF_REQUIRE(static_cast<bool>(res));
    consume_messages();
    return *res;
  }

  json::value call(const caf::actor& client) {
    self->send(client, mcp::requests::ping());
    consume_messages();
    json::value res;
    self->receive([&](json::value& x) { res = std::move(x); },
                  [&](caf::error& e) { CAF_FAIL(mcp::describe(e)); },
                  caf::after(0s) >> [] { CAF_FAIL("no reply"); });
    return res;
  }

  void crash_server() {
    self->send(servers.back(), mcp::shutdown_atom::value);
    consume_messages();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_supervisor_tests, fixture)

CAF_TEST(without restarts the client ends with the server) {
  auto client = start(mcp::restart_policy::none());
  CAF_CHECK_EQUAL(*initializes, 1);
  call(client);
  self->monitor(client);
  crash_server();
  caf::error reason;
  self->receive([&](caf::down_msg& dm) { reason = dm.reason; },
                caf::after(0s) >> [] { CAF_FAIL("client still alive"); });
  CAF_CHECK(mcp::is(reason, mcp::errc::session_closed));
  CAF_CHECK(mcp::describe(reason).find("status 1") != std::string::npos);
}

CAF_TEST(restarts wait for the backoff and run the handshake again) {
  auto client = start(mcp::restart_policy::with_backoff(3, 100ms, 1s));
  crash_server();
  CAF_CHECK_EQUAL(*spawned, 1);
  advance_time(99ms);
  consume_messages();
  CAF_CHECK_EQUAL(*spawned, 1);
  advance_time(1ms);
  consume_messages();
  CAF_CHECK_EQUAL(*spawned, 2);
  CAF_CHECK_EQUAL(*initializes, 2);
  call(client);
  crash_server();
  advance_time(199ms);
  consume_messages();
  CAF_CHECK_EQUAL(*spawned, 2);
  advance_time(1ms);
  consume_messages();
  CAF_CHECK_EQUAL(*spawned, 3);
  self->send(client, mcp::client_stats_atom::value);
  consume_messages();
  self->receive([](mcp::client_stats& st) {
    CAF_CHECK_EQUAL(st.reconnects, 2u);
  });
  self->send_exit(client, caf::exit_reason::user_shutdown);
  consume_messages();
}

CAF_TEST(requests made during a restart wait for the new handshake) {
  auto client = start(mcp::restart_policy::with_backoff(1, 50ms));
  crash_server();
  self->send(client, mcp::requests::ping());
  consume_messages();
  bool answered = false;
  self->receive([&](json::value&) { answered = true; },
                caf::after(0s) >> [] {});
  CAF_CHECK(!answered);
  advance_time(50ms);
  consume_messages();
  self->receive([&](json::value&) { answered = true; },
                caf::after(0s) >> [] {});
  CAF_CHECK(answered);
  self->send_exit(client, caf::exit_reason::user_shutdown);
  consume_messages();
}

CAF_TEST(the restart limit ends the session with the last failure) {
  auto client = start(mcp::restart_policy::with_backoff(2, 10ms, 10ms));
  self->monitor(client);
  *fail_spawns = 10;
  crash_server();
  advance_time(10ms);
  consume_messages();
  advance_time(10ms);
  consume_messages();
  caf::error reason;
  self->receive([&](caf::down_msg& dm) { reason = dm.reason; },
                caf::after(0s) >> [] { CAF_FAIL("client still alive"); });
  CAF_CHECK(mcp::is(reason, mcp::errc::session_closed));
  CAF_CHECK(mcp::describe(reason).find("restart limit") != std::string::npos);
  CAF_CHECK(mcp::describe(reason).find("cannot start") != std::string::npos);
}

CAF_TEST(a failing first transport is an error from spawn_client) {
  *fail_spawns = 1;
  auto res = mcp::spawn_client(sys, factory());
  CAF_CHECK(!res);
  consume_messages();
}

CAF_TEST_FIXTURE_SCOPE_END()
