#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/revision.hpp"

namespace mcp::protocol {

// -- member types -------------------------------------------------------------

/// Every MCP method this library knows, requests and notifications.
enum class method_id : uint8_t {
  initialize,
  ping,
  server_discover,
  tools_list,
  tools_call,
  resources_list,
  resources_templates_list,
  resources_read,
  resources_subscribe,
  resources_unsubscribe,
  prompts_list,
  prompts_get,
  completion_complete,
  logging_set_level,
  subscriptions_listen,
  roots_list,
  sampling_create_message,
  elicitation_create,
  initialized,
  cancelled,
  progress,
  message,
  resources_updated,
  resources_list_changed,
  tools_list_changed,
  prompts_list_changed,
  roots_list_changed,
  elicitation_complete,
  subscriptions_acknowledged,
};

/// How many methods there are.
inline constexpr size_t method_count = 29;

/// Whether a method is a request (gets a response) or a notification.
enum class message_type : uint8_t { request, notification };

/// Who sends a method.
enum class direction : uint8_t { to_server, to_client, both };

/// A capability that gates a method: declared by the server for what the
/// client sends, by the client for what the server sends.
enum class capability : uint8_t {
  none,
  tools,
  resources,
  resources_subscribe,
  prompts,
  completions,
  logging,
  roots,
  sampling,
  elicitation,
};

/// Returns the capability's name as a path in the capabilities object,
/// e.g. "resources.subscribe" (empty for `none`).
constexpr std::string_view capability_name(capability x) noexcept {
  constexpr std::string_view names[] = {
    "",        "tools",   "resources", "resources.subscribe", "prompts",
    "completions", "logging", "roots", "sampling", "elicitation"};
  return names[static_cast<size_t>(x)];
}

/// What one method is and in which revisions it exists.
struct method_row {
  /// The method.
  method_id id;
  /// Its name on the wire, e.g. "tools/list".
  std::string_view name;
  /// Request or notification.
  message_type type;
  /// Who sends it.
  direction dir;
  /// What the receiver must have declared for it (`none`: nothing).
  capability cap;
  /// The first revision in which `cap` gates the method (2024-11-05 has
  /// `completion/complete` without a `completions` capability).
  revision cap_from;
  /// The first and last revision that have the method.
  revision first;
  revision last;
  /// The array member of a list result ("tools"), empty for other methods.
  std::string_view list_key;
  /// What a list's cursors are minted for (binds a cursor to its list).
  std::string_view cursor_tag;
  /// Whether a session-based server accepts the method before
  /// `initialize`.
  bool before_initialize;
  /// The param that the `Mcp-Name` HTTP header mirrors (2026-07-28):
  /// "name" or "uri", empty when the method has no such header.
  std::string_view name_param;
  /// Whether a complete result carries caching hints (`ttlMs`,
  /// `cacheScope`, 2026-07-28).
  bool cacheable;
  /// Whether the server may answer with an `InputRequiredResult`
  /// (multi-round-trip requests, 2026-07-28).
  bool may_need_input;

  /// Returns whether revision `r` has the method.
  constexpr bool in(revision r) const noexcept {
    return first <= r && r <= last;
  }

  /// Returns the capability that gates the method in revision `r`.
  constexpr capability gate(revision r) const noexcept {
    return r >= cap_from ? cap : capability::none;
  }

  /// Returns whether the method lists items in pages.
  constexpr bool is_list() const noexcept {
    return !list_key.empty();
  }
};

namespace detail {

using mt = message_type;
using dr = direction;
using cp = capability;
using rv = revision;

inline constexpr rv r_oldest = rv::oldest();
inline constexpr rv r_latest = rv::latest();
inline constexpr rv r_sessions = rv::latest_with_sessions();
inline constexpr rv r_stateless = rv::v2026_07_28;

constexpr method_row row(method_id id, std::string_view name, mt type, dr dir,
                         cp cap = cp::none, rv first = r_oldest,
                         rv last = r_latest, std::string_view list_key = {},
                         std::string_view cursor_tag = {},
                         bool before_initialize = false,
                         rv cap_from = r_oldest) {
  return {id,         name,       type,
          dir,        cap,        cap_from,
          first,      last,       list_key,
          cursor_tag, before_initialize, {},
          !list_key.empty(), false};
}

/// A row for a method whose params an `Mcp-Name` header mirrors.
constexpr method_row named(method_row x, std::string_view name_param,
                           bool cacheable, bool may_need_input) {
  x.name_param = name_param;
  x.cacheable = cacheable;
  x.may_need_input = may_need_input;
  return x;
}

/// A row for a method with caching hints that lists nothing.
constexpr method_row cached(method_row x) {
  x.cacheable = true;
  return x;
}

} // namespace detail

/// One row per method, in the order of `method_id`.
inline constexpr std::array<method_row, method_count> method_table{{
  // clang-format off
  detail::row(method_id::initialize, "initialize", message_type::request,
              direction::to_server, capability::none, detail::r_oldest,
              detail::r_sessions, {}, {}, true),
  detail::row(method_id::ping, "ping", message_type::request, direction::both,
              capability::none, detail::r_oldest, detail::r_sessions, {}, {},
              true),
  detail::cached(detail::row(method_id::server_discover, "server/discover",
              message_type::request, direction::to_server, capability::none,
              detail::r_stateless)),
  detail::row(method_id::tools_list, "tools/list", message_type::request,
              direction::to_server, capability::tools, detail::r_oldest,
              detail::r_latest, "tools", "tools"),
  detail::named(detail::row(method_id::tools_call, "tools/call",
              message_type::request, direction::to_server, capability::tools),
              "name", false, true),
  detail::row(method_id::resources_list, "resources/list",
              message_type::request, direction::to_server,
              capability::resources, detail::r_oldest, detail::r_latest,
              "resources", "resources"),
  detail::row(method_id::resources_templates_list, "resources/templates/list",
              message_type::request, direction::to_server,
              capability::resources, detail::r_oldest, detail::r_latest,
              "resourceTemplates", "templates"),
  detail::named(detail::row(method_id::resources_read, "resources/read",
              message_type::request, direction::to_server,
              capability::resources), "uri", true, true),
  detail::row(method_id::resources_subscribe, "resources/subscribe",
              message_type::request, direction::to_server,
              capability::resources_subscribe, detail::r_oldest,
              detail::r_sessions),
  detail::row(method_id::resources_unsubscribe, "resources/unsubscribe",
              message_type::request, direction::to_server,
              capability::resources_subscribe, detail::r_oldest,
              detail::r_sessions),
  detail::row(method_id::prompts_list, "prompts/list", message_type::request,
              direction::to_server, capability::prompts, detail::r_oldest,
              detail::r_latest, "prompts", "prompts"),
  detail::named(detail::row(method_id::prompts_get, "prompts/get",
              message_type::request, direction::to_server, capability::prompts),
              "name", false, true),
  detail::row(method_id::completion_complete, "completion/complete",
              message_type::request, direction::to_server,
              capability::completions, detail::r_oldest, detail::r_latest, {},
              {}, false, revision::v2025_03_26),
  detail::row(method_id::logging_set_level, "logging/setLevel",
              message_type::request, direction::to_server, capability::logging,
              detail::r_oldest, detail::r_sessions),
  detail::row(method_id::subscriptions_listen, "subscriptions/listen",
              message_type::request, direction::to_server, capability::none,
              detail::r_stateless),
  detail::row(method_id::roots_list, "roots/list", message_type::request,
              direction::to_client, capability::roots),
  detail::row(method_id::sampling_create_message, "sampling/createMessage",
              message_type::request, direction::to_client,
              capability::sampling),
  detail::row(method_id::elicitation_create, "elicitation/create",
              message_type::request, direction::to_client,
              capability::elicitation, revision::v2025_06_18),
  detail::row(method_id::initialized, "notifications/initialized",
              message_type::notification, direction::to_server,
              capability::none, detail::r_oldest, detail::r_sessions, {}, {},
              true),
  detail::row(method_id::cancelled, "notifications/cancelled",
              message_type::notification, direction::both),
  detail::row(method_id::progress, "notifications/progress",
              message_type::notification, direction::both),
  detail::row(method_id::message, "notifications/message",
              message_type::notification, direction::to_client,
              capability::logging),
  detail::row(method_id::resources_updated, "notifications/resources/updated",
              message_type::notification, direction::to_client),
  detail::row(method_id::resources_list_changed,
              "notifications/resources/list_changed",
              message_type::notification, direction::to_client),
  detail::row(method_id::tools_list_changed,
              "notifications/tools/list_changed", message_type::notification,
              direction::to_client),
  detail::row(method_id::prompts_list_changed,
              "notifications/prompts/list_changed",
              message_type::notification, direction::to_client),
  detail::row(method_id::roots_list_changed,
              "notifications/roots/list_changed", message_type::notification,
              direction::to_server, capability::none, detail::r_oldest,
              detail::r_sessions),
  detail::row(method_id::elicitation_complete,
              "notifications/elicitation/complete",
              message_type::notification, direction::to_client,
              capability::elicitation, revision::v2025_11_25),
  detail::row(method_id::subscriptions_acknowledged,
              "notifications/subscriptions/acknowledged",
              message_type::notification, direction::to_client,
              capability::none, detail::r_stateless),
  // clang-format on
}};

// -- lookup -------------------------------------------------------------------

/// Returns the row of method `x`.
constexpr const method_row& row_of(method_id x) noexcept {
  return method_table[static_cast<size_t>(x)];
}

/// Returns the row of the method named `name`, or null for a method this
/// library does not know.
constexpr const method_row* find_method(std::string_view name) noexcept {
  for (auto& r : method_table)
    if (r.name == name)
      return &r;
  return nullptr;
}

namespace detail {

constexpr bool method_rows_in_order() noexcept {
  for (size_t i = 0; i < method_count; ++i)
    if (static_cast<size_t>(method_table[i].id) != i
        || method_table[i].name.empty() || method_table[i].first > method_table[i].last)
      return false;
  return true;
}

} // namespace detail

static_assert(detail::method_rows_in_order(),
              "method_table rows follow method_id and span >= 1 revision");
static_assert(static_cast<size_t>(method_id::subscriptions_acknowledged) + 1
              == method_count);

} // namespace mcp::protocol
