#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

namespace mcp::protocol {

/// What `append_json` changed so that its output is valid JSON.
struct json_repairs {
  /// Numbers JSON cannot hold (infinity, NaN), written as `null`.
  size_t non_finite = 0;
  /// Strings (values or keys) with bytes that are not UTF-8, each such byte
  /// written as U+FFFD.
  size_t invalid_utf8 = 0;

  /// Returns whether anything was changed.
  explicit operator bool() const noexcept {
    return non_finite + invalid_utf8 > 0;
  }
};

/// Appends the JSON text of `x` to `out` (what `boost::json::serialize`
/// returns), serializing straight into `out` without a temporary string.
/// The text is always valid JSON in valid UTF-8, which Boost.JSON alone
/// does not promise: it writes infinity as `Infinity` and copies a string's
/// bytes unchecked. Returns what had to be changed for that.
json_repairs append_json(std::string& out, const boost::json::value& x);

/// Returns the JSON Pointer (RFC 6901) of the first number in `x` that JSON
/// cannot hold (infinity, NaN), if any.
std::optional<std::string> find_non_finite(const boost::json::value& x);

} // namespace mcp::protocol
