#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "protocol/error_code.hpp"

namespace mcp::protocol {

/// The values of a URI template's variables, by name.
using uri_variables = std::map<std::string, std::string, std::less<>>;

/// A URI template (RFC 6570) of literal text and `{name}` expressions (level
/// 1), plus `{+name}` reserved expansion (level 2) for values that may hold
/// slashes, such as paths. A `{name}` matches a non-empty value without `/`,
/// `?`, `#` or a malformed percent-escape, neither ending inside an escape,
/// and is percent-decoded; a `{+name}` matches any non-empty value as it
/// stands. Where several splits fit, earlier variables take the
/// longest values. Matching takes time linear in the URI's length (times
/// the number of parts), whatever the template.
class uri_template {
public:
  // -- constructors -----------------------------------------------------------

  /// Parses `text`. Fails for unbalanced braces, empty or invalid variable
  /// names, operators other than `+`, two expressions without literal text
  /// between them (ambiguous), and repeated names.
  static boost::system::result<uri_template, protocol_error>
  parse(std::string_view text);

  // -- properties -------------------------------------------------------------

  /// Returns the template as written.
  const std::string& text() const noexcept {
    return text_;
  }

  /// Returns the variable names in order of appearance.
  const std::vector<std::string>& variables() const noexcept {
    return names_;
  }

  // -- matching and expansion -------------------------------------------------

  /// Returns the variable values if `uri` is an expansion of this template.
  std::optional<uri_variables> match(std::string_view uri) const;

  /// Expands the template, percent-encoding what each expression kind does
  /// not allow; missing variables expand to nothing.
  std::string expand(const uri_variables& values) const;

private:
  struct part {
    /// Literal text, or the variable name of an expression.
    std::string text;
    bool is_variable = false;
    bool reserved = false;
  };


  std::string text_;
  std::vector<part> parts_;
  std::vector<std::string> names_;
};

/// Percent-encodes every byte of `x` except the unreserved characters of RFC
/// 3986 (and, with `keep_reserved`, its reserved characters and existing
/// percent-escapes).
std::string percent_encode(std::string_view x, bool keep_reserved = false);

/// Decodes percent-escapes; fails for a malformed escape.
std::optional<std::string> percent_decode(std::string_view x);

} // namespace mcp::protocol
