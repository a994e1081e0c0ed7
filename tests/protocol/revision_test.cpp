#define CAF_SUITE protocol.revision
#include <caf/test/unit_test.hpp>

#include <iterator>
#include <string>
#include <string_view>

#include "protocol/revision.hpp"
#include "protocol/version.hpp"

using namespace mcp::protocol;

namespace {

/// One feature check, by name.
struct feature {
  std::string_view name;
  bool (revision::*check)() const noexcept;
};

constexpr feature features[] = {
  {"batches", &revision::has_batches},
  {"completions_capability", &revision::has_completions_capability},
  {"audio_content", &revision::has_audio_content},
  {"progress_message", &revision::has_progress_message},
  {"streamable_http", &revision::has_streamable_http},
  {"elicitation", &revision::has_elicitation},
  {"structured_output", &revision::has_structured_output},
  {"resource_links", &revision::has_resource_links},
  {"titles", &revision::has_titles},
  {"completion_context", &revision::has_completion_context},
  {"elicitation_modes", &revision::has_elicitation_modes},
  {"sampling_tools", &revision::has_sampling_tools},
  {"implementation_details", &revision::has_implementation_details},
  {"enum_schemas", &revision::has_enum_schemas},
  {"sse_priming", &revision::has_sse_priming},
  {"sessions", &revision::has_sessions},
  {"result_type", &revision::has_result_type},
};

/// What each revision has, one column per revision from the oldest
/// (2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28), one row per feature
/// above, as the specification's changelogs and schemas say. A new revision
/// adds a column.
constexpr const char* matrix[] = {
  "11000", // batches
  "01111", // completions_capability
  "01111", // audio_content
  "01111", // progress_message
  "01111", // streamable_http
  "00111", // elicitation
  "00111", // structured_output
  "00111", // resource_links
  "00111", // titles
  "00111", // completion_context
  "00011", // elicitation_modes
  "00011", // sampling_tools
  "00011", // implementation_details
  "00011", // enum_schemas
  "00011", // sse_priming
  "11110", // sessions
  "00001", // result_type
};

static_assert(std::size(features) == std::size(matrix));

} // namespace

CAF_TEST(names parse back to their revision and nothing else parses) {
  for (auto r : revision::all()) {
    auto back = revision::parse(r.name());
    CAF_REQUIRE(back.has_value());
    CAF_CHECK(*back == r);
  }
  CAF_CHECK(!revision::parse(""));
  CAF_CHECK(!revision::parse("2025-11-2"));
  CAF_CHECK(!revision::parse("2025-11-25 "));
  CAF_CHECK(!revision::parse("2099-01-01"));
  CAF_CHECK_EQUAL(revision::latest().name(), "2026-07-28");
  CAF_CHECK_EQUAL(revision::latest_with_sessions().name(), "2025-11-25");
  CAF_CHECK_EQUAL(revision::oldest().name(), "2024-11-05");
}

CAF_TEST(revisions order by date and all lists them newest first) {
  auto all = revision::all();
  CAF_CHECK_EQUAL(all.size(), revision::count);
  for (size_t i = 1; i < all.size(); ++i) {
    CAF_CHECK(all[i] < all[i - 1]);
    CAF_CHECK(all[i].name() < all[i - 1].name());
  }
  CAF_CHECK(revision{revision::v2025_03_26} <= revision::v2025_03_26);
  CAF_CHECK(revision{revision::v2025_06_18} != revision::v2025_03_26);
}

CAF_TEST(nearest picks the newest revision not after a date) {
  CAF_CHECK(revision::nearest("2099-01-01") == revision::latest());
  CAF_CHECK(revision::nearest("2025-07-01") == revision::v2025_06_18);
  CAF_CHECK(revision::nearest("2025-06-18") == revision::v2025_06_18);
  CAF_CHECK(revision::nearest("2025-06-17") == revision::v2025_03_26);
  CAF_CHECK(revision::nearest("") == revision::oldest());
  CAF_CHECK(revision::nearest("1999-01-01") == revision::oldest());
}

CAF_TEST(each revision has exactly the features of its column) {
  for (size_t f = 0; f < std::size(features); ++f) {
    for (size_t i = 0; i < revision::count; ++i) {
      revision r{static_cast<revision::id>(i)};
      auto expected = matrix[f][i] == '1';
      if ((r.*features[f].check)() != expected)
        CAF_FAIL(std::string{features[f].name} << " is " << !expected
                 << " for " << r.name());
      CAF_CHECK_EQUAL((r.*features[f].check)(), expected);
    }
  }
}

CAF_TEST(the version helpers read the revision type) {
  CAF_CHECK_EQUAL(latest_protocol_version,
                  revision::latest_with_sessions().name());
  CAF_REQUIRE_EQUAL(supported_protocol_versions.size(), revision::count);
  for (size_t i = 0; i < revision::count; ++i)
    CAF_CHECK_EQUAL(supported_protocol_versions[i],
                    revision::all()[i].name());
  CAF_CHECK(is_supported_protocol_version("2025-06-18"));
  CAF_CHECK(!is_supported_protocol_version("2025-06-19"));
  CAF_CHECK(allows_batches("2024-11-05"));
  CAF_CHECK(allows_batches("2025-03-26"));
  CAF_CHECK(!allows_batches("2025-06-18"));
  CAF_CHECK(!allows_batches("2025-11-25"));
  CAF_CHECK(!allows_batches("2026-07-28"));
  CAF_CHECK(!allows_batches(""));
  CAF_CHECK(is_supported_protocol_version("2026-07-28"));
  CAF_CHECK(!is_session_protocol_version("2026-07-28"));
  CAF_CHECK(is_session_protocol_version("2024-11-05"));
}
