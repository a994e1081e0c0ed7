#pragma once

// Forward declarations of the I/O-free JSON-RPC 2.0 / MCP message layer.

namespace mcp::protocol {

template <class Tag>
class json_key;

struct request_id_tag;
struct progress_token_tag;

/// Identifies a JSON-RPC request: a string or an integer.
using request_id = json_key<request_id_tag>;

/// Identifies the operation a progress notification belongs to.
using progress_token = json_key<progress_token_tag>;

struct protocol_error;
struct server_capabilities;
struct initialize_result;
struct client_capabilities;
struct incoming_message;

} // namespace mcp::protocol
