// The Streamable HTTP server at its limits over real sockets on 127.0.0.1:
// many sessions and clients, timeouts, slow and stalled peers, idle expiry
// and too many connections; memory and actors come back each time.
#define CAF_SUITE integration.http_server_limits
#include <caf/test/unit_test.hpp>

#include "tests/integration/http_server_support.hpp"

using namespace http_test;

CAF_TEST_FIXTURE_SCOPE(http_server_limits_tests, fixture)

CAF_TEST(ten thousand sessions open and close without leaking) {
  // A first session starts what the endpoint starts once (its opener).
  auto first = initialize();
  CAF_CHECK_EQUAL(exchange(http::verb::delete_, "/mcp",
                           {{"Mcp-Session-Id", first},
                            {"MCP-Protocol-Version", "2025-11-25"}})
                    .status,
                  200u);
  std::this_thread::sleep_for(100ms);
  auto actors_before = sys.registry().running();
  keep_alive conn{port};
  std::vector<long> rss;
  std::vector<long> heap;
  size_t opened = 0;
  size_t closed = 0;
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 1000; ++i) {
      auto init = conn.exchange(
        http::verb::post, post_headers(),
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{)"
        R"("protocolVersion":"2025-11-25","capabilities":{},)"
        R"("clientInfo":{"name":"t","version":"1"}}})");
      auto id = init.header("Mcp-Session-Id");
      if (init.status != 200 || id.empty())
        break;
      ++opened;
      conn.exchange(http::verb::post, post_headers(id),
                    R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
      auto del = conn.exchange(http::verb::delete_,
                               {{"Mcp-Session-Id", id},
                                {"MCP-Protocol-Version", "2025-11-25"}},
                               {});
      if (del.status == 200)
        ++closed;
    }
    rss.push_back(rss_kib());
    heap.push_back(heap_in_use() / 1024);
  }
#ifdef __SANITIZE_ADDRESS__
  if (std::getenv("MCP_PROFILE_HEAP") != nullptr)
    __sanitizer_print_memory_profile(90, 15);
#endif
  CAF_CHECK_EQUAL(opened, 10000u);
  CAF_CHECK_EQUAL(closed, 10000u);
  CAF_CHECK_EQUAL(running->sessions(), 0u);
  // Every session actor has ended.
  for (int i = 0; i < 100 && sys.registry().running() > actors_before; ++i)
    std::this_thread::sleep_for(20ms);
  CAF_CHECK_LESS_OR_EQUAL(sys.registry().running(), actors_before);
  // Memory after the first rounds stays flat (allocator caches aside).
  auto trace = [](const std::vector<long>& xs) {
    std::string res;
    for (auto x : xs)
      res += std::to_string(x) + " ";
    return res;
  };
  CAF_MESSAGE("after each 1000 sessions, RSS (KiB): " << trace(rss));
  CAF_MESSAGE("after each 1000 sessions, heap in use (KiB): " << trace(heap));
#ifndef __SANITIZE_ADDRESS__
  // (ASan's quarantine holds freed memory: RSS tells nothing there.)
  CAF_CHECK_LESS(rss.back() - rss[1], 16 * 1024);
#endif
  // What stays allocated does not grow with the sessions opened (a few
  // hundred KiB of timers still pending are allowed).
  CAF_CHECK_LESS(heap.back() - heap[1], 1024);
}

CAF_TEST(clients started and stopped leave no actors and no memory behind) {
  // A stopped client's memory goes when its last timer has fired (CAF 0.17
  // cannot cancel a delayed message): short timeouts keep the test short.
  auto cfg = quiet_client();
  cfg.handshake_timeout = 500ms;
  cfg.close_timeout = 500ms;
  auto run_one = [&] {
    auto client = mcp::spawn_http_client(sys, client_transport(port), cfg);
    CAF_REQUIRE(static_cast<bool>(client));
    mcp::blocking_client api{sys, *client};
    CAF_REQUIRE(static_cast<bool>(api.info()));
    mcp::request_options opts;
    opts.timeout = 500ms;
    CAF_CHECK(static_cast<bool>(api.ping(opts)));
    CAF_CHECK(api.stop());
  };
  auto settle = [&](size_t limit) {
    for (int i = 0; i < 200 && sys.registry().running() > limit; ++i)
      std::this_thread::sleep_for(10ms);
    return sys.registry().running();
  };
  run_one();
  std::this_thread::sleep_for(1s);
  auto actors_before = settle(0);
  auto heap_before = heap_in_use();
  for (int i = 0; i < 300; ++i)
    run_one();
  CAF_CHECK_LESS_OR_EQUAL(settle(actors_before), actors_before);
  std::this_thread::sleep_for(1500ms);
  auto grown = heap_in_use() - heap_before;
  CAF_MESSAGE("heap in use after 300 clients: " << grown / 1024
                                                << " KiB more");
  CAF_CHECK_LESS(grown, 256 * 1024);
}

CAF_TEST(calls that time out leave no streams and no memory behind) {
  auto client = mcp::spawn_http_client(sys, client_transport(port),
                                       quiet_client());
  CAF_REQUIRE(static_cast<bool>(client));
  mcp::blocking_client api{sys, *client};
  CAF_REQUIRE(static_cast<bool>(api.info()));
  mcp::request_options opts;
  opts.timeout = 20ms;
  auto time_out = [&](int n) {
    for (int i = 0; i < n; ++i) {
      auto res = api.call_tool("sleepy", json::object{}, opts);
      CAF_CHECK(!res && mcp::is(res.error(), mcp::errc::timeout));
    }
  };
  time_out(50);
  std::this_thread::sleep_for(300ms);
  auto heap_before = heap_in_use();
  time_out(300);
  // The client gave those streams up: a call answers at once, on a
  // connection no abandoned stream holds.
  mcp::request_options quick;
  quick.timeout = 2s;
  auto echo = api.call_tool("echo", json::object{{"x", 1}}, quick);
  CAF_CHECK(static_cast<bool>(echo));
  std::this_thread::sleep_for(300ms);
  auto grown = heap_in_use() - heap_before;
#ifdef __SANITIZE_ADDRESS__
  if (std::getenv("MCP_PROFILE_HEAP") != nullptr)
    __sanitizer_print_memory_profile(90, 12);
#endif
  CAF_MESSAGE("heap in use after 300 timeouts: " << grown / 1024
                                                 << " KiB more");
  CAF_CHECK_LESS(grown, 512 * 1024);
  api.stop();
}

CAF_TEST(slow headers are cut off and other clients are served) {
  auto id = initialize();
  net::io_context ioc;
  tcp::socket slow{ioc};
  slow.connect({net::ip::make_address("127.0.0.1"), port});
  std::string partial = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  net::write(slow, net::buffer(partial));
  CAF_CHECK(pings(id));
  // The read timeout is 300 ms: past it the server closes the connection.
  char byte = 0;
  beast::error_code ec;
  slow.read_some(net::buffer(&byte, 1), ec);
  CAF_CHECK(ec == net::error::eof || ec == net::error::connection_reset);
  CAF_CHECK(pings(id));
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

/// Sends the request that runs the "flood" tool (20,000 progress
/// notifications of 1 KiB) on a connection of its own.
void start_flood(tcp::socket& sock, uint16_t port, const std::string& id) {
  sock.connect({net::ip::make_address("127.0.0.1"), port});
  std::string body = R"({"jsonrpc":"2.0","id":5,"method":"tools/call",)"
                     R"("params":{"name":"flood","arguments":{},)"
                     R"("_meta":{"progressToken":"f"}}})";
  auto head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              "Content-Type: application/json\r\n"
              "Accept: application/json, text/event-stream\r\n"
              "Mcp-Session-Id: " + id + "\r\n"
              "Content-Length: " + std::to_string(body.size())
              + "\r\n\r\n" + body;
  net::write(sock, net::buffer(head));
}

} // namespace

CAF_TEST(a slow reader gets a burst far larger than the output bound whole) {
  auto opts = fixture::defaults();
  opts.listener.max_pending_output = 1024 * 1024;
  fixture f{opts};
  auto id = f.initialize();
  net::io_context ioc;
  tcp::socket sock{ioc};
  start_flood(sock, f.port, id);
  // 20 MB through a bound of 1 MB: the handler waits for the reader.
  beast::flat_buffer buf;
  http::response_parser<http::string_body> res;
  res.body_limit(boost::none);
  mcp::protocol::sse_parser parser;
  size_t progress = 0;
  bool answered = false;
  beast::error_code ec;
  for (size_t reads = 1; !answered && !ec; ++reads) {
    http::read_some(sock, buf, res, ec);
    if (reads % 64 == 0)
      std::this_thread::sleep_for(1ms);
    if (!res.is_header_done())
      continue;
    parser.feed(
      res.get().body(),
      [&](mcp::protocol::sse_event&& ev) {
        if (ev.data.find("notifications/progress") != std::string::npos)
          ++progress;
        else if (!ev.data.empty())
          answered = true;
      },
      [](mcp::protocol::sse_error) { CAF_FAIL("bad SSE"); });
    res.get().body().clear();
  }
  CAF_CHECK(!ec);
  CAF_CHECK(answered);
  CAF_CHECK_EQUAL(progress, 20000u);
  CAF_CHECK(f.pings(id));
}

CAF_TEST(a client that stops reading is disconnected and others are served) {
  auto opts = fixture::defaults();
  opts.listener.max_pending_output = 1024 * 1024;
  opts.max_producer_wait = 200ms;
  fixture f{opts};
  auto id = f.initialize();
  net::io_context ioc;
  tcp::socket slow{ioc};
  start_flood(slow, f.port, id);
  // The client reads nothing; the server serves others. Past the producer
  // wait the tool goes on and the listener cuts the connection.
  std::this_thread::sleep_for(1s);
  auto other = f.initialize();
  CAF_CHECK(f.pings(other));
  // What the slow client finds: far less than the 20 MB the tool wrote,
  // then the end of the connection.
  size_t total = 0;
  char buf[65536];
  beast::error_code ec;
  for (;;) {
    auto n = slow.read_some(net::buffer(buf), ec);
    if (ec)
      break;
    total += n;
  }
  CAF_CHECK(ec == net::error::eof || ec == net::error::connection_reset);
  CAF_CHECK_LESS(total, 15u * 1024 * 1024);
  CAF_CHECK(f.pings(other));
}

CAF_TEST(idle sessions expire) {
  auto opts = fixture::defaults();
  opts.session_idle_timeout = 200ms;
  fixture f{opts};
  auto id = f.initialize();
  CAF_CHECK(f.pings(id));
  std::this_thread::sleep_for(600ms);
  CAF_CHECK_EQUAL(
    f.post(id, R"({"jsonrpc":"2.0","id":3,"method":"ping"})").status, 404u);
}

CAF_TEST(a client whose session expired starts a new one transparently) {
  auto opts = fixture::defaults();
  opts.session_idle_timeout = 200ms;
  fixture f{opts};
  auto t = client_transport(f.port);
  t.open_get_stream = false;
  auto client = mcp::spawn_http_client(f.sys, t, quiet_client());
  CAF_REQUIRE(static_cast<bool>(client));
  mcp::blocking_client api{f.sys, *client};
  CAF_REQUIRE(static_cast<bool>(api.info()));
  CAF_CHECK(static_cast<bool>(api.ping()));
  std::this_thread::sleep_for(700ms);
  // The server forgot the session; the call goes out again in a new one.
  auto res = api.call_tool("echo", json::object{{"x", 1}});
  CAF_CHECK(static_cast<bool>(res));
  auto st = api.stats();
  CAF_REQUIRE(static_cast<bool>(st));
  CAF_CHECK_EQUAL(st->reconnects, 1u);
  CAF_CHECK_EQUAL(st->errors, 0u);
  api.stop();
}

CAF_TEST(connections past the limit are refused and the rest served) {
  auto opts = fixture::defaults();
  opts.listener.max_connections = 4;
  fixture f{opts};
  auto id = f.initialize();
  net::io_context ioc;
  std::vector<tcp::socket> held;
  for (int i = 0; i < 4; ++i) {
    held.emplace_back(ioc);
    held.back().connect({net::ip::make_address("127.0.0.1"), f.port});
  }
  // The fifth is closed at once.
  tcp::socket extra{ioc};
  extra.connect({net::ip::make_address("127.0.0.1"), f.port});
  char byte = 0;
  beast::error_code ec;
  extra.read_some(net::buffer(&byte, 1), ec);
  CAF_CHECK(ec == net::error::eof || ec == net::error::connection_reset);
  held.clear();
  std::this_thread::sleep_for(100ms);
  CAF_CHECK(f.pings(id));
}
