#include "protocol/detail/schema_validator.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "protocol/detail/schema_node.hpp"
#include "protocol/detail/schema_values.hpp"
#include "protocol/utf8.hpp"

namespace mcp::protocol::detail {

namespace {

namespace json = boost::json;

/// Validation gives up beyond these bounds.
constexpr size_t max_depth = 512;
constexpr size_t max_steps = 10'000'000;

std::string too_costly_for(const schema_pattern& pat) {
  return "too costly to check against the pattern " + quoted(pat.text());
}

/// The properties and items of one instance that keywords evaluated, for
/// `unevaluatedProperties` and `unevaluatedItems`.
struct evaluated {
  bool all_properties = false;
  std::vector<std::string_view> properties;
  bool all_items = false;
  /// Items [0, items) were evaluated.
  size_t items = 0;
  /// Items that matched `contains`.
  std::vector<size_t> contained;

  void add_property(std::string_view name) {
    if (!all_properties)
      properties.push_back(name);
  }

  void merge(const evaluated& other) {
    all_properties = all_properties || other.all_properties;
    if (!all_properties)
      properties.insert(properties.end(), other.properties.begin(),
                        other.properties.end());
    all_items = all_items || other.all_items;
    items = std::max(items, other.items);
    if (!all_items)
      contained.insert(contained.end(), other.contained.begin(),
                       other.contained.end());
  }
};

using mode = validation_mode;

/// Walks an instance along the compiled schema. Keyword checks return true
/// when validation should stop.
class validator {
public:
  validator(mode m, size_t max_issues, bool dynamic)
    : mode_(m), max_issues_(max_issues), dynamic_(dynamic) {
    // nop
  }

  /// Checks `x` against `n`; adds what `n` evaluated to `ev` if `x` passes.
  bool check(const node& n, const json::value& x, const path_segment* at,
             evaluated* ev = nullptr) {
    if (n.assertions == 0)
      return true;
    if (aborted_)
      return false;
    if (depth_ >= max_depth)
      return abort(at, "schema recursion too deep");
    if (++steps_ > max_steps)
      return abort(at, "schema validation too expensive");
    auto enters = dynamic_ && (scope_.empty() || scope_.back() != n.owner);
    if (enters)
      scope_.push_back(n.owner);
    ++depth_;
    auto res = check_node(n, x, at, ev);
    --depth_;
    if (enters)
      scope_.pop_back();
    return res;
  }

  bool aborted() const noexcept {
    return aborted_;
  }

  const issue& abort_issue() const noexcept {
    return abort_issue_;
  }

  std::vector<issue> take_issues() noexcept {
    return std::move(issues_);
  }

private:
  bool stop() const noexcept {
    return aborted_ || mode_ != mode::all || issues_.size() >= max_issues_;
  }

  bool abort(const path_segment* at, const char* what) {
    if (!aborted_) {
      aborted_ = true;
      abort_issue_ = issue{render_path(at), what};
    }
    return false;
  }

  /// Records a violation; builds its description only when needed. Kept out
  /// of line so that message temporaries do not enlarge recursive frames.
  template <class F>
  [[gnu::noinline]] bool report(bool& ok, const path_segment* at, F&& what) {
    ok = false;
    if (mode_ != mode::quiet) {
      std::string text = what();
      issues_.push_back(issue{render_path(at), std::move(text)});
    }
    return stop();
  }

  /// Reports a size outside [min, max], e.g. "array has 5 items, more
  /// than the maximum of 3".
  bool check_size(bool& ok, const path_segment* at, size_t size,
                  const std::optional<size_t>& min,
                  const std::optional<size_t>& max, std::string_view what,
                  std::string_view unit, std::string_view units) {
    auto bound = [&](const std::optional<size_t>& limit, bool below,
                     std::string_view relation) {
      return limit && (below ? size < *limit : size > *limit)
             && report(ok, at, [&] {
                  std::string res{what};
                  res += " has ";
                  res += counted(size, unit, units);
                  res += relation;
                  res += std::to_string(*limit);
                  return res;
                });
    };
    return bound(min, true, ", fewer than the minimum of ")
           || bound(max, false, ", more than the maximum of ");
  }

  bool descend(bool& ok, const node& n, const json::value& x,
               const path_segment* at, evaluated* ev = nullptr) {
    if (check(n, x, at, ev))
      return false;
    ok = false;
    return stop();
  }

  /// Checks without describing violations.
  bool probe(const node& n, const json::value& x, const path_segment* at,
             evaluated* ev = nullptr) {
    auto saved = std::exchange(mode_, mode::quiet);
    auto res = check(n, x, at, ev);
    mode_ = saved;
    return res;
  }

  std::optional<issue> first_issue(const node& n, const json::value& x,
                                   const path_segment* at) {
    auto saved_mode = std::exchange(mode_, mode::first);
    std::vector<issue> found;
    found.swap(issues_);
    check(n, x, at);
    mode_ = saved_mode;
    found.swap(issues_);
    if (found.empty())
      return std::nullopt;
    return std::move(found.front());
  }

  bool check_node(const node& n, const json::value& x, const path_segment* at,
                  evaluated* ev) {
    bool ok = true;
    evaluated local;
    evaluated* mine = (ev != nullptr || n.needs_annotations())
                          && (x.is_object() || x.is_array())
                        ? &local
                        : nullptr;
    if (n.is_false) {
      report(ok, at, [] { return std::string{"value is not allowed"}; });
      return false;
    }
    if (n.types != 0 && (type_bits(x) & n.types) == 0) {
      report(ok, at, [&] {
        return "expected " + type_list(*n.type_keyword) + ", got "
               + type_name(x);
      });
      return false;
    }
    if (n.const_value != nullptr && !json_equal(x, *n.const_value)
        && report(ok, at, [&] {
             return "value is not equal to " + describe(*n.const_value);
           }))
      return false;
    if (n.enum_values != nullptr
        && std::none_of(n.enum_values->begin(), n.enum_values->end(),
                        [&](const json::value& y) { return json_equal(x, y); })
        && report(ok, at, [&] {
             return "value is not one of "
                    + value_list(*n.enum_values,
                                 [](const json::value& y) -> auto& {
                                   return y;
                                 });
           }))
      return false;
    bool done = false;
    switch (x.kind()) {
      case json::kind::int64:
      case json::kind::uint64:
      case json::kind::double_:
        done = check_number(n, x, at, ok);
        break;
      case json::kind::string:
        done = check_string(n, view(x.get_string()), at, ok);
        break;
      case json::kind::array:
        done = check_array(n, x.get_array(), at, ok, mine);
        break;
      case json::kind::object:
        done = check_object(n, x, at, ok, mine);
        break;
      default:
        break;
    }
    if (done || check_applicators(n, x, at, ok, mine))
      return false;
    if (n.needs_annotations() && mine != nullptr
        && check_unevaluated(n, x, at, ok, *mine))
      return false;
    if (ok && ev != nullptr)
      ev->merge(local);
    return ok;
  }

  bool check_number(const node& n, const json::value& x,
                    const path_segment* at, bool& ok) {
    auto limit = [&](const json::value* bound, bool violated_if_less,
                     bool inclusive, const char* what) {
      if (bound == nullptr)
        return false;
      auto order = compare_numbers(x, *bound);
      auto violated = order == unordered
                      || (violated_if_less ? order < 0 : order > 0)
                      || (!inclusive && order == 0);
      return violated && report(ok, at, [&] {
               return number_text(x) + what + number_text(*bound);
             });
    };
    if (limit(n.minimum, true, true, " is less than the minimum ")
        || limit(n.maximum, false, true, " is greater than the maximum ")
        || limit(n.exclusive_minimum, true, false,
                 " is not greater than the exclusive minimum ")
        || limit(n.exclusive_maximum, false, false,
                 " is not less than the exclusive maximum "))
      return true;
    return n.multiple_of != nullptr && !is_multiple(x, *n.multiple_of)
           && report(ok, at, [&] {
                return number_text(x) + " is not a multiple of "
                       + number_text(*n.multiple_of);
              });
  }

  bool check_string(const node& n, std::string_view x, const path_segment* at,
                    bool& ok) {
    if ((n.min_length || n.max_length)
        && check_size(ok, at, code_points(x), n.min_length, n.max_length,
                      "string", "character", "characters"))
      return true;
    if (n.pat) {
      switch (n.pat->search(x)) {
        case match_result::yes:
          break;
        case match_result::no:
          if (report(ok, at, [&] {
                return "string does not match the pattern "
                       + quoted(n.pat->text());
              }))
            return true;
          break;
        case match_result::too_costly:
          if (report(ok, at,
                     [&] { return "string is " + too_costly_for(*n.pat); }))
            return true;
      }
    }
    return false;
  }

  bool check_array(const node& n, const json::array& xs,
                   const path_segment* at, bool& ok, evaluated* ev) {
    auto size = xs.size();
    if (check_size(ok, at, size, n.min_items, n.max_items, "array", "item",
                   "items"))
      return true;
    size_t i = 0;
    for (; i < n.prefix_items.size() && i < size; ++i) {
      path_segment seg{at, {}, i, true};
      if (descend(ok, *n.prefix_items[i], xs[i], &seg))
        return true;
    }
    if (ev != nullptr) {
      ev->items = std::max(ev->items, i);
      ev->all_items = ev->all_items || n.items != nullptr;
    }
    if (n.items != nullptr) {
      for (; i < size; ++i) {
        path_segment seg{at, {}, i, true};
        if (n.items->is_false) {
          if (report(ok, &seg, [&] {
                return "item is not allowed, the array may hold at most "
                       + counted(n.prefix_items.size(), "item", "items");
              }))
            return true;
        } else if (descend(ok, *n.items, xs[i], &seg)) {
          return true;
        }
      }
    }
    if (n.unique_items) {
      if (auto dup = find_duplicate(xs); dup && report(ok, at, [&] {
            return "array items [" + std::to_string(dup->first) + "] and ["
                   + std::to_string(dup->second)
                   + "] are equal, expected unique items";
          }))
        return true;
    }
    if (n.contains != nullptr)
      return check_contains(n, xs, at, ok, ev);
    return false;
  }

  bool check_contains(const node& n, const json::array& xs,
                      const path_segment* at, bool& ok, evaluated* ev) {
    size_t matches = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      path_segment seg{at, {}, i, true};
      if (probe(*n.contains, xs[i], &seg)) {
        ++matches;
        if (ev != nullptr && !ev->all_items)
          ev->contained.push_back(i);
      }
      if (aborted_)
        return true;
      if (!n.max_contains && ev == nullptr && matches >= n.min_contains)
        break;
    }
    if (matches < n.min_contains && report(ok, at, [&] {
          if (matches == 0 && n.min_contains == 1)
            return std::string{
              "array has no item that matches the \"contains\" schema"};
          return "array has " + counted(matches, "item", "items")
                 + " that match the \"contains\" schema, fewer than the "
                   "minimum of "
                 + std::to_string(n.min_contains);
        }))
      return true;
    return n.max_contains && matches > *n.max_contains && report(ok, at, [&] {
             return "array has " + counted(matches, "item", "items")
                    + " that match the \"contains\" schema, more than the "
                      "maximum of "
                    + std::to_string(*n.max_contains);
           });
  }

  static std::optional<std::pair<size_t, size_t>>
  find_duplicate(const json::array& xs) {
    constexpr size_t small = 16;
    if (xs.size() <= small) {
      for (size_t j = 1; j < xs.size(); ++j)
        for (size_t i = 0; i < j; ++i)
          if (json_equal(xs[i], xs[j]))
            return std::make_pair(i, j);
      return std::nullopt;
    }
    std::vector<std::pair<size_t, size_t>> hashed;
    hashed.reserve(xs.size());
    for (size_t i = 0; i < xs.size(); ++i)
      hashed.emplace_back(json_hash(xs[i]), i);
    std::sort(hashed.begin(), hashed.end());
    std::optional<std::pair<size_t, size_t>> res;
    for (size_t lo = 0; lo < hashed.size();) {
      auto hi = lo + 1;
      while (hi < hashed.size() && hashed[hi].first == hashed[lo].first)
        ++hi;
      for (auto j = lo + 1; j < hi; ++j) {
        for (auto i = lo; i < j; ++i) {
          auto a = hashed[i].second;
          auto b = hashed[j].second;
          if ((!res || b < res->second) && json_equal(xs[a], xs[b]))
            res = std::make_pair(a, b);
        }
      }
      lo = hi;
    }
    return res;
  }

  bool check_object(const node& n, const json::value& x,
                    const path_segment* at, bool& ok, evaluated* ev) {
    auto& obj = x.get_object();
    if (check_size(ok, at, obj.size(), n.min_properties, n.max_properties,
                   "object", "property", "properties"))
      return true;
    for (auto name : n.required) {
      if (!obj.contains(name)) {
        path_segment seg{at, name, 0, false};
        if (report(ok, &seg,
                   [] { return std::string{"required property is missing"}; }))
          return true;
      }
    }
    for (auto& dep : n.dependent_required) {
      if (!obj.contains(dep.name))
        continue;
      for (auto name : dep.required) {
        if (!obj.contains(name)) {
          path_segment seg{at, name, 0, false};
          if (report(ok, &seg, [&] {
                return "required property is missing (required by "
                       + quoted(dep.name) + ")";
              }))
            return true;
        }
      }
    }
    for (auto& prop : n.properties) {
      if (auto member = obj.if_contains(prop.name)) {
        path_segment seg{at, prop.name, 0, false};
        if (descend(ok, *prop.schema, *member, &seg))
          return true;
        if (ev != nullptr)
          ev->add_property(prop.name);
      }
    }
    if (ev != nullptr && n.additional_properties != nullptr)
      ev->all_properties = true;
    if (n.property_names != nullptr || n.additional_properties != nullptr
        || !n.pattern_properties.empty()) {
      json::value name;
      for (auto& member : obj) {
        auto key = view(member.key());
        path_segment seg{at, key, 0, false};
        if (n.property_names != nullptr
            && check_name(*n.property_names, key, name, &seg, ok))
          return true;
        auto matched = n.additional_properties != nullptr
                       && std::binary_search(n.declared.begin(),
                                             n.declared.end(), key);
        for (auto& pp : n.pattern_properties) {
          auto found = pp.pat.search(key);
          if (found == match_result::too_costly) {
            if (report(ok, &seg, [&] {
                  return "property name is " + too_costly_for(pp.pat);
                }))
              return true;
            matched = true;
          } else if (found == match_result::yes) {
            matched = true;
            if (descend(ok, *pp.schema, member.value(), &seg))
              return true;
            if (ev != nullptr)
              ev->add_property(key);
          }
        }
        if (!matched && n.additional_properties != nullptr) {
          if (n.additional_properties->is_false) {
            if (report(ok, &seg,
                       [] { return std::string{"property is not allowed"}; }))
              return true;
          } else if (descend(ok, *n.additional_properties, member.value(),
                             &seg)) {
            return true;
          }
        }
      }
    }
    for (auto& dep : n.dependent_schemas)
      if (obj.contains(dep.name) && descend(ok, *dep.schema, x, at, ev))
        return true;
    return false;
  }

  /// Checks what no other keyword evaluated against `unevaluatedItems`
  /// and `unevaluatedProperties`.
  bool check_unevaluated(const node& n, const json::value& x,
                         const path_segment* at, bool& ok, evaluated& ev) {
    if (auto xs = x.if_array(); xs != nullptr && n.unevaluated_items != nullptr
                                && !ev.all_items) {
      std::sort(ev.contained.begin(), ev.contained.end());
      for (auto i = ev.items; i < xs->size(); ++i) {
        if (std::binary_search(ev.contained.begin(), ev.contained.end(), i))
          continue;
        path_segment seg{at, {}, i, true};
        if (n.unevaluated_items->is_false) {
          if (report(ok, &seg, [] {
                return std::string{"item is not allowed (unevaluated)"};
              }))
            return true;
        } else if (descend(ok, *n.unevaluated_items, (*xs)[i], &seg)) {
          return true;
        }
      }
      ev.all_items = true;
    }
    if (auto obj = x.if_object(); obj != nullptr
                                  && n.unevaluated_properties != nullptr
                                  && !ev.all_properties) {
      std::sort(ev.properties.begin(), ev.properties.end());
      for (auto& member : *obj) {
        auto key = view(member.key());
        if (std::binary_search(ev.properties.begin(), ev.properties.end(),
                               key))
          continue;
        path_segment seg{at, key, 0, false};
        if (n.unevaluated_properties->is_false) {
          if (report(ok, &seg, [] {
                return std::string{"property is not allowed (unevaluated)"};
              }))
            return true;
        } else if (descend(ok, *n.unevaluated_properties, member.value(),
                           &seg)) {
          return true;
        }
      }
      ev.all_properties = true;
    }
    return false;
  }

  bool check_name(const node& schema, std::string_view key, json::value& name,
                  const path_segment* at, bool& ok) {
    if (!name.is_string())
      name.emplace_string();
    name.get_string().assign(key);
    if (probe(schema, name, at))
      return false;
    if (aborted_)
      return true;
    return report(ok, at, [&] {
      std::string res = "invalid property name";
      if (auto inner = first_issue(schema, name, at)) {
        res += ": ";
        res += inner->what;
      }
      return res;
    });
  }

  std::string no_match(const std::vector<const node*>& alternatives,
                       const std::vector<const json::value*>& consts,
                       const json::value& x, const path_segment* at) {
    if (!consts.empty())
      return "value is not one of "
             + value_list(consts, [](const json::value* y) -> auto& {
                 return *y;
               });
    std::string res = "does not match any of the allowed schemas";
    if (auto inner = first_issue(*alternatives.front(), x, at)) {
      auto text = inner->path == render_path(at) ? std::move(inner->what)
                                                 : format(*inner);
      auto len = utf8_cut(text, max_nested_text).size();
      res += " (first: ";
      res += text.substr(0, len);
      if (len < text.size())
        res += "...";
      res += ')';
    }
    return res;
  }

  /// Returns the target of `n`'s `$dynamicRef`: the outermost resource in
  /// the dynamic scope with the anchor, else the static target.
  const node& dynamic_target(const node& n) const {
    if (!n.dynamic_anchor.empty())
      for (auto res : scope_)
        if (auto target = res->dynamic_anchor(n.dynamic_anchor))
          return *target;
    return *n.dynamic_ref;
  }

  bool check_applicators(const node& n, const json::value& x,
                         const path_segment* at, bool& ok, evaluated* ev) {
    if (n.ref != nullptr && descend(ok, *n.ref, x, at, ev))
      return true;
    if (n.dynamic_ref != nullptr && descend(ok, dynamic_target(n), x, at, ev))
      return true;
    for (auto schema : n.all_of)
      if (descend(ok, *schema, x, at, ev))
        return true;
    if (!n.any_of.empty()) {
      bool matched = false;
      if (ev != nullptr) {
        // Every alternative that matches adds what it evaluated.
        for (auto schema : n.any_of)
          matched = probe(*schema, x, at, ev) || matched;
      } else {
        matched = std::any_of(n.any_of.begin(), n.any_of.end(),
                              [&](const node* schema) {
                                return probe(*schema, x, at);
                              });
      }
      if (aborted_)
        return true;
      if (!matched && report(ok, at, [&] {
            return no_match(n.any_of, n.any_of_consts, x, at);
          }))
        return true;
    }
    if (!n.one_of.empty()) {
      size_t matches = 0;
      for (auto schema : n.one_of)
        if (probe(*schema, x, at, ev))
          ++matches;
      if (aborted_)
        return true;
      if (matches == 0 && report(ok, at, [&] {
            return no_match(n.one_of, n.one_of_consts, x, at);
          }))
        return true;
      if (matches > 1 && report(ok, at, [&] {
            return "matches " + std::to_string(matches)
                   + " schemas of oneOf, expected exactly one";
          }))
        return true;
    }
    if (n.not_schema != nullptr) {
      auto matched = probe(*n.not_schema, x, at);
      if (aborted_)
        return true;
      if (matched && report(ok, at, [] {
            return std::string{"value must not match the \"not\" schema"};
          }))
        return true;
    }
    if (n.if_schema != nullptr) {
      auto matched = probe(*n.if_schema, x, at, ev);
      if (aborted_)
        return true;
      auto branch = matched ? n.then_schema : n.else_schema;
      if (branch != nullptr && descend(ok, *branch, x, at, ev))
        return true;
    }
    return false;
  }

  mode mode_;
  size_t max_issues_;
  bool dynamic_;
  /// The resources entered, outermost first (only when `dynamic_`).
  std::vector<const resource*> scope_;
  size_t depth_ = 0;
  size_t steps_ = 0;
  bool aborted_ = false;
  issue abort_issue_;
  std::vector<issue> issues_;
};

} // namespace

validation_outcome validate_node(const node& root, const json::value& x,
                                 validation_mode m, size_t max_issues,
                                 bool dynamic) {
  validator checker{m, max_issues, dynamic};
  validation_outcome res;
  res.ok = checker.check(root, x, nullptr);
  res.aborted = checker.aborted();
  if (res.aborted)
    res.abort_issue = checker.abort_issue();
  res.issues = checker.take_issues();
  return res;
}

} // namespace mcp::protocol::detail
