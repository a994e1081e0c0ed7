#define CAF_SUITE protocol.lifecycle
#include <caf/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "protocol/lifecycle.hpp"
#include "protocol/version.hpp"

namespace json = boost::json;
using namespace mcp::protocol;

CAF_TEST(every supported version is accepted and others are refused) {
  for (auto v : supported_protocol_versions) {
    json::value result = json::parse(R"({"capabilities":{},
      "serverInfo":{"name":"s","version":"1"}})");
    result.as_object()["protocolVersion"] = v;
    auto parsed = parse_initialize_result(result);
    CAF_REQUIRE(parsed.has_value());
    CAF_CHECK_EQUAL(parsed->protocol_version, v);
  }
  auto refused = parse_initialize_result(json::parse(
    R"({"protocolVersion":"1999-01-01","capabilities":{},
        "serverInfo":{"name":"s","version":"1"}})"));
  CAF_REQUIRE(!refused.has_value());
  CAF_CHECK(refused.error().what.find("1999-01-01") != std::string::npos);
  CAF_CHECK(refused.error().what.find("2025-11-25") != std::string::npos);
}

CAF_TEST(initialize results missing members are refused) {
  for (auto text :
       {R"([])", R"({"capabilities":{},"serverInfo":{}})",
        R"({"protocolVersion":"2025-11-25","serverInfo":{}})",
        R"({"protocolVersion":"2025-11-25","capabilities":{}})"})
    CAF_CHECK(!parse_initialize_result(json::parse(text)).has_value());
}

CAF_TEST(capabilities and instructions are kept) {
  auto parsed = parse_initialize_result(json::parse(R"({
    "protocolVersion":"2025-06-18",
    "capabilities":{"tools":{"listChanged":true},
                    "resources":{"subscribe":true},
                    "logging":{}, "experimental":{"x":{}}},
    "serverInfo":{"name":"s","version":"1"},
    "instructions":"be nice"})"));
  CAF_REQUIRE(parsed.has_value());
  auto& caps = parsed->capabilities;
  CAF_CHECK(caps.tools && caps.tools_list_changed);
  CAF_CHECK(caps.resources && caps.resources_subscribe);
  CAF_CHECK(!caps.resources_list_changed);
  CAF_CHECK(!caps.prompts && !caps.completions);
  CAF_CHECK(caps.logging);
  CAF_CHECK(caps.raw.contains("experimental"));
  CAF_CHECK_EQUAL(parsed->instructions, "be nice");
}

CAF_TEST(requests are checked against server capabilities) {
  server_capabilities caps;
  CAF_CHECK(check_method_allowed(caps, "tools/call").has_value());
  CAF_CHECK(check_method_allowed(caps, "resources/read").has_value());
  CAF_CHECK(check_method_allowed(caps, "prompts/get").has_value());
  CAF_CHECK(check_method_allowed(caps, "completion/complete").has_value());
  CAF_CHECK(check_method_allowed(caps, "logging/setLevel").has_value());
  CAF_CHECK(!check_method_allowed(caps, "ping").has_value());
  caps.tools = caps.resources = true;
  CAF_CHECK(!check_method_allowed(caps, "tools/call").has_value());
  CAF_CHECK(!check_method_allowed(caps, "resources/read").has_value());
  auto why = check_method_allowed(caps, "resources/subscribe");
  CAF_REQUIRE(why.has_value());
  CAF_CHECK(why->find("resources.subscribe") != std::string::npos);
  caps.resources_subscribe = true;
  CAF_CHECK(!check_method_allowed(caps, "resources/unsubscribe").has_value());
}

CAF_TEST(client capabilities follow the negotiated revision) {
  client_capabilities caps;
  caps.roots = caps.roots_list_changed = caps.sampling = caps.elicitation
    = true;
  auto newest = caps.to_json("2025-11-25");
  CAF_CHECK(newest.at("roots").at("listChanged").as_bool());
  CAF_CHECK(newest.contains("sampling"));
  CAF_CHECK(newest.at("elicitation").as_object().contains("form"));
  auto june = caps.to_json("2025-06-18");
  CAF_CHECK(june.contains("elicitation"));
  CAF_CHECK(june.at("elicitation").as_object().empty());
  CAF_CHECK(!caps.to_json("2025-03-26").contains("elicitation"));
  CAF_CHECK(client_capabilities{}.to_json("2025-11-25").empty());
  implementation_info info{"n", "1.0", "Title"};
  CAF_CHECK(info.to_json("2025-11-25").contains("title"));
  CAF_CHECK(!info.to_json("2024-11-05").contains("title"));
  auto params = make_initialize_params("2025-11-25", info, caps);
  CAF_CHECK_EQUAL(params.at("protocolVersion").as_string(), "2025-11-25");
  CAF_CHECK_EQUAL(params.at("clientInfo").at("name").as_string(), "n");
}
