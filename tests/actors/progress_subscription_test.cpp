#define CAF_SUITE actors.progress_subscription
#include <caf/test/unit_test.hpp>

#define FAIL(msg) CAF_FAIL(msg)
#include <caf/test/dsl.hpp>

#include <algorithm>
#include <memory>
#include <set>
#include <vector>

#include <caf/all.hpp>

#include "actors/detail/progress_window.hpp"
#include "actors/progress.hpp"
#include "actors/progress_subscription.hpp"
#include "actors/system_config.hpp"
#include "tests/actors/test_config.hpp"

using namespace std::chrono_literals;

namespace {

using test_config = mcp::test::config;

struct fixture : test_coordinator_fixture<test_config> {};

mcp::progress_update update(double p) {
  mcp::progress_update res;
  res.token = mcp::progress_token{"t"};
  res.progress = p;
  return res;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(progress_subscription_tests, fixture)

CAF_TEST(a forwarding subscription delivers in order then ends) {
  auto sub = mcp::spawn_progress_subscription(sys, mcp::progress_token{"t"},
                                              self);
  for (int i = 1; i <= 3; ++i)
    self->send(sub, update(i));
  self->send(sub, mcp::progress_done{mcp::progress_token{"t"},
                                     mcp::progress_outcome::completed, ""});
  self->monitor(sub);
  consume_messages();
  std::vector<double> got;
  for (int i = 0; i < 3; ++i)
    self->receive([&](mcp::progress_update& x) { got.push_back(x.progress); });
  CAF_CHECK_EQUAL(got, (std::vector<double>{1, 2, 3}));
  self->receive([](mcp::progress_done& x) {
    CAF_CHECK(x.outcome == mcp::progress_outcome::completed);
  });
  bool down = false;
  self->receive([&](caf::down_msg&) { down = true; });
  CAF_CHECK(down);
}

CAF_TEST(a forwarding subscription ends when its subscriber dies) {
  auto target = sys.spawn([](caf::event_based_actor*) -> caf::behavior {
    return {[](mcp::progress_update&) {}};
  });
  auto sub = mcp::spawn_progress_subscription(sys, mcp::progress_token{1},
                                              target);
  self->monitor(sub);
  consume_messages();
  self->send_exit(target, caf::exit_reason::user_shutdown);
  consume_messages();
  bool down = false;
  self->receive([&](caf::down_msg& dm) { down = dm.source == sub; },
                caf::after(0s) >> [] {});
  CAF_CHECK(down);
}

namespace {

/// Sends `n` updates 1..n in batches of 100.
void send_updates(caf::scoped_actor& self, const caf::actor& sub, int from,
                  int to) {
  std::vector<mcp::progress_update> batch;
  for (int i = from; i <= to; ++i) {
    batch.push_back(update(i));
    if (batch.size() == 100 || i == to) {
      self->send(sub, std::move(batch));
      batch.clear();
    }
  }
}

/// Receives what `self` holds (answering the subscription's requests);
/// appends the progress values to `got`.
void drain(caf::scoped_actor& self, std::vector<double>& got) {
  bool more = true;
  while (more)
    self->receive([&](mcp::progress_update& x) { got.push_back(x.progress); },
                  caf::after(0s) >> [&] { more = false; });
}

} // namespace

CAF_TEST(a slow subscriber costs bounded memory and gets the newest progress) {
  using window = mcp::detail::progress_window;
  constexpr int n = 60000;
  auto sub = mcp::spawn_progress_subscription(sys, mcp::progress_token{"t"},
                                              self);
  send_updates(self, sub, 1, n);
  consume_messages();
  // The subscriber read nothing: what waits for it is bounded.
  auto in_mailbox = self->mailbox().size();
  CAF_CHECK_EQUAL(in_mailbox, window::mark_every * window::max_marks);
  std::vector<double> got;
  for (int round = 0; round < 100; ++round) {
    drain(self, got);
    if (!consume_messages())
      break;
  }
  self->send(sub, mcp::progress_done{mcp::progress_token{"t"},
                                     mcp::progress_outcome::completed, ""});
  consume_messages();
  uint64_t skipped = 0;
  drain(self, got);
  self->receive([&](mcp::progress_done& x) { skipped = x.skipped; });
  CAF_CHECK_EQUAL(got.size(), in_mailbox + window::max_backlog);
  CAF_CHECK_EQUAL(got.size() + skipped, static_cast<size_t>(n));
  CAF_CHECK(std::is_sorted(got.begin(), got.end()));
  CAF_REQUIRE(!got.empty());
  CAF_CHECK_EQUAL(got.back(), n);
}

CAF_TEST(a subscriber that keeps up misses nothing) {
  constexpr int n = 60000;
  auto sub = mcp::spawn_progress_subscription(sys, mcp::progress_token{"t"},
                                              self);
  std::vector<double> got;
  for (int from = 1; from <= n; from += 1000) {
    send_updates(self, sub, from, from + 999);
    consume_messages();
    drain(self, got);
    consume_messages();
  }
  self->send(sub, mcp::progress_done{mcp::progress_token{"t"},
                                     mcp::progress_outcome::completed, ""});
  consume_messages();
  drain(self, got);
  uint64_t skipped = 1;
  self->receive([&](mcp::progress_done& x) { skipped = x.skipped; });
  CAF_CHECK_EQUAL(skipped, 0u);
  CAF_CHECK_EQUAL(got.size(), static_cast<size_t>(n));
  CAF_CHECK(std::is_sorted(got.begin(), got.end()));
}

CAF_TEST(a callback subscription runs its callbacks in its own actor) {
  auto seen = std::make_shared<std::vector<double>>();
  auto done = std::make_shared<int>(0);
  auto sub = mcp::spawn_progress_callback(
    sys, mcp::progress_token{"t"},
    [seen](const mcp::progress_update& x) { seen->push_back(x.progress); },
    [done](const mcp::progress_done&) { ++*done; });
  self->send(sub, update(0.5));
  self->send(sub, update(0.75));
  consume_messages();
  CAF_CHECK_EQUAL(*seen, (std::vector<double>{0.5, 0.75}));
  CAF_CHECK_EQUAL(*done, 0);
  self->send(sub, mcp::progress_done{});
  self->send(sub, update(1));
  consume_messages();
  CAF_CHECK_EQUAL(*done, 1);
  CAF_CHECK_EQUAL(seen->size(), 2u);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(progress tokens are unique and unguessable) {
  std::set<std::string> tokens;
  for (int i = 0; i < 1000; ++i) {
    auto t = mcp::make_progress_token();
    CAF_REQUIRE(t.is_string());
    CAF_CHECK_EQUAL(t.as_string().size(), 3u + 32u);
    tokens.insert(t.as_string());
  }
  CAF_CHECK_EQUAL(tokens.size(), 1000u);
}
