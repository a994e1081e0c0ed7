#include "protocol/detail/schema_index.hpp"

#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "protocol/detail/schema_values.hpp"
#include "protocol/uri_template.hpp"

namespace mcp::protocol::detail {

namespace {

namespace json = boost::json;

/// The keywords whose values are a schema, an array of schemas or an object
/// of schemas.
constexpr std::string_view single_keywords[] = {
  "additionalItems", "additionalProperties", "unevaluatedItems",
  "unevaluatedProperties", "contains", "propertyNames", "not", "if", "then",
  "else", "items",
};
constexpr std::string_view array_keywords[] = {
  "allOf", "anyOf", "oneOf", "prefixItems", "items",
};
constexpr std::string_view map_keywords[] = {
  "properties", "patternProperties", "$defs", "definitions",
  "dependentSchemas", "dependencies",
};

boost::core::string_view core_view(std::string_view x) noexcept {
  return {x.data(), x.size()};
}

} // namespace

std::optional<target_uri> resolve_uri(std::string_view base,
                                      std::string_view ref) {
  auto hash = ref.find('#');
  std::optional<std::string> fragment{std::in_place};
  if (hash != std::string_view::npos) {
    fragment = percent_decode(ref.substr(hash + 1));
    if (!fragment)
      return std::nullopt;
  }
  auto rel = ref.substr(0, hash);
  if (rel.empty())
    return target_uri{std::string{base.substr(0, base.find('#'))},
                      std::move(*fragment)};
  auto base_url = boost::urls::parse_uri(core_view(base));
  auto ref_url = boost::urls::parse_uri_reference(core_view(rel));
  if (!base_url || !ref_url)
    return std::nullopt;
  boost::urls::url dest;
  if (!boost::urls::resolve(*base_url, *ref_url, dest))
    return std::nullopt;
  dest.remove_fragment();
  auto text = dest.buffer();
  return target_uri{std::string{text.data(), text.size()},
                    std::move(*fragment)};
}

void schema_index::add(const json::value& doc, std::string base) {
  struct item {
    const json::value* schema;
    std::string base;
    const json::value* resource_root;
    std::string resource_uri;
  };
  resources_.emplace(base, &doc);
  std::vector<item> todo;
  todo.push_back(item{&doc, base, &doc, base});
  while (!todo.empty()) {
    auto cur = std::move(todo.back());
    todo.pop_back();
    if (placements_.count(cur.schema) > 0)
      continue;
    auto obj = cur.schema->if_object();
    if (obj != nullptr) {
      if (auto id = obj->if_contains("$id"); id != nullptr && id->is_string()) {
        auto text = view(id->get_string());
        if (!text.empty() && text.front() == '#') {
          // A location-independent identifier of drafts 6 and 7.
          anchors_.emplace(cur.base + std::string{text}, cur.schema);
        } else if (auto resolved = resolve_uri(cur.base, text)) {
          cur.base = std::move(resolved->resource);
          cur.resource_root = cur.schema;
          cur.resource_uri = cur.base;
          resources_.emplace(cur.base, cur.schema);
        }
      }
      if (auto x = obj->if_contains("$anchor"); x != nullptr && x->is_string())
        anchors_.emplace(cur.base + '#' + std::string{view(x->get_string())},
                         cur.schema);
      if (auto x = obj->if_contains("$dynamicAnchor");
          x != nullptr && x->is_string()) {
        auto name = view(x->get_string());
        anchors_.emplace(cur.base + '#' + std::string{name}, cur.schema);
        dynamic_[cur.resource_root].emplace_back(name, cur.schema);
      }
      auto push = [&](const json::value& sub) {
        todo.push_back(item{&sub, cur.base, cur.resource_root,
                            cur.resource_uri});
      };
      for (auto key : single_keywords)
        if (auto x = obj->if_contains(key); x != nullptr && !x->is_array())
          push(*x);
      for (auto key : array_keywords)
        if (auto x = obj->if_contains(key); x != nullptr && x->is_array())
          for (auto& sub : x->get_array())
            push(sub);
      for (auto key : map_keywords)
        if (auto x = obj->if_contains(key); x != nullptr && x->is_object())
          for (auto& member : x->get_object())
            if (!member.value().is_array())
              push(member.value());
    }
    placements_.emplace(cur.schema,
                        placement{std::move(cur.base), cur.resource_root,
                                  std::move(cur.resource_uri)});
  }
}

const schema_index::placement*
schema_index::placement_of(const json::value& x) const {
  auto i = placements_.find(&x);
  return i != placements_.end() ? &i->second : nullptr;
}

const json::value* schema_index::resource(const std::string& uri) const {
  auto i = resources_.find(uri);
  return i != resources_.end() ? i->second : nullptr;
}

const json::value* schema_index::anchor(const std::string& uri,
                                        std::string_view name) const {
  auto i = anchors_.find(uri + '#' + std::string{name});
  return i != anchors_.end() ? i->second : nullptr;
}

const schema_index::anchor_list&
schema_index::dynamic_anchors(const placement& where) const {
  static const anchor_list none;
  auto i = dynamic_.find(where.resource_root);
  return i != dynamic_.end() ? i->second : none;
}

} // namespace mcp::protocol::detail
