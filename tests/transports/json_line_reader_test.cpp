#define CAF_SUITE transports.json_line_reader
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "transports/json_line_reader.hpp"

namespace json = boost::json;
using namespace mcp::transports;

namespace {

/// Records what a reader delivers, one string per delivery.
struct fixture {
  json_line_reader reader{32};
  std::vector<std::string> got;

  void record(inbound_atom, const json::value& x) {
    got.push_back("one " + json::serialize(x));
  }

  void record(inbound_atom, const std::vector<json::value>& xs) {
    std::string res = "run";
    for (auto& x : xs)
      res += " " + json::serialize(x);
    got.push_back(std::move(res));
  }

  void record(const transport_fault& x) {
    got.push_back(std::string{to_string(x.kind)} + " " + x.detail);
  }

  void feed(std::string_view bytes) {
    reader.feed(bytes, [this](auto&&... xs) { record(xs...); });
  }

  void finish() {
    reader.finish([this](auto&&... xs) { record(xs...); });
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(json_line_reader_tests, fixture)

CAF_TEST(messages of one read arrive together and faults keep their place) {
  feed("{\"a\":1}\n[2]\nnot json\n3\n" + std::string(40, 'x') + "\n{\"b\"");
  CAF_REQUIRE_EQUAL(got.size(), 4u);
  CAF_CHECK_EQUAL(got[0], R"(run {"a":1} [2])");
  CAF_CHECK_EQUAL(got[1].rfind("malformed_message malformed JSON (", 0), 0u);
  CAF_CHECK(got[1].find("): not json") != std::string::npos);
  CAF_CHECK_EQUAL(got[2], "one 3");
  CAF_CHECK_EQUAL(got[3],
                  "oversized_message dropped a line of 40 bytes (limit 32)");
  feed(":true}\n");
  CAF_REQUIRE_EQUAL(got.size(), 5u);
  CAF_CHECK_EQUAL(got[4], R"(one {"b":true})");
  CAF_CHECK_EQUAL(reader.messages_in(), 4u);
  CAF_CHECK_EQUAL(reader.malformed(), 1u);
  CAF_CHECK_EQUAL(reader.oversized(), 1u);
}

CAF_TEST(the end of input completes a last line without newline) {
  feed("{\"last\":");
  CAF_CHECK(got.empty());
  feed("[]}");
  finish();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0], R"(one {"last":[]})");
}

CAF_TEST(messages outlive their read) {
  struct keeper {
    std::vector<json::value>* kept;
    void operator()(inbound_atom, json::value&& x) {
      kept->push_back(std::move(x));
    }
    void operator()(inbound_atom, std::vector<json::value>&&) {
      CAF_FAIL("expected one message per read");
    }
    void operator()(transport_fault&&) {
      CAF_FAIL("unexpected fault");
    }
  };
  std::vector<json::value> kept;
  reader.feed("{\"k\":\"v\"}\n", keeper{&kept});
  reader.feed("{\"k\":\"w\"}\n", keeper{&kept});
  CAF_REQUIRE_EQUAL(kept.size(), 2u);
  CAF_CHECK_EQUAL(kept[0].at("k"), "v");
  CAF_CHECK_EQUAL(kept[1].at("k"), "w");
}

CAF_TEST_FIXTURE_SCOPE_END()
