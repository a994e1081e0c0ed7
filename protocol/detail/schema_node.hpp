#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "protocol/detail/schema_pattern.hpp"

namespace mcp::protocol::detail {

struct node;

/// A subschema under a name (`properties`, `dependentSchemas`).
struct named_node {
  std::string_view name;
  const node* schema;
};

/// A `patternProperties` entry.
struct pattern_node {
  schema_pattern pat;
  const node* schema;
};

/// A `dependentRequired` entry.
struct dependency {
  std::string_view name;
  std::vector<std::string_view> required;
};

/// A schema resource (a document or a subschema with an `$id`): what
/// `$dynamicRef` looks up in the dynamic scope.
struct resource {
  /// The resource's absolute URI, without fragment.
  std::string uri;
  /// The resource's `$dynamicAnchor`s.
  std::vector<std::pair<std::string_view, const node*>> dynamic_anchors;

  /// Returns the subschema with `$dynamicAnchor` `name`, or null.
  const node* dynamic_anchor(std::string_view name) const noexcept {
    for (auto& [key, target] : dynamic_anchors)
      if (key == name)
        return target;
    return nullptr;
  }
};

/// One compiled (sub)schema. Pointers refer into the schema source or to
/// other nodes of the same compiled schema.
struct node {
  /// How many keywords constrain instances; zero accepts everything.
  size_t assertions = 0;
  bool is_false = false;
  /// The resource this subschema belongs to.
  const resource* owner = nullptr;
  uint8_t types = 0;
  /// The `type` keyword, for messages.
  const boost::json::value* type_keyword = nullptr;
  const boost::json::value* const_value = nullptr;
  const boost::json::array* enum_values = nullptr;
  const boost::json::value* minimum = nullptr;
  const boost::json::value* maximum = nullptr;
  const boost::json::value* exclusive_minimum = nullptr;
  const boost::json::value* exclusive_maximum = nullptr;
  const boost::json::value* multiple_of = nullptr;
  std::optional<size_t> min_length;
  std::optional<size_t> max_length;
  std::optional<schema_pattern> pat;
  std::vector<const node*> prefix_items;
  const node* items = nullptr;
  const node* unevaluated_items = nullptr;
  std::optional<size_t> min_items;
  std::optional<size_t> max_items;
  bool unique_items = false;
  const node* contains = nullptr;
  size_t min_contains = 1;
  std::optional<size_t> max_contains;
  std::vector<named_node> properties;
  /// The names of `properties`, sorted.
  std::vector<std::string_view> declared;
  std::vector<std::string_view> required;
  std::vector<pattern_node> pattern_properties;
  const node* additional_properties = nullptr;
  const node* unevaluated_properties = nullptr;
  const node* property_names = nullptr;
  std::optional<size_t> min_properties;
  std::optional<size_t> max_properties;
  std::vector<dependency> dependent_required;
  std::vector<named_node> dependent_schemas;
  const node* ref = nullptr;
  /// The `$dynamicRef`'s static target, and the anchor it looks up in the
  /// dynamic scope (empty when it acts as `$ref`).
  const node* dynamic_ref = nullptr;
  std::string_view dynamic_anchor;
  std::vector<const node*> all_of;
  std::vector<const node*> any_of;
  std::vector<const node*> one_of;
  const node* not_schema = nullptr;
  const node* if_schema = nullptr;
  const node* then_schema = nullptr;
  const node* else_schema = nullptr;
  /// The constants of `any_of` / `one_of` when every alternative is just a
  /// `const`, for naming the allowed values in messages.
  std::vector<const boost::json::value*> any_of_consts;
  std::vector<const boost::json::value*> one_of_consts;

  /// Returns whether `const` is this node's only keyword.
  bool const_only() const noexcept {
    return const_value != nullptr && assertions == 1;
  }

  /// Returns whether validating needs the properties and items that other
  /// keywords evaluated.
  bool needs_annotations() const noexcept {
    return unevaluated_properties != nullptr || unevaluated_items != nullptr;
  }
};

/// What a compiled schema owns besides its source.
struct schema_store {
  std::deque<node> nodes;
  std::deque<resource> resources;
  /// Copies of the documents that `$ref`s named.
  std::deque<boost::json::value> documents;
  /// Whether any `$dynamicRef` consults the dynamic scope.
  bool dynamic = false;
};

} // namespace mcp::protocol::detail
