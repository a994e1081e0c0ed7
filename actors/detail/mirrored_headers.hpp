#pragma once

#include <string>
#include <utility>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

namespace mcp::detail {

/// The `Mcp-Param-*` headers of a stateless HTTP request, decoded: the name
/// after the prefix in lower case, and the value. The session checks them
/// against the arguments of the tool they belong to.
struct mirrored_headers {
  std::vector<std::pair<std::string, std::string>> values;
};

} // namespace mcp::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcp::detail::mirrored_headers)
