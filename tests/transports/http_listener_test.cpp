#define CAF_SUITE transports.http_listener
#include <caf/test/unit_test.hpp>

#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "transports/http_listener.hpp"

using namespace mcp::transports;

namespace {

/// Answers nothing: these tests need the I/O thread, not requests.
class no_handler : public http_handler {
public:
  void on_request(std::shared_ptr<http_exchange>) override {
    // nop
  }
};

struct fixture {
  fixture() {
    auto res = http_listener::start({}, std::make_shared<no_handler>());
    CAF_REQUIRE(res);
    listener = std::move(*res);
  }

  ~fixture() {
    listener->stop();
  }

  /// Runs `f` on the I/O thread and waits for it.
  template <class F>
  void on_io(F f) {
    std::promise<void> done;
    listener->post([&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  std::unique_ptr<http_listener> listener;
  std::mutex mtx;
  std::vector<int> order;

  std::function<void()> record(int n) {
    return [this, n] {
      std::lock_guard<std::mutex> guard{mtx};
      order.push_back(n);
    };
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(http_listener_tests, fixture)

CAF_TEST(work posted on the I/O thread runs after work another thread posted before) {
  auto io = listener->io();
  on_io([&] {
    // Another thread posts while the I/O thread is busy: that work waits.
    std::thread other{[&] { io->post(record(1)); }};
    other.join();
    // Posted later from the I/O thread itself, it must not overtake.
    io->post(record(2));
    CAF_CHECK(order.empty());
  });
  on_io([] {});
  CAF_CHECK_EQUAL(order, (std::vector<int>{1, 2}));
}

CAF_TEST(work posted on the idle I/O thread runs at once) {
  auto io = listener->io();
  on_io([&] {
    io->post(record(1));
    CAF_CHECK_EQUAL(order, (std::vector<int>{1}));
  });
}

CAF_TEST(work that posts more keeps the order of everything posted) {
  auto io = listener->io();
  on_io([&] {
    std::thread other{[&] {
      io->post([&] {
        record(1)();
        io->post(record(3));
      });
      io->post(record(2));
    }};
    other.join();
  });
  // The first no-op may run before 1 has posted 3 (it was posted after 2);
  // the second is posted after 1 ran, so after 3 (found by TSan's timing).
  on_io([] {});
  on_io([] {});
  CAF_CHECK_EQUAL(order, (std::vector<int>{1, 2, 3}));
}

CAF_TEST(work posted after the listener stopped is dropped) {
  auto io = listener->io();
  listener->stop();
  io->post(record(1));
  CAF_CHECK(order.empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
