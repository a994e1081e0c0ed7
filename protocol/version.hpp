#pragma once

#include <array>
#include <string_view>

#include "protocol/revision.hpp"

namespace mcp::protocol {

/// The name of the newest MCP revision with sessions: what clients offer in
/// `initialize`.
inline constexpr std::string_view latest_protocol_version
  = revision::latest_with_sessions().name();

namespace detail {

constexpr std::array<std::string_view, revision::count>
supported_revision_names() noexcept {
  std::array<std::string_view, revision::count> res{};
  auto all = revision::all();
  for (size_t i = 0; i < revision::count; ++i)
    res[i] = all[i].name();
  return res;
}

} // namespace detail

/// The names of every MCP revision this library accepts, newest first.
inline constexpr std::array<std::string_view, revision::count>
  supported_protocol_versions = detail::supported_revision_names();

/// Returns whether `version` names a revision this library speaks (with
/// sessions or without).
constexpr bool is_supported_protocol_version(std::string_view version) {
  return revision::parse(version).has_value();
}

/// Returns whether `version` names a revision with sessions this library
/// speaks: one that `initialize` may negotiate.
constexpr bool is_session_protocol_version(std::string_view version) {
  auto r = revision::parse(version);
  return r && r->has_sessions();
}

/// Returns whether revision `version` allows JSON-RPC batches.
constexpr bool allows_batches(std::string_view version) {
  auto r = revision::parse(version);
  return r && r->has_batches();
}

} // namespace mcp::protocol
