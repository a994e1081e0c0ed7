#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

namespace mcp::protocol::detail {

// -- limits -------------------------------------------------------------------

/// Messages stay bounded: longer values, lists and paths end in "...".
constexpr size_t max_value_text = 64;
constexpr size_t max_list_items = 10;
constexpr size_t max_list_text = 200;
constexpr size_t max_path_text = 256;
constexpr size_t max_nested_text = 300;

// -- strings ------------------------------------------------------------------

/// Returns how many code points the UTF-8 text `x` holds (what
/// `minLength` and `maxLength` count).
size_t code_points(std::string_view x) noexcept;

/// Appends `x` as a JSON string, cut to `limit` bytes on a character
/// boundary (then ending in "...").
void append_quoted(std::string& out, std::string_view x,
                   size_t limit = max_value_text);

/// Returns `x` as a bounded JSON string.
std::string quoted(std::string_view x);

/// Returns e.g. "1 item" or "3 items".
std::string counted(size_t n, std::string_view singular,
                    std::string_view plural);

/// Escapes `x` as a JSON Pointer (RFC 6901) reference token.
std::string pointer_escaped(std::string_view x);

// -- values -------------------------------------------------------------------

/// Appends a rendering of `x` that stops with "..." once `out` reaches
/// `limit` bytes.
void append_value(std::string& out, const boost::json::value& x,
                  size_t limit);

/// Returns a bounded rendering of `x`.
std::string describe(const boost::json::value& x);

/// Lists the names of a `type` keyword as the schema gives them, e.g.
/// "string or null".
std::string type_list(const boost::json::value& types);

/// Lists the values `get(x)` for each `x` of `xs`, bounded.
template <class Range, class Get>
std::string value_list(const Range& xs, Get get) {
  std::string res;
  size_t n = 0;
  for (auto& x : xs) {
    if (n > 0)
      res += ", ";
    if (n == max_list_items || res.size() >= max_list_text) {
      res += "...";
      break;
    }
    append_value(res, get(x), res.size() + max_value_text);
    ++n;
  }
  return res;
}

// -- paths --------------------------------------------------------------------

/// One step from the root of an instance to a value in it. Segments live on
/// the stack of the validator and link to their parent.
struct path_segment {
  /// The step before, null at the root.
  const path_segment* parent;
  /// The member name when `!is_index`.
  std::string_view name;
  /// The array index when `is_index`.
  size_t index;
  /// Whether this step is an array index.
  bool is_index;
};

/// Renders the path to `at`, e.g. `address.city` or `items[2]["a.b"]`,
/// bounded to `max_path_text` bytes.
std::string render_path(const path_segment* at);

/// A violation: where and what.
struct issue {
  /// The rendered path, empty for the instance as a whole.
  std::string path;
  /// The description.
  std::string what;
};

/// Returns `"<path>": <what>`, or just `<what>` at the root.
std::string format(const issue& x);

} // namespace mcp::protocol::detail
