#include "actors/detail/handler_pool.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include "transports/inline_execution_unit.hpp"

namespace mcp::detail {

namespace {

/// How many messages an actor handles here before the next one gets a turn.
constexpr size_t max_throughput = 64;

/// The context of actors that run on the pool: whatever they wake goes to
/// the scheduler.
class forwarder : public caf::execution_unit {
public:
  explicit forwarder(caf::actor_system* sys) : caf::execution_unit(sys) {
    // nop
  }

  void exec_later(caf::resumable* ptr) override {
    system().scheduler().enqueue(ptr);
  }
};

} // namespace

/// What the pool's threads share with it; it outlives the pool while a
/// detached thread still runs.
struct handler_pool::shared {
  struct worker {
    std::thread thread;
    std::atomic<bool> busy{false};
  };

  shared(caf::actor_system* sys, size_t max_threads)
    : sys(sys), max_threads(max_threads), fwd(sys) {
    // nop
  }

  void enqueue(std::shared_ptr<shared> self, caf::resumable* ptr) {
    std::unique_lock<std::mutex> guard{mtx};
    if (stopped) {
      guard.unlock();
      sys->scheduler().enqueue(ptr);
      return;
    }
    queue.push_back(ptr);
    if (idle == 0 && workers.size() < max_threads) {
      auto& w = workers.emplace_back();
      w.thread = std::thread{[self, &w] { self->run(w); }};
    } else {
      cv.notify_one();
    }
  }

  void run(worker& w) {
    std::unique_lock<std::mutex> guard{mtx};
    for (;;) {
      ++idle;
      cv.wait(guard, [this] { return stopped || !queue.empty(); });
      --idle;
      if (stopped)
        return;
      auto ptr = queue.front();
      queue.pop_front();
      w.busy = true;
      guard.unlock();
      auto again = transports::resume_once(ptr, &fwd, max_throughput);
      guard.lock();
      w.busy = false;
      if (!again)
        continue;
      if (stopped) {
        guard.unlock();
        sys->scheduler().enqueue(ptr);
        return;
      }
      queue.push_back(ptr);
    }
  }

  caf::actor_system* sys;
  size_t max_threads;
  forwarder fwd;
  std::mutex mtx;
  std::condition_variable cv;
  std::deque<caf::resumable*> queue;
  /// Stable addresses: a thread keeps a reference to its entry.
  std::list<worker> workers;
  size_t idle = 0;
  bool stopped = false;
};

handler_pool::handler_pool(caf::actor_system& sys, size_t max_threads)
  : caf::execution_unit(&sys),
    st_(std::make_shared<shared>(&sys, max_threads > 0 ? max_threads : 1)) {
  // nop
}

handler_pool::~handler_pool() {
  std::deque<caf::resumable*> left;
  {
    std::lock_guard<std::mutex> guard{st_->mtx};
    st_->stopped = true;
    left.swap(st_->queue);
    for (auto& w : st_->workers) {
      // Idle threads end at once; a busy one after its handler.
      if (w.busy || w.thread.get_id() == std::this_thread::get_id())
        w.thread.detach();
    }
  }
  st_->cv.notify_all();
  for (auto& w : st_->workers)
    if (w.thread.joinable())
      w.thread.join();
  // What never got a thread runs on the scheduler instead.
  for (auto ptr : left)
    system().scheduler().enqueue(ptr);
}

void handler_pool::exec_later(caf::resumable* ptr) {
  st_->enqueue(st_, ptr);
}

} // namespace mcp::detail
