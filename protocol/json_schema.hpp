#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "protocol/error_code.hpp"

namespace mcp::protocol {

/// A compiled JSON Schema (2020-12 semantics, with draft-07 `definitions`,
/// array-form `items` and `dependencies`) that checks tool arguments against
/// an `inputSchema`, structured tool results against an `outputSchema` and
/// elicitation answers against a `requestedSchema`.
///
/// Violations read `"<path>": <what>`, e.g. `"address.city": expected
/// string, got number`, where the path joins object members with `.` (or
/// writes them as `["name"]` when they are empty or hold `.`, `[`, `]`, `"`,
/// `\` or control characters) and array elements as `[i]`; a violation of
/// the instance as a whole reads just `<what>`.
///
/// `format` is an annotation only. A `pattern` is an ECMAScript regular
/// expression (std::regex) that searches the string's UTF-8 bytes.
///
/// Compiling resolves local `$ref`s and compiles every `pattern` once.
/// Validating leaves the schema untouched and builds messages only for
/// violations, so any number of threads may validate with one schema. Copies
/// share the compiled schema. Validation gives up with "schema recursion too
/// deep" beyond 512 nested subschemas (a recursive schema typically takes two
/// or three per level of the instance) and with "schema validation too
/// expensive" after ten million subschema visits.
class json_schema {
public:
  // -- constructors -----------------------------------------------------------

  /// Constructs the schema `true`, which accepts every instance.
  json_schema();

  /// Compiles `schema` (a JSON Schema object or boolean). Fails with a
  /// description when the schema itself is invalid: not an object or
  /// boolean, a keyword with the wrong type, an unresolvable or remote
  /// `$ref`, a `pattern` that is not a valid ECMAScript regular expression.
  static boost::system::result<json_schema, protocol_error>
  compile(const boost::json::value& schema);

  // -- validation -------------------------------------------------------------

  /// Returns nothing when `instance` conforms, else the first violation
  /// found as `"<path>": <what>` (for the root: just `<what>`).
  std::optional<std::string>
  validate(const boost::json::value& instance) const;

  /// Returns every violation found, at most `max_errors` (at least one);
  /// empty when `instance` conforms.
  std::vector<std::string> validate_all(const boost::json::value& instance,
                                        size_t max_errors = 16) const;

  /// Returns whether `instance` conforms, without describing violations.
  bool accepts(const boost::json::value& instance) const;

  // -- properties -------------------------------------------------------------

  /// Returns the schema as given.
  const boost::json::value& source() const noexcept;

private:
  struct compiled;

  explicit json_schema(std::shared_ptr<const compiled> ptr);

  std::shared_ptr<const compiled> compiled_;
};

} // namespace mcp::protocol
