#pragma once

#include <cstddef>
#include <deque>
#include <thread>

#include <caf/execution_unit.hpp>
#include <caf/fwd.hpp>

namespace mcp::transports {

/// An execution unit for a thread that is not a worker of the scheduler,
/// such as a connection's input thread: actors that the thread wakes (by
/// enqueueing with this unit as context) run on it at once, in `drain`,
/// instead of waking a worker. Whatever such an actor wakes in turn runs
/// here too. Calls from other threads go to the scheduler, so an actor that
/// moved elsewhere in the meantime never runs here concurrently.
class inline_execution_unit : public caf::execution_unit {
public:
  // -- constructors, destructors, and assignment operators --------------------

  /// Creates a unit owned by the calling thread.
  explicit inline_execution_unit(caf::actor_system& sys);

  ~inline_execution_unit() override;

  // -- execution --------------------------------------------------------------

  /// Queues `ptr` when called by the owner thread while it runs, else hands
  /// it to the scheduler.
  void exec_later(caf::resumable* ptr) override;

  /// Makes the calling thread the owner.
  void adopt_current_thread() noexcept;

  /// Runs every queued actor until none is left. Owner thread only.
  void drain();

  /// Stops running actors here: hands what is queued to the scheduler; later
  /// calls of `exec_later` go there too.
  void stop();

private:
  std::thread::id owner_;
  std::deque<caf::resumable*> queue_;
  bool stopped_ = false;
};

/// Runs `ptr` for at most `max_throughput` messages with `ctx` as its
/// context and drops the reference the scheduler handed over unless `ptr`
/// wants to run again: returns whether it does (then queue it again).
bool resume_once(caf::resumable* ptr, caf::execution_unit* ctx,
                 size_t max_throughput);

} // namespace mcp::transports
