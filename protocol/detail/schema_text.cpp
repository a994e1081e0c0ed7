#include "protocol/detail/schema_text.hpp"

#include <vector>

#include <boost/json/value.hpp>

#include "protocol/detail/schema_values.hpp"
#include "protocol/utf8.hpp"

namespace mcp::protocol::detail {

namespace json = boost::json;

namespace {

bool is_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

/// Appends `items` between `open` and `close`, separated by commas, each by
/// `append_item`; stops with "..." once `out` reaches `limit` bytes.
template <class Items, class AppendItem>
void append_items(std::string& out, const Items& items, char open, char close,
                  size_t limit, AppendItem append_item) {
  out += open;
  bool first = true;
  for (auto& item : items) {
    if (!first)
      out += ',';
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    first = false;
    append_item(item);
  }
  out += close;
}

bool needs_brackets(std::string_view name) noexcept {
  if (name.empty())
    return true;
  for (auto c : name)
    if (c == '.' || c == '[' || c == ']' || c == '"' || c == '\\'
        || static_cast<unsigned char>(c) < 0x20)
      return true;
  return false;
}

} // namespace

// -- strings ------------------------------------------------------------------

size_t code_points(std::string_view x) noexcept {
  size_t res = 0;
  for (auto c : x)
    if (!is_continuation(c))
      ++res;
  return res;
}

void append_quoted(std::string& out, std::string_view x, size_t limit) {
  static constexpr char hex[] = "0123456789abcdef";
  auto len = utf8_cut(x, limit).size();
  out += '"';
  for (auto c : x.substr(0, len)) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += hex[(c >> 4) & 0x0F];
          out += hex[c & 0x0F];
        } else {
          out += c;
        }
    }
  }
  if (len < x.size())
    out += "...";
  out += '"';
}

std::string quoted(std::string_view x) {
  std::string res;
  append_quoted(res, x);
  return res;
}

std::string counted(size_t n, std::string_view singular,
                    std::string_view plural) {
  auto res = std::to_string(n);
  res += ' ';
  res += n == 1 ? singular : plural;
  return res;
}

std::string pointer_escaped(std::string_view x) {
  std::string res;
  for (auto c : x) {
    if (c == '~')
      res += "~0";
    else if (c == '/')
      res += "~1";
    else
      res += c;
  }
  return res;
}
// -- values -------------------------------------------------------------------

/// Appends a bounded rendering of `x`: stops with "..." once `out` reaches
/// `limit` bytes.
void append_value(std::string& out, const json::value& x, size_t limit) {
  switch (x.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += x.get_bool() ? "true" : "false";
      break;
    case json::kind::string:
      append_quoted(out, view(x.get_string()));
      break;
    case json::kind::array:
      append_items(out, x.get_array(), '[', ']', limit,
                   [&](const json::value& item) {
                     append_value(out, item, limit);
                   });
      break;
    case json::kind::object:
      append_items(out, x.get_object(), '{', '}', limit,
                   [&](const json::key_value_pair& member) {
                     append_quoted(out, view(member.key()));
                     out += ':';
                     append_value(out, member.value(), limit);
                   });
      break;
    default:
      append_number(out, x);
  }
}

std::string describe(const json::value& x) {
  std::string res;
  append_value(res, x, max_value_text);
  return res;
}

/// Lists the names of a `type` keyword as the schema gives them.
std::string type_list(const json::value& types) {
  if (types.is_string())
    return std::string{view(types.get_string())};
  auto& names = types.get_array();
  std::string res;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      res += i + 1 == names.size() ? " or " : ", ";
    res += view(names[i].get_string());
  }
  return res;
}

// -- paths --------------------------------------------------------------------

std::string render_path(const path_segment* at) {
  std::vector<const path_segment*> segments;
  for (; at != nullptr; at = at->parent)
    segments.push_back(at);
  std::string res;
  for (auto i = segments.rbegin(); i != segments.rend(); ++i) {
    auto& seg = **i;
    if (seg.is_index) {
      res += '[';
      res += std::to_string(seg.index);
      res += ']';
    } else if (needs_brackets(seg.name)) {
      res += '[';
      append_quoted(res, seg.name);
      res += ']';
    } else {
      if (!res.empty())
        res += '.';
      auto len = utf8_cut(seg.name, max_value_text).size();
      res += seg.name.substr(0, len);
      if (len < seg.name.size())
        res += "...";
    }
  }
  if (res.size() > max_path_text) {
    auto cut = res.size() - (max_path_text - 3);
    while (cut < res.size() && is_continuation(res[cut]))
      ++cut;
    res = "..." + res.substr(cut);
  }
  return res;
}

std::string format(const issue& x) {
  if (x.path.empty())
    return x.what;
  std::string res;
  res.reserve(x.path.size() + x.what.size() + 4);
  res += '"';
  res += x.path;
  res += "\": ";
  res += x.what;
  return res;
}
} // namespace mcp::protocol::detail
