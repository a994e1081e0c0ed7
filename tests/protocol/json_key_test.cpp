#define CAF_SUITE protocol.json_key
#include <caf/test/unit_test.hpp>

#include <unordered_set>

#include <boost/json/parse.hpp>

#include "protocol/json_key.hpp"

using mcp::protocol::progress_token;
using mcp::protocol::request_id;

CAF_TEST(integers and strings are distinct keys) {
  request_id a{42};
  request_id b{"42"};
  CAF_CHECK(a.is_integer());
  CAF_CHECK(b.is_string());
  CAF_CHECK_NOT_EQUAL(a, b);
  CAF_CHECK_EQUAL(a.as_integer(), 42);
  CAF_CHECK_EQUAL(b.as_string(), "42");
  std::unordered_set<request_id> ids{a, b, request_id{42}};
  CAF_CHECK_EQUAL(ids.size(), 2u);
}

CAF_TEST(keys round trip through JSON and JSON text) {
  for (auto& key : {progress_token{7}, progress_token{"tok \"q\""},
                    progress_token{-1}}) {
    auto from_value = progress_token::from_json(key.to_json());
    CAF_REQUIRE(from_value.has_value());
    CAF_CHECK_EQUAL(*from_value, key);
    auto from_text = progress_token::from_json_text(key.to_json_text());
    CAF_REQUIRE(from_text.has_value());
    CAF_CHECK_EQUAL(*from_text, key);
  }
  CAF_CHECK_EQUAL(progress_token{"a"}.to_json_text(), "\"a\"");
  CAF_CHECK_EQUAL(progress_token{5}.to_json_text(), "5");
}

CAF_TEST(only strings and integers are keys) {
  for (auto text : {"1.5", "null", "true", "[]", "{}", "18446744073709551615"})
    CAF_CHECK(!request_id::from_json(boost::json::parse(text)).has_value());
  CAF_CHECK(request_id::from_json(boost::json::parse("9007199254740993")));
  CAF_CHECK(!request_id::from_json_text("{").has_value());
}
