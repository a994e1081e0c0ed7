#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mcp::protocol::detail {

/// What searching a string for a pattern found.
enum class match_result {
  /// No match.
  no,
  /// A match.
  yes,
  /// The search stopped at its work limit (a pattern that backtracks
  /// heavily on this string).
  too_costly,
};

/// A compiled `pattern` (or `patternProperties` key): an ECMAScript-like
/// regular expression run by PCRE2 in UTF mode, searched (not anchored),
/// with bounded work per search. Thread-safe; copies share the code.
///
/// The pattern is translated where ECMAScript (ECMA-262 with the "u" flag)
/// and PCRE2 differ: `\s` and `\S` match Unicode white space, and
/// `\p{...}` takes ECMAScript's long General_Category names and
/// `Script=`. Remaining differences: `\S` inside a class is ASCII white
/// space only; binary properties (`\p{Alphabetic}`) are unknown; PCRE2
/// syntax beyond ECMAScript (possessive quantifiers, `(?i)`, ...) is
/// accepted. `\d`, `\w` and `\b` are ASCII, as in ECMAScript. A searched
/// string with invalid UTF-8 is matched with U+FFFD in place of each bad
/// sequence.
class schema_pattern {
public:
  /// The largest pattern accepted, in bytes.
  static constexpr size_t max_size = 16 * 1024;

  /// Compiles `text`; on failure sets `why` and returns nothing.
  static std::optional<schema_pattern> make(std::string_view text,
                                            std::string& why);

  /// Searches `subject` for the pattern.
  match_result search(std::string_view subject) const;

  /// Returns the pattern as written (a view into the schema).
  std::string_view text() const noexcept {
    return text_;
  }

private:
  struct code;

  schema_pattern(std::shared_ptr<const code> ptr, std::string_view text);

  std::shared_ptr<const code> code_;
  std::string_view text_;
};

} // namespace mcp::protocol::detail
