#pragma once

// What an MCP server offers: tools, resources, resource templates, prompts
// and completions, each with the handler that serves it, plus the server's
// name and limits. See actors/server.hpp to run one.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <caf/expected.hpp>
#include <caf/timespan.hpp>

#include "actors/tool_actor.hpp"
#include "protocol/content.hpp"
#include "protocol/lifecycle.hpp"
#include "protocol/log_level.hpp"
#include "protocol/results.hpp"
#include "protocol/uri_template.hpp"

namespace mcp {

class request_context;

using protocol::completion_result;
using protocol::prompt_message;
using protocol::prompt_result;
using protocol::tool_result;

// -- execution ----------------------------------------------------------------

/// Where a handler runs. Every request runs in an actor of its own; this
/// picks the thread.
enum class execution : uint8_t {
  /// On the server's handler threads (`server_options::handler_threads`),
  /// apart from the scheduler the sessions run on: for handlers that compute
  /// and return (check `request_context::cancelled` in long computations).
  /// The waiting calls of `request_context` refuse to run here.
  pooled,
  /// At once, on the thread that read the request, without waking another
  /// thread: for handlers that take microseconds and never block or wait.
  /// The waiting calls of `request_context` refuse to run here.
  immediate,
  /// On a thread of its own (kept for reuse): for handlers that block or
  /// wait (sleeps, blocking I/O, sampling, elicitation, roots).
  dedicated,
};

// -- handlers -----------------------------------------------------------------

/// Arguments of a prompt: names to string values.
using prompt_arguments = std::map<std::string, std::string, std::less<>>;

/// The contents of a read resource: `text_resource` / `blob_resource`
/// objects (see protocol/content.hpp).
using resource_contents = std::vector<boost::json::object>;

/// What `completion/complete` asks to complete.
struct completion_request {
  /// The argument (prompt) or variable (resource template) being completed.
  std::string argument;
  /// What the user typed so far.
  std::string value;
  /// Values of other arguments already chosen.
  prompt_arguments context;
};

/// Runs a tool with its arguments, which already passed its `inputSchema`.
/// Return a `tool_result` (with `is_error` for failures the model should
/// see) or an error for a JSON-RPC error (`make_server_error` picks the
/// code). An exception becomes an internal error (-32603).
using tool_handler = std::function<caf::expected<tool_result>(
  request_context&, const boost::json::object& arguments)>;

/// Reads a resource.
using resource_handler = std::function<caf::expected<resource_contents>(
  request_context&, const std::string& uri)>;

/// Reads a resource that matched a template, with the template's variables.
/// Return `make_resource_not_found(uri)` when nothing exists there.
using resource_template_handler = std::function<caf::expected<
  resource_contents>(request_context&, const std::string& uri,
                     const protocol::uri_variables& variables)>;

/// Fills in a prompt; required arguments are present.
using prompt_handler = std::function<caf::expected<prompt_result>(
  request_context&, const prompt_arguments& arguments)>;

/// Suggests values for a prompt argument or template variable.
using completion_handler
  = std::function<completion_result(const completion_request&)>;

/// Returns a completion handler that offers the `values` that start with
/// what the user typed, in the given order.
completion_handler complete_from(std::vector<std::string> values);

// -- definitions --------------------------------------------------------------

/// Hints about a tool's behaviour (`ToolAnnotations`); unset ones are left
/// out. Clients must treat them as untrusted.
struct tool_annotations {
  /// A display name.
  std::string title;
  /// The tool does not change its environment.
  std::optional<bool> read_only_hint;
  /// The tool may destroy (not only add) things.
  std::optional<bool> destructive_hint;
  /// Calling again with the same arguments has no further effect.
  std::optional<bool> idempotent_hint;
  /// The tool talks to an open world (e.g. the web).
  std::optional<bool> open_world_hint;

  /// Returns the `ToolAnnotations` object.
  boost::json::object to_json() const;
};

/// A tool the model may call.
struct tool {
  /// Unique name: 1 to 128 of A-Z a-z 0-9 _ - .
  std::string name;
  /// Display name.
  std::string title;
  /// What the tool does, for the model.
  std::string description;
  /// JSON Schema of the arguments; arguments are checked against it before
  /// the handler runs.
  boost::json::object input_schema{{"type", "object"}};
  /// JSON Schema of `structured_content`; results are checked against it.
  std::optional<boost::json::object> output_schema;
  /// Behaviour hints.
  tool_annotations annotations;
  /// `Icon` objects.
  boost::json::array icons;
  /// `_meta` of the tool's description.
  boost::json::object meta;
  /// Where the handler runs.
  execution exec = execution::pooled;
  /// The handler (a function), or:
  tool_handler handler;
  /// an actor that answers `tool_call`s, on this node or another (e.g. a
  /// `spawn_tool_pool` of workers); set one of the two. The call holds the
  /// request's actor as its `tool_context_actor`, for progress and logs.
  tool_handler_actor handler_actor;

  /// Returns the `Tool` object of `tools/list`.
  boost::json::object to_json() const;
};

/// A resource with a fixed URI.
struct resource {
  /// The URI.
  std::string uri;
  /// Programmatic name.
  std::string name;
  /// Display name.
  std::string title;
  /// What it is.
  std::string description;
  /// MIME type of its contents, if known.
  std::string mime_type;
  /// Size in bytes, if known.
  std::optional<uint64_t> size;
  /// Hints for clients.
  std::optional<protocol::annotations> annotations;
  /// `Icon` objects.
  boost::json::array icons;
  /// `_meta`.
  boost::json::object meta;
  /// Where the handler runs.
  execution exec = execution::pooled;
  /// Reads the resource.
  resource_handler handler;

  /// Returns the `Resource` object of `resources/list`.
  boost::json::object to_json() const;
};

/// Resources whose URIs match a template such as `file:///{+path}`.
struct resource_template {
  /// The URI template (RFC 6570 `{name}` and `{+name}` expressions).
  std::string uri_template;
  /// Programmatic name.
  std::string name;
  /// Display name.
  std::string title;
  /// What the resources are.
  std::string description;
  /// MIME type of their contents, if the same for all.
  std::string mime_type;
  /// Hints for clients.
  std::optional<protocol::annotations> annotations;
  /// `Icon` objects.
  boost::json::array icons;
  /// `_meta`.
  boost::json::object meta;
  /// Completions of the template's variables, by variable name.
  std::map<std::string, completion_handler> completions;
  /// Where the handler runs.
  execution exec = execution::pooled;
  /// Reads a matching resource.
  resource_template_handler handler;

  /// Returns the `ResourceTemplate` object of `resources/templates/list`.
  boost::json::object to_json() const;
};

/// An argument of a prompt.
struct prompt_argument {
  /// Name.
  std::string name;
  /// Display name.
  std::string title;
  /// What it is for.
  std::string description;
  /// Whether `prompts/get` must give it.
  bool required = false;
  /// Suggests values for it (`completion/complete`).
  completion_handler complete;
};

/// A prompt template a user may pick.
struct prompt {
  /// Unique name.
  std::string name;
  /// Display name.
  std::string title;
  /// What the prompt is for.
  std::string description;
  /// Its arguments.
  std::vector<prompt_argument> arguments;
  /// `Icon` objects.
  boost::json::array icons;
  /// `_meta`.
  boost::json::object meta;
  /// Where the handler runs.
  execution exec = execution::pooled;
  /// Fills it in.
  prompt_handler handler;

  /// Returns the `Prompt` object of `prompts/list`.
  boost::json::object to_json() const;
};

// -- the server ---------------------------------------------------------------

/// Limits and policies of a server's sessions.
struct server_options {
  /// Items per page of every list method; 0 sends every item at once.
  size_t page_size = 0;
  /// Requests of one session that run at once; more wait their turn.
  size_t max_concurrent_requests = 256;
  /// Requests of one session that may wait for a turn; more are refused
  /// with an internal error (-32603) saying so, so that a flood cannot
  /// exhaust memory. Responses, cancellations and pings from the client are
  /// read and handled meanwhile, whatever waits.
  size_t max_waiting_requests = 4096;
  /// Resource subscriptions one session may hold.
  size_t max_subscriptions = 4096;
  /// Threads for `pooled` handlers, shared by all sessions of the server
  /// and apart from CAF's scheduler (0: one per core, at least two). A
  /// request that finds them all busy waits for one.
  size_t handler_threads = 0;
  /// How long a request to the client (sampling, elicitation, roots) may
  /// take unless the call says otherwise.
  caf::timespan client_request_timeout = std::chrono::seconds(60);
  /// How long handlers may still run and answer after the client closed its
  /// end (a client may close it right after its last request); then they are
  /// cancelled and the session ends without waiting for them.
  caf::timespan drain_timeout = std::chrono::seconds(1);
  /// The least severe log level sent before the client sets one.
  protocol::log_level initial_log_level = protocol::log_level::debug;
  /// Declare `logging` (requests may then log).
  bool logging = true;
  /// Send `notifications/*/list_changed` and declare `listChanged`.
  bool list_changed = true;
  /// Declare `tools`, `resources` and `prompts` even while none exist, so
  /// that ones added at run time can be used by sessions started earlier.
  bool declare_empty_lists = false;
  /// Print bad input from clients to stderr.
  bool log_bad_input = true;
  /// `ttlMs` of cacheable results under 2026-07-28 (lists, reads,
  /// `server/discover`): how long a client may reuse them without asking
  /// again. Changes of lists reach listening clients as notifications.
  std::chrono::milliseconds cache_ttl{0};
  /// Send `cacheScope` "private" instead of "public": results differ per
  /// user, and caches must not share them.
  bool private_cache = false;
  /// The key that seals the `requestState` of multi-round-trip requests
  /// (2026-07-28): servers that serve each other's retries share one; empty
  /// picks a random key when the server starts.
  std::string request_state_key;
  /// How long a client may take to answer a round of input.
  std::chrono::milliseconds request_state_ttl = std::chrono::minutes(10);
  /// The largest `requestState` the server mints (the answers it carries);
  /// a handler that would need more fails with an internal error.
  size_t max_request_state = 64 * 1024;
};

/// Everything a server is: who it is, what it offers, its limits. Spawn it
/// with `spawn_server`, or run it with `run_stdio_server`.
struct server_definition {
  /// Names a server.
  server_definition(std::string name = "caf-mcp-server",
                    std::string version = "0.1.0");

  /// `serverInfo`.
  protocol::implementation_info info;
  /// `instructions` for the client (empty for none).
  std::string instructions;
  /// Limits and policies.
  server_options options;
  /// Experimental capabilities to declare.
  boost::json::object experimental;
  /// Tools, in listing order.
  std::vector<tool> tools;
  /// Resources, in listing order.
  std::vector<resource> resources;
  /// Resource templates, in listing order (and matching order).
  std::vector<resource_template> resource_templates;
  /// Prompts, in listing order.
  std::vector<prompt> prompts;

  /// Adds a tool.
  server_definition& add(tool x);

  /// Adds a resource.
  server_definition& add(resource x);

  /// Adds a resource template.
  server_definition& add(resource_template x);

  /// Adds a prompt.
  server_definition& add(prompt x);
};

/// Makes the error for a resource that does not exist (-32002, with the
/// URI as data).
caf::error make_resource_not_found(const std::string& uri);

/// Makes the error for invalid params (-32602) with `message`.
caf::error make_invalid_params(std::string message);

} // namespace mcp
