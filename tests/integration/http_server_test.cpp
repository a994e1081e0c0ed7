// The Streamable HTTP server over real sockets on 127.0.0.1: sessions,
// JSON and SSE responses, resumption, and bad input with its exact status
// codes (the server keeps serving other sessions after each).
#define CAF_SUITE integration.http_server
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <malloc.h>
#ifdef __SANITIZE_ADDRESS__
#  include <sanitizer/common_interface_defs.h>
// ASan's allocator statistics (GCC 12 ships no header for them).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/blocking_client.hpp"
#include "actors/http_client.hpp"
#include "actors/http_server.hpp"
#include "actors/request_handler.hpp"
#include "actors/requests.hpp"
#include "actors/atoms.hpp"
#include "actors/error.hpp"
#include "actors/request_context.hpp"
#include "actors/server.hpp"
#include "actors/system_config.hpp"
#include "protocol/sse.hpp"

namespace json = boost::json;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

/// What came back for one request.
struct reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  std::string header(const std::string& name) const {
    auto i = headers.find(name);
    return i == headers.end() ? std::string{} : i->second;
  }

  /// The JSON-RPC messages of an SSE body, in order.
  std::vector<json::value> events() const {
    std::vector<json::value> res;
    mcp::protocol::sse_parser parser;
    parser.feed(
      body,
      [&](mcp::protocol::sse_event&& ev) {
        if (!ev.data.empty())
          res.push_back(json::parse(ev.data));
      },
      [](mcp::protocol::sse_error) { CAF_FAIL("bad SSE"); });
    return res;
  }
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// How often the "sleepy" tool's wait ended early (cancelled).
std::atomic<int>& sleepers_stopped() {
  static std::atomic<int> res{0};
  return res;
}

/// Adds tool `name` (any object as input) that runs `fn` on `exec`.
void add_tool(mcp::server_definition& def, std::string name,
              mcp::execution exec, mcp::tool_handler fn) {
  mcp::tool t;
  t.name = std::move(name);
  t.description = t.name;
  t.input_schema = json::parse(R"({"type":"object"})").as_object();
  t.exec = exec;
  t.handler = std::move(fn);
  def.add(std::move(t));
}

mcp::server_definition test_definition() {
  using mcp::execution;
  using result = caf::expected<mcp::tool_result>;
  mcp::server_definition def{"http-test", "1.0"};
  add_tool(def, "echo", execution::immediate,
           [](mcp::request_context&, const json::object& args) -> result {
             return mcp::tool_result::text(json::serialize(args));
           });
  add_tool(def, "steps", execution::pooled,
           [](mcp::request_context& ctx, const json::object&) -> result {
             for (int i = 1; i <= 3; ++i)
               ctx.report_progress(i, 3, "step");
             return mcp::tool_result::text("done");
           });
  add_tool(def, "poll", execution::dedicated,
           [](mcp::request_context& ctx, const json::object&) -> result {
             ctx.report_progress(1, 2);
             ctx.close_stream();
             ctx.sleep_for(100ms);
             ctx.report_progress(2, 2);
             return mcp::tool_result::text("after the break");
           });
  add_tool(def, "flood", execution::pooled,
           [](mcp::request_context& ctx, const json::object&) -> result {
             std::string page(1024, 'x');
             for (int i = 1; i <= 20000 && !ctx.cancelled(); ++i)
               ctx.report_progress(i, 20000, page);
             return mcp::tool_result::text("flooded");
           });
  add_tool(def, "spin", execution::pooled,
           [](mcp::request_context& ctx, const json::object&) -> result {
             auto until = std::chrono::steady_clock::now() + 20s;
             while (!ctx.cancelled() && std::chrono::steady_clock::now() < until)
               ; // computes: holds its thread
             return mcp::tool_result::text("spun");
           });
  add_tool(def, "roots", execution::dedicated,
           [](mcp::request_context& ctx, const json::object&) -> result {
             auto res = ctx.list_roots();
             if (!res)
               return res.error();
             return mcp::tool_result::text(json::serialize(*res));
           });
  add_tool(def, "sleepy", execution::dedicated,
           [](mcp::request_context& ctx, const json::object&) -> result {
             if (!ctx.sleep_for(10s))
               ++sleepers_stopped();
             return mcp::tool_result::text("woke");
           });
  return def;
}

/// The transport settings of a client of the server on `port`.
mcp::transports::http_transport_config client_transport(uint16_t port) {
  mcp::transports::http_transport_config res;
  res.url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  return res;
}

/// Client settings that keep bad input off stderr.
mcp::client_config quiet_client() {
  mcp::client_config res;
  res.log_bad_input = false;
  return res;
}

struct fixture {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  caf::actor server;
  std::unique_ptr<mcp::http_server> running;
  uint16_t port = 0;

  explicit fixture(mcp::http_options opts = defaults()) {
    auto s = mcp::spawn_server(sys, test_definition());
    CAF_REQUIRE(static_cast<bool>(s));
    server = *s;
    auto r = mcp::serve_http(sys, server, std::move(opts));
    CAF_REQUIRE(static_cast<bool>(r));
    running = std::move(*r);
    port = running->port();
  }

  ~fixture() {
    running->stop();
    caf::anon_send_exit(server, caf::exit_reason::user_shutdown);
  }

  static mcp::http_options defaults() {
    mcp::http_options res;
    res.listener.read_timeout = 300ms;
    return res;
  }

  reply exchange(http::verb verb, std::string target, header_list headers,
                 std::string body = {}) {
    net::io_context ioc;
    tcp::socket sock{ioc};
    sock.connect({net::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (auto& [k, v] : headers)
      req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    beast::error_code ec;
    http::write(sock, req, ec);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(sock, buf, res, ec);
    reply out;
    if (ec)
      return out;
    out.status = res.result_int();
    for (auto& f : res)
      out.headers[std::string{f.name_string()}] = std::string{f.value()};
    out.body = res.body();
    return out;
  }

  /// The revision `initialize` offers and requests name.
  std::string version = "2025-11-25";

  header_list post_headers(const std::string& session = {}) const {
    header_list res{{"Content-Type", "application/json"},
                    {"Accept", "application/json, text/event-stream"}};
    if (!session.empty()) {
      res.emplace_back("Mcp-Session-Id", session);
      res.emplace_back("MCP-Protocol-Version", version);
    }
    return res;
  }

  reply post(const std::string& session, std::string body) {
    return exchange(http::verb::post, "/mcp", post_headers(session),
                    std::move(body));
  }

  /// Starts a session; returns its id.
  std::string initialize() {
    auto r = post({}, R"({"jsonrpc":"2.0","id":1,"method":"initialize",
      "params":{"protocolVersion":")" + version + R"(","capabilities":{},
                "clientInfo":{"name":"t","version":"1"}}})");
    CAF_REQUIRE_EQUAL(r.status, 200u);
    auto id = r.header("Mcp-Session-Id");
    CAF_REQUIRE(!id.empty());
    CAF_CHECK_EQUAL(
      post(id, R"({"jsonrpc":"2.0","method":"notifications/initialized"})")
        .status,
      202u);
    return id;
  }

  /// Sends only the head of a POST whose body would have `size` bytes;
  /// returns the status the server answers with.
  unsigned announce_body(size_t size) {
    net::io_context ioc;
    tcp::socket sock{ioc};
    sock.connect({net::ip::make_address("127.0.0.1"), port});
    auto head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\n"
                "Accept: application/json, text/event-stream\r\n"
                "Content-Length: "
                + std::to_string(size) + "\r\n\r\n";
    net::write(sock, net::buffer(head));
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(sock, buf, res, ec);
    return ec ? 0 : res.result_int();
  }

  /// Returns whether `session` answers a ping.
  bool pings(const std::string& session) {
    auto r = post(session, R"({"jsonrpc":"2.0","id":99,"method":"ping"})");
    if (r.status != 200)
      return false;
    auto msg = json::parse(r.body);
    return msg.at("id") == 99;
  }
};

} // namespace

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

namespace {

/// Returns the bytes the program holds allocated now (ASan's allocator
/// replaces malloc's under the sanitizer build).
long heap_in_use() {
#ifdef __SANITIZE_ADDRESS__
  return static_cast<long>(__sanitizer_get_current_allocated_bytes());
#else
  return static_cast<long>(mallinfo2().uordblks);
#endif
}

/// Returns the resident memory of this process in KiB.
long rss_kib() {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return -1;
}

/// One keep-alive connection for many exchanges.
struct keep_alive {
  net::io_context ioc;
  tcp::socket sock{ioc};
  beast::flat_buffer buf;
  uint16_t port;

  explicit keep_alive(uint16_t p) : port(p) {
    sock.connect({net::ip::make_address("127.0.0.1"), port});
  }

  reply exchange(http::verb verb, header_list headers, std::string body) {
    http::request<http::string_body> req{verb, "/mcp", 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (auto& [k, v] : headers)
      req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    beast::error_code ec;
    http::write(sock, req, ec);
    http::response<http::string_body> res;
    if (!ec)
      http::read(sock, buf, res, ec);
    reply out;
    if (ec)
      return out;
    out.status = res.result_int();
    for (auto& f : res)
      out.headers[std::string{f.name_string()}] = std::string{f.value()};
    out.body = res.body();
    return out;
  }
};

} // namespace

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
