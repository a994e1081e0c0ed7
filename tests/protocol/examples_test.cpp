// Every official example message of MCP 2026-07-28 (copied into
// tests/schema/spec/2026-07-28/examples/<Definition>/) read with the
// project's parsers and written back: the JSON of each is equal after a
// round trip through protocol::append_json; JSON-RPC messages classify as
// their kind; request metadata, capabilities and discover results read into
// their types and write back equal; results pass the shape check of their
// method.
#define CAF_SUITE protocol.examples
#include <caf/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/json_text.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/lifecycle.hpp"
#include "protocol/method_table.hpp"
#include "protocol/result_shape.hpp"
#include "protocol/stateless.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
namespace protocol = mcp::protocol;

namespace {

const fs::path examples_dir = fs::path{CAF_MCP_SOURCE_DIR}
                              / "tests/schema/spec/2026-07-28/examples";

json::value read_json(const fs::path& file) {
  std::ifstream in{file};
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), {}, protocol::message_parse_options());
}

/// The methods whose results the example definitions describe.
const std::map<std::string, std::string> result_methods = {
  {"CallToolResult", "tools/call"},
  {"CompleteResult", "completion/complete"},
  {"GetPromptResult", "prompts/get"},
  {"ListPromptsResult", "prompts/list"},
  {"ListResourceTemplatesResult", "resources/templates/list"},
  {"ListResourcesResult", "resources/list"},
  {"ListToolsResult", "tools/list"},
  {"ReadResourceResult", "resources/read"},
  {"SubscriptionsListenResult", "subscriptions/listen"},
};

bool ends_with(const std::string& x, std::string_view suffix) {
  return x.size() >= suffix.size()
         && x.compare(x.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Returns the reserved `_meta` keys of a request's params.
json::object reserved_meta(const json::value& params) {
  json::object res;
  for (auto& kvp : params.at("_meta").as_object())
    if (kvp.key().starts_with("io.modelcontextprotocol/"))
      res.emplace(kvp.key(), kvp.value());
  return res;
}

} // namespace

CAF_TEST(every example survives a round trip) {
  size_t files = 0;
  for (auto& entry : fs::recursive_directory_iterator{examples_dir}) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json")
      continue;
    ++files;
    auto doc = read_json(entry.path());
    std::string text;
    auto repairs = protocol::append_json(text, doc);
    CAF_CHECK(!repairs);
    auto back = json::parse(text, {}, protocol::message_parse_options());
    if (back != doc)
      CAF_FAIL(entry.path() << " changed: " << text);
  }
  // The directory holds 129 examples of 88 definitions.
  CAF_CHECK_GREATER_OR_EQUAL(files, 129u);
}

CAF_TEST(messages classify and requests read their metadata) {
  size_t requests = 0;
  size_t with_meta = 0;
  for (auto& dir : fs::directory_iterator{examples_dir}) {
    auto name = dir.path().filename().string();
    for (auto& file : fs::directory_iterator{dir}) {
      auto doc = read_json(file.path());
      auto obj = doc.if_object();
      if (obj == nullptr || !obj->contains("jsonrpc"))
        continue;
      auto in = protocol::classify(doc);
      CAF_CHECK_NOT_EQUAL(in.kind, protocol::message_kind::invalid);
      if (ends_with(name, "Request")) {
        ++requests;
        CAF_CHECK_EQUAL(in.kind, protocol::message_kind::request);
        auto row = protocol::find_method(in.method);
        if (row == nullptr)
          CAF_FAIL(file.path() << ": unknown method " << in.method);
        CAF_CHECK(row->in(protocol::revision::latest()));
      } else if (ends_with(name, "Notification")) {
        CAF_CHECK_EQUAL(in.kind, protocol::message_kind::notification);
      } else if (ends_with(name, "Error")) {
        CAF_CHECK_EQUAL(in.kind, protocol::message_kind::error);
      } else if (ends_with(name, "Response")) {
        CAF_CHECK_EQUAL(in.kind, protocol::message_kind::result);
      }
      auto params = obj->if_contains("params");
      if (in.kind != protocol::message_kind::request || params == nullptr
          || !protocol::request_protocol_version(params))
        continue;
      ++with_meta;
      auto meta = protocol::read_request_meta(params);
      if (!meta)
        CAF_FAIL(file.path() << ": " << meta.error().message);
      // The reserved keys, read into request_meta and written back.
      protocol::implementation_info info;
      if (auto x = meta->client_info.if_contains("name"))
        info.name = std::string{x->as_string()};
      if (auto x = meta->client_info.if_contains("version"))
        info.version = std::string{x->as_string()};
      auto again = protocol::make_request_meta(meta->rev, meta->capabilities,
                                               info, meta->level);
      CAF_CHECK_EQUAL(json::value(again), json::value(reserved_meta(*params)));
    }
  }
  CAF_CHECK_GREATER_OR_EQUAL(requests, 10u);
  CAF_CHECK_GREATER_OR_EQUAL(with_meta, 10u);
}

CAF_TEST(capabilities read into their types and write back equal) {
  auto rev = std::string{protocol::revision::latest().name()};
  size_t n = 0;
  for (auto& file :
       fs::directory_iterator{examples_dir / "ClientCapabilities"}) {
    auto doc = read_json(file.path());
    auto caps = protocol::client_capabilities::from_json(doc);
    auto back = json::value(caps.to_json(rev));
    if (file.path().filename() == "elicitation-form-only-implicit.json") {
      // An empty elicitation object means form mode; the client writes it
      // out as {"form":{}}, which reads back the same.
      CAF_CHECK_EQUAL(back, json::parse(R"({"elicitation":{"form":{}}})"));
    } else if (back != doc) {
      CAF_FAIL(file.path() << ": wrote back " << json::serialize(back));
    }
    ++n;
  }
  for (auto& file :
       fs::directory_iterator{examples_dir / "ServerCapabilities"}) {
    auto doc = read_json(file.path());
    auto caps = protocol::server_capabilities::from_json(doc);
    if (json::value(caps.to_json(rev)) != doc)
      CAF_FAIL(file.path() << ": wrote back "
                           << json::serialize(caps.to_json(rev)));
    ++n;
  }
  CAF_CHECK_GREATER_OR_EQUAL(n, 8u);
}

CAF_TEST(discover results read into their type) {
  for (auto& file : fs::directory_iterator{examples_dir / "DiscoverResult"}) {
    auto doc = read_json(file.path());
    auto res = protocol::parse_discover_result(doc);
    CAF_REQUIRE(res);
    CAF_CHECK(res->stateless == protocol::revision::latest());
    CAF_CHECK_EQUAL(res->supported.size(),
                    doc.at("supportedVersions").as_array().size());
    CAF_CHECK_EQUAL(res->server_info,
                    doc.at("_meta").at("io.modelcontextprotocol/serverInfo"));
    CAF_CHECK_EQUAL(json::value(res->capabilities.to_json(
                      protocol::revision::latest().name())),
                    doc.at("capabilities"));
    CAF_CHECK_EQUAL(res->ttl_ms, doc.at("ttlMs").as_int64());
  }
}

CAF_TEST(results have the shape of their method) {
  size_t n = 0;
  for (auto& [name, method] : result_methods) {
    for (auto& file : fs::directory_iterator{examples_dir / name}) {
      auto doc = read_json(file.path());
      if (auto why = protocol::check_result(method, doc,
                                              protocol::revision::latest()))
        CAF_FAIL(file.path() << ": " << *why);
      ++n;
    }
  }
  CAF_CHECK_GREATER_OR_EQUAL(n, 9u);
}
