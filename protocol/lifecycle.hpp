#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "protocol/error_code.hpp"

namespace mcp::protocol {

/// What a server declared it can do in its `initialize` result.
struct server_capabilities {
  /// The server offers tools.
  bool tools = false;
  /// The server sends `notifications/tools/list_changed`.
  bool tools_list_changed = false;
  /// The server offers resources.
  bool resources = false;
  /// The server accepts `resources/subscribe`.
  bool resources_subscribe = false;
  /// The server sends `notifications/resources/list_changed`.
  bool resources_list_changed = false;
  /// The server offers prompts.
  bool prompts = false;
  /// The server sends `notifications/prompts/list_changed`.
  bool prompts_list_changed = false;
  /// The server accepts `logging/setLevel` and sends log messages.
  bool logging = false;
  /// The server accepts `completion/complete`.
  bool completions = false;
  /// The capabilities object as the server sent it.
  boost::json::object raw;

  /// Reads capabilities from a JSON object; unknown members are kept in `raw`.
  static server_capabilities from_json(const boost::json::value& x);
};

/// What a client declares it can do in its `initialize` request.
struct client_capabilities {
  /// The client answers `roots/list`.
  bool roots = false;
  /// The client sends `notifications/roots/list_changed`.
  bool roots_list_changed = false;
  /// The client answers `sampling/createMessage`.
  bool sampling = false;
  /// The client answers `elicitation/create` (form mode).
  bool elicitation = false;
  /// Experimental capabilities, sent as given.
  boost::json::object experimental;

  /// Returns the capabilities object for the protocol revision `version`.
  boost::json::object to_json(std::string_view version) const;
};

/// The name and version of an MCP implementation.
struct implementation_info {
  /// Programmatic name.
  std::string name;
  /// Version string.
  std::string version;
  /// Human-readable title (sent from revision 2025-06-18 on).
  std::string title;

  /// Returns the `Implementation` object for the protocol revision
  /// `revision`.
  boost::json::object to_json(std::string_view revision) const;
};

/// The server's answer to `initialize`.
struct initialize_result {
  /// The revision the server chose.
  std::string protocol_version;
  /// What the server can do.
  server_capabilities capabilities;
  /// The server's `Implementation` object as sent.
  boost::json::value server_info;
  /// Usage hints for the server, empty when it sent none.
  std::string instructions;
};

/// Returns the params of an `initialize` request offering `version`.
boost::json::value make_initialize_params(std::string_view version,
                                          const implementation_info& client,
                                          const client_capabilities& caps);

/// Checks and reads an `initialize` result. Fails when a member is missing
/// or the server chose a revision this library does not speak.
boost::system::result<initialize_result, protocol_error>
parse_initialize_result(const boost::json::value& result);

/// Returns why `caps` do not allow a client to send a request named
/// `method`, or nothing if they do. Unknown methods are allowed.
std::optional<std::string> check_method_allowed(const server_capabilities& caps,
                                                std::string_view method);

} // namespace mcp::protocol
