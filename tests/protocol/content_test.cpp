#define CAF_SUITE protocol.content
#include <caf/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "protocol/content.hpp"

namespace json = boost::json;
using namespace mcp::protocol;

CAF_TEST(content blocks have the spec shapes) {
  CAF_CHECK_EQUAL(json::value(text_content("hi")),
                  json::parse(R"({"type":"text","text":"hi"})"));
  CAF_CHECK_EQUAL(json::value(image_content("AAA=", "image/png")),
                  json::parse(R"({"type":"image","data":"AAA=",
                                  "mimeType":"image/png"})"));
  CAF_CHECK_EQUAL(json::value(audio_content("AAA=", "audio/wav")),
                  json::parse(R"({"type":"audio","data":"AAA=",
                                  "mimeType":"audio/wav"})"));
  CAF_CHECK_EQUAL(json::value(resource_link("file:///a", "a")),
                  json::parse(R"({"type":"resource_link","uri":"file:///a",
                                  "name":"a"})"));
  CAF_CHECK_EQUAL(json::value(resource_link("file:///a", "a", "text/plain",
                                            "the a")),
                  json::parse(R"({"type":"resource_link","uri":"file:///a",
                                  "name":"a","mimeType":"text/plain",
                                  "description":"the a"})"));
}

CAF_TEST(resource contents embed as resource blocks) {
  auto text = text_resource("test://x", "text/plain", "body");
  CAF_CHECK_EQUAL(json::value(text),
                  json::parse(R"({"uri":"test://x","mimeType":"text/plain",
                                  "text":"body"})"));
  auto blob = blob_resource("test://y", "", "AAA=");
  CAF_CHECK_EQUAL(json::value(blob),
                  json::parse(R"({"uri":"test://y","blob":"AAA="})"));
  CAF_CHECK_EQUAL(json::value(embedded_resource(text)),
                  json::parse(R"({"type":"resource","resource":{
                    "uri":"test://x","mimeType":"text/plain","text":"body"}})"));
}

CAF_TEST(annotations leave out what is not set) {
  annotations a;
  CAF_CHECK(a.to_json().empty());
  a.audience = {"user"};
  a.priority = 0.5;
  a.last_modified = "2025-01-12T15:00:58Z";
  auto block = text_content("x");
  annotate(block, a);
  CAF_CHECK_EQUAL(json::value(block),
                  json::parse(R"({"type":"text","text":"x","annotations":{
                    "audience":["user"],"priority":0.5,
                    "lastModified":"2025-01-12T15:00:58Z"}})"));
}

CAF_TEST(content lists lose only the blocks a revision lacks) {
  json::array blocks{text_content("t"), resource_link("file:///a", "a"),
                     audio_content("QQ==", "audio/wav")};
  CAF_CHECK_EQUAL(json::value(contents_for_revision(blocks, "2025-11-25")),
                  json::value(blocks));
  auto middle = contents_for_revision(blocks, "2025-03-26");
  CAF_CHECK_EQUAL(middle.at(0), blocks.at(0));
  CAF_CHECK_EQUAL(middle.at(1),
                  json::value(text_content("Resource: file:///a")));
  CAF_CHECK_EQUAL(middle.at(2), blocks.at(2));
  auto oldest = contents_for_revision(blocks, "2024-11-05");
  CAF_CHECK_EQUAL(oldest.at(2).at("type"), "text");
}
