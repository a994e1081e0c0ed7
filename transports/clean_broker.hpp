#pragma once

#include <caf/io/broker.hpp>
#include <caf/stateful_actor.hpp>

namespace mcp::transports {

/// A broker that closes and empties its mailbox when it ends, as every other
/// CAF actor does. CAF 0.17's `abstract_broker::cleanup` skips that step of
/// `scheduled_actor::cleanup`: a message still queued, or sent to the broker
/// after it quit, stays in its mailbox until the broker is destroyed, and a
/// message that holds a reference to the broker (as sender, or an actor that
/// references it) keeps it from ever being destroyed. Every broker of this
/// project derives from this class.
class clean_broker : public caf::io::broker {
public:
  // -- constructors, destructors, and assignment operators --------------------

  using caf::io::broker::broker;

  // -- overridden member functions --------------------------------------------

  /// Closes the mailbox (later messages are dropped, requests answered with
  /// an error), drops what it holds, then ends as a broker.
  bool cleanup(caf::error&& reason, caf::execution_unit* host) override;
};

/// A `clean_broker` with a state of type `State`.
template <class State>
using clean_stateful_broker = caf::stateful_actor<State, clean_broker>;

} // namespace mcp::transports
