#pragma once

// The actor system configuration of the deterministic actor tests: caf-mcp's
// message types and error rendering, without the I/O middleman (the test
// coordinator drives every actor).

#include <caf/actor_system_config.hpp>

#include "actors/system_config.hpp"

namespace mcp::test {

/// Configuration for `test_coordinator_fixture<mcp::test::config>`.
struct config : caf::actor_system_config {
  config() {
    mcp::init_message_types(*this);
  }
};

} // namespace mcp::test
