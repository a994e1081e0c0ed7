#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mcp::protocol {

/// Makes the opaque pagination cursor that resumes the list named `list`
/// (e.g. "tools") at `position`.
std::string make_cursor(std::string_view list, uint64_t position);

/// Reads a cursor that `make_cursor` made for `list`; fails for anything
/// else, including a cursor of another list.
std::optional<uint64_t> parse_cursor(std::string_view list,
                                     std::string_view cursor);

} // namespace mcp::protocol
