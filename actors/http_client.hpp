#pragma once

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/client.hpp"
#include "transports/http_transport.hpp"

namespace mcp {

/// Spawns a client under a session supervisor that talks to the server at
/// `transport.url` over Streamable HTTP; each restart starts a new session.
caf::expected<caf::actor>
spawn_http_client(caf::actor_system& sys,
                  transports::http_transport_config transport,
                  client_config cfg = {}, restart_policy policy = {});

} // namespace mcp
