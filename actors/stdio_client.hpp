#pragma once

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/client.hpp"
#include "transports/stdio_transport.hpp"

namespace mcp {

/// Spawns a client under a session supervisor that talks to a server child
/// process over stdio; each restart starts the child anew.
caf::expected<caf::actor>
spawn_stdio_client(caf::actor_system& sys,
                   transports::stdio_transport_config transport,
                   client_config cfg = {}, restart_policy policy = {});

} // namespace mcp
