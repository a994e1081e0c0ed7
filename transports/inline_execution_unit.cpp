#include "transports/inline_execution_unit.hpp"

#include <caf/actor_system.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

namespace mcp::transports {

namespace {

/// How many messages an actor handles here before the next one gets a turn.
constexpr size_t max_throughput = 64;

} // namespace

inline_execution_unit::inline_execution_unit(caf::actor_system& sys)
  : caf::execution_unit(&sys), owner_(std::this_thread::get_id()) {
  // nop
}

inline_execution_unit::~inline_execution_unit() {
  stop();
}

void inline_execution_unit::adopt_current_thread() noexcept {
  owner_ = std::this_thread::get_id();
}

void inline_execution_unit::exec_later(caf::resumable* ptr) {
  if (std::this_thread::get_id() == owner_ && !stopped_)
    queue_.push_back(ptr);
  else
    system().scheduler().enqueue(ptr);
}

void inline_execution_unit::drain() {
  while (!queue_.empty()) {
    auto ptr = queue_.front();
    queue_.pop_front();
    if (resume_once(ptr, this, max_throughput))
      queue_.push_back(ptr);
  }
}

bool resume_once(caf::resumable* ptr, caf::execution_unit* ctx,
                 size_t max_throughput) {
  switch (ptr->resume(ctx, max_throughput)) {
    case caf::resumable::resume_later:
      return true;
    case caf::resumable::done:
    case caf::resumable::awaiting_message:
      caf::intrusive_ptr_release(ptr);
      return false;
    default:
      return false;
  }
}

void inline_execution_unit::stop() {
  stopped_ = true;
  while (!queue_.empty()) {
    system().scheduler().enqueue(queue_.front());
    queue_.pop_front();
  }
}

} // namespace mcp::transports
