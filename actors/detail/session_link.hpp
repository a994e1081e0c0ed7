#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "protocol/lifecycle.hpp"
#include "protocol/log_level.hpp"
#include "transports/channel.hpp"

namespace mcp::detail {

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
  /// The negotiated protocol revision.
  std::string protocol_version;
  /// What the client can do.
  protocol::client_capabilities client_capabilities;
  /// The client's `Implementation` object.
  boost::json::object client_info;
  /// Whether the session sends log messages at all.
  bool logging = true;
  /// The least severe level sent (a `protocol::log_level`).
  std::atomic<uint8_t> log_level{0};
  /// Whether the client sent `notifications/initialized`.
  std::atomic<bool> client_ready{false};
  /// Default timeout of requests to the client.
  caf::timespan client_request_timeout{};
  /// Responses sent by request actors, with a result and with an error.
  std::atomic<uint64_t> results{0};
  std::atomic<uint64_t> errors{0};
};

} // namespace mcp::detail
