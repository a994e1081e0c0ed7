#define CAF_SUITE protocol.results
#include <caf/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "protocol/content.hpp"
#include "protocol/results.hpp"

namespace json = boost::json;
using namespace mcp::protocol;

CAF_TEST(tool results have the CallToolResult shape) {
  CAF_CHECK_EQUAL(json::value(tool_result::text("ok").to_json("2025-11-25")),
                  json::parse(R"({"content":[{"type":"text","text":"ok"}]})"));
  CAF_CHECK_EQUAL(json::value(tool_result::error("bad").to_json("2025-11-25")),
                  json::parse(R"({"content":[{"type":"text","text":"bad"}],
                                  "isError":true})"));
  auto r = tool_result::structured(json::object{{"n", 1}});
  r.meta["k"] = "v";
  CAF_CHECK_EQUAL(json::value(r.to_json("2025-06-18")),
                  json::parse(R"({"content":[{"type":"text","text":"{\"n\":1}"}],
                                  "structuredContent":{"n":1},
                                  "_meta":{"k":"v"}})"));
}

CAF_TEST(structured content is left out for revisions without it) {
  auto r = tool_result::structured(json::object{{"n", 1}});
  auto old = r.to_json("2025-03-26");
  CAF_CHECK(!old.contains("structuredContent"));
  CAF_CHECK_EQUAL(old.at("content").at(0).at("text"), "{\"n\":1}");
}

CAF_TEST(prompt results have the GetPromptResult shape) {
  prompt_result p;
  p.messages.push_back(prompt_message::user(text_content("hi")));
  p.messages.push_back(prompt_message::assistant(text_content("ho")));
  CAF_CHECK_EQUAL(json::value(p.to_json("2025-11-25")),
                  json::parse(R"({"messages":[
                    {"role":"user","content":{"type":"text","text":"hi"}},
                    {"role":"assistant","content":{"type":"text","text":"ho"}}]})"));
  p.description = "d";
  auto described = p.to_json("2025-11-25");
  CAF_CHECK_EQUAL(described.at("description"), "d");
}

CAF_TEST(completion results send at most 100 values) {
  completion_result c;
  c.values = {"a", "b"};
  CAF_CHECK_EQUAL(json::value(c.to_json()),
                  json::parse(R"({"completion":{"values":["a","b"],
                                  "hasMore":false}})"));
  c.total = 10;
  c.has_more = true;
  CAF_CHECK_EQUAL(json::value(c.to_json()),
                  json::parse(R"({"completion":{"values":["a","b"],
                                  "total":10,"hasMore":true}})"));
  completion_result many;
  for (int i = 0; i < 150; ++i)
    many.values.push_back(std::to_string(i));
  auto x = many.to_json().at("completion");
  CAF_CHECK_EQUAL(x.at("values").as_array().size(), 100u);
  CAF_CHECK_EQUAL(x.at("total"), 150);
  CAF_CHECK_EQUAL(x.at("hasMore"), true);
}

CAF_TEST(content blocks an older revision lacks become text) {
  tool_result r;
  r.content.emplace_back(audio_content("AAA=", "audio/wav"));
  r.content.emplace_back(resource_link("file:///a", "a"));
  auto newest = r.to_json("2025-11-25").at("content");
  CAF_CHECK_EQUAL(newest.at(0).at("type"), "audio");
  CAF_CHECK_EQUAL(newest.at(1).at("type"), "resource_link");
  auto middle = r.to_json("2025-03-26").at("content");
  CAF_CHECK_EQUAL(middle.at(0).at("type"), "audio");
  CAF_CHECK_EQUAL(middle.at(1).at("type"), "text");
  CAF_CHECK_EQUAL(middle.at(1).at("text"), "Resource: file:///a");
  auto oldest = r.to_json("2024-11-05").at("content");
  CAF_CHECK_EQUAL(oldest.at(0).at("type"), "text");
  CAF_CHECK(oldest.at(0).at("text").as_string().find("audio/wav")
            != boost::json::string::npos);
  prompt_result p;
  p.messages.push_back(prompt_message::user(resource_link("file:///b", "b")));
  auto downgraded = p.to_json("2025-03-26");
  CAF_CHECK_EQUAL(downgraded.at("messages").at(0).at("content").at("type"),
                  "text");
}
