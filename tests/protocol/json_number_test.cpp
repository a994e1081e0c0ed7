#define CAF_SUITE protocol.json_number
#include <caf/test/unit_test.hpp>

#include <boost/json/serialize.hpp>

#include "protocol/json_number.hpp"

using namespace mcp::protocol;

CAF_TEST(whole numbers become integers) {
  CAF_CHECK(json_number(50).is_int64());
  CAF_CHECK_EQUAL(boost::json::serialize(json_number(50)), "50");
  CAF_CHECK_EQUAL(boost::json::serialize(json_number(-3)), "-3");
  CAF_CHECK(json_number(0.5).is_double());
  CAF_CHECK(json_number(1e300).is_double());
}

CAF_TEST(numbers print briefly and round trip) {
  CAF_CHECK_EQUAL(format_number(50), "50");
  CAF_CHECK_EQUAL(format_number(0.5), "0.5");
  CAF_CHECK_EQUAL(format_number(0.1), "0.1");
  CAF_CHECK_EQUAL(format_number(-2.25), "-2.25");
  CAF_CHECK_EQUAL(std::stod(format_number(1.0 / 3)), 1.0 / 3);
}
