#pragma once

#include <cstddef>
#include <vector>

#include <boost/json/fwd.hpp>

#include "protocol/detail/schema_text.hpp"

namespace mcp::protocol::detail {

struct node;

/// How much a validation describes.
enum class validation_mode {
  /// Only whether the instance conforms.
  quiet,
  /// Stop at the first violation.
  first,
  /// Collect violations up to a limit.
  all,
};

/// What validating an instance found.
struct validation_outcome {
  /// Whether the instance conforms.
  bool ok = false;
  /// Whether validation gave up (too deep or too expensive).
  bool aborted = false;
  /// Why validation gave up.
  issue abort_issue;
  /// The violations found (none in quiet mode).
  std::vector<issue> issues;
};

/// Validates `x` against the compiled `root`; `dynamic` when the schema has a
/// `$dynamicRef` that consults the dynamic scope.
validation_outcome validate_node(const node& root, const boost::json::value& x,
                                 validation_mode m, size_t max_issues,
                                 bool dynamic);

} // namespace mcp::protocol::detail
