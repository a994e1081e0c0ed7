#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcp::protocol {

/// Returns `value` as an HTTP header value the way MCP 2026-07-28 mirrors
/// params into headers (`Mcp-Name`, `Mcp-Param-*`): as is when every
/// character is visible ASCII or an inner space, else (and for text that
/// looks encoded already) `=?base64?...?=` of its UTF-8 bytes.
std::string encode_header_value(std::string_view value);

/// Returns the value a mirrored header carries: the header without
/// surrounding whitespace, decoded when it is `=?base64?...?=`; nothing when
/// it holds a character no header value may hold or the Base64 inside is
/// not padded standard Base64.
std::optional<std::string> decode_header_value(std::string_view header);

} // namespace mcp::protocol
