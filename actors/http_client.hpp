#pragma once

#include <string>

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

/// Spawns a client of the server at `url` the way the specification's
/// backwards-compatible detection does: Streamable HTTP first, the legacy
/// HTTP+SSE transport when the server refuses the first POST with 400, 404
/// or 405.
caf::expected<caf::actor>
spawn_client_for_url(caf::actor_system& sys, std::string url,
                     client_config cfg = {}, restart_policy policy = {});

} // namespace mcp
