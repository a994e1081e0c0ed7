#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>

namespace mcp::protocol::detail {

/// A reference resolved against a base URI: the resource's absolute URI
/// (without fragment) and the fragment, percent-decoded.
struct target_uri {
  std::string resource;
  std::string fragment;
};

/// Resolves the reference `ref` against the absolute URI `base` (RFC 3986);
/// nothing when either is malformed.
std::optional<target_uri> resolve_uri(std::string_view base,
                                      std::string_view ref);

/// Where the subschemas of schema documents sit: the base URI of each, the
/// resources that `$id`s start and the anchors. Only the keywords that hold
/// subschemas are walked: an `$id` under `const`, `enum` or an unknown
/// keyword is data.
class schema_index {
public:
  /// The base URI of a schema without `$id` (RFC 3986 resolution needs an
  /// absolute one; `.invalid` names nothing that could be fetched).
  static constexpr std::string_view default_base
    = "https://caf-mcp.invalid/schema";

  /// Where an indexed subschema sits.
  struct placement {
    /// The subschema's base URI (without fragment).
    std::string base;
    /// The root of its resource, and that resource's URI.
    const boost::json::value* resource_root;
    std::string resource_uri;
  };

  /// A resource's `$dynamicAnchor`s: name and subschema.
  using anchor_list
    = std::vector<std::pair<std::string_view, const boost::json::value*>>;

  /// Indexes `doc` (which must outlive the index) with the base URI `base`.
  void add(const boost::json::value& doc, std::string base);

  /// Returns where `x` sits, or null when no walk reached it.
  const placement* placement_of(const boost::json::value& x) const;

  /// Returns the root of the resource `uri`, or null.
  const boost::json::value* resource(const std::string& uri) const;

  /// Returns the subschema with `$anchor` (or `$dynamicAnchor`) `name` in
  /// the resource `uri`, or null.
  const boost::json::value* anchor(const std::string& uri,
                                   std::string_view name) const;

  /// Returns the `$dynamicAnchor`s of the resource that `where` is in.
  const anchor_list& dynamic_anchors(const placement& where) const;

private:
  std::unordered_map<const boost::json::value*, placement> placements_;
  std::unordered_map<std::string, const boost::json::value*> resources_;
  std::unordered_map<std::string, const boost::json::value*> anchors_;
  std::unordered_map<const boost::json::value*, anchor_list> dynamic_;
};

} // namespace mcp::protocol::detail
