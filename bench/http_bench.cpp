// Streamable HTTP benchmarks of the caf-mcp client against a server at URL:
// sequential tools/call over keep-alive, 64 sessions calling at once, a
// progress burst over one SSE stream to a subscriber actor, and (with
// --server-pid) the server's resident memory per idle session.
//   usage: http_bench [--quick] [--idle-only --server-pid PID [--idle N]] URL
// Prints one line per figure: "name value unit".

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/blocking_client.hpp"
#include "actors/error.hpp"
#include "actors/http_client.hpp"
#include "actors/progress.hpp"
#include "actors/requests.hpp"
#include "actors/system_config.hpp"
#include "bench/measure.hpp"

namespace json = boost::json;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using bench::clock_type;
using bench::report;
using bench::rss_kib;
using bench::seconds_since;

namespace {

caf::actor connect(caf::actor_system& sys, const std::string& url) {
  mcp::transports::http_transport_config t;
  t.url = url;
  t.open_get_stream = false;
  mcp::client_config cfg;
  auto c = mcp::spawn_http_client(sys, t, cfg);
  if (!c) {
    std::fprintf(stderr, "cannot connect: %s\n",
                 mcp::describe(c.error()).c_str());
    std::exit(1);
  }
  return *c;
}

json::value echo_args() {
  return json::object{{"text", "hi"}};
}

/// Calls echo `n` times, one after another, then reports `true` to
/// `report_to`.
caf::behavior caller(caf::event_based_actor* self, caf::actor client, int n,
                     caf::actor report_to) {
  auto left = std::make_shared<int>(n);
  auto next = std::make_shared<std::function<void()>>();
  *next = [=] {
    if (*left == 0) {
      self->send(report_to, true);
      self->quit();
      return;
    }
    --*left;
    self->request(client, caf::infinite,
                  mcp::requests::call_tool("echo", echo_args(), {}))
      .then([=](json::value&) { (*next)(); },
            [=](caf::error&) {
              self->send(report_to, false);
              self->quit();
            });
  };
  (*next)();
  return {[](int) {}};
}

caf::behavior progress_counter(caf::event_based_actor* self,
                               caf::actor report_to) {
  auto count = std::make_shared<int64_t>(0);
  return {
    [=](const mcp::progress_update&) { ++*count; },
    [=](const mcp::progress_done&) {
      self->send(report_to, *count);
      self->quit();
    },
  };
}

/// Opens `n` sessions with raw initialize POSTs and leaves them idle.
int open_idle_sessions(const std::string& url, int n) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed)
    return 0;
  net::io_context ioc;
  net::ip::tcp::socket sock{ioc};
  sock.connect({net::ip::make_address(std::string{parsed->host_address()}),
                parsed->port_number()});
  int opened = 0;
  beast::flat_buffer buf;
  for (int i = 0; i < n; ++i) {
    http::request<http::string_body> req{http::verb::post,
                                         parsed->encoded_target(), 11};
    req.set(http::field::host, parsed->encoded_host_and_port());
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json, text/event-stream");
    req.body() = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":)"
                 R"({"protocolVersion":"2025-11-25","capabilities":{},)"
                 R"("clientInfo":{"name":"idle","version":"1"}}})";
    req.prepare_payload();
    http::write(sock, req);
    http::response<http::string_body> res;
    http::read(sock, buf, res);
    if (res.result_int() == 200 && res.count("mcp-session-id") > 0)
      ++opened;
  }
  return opened;
}

} // namespace

int main(int argc, char** argv) {
  bool quick = false;
  bool idle_only = false;
  long server_pid = 0;
  int idle = 10000;
  // Runs only this part ("seq", "64", "burst"; all if empty), for profiling.
  std::string only;
  std::string url;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0)
      quick = true;
    else if (std::strcmp(argv[i], "--idle-only") == 0)
      idle_only = true;
    else if (std::strcmp(argv[i], "--server-pid") == 0 && i + 1 < argc)
      server_pid = std::atol(argv[++i]);
    else if (std::strcmp(argv[i], "--idle") == 0 && i + 1 < argc)
      idle = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc)
      only = argv[++i];
    else
      url = argv[i];
  }
  if (url.empty()) {
    std::fprintf(stderr,
                 "usage: %s [--quick] [--server-pid PID] [--only seq|64|burst] "
                 "URL\n",
                 argv[0]);
    return 2;
  }
  int scale = quick ? 10 : 1;
  if (idle_only) {
    // -- memory per idle session (leaves the server full of sessions) -----
    auto before = rss_kib(std::to_string(server_pid));
    auto opened = open_idle_sessions(url, idle / scale);
    auto after = rss_kib(std::to_string(server_pid));
    if (opened == 0 || server_pid <= 0)
      return 1;
    report("http_idle_session_memory",
           static_cast<double>(after - before) / opened, "KiB/session");
    return 0;
  }
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  auto client = connect(sys, url);
  mcp::blocking_client api{sys, client};
  if (!api.info())
    return 1;

  auto runs = [&](const char* part) { return only.empty() || only == part; };

  // -- sequential calls -----------------------------------------------------
  if (runs("seq")) {
    int n = 20000 / scale;
    for (int i = 0; i < 500 / scale; ++i)
      api.call_tool("echo", echo_args());
    auto t0 = clock_type::now();
    for (int i = 0; i < n; ++i)
      if (!api.call_tool("echo", echo_args()))
        return 1;
    report("http_sequential_calls", n / seconds_since(t0), "calls/s");
  }

  // -- 64 sessions at once --------------------------------------------------
  if (runs("64")) {
    int sessions = 64;
    int per = 2000 / scale;
    std::vector<caf::actor> clients;
    for (int i = 0; i < sessions; ++i) {
      clients.push_back(connect(sys, url));
      mcp::blocking_client b{sys, clients.back()};
      if (!b.info())
        return 1;
    }
    caf::scoped_actor self{sys};
    auto t0 = clock_type::now();
    for (auto& c : clients)
      sys.spawn(caller, c, per, caf::actor{self});
    bool ok = true;
    for (int i = 0; i < sessions; ++i)
      self->receive([&](bool x) { ok = ok && x; });
    if (!ok)
      return 1;
    report("http_64_sessions_calls", sessions * per / seconds_since(t0),
           "calls/s");
    for (auto& c : clients)
      mcp::blocking_client{sys, c}.stop();
  }

  // -- progress burst over one SSE stream -----------------------------------
  if (runs("burst")) {
    int n = 100000 / scale;
    caf::scoped_actor self{sys};
    auto counter = sys.spawn(progress_counter, caf::actor{self});
    mcp::request_options opts;
    opts.progress = mcp::make_progress_token();
    opts.progress_subscribers.push_back(counter);
    opts.timeout = std::chrono::seconds(120);
    auto t0 = clock_type::now();
    auto res = api.call_tool("burst", json::object{{"count", n}}, opts);
    auto dt = seconds_since(t0);
    if (!res)
      return 1;
    int64_t got = 0;
    self->receive([&](int64_t x) { got = x; });
    report("http_progress_burst", got / dt, "notifications/s");
    report("http_progress_burst_lost", static_cast<double>(n - got),
           "notifications");
  }
  api.stop();
  return 0;
}
