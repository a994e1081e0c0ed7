// GCC 12 with sanitizers reports std::function members inside <regex> as
// maybe uninitialized (a false positive); the state is file-wide because the
// warning points into headers that the first include already pulls in.
#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "protocol/json_schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <regex>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "protocol/json_number.hpp"
#include "protocol/uri_template.hpp"

namespace mcp::protocol {

namespace {

namespace json = boost::json;

/// Validation gives up beyond these bounds.
constexpr size_t max_depth = 512;
constexpr size_t max_steps = 10'000'000;

/// Messages stay bounded: longer values, lists and paths end in "...".
constexpr size_t max_value_text = 64;
constexpr size_t max_list_items = 10;
constexpr size_t max_list_text = 200;
constexpr size_t max_path_text = 256;
constexpr size_t max_nested_text = 300;

/// Bounds that keep std::regex, which recurses, off the end of the stack.
constexpr size_t max_pattern_nesting = 64;

/// The largest repetition count a pattern may write (`{n}`, `{n,m}`).
constexpr uint64_t max_pattern_repeat = 1000;

/// The largest a pattern may grow once its repetitions are written out:
/// std::regex builds that many states.
constexpr uint64_t max_pattern_expansion = 100000;
constexpr size_t max_backtracking_subject = 4096;

/// Value kinds as a bit set.
enum type_bit : uint8_t {
  type_null = 0x01,
  type_boolean = 0x02,
  type_object = 0x04,
  type_array = 0x08,
  type_number = 0x10,
  type_integer = 0x20,
  type_string = 0x40,
};

/// The names of the `type` keyword.
constexpr std::pair<std::string_view, uint8_t> type_names[] = {
  {"string", type_string},   {"number", type_number},
  {"integer", type_integer}, {"boolean", type_boolean},
  {"object", type_object},   {"array", type_array},
  {"null", type_null},
};

// -- strings ------------------------------------------------------------------

std::string_view view(json::string_view x) noexcept {
  return {x.data(), x.size()};
}

std::string_view view(const json::string& x) noexcept {
  return {x.data(), x.size()};
}

bool is_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

size_t code_points(std::string_view x) noexcept {
  size_t res = 0;
  for (auto c : x)
    if (!is_continuation(c))
      ++res;
  return res;
}

/// Returns the largest prefix length of at most `n` that ends on a UTF-8
/// character boundary.
size_t utf8_prefix(std::string_view x, size_t n) noexcept {
  if (n >= x.size())
    return x.size();
  while (n > 0 && is_continuation(x[n]))
    --n;
  return n;
}

void append_quoted(std::string& out, std::string_view x,
                   size_t limit = max_value_text) {
  static constexpr char hex[] = "0123456789abcdef";
  auto len = utf8_prefix(x, limit);
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

// -- numbers ------------------------------------------------------------------

/// The result of comparing with NaN.
constexpr int unordered = 2;

template <class T>
int three_way(T x, T y) noexcept {
  return x < y ? -1 : (y < x ? 1 : 0);
}

int negated(int order) noexcept {
  return order == unordered ? order : -order;
}

/// Compares an integer with a double exactly (no rounding of `x`).
template <class Int>
int compare(Int x, double y) noexcept {
  static_assert(std::is_same_v<Int, int64_t> || std::is_same_v<Int, uint64_t>);
  // The doubles just outside Int's range: 2^63 (or 2^64) and -2^63 (or 0).
  constexpr double upper = std::is_signed_v<Int> ? 9223372036854775808.0
                                                 : 18446744073709551616.0;
  constexpr double lower = std::is_signed_v<Int> ? -9223372036854775808.0 : 0.0;
  if (std::isnan(y))
    return unordered;
  if (y >= upper)
    return -1;
  if (y < lower)
    return 1;
  auto whole = std::trunc(y);
  auto whole_int = static_cast<Int>(whole);
  if (x != whole_int)
    return x < whole_int ? -1 : 1;
  return three_way(whole, y);
}

int compare(int64_t x, uint64_t y) noexcept {
  if (x < 0)
    return -1;
  return three_way(static_cast<uint64_t>(x), y);
}

/// Compares two JSON numbers by value, exactly.
int compare_numbers(const json::value& x, const json::value& y) noexcept {
  switch (x.kind()) {
    case json::kind::int64: {
      auto lhs = x.get_int64();
      if (y.is_int64())
        return three_way(lhs, y.get_int64());
      if (y.is_uint64())
        return compare(lhs, y.get_uint64());
      return compare(lhs, y.get_double());
    }
    case json::kind::uint64: {
      auto lhs = x.get_uint64();
      if (y.is_int64())
        return negated(compare(y.get_int64(), lhs));
      if (y.is_uint64())
        return three_way(lhs, y.get_uint64());
      return compare(lhs, y.get_double());
    }
    default: {
      auto lhs = x.get_double();
      if (y.is_int64())
        return negated(compare(y.get_int64(), lhs));
      if (y.is_uint64())
        return negated(compare(y.get_uint64(), lhs));
      auto rhs = y.get_double();
      if (std::isnan(lhs) || std::isnan(rhs))
        return unordered;
      return three_way(lhs, rhs);
    }
  }
}

double to_double(const json::value& x) noexcept {
  if (x.is_int64())
    return static_cast<double>(x.get_int64());
  if (x.is_uint64())
    return static_cast<double>(x.get_uint64());
  return x.get_double();
}

bool is_integral(const json::value& x) noexcept {
  if (!x.is_double())
    return true;
  auto d = x.get_double();
  return std::isfinite(d) && std::trunc(d) == d;
}

/// Returns the magnitude of an integral number if it fits 64 bits.
std::optional<uint64_t> magnitude(const json::value& x) noexcept {
  if (x.is_int64()) {
    auto i = x.get_int64();
    return i < 0 ? uint64_t{0} - static_cast<uint64_t>(i)
                 : static_cast<uint64_t>(i);
  }
  if (x.is_uint64())
    return x.get_uint64();
  auto d = std::fabs(x.get_double());
  if (is_integral(x) && d < 18446744073709551616.0)
    return static_cast<uint64_t>(d);
  return std::nullopt;
}

bool is_multiple(const json::value& x, const json::value& divisor) noexcept {
  if (!x.is_double() && is_integral(divisor)) {
    auto num = magnitude(x);
    auto den = magnitude(divisor);
    if (num && den && *den != 0)
      return *num % *den == 0;
  }
  auto quotient = to_double(x) / to_double(divisor);
  if (!std::isfinite(quotient))
    return false;
  auto nearest = std::nearbyint(quotient);
  return std::fabs(quotient - nearest)
         <= std::fabs(quotient) * 8 * std::numeric_limits<double>::epsilon();
}

void append_number(std::string& out, const json::value& x) {
  if (x.is_int64()) {
    out += std::to_string(x.get_int64());
  } else if (x.is_uint64()) {
    out += std::to_string(x.get_uint64());
  } else {
    out += format_number(x.get_double());
  }
}

std::string number_text(const json::value& x) {
  std::string res;
  append_number(res, x);
  return res;
}

// -- values -------------------------------------------------------------------

uint8_t type_bits(const json::value& x) noexcept {
  switch (x.kind()) {
    case json::kind::null:
      return type_null;
    case json::kind::bool_:
      return type_boolean;
    case json::kind::object:
      return type_object;
    case json::kind::array:
      return type_array;
    case json::kind::string:
      return type_string;
    default:
      return is_integral(x) ? type_number | type_integer : type_number;
  }
}

const char* type_name(const json::value& x) noexcept {
  switch (x.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::object:
      return "object";
    case json::kind::array:
      return "array";
    case json::kind::string:
      return "string";
    default:
      return "number";
  }
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

bool json_equal(const json::value& x, const json::value& y) {
  if (x.is_number() && y.is_number())
    return compare_numbers(x, y) == 0;
  if (x.kind() != y.kind())
    return false;
  switch (x.kind()) {
    case json::kind::null:
      return true;
    case json::kind::bool_:
      return x.get_bool() == y.get_bool();
    case json::kind::string:
      return x.get_string() == y.get_string();
    case json::kind::array: {
      auto& xs = x.get_array();
      auto& ys = y.get_array();
      if (xs.size() != ys.size())
        return false;
      for (size_t i = 0; i < xs.size(); ++i)
        if (!json_equal(xs[i], ys[i]))
          return false;
      return true;
    }
    case json::kind::object: {
      auto& xs = x.get_object();
      auto& ys = y.get_object();
      if (xs.size() != ys.size())
        return false;
      for (auto& member : xs) {
        auto other = ys.if_contains(member.key());
        if (other == nullptr || !json_equal(member.value(), *other))
          return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/// A hash that agrees with `json_equal`.
size_t json_hash(const json::value& x) {
  auto mix = [](size_t seed, size_t h) {
    return seed ^ (h + 0x9e3779b97f4a7c15ull + (seed << 6) + (seed >> 2));
  };
  switch (x.kind()) {
    case json::kind::null:
      return 0x6e756c6c;
    case json::kind::bool_:
      return x.get_bool() ? 1 : 2;
    case json::kind::string:
      return std::hash<std::string_view>{}(view(x.get_string()));
    case json::kind::array: {
      size_t res = x.get_array().size();
      for (auto& item : x.get_array())
        res = mix(res, json_hash(item));
      return res;
    }
    case json::kind::object: {
      size_t res = x.get_object().size();
      for (auto& member : x.get_object())
        res += mix(std::hash<std::string_view>{}(view(member.key())),
                   json_hash(member.value()));
      return res;
    }
    default: {
      auto d = to_double(x);
      return std::hash<double>{}(d == 0 ? 0.0 : d);
    }
  }
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

template <class Range, class Get>
std::string value_list(const Range& xs, Get get) {
  std::string res;
  size_t n = 0;
  for (auto& x : xs) {
    if (n > 0)
      res += ", ";
    if (n == max_list_items || res.size() >= max_list_text) {
      res += "...";
      break;
    }
    append_value(res, get(x), res.size() + max_value_text);
    ++n;
  }
  return res;
}

// -- paths --------------------------------------------------------------------

/// One step from the root of an instance to a value in it. Segments live on
/// the stack of the validator and link to their parent.
struct path_segment {
  const path_segment* parent;
  std::string_view name;
  size_t index;
  bool is_index;
};

bool needs_brackets(std::string_view name) noexcept {
  if (name.empty())
    return true;
  for (auto c : name)
    if (c == '.' || c == '[' || c == ']' || c == '"' || c == '\\'
        || static_cast<unsigned char>(c) < 0x20)
      return true;
  return false;
}

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
      auto len = utf8_prefix(seg.name, max_value_text);
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

struct issue {
  std::string path;
  std::string what;
};

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

// -- patterns -----------------------------------------------------------------

struct pattern {
  std::regex regex;
  std::string_view text;
  /// Whether `regex` runs on libstdc++'s recursive backtracking matcher.
  bool backtracking = false;
};

/// Returns how deeply the groups of `text` nest.
size_t group_nesting(std::string_view text) noexcept {
  size_t depth = 0;
  size_t res = 0;
  bool in_class = false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = text[i];
    if (c == '\\') {
      ++i;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(') {
      res = std::max(res, ++depth);
    } else if (c == ')' && depth > 0) {
      --depth;
    }
  }
  return res;
}

/// Reads a repetition `{n}`, `{n,}` or `{n,m}` at `text[i]` (a '{'); returns
/// its largest count (saturated past `max_pattern_repeat`) and moves `i` to
/// its '}', or returns nothing (a literal '{') and leaves `i`.
std::optional<uint64_t> read_repeat(std::string_view text, size_t& i) {
  auto j = i + 1;
  auto number = [&](uint64_t& out) {
    auto start = j;
    out = 0;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') {
      out = std::min<uint64_t>(out * 10 + static_cast<uint64_t>(text[j] - '0'),
                               max_pattern_repeat + 1);
      ++j;
    }
    return j > start;
  };
  uint64_t low = 0;
  uint64_t high = 0;
  if (!number(low))
    return std::nullopt;
  high = low;
  if (j < text.size() && text[j] == ',') {
    ++j;
    if (!number(high))
      high = low + 1;
  }
  if (j >= text.size() || text[j] != '}')
    return std::nullopt;
  i = j;
  return std::max(low, high);
}

/// Returns why `text` repeats too much for std::regex (which also
/// overflows on huge counts), or nothing.
std::optional<std::string> check_repeats(std::string_view text) {
  auto mul = [](uint64_t x, uint64_t y) {
    return x != 0 && y > max_pattern_expansion / x ? max_pattern_expansion + 1
                                                   : x * y;
  };
  auto add = [](uint64_t x, uint64_t y) {
    return std::min(x + y, max_pattern_expansion + 1);
  };
  std::vector<uint64_t> sums{0};
  uint64_t last = 0;
  bool in_class = false;
  // std::regex reads the number after a backslash (a backreference) without
  // bounds, like a repetition count.
  auto long_number_at = [&](size_t i) {
    size_t digits = 0;
    while (i + digits < text.size() && text[i + digits] >= '0'
           && text[i + digits] <= '9')
      ++digits;
    return digits > 2;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = text[i];
    if (c == '\\' && long_number_at(i + 1))
      return std::string{"a backreference number has more than two digits"};
    if (in_class) {
      if (c == '\\')
        ++i;
      else if (c == ']')
        in_class = false;
      continue;
    }
    if (c == '(') {
      sums.push_back(0);
      continue;
    }
    if (c == ')' && sums.size() > 1) {
      last = sums.back();
      sums.pop_back();
      sums.back() = add(sums.back(), last);
      continue;
    }
    if (c == '{') {
      if (auto n = read_repeat(text, i)) {
        if (*n > max_pattern_repeat)
          return "a repetition count is over "
                 + std::to_string(max_pattern_repeat);
        auto grown = mul(last, *n);
        sums.back() = add(sums.back(), grown > last ? grown - last : 0);
        last = grown;
        continue;
      }
    }
    if (c == '\\')
      ++i;
    else if (c == '[')
      in_class = true;
    last = 1;
    sums.back() = add(sums.back(), 1);
  }
  if (sums.front() > max_pattern_expansion)
    return "it repeats too much (more than "
           + std::to_string(max_pattern_expansion)
           + " characters once written out)";
  return std::nullopt;
}

std::optional<pattern> make_pattern(std::string_view text, std::string& why) {
  if (group_nesting(text) > max_pattern_nesting) {
    why = "groups nest too deeply";
    return std::nullopt;
  }
  if (auto problem = check_repeats(text)) {
    why = std::move(*problem);
    return std::nullopt;
  }
#ifdef __GLIBCXX__
  // The polynomial matcher neither recurses per input character nor
  // backtracks exponentially, but it rejects backreferences.
  try {
    return pattern{std::regex{text.begin(), text.end(),
                              std::regex::ECMAScript
                                | std::regex_constants::__polynomial},
                   text, false};
  } catch (const std::regex_error&) {
    // Retry below without the flag.
  }
#endif
  try {
    return pattern{std::regex{text.begin(), text.end(), std::regex::ECMAScript},
                   text, true};
  } catch (const std::regex_error& err) {
    why = err.what();
    return std::nullopt;
  }
}

enum class match_result { no, yes, too_long };

match_result search(const pattern& pat, std::string_view x) {
  if (pat.backtracking && x.size() > max_backtracking_subject)
    return match_result::too_long;
  return std::regex_search(x.begin(), x.end(), pat.regex) ? match_result::yes
                                                           : match_result::no;
}

std::string too_long_for(const pattern& pat) {
  return "too long to check against the pattern " + quoted(pat.text);
}

// -- compiled schemas ---------------------------------------------------------

struct node;

struct named_node {
  std::string_view name;
  const node* schema;
};

struct pattern_node {
  pattern pat;
  const node* schema;
};

struct dependency {
  std::string_view name;
  std::vector<std::string_view> required;
};

/// One compiled (sub)schema. Pointers refer into the schema source or to
/// other nodes of the same compiled schema.
struct node {
  /// How many keywords constrain instances; zero accepts everything.
  size_t assertions = 0;
  bool is_false = false;
  uint8_t types = 0;
  /// The `type` keyword, for messages.
  const json::value* type_keyword = nullptr;
  const json::value* const_value = nullptr;
  const json::array* enum_values = nullptr;
  const json::value* minimum = nullptr;
  const json::value* maximum = nullptr;
  const json::value* exclusive_minimum = nullptr;
  const json::value* exclusive_maximum = nullptr;
  const json::value* multiple_of = nullptr;
  std::optional<size_t> min_length;
  std::optional<size_t> max_length;
  std::optional<pattern> pat;
  std::vector<const node*> prefix_items;
  const node* items = nullptr;
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
  const node* property_names = nullptr;
  std::optional<size_t> min_properties;
  std::optional<size_t> max_properties;
  std::vector<dependency> dependent_required;
  std::vector<named_node> dependent_schemas;
  const node* ref = nullptr;
  std::vector<const node*> all_of;
  std::vector<const node*> any_of;
  std::vector<const node*> one_of;
  const node* not_schema = nullptr;
  const node* if_schema = nullptr;
  const node* then_schema = nullptr;
  const node* else_schema = nullptr;
  /// The constants of `any_of` / `one_of` when every alternative is just a
  /// `const`, for naming the allowed values in messages.
  std::vector<const json::value*> any_of_consts;
  std::vector<const json::value*> one_of_consts;

  bool const_only() const noexcept {
    return const_value != nullptr && assertions == 1;
  }
};

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
class compiler {
public:
  compiler(const json::value& root, std::deque<node>& nodes)
    : root_(root), nodes_(nodes) {
    // nop
  }

  /// Returns the root node, or null after an error.
  const node* run() {
    auto res = enqueue(root_, "#");
    while (!tasks_.empty() && error_.empty()) {
      auto next = std::move(tasks_.back());
      tasks_.pop_back();
      compile(*next.target, *next.schema, next.where);
    }
    if (!error_.empty())
      return nullptr;
    for (auto& n : nodes_) {
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

  node* enqueue(const json::value& schema, std::string where) {
    auto [i, added] = known_.emplace(&schema, nullptr);
    if (!added)
      return i->second;
    i->second = &nodes_.emplace_back();
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
    if (compile_core(n, *obj, where) && compile_numbers(n, *obj, where)
        && compile_strings(n, *obj, where) && compile_arrays(n, *obj, where)
        && compile_objects(n, *obj, where))
      compile_applicators(n, *obj, where);
  }

  // -- keyword groups ---------------------------------------------------------

  bool compile_core(node& n, const json::object& obj,
                    const std::string& where) {
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
      n.ref = resolve(view(x->get_string()), where);
      if (n.ref == nullptr)
        return false;
      ++n.assertions;
    }
    for (std::string_view key : {"$defs", "definitions"}) {
      if (auto x = obj.if_contains(key)) {
        auto defs = x->if_object();
        if (defs == nullptr)
          return wrong(where, key, "an object");
        for (auto& member : *defs)
          enqueue(member.value(), child(child(where, key), view(member.key())));
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
        auto schema = enqueue(member.value(), child(base, view(member.key())));
        n.pattern_properties.push_back(pattern_node{std::move(*pat), schema});
      }
      ++n.assertions;
    }
    read_schema(n, obj, "additionalProperties", where, n.additional_properties);
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
                                child(base, view(member.key())));
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
      for (auto& [known, bit] : type_names) {
        if (known == view(name.get_string())) {
          out |= bit;
          return true;
        }
      }
      return fail(where, "unknown type " + quoted(view(name.get_string())));
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
      out = enqueue(*x, child(where, key));
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
        out.push_back(enqueue((*schemas)[i], child(where, key, i)));
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
                                         child(base, view(member.key())))});
      ++n.assertions;
    }
    return true;
  }

  std::optional<pattern> read_pattern(std::string_view text,
                                      const std::string& where) {
    std::string why;
    auto res = make_pattern(text, why);
    if (!res)
      fail(where, "invalid pattern " + quoted(text) + ": " + why);
    return res;
  }

  // -- references -------------------------------------------------------------

  node* resolve(std::string_view ref, const std::string& where) {
    auto original = ref;
    if (ref.empty() || ref.front() != '#') {
      auto id = root_.is_object() ? root_.get_object().if_contains("$id")
                                  : nullptr;
      if (id != nullptr && id->is_string()) {
        auto base = view(id->get_string());
        if (!base.empty() && base.back() == '#')
          base.remove_suffix(1);
        if (!base.empty() && ref.substr(0, base.size()) == base
            && (ref.size() == base.size() || ref[base.size()] == '#'))
          ref.remove_prefix(base.size());
      }
      if (ref.empty())
        ref = "#";
    }
    if (ref.front() != '#') {
      fail(where, "unsupported $ref " + quoted(original)
                    + " (only local references starting with \"#\" are "
                      "supported)");
      return nullptr;
    }
    auto fragment = percent_decode(ref.substr(1));
    const json::value* target = nullptr;
    if (fragment) {
      if (fragment->empty())
        target = &root_;
      else if (fragment->front() == '/')
        target = follow_pointer(*fragment);
      else
        target = find_anchor(*fragment);
    }
    if (target == nullptr) {
      fail(where, "unresolvable $ref " + quoted(original));
      return nullptr;
    }
    return enqueue(*target, "#" + *fragment);
  }

  /// Resolves a JSON Pointer (RFC 6901) in the root schema.
  const json::value* follow_pointer(std::string_view pointer) const {
    boost::system::error_code ec;
    auto res = root_.find_pointer(pointer, ec);
    return ec ? nullptr : res;
  }

  const json::value* find_anchor(std::string_view name) const {
    std::vector<const json::value*> todo{&root_};
    while (!todo.empty()) {
      auto cur = todo.back();
      todo.pop_back();
      if (auto arr = cur->if_array()) {
        for (auto& item : *arr)
          todo.push_back(&item);
        continue;
      }
      auto obj = cur->if_object();
      if (obj == nullptr)
        continue;
      auto anchor = obj->if_contains("$anchor");
      if (anchor != nullptr && anchor->is_string()
          && view(anchor->get_string()) == name)
        return cur;
      auto id = obj->if_contains("$id");
      if (id != nullptr && id->is_string() && id->get_string().size() > 1
          && id->get_string()[0] == '#'
          && view(id->get_string()).substr(1) == name)
        return cur;
      for (auto& member : *obj) {
        auto key = view(member.key());
        if (key != "enum" && key != "const" && key != "default"
            && key != "examples")
          todo.push_back(&member.value());
      }
    }
    return nullptr;
  }

  const json::value& root_;
  std::deque<node>& nodes_;
  std::unordered_map<const json::value*, node*> known_;
  std::vector<task> tasks_;
  std::string error_;
};

// -- validation ---------------------------------------------------------------

enum class mode {
  /// Only whether the instance conforms.
  quiet,
  /// Stop at the first violation.
  first,
  /// Collect violations up to a limit.
  all,
};

/// Walks an instance along the compiled schema. Keyword checks return true
/// when validation should stop.
class validator {
public:
  validator(mode m, size_t max_issues) : mode_(m), max_issues_(max_issues) {
    // nop
  }

  bool check(const node& n, const json::value& x, const path_segment* at) {
    if (n.assertions == 0)
      return true;
    if (aborted_)
      return false;
    if (depth_ >= max_depth)
      return abort(at, "schema recursion too deep");
    if (++steps_ > max_steps)
      return abort(at, "schema validation too expensive");
    ++depth_;
    auto res = check_node(n, x, at);
    --depth_;
    return res;
  }

  bool aborted() const noexcept {
    return aborted_;
  }

  const issue& abort_issue() const noexcept {
    return abort_issue_;
  }

  const std::vector<issue>& issues() const noexcept {
    return issues_;
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
               const path_segment* at) {
    if (check(n, x, at))
      return false;
    ok = false;
    return stop();
  }

  /// Checks without describing violations.
  bool probe(const node& n, const json::value& x, const path_segment* at) {
    auto saved = std::exchange(mode_, mode::quiet);
    auto res = check(n, x, at);
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

  bool check_node(const node& n, const json::value& x,
                  const path_segment* at) {
    bool ok = true;
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
        done = check_array(n, x.get_array(), at, ok);
        break;
      case json::kind::object:
        done = check_object(n, x, at, ok);
        break;
      default:
        break;
    }
    if (done || check_applicators(n, x, at, ok))
      return false;
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
      switch (search(*n.pat, x)) {
        case match_result::yes:
          break;
        case match_result::no:
          if (report(ok, at, [&] {
                return "string does not match the pattern "
                       + quoted(n.pat->text);
              }))
            return true;
          break;
        case match_result::too_long:
          if (report(ok, at,
                     [&] { return "string is " + too_long_for(*n.pat); }))
            return true;
      }
    }
    return false;
  }

  bool check_array(const node& n, const json::array& xs,
                   const path_segment* at, bool& ok) {
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
      return check_contains(n, xs, at, ok);
    return false;
  }

  bool check_contains(const node& n, const json::array& xs,
                      const path_segment* at, bool& ok) {
    size_t matches = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      path_segment seg{at, {}, i, true};
      if (probe(*n.contains, xs[i], &seg))
        ++matches;
      if (aborted_)
        return true;
      if (!n.max_contains && matches >= n.min_contains)
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
                    const path_segment* at, bool& ok) {
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
      }
    }
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
          auto found = search(pp.pat, key);
          if (found == match_result::too_long) {
            if (report(ok, &seg, [&] {
                  return "property name is " + too_long_for(pp.pat);
                }))
              return true;
            matched = true;
          } else if (found == match_result::yes) {
            matched = true;
            if (descend(ok, *pp.schema, member.value(), &seg))
              return true;
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
      if (obj.contains(dep.name) && descend(ok, *dep.schema, x, at))
        return true;
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
      auto len = utf8_prefix(text, max_nested_text);
      res += " (first: ";
      res += text.substr(0, len);
      if (len < text.size())
        res += "...";
      res += ')';
    }
    return res;
  }

  bool check_applicators(const node& n, const json::value& x,
                         const path_segment* at, bool& ok) {
    if (n.ref != nullptr && descend(ok, *n.ref, x, at))
      return true;
    for (auto schema : n.all_of)
      if (descend(ok, *schema, x, at))
        return true;
    if (!n.any_of.empty()) {
      auto matched = std::any_of(n.any_of.begin(), n.any_of.end(),
                                 [&](const node* schema) {
                                   return probe(*schema, x, at);
                                 });
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
        if (probe(*schema, x, at))
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
      auto matched = probe(*n.if_schema, x, at);
      if (aborted_)
        return true;
      auto branch = matched ? n.then_schema : n.else_schema;
      if (branch != nullptr && descend(ok, *branch, x, at))
        return true;
    }
    return false;
  }

  mode mode_;
  size_t max_issues_;
  size_t depth_ = 0;
  size_t steps_ = 0;
  bool aborted_ = false;
  issue abort_issue_;
  std::vector<issue> issues_;
};

} // namespace

struct json_schema::compiled {
  json::value source;
  std::deque<node> nodes;
  const node* root = nullptr;
};

json_schema::json_schema() {
  static const auto accept_all = compile(json::value(true))->compiled_;
  compiled_ = accept_all;
}

json_schema::json_schema(std::shared_ptr<const compiled> ptr)
  : compiled_(std::move(ptr)) {
  // nop
}

boost::system::result<json_schema, protocol_error>
json_schema::compile(const boost::json::value& schema) {
  auto ptr = std::make_shared<compiled>();
  ptr->source = schema;
  compiler gen{ptr->source, ptr->nodes};
  ptr->root = gen.run();
  if (ptr->root == nullptr)
    return protocol_error{std::move(gen.error())};
  return json_schema{std::move(ptr)};
}

std::optional<std::string>
json_schema::validate(const boost::json::value& instance) const {
  validator checker{mode::first, 1};
  auto ok = checker.check(*compiled_->root, instance, nullptr);
  if (checker.aborted())
    return format(checker.abort_issue());
  if (ok)
    return std::nullopt;
  if (checker.issues().empty())
    return std::string{"value does not conform to the schema"};
  return format(checker.issues().front());
}

std::vector<std::string>
json_schema::validate_all(const boost::json::value& instance,
                          size_t max_errors) const {
  max_errors = std::max(max_errors, size_t{1});
  validator checker{mode::all, max_errors};
  auto ok = checker.check(*compiled_->root, instance, nullptr);
  std::vector<std::string> res;
  for (auto& found : checker.issues()) {
    auto text = format(found);
    if (std::find(res.begin(), res.end(), text) == res.end())
      res.push_back(std::move(text));
  }
  if (checker.aborted()) {
    if (res.size() >= max_errors)
      res.pop_back();
    res.push_back(format(checker.abort_issue()));
  } else if (!ok && res.empty()) {
    res.emplace_back("value does not conform to the schema");
  }
  return res;
}

bool json_schema::accepts(const boost::json::value& instance) const {
  validator checker{mode::quiet, 1};
  return checker.check(*compiled_->root, instance, nullptr)
         && !checker.aborted();
}

const boost::json::value& json_schema::source() const noexcept {
  return compiled_->source;
}

} // namespace mcp::protocol
