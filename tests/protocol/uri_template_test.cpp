#define CAF_SUITE protocol.uri_template
#include <caf/test/unit_test.hpp>

#include "protocol/uri_template.hpp"

using namespace mcp::protocol;

namespace {

uri_template make(std::string_view text) {
  auto res = uri_template::parse(text);
  if (!res)
    CAF_FAIL("cannot parse " << text << ": " << res.error().what);
  return std::move(*res);
}

} // namespace

CAF_TEST(simple variables match one path segment and are decoded) {
  auto t = make("test://template/{id}/data");
  CAF_CHECK_EQUAL(t.variables(), std::vector<std::string>{"id"});
  auto vars = t.match("test://template/123/data");
  CAF_REQUIRE(vars.has_value());
  CAF_CHECK_EQUAL(vars->at("id"), "123");
  auto spaced = t.match("test://template/a%20b/data");
  CAF_REQUIRE(spaced.has_value());
  CAF_CHECK_EQUAL(spaced->at("id"), "a b");
  CAF_CHECK(!t.match("test://template/1/2/data"));
  CAF_CHECK(!t.match("test://template//data"));
  CAF_CHECK(!t.match("test://template/123/data/more"));
  CAF_CHECK(!t.match("test://other/123/data"));
  CAF_CHECK(!t.match("test://template/%zz/data"));
}

CAF_TEST(reserved expansion matches slashes) {
  auto t = make("file:///{+path}");
  auto vars = t.match("file:///home/user/a.txt");
  CAF_REQUIRE(vars.has_value());
  CAF_CHECK_EQUAL(vars->at("path"), "home/user/a.txt");
  CAF_CHECK_EQUAL(t.expand({{"path", "a b/c"}}), "file:///a%20b/c");
}

CAF_TEST(several variables split at the last possible separator) {
  auto t = make("demo://{name}.{ext}");
  auto vars = t.match("demo://archive.tar.gz");
  CAF_REQUIRE(vars.has_value());
  CAF_CHECK_EQUAL(vars->at("name"), "archive.tar");
  CAF_CHECK_EQUAL(vars->at("ext"), "gz");
  auto t2 = make("x://{a}/{b}?q");
  auto v2 = t2.match("x://1/2?q");
  CAF_REQUIRE(v2.has_value());
  CAF_CHECK_EQUAL(v2->at("a"), "1");
  CAF_CHECK_EQUAL(v2->at("b"), "2");
}

CAF_TEST(expansion percent encodes and round trips through match) {
  auto t = make("test://template/{id}/data");
  auto uri = t.expand({{"id", "a/b c"}});
  CAF_CHECK_EQUAL(uri, "test://template/a%2Fb%20c/data");
  auto vars = t.match(uri);
  CAF_REQUIRE(vars.has_value());
  CAF_CHECK_EQUAL(vars->at("id"), "a/b c");
  CAF_CHECK_EQUAL(t.expand({}), "test://template//data");
}

CAF_TEST(a simple variable never takes a malformed or cut escape) {
  // Found by fuzz.uri_template: the longest split gave `a` the value
  // "82%F5%9", which does not decode, although a shorter one fits.
  auto t = make("{a}%{+b}");
  auto vars = t.match("82%F5%9%7BE");
  CAF_REQUIRE(vars.has_value());
  CAF_CHECK_EQUAL(vars->at("a"), "82\xF5");
  CAF_CHECK_EQUAL(vars->at("b"), "9%7BE");
  CAF_CHECK(t.match(t.expand(*vars)).has_value());
  // An end may not fall inside an escape that starts in the value ...
  auto cut = make("x{a}1y");
  CAF_CHECK(!cut.match("x%41y"));
  auto whole = cut.match("x%411y");
  CAF_REQUIRE(whole.has_value());
  CAF_CHECK_EQUAL(whole->at("a"), "A");
  // ... but may start right after a literal that ends mid-escape.
  auto inner = make("x%4{a}z");
  auto tail = inner.match("x%41z");
  CAF_REQUIRE(tail.has_value());
  CAF_CHECK_EQUAL(tail->at("a"), "1");
  CAF_CHECK(!make("x{a}").match("x%4"));
}

CAF_TEST(templates without variables match themselves only) {
  auto t = make("test://static");
  CAF_CHECK(t.variables().empty());
  CAF_CHECK(t.match("test://static").has_value());
  CAF_CHECK(!t.match("test://static2").has_value());
}

CAF_TEST(invalid templates are refused with a reason) {
  for (auto text : {"x://{", "x://}", "x://{}", "x://{a}{b}", "x://{#a}",
                    "x://{?a}", "x://{a b}", "x://{a}/{a}"}) {
    auto res = uri_template::parse(text);
    CAF_CHECK(!res.has_value());
    if (!res.has_value())
      CAF_CHECK(res.error().what.find("invalid URI template") == 0);
  }
  auto twice = uri_template::parse("x://{a}/{a}");
  CAF_REQUIRE(!twice.has_value());
  CAF_CHECK(twice.error().what.find("appears twice") != std::string::npos);
}

CAF_TEST(percent coding handles every byte) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  auto encoded = percent_encode(all);
  auto decoded = percent_decode(encoded);
  CAF_REQUIRE(decoded.has_value());
  CAF_CHECK_EQUAL(*decoded, all);
  CAF_CHECK_EQUAL(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
  CAF_CHECK_EQUAL(percent_encode("a/b", true), "a/b");
  CAF_CHECK_EQUAL(percent_encode("%41", true), "%41");
  CAF_CHECK_EQUAL(percent_encode("%4", true), "%254");
  CAF_CHECK(!percent_decode("%4").has_value());
  CAF_CHECK(!percent_decode("%").has_value());
}

CAF_TEST(matching takes linear time on pathological input) {
  // Backtracking over every split would take minutes here.
  auto t = make("x://{a}-{b}-{c}-{d}");
  std::string uri = "x://" + std::string(8000, '-') + "/";
  CAF_CHECK(!t.match(uri).has_value());
  auto ok = t.match("x://" + std::string(4000, '-') + "a");
  CAF_REQUIRE(ok.has_value());
  CAF_CHECK_EQUAL(ok->at("d"), "a");
  auto reserved = make("x://{+a}-{+b}");
  CAF_CHECK(!reserved.match("x://" + std::string(8000, 'x')).has_value());
  CAF_CHECK(reserved.match("x://" + std::string(8000, '-')).has_value());
}
