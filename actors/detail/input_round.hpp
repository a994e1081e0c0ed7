#pragma once

#include <cstddef>

#include <boost/json/object.hpp>

namespace mcp::detail {

/// The input of one round of a stateless request that may ask the client
/// for input (2026-07-28 multi-round-trip requests): what the retry brought,
/// what the handler read of it and what it asked for and lacks. Used by the
/// handler's thread only.
struct input_round {
  /// Answers by key (from `requestState` and `inputResponses`).
  boost::json::object answers;
  /// The answers the handler read: the next round's `requestState` carries
  /// them.
  boost::json::object used;
  /// What the handler asked for and has no answer to yet, by key: the
  /// `inputRequests` of the `InputRequiredResult`.
  boost::json::object pending;
  /// Numbers the keys of requests made without one.
  size_t next_key = 1;
};

} // namespace mcp::detail
