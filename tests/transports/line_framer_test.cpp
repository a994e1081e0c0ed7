#define CAF_SUITE transports.line_framer
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "transports/line_framer.hpp"

using mcp::transports::line_framer;

namespace {

struct fixture {
  line_framer framer{16};
  std::vector<std::string> lines;
  std::vector<size_t> dropped;

  void feed(std::string_view bytes) {
    framer.feed(
      bytes, [this](std::string_view x) { lines.emplace_back(x); },
      [this](size_t n) { dropped.push_back(n); });
  }

  void finish() {
    framer.finish([this](std::string_view x) { lines.emplace_back(x); },
                  [this](size_t n) { dropped.push_back(n); });
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(line_framer_tests, fixture)

CAF_TEST(several lines in one read) {
  feed("a\nbb\nccc\n");
  CAF_CHECK_EQUAL(lines, (std::vector<std::string>{"a", "bb", "ccc"}));
  CAF_CHECK_EQUAL(framer.buffered(), 0u);
}

CAF_TEST(partial lines are joined across reads) {
  feed("{\"a\"");
  CAF_CHECK(lines.empty());
  CAF_CHECK_EQUAL(framer.buffered(), 4u);
  feed(":1}\n{\"b");
  feed("\":2}\n");
  CAF_CHECK_EQUAL(lines,
                  (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
}

CAF_TEST(carriage returns and empty lines are skipped) {
  feed("x\r\n\n\r\ny\n");
  CAF_CHECK_EQUAL(lines, (std::vector<std::string>{"x", "y"}));
}

CAF_TEST(oversized lines are dropped whole without buffering) {
  feed("0123456789abcdefOVER");
  CAF_CHECK(framer.buffered() == 0u);
  feed(std::string(1000, 'z'));
  CAF_CHECK(framer.buffered() == 0u);
  feed("tail\nok\n");
  CAF_CHECK_EQUAL(lines, (std::vector<std::string>{"ok"}));
  CAF_REQUIRE_EQUAL(dropped.size(), 1u);
  CAF_CHECK_EQUAL(dropped[0], 20u + 1000u + 4u);
  feed(std::string(17, 'q') + "\nafter\n");
  CAF_CHECK_EQUAL(dropped.size(), 2u);
  CAF_CHECK_EQUAL(lines.back(), "after");
}

CAF_TEST(a line of exactly the limit passes) {
  feed(std::string(16, 'k') + "\n");
  CAF_CHECK_EQUAL(lines.size(), 1u);
  CAF_CHECK(dropped.empty());
}

CAF_TEST(finish flushes a last line without newline) {
  feed("last");
  finish();
  CAF_CHECK_EQUAL(lines, (std::vector<std::string>{"last"}));
  CAF_CHECK_EQUAL(framer.buffered(), 0u);
}

CAF_TEST(byte by byte input gives the same lines) {
  std::string input = "one\ntwo\r\nthree\n";
  for (auto c : input)
    feed(std::string_view{&c, 1});
  CAF_CHECK_EQUAL(lines, (std::vector<std::string>{"one", "two", "three"}));
}

CAF_TEST_FIXTURE_SCOPE_END()
