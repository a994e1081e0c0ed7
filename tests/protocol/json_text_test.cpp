#define CAF_SUITE protocol.json_text
#include <caf/test/unit_test.hpp>

#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/json_text.hpp"

namespace json = boost::json;
using mcp::protocol::append_json;

CAF_TEST(appended text is the serialized value after what was there) {
  std::string big(5000, 'y');
  for (auto* text : {R"({"a":[1,2.5,"x\n"],"b":null})", "[]", "-3"}) {
    auto value = json::parse(text);
    std::string out = "head:";
    append_json(out, value);
    CAF_CHECK_EQUAL(out, "head:" + json::serialize(value));
  }
  json::value long_value = json::object{{"s", big}};
  std::string out;
  out.reserve(8);
  append_json(out, long_value);
  CAF_CHECK_EQUAL(out, json::serialize(long_value));
}
