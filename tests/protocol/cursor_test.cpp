#define CAF_SUITE protocol.cursor
#include <caf/test/unit_test.hpp>

#include "protocol/cursor.hpp"

using namespace mcp::protocol;

CAF_TEST(cursors round trip for their own list only) {
  for (uint64_t pos : {uint64_t{0}, uint64_t{7}, uint64_t{18446744073709551615u}}) {
    auto cursor = make_cursor("tools", pos);
    CAF_CHECK_EQUAL(parse_cursor("tools", cursor).value_or(1), pos);
    CAF_CHECK(!parse_cursor("prompts", cursor).has_value());
  }
}

CAF_TEST(cursors are opaque text) {
  auto cursor = make_cursor("tools", 42);
  CAF_CHECK(cursor.find("42") == std::string::npos);
  CAF_CHECK(cursor.find("tools") == std::string::npos);
}

CAF_TEST(bad cursors are refused) {
  for (auto bad : {"", "x", "!!!!", "dG9vbHM6", "dG9vbHM6eA", "dG9vbHM6MXg",
                   "cHJvbXB0czox"})
    CAF_CHECK(!parse_cursor("tools", bad).has_value());
  CAF_CHECK(!parse_cursor("tools", std::string(1000, 'A')).has_value());
}
