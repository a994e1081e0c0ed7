#pragma once

#include <cstddef>
#include <string>

namespace mcp::protocol {

/// Returns `n` random bytes from the kernel's generator as lowercase hex
/// (2n characters): unguessable ids for tokens, keys and sessions.
std::string random_hex(size_t n);

} // namespace mcp::protocol
