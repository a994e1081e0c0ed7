#include "protocol/random.hpp"

#include <random>
#include <sys/random.h>
#include <vector>

namespace mcp::protocol {

std::string random_hex(size_t n) {
  std::vector<unsigned char> bytes(n);
  size_t got = 0;
  while (got < n) {
    auto k = ::getrandom(bytes.data() + got, n - got, 0);
    if (k <= 0)
      break;
    got += static_cast<size_t>(k);
  }
  if (got < n) {
    std::random_device rd;
    for (auto& b : bytes)
      b = static_cast<unsigned char>(rd());
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string res;
  res.reserve(2 * n);
  for (auto b : bytes) {
    res += hex[b >> 4];
    res += hex[b & 0x0F];
  }
  return res;
}

} // namespace mcp::protocol
