#include "protocol/result_shape.hpp"

#include <boost/json/value.hpp>

#include "protocol/json_text.hpp"
#include "protocol/method_table.hpp"

namespace mcp::protocol {

namespace {

namespace json = boost::json;

using problem = std::optional<std::string>;

const char* kind_name(json::kind k) {
  switch (k) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    default:
      return "an object";
  }
}

/// Member `key` of `obj` must be a string; `required` says if it must exist.
problem string_member(const json::object& obj, std::string_view key,
                      const std::string& where, bool required = true) {
  auto x = obj.if_contains(key);
  if (x == nullptr)
    return required ? problem{where + " lacks \"" + std::string{key} + "\""}
                    : std::nullopt;
  if (!x->is_string())
    return where + "." + std::string{key} + " is " + kind_name(x->kind())
           + ", not a string";
  return std::nullopt;
}

/// What each item of a list must have.
struct item_rule {
  /// Required string members.
  std::initializer_list<std::string_view> strings;
  /// A required object member, if any.
  std::string_view object = {};
};

/// Member `key` of `result` must be an array of objects that follow `rule`.
problem items(const json::object& result, std::string_view key,
              item_rule rule) {
  auto name = std::string{key};
  auto x = result.if_contains(key);
  if (x == nullptr)
    return "the result lacks \"" + name + "\"";
  if (!x->is_array())
    return "\"" + name + "\" is " + kind_name(x->kind()) + ", not an array";
  auto& arr = x->get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    auto where = name + "[" + std::to_string(i) + "]";
    auto obj = arr[i].if_object();
    if (obj == nullptr)
      return where + " is " + kind_name(arr[i].kind()) + ", not an object";
    for (auto member : rule.strings)
      if (auto p = string_member(*obj, member, where))
        return p;
    if (!rule.object.empty()) {
      auto y = obj->if_contains(rule.object);
      if (y == nullptr || !y->is_object())
        return where + "." + std::string{rule.object}
               + (y == nullptr ? " is missing"
                               : std::string{" is "} + kind_name(y->kind())
                                   + ", not an object");
    }
  }
  return std::nullopt;
}

/// A paginated list: its items and an optional string `nextCursor`.
problem page(const json::object& result, std::string_view key,
             item_rule rule) {
  if (auto p = items(result, key, rule))
    return p;
  return string_member(result, "nextCursor", "result", false);
}

problem tool_result(const json::object& result, revision rev) {
  if (auto p = items(result, "content", {{"type"}}))
    return p;
  // Any JSON value from 2026-07-28 on, an object before.
  if (auto x = result.if_contains("structuredContent");
      x && !x->is_object() && rev.has_sessions())
    return std::string{"\"structuredContent\" is "} + kind_name(x->kind())
           + ", not an object";
  if (auto x = result.if_contains("isError"); x && !x->is_bool())
    return std::string{"\"isError\" is "} + kind_name(x->kind())
           + ", not a boolean";
  return std::nullopt;
}

problem completion(const json::object& result) {
  auto x = result.if_contains("completion");
  if (x == nullptr)
    return std::string{"the result lacks \"completion\""};
  if (!x->is_object())
    return std::string{"\"completion\" is "} + kind_name(x->kind())
           + ", not an object";
  auto values = x->get_object().if_contains("values");
  if (values == nullptr || !values->is_array())
    return std::string{"\"completion.values\" is "}
           + (values == nullptr ? "missing" : kind_name(values->kind()))
           + ", not an array";
  for (auto& v : values->get_array())
    if (!v.is_string())
      return std::string{"\"completion.values\" holds "} + kind_name(v.kind())
             + ", not only strings";
  return std::nullopt;
}

} // namespace

std::optional<std::string> check_result(std::string_view method,
                                        const json::value& result,
                                        revision rev) {
  auto obj = result.if_object();
  if (obj == nullptr)
    return std::string{"the result is "} + kind_name(result.kind())
           + ", not an object";
  if (auto where = find_non_finite(result))
    return "the number at " + *where + " is out of range (beyond a double)";
  auto row = find_method(method);
  if (row == nullptr)
    return std::nullopt;
  switch (row->id) {
    case method_id::tools_call:
      return tool_result(*obj, rev);
    case method_id::tools_list:
      return page(*obj, row->list_key, {{"name"}, "inputSchema"});
    case method_id::resources_list:
      return page(*obj, row->list_key, {{"uri", "name"}});
    case method_id::resources_templates_list:
      return page(*obj, row->list_key, {{"uriTemplate", "name"}});
    case method_id::resources_read:
      return items(*obj, "contents", {{"uri"}});
    case method_id::prompts_list:
      return page(*obj, row->list_key, {{"name"}});
    case method_id::prompts_get:
      return items(*obj, "messages", {{"role"}, "content"});
    case method_id::completion_complete:
      return completion(*obj);
    default:
      break;
  }
  return std::nullopt;
}

} // namespace mcp::protocol
