#define CAF_SUITE protocol.header_value
#include <caf/test/unit_test.hpp>

#include <map>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

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

namespace {

boost::json::object schema(std::string_view text) {
  return boost::json::parse(text).as_object();
}

} // namespace

CAF_TEST(annotated parameters are found on properties paths only) {
  auto found = find_mirrored_params(schema(R"({"type":"object","properties":{
    "region":{"type":"string","x-mcp-header":"Region"},
    "opts":{"type":"object","properties":{
      "n":{"type":"integer","x-mcp-header":"N"}}},
    "plain":{"type":"string"}}})"));
  CAF_REQUIRE(found.has_value());
  CAF_REQUIRE_EQUAL(found->size(), 2u);
  CAF_CHECK_EQUAL((*found)[0].header, "Region");
  CAF_CHECK_EQUAL((*found)[0].path, std::vector<std::string>{"region"});
  CAF_CHECK_EQUAL((*found)[1].path, (std::vector<std::string>{"opts", "n"}));
  CAF_CHECK_EQUAL((*found)[1].type, "integer");
  for (auto bad : {
         // number is not allowed
         R"({"properties":{"x":{"type":"number","x-mcp-header":"X"}}})",
         // not a token, empty
         R"({"properties":{"x":{"type":"string","x-mcp-header":"A B"}}})",
         R"({"properties":{"x":{"type":"string","x-mcp-header":""}}})",
         // twice, ignoring case
         R"({"properties":{"x":{"type":"string","x-mcp-header":"A"},
                           "y":{"type":"string","x-mcp-header":"a"}}})",
         // through items, anyOf or $defs
         R"({"properties":{"xs":{"type":"array","items":{
              "type":"string","x-mcp-header":"X"}}}})",
         R"({"anyOf":[{"properties":{"x":{"type":"string",
              "x-mcp-header":"X"}}}]})",
         R"({"$defs":{"x":{"type":"string","x-mcp-header":"X"}}})",
         // on the root itself
         R"({"type":"object","x-mcp-header":"Root"})"}) {
    CAF_CHECK(!find_mirrored_params(schema(bad)).has_value());
  }
}

CAF_TEST(mirrored headers agree with the arguments or say why not) {
  auto params = *find_mirrored_params(schema(R"({"properties":{
    "region":{"type":"string","x-mcp-header":"Region"},
    "count":{"type":"integer","x-mcp-header":"Count"},
    "dry":{"type":"boolean","x-mcp-header":"Dry"}}})"));
  auto args = schema(R"({"region":"Hello, 世界","count":42,"dry":true})");
  CAF_CHECK_EQUAL(mirrored_header(params[0], args),
                  std::optional<std::string>{"=?base64?SGVsbG8sIOS4lueVjA==?="});
  CAF_CHECK_EQUAL(mirrored_header(params[1], args),
                  std::optional<std::string>{"42"});
  CAF_CHECK_EQUAL(mirrored_header(params[2], args),
                  std::optional<std::string>{"true"});
  std::map<std::string, std::string> sent{
    {"Region", "Hello, 世界"}, {"Count", "42.0"}, {"Dry", "true"}};
  auto lookup = [&](std::string_view name) -> std::optional<std::string> {
    auto i = sent.find(std::string{name});
    if (i == sent.end())
      return std::nullopt;
    return i->second;
  };
  CAF_CHECK_EQUAL(check_mirrored_params(params, args, lookup), std::nullopt);
  sent["Count"] = "41";
  CAF_CHECK(check_mirrored_params(params, args, lookup).has_value());
  sent["Count"] = "42";
  sent.erase("Dry");
  auto why = check_mirrored_params(params, args, lookup);
  CAF_REQUIRE(why.has_value());
  CAF_CHECK(why->find("Mcp-Param-Dry") != std::string::npos);
  // A header without its value in the body disagrees too.
  sent["Dry"] = "true";
  auto fewer = schema(R"({"region":"Hello, 世界","count":42})");
  CAF_CHECK(check_mirrored_params(params, fewer, lookup).has_value());
  sent.erase("Dry");
  CAF_CHECK_EQUAL(check_mirrored_params(params, fewer, lookup), std::nullopt);
}
