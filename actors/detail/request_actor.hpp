#pragma once

#include <functional>
#include <memory>

#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/detail/input_round.hpp"
#include "actors/request_context.hpp"
#include "actors/server_definition.hpp"
#include "protocol/method_table.hpp"
#include "transports/channel.hpp"

namespace mcp::detail {

class request_state;
struct session_link;

/// Computes the `result` of a request's response, or an error.
using request_work
  = std::function<caf::expected<boost::json::value>(request_context&)>;

/// The part of a request that a handler actor does (`tool::handler_actor`):
/// after `request_job::work` returned null (the arguments are fine), the
/// request actor sends `call` to `handler` (with its key and context set)
/// and makes the result of its answer with `finish`.
struct actor_work {
  tool_handler_actor handler;
  tool_call call;
  std::function<caf::expected<boost::json::value>(request_context&,
                                                  caf::expected<boost::json::value>)>
    finish;
};

/// One client request for its actor: the handler's work and where the
/// response goes.
struct request_job {
  /// The handler's context.
  request_context ctx;
  /// Shared with the session: decides whether the response may go out.
  std::shared_ptr<request_state> state;
  /// Counts responses and carries the connection.
  std::shared_ptr<session_link> link;
  /// The handler's work.
  request_work work;
  /// The method of a stateless request (2026-07-28), whose result
  /// `protocol::complete_result` completes; null for session requests.
  const protocol::method_row* stateless = nullptr;
  /// The input of a stateless request that may ask for it (else null), and
  /// the digest that binds its `requestState` to it.
  std::shared_ptr<input_round> input;
  std::string digest;
  /// Whether the response goes back to the session as
  /// `(answer_atom, request_id, json)` (requests of a JSON-RPC batch)
  /// instead of straight to the client.
  bool answer_to_session = false;
  /// What a handler actor does, for tools that have one (else null).
  std::shared_ptr<actor_work> by_actor;
};

/// Spawns a request actor linked to `session`. It runs the requests the
/// session hands it, one at a time (`start_request_actor`): runs the
/// handler, sends the response unless the request was cancelled, tells the
/// session `(request_done_atom, request_id)` and waits for the next one. A
/// `dedicated` request actor has a thread of its own. For a handler actor
/// it is the call's `tool_context_actor` until the answer comes, or until
/// the session cancels it with `(cancel_atom, request_id)`, which it passes
/// on to the handler.
caf::actor spawn_request_actor(caf::event_based_actor* session,
                               bool dedicated);

/// Hands `job` to the idle request actor `worker`. For a scheduled worker,
/// `exec` picks the thread: `immediate` runs it on the session's thread
/// right after the session (no other thread wakes), `pooled` on `pool`
/// (the server's `handler_pool`; the scheduler if null).
void start_request_actor(caf::event_based_actor* session,
                         const caf::actor& worker,
                         std::shared_ptr<request_job> job, execution exec,
                         caf::execution_unit* pool);

/// Returns the JSON-RPC error response for a handler's error: the code of a
/// `server_error`, else an internal error (-32603) describing `err`.
boost::json::value error_response(const protocol::request_id& id,
                                  const caf::error& err);

/// Returns `error_response` as a stateless request gets it: a missing
/// resource is invalid params (-32602) from 2026-07-28 on.
boost::json::value stateless_error_response(const protocol::request_id& id,
                                            const caf::error& err);

} // namespace mcp::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<mcp::detail::request_job>)
