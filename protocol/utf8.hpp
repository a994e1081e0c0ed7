#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mcp::protocol {

/// Returns the length of the longest prefix of `text` that is valid UTF-8
/// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
size_t valid_utf8_prefix(std::string_view text) noexcept;

/// Returns whether `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text) noexcept;

/// Appends `text` to `out` with each byte that is not part of a valid UTF-8
/// sequence replaced by U+FFFD (the replacement character).
void append_utf8_repaired(std::string& out, std::string_view text);

/// Appends `text` to `out` with each byte that is not part of a valid UTF-8
/// sequence written as `\xHH`: for quoting bad input in a message.
void append_utf8_escaped(std::string& out, std::string_view text);

/// Returns the longest prefix of `text` of at most `max_bytes` bytes that
/// does not end inside a UTF-8 sequence.
std::string_view utf8_cut(std::string_view text, size_t max_bytes) noexcept;

} // namespace mcp::protocol
