#pragma once

#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/detail/catalog.hpp"
#include "actors/detail/handler_pool.hpp"
#include "actors/server_definition.hpp"
#include "protocol/request_state.hpp"
#include "protocol/stateless.hpp"
#include "transports/channel.hpp"

namespace mcp::detail {

/// What every session of a server shares and never changes.
struct server_settings {
  protocol::implementation_info info;
  std::string instructions;
  server_options options;
  boost::json::object experimental;
  /// What stateless requests' complete results get.
  std::shared_ptr<const protocol::result_hints> hints;
  /// Seals the `requestState` of multi-round-trip requests.
  std::shared_ptr<const protocol::state_sealer> sealer;
  /// Runs `pooled` handlers.
  std::shared_ptr<handler_pool> handlers;
};

/// Spawns a session actor of `server` (the server actor, which it monitors
/// and ends with) that speaks MCP with one client over `out`, whose input
/// the caller then directs to the session.
caf::actor spawn_server_session(caf::event_based_actor* server,
                                std::shared_ptr<const server_settings> settings,
                                std::shared_ptr<const catalog> snapshot,
                                std::shared_ptr<transports::channel> out);

} // namespace mcp::detail
