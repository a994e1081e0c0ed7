#define CAF_SUITE protocol.lifecycle
#include <caf/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "protocol/lifecycle.hpp"
#include "protocol/version.hpp"

namespace json = boost::json;
using namespace mcp::protocol;

CAF_TEST(every session revision is accepted and others are refused) {
  for (auto r : revision::all()) {
    if (!r.has_sessions())
      continue;
    auto v = r.name();
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
  CAF_CHECK(refused.error().code == error_code::unsupported_protocol_version);
  CAF_CHECK(refused.error().what.find("1999-01-01") != std::string::npos);
  CAF_CHECK(refused.error().what.find("2025-11-25") != std::string::npos);
  // 2026-07-28 has no initialize: a server that picks it there is wrong.
  auto stateless = parse_initialize_result(json::parse(
    R"({"protocolVersion":"2026-07-28","capabilities":{},
        "serverInfo":{"name":"s","version":"1"}})"));
  CAF_REQUIRE(!stateless.has_value());
  CAF_CHECK(stateless.error().what.find("2026-07-28\" (supported: 2025-11-25,")
            != std::string::npos);
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

CAF_TEST(completion needs its capability only where revisions have one) {
  server_capabilities caps;
  CAF_CHECK(!check_method_allowed(caps, "completion/complete",
                                  revision::v2024_11_05));
  for (auto r : {revision::v2025_03_26, revision::v2025_06_18,
                 revision::v2025_11_25})
    CAF_CHECK(check_method_allowed(caps, "completion/complete", r));
  caps.completions = true;
  CAF_CHECK(!check_method_allowed(caps, "completion/complete",
                                  revision::v2025_03_26));
  // The others are gated in every revision.
  CAF_CHECK(check_method_allowed(caps, "tools/call", revision::v2024_11_05));
}

CAF_TEST(requests are checked against server capabilities) {
  server_capabilities caps;
  auto rev = revision::latest_with_sessions();
  CAF_CHECK(check_method_allowed(caps, "tools/call", rev).has_value());
  CAF_CHECK(check_method_allowed(caps, "resources/read", rev).has_value());
  CAF_CHECK(check_method_allowed(caps, "prompts/get", rev).has_value());
  CAF_CHECK(check_method_allowed(caps, "completion/complete", rev).has_value());
  CAF_CHECK(check_method_allowed(caps, "logging/setLevel", rev).has_value());
  CAF_CHECK(!check_method_allowed(caps, "ping", rev).has_value());
  caps.tools = caps.resources = true;
  CAF_CHECK(!check_method_allowed(caps, "tools/call", rev).has_value());
  CAF_CHECK(!check_method_allowed(caps, "resources/read", rev).has_value());
  auto why = check_method_allowed(caps, "resources/subscribe", rev);
  CAF_REQUIRE(why.has_value());
  CAF_CHECK(why->find("resources.subscribe") != std::string::npos);
  caps.resources_subscribe = true;
  CAF_CHECK(!check_method_allowed(caps, "resources/unsubscribe", rev).has_value());
  caps.logging = caps.prompts = caps.completions = true;
  CAF_CHECK(!check_method_allowed(caps, "logging/setLevel", rev));
  // Methods this library does not know, or that servers send, pass.
  CAF_CHECK(!check_method_allowed(caps, "vendor/thing", rev));
  CAF_CHECK(!check_method_allowed(caps, "roots/list", rev));
}

CAF_TEST(requests are checked against the revision that has them) {
  server_capabilities caps;
  caps.tools = caps.resources = caps.resources_subscribe = caps.logging = true;
  auto stateless = revision::v2026_07_28;
  for (auto gone : {"initialize", "ping", "logging/setLevel",
                    "resources/subscribe", "resources/unsubscribe"}) {
    auto why = check_method_allowed(caps, gone, stateless);
    CAF_REQUIRE(why.has_value());
    CAF_CHECK_EQUAL(*why, std::string{gone}
                            + " does not exist in protocol revision "
                              "2026-07-28");
    CAF_CHECK(!check_method_allowed(caps, gone, revision::v2025_11_25));
  }
  CAF_CHECK(!check_method_allowed(caps, "server/discover", stateless));
  CAF_CHECK(!check_method_allowed(caps, "subscriptions/listen", stateless));
  CAF_CHECK(check_method_allowed(caps, "server/discover",
                                 revision::v2025_11_25));
  CAF_CHECK(!check_method_allowed(caps, "tools/call", stateless));
  CAF_CHECK(check_method_allowed(caps, "prompts/get", stateless));
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

CAF_TEST(servers answer with the requested version or the newest) {
  for (auto r : revision::all())
    if (r.has_sessions())
      CAF_CHECK_EQUAL(negotiate_protocol_version(r.name()), r.name());
  CAF_CHECK_EQUAL(latest_protocol_version, "2025-11-25");
  CAF_CHECK_EQUAL(negotiate_protocol_version("2026-07-28"),
                  latest_protocol_version);
  CAF_CHECK_EQUAL(negotiate_protocol_version("1999-01-01"),
                  latest_protocol_version);
  CAF_CHECK_EQUAL(negotiate_protocol_version(""), latest_protocol_version);
}

CAF_TEST(initialize params are read and checked) {
  auto params = json::parse(R"({"protocolVersion":"2025-06-18",
    "capabilities":{"roots":{"listChanged":true},"sampling":{"tools":{}},
                    "elicitation":{}},
    "clientInfo":{"name":"c","version":"2"}})");
  auto req = parse_initialize_params(&params);
  CAF_REQUIRE(req.has_value());
  CAF_CHECK_EQUAL(req->protocol_version, "2025-06-18");
  CAF_CHECK(req->capabilities.roots && req->capabilities.roots_list_changed);
  CAF_CHECK(req->capabilities.sampling && req->capabilities.sampling_tools);
  CAF_CHECK(!req->capabilities.sampling_context);
  CAF_CHECK(req->capabilities.elicitation);
  CAF_CHECK(!req->capabilities.elicitation_url);
  CAF_CHECK_EQUAL(req->client_info.at("name"), "c");
  CAF_CHECK(!parse_initialize_params(nullptr).has_value());
  for (auto text :
       {R"([])", R"({"capabilities":{},"clientInfo":{"name":"c","version":"1"}})",
        R"({"protocolVersion":1,"capabilities":{},
            "clientInfo":{"name":"c","version":"1"}})",
        R"({"protocolVersion":"2025-06-18",
            "clientInfo":{"name":"c","version":"1"}})",
        R"({"protocolVersion":"2025-06-18","capabilities":{}})",
        R"({"protocolVersion":"2025-06-18","capabilities":{},
            "clientInfo":{"version":"1"}})"}) {
    auto bad = json::parse(text);
    CAF_CHECK(!parse_initialize_params(&bad).has_value());
  }
}

CAF_TEST(elicitation modes follow the spec defaults) {
  auto caps = [](std::string_view text) {
    return client_capabilities::from_json(json::parse(text));
  };
  auto empty = caps(R"({"elicitation":{}})");
  CAF_CHECK(empty.elicitation && !empty.elicitation_url);
  auto url = caps(R"({"elicitation":{"url":{}}})");
  CAF_CHECK(!url.elicitation && url.elicitation_url);
  auto both = caps(R"({"elicitation":{"form":{},"url":{}}})");
  CAF_CHECK(both.elicitation && both.elicitation_url);
  auto none = caps(R"({})");
  CAF_CHECK(!none.elicitation && !none.elicitation_url && !none.roots
            && !none.sampling);
}

CAF_TEST(server capabilities declare exactly what is set) {
  server_capabilities caps;
  CAF_CHECK(caps.to_json("2025-11-25").empty());
  caps.tools = true;
  caps.tools_list_changed = true;
  caps.resources = true;
  caps.resources_subscribe = true;
  caps.prompts = true;
  caps.logging = true;
  caps.completions = true;
  CAF_CHECK_EQUAL(json::value(caps.to_json("2025-11-25")),
                  json::parse(R"({"tools":{"listChanged":true},
                                  "resources":{"subscribe":true},
                                  "prompts":{},"logging":{},
                                  "completions":{}})"));
  CAF_CHECK(!caps.to_json("2024-11-05").contains("completions"));
  auto round = server_capabilities::from_json(caps.to_json("2025-11-25"));
  CAF_CHECK(round.tools && round.tools_list_changed && round.resources_subscribe
            && !round.resources_list_changed && round.completions);
}

CAF_TEST(initialize results carry what the revision knows) {
  implementation_info info{"srv", "1.0", "Server"};
  info.description = "does things";
  info.website_url = "https://example.com";
  server_capabilities caps;
  caps.tools = true;
  auto newest = make_initialize_result("2025-11-25", caps, info, "hints");
  CAF_CHECK_EQUAL(newest.at("protocolVersion"), "2025-11-25");
  CAF_CHECK_EQUAL(newest.at("instructions"), "hints");
  CAF_CHECK_EQUAL(newest.at("serverInfo").at("description"), "does things");
  CAF_CHECK_EQUAL(newest.at("serverInfo").at("websiteUrl"),
                  "https://example.com");
  auto parsed = parse_initialize_result(newest);
  CAF_REQUIRE(parsed.has_value());
  CAF_CHECK(parsed->capabilities.tools);
  auto old = make_initialize_result("2024-11-05", caps, info, "");
  CAF_CHECK(!old.contains("instructions"));
  CAF_CHECK(!old.at("serverInfo").as_object().contains("title"));
  CAF_CHECK(!old.at("serverInfo").as_object().contains("description"));
}
