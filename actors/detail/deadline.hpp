#pragma once

#include <chrono>

#include <caf/actor_clock.hpp>
#include <caf/timespan.hpp>

namespace mcp::detail {

/// Returns `t + d`, or the largest time point where that would overflow (a
/// huge timeout means "never").
inline caf::actor_clock::time_point
saturated_add(caf::actor_clock::time_point t, caf::timespan d) {
  using time_point = caf::actor_clock::time_point;
  auto room = time_point::max() - t;
  if (d >= std::chrono::duration_cast<caf::timespan>(room))
    return time_point::max();
  return t + std::chrono::duration_cast<time_point::duration>(d);
}

/// Returns `x + y`, or the largest timespan where that would overflow.
inline caf::timespan saturated_add(caf::timespan x, caf::timespan y) {
  return x > caf::timespan::max() - y ? caf::timespan::max() : x + y;
}

} // namespace mcp::detail
