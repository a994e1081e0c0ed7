#define CAF_SUITE protocol.elicitation_form
#include <caf/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "protocol/elicitation_form.hpp"
#include "protocol/json_schema.hpp"

namespace json = boost::json;
using namespace mcp::protocol;

CAF_TEST(primitive fields carry their defaults) {
  auto form = elicitation_form{}
                .text("name", "User name", "John Doe")
                .integer("age", "User age", 30, 0)
                .number("score", "User score", 95.5)
                .boolean("verified", "Verified?", true)
                .text("email", "", std::nullopt, "email")
                .title("E-mail")
                .required({"name"});
  CAF_CHECK_EQUAL(json::value(form.to_json()), json::parse(R"({
    "type":"object",
    "properties":{
      "name":{"type":"string","description":"User name","default":"John Doe"},
      "age":{"type":"integer","description":"User age","minimum":0,
             "default":30},
      "score":{"type":"number","description":"User score","default":95.5},
      "verified":{"type":"boolean","description":"Verified?","default":true},
      "email":{"type":"string","format":"email","title":"E-mail"}},
    "required":["name"]})"));
}

CAF_TEST(enums come in the four SEP-1330 shapes) {
  auto form = elicitation_form{}
                .single_select("a", {"x", "y"}, "x")
                .single_select_titled("b", {{"v1", "One"}, {"v2", "Two"}})
                .multi_select("c", {"x", "y"}, {"y"})
                .multi_select_titled("d", {{"v1", "One"}});
  auto props = form.to_json().at("properties");
  CAF_CHECK_EQUAL(props.at("a"), json::parse(R"({"type":"string",
    "enum":["x","y"],"default":"x"})"));
  CAF_CHECK_EQUAL(props.at("b"), json::parse(R"({"type":"string",
    "oneOf":[{"const":"v1","title":"One"},{"const":"v2","title":"Two"}]})"));
  CAF_CHECK_EQUAL(props.at("c"), json::parse(R"({"type":"array",
    "items":{"type":"string","enum":["x","y"]},"default":["y"]})"));
  CAF_CHECK_EQUAL(props.at("d"), json::parse(R"({"type":"array",
    "items":{"anyOf":[{"const":"v1","title":"One"}]}})"));
}

CAF_TEST(answers are checked against the form) {
  auto form = elicitation_form{}
                .single_select("a", {"x", "y"})
                .multi_select("c", {"x", "y"})
                .required({"a"});
  auto schema = json_schema::compile(form.to_json());
  CAF_REQUIRE(schema.has_value());
  CAF_CHECK(!schema->validate(json::parse(R"({"a":"x","c":["y"]})")));
  CAF_CHECK(schema->validate(json::parse(R"({"a":"z"})")).has_value());
  CAF_CHECK(schema->validate(json::parse(R"({"c":["x"]})")).has_value());
  CAF_CHECK(schema->validate(json::parse(R"({"a":"x","c":["q"]})")).has_value());
}

CAF_TEST(older revisions get titled enums in the legacy form) {
  auto form = elicitation_form{}
                .text("name")
                .single_select_titled("size", {{"s", "Small"}, {"l", "Large"}})
                .to_json();
  auto newest = requested_schema_for_revision(form, "2025-11-25");
  CAF_REQUIRE(newest.has_value());
  CAF_CHECK_EQUAL(json::value(*newest), json::value(form));
  auto older = requested_schema_for_revision(form, "2025-06-18");
  CAF_REQUIRE(older.has_value());
  CAF_CHECK_EQUAL(older->at("properties").at("size"), json::parse(R"({
    "type":"string","enum":["s","l"],"enumNames":["Small","Large"]})"));
}

CAF_TEST(schemas a form cannot show are refused naming the field) {
  auto multi = elicitation_form{}.multi_select("tags", {"a"}).to_json();
  CAF_CHECK(requested_schema_for_revision(multi, "2025-11-25").has_value());
  auto refused = requested_schema_for_revision(multi, "2025-06-18");
  CAF_REQUIRE(!refused.has_value());
  CAF_CHECK(refused.error().what.find("\"tags\"") != std::string::npos);
  auto nested = elicitation_form{}
                  .field("deep", json::parse(R"({"type":"object"})").as_object())
                  .to_json();
  auto deep = requested_schema_for_revision(nested, "2025-11-25");
  CAF_REQUIRE(!deep.has_value());
  CAF_CHECK(deep.error().what.find("\"deep\"") != std::string::npos);
  CAF_CHECK(!requested_schema_for_revision(json::object{{"type", "string"}},
                                           "2025-11-25")
               .has_value());
}

CAF_TEST(clients fill in the defaults a form declares) {
  auto schema = boost::json::parse(R"({"type":"object","properties":{
    "name":{"type":"string","default":"John Doe"},
    "age":{"type":"integer","default":30},
    "note":{"type":"string"},
    "verified":{"type":"boolean","default":true}}})").as_object();
  boost::json::object content{{"name", "Jane"}};
  CAF_CHECK_EQUAL(apply_elicitation_defaults(schema, content), 2u);
  CAF_CHECK_EQUAL(content.at("name"), "Jane");
  CAF_CHECK_EQUAL(content.at("age"), 30);
  CAF_CHECK_EQUAL(content.at("verified"), true);
  CAF_CHECK(!content.contains("note"));
  boost::json::object none;
  CAF_CHECK_EQUAL(apply_elicitation_defaults(boost::json::object{}, none), 0u);
}
