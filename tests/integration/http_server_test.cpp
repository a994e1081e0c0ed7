// The Streamable HTTP server over real sockets on 127.0.0.1: sessions,
// JSON and SSE responses, resumption, and bad input with its exact status
// codes (the server keeps serving other sessions after each).
#define CAF_SUITE integration.http_server
#include <caf/test/unit_test.hpp>

#include "tests/integration/http_server_support.hpp"

using namespace http_test;

CAF_TEST_FIXTURE_SCOPE(http_server_tests, fixture)

CAF_TEST(a session starts with initialize and answers in JSON) {
  auto r = post({}, R"({"jsonrpc":"2.0","id":1,"method":"initialize",
    "params":{"protocolVersion":"2025-11-25","capabilities":{},
              "clientInfo":{"name":"t","version":"1"}}})");
  CAF_REQUIRE_EQUAL(r.status, 200u);
  CAF_CHECK_EQUAL(r.header("Content-Type"), "application/json");
  auto id = r.header("Mcp-Session-Id");
  CAF_CHECK_EQUAL(id.size(), 32u);
  for (auto c : id)
    CAF_CHECK(c >= 0x21 && c <= 0x7E);
  auto init = json::parse(r.body);
  CAF_CHECK_EQUAL(init.at("result").at("protocolVersion"), "2025-11-25");
  auto call = post(id, R"({"jsonrpc":"2.0","id":2,"method":"tools/call",
    "params":{"name":"echo","arguments":{"x":1}}})");
  CAF_CHECK_EQUAL(call.status, 200u);
  CAF_CHECK_EQUAL(call.header("Content-Type"), "application/json");
  auto answer = json::parse(call.body);
  CAF_CHECK_EQUAL(answer.at("id"), 2);
  // Another session gets another id.
  CAF_CHECK_NOT_EQUAL(initialize(), id);
}

CAF_TEST(progress travels on the stream of its request before the response) {
  auto id = initialize();
  auto r = post(id, R"({"jsonrpc":"2.0","id":5,"method":"tools/call",
    "params":{"name":"steps","arguments":{},"_meta":{"progressToken":"t"}}})");
  CAF_REQUIRE_EQUAL(r.status, 200u);
  CAF_CHECK_EQUAL(r.header("Content-Type"), "text/event-stream");
  auto events = r.events();
  CAF_REQUIRE_EQUAL(events.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    auto& e = events[static_cast<size_t>(i)];
    CAF_CHECK_EQUAL(e.at("method"), "notifications/progress");
    CAF_CHECK_EQUAL(e.at("params").at("progressToken"), "t");
    CAF_CHECK_EQUAL(e.at("params").at("progress").to_number<double>(), i + 1);
  }
  CAF_CHECK_EQUAL(events[3].at("id"), 5);
  // The stream begins with a priming event that has an id and a retry.
  CAF_CHECK(r.body.rfind("retry: ", 0) == 0);
}

CAF_TEST(a broken stream resumes with Last-Event-ID) {
  auto id = initialize();
  auto r = post(id, R"({"jsonrpc":"2.0","id":7,"method":"tools/call",
    "params":{"name":"poll","arguments":{},"_meta":{"progressToken":1}}})");
  CAF_REQUIRE_EQUAL(r.status, 200u);
  // The response ended after the first progress, without the result.
  auto first = r.events();
  CAF_REQUIRE_EQUAL(first.size(), 1u);
  CAF_CHECK_EQUAL(first[0].at("params").at("progress").to_number<double>(), 1);
  std::string last;
  mcp::protocol::sse_parser parser;
  parser.feed(
    r.body, [&](mcp::protocol::sse_event&& ev) { last = ev.id; },
    [](mcp::protocol::sse_error) {});
  CAF_REQUIRE(!last.empty());
  std::this_thread::sleep_for(200ms);
  auto again = exchange(http::verb::get, "/mcp",
                        {{"Accept", "text/event-stream"},
                         {"Mcp-Session-Id", id},
                         {"MCP-Protocol-Version", "2025-11-25"},
                         {"Last-Event-ID", last}});
  CAF_REQUIRE_EQUAL(again.status, 200u);
  auto rest = again.events();
  CAF_REQUIRE_EQUAL(rest.size(), 2u);
  CAF_CHECK_EQUAL(rest[0].at("params").at("progress").to_number<double>(), 2);
  CAF_CHECK_EQUAL(rest[1].at("id"), 7);
  // An id of no stream gets 404.
  auto unknown = exchange(http::verb::get, "/mcp",
                          {{"Accept", "text/event-stream"},
                           {"Mcp-Session-Id", id},
                           {"Last-Event-ID", "999-1"}});
  CAF_CHECK_EQUAL(unknown.status, 404u);
}

CAF_TEST(bad requests get the exact status and the server serves on) {
  auto id = initialize();
  auto ping = std::string{R"({"jsonrpc":"2.0","id":3,"method":"ping"})"};
  CAF_CHECK_EQUAL(post(id, "{not json").status, 400u);
  auto parse_error = json::parse(post(id, "{not json").body);
  CAF_CHECK_EQUAL(parse_error.at("error").at("code"), -32700);
  CAF_CHECK_EQUAL(post(id, "[" + ping + "]").status, 400u);
  CAF_CHECK_EQUAL(post(id, R"({"jsonrpc":"2.0","id":{}})").status, 400u);
  auto hdrs = post_headers(id);
  hdrs[0].second = "text/plain";
  CAF_CHECK_EQUAL(exchange(http::verb::post, "/mcp", hdrs, ping).status, 415u);
  hdrs = post_headers(id);
  hdrs[1].second = "application/json";
  CAF_CHECK_EQUAL(exchange(http::verb::post, "/mcp", hdrs, ping).status, 406u);
  CAF_CHECK_EQUAL(post({}, ping).status, 400u);
  CAF_CHECK_EQUAL(post("no-such-session", ping).status, 404u);
  hdrs = post_headers(id);
  hdrs.back().second = "1999-01-01";
  CAF_CHECK_EQUAL(exchange(http::verb::post, "/mcp", hdrs, ping).status, 400u);
  hdrs = post_headers(id);
  hdrs.emplace_back("Origin", "http://evil.example.com");
  CAF_CHECK_EQUAL(exchange(http::verb::post, "/mcp", hdrs, ping).status, 403u);
  hdrs = post_headers(id);
  hdrs.emplace_back("Host", "evil.example.com");
  CAF_CHECK_EQUAL(exchange(http::verb::post, "/mcp", hdrs, ping).status, 403u);
  hdrs = post_headers(id);
  hdrs.emplace_back("Origin", "http://localhost:3000");
  CAF_CHECK_EQUAL(exchange(http::verb::post, "/mcp", hdrs, ping).status, 200u);
  CAF_CHECK_EQUAL(announce_body(5 * 1024 * 1024), 413u);
  CAF_CHECK_EQUAL(exchange(http::verb::post, "/elsewhere", post_headers(id),
                           ping)
                    .status,
                  404u);
  CAF_CHECK_EQUAL(exchange(http::verb::put, "/mcp", post_headers(id), ping)
                    .status,
                  405u);
  CAF_CHECK_EQUAL(exchange(http::verb::get, "/mcp",
                           {{"Accept", "application/json"},
                            {"Mcp-Session-Id", id}})
                    .status,
                  406u);
  CAF_CHECK(pings(id));
}

CAF_TEST(a 2025-03-26 session sends batches on one stream) {
  version = "2025-03-26";
  auto id = initialize();
  // Requests only: one JSON array with a response for each.
  auto r = post(id, R"([{"jsonrpc":"2.0","id":1,"method":"ping"},
    {"jsonrpc":"2.0","id":"b","method":"tools/call",
     "params":{"name":"echo","arguments":{"x":2}}}])");
  CAF_REQUIRE_EQUAL(r.status, 200u);
  CAF_CHECK_EQUAL(r.header("Content-Type"), "application/json");
  auto answers = json::parse(r.body);
  CAF_REQUIRE(answers.is_array());
  CAF_REQUIRE_EQUAL(answers.as_array().size(), 2u);
  std::set<std::string> ids;
  for (auto& a : answers.as_array())
    ids.insert(json::serialize(a.at("id")));
  CAF_CHECK_EQUAL(ids, (std::set<std::string>{"1", "\"b\""}));
  // Progress of a batched request comes on the batch's stream, before the
  // batch's response.
  r = post(id, R"([{"jsonrpc":"2.0","id":3,"method":"tools/call",
    "params":{"name":"steps","arguments":{},"_meta":{"progressToken":"p"}}},
    {"jsonrpc":"2.0","method":"notifications/roots/list_changed"}])");
  CAF_REQUIRE_EQUAL(r.status, 200u);
  CAF_CHECK_EQUAL(r.header("Content-Type"), "text/event-stream");
  auto events = r.events();
  if (events.size() != 4u)
    CAF_MESSAGE("batch stream: " << r.body);
  CAF_REQUIRE_EQUAL(events.size(), 4u);
  CAF_CHECK_EQUAL(events[0].at("method"), "notifications/progress");
  CAF_REQUIRE(events[3].is_array());
  CAF_CHECK_EQUAL(events[3].as_array().at(0).at("id"), 3);
  // Notifications only: 202.
  CAF_CHECK_EQUAL(
    post(id, R"([{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}])")
      .status,
    202u);
  // Refused: empty, with initialize, with a repeated id.
  CAF_CHECK_EQUAL(post(id, "[]").status, 400u);
  CAF_CHECK_EQUAL(post(id, R"([{"jsonrpc":"2.0","id":8,"method":"initialize",
    "params":{}}])").status, 400u);
  CAF_CHECK_EQUAL(post(id, R"([{"jsonrpc":"2.0","id":9,"method":"ping"},
    {"jsonrpc":"2.0","id":9,"method":"ping"}])").status, 409u);
  CAF_CHECK(pings(id));
}

CAF_TEST(a legacy session takes batches and answers on its stream) {
  net::io_context ioc;
  tcp::socket sock{ioc};
  sock.connect({net::ip::make_address("127.0.0.1"), port});
  std::string get = "GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Accept: text/event-stream\r\n\r\n";
  net::write(sock, net::buffer(get));
  beast::flat_buffer buf;
  http::response_parser<http::string_body> res;
  mcp::protocol::sse_parser parser;
  std::deque<mcp::protocol::sse_event> events;
  auto next_event = [&]() -> mcp::protocol::sse_event {
    while (events.empty()) {
      beast::error_code ec;
      http::read_some(sock, buf, res, ec);
      CAF_REQUIRE(!ec);
      if (!res.is_header_done())
        continue;
      CAF_REQUIRE_EQUAL(res.get().result_int(), 200u);
      auto& body = res.get().body();
      parser.feed(
        body, [&](mcp::protocol::sse_event&& ev) { events.push_back(ev); },
        [](mcp::protocol::sse_error) { CAF_FAIL("bad SSE"); });
      body.clear();
    }
    auto ev = std::move(events.front());
    events.pop_front();
    return ev;
  };
  auto endpoint = next_event();
  CAF_REQUIRE_EQUAL(endpoint.type(), "endpoint");
  auto legacy_post = [&](std::string body) {
    return exchange(http::verb::post, endpoint.data,
                    {{"Content-Type", "application/json"}}, std::move(body))
      .status;
  };
  CAF_REQUIRE_EQUAL(legacy_post(R"({"jsonrpc":"2.0","id":1,
    "method":"initialize","params":{"protocolVersion":"2024-11-05",
    "capabilities":{},"clientInfo":{"name":"t","version":"1"}}})"),
                    202u);
  auto init = json::parse(next_event().data);
  CAF_CHECK_EQUAL(init.at("result").at("protocolVersion"), "2024-11-05");
  CAF_REQUIRE_EQUAL(
    legacy_post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"),
    202u);
  CAF_REQUIRE_EQUAL(legacy_post(R"([{"jsonrpc":"2.0","id":2,"method":"ping"},
    {"jsonrpc":"2.0","id":3,"method":"ping"}])"),
                    202u);
  auto answers = json::parse(next_event().data);
  CAF_REQUIRE(answers.is_array());
  CAF_CHECK_EQUAL(answers.as_array().size(), 2u);
}

CAF_TEST(a deleted session is gone) {
  auto id = initialize();
  auto other = initialize();
  CAF_CHECK(pings(id));
  CAF_CHECK_EQUAL(exchange(http::verb::delete_, "/mcp",
                           {{"Mcp-Session-Id", id},
                            {"MCP-Protocol-Version", "2025-11-25"}})
                    .status,
                  200u);
  CAF_CHECK_EQUAL(post(id, R"({"jsonrpc":"2.0","id":3,"method":"ping"})")
                    .status,
                  404u);
  CAF_CHECK_EQUAL(exchange(http::verb::delete_, "/mcp",
                           {{"Mcp-Session-Id", id}})
                    .status,
                  404u);
  CAF_CHECK(pings(other));
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(the client over http times out and cancels as over stdio) {
  fixture f;
  auto client = mcp::spawn_http_client(f.sys, client_transport(f.port),
                                       quiet_client());
  CAF_REQUIRE(static_cast<bool>(client));
  mcp::blocking_client api{f.sys, *client};
  CAF_REQUIRE(static_cast<bool>(api.info()));
  auto before = sleepers_stopped().load();
  mcp::request_options opts;
  opts.timeout = 200ms;
  auto late = api.call_tool("sleepy", json::object{}, opts);
  CAF_REQUIRE(!late);
  CAF_CHECK(mcp::is(late.error(), mcp::errc::timeout));
  // The server was told (notifications/cancelled): the handler stops.
  for (int i = 0; i < 300 && sleepers_stopped() == before; ++i)
    std::this_thread::sleep_for(10ms);
  CAF_CHECK_EQUAL(sleepers_stopped().load(), before + 1);
  caf::scoped_actor self{f.sys};
  mcp::request_options keyed;
  keyed.cancel_key = "mine";
  self->send(*client, mcp::requests::call_tool("sleepy", json::object{},
                                               keyed));
  std::this_thread::sleep_for(100ms);
  self->send(*client, mcp::cancel_atom::value, std::string{"mine"});
  self->receive(
    [&](caf::error& err) { CAF_CHECK(mcp::is(err, mcp::errc::cancelled)); },
    [&](json::value&) { CAF_FAIL("the call was not cancelled"); },
    caf::after(5s) >> [] { CAF_FAIL("no answer"); });
  for (int i = 0; i < 300 && sleepers_stopped() == before + 1; ++i)
    std::this_thread::sleep_for(10ms);
  CAF_CHECK_EQUAL(sleepers_stopped().load(), before + 2);
  CAF_CHECK(static_cast<bool>(api.ping()));
  api.stop();
}

CAF_TEST(handlers that hold every pool thread delay no session) {
  fixture f;
  auto with_roots = quiet_client();
  with_roots.roots_handler = mcp::spawn_request_handler(
    f.sys, [](const mcp::server_request&) -> caf::expected<json::value> {
      return json::value(json::object{{"roots", json::array{}}});
    });
  auto busy = mcp::spawn_http_client(f.sys, client_transport(f.port),
                                     with_roots);
  auto other = mcp::spawn_http_client(f.sys, client_transport(f.port),
                                      quiet_client());
  CAF_REQUIRE(busy && other);
  mcp::blocking_client busy_api{f.sys, *busy};
  mcp::blocking_client other_api{f.sys, *other};
  CAF_REQUIRE(busy_api.info() && other_api.info());
  caf::scoped_actor self{f.sys};
  // More spinning calls than the pool has threads (at least two).
  constexpr int spins = 4;
  for (int i = 0; i < spins; ++i) {
    mcp::request_options keyed;
    keyed.cancel_key = "spin" + std::to_string(i);
    self->send(*busy, mcp::requests::call_tool("spin", json::object{}, keyed));
  }
  std::this_thread::sleep_for(300ms);
  auto t0 = std::chrono::steady_clock::now();
  // A handler that waits for the client's answer gets it meanwhile.
  CAF_CHECK(static_cast<bool>(busy_api.call_tool("roots", json::object{})));
  CAF_CHECK(static_cast<bool>(other_api.ping()));
  CAF_CHECK(static_cast<bool>(busy_api.ping()));
  CAF_CHECK(static_cast<bool>(other_api.call_tool("echo", json::object{})));
  CAF_CHECK(std::chrono::steady_clock::now() - t0 < 3s);
  for (int i = 0; i < spins; ++i)
    self->send(*busy, mcp::cancel_atom::value, "spin" + std::to_string(i));
  for (int i = 0; i < spins; ++i)
    self->receive([](caf::error&) {},
                  [](json::value&) { CAF_FAIL("a spin was not cancelled"); },
                  caf::after(10s) >> [] { CAF_FAIL("no answer"); });
  busy_api.stop();
  other_api.stop();
  caf::anon_send_exit(with_roots.roots_handler,
                      caf::exit_reason::user_shutdown);
}

CAF_TEST(a supervised client restarts when its http server comes back) {
  auto opts = fixture::defaults();
  auto f = std::make_unique<fixture>(opts);
  auto port = f->port;
  mcp::system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  auto client = mcp::spawn_http_client(
    sys, client_transport(port), quiet_client(),
    mcp::restart_policy::with_backoff(20, std::chrono::milliseconds(50),
                                      std::chrono::milliseconds(200)));
  CAF_REQUIRE(static_cast<bool>(client));
  mcp::blocking_client api{sys, *client};
  CAF_REQUIRE(static_cast<bool>(api.info()));
  CAF_CHECK(static_cast<bool>(api.ping()));
  // The server goes away (its GET stream breaks) and comes back on the same
  // port; the supervisor starts a new transport and session.
  f.reset();
  opts.listener.port = port;
  std::this_thread::sleep_for(300ms);
  f = std::make_unique<fixture>(opts);
  bool answered = false;
  for (int i = 0; i < 100 && !answered; ++i) {
    answered = static_cast<bool>(api.ping());
    if (!answered)
      std::this_thread::sleep_for(50ms);
  }
  CAF_CHECK(answered);
  auto st = api.stats();
  CAF_REQUIRE(static_cast<bool>(st));
  CAF_CHECK_GREATER_OR_EQUAL(st->reconnects, 1u);
  api.stop();
}

namespace {

/// A bare HTTP endpoint that records the Authorization header of each
/// request and answers initialize and notifications.
struct header_probe : mcp::transports::http_handler {
  std::vector<std::string> seen;

  void on_request(std::shared_ptr<mcp::transports::http_exchange> ex) override {
    auto& req = ex->request();
    seen.emplace_back(req.header("Authorization"));
    if (req.method != "POST") {
      ex->respond(405, {}, {});
      return;
    }
    auto msg = json::parse(req.body);
    if (!msg.as_object().contains("id")) {
      ex->respond(202, {}, {});
      return;
    }
    json::object result{{"protocolVersion", "2025-11-25"},
                        {"capabilities", json::object{}},
                        {"serverInfo", json::object{{"name", "probe"},
                                                    {"version", "1"}}}};
    json::object res{{"jsonrpc", "2.0"},
                     {"id", msg.at("id")},
                     {"result", std::move(result)}};
    ex->respond(200, {{"Content-Type", "application/json"}},
                json::serialize(res));
  }
};

} // namespace

CAF_TEST(custom headers go with every request) {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  auto probe = std::make_shared<header_probe>();
  auto listener = mcp::transports::http_listener::start({}, probe);
  CAF_REQUIRE(static_cast<bool>(listener));
  auto t = client_transport((*listener)->port());
  t.headers = {{"Authorization", "Bearer t0ken"}};
  auto client = mcp::spawn_http_client(sys, t);
  CAF_REQUIRE(static_cast<bool>(client));
  mcp::blocking_client api{sys, *client};
  CAF_REQUIRE(static_cast<bool>(api.info()));
  CAF_CHECK(static_cast<bool>(api.ping()));
  api.stop();
  (*listener)->stop();
  // initialize and ping, and what else went out (initialized, the GET
  // stream): each with the header.
  CAF_REQUIRE_GREATER_OR_EQUAL(probe->seen.size(), 2u);
  for (auto& x : probe->seen)
    CAF_CHECK_EQUAL(x, "Bearer t0ken");
}
