#pragma once

#include <caf/actor_system_config.hpp>

namespace mcp {

/// Names caf-mcp's message types and renders its errors, without loading
/// the I/O middleman (enough for actors that use no transport of their own).
void init_message_types(caf::actor_system_config& cfg);

/// Prepares `cfg` for caf-mcp: loads the I/O middleman (stdio transports are
/// brokers), names caf-mcp's message types for serialization, and renders
/// caf-mcp errors readably.
void init_config(caf::actor_system_config& cfg);

/// An `actor_system_config` that `init_config` already prepared.
class system_config : public caf::actor_system_config {
public:
  system_config();
};

} // namespace mcp
