#pragma once

// Tool handlers as actors: a tool whose `handler_actor` is set is served by
// an actor (on this node or another) instead of a function. The server's
// request actor hands it a `tool_call`; the handler answers with the
// `CallToolResult` object and reports progress and logs through the
// `tool_context_actor` in the call, which is the request's own actor at the
// server's front, so both work from any node. A call the client cancels is
// cancelled at the handler with `(cancel_atom, key)`.

#include <cstdint>
#include <string>

#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace mcp {

/// What the handler of a `tool_call` may send back while it runs: progress
/// (`(tool_progress_atom, key, progress, total, message)`) and logs
/// (`(tool_log_atom, key, level, data, logger)`), each for the call `key`
/// names. Messages for a call that ended are dropped.
using tool_context_actor = caf::typed_actor<
  caf::reacts_to<tool_progress_atom, std::string, double, caf::optional<double>,
                 std::string>,
  caf::reacts_to<tool_log_atom, std::string, uint8_t, boost::json::value,
                 std::string>>;

/// One call of a tool, as its handler actor receives it.
struct tool_call {
  /// Unguessable and unique for the call: names it in progress, logs and
  /// cancellation.
  std::string key;
  /// The tool's name.
  std::string name;
  /// The arguments (an object), already checked against the tool's
  /// `inputSchema`.
  boost::json::value arguments;
  /// The request's `params._meta` (an object, or null).
  boost::json::value meta;
  /// Whether the client asked for progress (reports go nowhere otherwise).
  bool wants_progress = false;
  /// The request's protocol revision, e.g. "2025-11-25".
  std::string protocol_version;
  /// Where progress and logs go.
  tool_context_actor context;
};

/// Inspects a `tool_call`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tool_call& x) {
  return f(caf::meta::type_name("tool_call"), x.key, x.name, x.arguments,
           x.meta, x.wants_progress, x.protocol_version, x.context);
}

/// A tool handler actor: answers a `tool_call` with the `CallToolResult`
/// object (`tool_result::to_json`; `isError` results are tool errors) or an
/// error (a JSON-RPC error for the client), and stops the call on
/// `(cancel_atom, key)` (no answer is expected then).
using tool_handler_actor = caf::typed_actor<
  caf::replies_to<tool_call>::with<boost::json::value>,
  caf::reacts_to<cancel_atom, std::string>>;

} // namespace mcp
