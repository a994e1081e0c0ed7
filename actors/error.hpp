#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <caf/error.hpp>
#include <caf/fwd.hpp>

namespace boost::json {

class object;

} // namespace boost::json

namespace mcp {

/// Errors of caf-mcp actors. Each carries a description in its context;
/// `server_error` carries the JSON-RPC code, message and data instead.
enum class errc : uint8_t {
  /// The peer answered with a JSON-RPC error.
  server_error = 1,
  /// The request took longer than its timeout (or maximum total time).
  timeout,
  /// The caller cancelled the request.
  cancelled,
  /// The server's capabilities do not allow the request.
  capability_missing,
  /// The server chose a protocol revision this library does not speak.
  unsupported_protocol_version,
  /// The handshake failed (error result or bad `initialize` result).
  handshake_failed,
  /// The connection to the server ended.
  transport_closed,
  /// A progress token is already used by a request in flight.
  duplicate_progress_token,
  /// The session was shut down or gave up restarting.
  session_closed,
  /// A request or argument is invalid before it was sent.
  invalid_argument,
  /// The peer's result does not have the shape of the request's result type.
  invalid_result,
  /// A stateless request needs the client's input first (its response
  /// asks for it: multi-round-trip requests, 2026-07-28).
  input_required,
  /// The actor that was to answer (a client on another node, a tool
  /// worker) is gone, or the connection to its node is: what it was doing
  /// for the caller ended without an answer.
  actor_down,
};

/// Returns the name of `x`.
const char* to_string(errc x) noexcept;

/// The error category atom of `errc`.
caf::atom_value errc_category() noexcept;

/// Makes an error with a description.
caf::error make_error(errc code, std::string description);

/// Makes a `server_error` from a JSON-RPC error object's members.
caf::error make_server_error(int64_t code, std::string message,
                             std::string data_json = {});

/// Makes a `server_error` from the `error` object of a JSON-RPC response
/// that `protocol::classify` accepted (an integer code, a string message).
caf::error make_server_error(const boost::json::object& error);

/// Returns the JSON-RPC code of a `server_error`, if `err` is one.
std::optional<int64_t> server_error_code(const caf::error& err);

/// Returns whether `err` is of category `errc` with code `code`.
bool is(const caf::error& err, errc code);

/// Returns a readable description of any error, e.g.
/// "timeout: tools/call exceeded 30s".
std::string describe(const caf::error& err);

/// Renders errors of category `errc` (for actor_system_config).
std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

} // namespace mcp
