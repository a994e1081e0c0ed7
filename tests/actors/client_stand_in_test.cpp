#define CAF_SUITE actors.client_stand_in
#include <caf/test/unit_test.hpp>

#define FAIL(msg) CAF_FAIL(msg)
#include <caf/test/dsl.hpp>

#include <vector>

#include <boost/json/value.hpp>

#include <caf/all.hpp>

#include "actors/client_actor.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/remote.hpp"
#include "tests/actors/test_config.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

using answer_atom = caf::atom_constant<caf::atom("answer")>;

/// What the fake client saw.
struct seen {
  std::vector<std::string> methods;
  std::vector<std::string> cancelled;
  /// "+TOKEN" per subscription, "-TOKEN" per unsubscription.
  std::vector<std::string> subscriptions;
};

/// Stands for a client on another node: holds requests until told to answer
/// the oldest, records cancellations.
struct fake_state {
  std::vector<caf::response_promise> held;
};

caf::behavior fake_client(caf::stateful_actor<fake_state>* self,
                          std::shared_ptr<seen> log) {
  return {
    [self, log](mcp::client_request& req) {
      log->methods.push_back(req.method);
      self->state.held.push_back(self->make_response_promise());
    },
    [self](mcp::client_stats_atom) {
      mcp::client_stats res;
      res.results = 42;
      return res;
    },
    [log](mcp::cancel_atom, std::string& key) {
      log->cancelled.push_back(key);
    },
    [log](mcp::subscribe_atom, mcp::progress_token& token, caf::actor&) {
      log->subscriptions.push_back("+" + to_string(token));
      return caf::actor{};
    },
    [log](mcp::unsubscribe_atom, mcp::progress_token& token, caf::actor&) {
      log->subscriptions.push_back("-" + to_string(token));
    },
    [self](answer_atom) {
      auto rp = std::move(self->state.held.front());
      self->state.held.erase(self->state.held.begin());
      rp.deliver(json::value(json::object{{"ok", true}}));
    },
  };
}

struct fixture : test_coordinator_fixture<mcp::test::config> {
  std::shared_ptr<seen> log = std::make_shared<seen>();
  caf::actor fake = sys.spawn(fake_client, log);
  mcp::client_actor stand_in = mcp::spawn_client_stand_in(
    sys, mcp::typed_client(fake));

  fixture() {
    run();
  }

  ~fixture() {
    // The fake holds promises to the stand-in, which holds the fake.
    anon_send_exit(fake, caf::exit_reason::kill);
    run();
  }

  mcp::client_request call(std::string name) {
    mcp::client_request req;
    req.method = "tools/call";
    req.params = json::object{{"name", std::move(name)}};
    return req;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(client_stand_in_tests, fixture)

CAF_TEST(requests pass through and their answers back) {
  auto requester = sys.spawn([this](caf::event_based_actor* me) {
    me->request(stand_in, caf::infinite, call("a"))
      .then([](json::value& x) { CAF_CHECK(x.at("ok").as_bool()); },
            [](caf::error& err) { CAF_FAIL(mcp::describe(err)); });
  });
  run();
  CAF_REQUIRE_EQUAL(log->methods.size(), 1u);
  self->send(fake, answer_atom::value);
  run();
  CAF_CHECK_EQUAL(deref<caf::stateful_actor<fake_state>>(fake).state.held.size(),
                  0u);
  // Typed replies come back too.
  auto stats = self->request(stand_in, caf::infinite,
                             mcp::client_stats_atom::value);
  run();
  stats.receive([](mcp::client_stats& x) { CAF_CHECK_EQUAL(x.results, 42u); },
                [](caf::error& err) { CAF_FAIL(mcp::describe(err)); });
}

CAF_TEST(messages without answers pass through in order) {
  self->send(stand_in, call("x"));
  self->send(stand_in, mcp::cancel_atom::value, std::string{"k1"});
  self->send(stand_in, mcp::cancel_atom::value, std::string{"k2"});
  run();
  CAF_CHECK_EQUAL(log->methods.size(), 1u);
  CAF_CHECK_EQUAL(log->cancelled, (std::vector<std::string>{"k1", "k2"}));
}

CAF_TEST(pending requests fail at once when the client goes down) {
  std::vector<caf::error> errors;
  auto requester = sys.spawn([&](caf::event_based_actor* me) {
    for (int i = 0; i < 3; ++i)
      me->request(stand_in, caf::infinite, call("slow"))
        .then([](json::value&) { CAF_FAIL("answered by a dead client"); },
              [&](caf::error& err) { errors.push_back(err); });
  });
  run();
  CAF_REQUIRE_EQUAL(log->methods.size(), 3u);
  self->monitor(stand_in);
  self->send_exit(fake, caf::exit_reason::remote_link_unreachable);
  // No timeout fires: the errors come from the down message alone.
  while (sched.try_run_once())
    ; // nop
  CAF_REQUIRE_EQUAL(errors.size(), 3u);
  for (auto& err : errors) {
    CAF_CHECK(mcp::is(err, mcp::errc::actor_down));
    CAF_CHECK(mcp::describe(err).find("remote_link_unreachable")
              != std::string::npos);
  }
  // The stand-in quit with the same error, for monitors and links.
  self->receive([&](caf::down_msg& dm) {
    CAF_CHECK(mcp::is(dm.reason, mcp::errc::actor_down));
  });
}

CAF_TEST(an owned progress subscription ends with its handle) {
  auto sub = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](mcp::progress_update&) {}, [](mcp::progress_done&) {}};
  });
  auto client = mcp::untyped(stand_in);
  {
    auto a = mcp::subscribe_progress(client, mcp::progress_token{1}, sub);
    auto b = mcp::subscribe_progress(client, mcp::progress_token{2}, sub);
    auto c = mcp::subscribe_progress(client, mcp::progress_token{3}, sub);
    CAF_CHECK(static_cast<bool>(a));
    c.release();
    // Moving hands the subscription on, it does not end it twice.
    auto moved = std::move(b);
    CAF_CHECK(!b);
    CAF_CHECK_EQUAL(moved.token(), mcp::progress_token{2});
    a.reset();
    CAF_CHECK(!a);
    run();
    CAF_CHECK_EQUAL(log->subscriptions,
                    (std::vector<std::string>{"+1", "+2", "+3", "-1"}));
  }
  run();
  CAF_CHECK_EQUAL(log->subscriptions,
                  (std::vector<std::string>{"+1", "+2", "+3", "-1", "-2"}));
  anon_send_exit(sub, caf::exit_reason::kill);
}

CAF_TEST_FIXTURE_SCOPE_END()
