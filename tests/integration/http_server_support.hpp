// What the HTTP server's integration tests share: a server with test tools
// on a free port, requests over real sockets, memory probes.
#pragma once

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

namespace http_test {

namespace json = boost::json;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

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

/// Sends one request on `sock` (connected to `port`), reading with `buf`;
/// returns its reply (status 0 if the connection broke).
inline reply exchange_on(tcp::socket& sock, beast::flat_buffer& buf,
                         uint16_t port, http::verb verb, std::string target,
                         header_list headers, std::string body) {
  http::request<http::string_body> req{verb, target, 11};
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

/// How often the "sleepy" tool's wait ended early (cancelled).
inline std::atomic<int>& sleepers_stopped() {
  static std::atomic<int> res{0};
  return res;
}

/// Adds tool `name` (any object as input) that runs `fn` on `exec`.
inline void add_tool(mcp::server_definition& def, std::string name,
              mcp::execution exec, mcp::tool_handler fn) {
  mcp::tool t;
  t.name = std::move(name);
  t.description = t.name;
  t.input_schema = json::parse(R"({"type":"object"})").as_object();
  t.exec = exec;
  t.handler = std::move(fn);
  def.add(std::move(t));
}

inline mcp::server_definition test_definition() {
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
inline mcp::transports::http_transport_config client_transport(uint16_t port) {
  mcp::transports::http_transport_config res;
  res.url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
  return res;
}

/// Client settings that keep bad input off stderr.
inline mcp::client_config quiet_client() {
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

  /// Sends one request on a connection of its own; returns its reply (status
  /// 0 if the connection broke).
  reply exchange(http::verb verb, std::string target, header_list headers,
                 std::string body = {}) {
    net::io_context ioc;
    tcp::socket sock{ioc};
    sock.connect({net::ip::make_address("127.0.0.1"), port});
    beast::flat_buffer buf;
    return exchange_on(sock, buf, port, verb, std::move(target),
                       std::move(headers), std::move(body));
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


/// Returns the bytes the program holds allocated now (ASan's allocator
/// replaces malloc's under the sanitizer build).
inline long heap_in_use() {
#ifdef __SANITIZE_ADDRESS__
  return static_cast<long>(__sanitizer_get_current_allocated_bytes());
#else
  return static_cast<long>(mallinfo2().uordblks);
#endif
}

/// Returns the resident memory of this process in KiB.
inline long rss_kib() {
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

  /// Sends one request to `/mcp` on this connection.
  reply exchange(http::verb verb, header_list headers, std::string body) {
    return exchange_on(sock, buf, port, verb, "/mcp", std::move(headers),
                       std::move(body));
  }
};

} // namespace http_test
