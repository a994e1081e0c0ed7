#define CAF_SUITE actors.client
#include <caf/test/unit_test.hpp>

#define FAIL(msg) CAF_FAIL(msg)
#include <caf/test/dsl.hpp>

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "actors/client.hpp"
#include "actors/detail/progress_window.hpp"
#include "actors/error.hpp"
#include "actors/messages.hpp"
#include "actors/progress.hpp"
#include "actors/requests.hpp"
#include "actors/system_config.hpp"
#include "tests/actors/test_config.hpp"
#include "transports/messages.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using mcp::transports::close_atom;
using mcp::transports::inbound_atom;
using mcp::transports::outbound_atom;

namespace {

using test_config = mcp::test::config;

using log_ptr = std::shared_ptr<std::vector<json::value>>;

/// Records what the client writes to its transport.
caf::behavior fake_transport(caf::event_based_actor* self, log_ptr sent) {
  return {
    [sent](outbound_atom, json::value& msg) { sent->push_back(std::move(msg)); },
    [](mcp::transports::protocol_version_atom, const std::string&) {},
    [](mcp::transports::abandon_atom, const std::string&) {},
    [self](close_atom) { self->quit(); },
  };
}

/// Records every progress message a subscriber receives.
struct progress_log {
  std::vector<mcp::progress_update> updates;
  std::vector<mcp::progress_done> done;
  /// Set when an update arrives after the final message.
  bool update_after_done = false;
};

caf::behavior subscriber(caf::event_based_actor*,
                         std::shared_ptr<progress_log> log) {
  return {
    [log](mcp::progress_update& x) {
      if (!log->done.empty())
        log->update_after_done = true;
      log->updates.push_back(std::move(x));
    },
    [log](mcp::progress_done& x) { log->done.push_back(std::move(x)); },
  };
}

struct fixture : test_coordinator_fixture<test_config> {
  log_ptr sent = std::make_shared<std::vector<json::value>>();
  caf::actor transport;
  caf::actor client;

  explicit fixture(mcp::client_config client_cfg = quiet()) {
    transport = sys.spawn(fake_transport, sent);
    client = mcp::spawn_bare_client(sys, std::move(client_cfg));
    self->send(client, mcp::transport_atom::value, transport);
    consume_messages();
  }

  static mcp::client_config quiet() {
    mcp::client_config res;
    res.log_bad_input = false;
    return res;
  }

  void deliver(std::string_view text) {
    self->send(client, inbound_atom::value, json::parse(text));
    consume_messages();
  }

  void handshake(std::string_view capabilities
                 = R"({"tools":{},"resources":{"subscribe":true},
                       "prompts":{},"logging":{},"completions":{}})",
                 std::string_view version = "2025-11-25") {
    CAF_REQUIRE(!sent->empty());
    auto id = sent->front().at("id").as_int64();
    std::string text = R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                       + R"(,"result":{"protocolVersion":")"
                       + std::string{version} + R"(","capabilities":)"
                       + std::string{capabilities}
                       + R"(,"serverInfo":{"name":"fake","version":"1"},
                             "instructions":"hello"}})";
    deliver(text);
  }

  void send_request(mcp::client_request req) {
    self->send(client, std::move(req));
    consume_messages();
  }

  /// Returns the last message the client wrote.
  const json::value& last_sent() {
    CAF_REQUIRE(!sent->empty());
    return sent->back();
  }

  int64_t last_id() {
    return last_sent().at("id").as_int64();
  }

  void respond(int64_t id, std::string_view result = R"({"content":[]})") {
    deliver(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"result":)"
           + std::string{result} + "}");
  }

  template <class T>
  T reply() {
    caf::optional<T> res;
    self->receive([&](T& x) { res = std::move(x); },
                  [&](caf::error& err) {
                    CAF_FAIL("expected a result, got " << mcp::describe(err));
                  },
                  caf::after(0s) >> [] { CAF_FAIL("no reply"); });
    return std::move(*res);
  }

  caf::error error_reply() {
    caf::error res;
    self->receive([&](caf::error& err) { res = std::move(err); },
                  [&](json::value& x) {
                    CAF_FAIL("expected an error, got " << json::serialize(x));
                  },
                  caf::after(0s) >> [] { CAF_FAIL("no reply"); });
    return res;
  }

  bool no_reply() {
    auto res = true;
    self->receive([&](caf::error&) { res = false; },
                  [&](json::value&) { res = false; },
                  caf::after(0s) >> [] {});
    return res;
  }

  mcp::client_stats stats() {
    self->send(client, mcp::client_stats_atom::value);
    consume_messages();
    return reply<mcp::client_stats>();
  }

  caf::actor spawn_subscriber(std::shared_ptr<progress_log> log) {
    return sys.spawn(subscriber, log);
  }

  /// Request options carrying `token`, with a subscriber that logs to `log`.
  mcp::request_options tracked(mcp::progress_token token,
                               std::shared_ptr<progress_log> log) {
    mcp::request_options res;
    res.progress = std::move(token);
    res.progress_subscribers.push_back(spawn_subscriber(std::move(log)));
    return res;
  }

  /// Sends the client, as one read, a progress notification for `token`
  /// and the result of request `id` (the caller runs the actors).
  void send_progress_and_result(const mcp::progress_token& token, double value,
                                int64_t id) {
    std::vector<json::value> batch;
    batch.push_back(json::parse(
      R"({"jsonrpc":"2.0","method":"notifications/progress","params":{)"
      R"("progressToken":)"
      + token.to_json_text() + R"(,"progress":)" + std::to_string(value)
      + "}}"));
    batch.push_back(json::parse(R"({"jsonrpc":"2.0","id":)"
                                + std::to_string(id)
                                + R"(,"result":{"content":[]}})"));
    self->send(client, inbound_atom::value, std::move(batch));
  }

  void progress(const mcp::progress_token& token, double value,
                std::string_view extra = "") {
    deliver(R"({"jsonrpc":"2.0","method":"notifications/progress","params":{
             "progressToken":)"
           + token.to_json_text() + R"(,"progress":)" + std::to_string(value)
           + std::string{extra} + "}}");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(client_tests, fixture)

CAF_TEST(the handshake offers the newest revision and keeps server info) {
  CAF_REQUIRE_EQUAL(sent->size(), 1u);
  auto& init = sent->front();
  CAF_CHECK_EQUAL(init.at("method").as_string(), "initialize");
  CAF_CHECK_EQUAL(init.at("params").at("protocolVersion").as_string(),
                  "2025-11-25");
  CAF_CHECK(init.at("params").at("capabilities").as_object().empty());
  handshake();
  CAF_REQUIRE_EQUAL(sent->size(), 2u);
  CAF_CHECK_EQUAL(sent->back().at("method").as_string(),
                  "notifications/initialized");
  self->send(client, mcp::server_info_atom::value);
  consume_messages();
  auto info = reply<mcp::server_info>();
  CAF_CHECK_EQUAL(info.protocol_version, "2025-11-25");
  CAF_CHECK_EQUAL(info.instructions, "hello");
  CAF_CHECK_EQUAL(info.implementation.at("name").as_string(), "fake");
}

CAF_TEST(requests before the handshake wait and keep their order) {
  send_request(mcp::requests::list_tools());
  send_request(mcp::requests::ping());
  send_request(mcp::requests::call_tool("a"));
  CAF_CHECK_EQUAL(sent->size(), 1u);
  CAF_CHECK(no_reply());
  handshake();
  CAF_REQUIRE_EQUAL(sent->size(), 5u);
  CAF_CHECK_EQUAL((*sent)[1].at("method").as_string(),
                  "notifications/initialized");
  CAF_CHECK_EQUAL((*sent)[2].at("method").as_string(), "tools/list");
  CAF_CHECK_EQUAL((*sent)[3].at("method").as_string(), "ping");
  CAF_CHECK_EQUAL((*sent)[4].at("method").as_string(), "tools/call");
  respond((*sent)[3].at("id").as_int64(), "{}");
  CAF_CHECK(reply<json::value>().as_object().empty());
}

CAF_TEST(older supported revisions are accepted) {
  handshake(R"({"tools":{}})", "2024-11-05");
  send_request(mcp::requests::list_tools());
  CAF_CHECK_EQUAL(last_sent().at("method").as_string(), "tools/list");
}

CAF_TEST(completion reaches a 2024-11-05 server that has no way to declare it) {
  handshake(R"({"prompts":{}})", "2024-11-05");
  send_request(mcp::requests::complete(
    json::object{{"type", "ref/prompt"}, {"name", "p"}}, "a", "x"));
  CAF_CHECK_EQUAL(last_sent().at("method").as_string(), "completion/complete");
}

CAF_TEST(completion needs the capability from 2025-03-26 on) {
  handshake(R"({"prompts":{}})", "2025-03-26");
  auto before = sent->size();
  send_request(mcp::requests::complete(
    json::object{{"type", "ref/prompt"}, {"name", "p"}}, "a", "x"));
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::capability_missing));
  CAF_CHECK_EQUAL(sent->size(), before);
}

CAF_TEST(an unsupported revision fails waiting requests and ends the client) {
  send_request(mcp::requests::ping());
  self->monitor(client);
  handshake("{}", "1999-01-01");
  auto err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::unsupported_protocol_version));
  CAF_CHECK(mcp::describe(err).find("1999-01-01") != std::string::npos);
  bool down = false;
  self->receive([&](caf::down_msg& dm) {
    down = true;
    CAF_CHECK(mcp::is(dm.reason, mcp::errc::unsupported_protocol_version));
  });
  CAF_CHECK(down);
}

CAF_TEST(requests the server does not support fail at once) {
  handshake(R"({"tools":{}})");
  auto before = sent->size();
  send_request(mcp::requests::read_resource("file:///x"));
  auto err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::capability_missing));
  CAF_CHECK(mcp::describe(err).find("resources") != std::string::npos);
  send_request(mcp::requests::set_logging_level("info"));
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::capability_missing));
  CAF_CHECK_EQUAL(sent->size(), before);
}

CAF_TEST(a refused request still ends the subscriptions it brought) {
  handshake(R"({"tools":{}})");
  auto log = std::make_shared<progress_log>();
  mcp::request_options opts;
  opts.progress = mcp::progress_token{"refused"};
  opts.progress_subscriptions.push_back(mcp::spawn_progress_subscription(
    sys, *opts.progress, spawn_subscriber(log)));
  send_request(mcp::requests::read_resource("file:///x", opts));
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::capability_missing));
  CAF_REQUIRE_EQUAL(log->done.size(), 1u);
  CAF_CHECK(log->done[0].outcome == mcp::progress_outcome::failed);
  CAF_CHECK_EQUAL(stats().subscriptions, 0u);
}

CAF_TEST(results and server errors reach the caller) {
  handshake();
  send_request(mcp::requests::call_tool("echo", json::object{{"m", "x"}}));
  auto& req = last_sent();
  CAF_CHECK_EQUAL(req.at("params").at("name").as_string(), "echo");
  CAF_CHECK_EQUAL(req.at("params").at("arguments").at("m").as_string(), "x");
  respond(last_id(), R"({"content":[]})");
  CAF_CHECK(reply<json::value>().as_object().contains("content"));
  send_request(mcp::requests::get_prompt("nope"));
  deliver(R"({"jsonrpc":"2.0","id":)" + std::to_string(last_id())
         + R"(,"error":{"code":-32602,"message":"unknown prompt",
                        "data":{"name":"nope"}}})");
  auto err = error_reply();
  CAF_CHECK_EQUAL(mcp::server_error_code(err), int64_t{-32602});
  CAF_CHECK(mcp::describe(err).find("unknown prompt") != std::string::npos);
  auto st = stats();
  CAF_CHECK_EQUAL(st.results, 1u);
  CAF_CHECK_EQUAL(st.errors, 1u);
  CAF_CHECK_EQUAL(st.in_flight, 0u);
}

CAF_TEST(results without the shape of their type are errors) {
  handshake();
  for (auto bad : {"null", "[]", R"({"content":[5]})", R"({"content":{}})",
                   R"({"content":[],"isError":"yes"})",
                   R"({"content":[{"type":"text"}],"structuredContent":3})"}) {
    send_request(mcp::requests::call_tool("echo", json::object{}));
    respond(last_id(), bad);
    auto err = error_reply();
    CAF_CHECK(mcp::is(err, mcp::errc::invalid_result));
    CAF_CHECK(mcp::describe(err).find("tools/call") != std::string::npos);
  }
  send_request(mcp::requests::list_tools());
  respond(last_id(), R"({"tools":[{"name":"x"}]})");
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::invalid_result));
  send_request(mcp::requests::call_tool("echo", json::object{}));
  respond(last_id(), R"({"content":[{"type":"text","text":"ok"}],"extra":1})");
  CAF_CHECK(reply<json::value>().as_object().contains("extra"));
  send_request(mcp::requests::ping());
  respond(last_id(), "7");
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::invalid_result));
  CAF_CHECK_EQUAL(stats().in_flight, 0u);
}

CAF_TEST(a response the transport could not read fails its request at once) {
  handshake();
  send_request(mcp::requests::call_tool("echo", json::object{}));
  auto id = last_id();
  self->send(client, mcp::transports::transport_fault{
                       mcp::transports::fault_kind::malformed_message,
                       "malformed JSON (too deep)", std::to_string(id)});
  consume_messages();
  auto err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::invalid_result));
  CAF_CHECK(mcp::describe(err).find("too deep") != std::string::npos);
  // A fault without an id, or with one no request has, only counts.
  send_request(mcp::requests::ping());
  for (auto unknown : {std::string{}, std::string{"999"}})
    self->send(client, mcp::transports::transport_fault{
                         mcp::transports::fault_kind::malformed_message, "x",
                         unknown});
  consume_messages();
  CAF_CHECK(no_reply());
  respond(last_id());
  reply<json::value>();
  CAF_CHECK_EQUAL(stats().malformed_messages, 3u);
}

CAF_TEST(numbers json cannot hold are refused before they are sent) {
  handshake();
  auto before = sent->size();
  send_request(mcp::requests::call_tool(
    "add", json::object{{"a", std::numeric_limits<double>::infinity()}}));
  auto err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::invalid_argument));
  CAF_CHECK(mcp::describe(err).find("/arguments/a") != std::string::npos);
  CAF_CHECK_EQUAL(sent->size(), before);
}

CAF_TEST(progress reaches subscribers in order and ends with the request) {
  handshake();
  auto log = std::make_shared<progress_log>();
  auto sub = spawn_subscriber(log);
  mcp::progress_token token{"tok-1"};
  mcp::request_options opts;
  opts.progress = token;
  opts.progress_subscribers.push_back(sub);
  opts.meta = json::object{{"trace", "abc"}};
  send_request(mcp::requests::call_tool("slow", nullptr, opts));
  auto& meta = last_sent().at("params").at("_meta");
  CAF_CHECK_EQUAL(meta.at("progressToken").as_string(), "tok-1");
  CAF_CHECK_EQUAL(meta.at("trace").as_string(), "abc");
  auto id = last_id();
  progress(token, 1, R"(,"total":3,"message":"first")");
  progress(token, 2, R"(,"total":3)");
  progress(token, 3);
  CAF_REQUIRE_EQUAL(log->updates.size(), 3u);
  CAF_CHECK_EQUAL(log->updates[0].progress, 1.0);
  CAF_CHECK_EQUAL(*log->updates[0].total, 3.0);
  CAF_CHECK_EQUAL(*log->updates[0].message, "first");
  CAF_CHECK_EQUAL(log->updates[1].progress, 2.0);
  CAF_CHECK(!log->updates[2].total);
  CAF_CHECK(log->done.empty());
  CAF_CHECK_EQUAL(stats().subscriptions, 1u);
  respond(id);
  reply<json::value>();
  CAF_REQUIRE_EQUAL(log->done.size(), 1u);
  CAF_CHECK(log->done[0].outcome == mcp::progress_outcome::completed);
  progress(token, 4);
  auto st = stats();
  CAF_CHECK_EQUAL(st.progress_delivered, 3u);
  CAF_CHECK_EQUAL(st.progress_late, 1u);
  CAF_CHECK_EQUAL(st.subscriptions, 0u);
  CAF_CHECK_EQUAL(log->updates.size(), 3u);
}

CAF_TEST(progress that shares a read with the result comes before the end) {
  handshake();
  auto log = std::make_shared<progress_log>();
  auto seen = std::make_shared<std::vector<double>>();
  mcp::progress_token token{"batch"};
  auto opts = tracked(token, log);
  opts.progress_subscriptions.push_back(mcp::spawn_progress_callback(
    sys, token, [seen](const mcp::progress_update& x) {
      seen->push_back(x.progress);
    }));
  send_request(mcp::requests::call_tool("slow", nullptr, opts));
  auto id = last_id();
  std::vector<json::value> batch;
  for (int i = 1; i <= 3; ++i)
    batch.push_back(json::parse(
      R"({"jsonrpc":"2.0","method":"notifications/progress","params":{)"
      R"("progressToken":"batch","progress":)"
      + std::to_string(i) + "}}"));
  batch.push_back(json::parse(R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                              + R"(,"result":{"content":[]}})"));
  self->send(client, inbound_atom::value, std::move(batch));
  consume_messages();
  reply<json::value>();
  CAF_REQUIRE_EQUAL(log->updates.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    CAF_CHECK_EQUAL(log->updates[i].progress, static_cast<double>(i + 1));
  CAF_REQUIRE_EQUAL(log->done.size(), 1u);
  CAF_CHECK(log->done[0].outcome == mcp::progress_outcome::completed);
  CAF_CHECK(!log->update_after_done);
  CAF_CHECK_EQUAL(*seen, (std::vector<double>{1, 2, 3}));
}

/// Calls `tool` on `client` with itself subscribed to the progress of the
/// call; logs "update N", "done OUTCOME" and "result" / "error" in the order
/// they arrive, and quits on the response, as users' actors do.
caf::behavior self_subscriber(caf::event_based_actor* self, caf::actor client,
                              mcp::progress_token token,
                              std::shared_ptr<std::vector<std::string>> events,
                              std::vector<caf::actor> more) {
  mcp::request_options opts;
  opts.progress = token;
  opts.progress_subscribers.push_back(caf::actor{self});
  for (auto& x : more)
    opts.progress_subscribers.push_back(x);
  self->request(client, caf::infinite,
                mcp::requests::call_tool("slow", nullptr, opts))
    .then(
      [self, events](json::value&) {
        events->push_back("result");
        self->quit();
      },
      [self, events](caf::error&) {
        events->push_back("error");
        self->quit();
      });
  return {
    [events](mcp::progress_update& x) {
      events->push_back("update " + std::to_string(int(x.progress)));
    },
    [events](mcp::progress_done& x) {
      events->push_back(std::string{"done "} + mcp::to_string(x.outcome));
    },
  };
}

CAF_TEST(the requester gets every update and the end before the result) {
  handshake();
  auto events = std::make_shared<std::vector<std::string>>();
  auto other = std::make_shared<progress_log>();
  mcp::progress_token token{"mine"};
  auto requester = sys.spawn(self_subscriber, client, token, events,
                             std::vector<caf::actor>{spawn_subscriber(other)});
  consume_messages();
  auto id = last_id();
  // The last notification shares a read with the response.
  progress(token, 1);
  send_progress_and_result(token, 2, id);
  consume_messages();
  CAF_CHECK_EQUAL(*events, (std::vector<std::string>{
                             "update 1", "update 2", "done completed",
                             "result"}));
  CAF_CHECK_EQUAL(other->updates.size(), 2u);
  CAF_CHECK_EQUAL(other->done.size(), 1u);
  CAF_CHECK_EQUAL(stats().subscriptions, 0u);
}

CAF_TEST(the end of progress comes before errors timeouts and cancels) {
  handshake();
  auto round = 0;
  auto run = [&](auto finish) {
    auto events = std::make_shared<std::vector<std::string>>();
    mcp::progress_token token{"e" + std::to_string(++round)};
    sys.spawn(self_subscriber, client, token, events,
              std::vector<caf::actor>{});
    consume_messages();
    auto id = last_id();
    progress(token, 1);
    finish(id);
    consume_messages();
    return *events;
  };
  auto error = run([&](int64_t id) {
    deliver(R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
           + R"(,"error":{"code":-32603,"message":"boom"}})");
  });
  CAF_CHECK_EQUAL(error, (std::vector<std::string>{"update 1", "done failed",
                                                   "error"}));
  auto cancelled = run([&](int64_t) {
    self->send(client, mcp::cancel_all_atom::value);
  });
  CAF_CHECK_EQUAL(cancelled, (std::vector<std::string>{
                               "update 1", "done cancelled", "error"}));
  auto closed = run([&](int64_t) {
    self->send(client, mcp::shutdown_atom::value);
  });
  CAF_CHECK_EQUAL(closed, (std::vector<std::string>{
                            "update 1", "done disconnected", "error"}));
}

CAF_TEST(callbacks have run when the result arrives) {
  handshake();
  auto seen = std::make_shared<std::vector<double>>();
  auto ended = std::make_shared<bool>(false);
  mcp::progress_token token{"cb"};
  mcp::request_options opts;
  opts.progress = token;
  opts.progress_subscriptions.push_back(mcp::spawn_progress_callback(
    sys, token, [seen](const mcp::progress_update& x) {
      seen->push_back(x.progress);
    },
    [ended](const mcp::progress_done&) { *ended = true; }));
  send_request(mcp::requests::call_tool("slow", nullptr, opts));
  send_progress_and_result(token, 7, last_id());
  // Run only the client: the response must not be out before the callback
  // subscription has run.
  sched.run_once();
  CAF_CHECK(no_reply());
  consume_messages();
  reply<json::value>();
  CAF_CHECK_EQUAL(*seen, std::vector<double>{7});
  CAF_CHECK(*ended);
}

CAF_TEST(a slow subscription costs the client bounded memory) {
  using window = mcp::detail::progress_window;
  handshake();
  mcp::progress_token token{"slow"};
  mcp::request_options opts;
  opts.progress = token;
  // The test's own actor is the ready-made subscription: it reads nothing
  // until the server has sent everything.
  opts.progress_subscriptions.push_back(caf::actor_cast<caf::actor>(self));
  send_request(mcp::requests::call_tool("slow", nullptr, opts));
  auto id = last_id();
  constexpr int n = 30000;
  for (int from = 1; from <= n; from += 500) {
    std::vector<json::value> batch;
    for (int i = from; i < from + 500; ++i)
      batch.push_back(json::parse(
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{)"
        R"("progressToken":"slow","progress":)"
        + std::to_string(i) + "}}"));
    self->send(client, inbound_atom::value, std::move(batch));
    consume_messages();
  }
  auto in_mailbox = self->mailbox().size();
  CAF_CHECK_LESS_OR_EQUAL(in_mailbox, window::mark_every * window::max_marks);
  std::vector<double> got;
  for (int round = 0; round < 100; ++round) {
    bool more = true;
    while (more)
      self->receive([&](mcp::progress_update& x) { got.push_back(x.progress); },
                    caf::after(0s) >> [&] { more = false; });
    if (!consume_messages())
      break;
  }
  respond(id);
  uint64_t skipped = 0;
  bool done = false;
  for (bool more = true; more;)
    self->receive([&](mcp::progress_update& x) { got.push_back(x.progress); },
                  [&](mcp::progress_done& x) {
                    skipped = x.skipped;
                    done = true;
                    more = false;
                  },
                  caf::after(0s) >> [&] { more = false; });
  CAF_CHECK(done);
  consume_messages();
  reply<json::value>();
  CAF_CHECK_GREATER(skipped, 0u);
  CAF_CHECK_EQUAL(got.size() + skipped, static_cast<size_t>(n));
  CAF_CHECK(std::is_sorted(got.begin(), got.end()));
  CAF_REQUIRE(!got.empty());
  CAF_CHECK_EQUAL(got.back(), n);
}

CAF_TEST(a failed request ends its subscriptions with the outcome) {
  handshake();
  auto log = std::make_shared<progress_log>();
  auto opts = tracked(mcp::progress_token{5}, log);
  send_request(mcp::requests::call_tool("x", nullptr, opts));
  deliver(R"({"jsonrpc":"2.0","id":)" + std::to_string(last_id())
         + R"(,"error":{"code":-32603,"message":"boom"}})");
  error_reply();
  CAF_REQUIRE_EQUAL(log->done.size(), 1u);
  CAF_CHECK(log->done[0].outcome == mcp::progress_outcome::failed);
  CAF_CHECK(log->done[0].detail.find("boom") != std::string::npos);
}

CAF_TEST(unknown tokens are counted and dropped) {
  handshake();
  progress(mcp::progress_token{"nobody"}, 1);
  deliver(R"({"jsonrpc":"2.0","method":"notifications/progress",
             "params":{"progressToken":{"bad":1},"progress":1}})");
  deliver(R"({"jsonrpc":"2.0","method":"notifications/progress",
             "params":{"progressToken":"t","progress":"high"}})");
  auto st = stats();
  CAF_CHECK_EQUAL(st.progress_unknown_token, 1u);
  CAF_CHECK_EQUAL(st.invalid_messages, 2u);
}

CAF_TEST(subscriptions end when the subscriber dies) {
  handshake();
  auto log = std::make_shared<progress_log>();
  auto sub = spawn_subscriber(log);
  mcp::progress_token token{"t2"};
  self->send(client, mcp::subscribe_atom::value, token, sub);
  consume_messages();
  CAF_CHECK_EQUAL(stats().subscriptions, 1u);
  self->send_exit(sub, caf::exit_reason::user_shutdown);
  consume_messages();
  CAF_CHECK_EQUAL(stats().subscriptions, 0u);
  progress(token, 1);
  CAF_CHECK_EQUAL(stats().progress_unknown_token, 1u);
}

CAF_TEST(registered callbacks see updates with messages until unregistered) {
  handshake();
  auto seen = std::make_shared<std::vector<std::string>>();
  auto ended = std::make_shared<int>(0);
  mcp::progress_token token = mcp::make_progress_token();
  auto sub = mcp::spawn_progress_callback(
    sys, token,
    [seen](const mcp::progress_update& x) {
      seen->push_back(std::to_string(static_cast<int>(x.progress)) + ":"
                      + x.message.value_or(""));
    },
    [ended](const mcp::progress_done& x) {
      if (x.outcome == mcp::progress_outcome::unsubscribed)
        ++*ended;
    });
  self->send(client, mcp::attach_atom::value, token, sub);
  consume_messages();
  progress(token, 1, R"(,"message":"a")");
  progress(token, 2, R"(,"message":"b")");
  CAF_CHECK_EQUAL(*seen, (std::vector<std::string>{"1:a", "2:b"}));
  self->send(client, mcp::unregister_atom::value, token);
  consume_messages();
  CAF_CHECK_EQUAL(*ended, 1);
  progress(token, 3);
  CAF_CHECK_EQUAL(seen->size(), 2u);
  CAF_CHECK_EQUAL(stats().subscriptions, 0u);
}

CAF_TEST(unsubscribe ends one subscriber and keeps the others) {
  handshake();
  auto log1 = std::make_shared<progress_log>();
  auto log2 = std::make_shared<progress_log>();
  auto s1 = spawn_subscriber(log1);
  auto s2 = spawn_subscriber(log2);
  mcp::progress_token token{"shared"};
  self->send(client, mcp::subscribe_atom::value, token, s1);
  self->send(client, mcp::subscribe_atom::value, token, s2);
  consume_messages();
  self->receive([](caf::actor&) {}, caf::after(0s) >> [] {});
  self->receive([](caf::actor&) {}, caf::after(0s) >> [] {});
  progress(token, 1);
  self->send(client, mcp::unsubscribe_atom::value, token, s1);
  consume_messages();
  progress(token, 2);
  CAF_CHECK_EQUAL(log1->updates.size(), 1u);
  CAF_REQUIRE_EQUAL(log1->done.size(), 1u);
  CAF_CHECK(log1->done[0].outcome == mcp::progress_outcome::unsubscribed);
  CAF_CHECK_EQUAL(log2->updates.size(), 2u);
  CAF_CHECK(log2->done.empty());
}

CAF_TEST(a progress token in flight cannot be reused) {
  handshake();
  auto log = std::make_shared<progress_log>();
  auto opts = tracked(mcp::progress_token{"dup"}, log);
  send_request(mcp::requests::call_tool("a", nullptr, opts));
  auto first = last_id();
  send_request(mcp::requests::call_tool("b", nullptr, opts));
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::duplicate_progress_token));
  CAF_CHECK(log->done.empty());
  respond(first);
  reply<json::value>();
  send_request(mcp::requests::call_tool("c", nullptr, opts));
  CAF_CHECK_NOT_EQUAL(last_id(), first);
}

CAF_TEST(a request times out and the server is told) {
  handshake();
  mcp::request_options opts;
  opts.timeout = 1s;
  send_request(mcp::requests::call_tool("slow", nullptr, opts));
  auto id = last_id();
  advance_time(999ms);
  consume_messages();
  CAF_CHECK(no_reply());
  advance_time(1ms);
  consume_messages();
  auto err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::timeout));
  auto& note = last_sent();
  CAF_CHECK_EQUAL(note.at("method").as_string(), "notifications/cancelled");
  CAF_CHECK_EQUAL(note.at("params").at("requestId").as_int64(), id);
  respond(id);
  CAF_CHECK(no_reply());
  CAF_CHECK_EQUAL(stats().late_responses, 1u);
  CAF_CHECK_EQUAL(stats().unknown_response_ids, 0u);
}

CAF_TEST(progress resets the timeout but never the maximum) {
  handshake();
  mcp::request_options opts;
  opts.progress = mcp::progress_token{"r"};
  opts.timeout = 1s;
  opts.reset_timeout_on_progress = true;
  opts.max_total_timeout = 3s;
  send_request(mcp::requests::call_tool("slow", nullptr, opts));
  for (int i = 1; i <= 5; ++i) {
    advance_time(800ms);
    consume_messages();
    progress(*opts.progress, i);
    if (i * 800 < 3000)
      CAF_CHECK(no_reply());
  }
  auto err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::timeout));
  CAF_CHECK(mcp::describe(err).find("maximum total time") != std::string::npos);
}

CAF_TEST(without reset progress does not extend the timeout) {
  handshake();
  mcp::request_options opts;
  opts.progress = mcp::progress_token{"nr"};
  opts.timeout = 1s;
  send_request(mcp::requests::call_tool("slow", nullptr, opts));
  advance_time(600ms);
  consume_messages();
  progress(*opts.progress, 1);
  advance_time(400ms);
  consume_messages();
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::timeout));
}

CAF_TEST(callers cancel by key by token and all at once) {
  handshake();
  mcp::request_options by_key;
  by_key.cancel_key = "k";
  send_request(mcp::requests::call_tool("a", nullptr, by_key));
  auto id = last_id();
  mcp::cancel_request(client, std::string{"k"});
  consume_messages();
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::cancelled));
  CAF_CHECK_EQUAL(last_sent().at("params").at("requestId").as_int64(), id);
  auto log = std::make_shared<progress_log>();
  mcp::request_options by_token;
  by_token.progress = mcp::progress_token{"c"};
  by_token.progress_subscribers.push_back(spawn_subscriber(log));
  send_request(mcp::requests::call_tool("b", nullptr, by_token));
  mcp::cancel_request(client, *by_token.progress);
  consume_messages();
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::cancelled));
  CAF_REQUIRE_EQUAL(log->done.size(), 1u);
  CAF_CHECK(log->done[0].outcome == mcp::progress_outcome::cancelled);
  send_request(mcp::requests::call_tool("c"));
  send_request(mcp::requests::call_tool("d"));
  mcp::cancel_all_requests(client);
  consume_messages();
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::cancelled));
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::cancelled));
  auto st = stats();
  CAF_CHECK_EQUAL(st.cancellations, 4u);
  CAF_CHECK_EQUAL(st.in_flight, 0u);
}

CAF_TEST(bad input is counted and never fatal) {
  handshake();
  deliver(R"({"jsonrpc":"2.0","id":4242,"result":{}})");
  deliver(R"({"hello":"world"})");
  deliver(R"([1,2,3])");
  self->send(client, mcp::transports::transport_fault{
                       mcp::transports::fault_kind::malformed_message, "x"});
  self->send(client, mcp::transports::transport_fault{
                       mcp::transports::fault_kind::oversized_message, "y"});
  consume_messages();
  auto st = stats();
  CAF_CHECK_EQUAL(st.unknown_response_ids, 1u);
  CAF_CHECK_EQUAL(st.invalid_messages, 2u);
  CAF_CHECK_EQUAL(st.malformed_messages, 1u);
  CAF_CHECK_EQUAL(st.oversized_messages, 1u);
  send_request(mcp::requests::ping());
  respond(last_id());
  reply<json::value>();
}

CAF_TEST(the server is answered and notifications reach subscribers) {
  handshake();
  deliver(R"({"jsonrpc":"2.0","id":"s1","method":"ping"})");
  CAF_CHECK_EQUAL(json::serialize(last_sent()),
                  R"({"jsonrpc":"2.0","id":"s1","result":{}})");
  deliver(R"({"jsonrpc":"2.0","id":7,"method":"roots/list"})");
  CAF_CHECK_EQUAL(last_sent().at("error").at("code").as_int64(), -32601);
  auto notes = std::make_shared<std::vector<mcp::server_notification>>();
  auto who = sys.spawn([notes](caf::event_based_actor*) -> caf::behavior {
    return {[notes](mcp::server_notification& x) {
      notes->push_back(std::move(x));
    }};
  });
  self->send(client, mcp::subscribe_atom::value,
             std::string{"notifications/message"}, who);
  consume_messages();
  auto all = std::make_shared<std::vector<mcp::server_notification>>();
  auto everything = sys.spawn([all](caf::event_based_actor*) -> caf::behavior {
    return {[all](mcp::server_notification& x) {
      all->push_back(std::move(x));
    }};
  });
  self->send(client, mcp::subscribe_atom::value, std::string{}, everything);
  consume_messages();
  deliver(R"({"jsonrpc":"2.0","method":"notifications/message",
             "params":{"level":"info","data":"hi"}})");
  deliver(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})");
  deliver(R"({"jsonrpc":"2.0","method":"notifications/resources/updated",
             "params":{"uri":"file:///a"}})");
  CAF_REQUIRE_EQUAL(notes->size(), 1u);
  CAF_CHECK_EQUAL((*notes)[0].params.at("data").as_string(), "hi");
  CAF_REQUIRE_EQUAL(all->size(), 3u);
  CAF_CHECK_EQUAL((*all)[1].method, "notifications/tools/list_changed");
  CAF_CHECK_EQUAL((*all)[2].params.at("uri").as_string(), "file:///a");
  self->send(client, mcp::unsubscribe_atom::value, std::string{}, everything);
  consume_messages();
  deliver(R"({"jsonrpc":"2.0","method":"notifications/prompts/list_changed"})");
  CAF_CHECK_EQUAL(all->size(), 3u);
}

CAF_TEST(the connection ending fails requests with the reason) {
  handshake();
  auto log = std::make_shared<progress_log>();
  auto opts = tracked(mcp::progress_token{"p"}, log);
  send_request(mcp::requests::call_tool("a", nullptr, opts));
  mcp::transports::transport_closed closed;
  closed.description
    = "server process exited with status 3; stderr tail: fatal: out of cheese";
  self->send(client, std::move(closed));
  consume_messages();
  auto err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::transport_closed));
  CAF_CHECK(mcp::describe(err).find("status 3") != std::string::npos);
  CAF_CHECK(mcp::describe(err).find("out of cheese") != std::string::npos);
  CAF_REQUIRE_EQUAL(log->done.size(), 1u);
  CAF_CHECK(log->done[0].outcome == mcp::progress_outcome::disconnected);
  send_request(mcp::requests::ping());
  CAF_CHECK(no_reply());
  self->send(client, mcp::give_up_atom::value, std::string{"no restarts"});
  consume_messages();
  err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::session_closed));
  CAF_CHECK(mcp::describe(err).find("status 3") != std::string::npos);
}

CAF_TEST(all pages are followed) {
  handshake();
  self->send(client, mcp::all_pages_atom::value, mcp::requests::list_tools());
  consume_messages();
  CAF_CHECK(!last_sent().as_object().contains("params"));
  respond(last_id(), R"({"tools":[{"name":"a","inputSchema":{}}],"nextCursor":"c1"})");
  CAF_CHECK_EQUAL(last_sent().at("params").at("cursor").as_string(), "c1");
  respond(last_id(), R"({"tools":[{"name":"b","inputSchema":{}},{"name":"c","inputSchema":{}}]})");
  auto all = reply<json::value>();
  CAF_REQUIRE_EQUAL(all.at("tools").as_array().size(), 3u);
  CAF_CHECK_EQUAL(all.at("tools").at(2).at("name").as_string(), "c");
  self->send(client, mcp::all_pages_atom::value, mcp::requests::list_tools());
  consume_messages();
  respond(last_id(), R"({"tools":[],"nextCursor":"same"})");
  respond(last_id(), R"({"tools":[],"nextCursor":"same"})");
  CAF_CHECK(mcp::describe(error_reply()).find("repeated") != std::string::npos);
}

CAF_TEST(requests waiting for the handshake time out) {
  mcp::request_options opts;
  opts.timeout = 1s;
  send_request(mcp::requests::ping(opts));
  send_request(mcp::requests::list_tools());
  advance_time(1s);
  consume_messages();
  auto err = error_reply();
  CAF_CHECK(mcp::is(err, mcp::errc::timeout));
  CAF_CHECK(mcp::describe(err).find("handshake") != std::string::npos);
  CAF_CHECK(no_reply());
  handshake();
  CAF_CHECK_EQUAL(last_sent().at("method").as_string(), "tools/list");
}

CAF_TEST(a walk over pages is answered when the session closes) {
  handshake();
  self->send(client, mcp::all_pages_atom::value, mcp::requests::list_tools());
  consume_messages();
  respond(last_id(), R"({"tools":[{"name":"a","inputSchema":{}}],"nextCursor":"c1"})");
  self->send(client, mcp::shutdown_atom::value);
  consume_messages();
  CAF_CHECK(mcp::is(error_reply(), mcp::errc::session_closed));
}

CAF_TEST(progress can be sent to the server) {
  handshake();
  mcp::send_progress(client, mcp::progress_token{"srv"}, 50, 100.0,
                     std::string{"half"});
  consume_messages();
  auto& note = last_sent();
  CAF_CHECK_EQUAL(note.at("method").as_string(), "notifications/progress");
  CAF_CHECK_EQUAL(note.at("params").at("progressToken").as_string(), "srv");
  CAF_CHECK_EQUAL(note.at("params").at("total").as_double(), 100.0);
  CAF_CHECK_EQUAL(note.at("params").at("message").as_string(), "half");
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

/// Answers every server request (with an empty roots list), but refuses
/// sampling.
caf::behavior handler(caf::event_based_actor*) {
  return {
    [](mcp::server_request& x) -> caf::expected<json::value> {
      if (x.method == "sampling/createMessage")
        return mcp::make_server_error(-32600, "user rejected sampling");
      return json::value(json::object{{"roots", json::array{}}});
    },
  };
}

} // namespace

CAF_TEST(handlers answer server requests and set capabilities) {
  test_coordinator_fixture<test_config> base;
  auto sent = std::make_shared<std::vector<json::value>>();
  auto h = base.sys.spawn(handler);
  mcp::client_config cfg;
  cfg.log_bad_input = false;
  cfg.roots_handler = h;
  cfg.sampling_handler = h;
  cfg.elicitation_handler = h;
  auto client = mcp::spawn_bare_client(base.sys, cfg);
  auto transport = base.sys.spawn(fake_transport, sent);
  base.self->send(client, mcp::transport_atom::value, transport);
  base.consume_messages();
  CAF_REQUIRE_EQUAL(sent->size(), 1u);
  auto& caps = sent->front().at("params").at("capabilities");
  CAF_CHECK(caps.as_object().contains("roots"));
  CAF_CHECK(caps.as_object().contains("sampling"));
  CAF_CHECK(caps.at("elicitation").as_object().contains("form"));
  auto deliver = [&](std::string_view text) {
    base.self->send(client, inbound_atom::value, json::parse(text));
    base.consume_messages();
  };
  deliver(R"({"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25",
            "capabilities":{},"serverInfo":{"name":"s","version":"1"}}})");
  deliver(R"({"jsonrpc":"2.0","id":"r1","method":"roots/list"})");
  CAF_CHECK_EQUAL(json::serialize(sent->back()),
                  R"({"jsonrpc":"2.0","id":"r1","result":{"roots":[]}})");
  deliver(R"({"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage",
            "params":{"messages":[],"maxTokens":1}})");
  CAF_CHECK_EQUAL(sent->back().at("error").at("code").as_int64(), -32600);
  CAF_CHECK_EQUAL(sent->back().at("error").at("message").as_string(),
                  "user rejected sampling");
  deliver(R"({"jsonrpc":"2.0","id":"e1","method":"elicitation/create",
            "params":{"mode":"form","message":"name?",
                      "requestedSchema":{"type":"object","properties":{}}}})");
  CAF_CHECK_EQUAL(sent->back().at("id").as_string(), "e1");
  CAF_CHECK(sent->back().as_object().contains("result"));
  deliver(R"({"jsonrpc":"2.0","id":"x1","method":"no/such"})");
  CAF_CHECK_EQUAL(sent->back().at("error").at("code").as_int64(), -32601);
  base.self->send_exit(client, caf::exit_reason::user_shutdown);
  base.self->send_exit(h, caf::exit_reason::user_shutdown);
}

CAF_TEST(a cancelled server request keeps its slot until its handler answers) {
  test_coordinator_fixture<test_config> base;
  auto sent = std::make_shared<std::vector<json::value>>();
  auto promises = std::make_shared<std::vector<caf::response_promise>>();
  auto h = base.sys.spawn([promises](caf::event_based_actor* self)
                            -> caf::behavior {
    return {
      [=](mcp::server_request&) {
        promises->push_back(self->make_response_promise());
      },
      [=](int) {
        promises->front().deliver(
          json::value(json::object{{"roots", json::array{}}}));
      },
    };
  });
  mcp::client_config cfg;
  cfg.log_bad_input = false;
  cfg.roots_handler = h;
  cfg.max_server_requests = 1;
  auto client = mcp::spawn_bare_client(base.sys, cfg);
  auto transport = base.sys.spawn(fake_transport, sent);
  base.self->send(client, mcp::transport_atom::value, transport);
  base.consume_messages();
  auto deliver = [&](std::string_view text) {
    base.self->send(client, inbound_atom::value, json::parse(text));
    base.consume_messages();
  };
  deliver(R"({"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25",
            "capabilities":{},"serverInfo":{"name":"s","version":"1"}}})");
  deliver(R"({"jsonrpc":"2.0","id":"r1","method":"roots/list"})");
  CAF_REQUIRE_EQUAL(promises->size(), 1u);
  deliver(R"({"jsonrpc":"2.0","method":"notifications/cancelled",
            "params":{"requestId":"r1"}})");
  auto before = sent->size();
  deliver(R"({"jsonrpc":"2.0","id":"r2","method":"roots/list"})");
  CAF_REQUIRE_EQUAL(sent->size(), before + 1);
  CAF_CHECK_EQUAL(sent->back().at("id").as_string(), "r2");
  CAF_CHECK_EQUAL(sent->back().at("error").at("code").as_int64(), -32603);
  CAF_CHECK_EQUAL(promises->size(), 1u);
  base.self->send(h, 1);
  base.consume_messages();
  CAF_CHECK_EQUAL(sent->size(), before + 1);
  deliver(R"({"jsonrpc":"2.0","id":"r3","method":"roots/list"})");
  CAF_CHECK_EQUAL(promises->size(), 2u);
  base.self->send_exit(client, caf::exit_reason::user_shutdown);
  base.self->send_exit(h, caf::exit_reason::user_shutdown);
}

namespace {

/// A transport that takes its time to end the session: it records the close
/// and ends only when told (`transport_closed` to the client, then quits).
caf::behavior lingering_transport(caf::event_based_actor* self,
                                  std::shared_ptr<int> closes) {
  return {
    [](outbound_atom, json::value&) {},
    [](mcp::transports::protocol_version_atom, const std::string&) {},
    [](mcp::transports::abandon_atom, const std::string&) {},
    [closes](close_atom) { ++*closes; },
    [self](mcp::transports::transport_closed& x, caf::actor& owner) {
      self->send(owner, std::move(x));
      self->quit();
    },
  };
}

struct closing_fixture : test_coordinator_fixture<test_config> {
  std::shared_ptr<int> closes = std::make_shared<int>(0);
  caf::actor transport;
  caf::actor client;

  closing_fixture() {
    transport = sys.spawn(lingering_transport, closes);
    mcp::client_config cfg;
    cfg.log_bad_input = false;
    cfg.close_timeout = 2s;
    client = mcp::spawn_bare_client(sys, std::move(cfg));
    self->send(client, mcp::transport_atom::value, transport);
    consume_messages();
    self->monitor(client);
    self->send(client, mcp::shutdown_atom::value);
    consume_messages();
  }

  bool client_down() {
    auto res = false;
    self->receive([&](caf::down_msg& dm) { res = dm.source == client; },
                  caf::after(0s) >> [] {});
    return res;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(client_closing_tests, closing_fixture)

CAF_TEST(a closing client lives until its transport has ended) {
  CAF_CHECK_EQUAL(*closes, 1);
  CAF_CHECK(!client_down());
  self->send(transport, mcp::transports::transport_closed{"closed by owner"},
             client);
  consume_messages();
  CAF_CHECK(client_down());
}

CAF_TEST(a closing client quits when its transport takes too long) {
  advance_time(1999ms);
  consume_messages();
  CAF_CHECK(!client_down());
  advance_time(1ms);
  consume_messages();
  CAF_CHECK(client_down());
}

CAF_TEST(a closing client quits when its transport goes down) {
  self->send_exit(transport, caf::exit_reason::kill);
  consume_messages();
  CAF_CHECK(client_down());
}

CAF_TEST_FIXTURE_SCOPE_END()
