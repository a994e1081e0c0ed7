#pragma once

#include <cstdint>
#include <string>

namespace mcp::protocol {

/// Error codes of JSON-RPC 2.0 and of MCP.
enum class error_code : int64_t {
  /// Invalid JSON was received.
  parse_error = -32700,
  /// The JSON sent is not a valid request object.
  invalid_request = -32600,
  /// The method does not exist or is not available.
  method_not_found = -32601,
  /// Invalid method parameters.
  invalid_params = -32602,
  /// Internal JSON-RPC error.
  internal_error = -32603,
  /// MCP: the requested resource does not exist.
  resource_not_found = -32002,
  /// MCP 2025-11-25: the request needs a URL-mode elicitation first.
  url_elicitation_required = -32042,
  /// MCP 2026-07-28: an HTTP header is missing, malformed or disagrees with
  /// the body.
  header_mismatch = -32020,
  /// MCP 2026-07-28: the request needs a client capability it did not
  /// declare (`data.requiredCapabilities`).
  missing_required_client_capability = -32021,
  /// MCP 2026-07-28: the request's protocol revision is not spoken here
  /// (`data.supported`, `data.requested`).
  unsupported_protocol_version = -32022,
};

/// Returns the name of a known error code, or "unknown error".
const char* describe(error_code code) noexcept;

/// A failure of the protocol layer: what went wrong, as text, and the
/// JSON-RPC code that says it to a peer.
struct protocol_error {
  /// A description fit for a log line or an exception.
  std::string what;
  /// The code of the failure (invalid params unless said otherwise).
  error_code code = error_code::invalid_params;
};

} // namespace mcp::protocol
