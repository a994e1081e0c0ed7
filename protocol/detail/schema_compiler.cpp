#include "protocol/detail/schema_compiler.hpp"

#include <algorithm>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "protocol/detail/schema_index.hpp"
#include "protocol/detail/schema_node.hpp"
#include "protocol/detail/schema_text.hpp"
#include "protocol/detail/schema_values.hpp"

namespace mcp::protocol::detail {

namespace {

namespace json = boost::json;

std::optional<size_t> as_count(const json::value& x) noexcept {
  if (x.is_int64())
    return x.get_int64() >= 0
             ? std::optional<size_t>{static_cast<size_t>(x.get_int64())}
             : std::nullopt;
  if (x.is_uint64())
    return static_cast<size_t>(x.get_uint64());
  if (!x.is_double() || !is_integral(x) || x.get_double() < 0)
    return std::nullopt;
  auto d = x.get_double();
  return d >= 18446744073709551616.0 ? std::numeric_limits<size_t>::max()
                                     : static_cast<size_t>(d);
}

/// Compiles a schema into nodes without recursion: each subschema becomes a
/// task, and a subschema reached twice (by `$ref` or nesting) compiles once.
/// Each document is indexed before its subschemas compile.
class compiler {
public:
  compiler(const json::value& root, const json_schema_documents& documents,
           schema_store& store)
    : root_(root), documents_(documents), store_(store) {
    // nop
  }

  /// Returns the root node, or null after an error.
  const node* run() {
    index_.add(root_, std::string{schema_index::default_base});
    auto res = enqueue(root_, "#", nullptr);
    while (!tasks_.empty() && error_.empty()) {
      auto next = std::move(tasks_.back());
      tasks_.pop_back();
      compile(*next.target, *next.schema, next.where);
    }
    if (!error_.empty())
      return nullptr;
    for (auto& n : store_.nodes) {
      n.any_of_consts = const_choices(n.any_of);
      n.one_of_consts = const_choices(n.one_of);
    }
    return res;
  }

  std::string& error() noexcept {
    return error_;
  }

private:
  struct task {
    node* target;
    const json::value* schema;
    std::string where;
  };

  /// Returns the compiled resource that the subschema `x` belongs to.
  resource* owner_of(const json::value& x, resource* fallback) {
    auto where = index_.placement_of(x);
    if (where == nullptr)
      return fallback;
    auto& res = compiled_[where->resource_root];
    if (res == nullptr) {
      res = &store_.resources.emplace_back();
      res->uri = where->resource_uri;
      for (auto& [name, schema] : index_.dynamic_anchors(*where))
        res->dynamic_anchors.emplace_back(
          name, enqueue(*schema, res->uri + '#' + std::string{name}, res));
    }
    return res;
  }

  /// Returns the base URI of the subschema `x` (that of its resource when
  /// the index did not reach it, e.g. under an unknown keyword).
  std::string_view base_of(const json::value& x, const resource* owner) const {
    if (auto where = index_.placement_of(x))
      return where->base;
    return owner != nullptr ? std::string_view{owner->uri}
                            : schema_index::default_base;
  }

  // -- tasks ------------------------------------------------------------------

  node* enqueue(const json::value& schema, std::string where,
                const resource* fallback_owner) {
    auto [i, added] = known_.emplace(&schema, nullptr);
    if (!added)
      return i->second;
    i->second = &store_.nodes.emplace_back();
    i->second->owner = owner_of(schema, const_cast<resource*>(fallback_owner));
    tasks_.push_back(task{i->second, &schema, std::move(where)});
    return i->second;
  }

  static std::vector<const json::value*>
  const_choices(const std::vector<const node*>& alternatives) {
    std::vector<const json::value*> res;
    for (auto alt : alternatives) {
      if (!alt->const_only())
        return {};
      res.push_back(alt->const_value);
    }
    return res;
  }

  bool fail(const std::string& where, std::string_view what) {
    if (error_.empty()) {
      error_ = "invalid JSON schema at ";
      error_ += where;
      error_ += ": ";
      error_ += what;
    }
    return false;
  }

  bool wrong(const std::string& where, std::string_view key,
             std::string_view expected) {
    return fail(where, quoted(key) + " must be " + std::string{expected});
  }

  static std::string child(const std::string& where, std::string_view key) {
    return where + '/' + pointer_escaped(key);
  }

  static std::string child(const std::string& where, std::string_view key,
                           size_t index) {
    return child(where, key) + '/' + std::to_string(index);
  }

  void compile(node& n, const json::value& schema, const std::string& where) {
    if (schema.is_bool()) {
      n.is_false = !schema.get_bool();
      n.assertions = n.is_false ? 1 : 0;
      return;
    }
    auto obj = schema.if_object();
    if (obj == nullptr) {
      fail(where, "a schema must be an object or a boolean");
      return;
    }
    if (compile_core(n, *obj, schema, where) && compile_numbers(n, *obj, where)
        && compile_strings(n, *obj, where) && compile_arrays(n, *obj, where)
        && compile_objects(n, *obj, where))
      compile_applicators(n, *obj, where);
  }

  // -- keyword groups ---------------------------------------------------------

  bool compile_core(node& n, const json::object& obj,
                    const json::value& self, const std::string& where) {
    if (auto x = obj.if_contains("type")) {
      if (!read_types(*x, n.types, where))
        return false;
      n.type_keyword = x;
      ++n.assertions;
    }
    if (auto x = obj.if_contains("const")) {
      n.const_value = x;
      ++n.assertions;
    }
    if (auto x = obj.if_contains("enum")) {
      n.enum_values = x->if_array();
      if (n.enum_values == nullptr)
        return wrong(where, "enum", "an array");
      ++n.assertions;
    }
    if (auto x = obj.if_contains("$ref")) {
      if (!x->is_string())
        return wrong(where, "$ref", "a string");
      n.ref = resolve(view(x->get_string()), self, where, nullptr);
      if (n.ref == nullptr)
        return false;
      ++n.assertions;
    }
    if (auto x = obj.if_contains("$dynamicRef")) {
      if (!x->is_string())
        return wrong(where, "$dynamicRef", "a string");
      n.dynamic_ref = resolve(view(x->get_string()), self, where,
                              &n.dynamic_anchor);
      if (n.dynamic_ref == nullptr)
        return false;
      store_.dynamic = store_.dynamic || !n.dynamic_anchor.empty();
      ++n.assertions;
    }
    for (std::string_view key : {"$defs", "definitions"}) {
      if (auto x = obj.if_contains(key)) {
        auto defs = x->if_object();
        if (defs == nullptr)
          return wrong(where, key, "an object");
        for (auto& member : *defs)
          enqueue(member.value(), child(child(where, key), view(member.key())),
                  n.owner);
      }
    }
    return true;
  }

  bool compile_numbers(node& n, const json::object& obj,
                       const std::string& where) {
    auto number = [&](std::string_view key, const json::value*& out) {
      if (auto x = obj.if_contains(key)) {
        if (!x->is_number())
          return wrong(where, key, "a number");
        out = x;
        ++n.assertions;
      }
      return true;
    };
    auto exclusive = [&](std::string_view key, const json::value*& out,
                         const json::value*& inclusive) {
      if (auto x = obj.if_contains(key)) {
        if (x->is_bool()) {
          if (x->get_bool())
            out = std::exchange(inclusive, nullptr);
        } else if (x->is_number()) {
          out = x;
          ++n.assertions;
        } else {
          return wrong(where, key, "a number");
        }
      }
      return true;
    };
    if (!number("minimum", n.minimum) || !number("maximum", n.maximum)
        || !exclusive("exclusiveMinimum", n.exclusive_minimum, n.minimum)
        || !exclusive("exclusiveMaximum", n.exclusive_maximum, n.maximum)
        || !number("multipleOf", n.multiple_of))
      return false;
    if (n.multiple_of != nullptr && !(to_double(*n.multiple_of) > 0))
      return wrong(where, "multipleOf", "greater than 0");
    return true;
  }

  bool compile_strings(node& n, const json::object& obj,
                       const std::string& where) {
    if (!read_count(n, obj, "minLength", where, n.min_length)
        || !read_count(n, obj, "maxLength", where, n.max_length))
      return false;
    if (auto x = obj.if_contains("pattern")) {
      if (!x->is_string())
        return wrong(where, "pattern", "a string");
      n.pat = read_pattern(view(x->get_string()), where);
      if (!n.pat)
        return false;
      ++n.assertions;
    }
    return true;
  }

  bool compile_arrays(node& n, const json::object& obj,
                      const std::string& where) {
    if (!read_schemas(n, obj, "prefixItems", where, n.prefix_items, false))
      return false;
    if (auto x = obj.if_contains("items")) {
      if (x->is_array()) {
        if (obj.contains("prefixItems"))
          return wrong(where, "items", R"(a schema next to "prefixItems")");
        read_schemas(n, obj, "items", where, n.prefix_items, false);
        read_schema(n, obj, "additionalItems", where, n.items);
      } else {
        read_schema(n, obj, "items", where, n.items);
      }
    }
    if (!read_count(n, obj, "minItems", where, n.min_items)
        || !read_count(n, obj, "maxItems", where, n.max_items))
      return false;
    if (auto x = obj.if_contains("uniqueItems")) {
      if (!x->is_bool())
        return wrong(where, "uniqueItems", "a boolean");
      n.unique_items = x->get_bool();
      ++n.assertions;
    }
    read_schema(n, obj, "unevaluatedItems", where, n.unevaluated_items);
    read_schema(n, obj, "contains", where, n.contains);
    std::optional<size_t> min_contains;
    if (!read_count(n, obj, "minContains", where, min_contains)
        || !read_count(n, obj, "maxContains", where, n.max_contains))
      return false;
    if (min_contains)
      n.min_contains = *min_contains;
    return true;
  }

  bool compile_objects(node& n, const json::object& obj,
                       const std::string& where) {
    if (!read_schema_map(n, obj, "properties", where, n.properties))
      return false;
    for (auto& prop : n.properties)
      n.declared.push_back(prop.name);
    std::sort(n.declared.begin(), n.declared.end());
    if (auto x = obj.if_contains("required")) {
      if (!read_names(*x, n.required))
        return wrong(where, "required", "an array of strings");
      ++n.assertions;
    }
    if (auto x = obj.if_contains("patternProperties")) {
      auto patterns = x->if_object();
      if (patterns == nullptr)
        return wrong(where, "patternProperties", "an object");
      auto base = child(where, "patternProperties");
      for (auto& member : *patterns) {
        auto pat = read_pattern(view(member.key()), where);
        if (!pat)
          return false;
        auto schema = enqueue(member.value(), child(base, view(member.key())),
                              n.owner);
        n.pattern_properties.push_back(pattern_node{std::move(*pat), schema});
      }
      ++n.assertions;
    }
    read_schema(n, obj, "additionalProperties", where, n.additional_properties);
    read_schema(n, obj, "unevaluatedProperties", where,
                n.unevaluated_properties);
    read_schema(n, obj, "propertyNames", where, n.property_names);
    if (!read_count(n, obj, "minProperties", where, n.min_properties)
        || !read_count(n, obj, "maxProperties", where, n.max_properties))
      return false;
    if (auto x = obj.if_contains("dependentRequired")) {
      auto deps = x->if_object();
      if (deps == nullptr)
        return wrong(where, "dependentRequired", "an object");
      for (auto& member : *deps) {
        dependency dep{view(member.key()), {}};
        if (!read_names(member.value(), dep.required))
          return wrong(where, "dependentRequired",
                       "an object of string arrays");
        n.dependent_required.push_back(std::move(dep));
      }
      ++n.assertions;
    }
    if (!read_schema_map(n, obj, "dependentSchemas", where,
                         n.dependent_schemas))
      return false;
    if (auto x = obj.if_contains("dependencies")) {
      auto deps = x->if_object();
      if (deps == nullptr)
        return wrong(where, "dependencies", "an object");
      auto base = child(where, "dependencies");
      for (auto& member : *deps) {
        dependency dep{view(member.key()), {}};
        if (member.value().is_array()) {
          if (!read_names(member.value(), dep.required))
            return wrong(where, "dependencies",
                         "an object of string arrays or schemas");
          n.dependent_required.push_back(std::move(dep));
        } else {
          auto schema = enqueue(member.value(),
                                child(base, view(member.key())), n.owner);
          n.dependent_schemas.push_back(named_node{dep.name, schema});
        }
      }
      ++n.assertions;
    }
    return true;
  }

  bool compile_applicators(node& n, const json::object& obj,
                           const std::string& where) {
    if (!read_schemas(n, obj, "allOf", where, n.all_of, true)
        || !read_schemas(n, obj, "anyOf", where, n.any_of, true)
        || !read_schemas(n, obj, "oneOf", where, n.one_of, true))
      return false;
    read_schema(n, obj, "not", where, n.not_schema);
    if (read_schema(n, obj, "if", where, n.if_schema)) {
      read_schema(n, obj, "then", where, n.then_schema);
      read_schema(n, obj, "else", where, n.else_schema);
    }
    return true;
  }

  // -- keyword readers --------------------------------------------------------

  bool read_types(const json::value& x, uint8_t& out,
                  const std::string& where) {
    auto add = [&](const json::value& name) {
      if (!name.is_string())
        return wrong(where, "type", "a type name or an array of type names");
      auto bit = type_bit_of(view(name.get_string()));
      if (bit == 0)
        return fail(where, "unknown type " + quoted(view(name.get_string())));
      out |= bit;
      return true;
    };
    if (auto names = x.if_array()) {
      if (names->empty())
        return wrong(where, "type", "a type name or an array of type names");
      for (auto& name : *names)
        if (!add(name))
          return false;
      return true;
    }
    return add(x);
  }

  bool read_count(node& n, const json::object& obj, std::string_view key,
                  const std::string& where, std::optional<size_t>& out) {
    if (auto x = obj.if_contains(key)) {
      out = as_count(*x);
      if (!out)
        return wrong(where, key, "a non-negative integer");
      ++n.assertions;
    }
    return true;
  }

  static bool read_names(const json::value& x,
                         std::vector<std::string_view>& out) {
    auto names = x.if_array();
    if (names == nullptr)
      return false;
    for (auto& name : *names) {
      if (!name.is_string())
        return false;
      out.push_back(view(name.get_string()));
    }
    return true;
  }

  bool read_schema(node& n, const json::object& obj, std::string_view key,
                   const std::string& where, const node*& out) {
    if (auto x = obj.if_contains(key)) {
      out = enqueue(*x, child(where, key), n.owner);
      ++n.assertions;
      return true;
    }
    return false;
  }

  bool read_schemas(node& n, const json::object& obj, std::string_view key,
                    const std::string& where, std::vector<const node*>& out,
                    bool non_empty) {
    if (auto x = obj.if_contains(key)) {
      auto schemas = x->if_array();
      if (schemas == nullptr || (non_empty && schemas->empty()))
        return wrong(where, key,
                     non_empty ? "a non-empty array of schemas"
                               : "an array of schemas");
      for (size_t i = 0; i < schemas->size(); ++i)
        out.push_back(enqueue((*schemas)[i], child(where, key, i), n.owner));
      ++n.assertions;
    }
    return true;
  }

  bool read_schema_map(node& n, const json::object& obj, std::string_view key,
                       const std::string& where, std::vector<named_node>& out) {
    if (auto x = obj.if_contains(key)) {
      auto schemas = x->if_object();
      if (schemas == nullptr)
        return wrong(where, key, "an object of schemas");
      auto base = child(where, key);
      for (auto& member : *schemas)
        out.push_back(named_node{view(member.key()),
                                 enqueue(member.value(),
                                         child(base, view(member.key())),
                                         n.owner)});
      ++n.assertions;
    }
    return true;
  }

  std::optional<schema_pattern> read_pattern(std::string_view text,
                                             const std::string& where) {
    std::string why;
    auto res = schema_pattern::make(text, why);
    if (!res)
      fail(where, "invalid pattern " + quoted(text) + ": " + why);
    return res;
  }

  // -- references -------------------------------------------------------------

  /// Resolves the `$ref` (or `$dynamicRef`, with `anchor`) `ref` of the
  /// subschema `self`. For a `$dynamicRef` whose target has a
  /// `$dynamicAnchor` of the fragment's name, sets `anchor` to that name.
  node* resolve(std::string_view ref, const json::value& self,
                const std::string& where, std::string_view* anchor) {
    auto owner = known_.at(&self)->owner;
    auto uri = resolve_uri(base_of(self, owner), ref);
    if (!uri) {
      fail(where, "invalid $ref " + quoted(ref));
      return nullptr;
    }
    auto root = index_.resource(uri->resource);
    if (root == nullptr) {
      if (auto doc = documents_.find(uri->resource); doc != documents_.end()) {
        auto& copy = store_.documents.emplace_back(doc->second);
        index_.add(copy, doc->first);
        root = index_.resource(uri->resource);
      }
    }
    if (root == nullptr) {
      fail(where, "unresolvable $ref " + quoted(ref)
                    + " (a schema may name only its own resources and the "
                      "documents given to compile it)");
      return nullptr;
    }
    auto& fragment = uri->fragment;
    const json::value* target = nullptr;
    if (fragment.empty()) {
      target = root;
    } else if (fragment.front() == '/') {
      boost::system::error_code ec;
      target = root->find_pointer(fragment, ec);
    } else {
      target = index_.anchor(uri->resource, fragment);
    }
    if (target == nullptr) {
      fail(where, "unresolvable $ref " + quoted(ref));
      return nullptr;
    }
    if (anchor != nullptr && !fragment.empty() && fragment.front() != '/') {
      auto obj = target->if_object();
      auto x = obj != nullptr ? obj->if_contains("$dynamicAnchor") : nullptr;
      if (x != nullptr && x->is_string() && view(x->get_string()) == fragment)
        *anchor = view(x->get_string());
    }
    return enqueue(*target, uri->resource + '#' + fragment,
                   owner_of(*root, nullptr));
  }

  const json::value& root_;
  const json_schema_documents& documents_;
  schema_store& store_;
  std::unordered_map<const json::value*, node*> known_;
  schema_index index_;
  std::unordered_map<const json::value*, resource*> compiled_;
  std::vector<task> tasks_;
  std::string error_;
};

} // namespace

const node* compile_schema(const json::value& root,
                           const json_schema_documents& documents,
                           schema_store& store, std::string& error) {
  compiler c{root, documents, store};
  auto res = c.run();
  if (res == nullptr)
    error = std::move(c.error());
  return res;
}

} // namespace mcp::protocol::detail
