#pragma once

// The messages a caf-mcp client actor understands, as a typed actor handle
// the compiler checks: `client_actor`. Every client (`spawn_client`,
// `spawn_stdio_client`, `spawn_http_client`) and every stand-in for a
// client on another node (`connect_client`) speaks it.

#include <string>

#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace mcp {

/// A client actor's interface (see docs/ARCHITECTURE.md for each message).
using client_actor = caf::typed_actor<
  // Any MCP request; the result object, or an `errc` error.
  caf::replies_to<client_request>::with<boost::json::value>,
  // A paginated list request, every page merged into one result.
  caf::replies_to<all_pages_atom, client_request>::with<boost::json::value>,
  // A notification to the server.
  caf::reacts_to<client_notification>,
  // Subscribes an actor to a progress token; answers with the
  // subscription actor (killing it ends the subscription).
  caf::replies_to<subscribe_atom, progress_token, caf::actor>::with<
    caf::actor>,
  // Attaches a ready-made subscription actor to a token.
  caf::reacts_to<attach_atom, progress_token, caf::actor>,
  // Ends an actor's subscription to a token.
  caf::reacts_to<unsubscribe_atom, progress_token, caf::actor>,
  // Ends every subscription of a token.
  caf::reacts_to<unregister_atom, progress_token>,
  // Subscribes an actor to server notifications by method prefix.
  caf::reacts_to<subscribe_atom, std::string, caf::actor>,
  // Ends a subscription to server notifications.
  caf::reacts_to<unsubscribe_atom, std::string, caf::actor>,
  // Sends progress for a request from the server.
  caf::reacts_to<send_progress_atom, progress_update>,
  // Cancels the request with this `cancel_key`.
  caf::reacts_to<cancel_atom, std::string>,
  // Cancels the request with this progress token.
  caf::reacts_to<cancel_atom, progress_token>,
  // Cancels every request.
  caf::reacts_to<cancel_all_atom>,
  // What the handshake (or discovery) told the client.
  caf::replies_to<server_info_atom>::with<server_info>,
  // The client's counters.
  caf::replies_to<client_stats_atom>::with<client_stats>,
  // Ends the session cleanly.
  caf::reacts_to<shutdown_atom>>;

/// What a progress subscriber receives: each update in order, then one
/// `progress_done` (every 512th update comes as a request, which a handler
/// that returns nothing answers).
using progress_listener_actor
  = caf::typed_actor<caf::reacts_to<progress_update>,
                     caf::reacts_to<progress_done>>;

/// What a subscriber to server notifications receives.
using notification_listener_actor
  = caf::typed_actor<caf::reacts_to<server_notification>>;

/// A handler of the server's requests to the client (roots, sampling,
/// elicitation): answers with the result object or an error.
using server_request_handler_actor = caf::typed_actor<
  caf::replies_to<server_request>::with<boost::json::value>>;

/// Returns the typed handle of a client spawned as `caf::actor`.
inline client_actor typed_client(const caf::actor& client) {
  return caf::actor_cast<client_actor>(client);
}

/// Returns the dynamically typed handle of `client`, for the functions
/// that take a `caf::actor`.
inline caf::actor untyped(const client_actor& client) {
  return caf::actor_cast<caf::actor>(client);
}

} // namespace mcp
