#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mcp::protocol {

/// An MCP revision this library speaks, with what it has. Revisions are
/// ordered by date; a feature is a named check instead of a comparison of
/// revision names. Adding a revision means adding an enumerator, its name,
/// and the checks for what it changes.
class revision {
public:
  // -- member types -----------------------------------------------------------

  /// The known revisions, oldest first.
  enum id : uint8_t {
    v2024_11_05,
    v2025_03_26,
    v2025_06_18,
    v2025_11_25,
    v2026_07_28,
  };

  /// How many revisions there are.
  static constexpr size_t count = 5;

  // -- constructors -----------------------------------------------------------

  /// Makes revision `x`.
  constexpr revision(id x) noexcept : id_(x) {
    // nop
  }

  // -- factories --------------------------------------------------------------

  /// Returns the oldest revision.
  static constexpr revision oldest() noexcept {
    return id{0};
  }

  /// Returns the newest revision.
  static constexpr revision latest() noexcept {
    return static_cast<id>(count - 1);
  }

  /// Returns the newest revision with sessions (`initialize`): what a
  /// client offers in `initialize` by default and what a server answers an
  /// `initialize` for a revision it does not speak with.
  static constexpr revision latest_with_sessions() noexcept {
    return v2025_11_25;
  }

  /// Returns the revision named `name` exactly ("2025-06-18"), if any.
  static constexpr std::optional<revision> parse(std::string_view name) noexcept {
    for (size_t i = 0; i < count; ++i)
      if (names_[i] == name)
        return revision{static_cast<id>(i)};
    return std::nullopt;
  }

  /// Returns the newest revision whose date is not after `date` (a revision
  /// name, known or not), or the oldest if all are after it.
  static constexpr revision nearest(std::string_view date) noexcept {
    auto res = oldest();
    for (size_t i = 0; i < count; ++i)
      if (names_[i] <= date)
        res = static_cast<id>(i);
    return res;
  }

  /// Returns every revision, newest first.
  static constexpr std::array<revision, count> all() noexcept {
    return {v2026_07_28, v2025_11_25, v2025_06_18, v2025_03_26, v2024_11_05};
  }

  // -- properties -------------------------------------------------------------

  /// Returns the name, e.g. "2025-11-25".
  constexpr std::string_view name() const noexcept {
    return names_[id_];
  }

  /// Returns the enumerator.
  constexpr id value() const noexcept {
    return id_;
  }

  // -- what a revision has ----------------------------------------------------

  /// Sessions: the `initialize` handshake, session ids, the GET stream and
  /// resumable streams over HTTP (2026-07-28 is stateless: each request
  /// carries its revision, capabilities and client info in `_meta`).
  constexpr bool has_sessions() const noexcept {
    return until(v2025_11_25);
  }

  /// `resultType` in every result and `InputRequiredResult`
  /// (multi-round-trip requests instead of requests to the client).
  constexpr bool has_result_type() const noexcept {
    return since(v2026_07_28);
  }

  /// JSON-RPC batches (removed by 2025-06-18).
  constexpr bool has_batches() const noexcept {
    return until(v2025_03_26);
  }

  /// The `completions` server capability, which gates `completion/complete`
  /// (2024-11-05 has the method without the capability).
  constexpr bool has_completions_capability() const noexcept {
    return since(v2025_03_26);
  }

  /// Audio content blocks.
  constexpr bool has_audio_content() const noexcept {
    return since(v2025_03_26);
  }

  /// A `message` in progress notifications.
  constexpr bool has_progress_message() const noexcept {
    return since(v2025_03_26);
  }

  /// Streamable HTTP (2024-11-05 has HTTP+SSE only).
  constexpr bool has_streamable_http() const noexcept {
    return since(v2025_03_26);
  }

  /// Elicitation (form mode) and the client's `elicitation` capability.
  constexpr bool has_elicitation() const noexcept {
    return since(v2025_06_18);
  }

  /// `structuredContent` in tool results and `outputSchema` in tools.
  constexpr bool has_structured_output() const noexcept {
    return since(v2025_06_18);
  }

  /// `resource_link` content blocks.
  constexpr bool has_resource_links() const noexcept {
    return since(v2025_06_18);
  }

  /// `title` in `Implementation` and list items.
  constexpr bool has_titles() const noexcept {
    return since(v2025_06_18);
  }

  /// `context` in `completion/complete`.
  constexpr bool has_completion_context() const noexcept {
    return since(v2025_06_18);
  }

  /// Elicitation modes: `form`/`url` capabilities, URL mode,
  /// `notifications/elicitation/complete`.
  constexpr bool has_elicitation_modes() const noexcept {
    return since(v2025_11_25);
  }

  /// `sampling.tools` and `sampling.context` client capabilities.
  constexpr bool has_sampling_tools() const noexcept {
    return since(v2025_11_25);
  }

  /// `description`, `websiteUrl` and `icons` in `Implementation`.
  constexpr bool has_implementation_details() const noexcept {
    return since(v2025_11_25);
  }

  /// Titled and multi-select enum schemas in elicitation (SEP-1330).
  constexpr bool has_enum_schemas() const noexcept {
    return since(v2025_11_25);
  }

  /// An `extensions` member in capabilities.
  constexpr bool has_extensions() const noexcept {
    return since(v2026_07_28);
  }

  /// A priming event (id, no data) that opens each SSE stream.
  constexpr bool has_sse_priming() const noexcept {
    return since(v2025_11_25);
  }

  // -- comparison -------------------------------------------------------------

  friend constexpr bool operator==(revision x, revision y) noexcept {
    return x.id_ == y.id_;
  }

  friend constexpr bool operator!=(revision x, revision y) noexcept {
    return x.id_ != y.id_;
  }

  friend constexpr bool operator<(revision x, revision y) noexcept {
    return x.id_ < y.id_;
  }

  friend constexpr bool operator<=(revision x, revision y) noexcept {
    return x.id_ <= y.id_;
  }

  friend constexpr bool operator>(revision x, revision y) noexcept {
    return x.id_ > y.id_;
  }

  friend constexpr bool operator>=(revision x, revision y) noexcept {
    return x.id_ >= y.id_;
  }

private:
  constexpr bool since(id x) const noexcept {
    return id_ >= x;
  }

  constexpr bool until(id x) const noexcept {
    return id_ <= x;
  }

  static constexpr std::array<std::string_view, count> names_{
    "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"};

  id id_;
};

namespace detail {

constexpr bool revision_names_ascend() noexcept {
  for (size_t i = 1; i < revision::count; ++i)
    if (!(revision{static_cast<revision::id>(i - 1)}.name()
          < revision{static_cast<revision::id>(i)}.name()))
      return false;
  return true;
}

} // namespace detail

// Names compare as dates: the enumerators' order is the names' order.
static_assert(detail::revision_names_ascend());
static_assert(revision::all().front() == revision::latest());
static_assert(revision::all().back() == revision::oldest());
static_assert(revision::latest_with_sessions().has_sessions());
static_assert(!revision{static_cast<revision::id>(
                revision::latest_with_sessions().value() + 1)}
                 .has_sessions());

} // namespace mcp::protocol
