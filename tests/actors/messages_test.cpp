#define CAF_SUITE actors.messages
#include <caf/test/unit_test.hpp>

#define FAIL(msg) CAF_FAIL(msg)
#include <caf/test/dsl.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/system_config.hpp"
#include "tests/actors/test_config.hpp"
#include "transports/messages.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

using test_config = mcp::test::config;

struct fixture : test_coordinator_fixture<test_config> {
  template <class T>
  T round_trip(T x) {
    T res;
    deserialize(serialize(x), res);
    return res;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(messages_tests, fixture)

CAF_TEST(progress messages survive serialization) {
  mcp::progress_update u;
  u.token = mcp::progress_token{"tok \"1\""};
  u.progress = 2.5;
  u.total = 10.0;
  u.message = std::string{"step 2"};
  auto v = round_trip(u);
  CAF_CHECK_EQUAL(v.token, u.token);
  CAF_CHECK_EQUAL(v.progress, 2.5);
  CAF_CHECK_EQUAL(*v.total, 10.0);
  CAF_CHECK_EQUAL(*v.message, "step 2");
  mcp::progress_update bare;
  bare.token = mcp::progress_token{42};
  auto w = round_trip(bare);
  CAF_CHECK_EQUAL(w.token, mcp::progress_token{42});
  CAF_CHECK(!w.total);
  CAF_CHECK(!w.message);
  auto d = round_trip(mcp::progress_done{mcp::progress_token{"t"},
                                         mcp::progress_outcome::timed_out,
                                         "late"});
  CAF_CHECK(d.outcome == mcp::progress_outcome::timed_out);
  CAF_CHECK_EQUAL(d.detail, "late");
}

CAF_TEST(requests with JSON and options survive serialization) {
  mcp::client_request req;
  req.method = "tools/call";
  req.params = json::parse(R"({"name":"x","arguments":{"a":[1,2.5,"s"]}})");
  req.options.progress = mcp::progress_token{7};
  req.options.timeout = 1500ms;
  req.options.reset_timeout_on_progress = true;
  req.options.max_total_timeout = caf::timespan{10s};
  req.options.meta = json::object{{"trace", "abc"}};
  req.options.cancel_key = "key";
  auto res = round_trip(req);
  CAF_CHECK_EQUAL(res.method, "tools/call");
  CAF_CHECK_EQUAL(json::serialize(res.params), json::serialize(req.params));
  CAF_CHECK_EQUAL(*res.options.progress, mcp::progress_token{7});
  CAF_CHECK_EQUAL(res.options.timeout, caf::timespan{1500ms});
  CAF_CHECK(res.options.reset_timeout_on_progress);
  CAF_CHECK_EQUAL(*res.options.max_total_timeout, caf::timespan{10s});
  CAF_CHECK_EQUAL(res.options.meta.at("trace").as_string(), "abc");
  CAF_CHECK_EQUAL(res.options.cancel_key, "key");
}

CAF_TEST(server messages and stats survive serialization) {
  auto n = round_trip(mcp::server_notification{
    "notifications/message", json::parse(R"({"level":"info","data":"hi"})")});
  CAF_CHECK_EQUAL(n.method, "notifications/message");
  CAF_CHECK_EQUAL(n.params.at("data").as_string(), "hi");
  mcp::server_info info{"2025-06-18", json::parse(R"({"tools":{}})"),
                        json::parse(R"({"name":"s","version":"1"})"), "hi"};
  auto i = round_trip(info);
  CAF_CHECK_EQUAL(i.protocol_version, "2025-06-18");
  CAF_CHECK(i.capabilities.as_object().contains("tools"));
  CAF_CHECK_EQUAL(i.instructions, "hi");
  mcp::client_stats st;
  st.progress_late = 3;
  st.subscriptions = 9;
  auto s = round_trip(st);
  CAF_CHECK_EQUAL(s.progress_late, 3u);
  CAF_CHECK_EQUAL(s.subscriptions, 9u);
  mcp::transports::transport_closed closed{"exited; stderr tail: x"};
  auto c = round_trip(closed);
  CAF_CHECK_EQUAL(c.description, "exited; stderr tail: x");
}

CAF_TEST(messages print readably) {
  mcp::progress_update u;
  u.token = mcp::progress_token{"p"};
  u.progress = 1;
  auto text = caf::deep_to_string(u);
  CAF_CHECK(text.find("progress_update") != std::string::npos);
  CAF_CHECK(text.find("\"p\"") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
