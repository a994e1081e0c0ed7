#define CAF_SUITE protocol.json_schema
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/json_schema.hpp"

namespace json = boost::json;
using namespace mcp::protocol;

namespace {

/// Compiles `text`; fails the test if the schema is refused.
json_schema make(std::string_view text) {
  auto res = json_schema::compile(json::parse(text));
  if (!res) {
    CAF_FAIL("schema " << std::string{text}
                       << " did not compile: " << res.error().what);
    return json_schema{};
  }
  return *res;
}

/// Returns the first violation of `instance`, or "OK".
std::string check(const json_schema& schema, std::string_view instance) {
  auto res = schema.validate(json::parse(instance));
  return res ? *res : std::string{"OK"};
}

/// Returns the compile error for `text`, or "OK".
std::string compile_error(std::string_view text) {
  auto res = json_schema::compile(json::parse(text));
  return res ? std::string{"OK"} : res.error().what;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace

// -- boolean schemas and types ------------------------------------------------

CAF_TEST(boolean schemas accept everything or nothing) {
  auto yes = make("true");
  auto no = make("false");
  for (auto text : {"null", "1", "\"x\"", "[]", "{}", "true"}) {
    CAF_CHECK_EQUAL(check(yes, text), "OK");
    CAF_CHECK_EQUAL(check(no, text), "value is not allowed");
  }
  CAF_CHECK_EQUAL(check(make("{}"), R"({"any":[1,2]})"), "OK");
  json_schema dflt;
  CAF_CHECK(dflt.source() == json::value(true));
  CAF_CHECK_EQUAL(check(dflt, "[1,{}]"), "OK");
  CAF_CHECK(dflt.accepts(json::parse("null")));
  CAF_CHECK(!no.accepts(json::parse("null")));
}

CAF_TEST(type names each kind of JSON value) {
  struct row {
    const char* type;
    const char* good;
    const char* bad;
    const char* message;
  };
  row rows[] = {
    {"null", "null", "0", "expected null, got number"},
    {"boolean", "false", "\"true\"", "expected boolean, got string"},
    {"object", "{}", "[]", "expected object, got array"},
    {"array", "[]", "{}", "expected array, got object"},
    {"number", "2.5", "\"2.5\"", "expected number, got string"},
    {"integer", "7", "7.5", "expected integer, got number"},
    {"string", "\"\"", "null", "expected string, got null"},
  };
  for (auto& r : rows) {
    auto schema = make(std::string{R"({"type":")"} + r.type + "\"}");
    CAF_CHECK_EQUAL(check(schema, r.good), "OK");
    CAF_CHECK_EQUAL(check(schema, r.bad), r.message);
  }
  auto either = make(R"({"type":["string","null"]})");
  CAF_CHECK_EQUAL(check(either, "null"), "OK");
  CAF_CHECK_EQUAL(check(either, "\"x\""), "OK");
  CAF_CHECK_EQUAL(check(either, "true"),
                  "expected string or null, got boolean");
  auto three = make(R"({"type":["array","boolean","object"]})");
  CAF_CHECK_EQUAL(check(three, "1"),
                  "expected array, boolean or object, got number");
}

CAF_TEST(integers are numbers without a fractional part) {
  auto integer = make(R"({"type":"integer"})");
  CAF_CHECK_EQUAL(check(integer, "3"), "OK");
  CAF_CHECK_EQUAL(check(integer, "3.0"), "OK");
  CAF_CHECK_EQUAL(check(integer, "-0.0"), "OK");
  CAF_CHECK_EQUAL(check(integer, "1e3"), "OK");
  CAF_CHECK_EQUAL(check(integer, "3.5"), "expected integer, got number");
  CAF_CHECK_EQUAL(check(integer, "-9223372036854775808"), "OK");
  CAF_CHECK_EQUAL(check(integer, "18446744073709551615"), "OK");
  CAF_CHECK(integer.accepts(json::value(int64_t{-5})));
  CAF_CHECK(integer.accepts(json::value(uint64_t{5})));
  CAF_CHECK(integer.accepts(json::value(4.0)));
  CAF_CHECK(!integer.accepts(json::value(0.25)));
  auto number = make(R"({"type":"number"})");
  CAF_CHECK_EQUAL(check(number, "3"), "OK");
  CAF_CHECK_EQUAL(check(number, "18446744073709551615"), "OK");
  CAF_CHECK_EQUAL(check(number, "true"), "expected number, got boolean");
}

// -- enum and const -----------------------------------------------------------

CAF_TEST(enum lists the allowed values) {
  auto schema = make(R"({"enum":["a","b","c"]})");
  CAF_CHECK_EQUAL(check(schema, "\"b\""), "OK");
  CAF_CHECK_EQUAL(check(schema, "\"d\""),
                  R"(value is not one of "a", "b", "c")");
  CAF_CHECK_EQUAL(check(schema, "1"), R"(value is not one of "a", "b", "c")");
  auto mixed = make(R"({"enum":[1, null, {"a":1,"b":[true]}, [1,2]]})");
  CAF_CHECK_EQUAL(check(mixed, "1.0"), "OK");
  CAF_CHECK_EQUAL(check(mixed, "null"), "OK");
  CAF_CHECK_EQUAL(check(mixed, R"({"b":[true],"a":1.0})"), "OK");
  CAF_CHECK_EQUAL(check(mixed, "[1,2]"), "OK");
  CAF_CHECK_EQUAL(check(mixed, "[2,1]"),
                  R"(value is not one of 1, null, {"a":1,"b":[true]}, [1,2])");
  CAF_CHECK_EQUAL(check(mixed, R"({"a":1})"),
                  R"(value is not one of 1, null, {"a":1,"b":[true]}, [1,2])");
}

CAF_TEST(long enum lists and values are truncated) {
  json::array values;
  for (int i = 0; i < 50; ++i)
    values.emplace_back("value-" + std::to_string(i));
  json::object obj;
  obj["enum"] = values;
  auto schema = json_schema::compile(obj);
  CAF_REQUIRE(schema.has_value());
  auto msg = schema->validate(json::value("nope"));
  CAF_REQUIRE(msg.has_value());
  CAF_CHECK(contains(*msg, R"("value-0", "value-1")"));
  CAF_CHECK(contains(*msg, R"("value-9", ...)"));
  CAF_CHECK(!contains(*msg, "value-10"));
  auto long_const = make(std::string{R"({"const":")"} + std::string(500, 'x')
                         + "\"}");
  auto text = check(long_const, "1");
  CAF_CHECK(text.size() < 120);
  CAF_CHECK(contains(text, "...\""));
}

CAF_TEST(const compares by JSON value) {
  auto schema = make(R"({"const":"x"})");
  CAF_CHECK_EQUAL(check(schema, "\"x\""), "OK");
  CAF_CHECK_EQUAL(check(schema, "\"y\""), R"(value is not equal to "x")");
  auto one = make(R"({"const":1})");
  CAF_CHECK_EQUAL(check(one, "1.0"), "OK");
  CAF_CHECK_EQUAL(check(one, "true"), "value is not equal to 1");
  CAF_CHECK_EQUAL(check(one, "1.5"), "value is not equal to 1");
  auto obj = make(R"({"const":{"a":[1,{"b":null}],"c":"d"}})");
  CAF_CHECK_EQUAL(check(obj, R"({"c":"d","a":[1.0,{"b":null}]})"), "OK");
  CAF_CHECK(check(obj, R"({"c":"d","a":[1,{"b":null}],"e":1})") != "OK");
  CAF_CHECK(check(obj, R"({"c":"d","a":[{"b":null},1]})") != "OK");
  auto null = make(R"({"const":null})");
  CAF_CHECK_EQUAL(check(null, "null"), "OK");
  CAF_CHECK_EQUAL(check(null, "0"), "value is not equal to null");
  auto big = make(R"({"const":9007199254740993})");
  CAF_CHECK_EQUAL(check(big, "9007199254740993"), "OK");
  CAF_CHECK(check(big, "9007199254740992") != "OK");
  CAF_CHECK(check(big, "9007199254740992.0") != "OK");
}

// -- objects ------------------------------------------------------------------

CAF_TEST(a tool input schema checks required members and their types) {
  auto schema = make(R"({
    "type": "object",
    "properties": {
      "location": {"type": "string", "description": "City name or zip code"},
      "units": {"type": "string", "enum": ["celsius", "fahrenheit"]},
      "days": {"type": "integer", "minimum": 1, "maximum": 14}
    },
    "required": ["location"]
  })");
  CAF_CHECK_EQUAL(check(schema, R"({"location":"Berlin"})"), "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"location":"Berlin","units":"celsius",
                                    "days":3,"extra":true})"),
                  "OK");
  CAF_CHECK_EQUAL(check(schema, "{}"),
                  R"("location": required property is missing)");
  CAF_CHECK_EQUAL(check(schema, R"({"location":42})"),
                  R"("location": expected string, got number)");
  CAF_CHECK_EQUAL(check(schema, R"({"location":"x","units":"kelvin"})"),
                  R"("units": value is not one of "celsius", "fahrenheit")");
  CAF_CHECK_EQUAL(check(schema, R"({"location":"x","days":150})"),
                  R"("days": 150 is greater than the maximum 14)");
  CAF_CHECK_EQUAL(check(schema, R"({"location":"x","days":2.5})"),
                  R"("days": expected integer, got number)");
  CAF_CHECK_EQUAL(check(schema, "[]"), "expected object, got array");
  CAF_CHECK_EQUAL(check(schema, "null"), "expected object, got null");
}

CAF_TEST(nested members and array items are named by their path) {
  auto schema = make(R"({
    "type": "object",
    "properties": {
      "address": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"]
      },
      "tags": {"type": "array", "items": {"enum": ["a", "b", "c"]}},
      "matrix": {"type": "array",
                 "items": {"type": "array", "items": {"type": "number"}}},
      "people": {"type": "array",
                 "items": {"type": "object",
                           "properties": {"name": {"type": "string"}}}}
    }
  })");
  CAF_CHECK_EQUAL(check(schema, R"({"address":{"city":7}})"),
                  R"("address.city": expected string, got number)");
  CAF_CHECK_EQUAL(check(schema, R"({"address":{}})"),
                  R"("address.city": required property is missing)");
  CAF_CHECK_EQUAL(check(schema, R"({"tags":["a","b","x"]})"),
                  R"("tags[2]": value is not one of "a", "b", "c")");
  CAF_CHECK_EQUAL(check(schema, R"({"matrix":[[1],[2,"3"]]})"),
                  R"("matrix[1][1]": expected number, got string)");
  CAF_CHECK_EQUAL(check(schema, R"({"people":[{"name":"a"},{"name":null}]})"),
                  R"("people[1].name": expected string, got null)");
  auto root_array = make(R"({"items":{"type":"string"}})");
  CAF_CHECK_EQUAL(check(root_array, R"(["a",1])"),
                  R"("[1]": expected string, got number)");
}

CAF_TEST(unusual member names are written in brackets) {
  auto schema = make(R"({"additionalProperties": {"type": "string"}})");
  CAF_CHECK_EQUAL(check(schema, R"({"a.b":1})"),
                  R"("["a.b"]": expected string, got number)");
  CAF_CHECK_EQUAL(check(schema, R"({"":1})"),
                  R"("[""]": expected string, got number)");
  CAF_CHECK_EQUAL(check(schema, R"({"x[0]":1})"),
                  R"("["x[0]"]": expected string, got number)");
  CAF_CHECK_EQUAL(check(schema, R"({"say \"hi\"":1})"),
                  R"("["say \"hi\""]": expected string, got number)");
  CAF_CHECK_EQUAL(check(schema, R"({"with space":1})"),
                  R"("with space": expected string, got number)");
  CAF_CHECK_EQUAL(check(schema, R"({"grüße":1})"),
                  R"("grüße": expected string, got number)");
  auto nested = make(R"({"properties":{"a":{"properties":{
                        "b.c":{"items":{"type":"null"}}}}}})");
  CAF_CHECK_EQUAL(check(nested, R"({"a":{"b.c":[null,0]}})"),
                  R"("a["b.c"][1]": expected null, got number)");
  auto long_name = std::string(300, 'n');
  auto text = check(schema, "{\"" + long_name + "\":1}");
  CAF_CHECK(text.size() < 120);
  CAF_CHECK(contains(text, "...\": expected string"));
}

CAF_TEST(additional properties can be refused or constrained) {
  auto closed = make(R"({"properties":{"a":{}},"additionalProperties":false})");
  CAF_CHECK_EQUAL(check(closed, R"({"a":1})"), "OK");
  CAF_CHECK_EQUAL(check(closed, R"({"a":1,"b":2})"),
                  R"("b": property is not allowed)");
  auto typed = make(R"({"properties":{"a":{"type":"string"}},
                        "additionalProperties":{"type":"integer"}})");
  CAF_CHECK_EQUAL(check(typed, R"({"a":"x","b":2,"c":3})"), "OK");
  CAF_CHECK_EQUAL(check(typed, R"({"a":"x","b":"2"})"),
                  R"("b": expected integer, got string)");
  auto patterned = make(R"({"patternProperties":{"^x-":{"type":"string"},
                                                 "[0-9]$":{"minimum":0}},
                            "additionalProperties":false})");
  CAF_CHECK_EQUAL(check(patterned, R"({"x-a":"1","b1":5,"x-2":"y"})"), "OK");
  CAF_CHECK_EQUAL(check(patterned, R"({"x-a":1})"),
                  R"("x-a": expected string, got number)");
  CAF_CHECK_EQUAL(check(patterned, R"({"b1":-1})"),
                  R"("b1": -1 is less than the minimum 0)");
  CAF_CHECK_EQUAL(check(patterned, R"({"other":1})"),
                  R"("other": property is not allowed)");
  auto open_patterns = make(
    R"({"patternProperties":{"^n":{"type":"number"}}})");
  CAF_CHECK_EQUAL(check(open_patterns, R"({"free":"x","n1":1})"), "OK");
  CAF_CHECK_EQUAL(check(open_patterns, R"({"n1":"1"})"),
                  R"("n1": expected number, got string)");
}

CAF_TEST(property names counts and dependencies) {
  auto names = make(
    R"({"propertyNames":{"pattern":"^[a-z]+$","maxLength":5}})");
  CAF_CHECK_EQUAL(check(names, R"({"abc":1,"de":[]})"), "OK");
  CAF_CHECK_EQUAL(check(names, R"({"abc":1,"Bad":2})"),
                  R"("Bad": invalid property name: string does not match )"
                  R"(the pattern "^[a-z]+$")");
  CAF_CHECK_EQUAL(check(names, R"({"abcdef":1})"),
                  R"("abcdef": invalid property name: string has 6 )"
                  R"(characters, more than the maximum of 5)");
  auto counts = make(R"({"minProperties":1,"maxProperties":2})");
  CAF_CHECK_EQUAL(check(counts, R"({"a":1})"), "OK");
  CAF_CHECK_EQUAL(check(counts, "{}"),
                  "object has 0 properties, fewer than the minimum of 1");
  CAF_CHECK_EQUAL(check(counts, R"({"a":1,"b":2,"c":3})"),
                  "object has 3 properties, more than the maximum of 2");
  CAF_CHECK_EQUAL(check(counts, "[]"), "OK");
  auto deps = make(
    R"({"dependentRequired":{"credit_card":["billing_address"]}})");
  CAF_CHECK_EQUAL(check(deps, R"({"name":"x"})"), "OK");
  CAF_CHECK_EQUAL(check(deps, R"({"credit_card":1,"billing_address":"y"})"),
                  "OK");
  CAF_CHECK_EQUAL(check(deps, R"({"credit_card":1})"),
                  R"("billing_address": required property is missing )"
                  R"((required by "credit_card"))");
  auto schemas = make(R"({"dependentSchemas":{"a":{"required":["b"]}}})");
  CAF_CHECK_EQUAL(check(schemas, R"({"c":1})"), "OK");
  CAF_CHECK_EQUAL(check(schemas, R"({"a":1})"),
                  R"("b": required property is missing)");
  auto draft7 = make(R"({"dependencies":{"a":["b"],"c":{"required":["d"]}}})");
  CAF_CHECK_EQUAL(check(draft7, R"({"a":1,"b":2,"c":3,"d":4})"), "OK");
  CAF_CHECK_EQUAL(check(draft7, R"({"a":1})"),
                  R"("b": required property is missing (required by "a"))");
  CAF_CHECK_EQUAL(check(draft7, R"({"c":1})"),
                  R"("d": required property is missing)");
}

// -- arrays -------------------------------------------------------------------

CAF_TEST(items and prefix items check array elements) {
  auto tuple = make(R"({"prefixItems":[{"type":"string"},{"type":"integer"}],
                        "items":{"type":"boolean"}})");
  CAF_CHECK_EQUAL(check(tuple, R"(["a",1,true,false])"), "OK");
  CAF_CHECK_EQUAL(check(tuple, R"(["a"])"), "OK");
  CAF_CHECK_EQUAL(check(tuple, R"([1])"),
                  R"("[0]": expected string, got number)");
  CAF_CHECK_EQUAL(check(tuple, R"(["a",1,true,0])"),
                  R"("[3]": expected boolean, got number)");
  auto closed = make(R"({"prefixItems":[{},{}],"items":false})");
  CAF_CHECK_EQUAL(check(closed, "[1,2]"), "OK");
  CAF_CHECK_EQUAL(check(closed, "[1,2,3]"),
                  R"("[2]": item is not allowed, the array may hold at most )"
                  R"(2 items)");
  auto draft7 = make(R"({"items":[{"type":"string"}],
                         "additionalItems":{"type":"number"}})");
  CAF_CHECK_EQUAL(check(draft7, R"(["a",1,2])"), "OK");
  CAF_CHECK_EQUAL(check(draft7, R"(["a",1,"b"])"),
                  R"("[2]": expected number, got string)");
  auto sizes = make(R"({"minItems":2,"maxItems":3})");
  CAF_CHECK_EQUAL(check(sizes, "[1,2]"), "OK");
  CAF_CHECK_EQUAL(check(sizes, "[1]"),
                  "array has 1 item, fewer than the minimum of 2");
  CAF_CHECK_EQUAL(check(sizes, "[1,2,3,4]"),
                  "array has 4 items, more than the maximum of 3");
  CAF_CHECK_EQUAL(check(sizes, "\"not an array\""), "OK");
}

CAF_TEST(unique items compare by JSON value) {
  auto schema = make(R"({"uniqueItems":true})");
  CAF_CHECK_EQUAL(check(schema, R"([1,"1",true,null,[1],{"a":1}])"), "OK");
  CAF_CHECK_EQUAL(check(schema, "[1,2,1.0]"),
                  "array items [0] and [2] are equal, expected unique items");
  CAF_CHECK_EQUAL(check(schema, R"([{"a":1,"b":2},{"b":2,"a":1}])"),
                  "array items [0] and [1] are equal, expected unique items");
  CAF_CHECK_EQUAL(check(schema, "[[1,2],[2,1]]"), "OK");
  CAF_CHECK_EQUAL(check(make(R"({"uniqueItems":false})"), "[1,1]"), "OK");
  json::array many;
  for (int i = 0; i < 1000; ++i)
    many.emplace_back(i);
  CAF_CHECK(schema.accepts(many));
  many.emplace_back(500.0);
  many.emplace_back(7);
  CAF_CHECK_EQUAL(schema.validate(many).value_or("OK"),
                  "array items [500] and [1000] are equal, expected unique "
                  "items");
}

CAF_TEST(contains counts matching items) {
  auto schema = make(R"({"contains":{"type":"integer"}})");
  CAF_CHECK_EQUAL(check(schema, R"(["a",1])"), "OK");
  CAF_CHECK_EQUAL(check(schema, R"(["a","b"])"),
                  R"(array has no item that matches the "contains" schema)");
  CAF_CHECK_EQUAL(check(schema, "[]"),
                  R"(array has no item that matches the "contains" schema)");
  auto bounded = make(R"({"contains":{"const":"x"},"minContains":2,
                          "maxContains":3})");
  CAF_CHECK_EQUAL(check(bounded, R"(["x","y","x"])"), "OK");
  CAF_CHECK_EQUAL(check(bounded, R"(["x","y"])"),
                  R"(array has 1 item that match the "contains" schema, )"
                  R"(fewer than the minimum of 2)");
  CAF_CHECK_EQUAL(check(bounded, R"(["x","x","x","x"])"),
                  R"(array has 4 items that match the "contains" schema, )"
                  R"(more than the maximum of 3)");
  auto optional = make(R"({"contains":{"const":1},"minContains":0})");
  CAF_CHECK_EQUAL(check(optional, "[]"), "OK");
}

// -- numbers ------------------------------------------------------------------

CAF_TEST(numeric bounds are inclusive or exclusive) {
  auto schema = make(R"({"minimum":1,"maximum":100})");
  CAF_CHECK_EQUAL(check(schema, "1"), "OK");
  CAF_CHECK_EQUAL(check(schema, "100"), "OK");
  CAF_CHECK_EQUAL(check(schema, "100.0"), "OK");
  CAF_CHECK_EQUAL(check(schema, "150"), "150 is greater than the maximum 100");
  CAF_CHECK_EQUAL(check(schema, "0.5"), "0.5 is less than the minimum 1");
  CAF_CHECK_EQUAL(check(schema, "100.25"),
                  "100.25 is greater than the maximum 100");
  CAF_CHECK_EQUAL(check(schema, "\"150\""), "OK");
  auto exclusive = make(R"({"exclusiveMinimum":0,"exclusiveMaximum":2.5})");
  CAF_CHECK_EQUAL(check(exclusive, "1"), "OK");
  CAF_CHECK_EQUAL(check(exclusive, "2.4"), "OK");
  CAF_CHECK_EQUAL(check(exclusive, "0"),
                  "0 is not greater than the exclusive minimum 0");
  CAF_CHECK_EQUAL(check(exclusive, "2.5"),
                  "2.5 is not less than the exclusive maximum 2.5");
  auto draft4 = make(R"({"minimum":0,"exclusiveMinimum":true,
                         "maximum":10,"exclusiveMaximum":false})");
  CAF_CHECK_EQUAL(check(draft4, "10"), "OK");
  CAF_CHECK_EQUAL(check(draft4, "0"),
                  "0 is not greater than the exclusive minimum 0");
  CAF_CHECK_EQUAL(check(draft4, "11"), "11 is greater than the maximum 10");
  auto lonely = make(R"({"exclusiveMaximum":true})");
  CAF_CHECK_EQUAL(check(lonely, "1e300"), "OK");
}

CAF_TEST(numeric bounds compare integers exactly) {
  auto schema = make(R"({"maximum":9007199254740992})");
  CAF_CHECK_EQUAL(check(schema, "9007199254740992"), "OK");
  CAF_CHECK_EQUAL(check(schema, "9007199254740993"),
                  "9007199254740993 is greater than the maximum "
                  "9007199254740992");
  auto as_double = make(R"({"maximum":9007199254740992.0})");
  CAF_CHECK(check(as_double, "9007199254740993") != "OK");
  auto unsigned_max = make(R"({"minimum":18446744073709551615})");
  CAF_CHECK_EQUAL(check(unsigned_max, "18446744073709551615"), "OK");
  CAF_CHECK_EQUAL(check(unsigned_max, "-1"),
                  "-1 is less than the minimum 18446744073709551615");
  CAF_CHECK_EQUAL(check(unsigned_max, "1.8446744073709552e19"), "OK");
  auto negative = make(R"({"maximum":-9223372036854775808})");
  CAF_CHECK_EQUAL(check(negative, "-9223372036854775808"), "OK");
  CAF_CHECK(check(negative, "-9223372036854775807") != "OK");
  CAF_CHECK(check(negative, "18446744073709551615") != "OK");
}

CAF_TEST(multiple of works for integers and decimals) {
  auto two = make(R"({"multipleOf":2})");
  CAF_CHECK_EQUAL(check(two, "4"), "OK");
  CAF_CHECK_EQUAL(check(two, "-8"), "OK");
  CAF_CHECK_EQUAL(check(two, "6.0"), "OK");
  CAF_CHECK_EQUAL(check(two, "7"), "7 is not a multiple of 2");
  CAF_CHECK_EQUAL(check(two, "7.5"), "7.5 is not a multiple of 2");
  CAF_CHECK_EQUAL(check(two, "-9223372036854775808"), "OK");
  auto tenth = make(R"({"multipleOf":0.1})");
  CAF_CHECK_EQUAL(check(tenth, "0.3"), "OK");
  CAF_CHECK_EQUAL(check(tenth, "12"), "OK");
  CAF_CHECK_EQUAL(check(tenth, "0.35"), "0.35 is not a multiple of 0.1");
  auto cents = make(R"({"multipleOf":0.01})");
  CAF_CHECK_EQUAL(check(cents, "19.99"), "OK");
  CAF_CHECK_EQUAL(check(cents, "0.075"), "0.075 is not a multiple of 0.01");
  auto tiny = make(R"({"type":"integer","multipleOf":0.123456789})");
  CAF_CHECK(check(tiny, "1e308") != "OK");
}

// -- strings ------------------------------------------------------------------

CAF_TEST(string lengths count code points) {
  auto schema = make(R"({"minLength":2,"maxLength":3})");
  CAF_CHECK_EQUAL(check(schema, "\"ab\""), "OK");
  CAF_CHECK_EQUAL(check(schema, "\"äöü\""), "OK");
  CAF_CHECK_EQUAL(check(schema, "\"日本語\""), "OK");
  CAF_CHECK_EQUAL(check(schema, "\"😀😀\""), "OK");
  CAF_CHECK_EQUAL(check(schema, "\"a\""),
                  "string has 1 character, fewer than the minimum of 2");
  CAF_CHECK_EQUAL(check(schema, "\"😀\""),
                  "string has 1 character, fewer than the minimum of 2");
  CAF_CHECK_EQUAL(check(schema, "\"äöüß\""),
                  "string has 4 characters, more than the maximum of 3");
  CAF_CHECK_EQUAL(check(schema, "12345"), "OK");
}

CAF_TEST(patterns search the string) {
  auto inner = make(R"({"pattern":"b+"})");
  CAF_CHECK_EQUAL(check(inner, "\"abbc\""), "OK");
  CAF_CHECK_EQUAL(check(inner, "\"ac\""),
                  R"(string does not match the pattern "b+")");
  auto anchored = make(R"({"pattern":"^[0-9]{3}-[0-9]{4}$"})");
  CAF_CHECK_EQUAL(check(anchored, "\"555-1234\""), "OK");
  CAF_CHECK_EQUAL(check(anchored, "\"x555-1234\""),
                  R"(string does not match the pattern "^[0-9]{3}-[0-9]{4}$")");
  CAF_CHECK_EQUAL(check(anchored, "42"), "OK");
  auto escaped = make(R"({"pattern":"^\\d+(\\.\\d+)?$"})");
  CAF_CHECK_EQUAL(check(escaped, "\"3.14\""), "OK");
  CAF_CHECK(check(escaped, "\"3.\"") != "OK");
  auto backref = make(R"({"pattern":"^(a+)-\\1$"})");
  CAF_CHECK_EQUAL(check(backref, "\"aa-aa\""), "OK");
  CAF_CHECK(check(backref, "\"aa-a\"") != "OK");
  auto format = make(R"({"type":"string","format":"email"})");
  CAF_CHECK_EQUAL(check(format, "\"not an email\""), "OK");
}

CAF_TEST(patterns handle long strings) {
  auto letters = make(R"({"pattern":"^[a-z]+$"})");
  json::value big(std::string(200000, 'a'));
  CAF_CHECK(letters.accepts(big));
  big.as_string().back() = '1';
  CAF_CHECK(!letters.accepts(big));
  auto backref = make(R"({"pattern":"^(a+)\\1$"})");
  CAF_CHECK(backref.accepts(json::value(std::string(100000, 'a'))));
  CAF_CHECK(!backref.accepts(json::value(std::string(99999, 'a'))));
}

CAF_TEST(a pattern that backtracks without end gives up with a clear error) {
  auto nested = make(R"({"pattern":"^(a+)+$"})");
  auto msg = nested.validate(json::value(std::string(40, 'a') + "b"));
  CAF_REQUIRE(msg.has_value());
  CAF_CHECK(contains(*msg, "too costly to check against the pattern"));
  auto props = make(R"({"patternProperties":{"^(a|aa)+$":true}})");
  auto obj = json::object{{std::string(60, 'a') + "b", 1}};
  CAF_CHECK(contains(check(props, json::serialize(obj)), "too costly"));
}

CAF_TEST(patterns that would overflow or nest too deeply are refused) {
  // std::regex overflowed on a count like this (found by fuzz_json_schema).
  CAF_CHECK(contains(compile_error(R"({"pattern":"a{7777777777777777777}"})"),
                     "invalid pattern"));
  CAF_CHECK(contains(compile_error(R"({"pattern":")" + std::string(100, '(')
                                   + "a" + std::string(100, ')') + "\"}"),
                     "invalid pattern"));
  CAF_CHECK(contains(compile_error(R"({"pattern":"(a"})"), "invalid pattern"));
  auto huge = "{\"pattern\":\"" + std::string(20000, 'a') + "\"}";
  CAF_CHECK(contains(compile_error(huge), "longer than 16384 bytes"));
  // Counts are kept as counts, not written out.
  auto nested = make(R"x({"pattern":"^((a{1000}){1000})$"})x");
  CAF_CHECK(nested.accepts(json::value(std::string(1000000, 'a'))));
  CAF_CHECK(!nested.accepts(json::value(std::string(999999, 'a'))));
  // An escaped backslash before digits is a literal.
  auto digits = make(R"({"pattern":"^\\\\123$"})");
  CAF_CHECK(digits.accepts(json::value("\\123")));
  auto sequential = make(R"({"pattern":"^[a-z]{1,64}@[a-z]{1,255}\\.[a-z]{2,}$"})");
  CAF_CHECK_EQUAL(check(sequential, "\"me@example.org\""), "OK");
}

// -- combinators --------------------------------------------------------------

CAF_TEST(all of requires every schema) {
  auto schema = make(R"({"allOf":[{"type":"integer"},{"minimum":3}]})");
  CAF_CHECK_EQUAL(check(schema, "4"), "OK");
  CAF_CHECK_EQUAL(check(schema, "4.5"), "expected integer, got number");
  CAF_CHECK_EQUAL(check(schema, "2"), "2 is less than the minimum 3");
}

CAF_TEST(any of requires one schema and names the first failure) {
  auto schema = make(R"({"properties":{"x":{"anyOf":[{"type":"string"},
                                                    {"minimum":10}]}}})");
  CAF_CHECK_EQUAL(check(schema, R"({"x":"s"})"), "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"x":12})"), "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"x":5})"),
                  R"("x": does not match any of the allowed schemas )"
                  R"((first: expected string, got number))");
  auto deeper = make(R"({"anyOf":[{"required":["a"]},{"type":"array"}]})");
  CAF_CHECK_EQUAL(check(deeper, "{}"),
                  R"(does not match any of the allowed schemas )"
                  R"((first: "a": required property is missing))");
}

CAF_TEST(one of requires exactly one schema) {
  auto schema = make(R"({"properties":{"x":{"oneOf":[{"type":"integer"},
                                                    {"minimum":5}]}}})");
  CAF_CHECK_EQUAL(check(schema, R"({"x":1})"), "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"x":7.5})"), "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"x":7})"),
                  R"("x": matches 2 schemas of oneOf, expected exactly one)");
  CAF_CHECK_EQUAL(check(schema, R"({"x":2.5})"),
                  R"("x": does not match any of the allowed schemas )"
                  R"((first: expected integer, got number))");
}

CAF_TEST(not and if then else) {
  auto negated = make(R"({"not":{"type":"null"}})");
  CAF_CHECK_EQUAL(check(negated, "1"), "OK");
  CAF_CHECK_EQUAL(check(negated, "null"),
                  R"(value must not match the "not" schema)");
  auto cond = make(R"({
    "if": {"properties": {"country": {"const": "US"}}, "required": ["country"]},
    "then": {"properties": {"zip": {"pattern": "^[0-9]{5}$"}}},
    "else": {"properties": {"zip": {"type": "string"}}}
  })");
  CAF_CHECK_EQUAL(check(cond, R"({"country":"US","zip":"12345"})"), "OK");
  CAF_CHECK_EQUAL(check(cond, R"({"country":"US","zip":"1234"})"),
                  R"("zip": string does not match the pattern "^[0-9]{5}$")");
  CAF_CHECK_EQUAL(check(cond, R"({"country":"DE","zip":"1234"})"), "OK");
  CAF_CHECK_EQUAL(check(cond, R"({"zip":1234})"),
                  R"("zip": expected string, got number)");
  auto then_only = make(R"({"if":{"minimum":10},"then":{"multipleOf":10}})");
  CAF_CHECK_EQUAL(check(then_only, "5"), "OK");
  CAF_CHECK_EQUAL(check(then_only, "20"), "OK");
  CAF_CHECK_EQUAL(check(then_only, "25"), "25 is not a multiple of 10");
  auto no_if = make(R"({"then":false,"else":false})");
  CAF_CHECK_EQUAL(check(no_if, "1"), "OK");
}

// -- references ---------------------------------------------------------------

CAF_TEST(local references resolve against the root) {
  auto defs = make(R"({"$defs":{"pos":{"type":"integer","minimum":0}},
                       "properties":{"n":{"$ref":"#/$defs/pos"}}})");
  CAF_CHECK_EQUAL(check(defs, R"({"n":3})"), "OK");
  CAF_CHECK_EQUAL(check(defs, R"({"n":-3})"),
                  R"("n": -3 is less than the minimum 0)");
  auto draft7 = make(R"({"$schema":"http://json-schema.org/draft-07/schema#",
                         "definitions":{"name":{"type":"string"}},
                         "items":{"$ref":"#/definitions/name"}})");
  CAF_CHECK_EQUAL(check(draft7, R"(["a","b"])"), "OK");
  CAF_CHECK_EQUAL(check(draft7, R"(["a",2])"),
                  R"("[1]": expected string, got number)");
  auto escaped = make(R"({"$defs":{"a/b":{"type":"string"},
                                   "c~d":{"type":"null"},
                                   "e f":{"type":"boolean"}},
                          "prefixItems":[{"$ref":"#/$defs/a~1b"},
                                         {"$ref":"#/$defs/c~0d"},
                                         {"$ref":"#/$defs/e%20f"}]})");
  CAF_CHECK_EQUAL(check(escaped, R"(["x",null,true])"), "OK");
  CAF_CHECK_EQUAL(check(escaped, R"(["x",null,1])"),
                  R"("[2]": expected boolean, got number)");
  auto by_index = make(R"({"prefixItems":[{"type":"string"},
                                          {"$ref":"#/prefixItems/0"}]})");
  CAF_CHECK_EQUAL(check(by_index, R"(["a",1])"),
                  R"("[1]": expected string, got number)");
  auto anchor = make(R"({"$defs":{"x":{"$anchor":"item","type":"integer"}},
                         "items":{"$ref":"#item"}})");
  CAF_CHECK_EQUAL(check(anchor, "[1,2]"), "OK");
  CAF_CHECK_EQUAL(check(anchor, "[1,\"2\"]"),
                  R"("[1]": expected integer, got string)");
  auto by_id = make(R"({"$id":"https://example.com/schemas/thing",
                        "$defs":{"n":{"type":"number"}},
                        "items":{"$ref":
                          "https://example.com/schemas/thing#/$defs/n"}})");
  CAF_CHECK_EQUAL(check(by_id, "[1,\"x\"]"),
                  R"("[1]": expected number, got string)");
  auto with_siblings = make(R"({"$defs":{"s":{"type":"string"}},
                                "$ref":"#/$defs/s","maxLength":2})");
  CAF_CHECK_EQUAL(check(with_siblings, "\"ab\""), "OK");
  CAF_CHECK_EQUAL(check(with_siblings, "\"abc\""),
                  "string has 3 characters, more than the maximum of 2");
  CAF_CHECK_EQUAL(check(with_siblings, "1"), "expected string, got number");
}

CAF_TEST(recursive schemas validate nested instances) {
  auto tree = make(R"({
    "$defs": {
      "node": {
        "type": "object",
        "properties": {
          "value": {"type": "integer"},
          "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}
        },
        "required": ["value"],
        "additionalProperties": false
      }
    },
    "$ref": "#/$defs/node"
  })");
  CAF_CHECK_EQUAL(check(tree, R"({"value":1,"children":[
    {"value":2},
    {"value":3,"children":[{"value":4,"children":[{"value":5}]}]}]})"),
                  "OK");
  CAF_CHECK_EQUAL(check(tree, R"({"value":1,"children":[
    {"value":2},
    {"value":3,"children":[{"value":4,"children":[{"value":"5"}]}]}]})"),
                  R"("children[1].children[0].children[0].value": )"
                  R"(expected integer, got string)");
  CAF_CHECK_EQUAL(check(tree, R"({"value":1,"children":[{"value":2,"x":0}]})"),
                  R"("children[0].x": property is not allowed)");
  auto self = make(R"({"type":["object","integer"],
                       "additionalProperties":{"$ref":"#"}})");
  CAF_CHECK_EQUAL(check(self, R"({"a":{"b":{"c":1}}})"), "OK");
  CAF_CHECK_EQUAL(check(self, R"({"a":{"b":{"c":"1"}}})"),
                  R"("a.b.c": expected object or integer, got string)");
  json::value nested = json::object{{"value", 0}};
  for (int i = 1; i <= 100; ++i)
    nested = json::object{{"value", i},
                          {"children", json::array{std::move(nested)}}};
  CAF_CHECK(tree.accepts(nested));
  json::value deep = 1;
  for (int i = 0; i < 100; ++i) {
    json::object wrapper;
    wrapper["a"] = std::move(deep);
    deep = std::move(wrapper);
  }
  CAF_CHECK(self.accepts(deep));
}

CAF_TEST(self references that consume nothing stop at a depth limit) {
  auto loop = make(R"({"$ref":"#"})");
  CAF_CHECK_EQUAL(check(loop, "1"), "schema recursion too deep");
  CAF_CHECK(!loop.accepts(json::value(1)));
  auto all = loop.validate_all(json::value(1));
  CAF_REQUIRE_EQUAL(all.size(), 1u);
  CAF_CHECK_EQUAL(all[0], "schema recursion too deep");
  auto mutual = make(R"({"$defs":{"a":{"$ref":"#/$defs/b"},
                                  "b":{"allOf":[{"$ref":"#/$defs/a"}]}},
                         "properties":{"x":{"$ref":"#/$defs/a"}}})");
  CAF_CHECK_EQUAL(check(mutual, R"({"y":1})"), "OK");
  CAF_CHECK_EQUAL(check(mutual, R"({"x":1})"),
                  R"("x": schema recursion too deep)");
  auto start = std::chrono::steady_clock::now();
  auto branching = make(R"({"anyOf":[{"$ref":"#"},{"$ref":"#"}]})");
  CAF_CHECK_EQUAL(check(branching, "1"), "schema recursion too deep");
  auto negated = make(R"({"not":{"$ref":"#"}})");
  CAF_CHECK_EQUAL(check(negated, "1"), "schema recursion too deep");
  auto exponential = make(R"({"$defs":{
      "a":{"anyOf":[{"$ref":"#/$defs/b"},{"$ref":"#/$defs/b"}]},
      "b":{"anyOf":[{"$ref":"#/$defs/c"},{"$ref":"#/$defs/c"}]},
      "c":{"anyOf":[{"$ref":"#/$defs/d"},{"$ref":"#/$defs/d"}]},
      "d":{"anyOf":[{"$ref":"#/$defs/a"},{"$ref":"#/$defs/a"}]}},
    "$ref":"#/$defs/a"})");
  auto msg = check(exponential, "1");
  CAF_CHECK(msg == "schema recursion too deep"
            || msg == "schema validation too expensive");
  auto elapsed = std::chrono::steady_clock::now() - start;
  CAF_CHECK(elapsed < std::chrono::seconds{30});
}

CAF_TEST(exponential schemas stop at a step budget) {
  json::object defs;
  for (int i = 0; i < 40; ++i) {
    auto next = "#/$defs/d" + std::to_string(i + 1);
    json::array alternatives;
    for (int j = 0; j < 2; ++j)
      alternatives.emplace_back(json::object{{"$ref", next}});
    defs["d" + std::to_string(i)] = json::object{{"anyOf", alternatives}};
  }
  defs["d40"] = json::object{{"type", "string"}};
  json::object root{{"$defs", defs}, {"$ref", "#/$defs/d0"}};
  auto schema = json_schema::compile(root);
  CAF_REQUIRE(schema.has_value());
  CAF_CHECK(schema->accepts(json::value("x")));
  auto start = std::chrono::steady_clock::now();
  CAF_CHECK_EQUAL(schema->validate(json::value(1)).value_or("OK"),
                  "schema validation too expensive");
  CAF_CHECK(!schema->accepts(json::value(1)));
  auto elapsed = std::chrono::steady_clock::now() - start;
  CAF_CHECK(elapsed < std::chrono::seconds{30});
}

// -- invalid schemas ----------------------------------------------------------

CAF_TEST(invalid schemas are refused at compile time) {
  CAF_CHECK_EQUAL(compile_error("42"),
                  "invalid JSON schema at #: a schema must be an object or a "
                  "boolean");
  CAF_CHECK_EQUAL(compile_error(R"({"type":"strin"})"),
                  R"(invalid JSON schema at #: unknown type "strin")");
  CAF_CHECK_EQUAL(compile_error(R"({"type":42})"),
                  R"(invalid JSON schema at #: "type" must be a type name or )"
                  R"(an array of type names)");
  CAF_CHECK(compile_error(R"({"type":[]})") != "OK");
  CAF_CHECK_EQUAL(compile_error(R"({"properties":{"a":{"minimum":"5"}}})"),
                  R"(invalid JSON schema at #/properties/a: "minimum" must be )"
                  R"(a number)");
  CAF_CHECK_EQUAL(compile_error(R"({"properties":{"a/b":{"items":[1]}}})"),
                  "invalid JSON schema at #/properties/a~1b/items/0: a schema "
                  "must be an object or a boolean");
  CAF_CHECK_EQUAL(compile_error(R"({"minLength":-1})"),
                  R"(invalid JSON schema at #: "minLength" must be a )"
                  R"(non-negative integer)");
  CAF_CHECK(compile_error(R"({"maxItems":1.5})") != "OK");
  CAF_CHECK_EQUAL(compile_error(R"({"required":"a"})"),
                  R"(invalid JSON schema at #: "required" must be an array of )"
                  R"(strings)");
  CAF_CHECK(compile_error(R"({"required":["a",1]})") != "OK");
  CAF_CHECK(compile_error(R"({"properties":[]})") != "OK");
  CAF_CHECK(compile_error(R"({"enum":"a"})") != "OK");
  CAF_CHECK(compile_error(R"({"anyOf":[]})") != "OK");
  CAF_CHECK(compile_error(R"({"allOf":{}})") != "OK");
  CAF_CHECK(compile_error(R"({"uniqueItems":1})") != "OK");
  CAF_CHECK(compile_error(R"({"multipleOf":0})") != "OK");
  CAF_CHECK(compile_error(R"({"multipleOf":-2})") != "OK");
  CAF_CHECK(compile_error(R"({"exclusiveMinimum":"1"})") != "OK");
  CAF_CHECK(compile_error(R"({"dependentRequired":{"a":"b"}})") != "OK");
  CAF_CHECK(compile_error(R"({"not":"x"})") != "OK");
  CAF_CHECK(compile_error(R"({"$defs":{"unused":{"type":"nope"}}})") != "OK");
  auto regex = compile_error(R"({"pattern":"(unclosed"})");
  CAF_CHECK(contains(regex, R"(invalid pattern "(unclosed")"));
  CAF_CHECK(compile_error(R"({"pattern":"a{2,1}"})") != "OK");
  CAF_CHECK(compile_error(R"({"patternProperties":{"[":{}}})") != "OK");
  CAF_CHECK(compile_error(R"({"pattern":42})") != "OK");
  CAF_CHECK(compile_error(std::string{R"({"pattern":")"} + std::string(100, '(')
                          + "a" + std::string(100, ')') + "\"}")
            != "OK");
  CAF_CHECK_EQUAL(compile_error(R"({"$ref":"#/$defs/missing"})"),
                  R"(invalid JSON schema at #: unresolvable $ref )"
                  R"("#/$defs/missing")");
  CAF_CHECK(compile_error(R"({"$ref":"#/~2"})") != "OK");
  CAF_CHECK(compile_error(R"({"$ref":"#/items/01","items":[{}]})") != "OK");
  CAF_CHECK(compile_error(R"({"$ref":"#nowhere"})") != "OK");
  CAF_CHECK(compile_error(R"({"$ref":"#%zz"})") != "OK");
  CAF_CHECK(compile_error(R"({"$ref":42})") != "OK");
  auto remote = compile_error(
    R"({"properties":{"a":{"$ref":"https://example.com/s.json"}}})");
  CAF_CHECK(contains(remote, "at #/properties/a"));
  CAF_CHECK(
    contains(remote, R"(unresolvable $ref "https://example.com/s.json")"));
  CAF_CHECK(contains(remote, "the documents given to compile it"));
  CAF_CHECK(contains(compile_error(R"({"$ref":"other.json#/a"})"),
                     "unresolvable $ref"));
}

CAF_TEST(refs name the documents given to compile) {
  json_schema_documents docs;
  docs.emplace("https://example.com/defs.json", json::parse(R"({
    "$defs": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
    "$anchor": "top", "type": "object"
  })"));
  auto schema = json_schema::compile(json::parse(R"({
    "$id": "https://example.com/config.json",
    "properties": {"port": {"$ref": "defs.json#/$defs/port"},
                   "extra": {"$ref": "https://example.com/defs.json#top"}}
  })"),
                                     docs);
  CAF_REQUIRE(schema.has_value());
  CAF_CHECK_EQUAL(check(*schema, R"({"port":80,"extra":{}})"), "OK");
  CAF_CHECK_EQUAL(check(*schema, R"({"port":0})"),
                  R"("port": 0 is less than the minimum 1)");
  CAF_CHECK_EQUAL(check(*schema, R"({"extra":1})"),
                  R"("extra": expected object, got number)");
  // The documents are copied: the schema outlives them.
  docs.clear();
  CAF_CHECK_EQUAL(check(*schema, R"({"port":70000})"),
                  R"("port": 70000 is greater than the maximum 65535)");
}

CAF_TEST(embedded resources scope ids and anchors) {
  auto schema = make(R"({
    "$id": "https://example.com/root.json",
    "$defs": {
      "a": {"$id": "nested/a.json", "$anchor": "here", "type": "string",
            "$defs": {"b": {"$ref": "#here"}}},
      "c": {"$id": "urn:example:c", "minimum": 3}
    },
    "properties": {
      "x": {"$ref": "nested/a.json#here"},
      "y": {"$ref": "https://example.com/nested/a.json#/$defs/b"},
      "z": {"$ref": "urn:example:c"}
    }
  })");
  CAF_CHECK_EQUAL(check(schema, R"({"x":"s","y":"t","z":4})"), "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"y":1})"),
                  R"("y": expected string, got number)");
  CAF_CHECK_EQUAL(check(schema, R"({"z":2})"),
                  R"("z": 2 is less than the minimum 3)");
  // An anchor belongs to its resource, not to the document.
  CAF_CHECK(contains(compile_error(R"({
    "$defs": {"a": {"$id": "https://example.com/a", "$anchor": "n"}},
    "$ref": "#n"})"),
                     R"(unresolvable $ref "#n")"));
}

CAF_TEST(unevaluated properties and items see what other keywords evaluated) {
  auto closed = make(R"({
    "allOf": [{"properties": {"a": {"type": "integer"}}}],
    "anyOf": [{"properties": {"b": true}, "required": ["b"]},
              {"properties": {"c": true}, "required": ["c"]}],
    "unevaluatedProperties": false
  })");
  CAF_CHECK_EQUAL(check(closed, R"({"a":1,"b":2})"), "OK");
  CAF_CHECK_EQUAL(check(closed, R"({"a":1,"b":2,"c":3})"), "OK");
  CAF_CHECK_EQUAL(check(closed, R"({"b":2,"d":4})"),
                  R"("d": property is not allowed (unevaluated))");
  auto tuple = make(R"({
    "prefixItems": [{"type": "string"}],
    "contains": {"type": "boolean"},
    "unevaluatedItems": {"type": "integer"}
  })");
  CAF_CHECK_EQUAL(check(tuple, R"(["s",true,1,false])"), "OK");
  CAF_CHECK_EQUAL(check(tuple, R"(["s",true,"t"])"),
                  R"("[2]": expected integer, got string)");
}

CAF_TEST(dynamic refs resolve in the dynamic scope) {
  json_schema_documents docs;
  docs.emplace("https://example.com/list", json::parse(R"({
    "$defs": {"item": {"$dynamicAnchor": "item"}},
    "type": "array", "items": {"$dynamicRef": "#item"}
  })"));
  auto strings = json_schema::compile(json::parse(R"({
    "$id": "https://example.com/strings",
    "$ref": "list",
    "$defs": {"s": {"$dynamicAnchor": "item", "type": "string"}}
  })"),
                                      docs);
  CAF_REQUIRE(strings.has_value());
  CAF_CHECK_EQUAL(check(*strings, R"(["a","b"])"), "OK");
  CAF_CHECK_EQUAL(check(*strings, R"(["a",2])"),
                  R"("[1]": expected string, got number)");
}

CAF_TEST(annotations and unknown keywords are ignored) {
  auto schema = make(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.com/x",
    "$comment": "c",
    "title": "T",
    "description": "D",
    "default": 5,
    "examples": [1, 2],
    "deprecated": true,
    "readOnly": true,
    "writeOnly": false,
    "format": "uri",
    "enumNames": ["A"],
    "x-vendor": {"type": "string"},
    "contentMediaType": "text/plain",
    "type": "integer"
  })");
  CAF_CHECK_EQUAL(check(schema, "7"), "OK");
  CAF_CHECK_EQUAL(check(schema, "\"7\""), "expected integer, got string");
  auto meta = make(R"({"then":{"type":"string"},"minContains":3})");
  CAF_CHECK_EQUAL(check(meta, "1"), "OK");
  CAF_CHECK_EQUAL(check(meta, "[]"), "OK");
}

// -- MCP schemas --------------------------------------------------------------

CAF_TEST(the json schema 2020-12 example with defs and closed objects) {
  auto schema = make(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
      "shipping_address": {"$ref": "#/$defs/address"},
      "billing_address": {"$ref": "#/$defs/address"}
    },
    "required": ["shipping_address"],
    "additionalProperties": false,
    "$defs": {
      "address": {
        "type": "object",
        "properties": {
          "street_address": {"type": "string"},
          "city": {"type": "string"},
          "state": {"type": "string"},
          "type": {"enum": ["residential", "business"]}
        },
        "required": ["street_address", "city", "state", "type"],
        "additionalProperties": false
      }
    }
  })");
  auto good = R"({"shipping_address":{"street_address":"1600 Pennsylvania",
    "city":"Washington","state":"DC","type":"business"}})";
  CAF_CHECK_EQUAL(check(schema, good), "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"shipping_address":{"street_address":"x",
    "city":"y","state":"z","type":"home"}})"),
                  R"("shipping_address.type": value is not one of )"
                  R"("residential", "business")");
  CAF_CHECK_EQUAL(check(schema, R"({"shipping_address":{"street_address":"x",
    "city":"y","state":"z","type":"business","zip":1}})"),
                  R"("shipping_address.zip": property is not allowed)");
  CAF_CHECK_EQUAL(check(schema, R"({"shipping_address":{"street_address":"x",
    "city":"y","type":"business"}})"),
                  R"("shipping_address.state": required property is missing)");
  CAF_CHECK_EQUAL(check(schema, R"({"billing_address":{}})"),
                  R"("shipping_address": required property is missing)");
  auto all = schema.validate_all(json::parse(
    R"({"billing_address":{"city":1},"extra":true})"));
  CAF_REQUIRE_EQUAL(all.size(), 6u);
  CAF_CHECK_EQUAL(all[0],
                  R"("shipping_address": required property is missing)");
  CAF_CHECK_EQUAL(all[1],
                  R"("billing_address.street_address": required property is )"
                  R"(missing)");
  CAF_CHECK_EQUAL(all[2],
                  R"("billing_address.state": required property is missing)");
  CAF_CHECK_EQUAL(all[3],
                  R"("billing_address.type": required property is missing)");
  CAF_CHECK_EQUAL(all[4],
                  R"("billing_address.city": expected string, got number)");
  CAF_CHECK_EQUAL(all[5], R"("extra": property is not allowed)");
  auto two = schema.validate_all(
    json::parse(R"({"billing_address":{"city":1},"extra":true})"), 2);
  CAF_CHECK_EQUAL(two.size(), 2u);
  CAF_CHECK(schema.validate_all(json::parse(good)).empty());
}

CAF_TEST(an elicitation requested schema with defaults and enum shapes) {
  auto schema = make(R"({
    "type": "object",
    "properties": {
      "name": {"type": "string", "title": "Name", "minLength": 1,
               "maxLength": 50, "default": "Ada"},
      "email": {"type": "string", "format": "email"},
      "age": {"type": "integer", "minimum": 0, "maximum": 150, "default": 30},
      "subscribe": {"type": "boolean", "default": false},
      "color": {"type": "string", "enum": ["red", "green"],
                "enumNames": ["Red", "Green"], "default": "red"},
      "size": {"type": "string", "title": "Size", "default": "m",
               "oneOf": [{"const": "s", "title": "Small"},
                         {"const": "m", "title": "Medium"},
                         {"const": "l", "title": "Large"}]},
      "tags": {"type": "array", "minItems": 1, "maxItems": 2,
               "items": {"anyOf": [{"const": "a", "title": "A"},
                                   {"const": "b", "title": "B"},
                                   {"const": "c", "title": "C"}]},
               "default": ["a"]},
      "plain": {"type": "array", "items": {"type": "string",
                                           "enum": ["x", "y"]}}
    },
    "required": ["name", "email"]
  })");
  CAF_CHECK_EQUAL(check(schema, R"({"name":"Ada","email":"a@b.c","age":36,
    "subscribe":true,"color":"green","size":"l","tags":["a","c"],
    "plain":["y"]})"),
                  "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"name":"Ada"})"),
                  R"("email": required property is missing)");
  CAF_CHECK_EQUAL(check(schema, R"({"name":"","email":"e"})"),
                  R"("name": string has 0 characters, fewer than the minimum )"
                  R"(of 1)");
  CAF_CHECK_EQUAL(check(schema, R"({"name":"A","email":"e","age":151})"),
                  R"("age": 151 is greater than the maximum 150)");
  CAF_CHECK_EQUAL(check(schema,
                        R"({"name":"A","email":"e","subscribe":"yes"})"),
                  R"("subscribe": expected boolean, got string)");
  CAF_CHECK_EQUAL(check(schema, R"({"name":"A","email":"e","color":"Red"})"),
                  R"("color": value is not one of "red", "green")");
  CAF_CHECK_EQUAL(check(schema, R"({"name":"A","email":"e","size":"xl"})"),
                  R"("size": value is not one of "s", "m", "l")");
  CAF_CHECK_EQUAL(check(schema,
                        R"({"name":"A","email":"e","tags":["a","b","x"]})"),
                  R"("tags": array has 3 items, more than the maximum of 2)");
  CAF_CHECK_EQUAL(check(schema, R"({"name":"A","email":"e","tags":["a","x"]})"),
                  R"("tags[1]": value is not one of "a", "b", "c")");
  CAF_CHECK_EQUAL(check(schema,
                        R"({"name":"A","email":"e","plain":["x","z"]})"),
                  R"("plain[1]": value is not one of "x", "y")");
  auto defaults = json::parse(R"({"name":"Ada","email":"e","age":30,
    "subscribe":false,"color":"red","size":"m","tags":["a"]})");
  CAF_CHECK(schema.accepts(defaults));
}

CAF_TEST(a structured content output schema) {
  auto schema = make(R"({
    "type": "object",
    "properties": {
      "temperature": {"type": "number"},
      "conditions": {"type": "string"},
      "readings": {"type": "array", "items": {"type": "number"},
                   "uniqueItems": true}
    },
    "required": ["temperature", "conditions"]
  })");
  CAF_CHECK_EQUAL(check(schema, R"({"temperature":22.5,"conditions":"sunny",
                                    "readings":[1,2.5]})"),
                  "OK");
  CAF_CHECK_EQUAL(check(schema, R"({"temperature":"22.5","conditions":"x"})"),
                  R"("temperature": expected number, got string)");
  CAF_CHECK_EQUAL(check(schema, R"({"temperature":1,"conditions":"x",
                                    "readings":[1,1.0]})"),
                  R"("readings": array items [0] and [1] are equal, )"
                  R"(expected unique items)");
}

// -- the object ---------------------------------------------------------------

CAF_TEST(validate all collects violations up to a bound) {
  auto schema = make(R"({"items":{"type":"string"}})");
  auto all = schema.validate_all(json::parse("[1,2,3,\"x\",4]"));
  CAF_REQUIRE_EQUAL(all.size(), 4u);
  CAF_CHECK_EQUAL(all[0], R"("[0]": expected string, got number)");
  CAF_CHECK_EQUAL(all[3], R"("[4]": expected string, got number)");
  json::array many;
  for (int i = 0; i < 100; ++i)
    many.emplace_back(i);
  CAF_CHECK_EQUAL(schema.validate_all(many).size(), 16u);
  CAF_CHECK_EQUAL(schema.validate_all(many, 3).size(), 3u);
  CAF_CHECK_EQUAL(schema.validate_all(many, 0).size(), 1u);
  CAF_CHECK(schema.validate_all(json::parse(R"(["a"])")).empty());
  auto twice = make(R"({"allOf":[{"required":["a"]},{"required":["a"]}]})");
  CAF_CHECK_EQUAL(twice.validate_all(json::parse("{}")).size(), 1u);
}

CAF_TEST(schemas are cheap to copy and keep their source) {
  auto text = R"({"type":"object","required":["a"]})";
  auto schema = make(text);
  auto copy = schema;
  CAF_CHECK(&copy.source() == &schema.source());
  CAF_CHECK(copy.source() == json::parse(text));
  json_schema moved = std::move(copy);
  CAF_CHECK_EQUAL(check(moved, "{}"), R"("a": required property is missing)");
  json::value original = json::parse(R"({"const":1})");
  auto compiled = json_schema::compile(original);
  CAF_REQUIRE(compiled.has_value());
  original.as_object()["const"] = 2;
  CAF_CHECK_EQUAL(check(*compiled, "1"), "OK");
  CAF_CHECK(compiled->source() == json::parse(R"({"const":1})"));
}

CAF_TEST(concurrent validation with one schema) {
  auto schema = make(R"({"type":"object",
    "properties":{"s":{"pattern":"^[a-z]+$"},"n":{"maximum":10}},
    "required":["s"]})");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto good = json::parse(R"({"s":"abc","n":3})");
      auto bad = json::parse(R"({"s":"abc","n":30})");
      for (int i = 0; i < 500; ++i) {
        if (schema.validate(good).has_value())
          ++wrong;
        auto msg = schema.validate(bad);
        if (!msg || *msg != R"("n": 30 is greater than the maximum 10)")
          ++wrong;
        if ((i + t) % 50 == 0 && schema.accepts(json::parse("{}")))
          ++wrong;
      }
    });
  }
  for (auto& th : threads)
    th.join();
  CAF_CHECK_EQUAL(wrong.load(), 0);
}
