#pragma once

// Running an MCP server: `spawn_server` makes the server actor, which owns
// the catalog (tools, resources, templates, prompts) and opens one session
// actor per connection; see actors/stdio_server.hpp for stdio, and
// docs/ARCHITECTURE.md for the actors and messages.

#include <string>

#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/server_definition.hpp"
#include "protocol/log_level.hpp"

namespace mcp {

/// Spawns the server actor for `def`. Fails when a definition is invalid
/// (a bad tool name or schema, a bad URI template, a missing handler, a
/// duplicate), naming it.
caf::expected<caf::actor> spawn_server(caf::actor_system& sys,
                                       server_definition def);

// -- changes at run time ------------------------------------------------------
// Each takes effect for every session; sessions tell their clients with
// `notifications/*/list_changed`. To learn whether a change was valid, send
// the message with `request` instead: `(add_atom, tool)` answers with an
// error for an invalid definition.

/// Adds a tool, or replaces the one with the same name.
void add_tool(const caf::actor& server, tool x);

/// Removes the tool named `name`.
void remove_tool(const caf::actor& server, std::string name);

/// Adds a resource, or replaces the one with the same URI.
void add_resource(const caf::actor& server, resource x);

/// Removes the resource with URI `uri`.
void remove_resource(const caf::actor& server, std::string uri);

/// Adds a resource template, or replaces the one with the same template.
void add_resource_template(const caf::actor& server, resource_template x);

/// Removes the resource template `uri_template`.
void remove_resource_template(const caf::actor& server,
                              std::string uri_template);

/// Adds a prompt, or replaces the one with the same name.
void add_prompt(const caf::actor& server, prompt x);

/// Removes the prompt named `name`.
void remove_prompt(const caf::actor& server, std::string name);

// -- notifications ------------------------------------------------------------

/// Sends `notifications/resources/updated` for `uri` to exactly the
/// sessions whose clients subscribed to it.
void notify_resource_updated(const caf::actor& server, std::string uri);

/// Sends a log message to every session whose level allows it; data that
/// holds a number JSON cannot represent (infinity, NaN) is not sent.
void send_log(const caf::actor& server, protocol::log_level level,
              boost::json::value data, std::string logger = {});

} // namespace mcp
