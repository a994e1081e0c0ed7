#pragma once

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

#include "actors/server_definition.hpp"
#include "transports/stdio_channel.hpp"

namespace mcp {

/// Serves one client over `cfg`'s descriptors (by default this process's
/// stdin and stdout) with a session of `server`, and returns when the
/// session ends: the client closed its end (handlers still running get
/// `server_options::drain_timeout` to finish) or the session was shut down.
/// Returns an error if no session could open.
caf::error serve_stdio(caf::actor_system& sys, const caf::actor& server,
                       transports::stdio_channel_config cfg = {});

/// Runs `def` over this process's stdin and stdout in an actor system of its
/// own until the client is done; returns the exit code for `main` (1 with a
/// message on stderr when a definition is invalid). Log to stderr: stdout
/// belongs to the protocol.
int run_stdio_server(server_definition def);

} // namespace mcp
