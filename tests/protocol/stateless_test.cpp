#define CAF_SUITE protocol.stateless
#include <caf/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "protocol/stateless.hpp"

namespace json = boost::json;
using namespace mcp::protocol;

CAF_TEST(request meta reads back as what it says) {
  client_capabilities caps;
  caps.roots = caps.roots_list_changed = caps.sampling = caps.elicitation = true;
  implementation_info info{"c", "1", "Client"};
  auto meta = make_request_meta(revision::v2026_07_28, caps, info,
                                log_level::warning);
  CAF_CHECK_EQUAL(meta.at(meta_keys::protocol_version), "2026-07-28");
  // 2026-07-28 has no roots.listChanged.
  CAF_CHECK_EQUAL(meta.at(meta_keys::client_capabilities).at("roots"),
                  json::value(json::object{}));
  CAF_CHECK_EQUAL(meta.at(meta_keys::client_info).at("title"), "Client");
  CAF_CHECK_EQUAL(meta.at(meta_keys::log_level), "warning");
  json::value params = json::object{{"_meta", meta}};
  auto back = read_request_meta(&params);
  CAF_REQUIRE(back.has_value());
  CAF_CHECK(back->rev == revision::v2026_07_28);
  CAF_CHECK(back->capabilities.roots && back->capabilities.sampling
            && back->capabilities.elicitation);
  CAF_CHECK(back->level == log_level::warning);
  CAF_CHECK_EQUAL(back->client_info.at("name"), "c");
  // Without a name, no clientInfo; without a level, no logLevel.
  auto bare = make_request_meta(revision::v2026_07_28, {}, {});
  CAF_CHECK(!bare.contains(meta_keys::client_info));
  CAF_CHECK(!bare.contains(meta_keys::log_level));
}

CAF_TEST(discover results are read and checked) {
  auto res = parse_discover_result(json::parse(R"({"resultType":"complete",
    "supportedVersions":["2025-11-25","2026-07-28","2027-01-01"],
    "capabilities":{"tools":{"listChanged":true},"prompts":{}},
    "instructions":"be kind","ttlMs":60000,"cacheScope":"public",
    "_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"2"}}})"));
  CAF_REQUIRE(res.has_value());
  CAF_CHECK_EQUAL(res->supported.size(), 3u);
  CAF_REQUIRE(res->stateless.has_value());
  CAF_CHECK(*res->stateless == revision::v2026_07_28);
  CAF_CHECK(res->capabilities.tools && res->capabilities.tools_list_changed);
  CAF_CHECK(res->capabilities.prompts && !res->capabilities.resources);
  CAF_CHECK_EQUAL(res->server_info.at("name"), "s");
  CAF_CHECK_EQUAL(res->instructions, "be kind");
  CAF_CHECK_EQUAL(res->ttl_ms, 60000);
  auto legacy_only = parse_discover_result(json::parse(
    R"({"supportedVersions":["2025-11-25"],"capabilities":{},"ttlMs":-5})"));
  CAF_REQUIRE(legacy_only.has_value());
  CAF_CHECK(!legacy_only->stateless.has_value());
  CAF_CHECK_EQUAL(legacy_only->ttl_ms, 0);
  for (auto bad : {R"([])", R"({"capabilities":{}})",
                   R"({"supportedVersions":"2026-07-28","capabilities":{}})",
                   R"({"supportedVersions":[1],"capabilities":{}})",
                   R"({"supportedVersions":[]})"})
    CAF_CHECK(!parse_discover_result(json::parse(bad)).has_value());
}

CAF_TEST(discover results of this library read back) {
  server_capabilities caps;
  caps.tools = caps.logging = true;
  auto made = make_discover_result(revision::v2026_07_28, caps, "hi");
  auto res = parse_discover_result(json::value(made));
  CAF_REQUIRE(res.has_value());
  CAF_CHECK(*res->stateless == revision::latest());
  CAF_CHECK(res->capabilities.tools && res->capabilities.logging);
  CAF_CHECK_EQUAL(res->instructions, "hi");
  CAF_CHECK_EQUAL(res->supported.size(), revision::count);
}
