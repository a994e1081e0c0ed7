#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcp::protocol {

/// Encodes `bytes` as Base64 (RFC 4648, with padding), as MCP carries binary
/// content (images, audio, blobs); `url_safe` uses the URL alphabet without
/// padding instead.
std::string base64_encode(std::string_view bytes, bool url_safe = false);

/// Decodes Base64 in either alphabet, with or without padding; fails for any
/// other character or a truncated quantum.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace mcp::protocol
