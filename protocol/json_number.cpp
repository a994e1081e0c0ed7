#include "protocol/json_number.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

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
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x)
      break;
  }
  return buf;
}

} // namespace mcp::protocol
