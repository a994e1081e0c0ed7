#define CAF_SUITE protocol.header_value
#include <caf/test/unit_test.hpp>

#include "protocol/header_value.hpp"

using namespace mcp::protocol;

CAF_TEST(values are encoded as the examples of the specification show) {
  CAF_CHECK_EQUAL(encode_header_value("us-west1"), "us-west1");
  CAF_CHECK_EQUAL(encode_header_value("us west 1"), "us west 1");
  CAF_CHECK_EQUAL(encode_header_value("Hello, 世界"),
                  "=?base64?SGVsbG8sIOS4lueVjA==?=");
  CAF_CHECK_EQUAL(encode_header_value(" padded "), "=?base64?IHBhZGRlZCA=?=");
  CAF_CHECK_EQUAL(encode_header_value("line1\nline2"),
                  "=?base64?bGluZTEKbGluZTI=?=");
  CAF_CHECK_EQUAL(encode_header_value("=?base64?literal?="),
                  "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
  CAF_CHECK_EQUAL(encode_header_value("tab\there"), "=?base64?dGFiCWhlcmU=?=");
  CAF_CHECK_EQUAL(encode_header_value(""), "");
}

CAF_TEST(decoding inverts encoding) {
  for (auto x : {"us-west1", "Hello, 世界", " padded ", "line1\nline2",
                 "=?base64?literal?=", "a", "", "42", "true"})
    CAF_CHECK_EQUAL(decode_header_value(encode_header_value(x)),
                    std::optional<std::string>{x});
}

CAF_TEST(decoding follows the conformance cases) {
  auto some = [](const char* x) { return std::optional<std::string>{x}; };
  CAF_CHECK_EQUAL(decode_header_value("=?base64?SGVsbG8=?="), some("Hello"));
  CAF_CHECK_EQUAL(decode_header_value("  name  "), some("name"));
  // Without both markers (exactly, in lower case) the value is literal.
  CAF_CHECK_EQUAL(decode_header_value("SGVsbG8="), some("SGVsbG8="));
  CAF_CHECK_EQUAL(decode_header_value("=?base64?SGVsbG8="),
                  some("=?base64?SGVsbG8="));
  CAF_CHECK_EQUAL(decode_header_value("=?BASE64?SGVsbG8=?="),
                  some("=?BASE64?SGVsbG8=?="));
  // Bad padding, bad characters, the URL alphabet: refused.
  CAF_CHECK(!decode_header_value("=?base64?SGVsbG8?="));
  CAF_CHECK(!decode_header_value("=?base64?SGVs!!!bG8=?="));
  CAF_CHECK(!decode_header_value("=?base64?-_-_?="));
  CAF_CHECK(!decode_header_value("=?base64?S===?="));
  // Control characters never belong in a header value.
  CAF_CHECK(!decode_header_value("a\x01" "b"));
  CAF_CHECK(!decode_header_value("a\nb"));
}
