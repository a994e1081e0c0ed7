#pragma once

// Clients across nodes, over CAF's own middleman (BASP over TCP): publish a
// client on one node, use it from another through a local stand-in that
// fails what is pending at once when the client or its node goes away.
// Needs the I/O middleman (`init_config` loads it); programs that use no
// other node never call these.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/client_actor.hpp"
#include "actors/tool_worker.hpp"

namespace mcp {

/// Makes `client` reachable from other nodes at `host`:`port` (0 picks a
/// free port); returns the port. Binds 127.0.0.1 unless told otherwise.
caf::expected<uint16_t> publish_client(const client_actor& client,
                                       uint16_t port,
                                       const std::string& host = "127.0.0.1");

/// Connects to the client published at `host`:`port` and returns a stand-in
/// for it (see `spawn_client_stand_in`). Blocks until connected or failed.
caf::expected<client_actor> connect_client(caf::actor_system& sys,
                                           const std::string& host,
                                           uint16_t port);

/// Spawns a local stand-in for `client` (typically on another node) that
/// speaks the whole client interface and passes each message on. Requests,
/// progress, cancellation and timeouts work as with `client` itself
/// (progress goes from the client's node straight to the subscribers; the
/// client keeps the timeouts). When `client` or the connection to its node
/// ends, every request waiting on it fails at once with
/// `errc::actor_down` (no waiting for a timeout), and the stand-in quits
/// with that error, so actors that monitor or link to it learn of it.
client_actor spawn_client_stand_in(caf::actor_system& sys,
                                   const client_actor& client);

/// Makes a tool pool reachable from other nodes at `host`:`port` (0 picks a
/// free port), so workers there can join it; returns the port.
caf::expected<uint16_t> publish_pool(const tool_pool_actor& pool,
                                     uint16_t port,
                                     const std::string& host = "127.0.0.1");

/// Connects to the pool published at `host`:`port` and makes `worker` join
/// it; returns the pool. Blocks until connected or failed.
caf::expected<tool_pool_actor> join_pool(caf::actor_system& sys,
                                         const std::string& host,
                                         uint16_t port,
                                         const tool_handler_actor& worker);

} // namespace mcp
