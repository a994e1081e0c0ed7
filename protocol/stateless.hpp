#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "protocol/error_code.hpp"
#include "protocol/lifecycle.hpp"
#include "protocol/log_level.hpp"
#include "protocol/method_table.hpp"
#include "protocol/revision.hpp"

/// The stateless era (2026-07-28): requests that carry their revision,
/// capabilities and client in `_meta`, `server/discover`, and results with
/// `resultType`, `serverInfo` and caching hints.
namespace mcp::protocol {

// -- `_meta` keys -------------------------------------------------------------

/// The `_meta` keys of the stateless era.
namespace meta_keys {

inline constexpr std::string_view protocol_version
  = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view client_capabilities
  = "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view client_info
  = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view log_level = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view server_info
  = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view subscription_id
  = "io.modelcontextprotocol/subscriptionId";

} // namespace meta_keys

// -- requests -----------------------------------------------------------------

/// What a stateless request says about its sender in `_meta`.
struct request_meta {
  /// The request's revision (one without sessions).
  revision rev = revision::latest();
  /// What the client can do.
  client_capabilities capabilities;
  /// The client's `Implementation` object (empty if not sent).
  boost::json::object client_info;
  /// The least severe level of log messages the client wants for this
  /// request; none without `logLevel`.
  std::optional<log_level> level;
};

/// Why a request's `_meta` is refused: a JSON-RPC error.
struct request_meta_error {
  /// `invalid_params` (a key is missing or malformed) or
  /// `unsupported_protocol_version`.
  error_code code;
  /// A description for the error's message.
  std::string message;
  /// The error's data (`supported` and `requested` for an unsupported
  /// revision), null if none.
  boost::json::value data;
};

/// Returns the revision name that `params._meta` carries, if any: a request
/// with one belongs to the stateless era (`initialize` selects the other).
std::optional<std::string_view>
request_protocol_version(const boost::json::value* params) noexcept;

/// Reads the stateless `_meta` of a request's `params`: the revision
/// (required; one this library speaks without sessions), the client's
/// capabilities (required), its info and log level (optional).
boost::system::result<request_meta, request_meta_error>
read_request_meta(const boost::json::value* params);

/// Returns the data of an `UnsupportedProtocolVersionError`: every revision
/// this library speaks, newest first, and `requested`.
boost::json::object unsupported_version_data(std::string_view requested);

/// Returns the `_meta` a client puts into each request under revision `rev`
/// (one without sessions): the revision, `caps` as that revision declares
/// them, `client` unless its name is empty, and `level` if given.
boost::json::object make_request_meta(revision rev,
                                      const client_capabilities& caps,
                                      const implementation_info& client,
                                      std::optional<log_level> level = {});

/// What a server said of itself in `server/discover`.
struct discover_result {
  /// The revisions it accepts, as it named them (known or not).
  std::vector<std::string> supported;
  /// The newest of them that this library speaks without sessions, if any.
  std::optional<revision> stateless;
  /// What it can do.
  server_capabilities capabilities;
  /// Its `Implementation` object from `_meta` (or, as some servers send
  /// it, from a `serverInfo` member; null if it sent none).
  boost::json::value server_info;
  /// Usage hints, empty if none.
  std::string instructions;
  /// How long the answer may be reused (`ttlMs`, 0 if missing or negative).
  int64_t ttl_ms = 0;
};

/// Checks and reads a `server/discover` result: `supportedVersions` must be
/// an array of strings and `capabilities` an object.
boost::system::result<discover_result, protocol_error>
parse_discover_result(const boost::json::value& result);

// -- results ------------------------------------------------------------------

/// What a stateless server adds to its complete results.
struct result_hints {
  /// The server's `Implementation` object, sent as `_meta` serverInfo
  /// (nothing when empty).
  boost::json::object server_info;
  /// `ttlMs` of cacheable results: how long a client may reuse them.
  int64_t ttl_ms = 0;
  /// `cacheScope`: whether caches may share results across users.
  bool public_scope = true;
};

/// Completes `result` of a stateless request to `row`: `resultType`
/// "complete" and the `serverInfo` `_meta` (each unless present), and the
/// caching hints for cacheable methods.
void complete_result(boost::json::object& result, const method_row& row,
                     const result_hints& hints);

/// Returns the result of `server/discover`: every revision spoken here,
/// `caps` as declared under `rev`, and the instructions unless empty (not
/// yet completed, see `complete_result`).
boost::json::object make_discover_result(revision rev,
                                         const server_capabilities& caps,
                                         std::string_view instructions);

} // namespace mcp::protocol
