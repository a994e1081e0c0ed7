#pragma once

#include <cstddef>
#include <memory>

#include <caf/execution_unit.hpp>
#include <caf/fwd.hpp>

namespace mcp::detail {

/// Threads of a server's own for `pooled` handlers, apart from CAF's
/// scheduler. A handler that computes or blocks for long holds one of these
/// threads, never a scheduler worker that session actors need: with every
/// pool thread busy, sessions still answer `ping`, take the client's
/// answers and cancel. Hand a request actor its job with the pool as the
/// context of the enqueue (`exec_later` queues it here); what the actor
/// wakes while it runs here goes to the scheduler. Threads start when work
/// finds none idle, up to `max_threads`.
class handler_pool : public caf::execution_unit {
public:
  // -- constructors, destructors, and assignment operators --------------------

  handler_pool(caf::actor_system& sys, size_t max_threads);

  /// Stops the pool: idle threads end at once, a thread that still runs a
  /// handler ends after it on its own (detached).
  ~handler_pool() override;

  // -- execution --------------------------------------------------------------

  /// Queues `ptr` to run on a pool thread.
  void exec_later(caf::resumable* ptr) override;

  /// The queue and threads (handler_pool.cpp).
  struct shared;

private:
  std::shared_ptr<shared> st_;
};

} // namespace mcp::detail
