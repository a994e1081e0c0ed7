#define CAF_SUITE actors.client_stateless
#include <caf/test/unit_test.hpp>

#define FAIL(msg) CAF_FAIL(msg)
#include <caf/test/dsl.hpp>

#include <memory>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "actors/client.hpp"
#include "actors/error.hpp"
#include "actors/messages.hpp"
#include "tests/actors/test_config.hpp"
#include "transports/messages.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using mcp::transports::inbound_atom;
using mcp::transports::outbound_atom;

namespace {

/// What the client wrote to its transport.
struct wire {
  std::vector<json::value> sent;
  /// The header fields of each message (empty for plain ones).
  std::vector<mcp::transports::message_headers> headers;
  /// Every `stateless_atom` flag, in order.
  std::vector<bool> stateless;
};

using wire_ptr = std::shared_ptr<wire>;

caf::behavior fake_transport(caf::event_based_actor* self, wire_ptr w) {
  return {
    [w](outbound_atom, json::value& msg) {
      w->sent.push_back(std::move(msg));
      w->headers.emplace_back();
    },
    [w](outbound_atom, json::value& msg,
        mcp::transports::message_headers& headers) {
      w->sent.push_back(std::move(msg));
      w->headers.push_back(std::move(headers));
    },
    [w](mcp::transports::stateless_atom, bool flag) {
      w->stateless.push_back(flag);
    },
    [](mcp::transports::protocol_version_atom, const std::string&) {},
    [](mcp::transports::abandon_atom, const std::string&) {},
    [self](mcp::transports::close_atom) { self->quit(); },
  };
}

/// Answers every request with `answer`, recording what it was asked.
caf::behavior input_handler(caf::event_based_actor*,
                            std::shared_ptr<std::vector<std::string>> asked,
                            json::value answer) {
  return {
    [asked, answer](mcp::server_request& req) -> json::value {
      asked->push_back(req.method);
      return answer;
    },
  };
}

/// Records the notifications it receives.
caf::behavior notification_sink(caf::event_based_actor*,
                                std::shared_ptr<std::vector<std::string>> log) {
  return {
    [log](mcp::server_notification& x) { log->push_back(x.method); },
  };
}

constexpr std::string_view discover_result = R"({
  "resultType":"complete","supportedVersions":["2026-07-28","2025-11-25"],
  "capabilities":{"tools":{"listChanged":true},"resources":{},"prompts":{}},
  "instructions":"hi",
  "_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"1"}}})";

struct fixture : test_coordinator_fixture<mcp::test::config> {
  wire_ptr w = std::make_shared<wire>();
  caf::actor transport;
  caf::actor client;
  std::shared_ptr<std::vector<std::string>> asked
    = std::make_shared<std::vector<std::string>>();

  void start(mcp::version_negotiation neg,
             caf::actor elicitation = caf::actor{}) {
    mcp::client_config cfg;
    cfg.log_bad_input = false;
    cfg.negotiation = neg;
    cfg.elicitation_handler = std::move(elicitation);
    cfg.log_level = mcp::protocol::log_level::info;
    transport = sys.spawn(fake_transport, w);
    client = mcp::spawn_bare_client(sys, std::move(cfg));
    self->send(client, mcp::transport_atom::value, transport);
    consume_messages();
  }

  void deliver(std::string_view text) {
    self->send(client, inbound_atom::value, json::parse(text));
    consume_messages();
  }

  const json::value& last() {
    CAF_REQUIRE(!w->sent.empty());
    return w->sent.back();
  }

  int64_t last_id() {
    return last().at("id").as_int64();
  }

  std::string last_method() {
    return std::string{last().at("method").as_string()};
  }

  /// Returns the value of header `name` of the last message, or "-".
  std::string header(std::string_view name) {
    for (auto& [k, v] : w->headers.back().fields)
      if (k == name)
        return v;
    return "-";
  }

  void respond(int64_t id, std::string_view result) {
    deliver(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"result":)"
            + std::string{result} + "}");
  }

  void respond_error(int64_t id, std::string_view error) {
    deliver(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"error":)"
            + std::string{error} + "}");
  }

  void ready() {
    start(mcp::version_negotiation::automatic());
    CAF_REQUIRE_EQUAL(last_method(), "server/discover");
    respond(last_id(), discover_result);
  }

  void request(std::string method, json::value params,
               mcp::request_options opts = {}) {
    self->send(client,
               mcp::client_request{std::move(method), std::move(params),
                                   std::move(opts)});
    consume_messages();
  }

  json::value result() {
    json::value res;
    self->receive([&](json::value& x) { res = std::move(x); },
                  [&](caf::error& err) {
                    CAF_FAIL("expected a result, got " << mcp::describe(err));
                  },
                  caf::after(0s) >> [] { CAF_FAIL("no reply"); });
    return res;
  }

  caf::error error() {
    caf::error res;
    self->receive([&](caf::error& err) { res = std::move(err); },
                  [&](json::value& x) {
                    CAF_FAIL("expected an error, got " << json::serialize(x));
                  },
                  caf::after(0s) >> [] { CAF_FAIL("no reply"); });
    return res;
  }

  mcp::server_info info() {
    self->send(client, mcp::server_info_atom::value);
    consume_messages();
    mcp::server_info res;
    self->receive([&](mcp::server_info& x) { res = std::move(x); },
                  [&](caf::error& err) {
                    CAF_FAIL("no server info: " << mcp::describe(err));
                  },
                  caf::after(0s) >> [] { CAF_FAIL("no reply"); });
    return res;
  }
};

const json::object& meta_of(const json::value& msg) {
  return msg.at("params").at("_meta").as_object();
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(client_stateless_tests, fixture)

CAF_TEST(automatic negotiation probes with server discover) {
  start(mcp::version_negotiation::automatic());
  CAF_REQUIRE_EQUAL(w->stateless, std::vector<bool>{true});
  CAF_CHECK_EQUAL(last_method(), "server/discover");
  auto& meta = meta_of(last());
  CAF_CHECK_EQUAL(meta.at("io.modelcontextprotocol/protocolVersion"),
                  "2026-07-28");
  CAF_CHECK(meta.at("io.modelcontextprotocol/clientCapabilities").is_object());
  CAF_CHECK_EQUAL(meta.at("io.modelcontextprotocol/clientInfo").at("name"),
                  "caf-mcp");
  CAF_CHECK_EQUAL(meta.at("io.modelcontextprotocol/logLevel"), "info");
  CAF_CHECK_EQUAL(header("MCP-Protocol-Version"), "2026-07-28");
  CAF_CHECK_EQUAL(header("Mcp-Method"), "server/discover");
  respond(last_id(), discover_result);
  auto x = info();
  CAF_CHECK_EQUAL(x.protocol_version, "2026-07-28");
  CAF_CHECK_EQUAL(x.instructions, "hi");
  CAF_CHECK_EQUAL(x.implementation.at("name"), "s");
  CAF_CHECK(x.capabilities.as_object().contains("tools"));
}

CAF_TEST(stateless requests carry their meta and headers) {
  ready();
  mcp::request_options opts;
  opts.progress = mcp::progress_token{"p1"};
  opts.meta = json::object{{"custom", 1}};
  request("tools/call",
          json::object{{"name", "add"}, {"arguments", {{"a", 1}}}}, opts);
  CAF_CHECK_EQUAL(last_method(), "tools/call");
  auto& meta = meta_of(last());
  CAF_CHECK_EQUAL(meta.at("io.modelcontextprotocol/protocolVersion"),
                  "2026-07-28");
  CAF_CHECK_EQUAL(meta.at("progressToken"), "p1");
  CAF_CHECK_EQUAL(meta.at("custom"), 1);
  CAF_CHECK_EQUAL(header("Mcp-Method"), "tools/call");
  CAF_CHECK_EQUAL(header("Mcp-Name"), "add");
  respond(last_id(), R"({"resultType":"complete","content":[]})");
  auto res = result();
  CAF_CHECK(res.as_object().contains("content"));
}

CAF_TEST(methods the revision lacks are refused before they are sent) {
  ready();
  auto before = w->sent.size();
  request("ping", nullptr);
  CAF_CHECK(mcp::is(error(), mcp::errc::capability_missing));
  request("logging/setLevel", json::object{{"level", "info"}});
  CAF_CHECK(mcp::is(error(), mcp::errc::capability_missing));
  CAF_CHECK_EQUAL(w->sent.size(), before);
}

CAF_TEST(automatic negotiation falls back to initialize on other errors) {
  start(mcp::version_negotiation::automatic());
  respond_error(last_id(), R"({"code":-32601,"message":"Method not found"})");
  CAF_CHECK_EQUAL(w->stateless, (std::vector<bool>{true, false}));
  CAF_REQUIRE_EQUAL(last_method(), "initialize");
  CAF_CHECK(w->headers.back().fields.empty());
  respond(last_id(), R"({"protocolVersion":"2025-11-25","capabilities":{},
                         "serverInfo":{"name":"old","version":"1"}})");
  CAF_CHECK_EQUAL(info().protocol_version, "2025-11-25");
  request("ping", nullptr);
  CAF_CHECK_EQUAL(last_method(), "ping");
  auto params = last().as_object().if_contains("params");
  CAF_CHECK(params == nullptr || !params->is_object()
            || !params->as_object().contains("_meta"));
}

CAF_TEST(automatic negotiation falls back to initialize after a silent probe) {
  start(mcp::version_negotiation::automatic());
  CAF_REQUIRE_EQUAL(last_method(), "server/discover");
  sched.trigger_timeout();
  consume_messages();
  CAF_CHECK_EQUAL(last_method(), "initialize");
}

CAF_TEST(an unsupported version error with a stateless revision is retried) {
  start(mcp::version_negotiation::automatic());
  auto first = last_id();
  request("tools/list", json::object{});
  auto refuse = [&] {
    respond_error(last_id(), R"({"code":-32022,"message":"Unsupported",
                   "data":{"supported":["2026-07-28"],"requested":"x"}})");
  };
  refuse();
  // The server named the revision the probe asked for: it asks again.
  CAF_REQUIRE_EQUAL(last_method(), "server/discover");
  CAF_CHECK_NOT_EQUAL(last_id(), first);
  respond(last_id(), discover_result);
  CAF_CHECK_EQUAL(last_method(), "tools/list");
  // A server that keeps refusing ends the session, and never gets
  // initialize.
  fixture other;
  other.start(mcp::version_negotiation::automatic());
  other.request("tools/list", json::object{});
  for (int i = 0; i < 5; ++i)
    other.respond_error(other.last_id(),
                        R"({"code":-32022,"message":"Unsupported",
                            "data":{"supported":["2026-07-28"]}})");
  CAF_CHECK_EQUAL(other.last_method(), "server/discover");
  CAF_CHECK(mcp::is(other.error(), mcp::errc::unsupported_protocol_version));
}

CAF_TEST(an unsupported version error naming an older revision) {
  start(mcp::version_negotiation::automatic());
  respond_error(last_id(), R"({"code":-32022,"message":"Unsupported",
                 "data":{"supported":["2025-11-25"],"requested":"x"}})");
  CAF_CHECK_EQUAL(last_method(), "initialize");
}

CAF_TEST(a pinned stateless revision never falls back) {
  start(mcp::version_negotiation::pin(mcp::protocol::revision::latest()));
  CAF_REQUIRE_EQUAL(last_method(), "server/discover");
  auto probe = last_id();
  request("tools/list", json::object{});
  respond_error(probe, R"({"code":-32601,"message":"Method not found"})");
  CAF_CHECK_EQUAL(last_method(), "server/discover");
  CAF_CHECK(mcp::is(error(), mcp::errc::handshake_failed));
}

CAF_TEST(a pinned session revision refuses another one) {
  auto rev = *mcp::protocol::revision::parse("2025-06-18");
  start(mcp::version_negotiation::pin(rev));
  CAF_REQUIRE_EQUAL(last_method(), "initialize");
  CAF_CHECK_EQUAL(last().at("params").at("protocolVersion"), "2025-06-18");
  auto init = last_id();
  request("tools/list", json::object{});
  respond(init, R"({"protocolVersion":"2025-03-26","capabilities":{},
                         "serverInfo":{"name":"old","version":"1"}})");
  CAF_CHECK(mcp::is(error(), mcp::errc::unsupported_protocol_version));
}

CAF_TEST(input required results run rounds through the handlers) {
  auto handler = sys.spawn(input_handler, asked,
                           json::value(json::object{{"action", "accept"}}));
  start(mcp::version_negotiation::automatic(), handler);
  respond(last_id(), discover_result);
  CAF_CHECK(meta_of(last()).at("io.modelcontextprotocol/clientCapabilities")
              .as_object()
              .contains("elicitation"));
  mcp::request_options opts;
  opts.progress = mcp::progress_token{"t"};
  request("tools/call", json::object{{"name", "ask"}}, opts);
  auto first = last_id();
  respond(first, R"({"resultType":"input_required",
    "inputRequests":{"who":{"method":"elicitation/create",
      "params":{"message":"name?","requestedSchema":{"type":"object"}}}},
    "requestState":"opaque-1"})");
  CAF_REQUIRE_EQUAL(*asked, std::vector<std::string>{"elicitation/create"});
  auto second = last_id();
  CAF_CHECK_NOT_EQUAL(first, second);
  auto& params = last().at("params").as_object();
  CAF_CHECK_EQUAL(params.at("requestState"), "opaque-1");
  CAF_CHECK_EQUAL(params.at("inputResponses").at("who").at("action"),
                  "accept");
  CAF_CHECK_EQUAL(params.at("name"), "ask");
  CAF_CHECK_EQUAL(meta_of(last()).at("progressToken"), "t");
  // A second round without requestState: the retry carries none.
  respond(second, R"({"resultType":"input_required",
    "inputRequests":{"again":{"method":"elicitation/create",
      "params":{"message":"sure?","requestedSchema":{"type":"object"}}}}})");
  auto third = last_id();
  CAF_CHECK_NOT_EQUAL(second, third);
  CAF_CHECK(!last().at("params").as_object().contains("requestState"));
  CAF_CHECK(last().at("params").at("inputResponses").as_object().contains(
    "again"));
  respond(third, R"({"resultType":"complete","content":[]})");
  CAF_CHECK(result().as_object().contains("content"));
}

CAF_TEST(the maximum total timeout covers every round) {
  ready();
  mcp::request_options opts;
  opts.timeout = std::chrono::seconds(10);
  opts.max_total_timeout = std::chrono::seconds(15);
  request("tools/call", json::object{{"name", "loop"}}, opts);
  auto first = last_id();
  sched.clock().current_time += std::chrono::seconds(8);
  respond(first, R"({"resultType":"input_required","requestState":"s"})");
  auto second = last_id();
  CAF_CHECK_NOT_EQUAL(first, second);
  // The round's answer restarted the 10 s timeout, not the 15 s total:
  // 8 s later the whole flow is over its maximum.
  sched.clock().current_time += std::chrono::seconds(8);
  sched.trigger_timeouts();
  consume_messages();
  CAF_CHECK(mcp::is(error(), mcp::errc::timeout));
}

CAF_TEST(input the client did not declare fails the request) {
  ready();
  request("tools/call", json::object{{"name", "ask"}});
  respond(last_id(), R"({"resultType":"input_required",
    "inputRequests":{"r":{"method":"sampling/createMessage","params":{}}}})");
  CAF_CHECK(mcp::is(error(), mcp::errc::invalid_result));
}

CAF_TEST(input required on a method that may not need input is invalid) {
  ready();
  request("tools/list", json::object{});
  respond(last_id(), R"({"resultType":"input_required","requestState":"s"})");
  CAF_CHECK(mcp::is(error(), mcp::errc::invalid_result));
}

CAF_TEST(rounds are bounded) {
  ready();
  request("tools/call", json::object{{"name", "loop"}});
  for (int i = 0; i < 16; ++i)
    respond(last_id(), R"({"resultType":"input_required","requestState":"s"})");
  auto before = w->sent.size();
  respond(last_id(), R"({"resultType":"input_required","requestState":"s"})");
  CAF_CHECK_EQUAL(w->sent.size(), before);
  CAF_CHECK(mcp::is(error(), mcp::errc::input_required));
}

CAF_TEST(tools with invalid header annotations are left out) {
  ready();
  request("tools/list", json::object{});
  respond(last_id(), R"({"resultType":"complete","tools":[
    {"name":"good","inputSchema":{"type":"object","properties":{
      "region":{"type":"string","x-mcp-header":"Region"},
      "n":{"type":"integer","x-mcp-header":"N"},
      "q":{"type":"string"}}}},
    {"name":"bad","inputSchema":{"type":"object","properties":{
      "score":{"type":"number","x-mcp-header":"Score"}}}}]})");
  auto tools = result().at("tools").as_array();
  CAF_REQUIRE_EQUAL(tools.size(), 1u);
  CAF_CHECK_EQUAL(tools[0].at("name"), "good");
  request("tools/call",
          json::object{{"name", "good"},
                       {"arguments",
                        {{"region", "eu west"}, {"n", 7}, {"q", "x"}}}});
  CAF_CHECK_EQUAL(header("Mcp-Param-Region"), "eu west");
  CAF_CHECK_EQUAL(header("Mcp-Param-N"), "7");
  CAF_CHECK_EQUAL(header("Mcp-Param-q"), "-");
}

CAF_TEST(a request whose stream broke is sent again with a new id) {
  ready();
  request("tools/call", json::object{{"name", "slow"}});
  auto first = last_id();
  auto lost = [&](int64_t id) {
    self->send(client,
               mcp::transports::transport_fault{
                 mcp::transports::fault_kind::request_lost, "stream broke",
                 std::to_string(id)});
    consume_messages();
  };
  lost(first);
  auto second = last_id();
  CAF_CHECK_NOT_EQUAL(first, second);
  CAF_CHECK_EQUAL(last().at("params").at("name"), "slow");
  lost(second);
  auto third = last_id();
  CAF_CHECK_NOT_EQUAL(second, third);
  lost(third);
  CAF_CHECK_EQUAL(last_id(), third);
  CAF_CHECK(mcp::is(error(), mcp::errc::transport_closed));
}

CAF_TEST(notification subscribers get a listen) {
  ready();
  auto log = std::make_shared<std::vector<std::string>>();
  auto sink = sys.spawn(notification_sink, log);
  self->send(client, mcp::subscribe_atom::value,
             std::string{"notifications/tools"}, sink);
  consume_messages();
  CAF_REQUIRE_EQUAL(last_method(), "subscriptions/listen");
  auto listen = last_id();
  CAF_CHECK_EQUAL(last().at("params").at("notifications"),
                  json::parse(R"({"toolsListChanged":true})"));
  auto note = [&](std::string_view method, int64_t sid) {
    deliver(R"({"jsonrpc":"2.0","method":")" + std::string{method}
            + R"(","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":)"
            + std::to_string(sid) + "}}}");
  };
  note("notifications/tools/list_changed", listen);
  note("notifications/tools/list_changed", listen + 1000);
  CAF_CHECK_EQUAL(*log, std::vector<std::string>{
                          "notifications/tools/list_changed"});
  // A resource subscription replaces the listen (the old one is cancelled).
  self->send(client, mcp::subscribe_atom::value,
             std::string{"notifications/resources/updated"}, sink);
  consume_messages();
  request("resources/subscribe", json::object{{"uri", "file:///a"}});
  CAF_CHECK(result().is_object());
  CAF_REQUIRE_EQUAL(last_method(), "subscriptions/listen");
  CAF_CHECK_EQUAL(last().at("params").at("notifications"),
                  json::parse(R"({"toolsListChanged":true,
                                  "resourceSubscriptions":["file:///a"]})"));
  auto& sent = w->sent;
  auto cancelled = std::count_if(sent.begin(), sent.end(), [&](auto& x) {
    auto obj = x.as_object();
    return obj.contains("method") && obj.at("method") == "notifications/cancelled"
           && obj.at("params").at("requestId") == listen;
  });
  CAF_CHECK_EQUAL(cancelled, 1);
  note("notifications/tools/list_changed", listen);
  CAF_CHECK_EQUAL(log->size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
