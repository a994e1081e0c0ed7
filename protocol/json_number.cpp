#include "protocol/json_number.hpp"

#include <charconv>
#include <cmath>

namespace mcp::protocol {

namespace {

/// Whole numbers in this range are exact as both int64 and double.
constexpr double exact_limit = 9007199254740992.0;

} // namespace

boost::json::value json_number(double x) {
  if (std::isfinite(x) && std::trunc(x) == x && std::fabs(x) <= exact_limit)
    return boost::json::value(static_cast<int64_t>(x));
  return boost::json::value(x);
}

std::string format_number(double x) {
  if (std::isfinite(x) && std::trunc(x) == x && std::fabs(x) <= exact_limit)
    return std::to_string(static_cast<int64_t>(x));
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), x);
  return std::string(buf, res.ptr);
}

} // namespace mcp::protocol
