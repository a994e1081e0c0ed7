#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "protocol/lifecycle.hpp"
#include "protocol/log_level.hpp"
#include "protocol/revision.hpp"
#include "protocol/request_state.hpp"
#include "protocol/stateless.hpp"
#include "transports/channel.hpp"

namespace mcp::detail {

/// Who sent a request: the revision it speaks and what the client declared.
/// A session-based client's view is made by `initialize` and shared by all
/// its requests; a 2026-07-28 request carries its own in `_meta`.
struct client_view {
  /// The protocol revision of the request.
  protocol::revision revision = protocol::revision::latest_with_sessions();
  /// What the client can do.
  protocol::client_capabilities capabilities;
  /// The client's `Implementation` object.
  boost::json::object info;
  /// The request's own log level (2026-07-28 `_meta`); without one the
  /// session's level applies.
  std::optional<protocol::log_level> log_level;
};

/// What the requests of one server session share: where output goes, what
/// the client declared, the session's log level. Made when the session
/// starts; the client's side is filled in by `initialize`, before any
/// request that reads it exists.
struct session_link {
  /// The actor system.
  caf::actor_system* system = nullptr;
  /// The session actor (weak: requests must not keep it alive).
  caf::actor_addr session;
  /// The server actor, for changes of the catalog.
  caf::actor server;
  /// The connection to the client.
  std::shared_ptr<transports::channel> out;
  /// The client as `initialize` described it (set before any request that
  /// reads it exists).
  std::shared_ptr<const client_view> client = std::make_shared<client_view>();
  /// Whether the session sends log messages at all.
  bool logging = true;
  /// The least severe level sent (a `protocol::log_level`).
  std::atomic<uint8_t> log_level{0};
  /// Whether the client sent `notifications/initialized`.
  std::atomic<bool> client_ready{false};
  /// What stateless requests' complete results get (`serverInfo`, caching
  /// hints).
  std::shared_ptr<const protocol::result_hints> hints
    = std::make_shared<protocol::result_hints>();
  /// Seals the `requestState` of multi-round-trip requests.
  std::shared_ptr<const protocol::state_sealer> sealer;
  /// How long a round of input may take, and the bound on `requestState`.
  std::chrono::milliseconds request_state_ttl{0};
  size_t max_request_state = 0;
  /// Default timeout of requests to the client.
  caf::timespan client_request_timeout{};
  /// Responses sent by request actors, with a result and with an error.
  std::atomic<uint64_t> results{0};
  std::atomic<uint64_t> errors{0};
};

} // namespace mcp::detail
