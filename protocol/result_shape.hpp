#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "protocol/revision.hpp"

namespace mcp::protocol {

/// Checks `result`, the answer to a request for `method`, against the shape
/// of that method's result type: an object, with the members the type
/// requires and the right kinds for the members it knows (a tool result's
/// `content` blocks, a list's items and `nextCursor`, ...). Members it does
/// not know pass, as later revisions may add them; `rev` is the revision
/// the result belongs to. Returns what is wrong, or nothing. A method it
/// does not know only has to answer an object.
std::optional<std::string> check_result(std::string_view method,
                                        const boost::json::value& result,
                                        revision rev);

} // namespace mcp::protocol
