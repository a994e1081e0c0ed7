#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "protocol/error_code.hpp"
#include "protocol/method_table.hpp"
#include "protocol/revision.hpp"

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
  /// Experimental capabilities, sent as given.
  boost::json::object experimental;
  /// The capabilities object as the server sent it.
  boost::json::object raw;
  /// Extensions and their settings (2026-07-28), sent as given.
  boost::json::object extensions;

  /// Reads capabilities from a JSON object; unknown members are kept in `raw`.
  static server_capabilities from_json(const boost::json::value& x);

  /// Returns the capabilities object a server declares in revision
  /// `version` (`completions` exists from 2025-03-26 on).
  boost::json::object to_json(std::string_view version) const;
};

/// What a client declares it can do in its `initialize` request.
struct client_capabilities {
  /// The client answers `roots/list`.
  bool roots = false;
  /// The client sends `notifications/roots/list_changed`.
  bool roots_list_changed = false;
  /// The client answers `sampling/createMessage`.
  bool sampling = false;
  /// The client's sampling may use tools (`sampling.tools`, 2025-11-25).
  bool sampling_tools = false;
  /// The client honours `includeContext` (`sampling.context`).
  bool sampling_context = false;
  /// The client answers `elicitation/create` (form mode).
  bool elicitation = false;
  /// The client answers URL-mode `elicitation/create` (2025-11-25).
  bool elicitation_url = false;
  /// Experimental capabilities, sent as given.
  boost::json::object experimental;
  /// The capabilities object as the client sent it (empty when made here).
  boost::json::object raw;
  /// Extensions and their settings (2026-07-28), sent as given.
  boost::json::object extensions;

  /// Returns the capabilities object for the protocol revision `version`.
  boost::json::object to_json(std::string_view version) const;

  /// Reads capabilities a client declared. An empty `elicitation` object
  /// means form mode, as the spec says.
  static client_capabilities from_json(const boost::json::value& x);
};

/// The name and version of an MCP implementation.
struct implementation_info {
  /// Names an implementation; the optional members stay empty.
  implementation_info(std::string name = {}, std::string version = {},
                      std::string title = {})
    : name(std::move(name)), version(std::move(version)),
      title(std::move(title)) {
    // nop
  }

  /// Programmatic name.
  std::string name;
  /// Version string.
  std::string version;
  /// Human-readable title (sent from revision 2025-06-18 on).
  std::string title;
  /// What the implementation does (sent from revision 2025-11-25 on).
  std::string description;
  /// The implementation's website (sent from revision 2025-11-25 on).
  std::string website_url;
  /// `Icon` objects (sent from revision 2025-11-25 on).
  boost::json::array icons;

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

/// What a client sent in `initialize`.
struct initialize_request {
  /// The revision the client asked for.
  std::string protocol_version;
  /// What the client can do.
  client_capabilities capabilities;
  /// The client's `Implementation` object as sent.
  boost::json::object client_info;
};

/// Checks and reads the params of an `initialize` request: a
/// `protocolVersion` string, a `capabilities` object and a `clientInfo`
/// object with `name` and `version` strings.
boost::system::result<initialize_request, protocol_error>
parse_initialize_params(const boost::json::value* params);

/// Returns the revision a server answers `initialize` with: `requested` if
/// this library speaks it with sessions, else the newest revision with
/// sessions.
std::string_view negotiate_protocol_version(std::string_view requested);

/// Returns the result of `initialize` for a server.
boost::json::object make_initialize_result(std::string_view version,
                                           const server_capabilities& caps,
                                           const implementation_info& server,
                                           std::string_view instructions);

/// Returns whether a server that declared `caps` has capability `x` (true
/// for `none`, false for the client's capabilities).
bool declares(const server_capabilities& caps, capability x) noexcept;

/// Returns whether a client that declared `caps` has capability `x` (true
/// for `none`, false for the server's capabilities).
bool declares(const client_capabilities& caps, capability x) noexcept;

/// Returns why a client may not send `method` to a server that speaks
/// revision `rev` and declared `caps`: the revision lacks the method, or the
/// capability that gates it in `rev` (`method_table`) is not declared.
/// Methods this library does not know, and those a server sends, are
/// allowed.
std::optional<std::string>
check_method_allowed(const server_capabilities& caps, std::string_view method,
                     revision rev);

} // namespace mcp::protocol
