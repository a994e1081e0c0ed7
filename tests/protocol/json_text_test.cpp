#define CAF_SUITE protocol.json_text
#include <caf/test/unit_test.hpp>

#include <cmath>
#include <limits>
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

CAF_TEST(numbers json cannot hold are written as null and counted) {
  auto inf = std::numeric_limits<double>::infinity();
  json::value x = json::object{{"sum", inf},
                               {"list", json::array{1, -inf, std::nan("")}},
                               {"ok", 1.5}};
  std::string out;
  auto repairs = append_json(out, x);
  CAF_CHECK_EQUAL(repairs.non_finite, 3u);
  CAF_CHECK_EQUAL(repairs.invalid_utf8, 0u);
  CAF_CHECK_EQUAL(json::parse(out),
                  json::parse(R"({"sum":null,"list":[1,null,null],"ok":1.5})"));
  // A string that only looks like a bad number stays as it is.
  out.clear();
  json::value named = json::object{{"Infinity", "NaN"}};
  CAF_CHECK(!append_json(out, named));
  CAF_CHECK_EQUAL(out, json::serialize(named));
}

CAF_TEST(strings that are not utf8 are repaired in values and keys) {
  json::value x = json::object{{"id\xFF", "a\xFE" "b"}, {"fine", "\xC3\xA9"}};
  std::string out;
  auto repairs = append_json(out, x);
  CAF_CHECK_EQUAL(repairs.invalid_utf8, 2u);
  boost::system::error_code ec;
  auto back = json::parse(out, ec);
  CAF_REQUIRE(!ec);
  CAF_CHECK_EQUAL(back.at("id\xEF\xBF\xBD"), "a\xEF\xBF\xBD" "b");
  CAF_CHECK_EQUAL(back.at("fine"), "\xC3\xA9");
}

CAF_TEST(the first non finite number is found by its json pointer) {
  using mcp::protocol::find_non_finite;
  auto inf = std::numeric_limits<double>::infinity();
  CAF_CHECK(!find_non_finite(json::parse(R"({"a":[1,2.5,{"b":1e300}]})")));
  auto deep = find_non_finite(json::parse(R"({"a":[1,{"b/c~":1e400}]})"));
  CAF_REQUIRE(deep.has_value());
  CAF_CHECK_EQUAL(*deep, "/a/1/b~1c~0");
  auto top = find_non_finite(json::value(inf));
  CAF_REQUIRE(top.has_value());
  CAF_CHECK_EQUAL(*top, "");
}
