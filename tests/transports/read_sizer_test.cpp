#define CAF_SUITE transports.read_sizer
#include <caf/test/unit_test.hpp>

#include "transports/read_sizer.hpp"

using mcp::transports::read_sizer;

CAF_TEST(reads start small and grow while they fill the buffer) {
  read_sizer rs;
  CAF_CHECK_EQUAL(rs.size(), read_sizer::min_size);
  CAF_CHECK(!rs.after_read(100));
  CAF_CHECK(rs.after_read(read_sizer::min_size));
  CAF_CHECK_EQUAL(rs.size(), 4 * read_sizer::min_size);
  CAF_CHECK(rs.after_read(rs.size()));
  CAF_CHECK_EQUAL(rs.size(), read_sizer::max_size);
  CAF_CHECK(!rs.after_read(rs.size()));
  CAF_CHECK_EQUAL(rs.size(), read_sizer::max_size);
}

CAF_TEST(a run of small reads shrinks the buffer and a larger one breaks it) {
  read_sizer rs;
  rs.after_read(rs.size());
  rs.after_read(rs.size());
  CAF_REQUIRE_EQUAL(rs.size(), read_sizer::max_size);
  for (unsigned i = 1; i < read_sizer::shrink_after; ++i)
    CAF_CHECK(!rs.after_read(10));
  // A read of more than a quarter starts the count again.
  CAF_CHECK(!rs.after_read(read_sizer::max_size / 2));
  for (unsigned i = 1; i < read_sizer::shrink_after; ++i)
    CAF_CHECK(!rs.after_read(10));
  CAF_CHECK_EQUAL(rs.size(), read_sizer::max_size);
  CAF_CHECK(rs.after_read(10));
  CAF_CHECK_EQUAL(rs.size(), read_sizer::min_size);
}
