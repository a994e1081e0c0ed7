// The pagination cursor decoder: foreign cursors are refused, own ones read
// back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/cursor.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  for (auto list : {"tools", "resources", "prompts"}) {
    auto pos = protocol::parse_cursor(list, text);
    if (!pos)
      continue;
    auto again = protocol::parse_cursor(list, protocol::make_cursor(list, *pos));
    if (!again || *again != *pos)
      fuzz::violated("a cursor does not read back", text);
  }
  if (size >= 8) {
    uint64_t n = 0;
    for (size_t i = 0; i < 8; ++i)
      n = (n << 8) | data[i];
    auto cursor = protocol::make_cursor("tools", n);
    fuzz::check_utf8(cursor);
    auto back = protocol::parse_cursor("tools", cursor);
    if (!back || *back != n || protocol::parse_cursor("prompts", cursor))
      fuzz::violated("own cursor misread", cursor);
  }
  return 0;
}
