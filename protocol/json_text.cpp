#include "protocol/json_text.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include "protocol/utf8.hpp"

namespace mcp::protocol {

namespace json = boost::json;

namespace {

void serialize_into(std::string& out, const json::value& x) {
  thread_local json::serializer sr;
  sr.reset(&x);
  while (!sr.done()) {
    auto used = out.size();
    out.resize(std::max<size_t>(used * 2, used + 512));
    auto part = sr.read(out.data() + used, out.size() - used);
    out.resize(used + part.size());
  }
}

/// Whether the text Boost.JSON wrote may hold what JSON does not allow.
bool suspicious(std::string_view text) noexcept {
  return text.find("Infinity") != std::string_view::npos
         || text.find("NaN") != std::string_view::npos
         || !is_valid_utf8(text);
}

json::string repaired(json::string_view s, json_repairs& log) {
  if (is_valid_utf8(s))
    return json::string{s};
  ++log.invalid_utf8;
  std::string res;
  append_utf8_repaired(res, s);
  return json::string{res};
}

/// Returns `x` with what JSON cannot hold replaced.
json::value repair(const json::value& x, json_repairs& log) {
  switch (x.kind()) {
    case json::kind::double_:
      if (!std::isfinite(x.get_double())) {
        ++log.non_finite;
        return nullptr;
      }
      return x;
    case json::kind::string:
      return repaired(x.get_string(), log);
    case json::kind::array: {
      json::array res;
      res.reserve(x.get_array().size());
      for (auto& y : x.get_array())
        res.push_back(repair(y, log));
      return res;
    }
    case json::kind::object: {
      json::object res;
      res.reserve(x.get_object().size());
      for (auto& [key, y] : x.get_object())
        res.insert_or_assign(repaired(key, log), repair(y, log));
      return res;
    }
    default:
      return x;
  }
}

/// Appends `key` escaped for a JSON Pointer (RFC 6901).
void append_pointer_token(std::string& out, std::string_view key) {
  for (auto c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
}

bool find_non_finite(const json::value& x, std::string& path) {
  switch (x.kind()) {
    case json::kind::double_:
      return !std::isfinite(x.get_double());
    case json::kind::array: {
      auto& arr = x.get_array();
      for (size_t i = 0; i < arr.size(); ++i) {
        auto len = path.size();
        path += '/';
        path += std::to_string(i);
        if (find_non_finite(arr[i], path))
          return true;
        path.resize(len);
      }
      return false;
    }
    case json::kind::object:
      for (auto& [key, y] : x.get_object()) {
        auto len = path.size();
        path += '/';
        append_pointer_token(path, key);
        if (find_non_finite(y, path))
          return true;
        path.resize(len);
      }
      return false;
    default:
      return false;
  }
}

} // namespace

json_repairs append_json(std::string& out, const json::value& x) {
  auto start = out.size();
  serialize_into(out, x);
  json_repairs log;
  if (!suspicious(std::string_view{out}.substr(start)))
    return log;
  auto fixed = repair(x, log);
  if (!log)
    return log;
  out.resize(start);
  serialize_into(out, fixed);
  return log;
}

std::optional<std::string> find_non_finite(const json::value& x) {
  std::string path;
  if (find_non_finite(x, path))
    return path;
  return std::nullopt;
}

} // namespace mcp::protocol
