#define CAF_SUITE protocol.sha256
#include <caf/test/unit_test.hpp>

#include <string>

#include "protocol/sha256.hpp"

using namespace mcp::protocol;

namespace {

std::string hex(const sha256::digest& x) {
  char buf[65];
  return std::string{to_hex(x, buf)};
}

} // namespace

CAF_TEST(digests match the FIPS 180 examples) {
  CAF_CHECK_EQUAL(hex(sha256::of("abc")),
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CAF_CHECK_EQUAL(hex(sha256::of("")),
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CAF_CHECK_EQUAL(
    hex(sha256::of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

CAF_TEST(pieces of any size give the digest of the whole) {
  std::string million(1000000, 'a');
  CAF_CHECK_EQUAL(hex(sha256::of(million)),
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  for (size_t piece : {1u, 7u, 63u, 64u, 65u, 1000u}) {
    sha256 h;
    for (size_t i = 0; i < million.size(); i += piece)
      h.update(std::string_view{million}.substr(i, piece));
    CAF_CHECK_EQUAL(hex(h.finish()),
                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
}

CAF_TEST(hmac matches RFC 4231) {
  CAF_CHECK_EQUAL(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
                  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than a block is hashed first.
  CAF_CHECK_EQUAL(
    hex(hmac_sha256(std::string(131, '\xaa'),
                    "Test Using Larger Than Block-Size Key - Hash Key First")),
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CAF_CHECK_EQUAL(hex(hmac_sha256("Jefe", "what do ya ", "want for nothing?")),
                  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

CAF_TEST(constant time comparison compares) {
  CAF_CHECK(equal_in_constant_time("abc", "abc"));
  CAF_CHECK(!equal_in_constant_time("abc", "abd"));
  CAF_CHECK(!equal_in_constant_time("abc", "ab"));
  CAF_CHECK(equal_in_constant_time("", ""));
}
