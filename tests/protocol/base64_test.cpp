#define CAF_SUITE protocol.base64
#include <caf/test/unit_test.hpp>

#include "protocol/base64.hpp"

using namespace mcp::protocol;

CAF_TEST(the RFC 4648 test vectors encode and decode) {
  std::pair<std::string, std::string> vectors[] = {
    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
    {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"}};
  for (auto& [plain, encoded] : vectors) {
    CAF_CHECK_EQUAL(base64_encode(plain), encoded);
    auto decoded = base64_decode(encoded);
    CAF_REQUIRE(decoded.has_value());
    CAF_CHECK_EQUAL(*decoded, plain);
  }
}

CAF_TEST(the url alphabet has no padding and decodes too) {
  std::string bytes = "\xfb\xff\xfe";
  CAF_CHECK_EQUAL(base64_encode(bytes), "+//+");
  CAF_CHECK_EQUAL(base64_encode(bytes, true), "-__-");
  CAF_CHECK_EQUAL(base64_encode("f", true), "Zg");
  CAF_CHECK_EQUAL(base64_decode("-__-").value_or(""), bytes);
  CAF_CHECK_EQUAL(base64_decode("Zg").value_or(""), "f");
}

CAF_TEST(garbage does not decode) {
  CAF_CHECK(!base64_decode("Zm9v!").has_value());
  CAF_CHECK(!base64_decode("Z").has_value());
  CAF_CHECK(!base64_decode("Zm 9v").has_value());
}

CAF_TEST(binary data round trips) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(255 - i);
  for (auto url : {false, true}) {
    auto decoded = base64_decode(base64_encode(all, url));
    CAF_REQUIRE(decoded.has_value());
    CAF_CHECK_EQUAL(*decoded, all);
  }
}
