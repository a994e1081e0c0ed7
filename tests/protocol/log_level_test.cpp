#define CAF_SUITE protocol.log_level
#include <caf/test/unit_test.hpp>

#include <boost/json/serialize.hpp>

#include "protocol/log_level.hpp"

using namespace mcp::protocol;

CAF_TEST(levels parse print and order by severity) {
  std::string_view names[] = {"debug", "info",     "notice", "warning",
                              "error", "critical", "alert",  "emergency"};
  std::optional<log_level> previous;
  for (auto name : names) {
    auto level = parse_log_level(name);
    CAF_REQUIRE(level.has_value());
    CAF_CHECK_EQUAL(to_string(*level), name);
    if (previous)
      CAF_CHECK(*previous < *level);
    previous = level;
  }
}

CAF_TEST(unknown levels do not parse) {
  for (auto bad : {"", "DEBUG", "warn", "fatal", "info "})
    CAF_CHECK(!parse_log_level(bad).has_value());
}

CAF_TEST(log messages carry level logger and data) {
  CAF_CHECK_EQUAL(
    boost::json::serialize(make_log_message(log_level::warning, "db", "slow")),
    R"({"jsonrpc":"2.0","method":"notifications/message",)"
    R"("params":{"level":"warning","logger":"db","data":"slow"}})");
  CAF_CHECK_EQUAL(
    boost::json::serialize(make_log_message(log_level::debug, "", 7)),
    R"({"jsonrpc":"2.0","method":"notifications/message",)"
    R"("params":{"level":"debug","data":7}})");
}
