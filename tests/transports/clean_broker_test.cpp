// Brokers that end leave nothing behind: what their mailbox held, and what
// reaches it afterwards, is dropped (CAF 0.17's brokers keep both).
#define CAF_SUITE transports.clean_broker
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/system_config.hpp"
#include "transports/clean_broker.hpp"

using namespace std::chrono_literals;
using mcp::transports::clean_broker;

namespace {

/// Whether the actor behind `addr` was destroyed within 5 s (the I/O thread
/// drops its last reference to a broker shortly after the broker's end).
bool destroyed(const caf::actor_addr& addr) {
  for (int i = 0; i < 5000; ++i) {
    if (!caf::actor_cast<caf::strong_actor_ptr>(addr))
      return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

/// Sends itself `n` messages that name it as sender, then quits before it
/// reads them.
caf::behavior quits_with_mail(clean_broker* self) {
  return {
    [self](int n) {
      for (int i = 0; i < n; ++i)
        self->send(self, std::string{"unread"});
      self->quit();
    },
    [](const std::string&) {},
  };
}

/// Answers nothing; quits on `0`.
caf::behavior quits_on_zero(clean_broker* self) {
  return {
    [self](int n) {
      if (n == 0)
        self->quit();
    },
  };
}

struct fixture {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};

  /// Spawns `fn` as a broker and returns it with its address.
  template <class F>
  caf::actor spawn(F fn) {
    return sys.middleman().spawn_broker(fn);
  }

  /// Waits until `who` ended.
  void await_end(const caf::actor& who) {
    self->monitor(who);
    auto seen = false;
    self->receive([&](caf::down_msg& dm) { seen = dm.source == who; },
                  caf::after(5s) >> [] {});
    CAF_REQUIRE(seen);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(clean_broker_tests, fixture)

CAF_TEST(a broker that quits with messages from itself queued is destroyed) {
  auto b = spawn(quits_with_mail);
  auto addr = b.address();
  self->send(b, 3);
  await_end(b);
  b = nullptr;
  CAF_CHECK(destroyed(addr));
}

CAF_TEST(a message sent to a broker after its end is dropped) {
  auto b = spawn(quits_on_zero);
  self->send(b, 0);
  await_end(b);
  // An actor that sends the dead broker a message and ends: the message
  // must not keep it.
  auto sender = sys.spawn([b](caf::event_based_actor* s) {
    s->send(b, 1);
    s->quit();
  });
  auto sender_addr = sender.address();
  await_end(sender);
  sender = nullptr;
  CAF_CHECK(destroyed(sender_addr));
  auto addr = b.address();
  b = nullptr;
  CAF_CHECK(destroyed(addr));
}

CAF_TEST(a request to a broker after its end fails at once) {
  auto b = spawn(quits_on_zero);
  self->send(b, 0);
  await_end(b);
  auto failed = false;
  self->request(b, 10s, 1)
    .receive([] { CAF_FAIL("a dead broker answered"); },
             [&](caf::error& err) {
               failed = err == caf::sec::request_receiver_down;
             });
  CAF_CHECK(failed);
}

CAF_TEST_FIXTURE_SCOPE_END()
