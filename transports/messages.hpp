#pragma once

// Messages between a transport actor and its owner. A transport moves whole
// JSON values in and out and knows nothing of MCP methods.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

#include "transports/json_inspect.hpp"

namespace mcp::transports {

// -- atoms --------------------------------------------------------------------

/// Tags JSON messages that arrived from the peer, in order:
/// `(inbound_atom, boost::json::value)` for one, or
/// `(inbound_atom, std::vector<boost::json::value>)` for all messages of one
/// read.
using inbound_atom = caf::atom_constant<caf::atom("mcp_in")>;

/// Tags a JSON message to send to the peer: `(outbound_atom, value)`, or
/// `(outbound_atom, value, message_headers)` for one with header fields of
/// its own.
using outbound_atom = caf::atom_constant<caf::atom("mcp_out")>;

/// Asks a transport to end the connection cleanly: `(close_atom)`.
using close_atom = caf::atom_constant<caf::atom("mcp_close")>;

/// Asks a transport for its `transport_stats`: `(stats_atom)`.
using stats_atom = caf::atom_constant<caf::atom("mcp_stats")>;

/// Tells the owner that the server no longer knows the session (Streamable
/// HTTP's 404): the owner runs its handshake again on the same transport,
/// which sends the requests that were in flight again once the owner's next
/// `protocol_version_atom` says the new session is ready. Sent at most once
/// per session the transport opened. `(session_expired_atom)`.
using session_expired_atom = caf::atom_constant<caf::atom("mcp_sexp")>;

/// Tells a transport the protocol revision its owner negotiated:
/// `(protocol_version_atom, std::string)`. Transports that put it on the
/// wire (HTTP's `MCP-Protocol-Version` header) use it from then on; others
/// ignore it.
using protocol_version_atom = caf::atom_constant<caf::atom("mcp_pver")>;

/// Tells a transport that its owner no longer waits for the response to
/// request `id` (JSON text), which timed out or was cancelled:
/// `(abandon_atom, std::string)`. A transport that holds an exchange for it
/// (HTTP: the request's stream, or a resumption of it) ends that exchange;
/// others ignore it.
using abandon_atom = caf::atom_constant<caf::atom("mcp_aband")>;

/// Tells a transport whether its owner speaks a revision without sessions
/// (MCP 2026-07-28): `(stateless_atom, bool)`. A stateless HTTP transport
/// sends no session id, opens no standalone stream, resumes no stream (a
/// request whose stream breaks is lost, see `fault_kind::request_lost`),
/// sends no DELETE and no notifications (closing a request's stream cancels
/// it), and passes on the JSON-RPC error that comes as the body of an HTTP
/// error status. Others ignore it.
using stateless_atom = caf::atom_constant<caf::atom("mcp_sless")>;

// -- messages -----------------------------------------------------------------

/// HTTP header fields that belong to one outgoing message (2026-07-28's
/// `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`): an HTTP
/// transport sends them with the message's POST; others ignore them.
struct message_headers {
  /// Names and values, sent in this order.
  std::vector<std::pair<std::string, std::string>> fields;
};

/// Kinds of bad input a transport drops.
enum class fault_kind : uint8_t {
  /// A message that is not valid JSON.
  malformed_message,
  /// A message over the configured size limit.
  oversized_message,
  /// Output the peer does not read piled up past the limit; the transport
  /// closes the connection.
  output_overflow,
  /// The peer refused a message it was sent (e.g. an HTTP error status for
  /// a notification); the connection goes on.
  refused_message,
  /// The exchange that carried a request ended without its response (the
  /// connection broke and could not be resumed, or none could be made);
  /// `response_id` names the request, which fails as a transport error.
  request_lost,
};

/// Returns "malformed_message", "oversized_message", "output_overflow",
/// "refused_message" or "request_lost".
const char* to_string(fault_kind x) noexcept;

/// Reports input the transport dropped; the connection goes on.
struct transport_fault {
  transport_fault() = default;

  /// A fault of `kind`; `response_id` as below.
  transport_fault(fault_kind kind, std::string detail,
                  std::string response_id = {})
    : kind(kind),
      detail(std::move(detail)),
      response_id(std::move(response_id)) {
    // nop
  }

  /// What was wrong.
  fault_kind kind = fault_kind::malformed_message;
  /// A description with a bounded excerpt of the input.
  std::string detail;
  /// The JSON text of the id of the response the dropped message was, when a
  /// shallow scan could still read it (`protocol::scan_response_id`); empty
  /// otherwise. Its request can then fail at once instead of timing out.
  std::string response_id;
};

/// Inspects a `transport_fault`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transport_fault& x) {
  return f(caf::meta::type_name("transport_fault"), x.kind, x.detail,
           x.response_id);
}

/// The last message of a transport to its owner: the connection is gone.
struct transport_closed {
  /// What happened, with what the transport knows of why, e.g. "server
  /// process exited with status 3; stderr tail: ..." or "HTTP connection
  /// refused".
  std::string description;
};

/// Inspects a `transport_closed`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transport_closed& x) {
  return f(caf::meta::type_name("transport_closed"), x.description);
}

/// Counters a transport keeps.
struct transport_stats {
  /// Complete JSON messages received.
  uint64_t messages_in = 0;
  /// JSON messages sent.
  uint64_t messages_out = 0;
  /// Messages dropped because they were not JSON.
  uint64_t malformed = 0;
  /// Messages dropped because they were over the size limit.
  uint64_t oversized = 0;
};

/// Inspects a `transport_stats`.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transport_stats& x) {
  return f(caf::meta::type_name("transport_stats"), x.messages_in,
           x.messages_out, x.malformed, x.oversized);
}

} // namespace mcp::transports

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcp::transports::message_headers)
