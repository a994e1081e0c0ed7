#include "protocol/detail/schema_values.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <type_traits>

#include <boost/json/value.hpp>

#include "protocol/json_number.hpp"

namespace mcp::protocol::detail {

namespace json = boost::json;

namespace {

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

} // namespace

// -- value kinds --------------------------------------------------------------

uint8_t type_bit_of(std::string_view name) noexcept {
  constexpr std::pair<std::string_view, uint8_t> names[] = {
    {"string", type_string},   {"number", type_number},
    {"integer", type_integer}, {"boolean", type_boolean},
    {"object", type_object},   {"array", type_array},
    {"null", type_null},
  };
  for (auto& [known, bit] : names)
    if (known == name)
      return bit;
  return 0;
}

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

// -- numbers ------------------------------------------------------------------

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

bool is_multiple(const json::value& x, const json::value& divisor) noexcept {
  if (!x.is_double() && is_integral(divisor)) {
    auto num = magnitude(x);
    auto den = magnitude(divisor);
    if (num && den && *den != 0)
      return *num % *den == 0;
  }
  auto quotient = to_double(x) / to_double(divisor);
  if (!std::isfinite(quotient)) {
    // Beyond a double: an integer is still a multiple of 1/k.
    auto inverse = 1.0 / to_double(divisor);
    return is_integral(x) && std::isfinite(inverse)
           && std::trunc(inverse) == inverse;
  }
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


} // namespace mcp::protocol::detail
