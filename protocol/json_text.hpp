#pragma once

#include <string>

#include <boost/json/fwd.hpp>

namespace mcp::protocol {

/// Appends the JSON text of `x` to `out` (what `boost::json::serialize`
/// returns), serializing straight into `out` without a temporary string.
void append_json(std::string& out, const boost::json::value& x);

} // namespace mcp::protocol
