#pragma once

// Tool handler actors made from functions, for the nodes that do a server's
// work (`spawn_tool_actor`), and pools of them (`spawn_tool_pool`).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "actors/tool_actor.hpp"
#include "protocol/log_level.hpp"
#include "protocol/results.hpp"

namespace mcp {

using protocol::tool_result;

/// What a tool function run by `spawn_tool_actor` can do besides computing
/// its result: report progress and logs to the client, notice cancellation.
/// Valid while the function runs.
class tool_call_context {
public:
  /// Made for each call; `self` is the actor that runs it.
  tool_call_context(caf::scheduled_actor* self, const tool_call& call,
                    std::shared_ptr<std::atomic<bool>> cancelled);

  /// Returns the call.
  const tool_call& call() const noexcept {
    return call_;
  }

  /// Returns whether the client cancelled the call.
  bool cancelled() const noexcept {
    return cancelled_->load();
  }

  /// Sends progress when the client asked for it; `progress` must be larger
  /// than the value before and finite (else `errc::invalid_argument`).
  caf::error report_progress(double progress,
                             std::optional<double> total = std::nullopt,
                             std::string_view message = {});

  /// Sends `notifications/message` (if the session's level allows it).
  void log(protocol::log_level level, boost::json::value data,
           std::string_view logger = {});

  /// Waits `duration`; returns false early when the call is cancelled.
  bool sleep_for(caf::timespan duration);

private:
  caf::scheduled_actor* self_;
  const tool_call& call_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::optional<double> last_;
};

/// Computes a tool's result from its arguments.
using tool_function = std::function<caf::expected<protocol::tool_result>(
  tool_call_context&, const boost::json::object&)>;

/// Spawns a tool handler actor that runs `fn` for each `tool_call`, each on
/// a thread of its own (so `fn` may block or wait), and answers with its
/// result. `(cancel_atom, key)` sets the call's `cancelled()`.
tool_handler_actor spawn_tool_actor(caf::actor_system& sys, tool_function fn);

// -- pools --------------------------------------------------------------------

/// How a pool picks the worker for a call.
enum class tool_routing : uint8_t {
  /// Each worker in turn (skipping full ones).
  round_robin,
  /// The worker with the fewest calls in flight.
  least_loaded,
};

/// How a pool treats its workers.
struct tool_pool_config {
  /// How a worker is picked.
  tool_routing routing = tool_routing::round_robin;
  /// At most this many calls in flight per worker; more wait in the pool.
  size_t max_in_flight_per_worker = 16;
  /// At most this many calls wait for a free worker (or for a first one to
  /// join); more fail at once (with a tool error).
  size_t max_queued = 4096;
  /// How long a call may wait for a free worker before it fails (with a
  /// tool error); zero fails calls at once when no worker is free.
  caf::timespan max_wait = std::chrono::seconds(10);
};

/// A pool's counters.
struct tool_pool_stats {
  /// Workers in the pool now.
  uint64_t workers = 0;
  /// Calls at workers now.
  uint64_t in_flight = 0;
  /// Calls waiting for a free worker now.
  uint64_t queued = 0;
  /// Calls answered by a worker.
  uint64_t completed = 0;
  /// Calls failed because their worker went down while running them.
  uint64_t failed_worker_down = 0;
  /// Calls refused: the queue was full, or no worker was free in time.
  uint64_t refused = 0;
};

/// Inspects a `tool_pool_stats`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tool_pool_stats& x) {
  return f(caf::meta::type_name("tool_pool_stats"), x.workers, x.in_flight,
           x.queued, x.completed, x.failed_worker_down, x.refused);
}

/// A pool of tool handler actors: a tool handler actor itself (set it as a
/// tool's `handler_actor`) that workers join.
using tool_pool_actor = tool_handler_actor::extend<
  caf::reacts_to<join_atom, tool_handler_actor>,
  caf::reacts_to<pool_expire_atom, std::string>,
  caf::replies_to<pool_stats_atom>::with<tool_pool_stats>>;

/// Spawns a pool that routes each call to one of its workers (`workers`,
/// and those that join with `(join_atom, worker)`, from any node); calls
/// wait (up to `max_wait`) while every worker is full or none has joined
/// yet. The pool
/// monitors its workers: a worker that goes down (or whose node does) fails
/// the calls it was running with a tool error (`isError`) and gets no new
/// ones; the others go on. Cancellations go to the worker of the call.
tool_pool_actor spawn_tool_pool(caf::actor_system& sys,
                                tool_pool_config cfg = {},
                                std::vector<tool_handler_actor> workers = {});

} // namespace mcp
