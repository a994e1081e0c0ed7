#define CAF_SUITE protocol.utf8
#include <caf/test/unit_test.hpp>

#include <string>

#include "protocol/utf8.hpp"

using namespace mcp::protocol;

CAF_TEST(valid utf8 is recognized and invalid sequences are not) {
  CAF_CHECK(is_valid_utf8(""));
  CAF_CHECK(is_valid_utf8("plain ascii"));
  CAF_CHECK(is_valid_utf8("\xC3\xA9"));             // é
  CAF_CHECK(is_valid_utf8("\xE2\x82\xAC"));         // €
  CAF_CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));     // 😀
  CAF_CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));     // U+10FFFF
  CAF_CHECK(!is_valid_utf8("\xFF\xFE"));
  CAF_CHECK(!is_valid_utf8("\xC3"));                // cut short
  CAF_CHECK(!is_valid_utf8("\xC0\xAF"));            // overlong '/'
  CAF_CHECK(!is_valid_utf8("\xE0\x80\xAF"));        // overlong
  CAF_CHECK(!is_valid_utf8("\xED\xA0\x80"));        // surrogate
  CAF_CHECK(!is_valid_utf8("\xF4\x90\x80\x80"));    // past U+10FFFF
  CAF_CHECK(!is_valid_utf8("\x80"));                // lone continuation
  CAF_CHECK_EQUAL(valid_utf8_prefix("ab\xC3\xA9\xFF" "cd"), 4u);
}

CAF_TEST(repair replaces each bad byte and keeps the rest) {
  std::string out = ">";
  append_utf8_repaired(out, "a\xFF\xC3\xA9\xC3");
  CAF_CHECK_EQUAL(out, ">a\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD");
  CAF_CHECK(is_valid_utf8(out));
}

CAF_TEST(escaping writes bad bytes as hex) {
  std::string out;
  append_utf8_escaped(out, "id\xFF\xFE" "1 \xC3\xA9");
  CAF_CHECK_EQUAL(out, "id\\xFF\\xFE1 \xC3\xA9");
}

CAF_TEST(cuts fall on character boundaries) {
  std::string e = "\xC3\xA9";
  std::string text = "a" + e + e; // 5 bytes
  CAF_CHECK_EQUAL(utf8_cut(text, 10), text);
  CAF_CHECK_EQUAL(utf8_cut(text, 5), text);
  auto ae = "a" + e;
  CAF_CHECK_EQUAL(utf8_cut(text, 4), ae);
  CAF_CHECK_EQUAL(utf8_cut(text, 3), ae);
  CAF_CHECK_EQUAL(utf8_cut(text, 2), "a");
  std::string emoji = "x\xF0\x9F\x98\x80";
  for (size_t n = 1; n < 5; ++n)
    CAF_CHECK_EQUAL(utf8_cut(emoji, n), "x");
  CAF_CHECK_EQUAL(utf8_cut(emoji, 5), emoji);
  std::string many = "{\"x\":\"a";
  for (int i = 0; i < 300; ++i)
    many += e;
  for (size_t n = 0; n < 40; ++n)
    CAF_CHECK(is_valid_utf8(utf8_cut(many, n)));
}
