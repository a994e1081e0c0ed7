#pragma once

// The results that server handlers produce, and their JSON forms.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace mcp::protocol {

/// The result of `tools/call` (`CallToolResult`).
struct tool_result {
  // -- members ----------------------------------------------------------------

  /// Content blocks (see protocol/content.hpp).
  boost::json::array content;
  /// Structured output; must match the tool's `outputSchema` if it has one.
  std::optional<boost::json::object> structured_content;
  /// Whether the tool failed; the content then says why, for the model.
  bool is_error = false;
  /// The result's `_meta`, left out when empty.
  boost::json::object meta;

  // -- factories --------------------------------------------------------------

  /// A result of one text block.
  static tool_result text(std::string_view text);

  /// A tool error (`isError: true`) with `message` as its text.
  static tool_result error(std::string_view message);

  /// A structured result; also carries the serialized JSON as a text block,
  /// as the spec recommends for clients that predate structured output.
  static tool_result structured(boost::json::object data);

  // -- conversion -------------------------------------------------------------

  /// Returns the `CallToolResult` object for protocol revision `version`:
  /// `structuredContent` is left out before 2025-06-18, which lacks it, and
  /// content blocks the revision lacks become text
  /// (`content_for_revision`).
  boost::json::object to_json(std::string_view version) const&;

  /// Like `to_json`, but moves the members instead of copying them.
  boost::json::object to_json(std::string_view version) &&;
};

/// One message of a prompt (`PromptMessage`).
struct prompt_message {
  /// "user" or "assistant".
  std::string role;
  /// One content block.
  boost::json::object content;

  /// A message from the user.
  static prompt_message user(boost::json::object content);

  /// A message from the assistant.
  static prompt_message assistant(boost::json::object content);
};

/// The result of `prompts/get` (`GetPromptResult`).
struct prompt_result {
  /// An optional description of the prompt as filled in.
  std::string description;
  /// The messages of the prompt.
  std::vector<prompt_message> messages;

  /// Returns the `GetPromptResult` object for protocol revision `version`
  /// (content blocks the revision lacks become text).
  boost::json::object to_json(std::string_view version) const;
};

/// The result of `completion/complete` (`CompleteResult`).
struct completion_result {
  /// Suggestions, best first; at most 100 are sent.
  std::vector<std::string> values;
  /// How many suggestions exist in all, if known.
  std::optional<uint64_t> total;
  /// Whether more suggestions exist than were sent.
  bool has_more = false;

  /// Maximum number of values in one result, as the spec requires.
  static constexpr size_t max_values = 100;

  /// Returns the `CompleteResult` object; more than `max_values` values are
  /// cut to the first 100 with `hasMore` set and `total` the full count.
  boost::json::object to_json() const;
};

} // namespace mcp::protocol
