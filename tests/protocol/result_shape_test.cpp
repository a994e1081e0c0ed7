#define CAF_SUITE protocol.result_shape
#include <caf/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "protocol/result_shape.hpp"

namespace json = boost::json;
using mcp::protocol::check_result;
using mcp::protocol::revision;

namespace {

bool ok(std::string_view method, std::string_view text) {
  return !check_result(method, json::parse(text),
                       revision::latest_with_sessions());
}

std::string why(std::string_view method, std::string_view text) {
  auto res = check_result(method, json::parse(text),
                          revision::latest_with_sessions());
  return res ? *res : std::string{"(accepted)"};
}

} // namespace

CAF_TEST(every result is an object) {
  CAF_CHECK_EQUAL(why("ping", "null"), "the result is null, not an object");
  CAF_CHECK_EQUAL(why("tools/call", "[]"),
                  "the result is an array, not an object");
  CAF_CHECK(ok("ping", "{}"));
  CAF_CHECK(ok("some/future/method", R"({"x":1})"));
}

CAF_TEST(tool results need content blocks and the right kinds) {
  CAF_CHECK(ok("tools/call", R"({"content":[]})"));
  CAF_CHECK(ok("tools/call", R"({"content":[{"type":"text","text":"a"}],
    "structuredContent":{"a":1},"isError":false,"_meta":{}})"));
  CAF_CHECK_EQUAL(why("tools/call", "{}"), "the result lacks \"content\"");
  CAF_CHECK_EQUAL(why("tools/call", R"({"content":[5]})"),
                  "content[0] is a number, not an object");
  CAF_CHECK_EQUAL(why("tools/call", R"({"content":[{"text":"a"}]})"),
                  "content[0] lacks \"type\"");
  CAF_CHECK_EQUAL(why("tools/call", R"({"content":[],"isError":1})"),
                  "\"isError\" is a number, not a boolean");
  CAF_CHECK(!ok("tools/call", R"({"content":[],"structuredContent":[]})"));
  // 2026-07-28 allows any JSON value.
  CAF_CHECK(!check_result("tools/call",
                          json::parse(R"({"content":[],"structuredContent":[]})"),
                          revision::latest()));
}

CAF_TEST(lists need their items and a string cursor) {
  CAF_CHECK(ok("tools/list",
               R"({"tools":[{"name":"a","inputSchema":{}}],"nextCursor":"c"})"));
  CAF_CHECK_EQUAL(why("tools/list", R"({"tools":[{"name":"a"}]})"),
                  "tools[0].inputSchema is missing");
  CAF_CHECK_EQUAL(why("tools/list", R"({"tools":[],"nextCursor":5})"),
                  "result.nextCursor is a number, not a string");
  CAF_CHECK(ok("resources/list", R"({"resources":[{"uri":"u","name":"n"}]})"));
  CAF_CHECK(!ok("resources/list", R"({"resources":[{"uri":"u"}]})"));
  CAF_CHECK(ok("resources/templates/list",
               R"({"resourceTemplates":[{"uriTemplate":"u/{x}","name":"n"}]})"));
  CAF_CHECK(ok("resources/read", R"({"contents":[{"uri":"u","text":"t"}]})"));
  CAF_CHECK(!ok("resources/read", R"({"contents":{}})"));
  CAF_CHECK(ok("prompts/list", R"({"prompts":[{"name":"p"}]})"));
  CAF_CHECK(ok("prompts/get", R"({"messages":[{"role":"user",
    "content":{"type":"text","text":"hi"}}]})"));
  CAF_CHECK(!ok("prompts/get", R"({"messages":[{"role":"user"}]})"));
  CAF_CHECK(ok("completion/complete", R"({"completion":{"values":["a"]}})"));
  CAF_CHECK(!ok("completion/complete", R"({"completion":{"values":[1]}})"));
  CAF_CHECK(!ok("completion/complete", R"({})"));
}

CAF_TEST(numbers beyond a double are refused) {
  CAF_CHECK_EQUAL(why("ping", R"({"x":[1e400]})"),
                  "the number at /x/0 is out of range (beyond a double)");
}
