#include "protocol/header_value.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <boost/json/value.hpp>

#include "protocol/base64.hpp"

namespace mcp::protocol {

namespace {

constexpr std::string_view prefix = "=?base64?";
constexpr std::string_view suffix = "?=";

bool visible(char c) noexcept {
  return c >= 0x21 && c <= 0x7E;
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

bool looks_encoded(std::string_view x) noexcept {
  return x.size() >= prefix.size() + suffix.size()
         && x.substr(0, prefix.size()) == prefix
         && x.substr(x.size() - suffix.size()) == suffix;
}

bool standard_base64(std::string_view x) noexcept {
  if (x.size() % 4 != 0)
    return false;
  size_t pad = 0;
  while (pad < 2 && pad < x.size() && x[x.size() - 1 - pad] == '=')
    ++pad;
  for (size_t i = 0; i + pad < x.size(); ++i) {
    auto c = x[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9') || c == '+' || c == '/'))
      return false;
  }
  return true;
}

} // namespace

std::string encode_header_value(std::string_view value) {
  auto safe = !value.empty() && visible(value.front()) && visible(value.back());
  for (auto c : value)
    safe = safe && (visible(c) || c == ' ');
  if (value.empty() || (safe && !looks_encoded(value)))
    return std::string{value};
  std::string res{prefix};
  res += base64_encode(value);
  res += suffix;
  return res;
}

std::optional<std::string> decode_header_value(std::string_view header) {
  while (!header.empty() && is_space(header.front()))
    header.remove_prefix(1);
  while (!header.empty() && is_space(header.back()))
    header.remove_suffix(1);
  for (auto c : header)
    if (!visible(c) && !is_space(c))
      return std::nullopt;
  if (!looks_encoded(header))
    return std::string{header};
  auto inner = header.substr(prefix.size(),
                             header.size() - prefix.size() - suffix.size());
  if (!standard_base64(inner))
    return std::nullopt;
  return base64_decode(inner);
}

namespace {

namespace json = boost::json;

constexpr std::string_view annotation = "x-mcp-header";

bool is_tchar(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c))
         || std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

std::string lower(std::string_view x) {
  std::string res;
  for (auto c : x)
    res.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return res;
}

struct walker {
  std::vector<mirrored_param> found;
  std::optional<std::string> problem;

  void fail(std::string why) {
    if (!problem)
      problem = std::move(why);
  }

  /// Walks `node`; `reachable` says whether `path` leads here through
  /// `properties` only.
  void walk(const json::value& node, bool reachable,
            std::vector<std::string>& path) {
    if (auto arr = node.if_array()) {
      for (auto& x : *arr)
        walk(x, false, path);
      return;
    }
    auto obj = node.if_object();
    if (obj == nullptr)
      return;
    if (auto x = obj->if_contains(annotation))
      claim(*obj, *x, reachable && !path.empty(), path);
    for (auto& kvp : *obj) {
      if (kvp.key() == annotation)
        continue;
      if (kvp.key() == "properties" && reachable && kvp.value().is_object()) {
        for (auto& prop : kvp.value().get_object()) {
          path.emplace_back(prop.key());
          walk(prop.value(), true, path);
          path.pop_back();
        }
        continue;
      }
      walk(kvp.value(), false, path);
    }
  }

  void claim(const json::object& prop, const json::value& name, bool reachable,
             const std::vector<std::string>& path) {
    auto str = name.if_string();
    if (str == nullptr || str->empty()) {
      fail("x-mcp-header must be a non-empty string");
      return;
    }
    for (auto c : *str)
      if (!is_tchar(c)) {
        fail("x-mcp-header \"" + std::string{*str}
             + "\" is not an HTTP token");
        return;
      }
    if (!reachable) {
      fail("x-mcp-header \"" + std::string{*str}
           + "\" is not on a property reached through properties alone");
      return;
    }
    auto type = prop.if_contains("type");
    auto t = type && type->is_string() ? std::string_view{type->get_string()}
                                       : std::string_view{};
    if (t != "string" && t != "integer" && t != "boolean") {
      fail("x-mcp-header \"" + std::string{*str}
           + "\" needs a property of type string, integer or boolean");
      return;
    }
    for (auto& other : found)
      if (lower(other.header) == lower(*str)) {
        fail("x-mcp-header \"" + std::string{*str} + "\" is used twice");
        return;
      }
    found.push_back({std::string{*str}, path, std::string{t}});
  }
};

const json::value* value_at(const json::object& args,
                            const std::vector<std::string>& path) {
  const json::object* obj = &args;
  const json::value* res = nullptr;
  for (auto& key : path) {
    if (obj == nullptr)
      return nullptr;
    res = obj->if_contains(key);
    if (res == nullptr)
      return nullptr;
    obj = res->if_object();
  }
  return res;
}

std::optional<std::string> text_of(const json::value& x) {
  if (auto s = x.if_string())
    return std::string{*s};
  if (x.is_bool())
    return std::string{x.get_bool() ? "true" : "false"};
  if (x.is_int64())
    return std::to_string(x.get_int64());
  if (x.is_uint64())
    return std::to_string(x.get_uint64());
  // Integers only (the spec's range, within +-(2^53 - 1)).
  if (auto d = x.if_double();
      d && std::fabs(*d) <= 9007199254740991.0 && std::floor(*d) == *d)
    return std::to_string(static_cast<int64_t>(*d));
  return std::nullopt;
}

} // namespace

boost::system::result<std::vector<mirrored_param>, protocol_error>
find_mirrored_params(const json::object& input_schema) {
  walker w;
  std::vector<std::string> path;
  w.walk(input_schema, true, path);
  if (w.problem)
    return protocol_error{std::move(*w.problem)};
  return std::move(w.found);
}

std::optional<std::string>
mirrored_header(const mirrored_param& param, const json::object& arguments) {
  auto x = value_at(arguments, param.path);
  if (x == nullptr || x->is_null())
    return std::nullopt;
  auto text = text_of(*x);
  if (!text)
    return std::nullopt;
  return encode_header_value(*text);
}

std::optional<std::string> check_mirrored_params(
  const std::vector<mirrored_param>& params, const json::object& arguments,
  const std::function<std::optional<std::string>(std::string_view)>& header) {
  for (auto& p : params) {
    auto x = value_at(arguments, p.path);
    auto sent = header(p.header);
    auto name = "Mcp-Param-" + p.header;
    if (x == nullptr || x->is_null()) {
      if (sent)
        return name + " header sent without its value in the body";
      continue;
    }
    if (!sent)
      return "the " + name + " header is required when the body has the value";
    auto body = text_of(*x);
    if (!body)
      return name + " mirrors a value that is no string, integer or boolean";
    auto same = *sent == *body;
    if (!same && p.type == "integer") {
      char* end = nullptr;
      auto parsed = std::strtod(sent->c_str(), &end);
      same = end != sent->c_str() && *end == '\0'
             && x->is_number() && parsed == x->to_number<double>();
    }
    if (!same)
      return name + " header value '" + *sent + "' does not match body value '"
             + *body + "'";
  }
  return std::nullopt;
}

} // namespace mcp::protocol
