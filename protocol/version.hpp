#pragma once

#include <array>
#include <string_view>

namespace mcp::protocol {

/// The newest MCP revision this library speaks; clients offer it.
inline constexpr std::string_view latest_protocol_version = "2025-11-25";

/// Every MCP revision this library accepts, newest first.
inline constexpr std::array<std::string_view, 4> supported_protocol_versions = {
  "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

/// Returns whether `version` is one of `supported_protocol_versions`.
constexpr bool is_supported_protocol_version(std::string_view version) {
  for (auto v : supported_protocol_versions)
    if (v == version)
      return true;
  return false;
}

/// Returns whether revision `version` allows JSON-RPC batches (2024-11-05
/// and 2025-03-26 do; 2025-06-18 removed them).
constexpr bool allows_batches(std::string_view version) {
  return version == "2025-03-26" || version == "2024-11-05";
}

} // namespace mcp::protocol
