#pragma once

#include <functional>

#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"

namespace mcp {

/// Answers one request from the server: a result, or an error (use
/// `make_server_error` to choose the JSON-RPC code).
using request_handler_function
  = std::function<caf::expected<boost::json::value>(const server_request&)>;

/// Spawns an actor that answers `server_request`s with `fn`, for
/// `client_config::roots_handler`, `sampling_handler` and
/// `elicitation_handler`. The actor runs on its own thread, so `fn` may
/// block (e.g. to ask a person) without stalling other actors.
///
/// Handler actors written by hand should return
/// `caf::expected<boost::json::value>`: CAF 0.17's `caf::result<T>`
/// brace-initializes `T`, which turns a JSON value into a one-element array.
caf::actor spawn_request_handler(caf::actor_system& sys,
                                 request_handler_function fn);

} // namespace mcp
