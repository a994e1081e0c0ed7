#define CAF_SUITE protocol.jsonrpc
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/jsonrpc.hpp"

namespace json = boost::json;
using namespace mcp::protocol;

namespace {

incoming_message classify_text(const json::value& v) {
  return classify(v);
}

} // namespace

CAF_TEST(requests notifications results and errors are told apart) {
  auto req = json::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  auto in = classify_text(req);
  CAF_CHECK(in.kind == message_kind::request);
  CAF_CHECK_EQUAL(in.method, "ping");
  CAF_CHECK_EQUAL(*in.id, request_id{1});
  CAF_CHECK(in.params == nullptr);
  auto note = json::parse(
    R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"a":1}})");
  in = classify_text(note);
  CAF_CHECK(in.kind == message_kind::notification);
  CAF_REQUIRE(in.params != nullptr);
  CAF_CHECK_EQUAL(in.params->at("a").as_int64(), 1);
  auto res = json::parse(R"({"jsonrpc":"2.0","id":"x","result":{}})");
  in = classify_text(res);
  CAF_CHECK(in.kind == message_kind::result);
  CAF_CHECK_EQUAL(*in.id, request_id{"x"});
  auto err = json::parse(
    R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}})");
  in = classify_text(err);
  CAF_CHECK(in.kind == message_kind::error);
  CAF_CHECK(!in.id.has_value());
  CAF_CHECK_EQUAL(in.error->at("code").as_int64(), -32700);
}

CAF_TEST(invalid messages say why) {
  const char* cases[] = {
    R"([1,2])",
    R"({"id":1,"method":"ping"})",
    R"({"jsonrpc":"1.0","id":1,"method":"ping"})",
    R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})",
    R"({"jsonrpc":"2.0","id":1,"method":7})",
    R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})",
    R"({"jsonrpc":"2.0","id":null,"method":"x"})",
    R"({"jsonrpc":"2.0"})",
    R"({"jsonrpc":"2.0","id":1})",
    R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})",
    R"({"jsonrpc":"2.0","id":1,"error":"no"})",
    R"({"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}})",
    R"({"jsonrpc":"2.0","id":1,"error":{"code":1}})",
    R"({"jsonrpc":"2.0","id":null,"result":{}})",
  };
  for (auto text : cases) {
    auto v = json::parse(text);
    auto in = classify_text(v);
    CAF_CHECK(in.kind == message_kind::invalid);
    CAF_CHECK(!in.problem.empty());
    if (in.kind != message_kind::invalid)
      CAF_MESSAGE("accepted invalid message: " << text);
  }
}

CAF_TEST(builders make JSON-RPC 2.0 messages) {
  auto req = make_request(3, "tools/list", nullptr);
  CAF_CHECK_EQUAL(json::serialize(req),
                  R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})");
  auto note = make_notification("notifications/initialized", nullptr);
  CAF_CHECK_EQUAL(json::serialize(note),
                  R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  auto res = make_result(request_id{"a"}, json::object{});
  CAF_CHECK_EQUAL(json::serialize(res),
                  R"({"jsonrpc":"2.0","id":"a","result":{}})");
  auto err = make_error(std::nullopt, error_code::parse_error, "bad json");
  CAF_CHECK_EQUAL(
    json::serialize(err),
    R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad json"}})");
  CAF_CHECK(classify(req).kind == message_kind::request);
  CAF_CHECK(classify(note).kind == message_kind::notification);
  CAF_CHECK(classify(res).kind == message_kind::result);
  CAF_CHECK(classify(err).kind == message_kind::error);
}

CAF_TEST(progress tokens merge into existing meta) {
  json::value params = json::parse(R"({"name":"x","_meta":{"trace":"t1"}})");
  set_progress_token(params, progress_token{"p1"});
  CAF_CHECK_EQUAL(params.at("_meta").at("trace").as_string(), "t1");
  CAF_CHECK_EQUAL(params.at("_meta").at("progressToken").as_string(), "p1");
  auto found = progress_token_of(&params);
  CAF_REQUIRE(found.has_value());
  CAF_CHECK_EQUAL(*found, progress_token{"p1"});
  json::value none;
  set_progress_token(none, progress_token{9});
  found = progress_token_of(&none);
  CAF_REQUIRE(found.has_value());
  CAF_CHECK_EQUAL(*found, progress_token{9});
  json::value bad = json::parse(R"({"_meta":{"progressToken":1.5}})");
  CAF_CHECK(!progress_token_of(&bad).has_value());
  CAF_CHECK(!progress_token_of(nullptr).has_value());
}

CAF_TEST(result text matches the serialized envelope) {
  auto big = json::parse(R"({"content":[{"type":"text","text":")"
                         + std::string(3000, 'x') + R"("}],"n":-1.5})");
  std::vector<request_id> ids{request_id{-7}, request_id{"q\"\\\n1"},
                              request_id{int64_t{1} << 53}};
  for (auto& id : ids) {
    for (auto* result : {&big, static_cast<json::value*>(nullptr)}) {
      json::value payload = result ? *result : json::value{json::object{}};
      std::string text = "prefix";
      append_result_text(text, id, payload);
      CAF_CHECK_EQUAL(text,
                      "prefix" + json::serialize(make_result(id, payload)));
    }
  }
}

CAF_TEST(a shallow scan finds the id of a response it cannot parse) {
  using mcp::protocol::scan_response_id;
  std::string deep = R"({"jsonrpc":"2.0","id":42,"result":)";
  deep += std::string(1000, '[') + std::string(1000, ']') + "}";
  CAF_CHECK(scan_response_id(deep) == request_id{42});
  CAF_CHECK(scan_response_id(R"( {"result":{"id":1,"x":"}"},"id":"a-7")")
            == request_id{"a-7"});
  CAF_CHECK(scan_response_id(R"({"jsonrpc":"2.0","id":-3,"error":{)")
            == request_id{-3});
  // Not a response, or no id that can be read.
  for (auto text :
       {R"({"id":1,"method":"ping","params":[[[[[)", R"({"id":1})",
        R"({"id":1.5,"result":{}})", R"({"id":"a\"b","result":{}})",
        R"({"x":{"id":1},"result":{}})", R"([{"id":1,"result":{}}])", "",
        R"({"id":)", R"({"id":12345678901234567890,"result":1})",
        "{\"id\":\"\xCE\",\"result\":{}}"})
    CAF_CHECK(!scan_response_id(text));
}
