#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/client.hpp"

namespace mcp {

/// Spawns the supervisor of one client session. It links itself to `client`
/// (they end together), monitors `transport`, and when the transport ends
/// starts a new one with `make_transport` after a backoff, as `policy`
/// allows, handing it to the client, which runs the handshake again. When
/// the policy allows no more restarts it sends the client
/// `(give_up_atom, why)`.
caf::actor spawn_session_supervisor(caf::actor_system& sys, caf::actor client,
                                    caf::actor transport,
                                    transport_factory make_transport,
                                    restart_policy policy);

} // namespace mcp
