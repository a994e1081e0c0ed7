#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "protocol/error_code.hpp"

namespace mcp::protocol {

/// Documents that a schema's `$ref`s may name by absolute URI besides its own
/// resources: the URI (without fragment) to the document.
using json_schema_documents
  = std::map<std::string, boost::json::value, std::less<>>;

/// A compiled JSON Schema (draft 2020-12, with draft-07 `definitions`,
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
/// Every 2020-12 keyword applies, `unevaluatedProperties`,
/// `unevaluatedItems` and `$dynamicRef` included; `$vocabulary` is not read
/// (all vocabularies are on) and `format` is an annotation only. A `pattern`
/// is an ECMAScript regular expression run by PCRE2 on the string's
/// characters (see `detail::schema_pattern` for the few differences); a
/// search that backtracks past its work limit is a violation ("too costly
/// to check against the pattern").
///
/// Compiling resolves every `$ref` and `$dynamicRef` (against the base URIs
/// that `$id`s set, RFC 3986) within the schema and the documents passed to
/// `compile`, and compiles every `pattern` once; nothing is fetched.
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
  /// boolean, a keyword with the wrong type, a `$ref` that names nothing in
  /// the schema, a `pattern` that is not a valid regular expression.
  static boost::system::result<json_schema, protocol_error>
  compile(const boost::json::value& schema);

  /// Compiles `schema` like `compile(schema)`, where `$ref`s may also name
  /// the `documents` (copied into the compiled schema when named).
  static boost::system::result<json_schema, protocol_error>
  compile(const boost::json::value& schema,
          const json_schema_documents& documents);

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
