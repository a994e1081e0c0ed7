#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace mcp::protocol {

/// Returns `x` as a JSON number that reads well: an integer when `x` is
/// whole and fits one (`50`, not `5E1`), else a double.
boost::json::value json_number(double x);

/// Returns the shortest text of `x` that reads back as `x` and is a JSON
/// number when `x` is finite: "50", "0.5", "1e+300".
std::string format_number(double x);

} // namespace mcp::protocol
