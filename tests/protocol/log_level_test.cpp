#define CAF_SUITE protocol.log_level
#include <caf/test/unit_test.hpp>

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
