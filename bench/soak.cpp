// A soak of mixed traffic against one MCP server over Streamable HTTP, with
// the resident memory of the server and of this client recorded every
// second: calls, progress bursts, timeouts with cancellation, and sessions
// opened and closed, all at once.
//   usage: soak [--seconds N] [--csv FILE] [--only KIND] -- SERVER ARGS...
// (KIND: calls, progress, timeouts or sessions, to run one worker alone).
// The server gets `--http 127.0.0.1:PORT` appended (the everything server
// of tests/fixtures takes it). Prints the memory at the
// end of the warm-up (the first tenth), at the end, the maximum, and the
// slope over the rest, for both processes.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <malloc.h>

#include <boost/json/value.hpp>

#ifdef __SANITIZE_ADDRESS__
#  include <sanitizer/common_interface_defs.h>
#endif

#include <caf/actor_system.hpp>

#include "actors/blocking_client.hpp"
#include "actors/error.hpp"
#include "actors/http_client.hpp"
#include "actors/progress.hpp"
#include "actors/system_config.hpp"
#include "bench/measure.hpp"
#include "tests/support/loopback.hpp"
#include "transports/child_process.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using bench::clock_type;
using mcp::test::free_port;
using mcp::test::wait_listening;

namespace {

struct counters {
  std::atomic<uint64_t> ops{0};
  std::atomic<uint64_t> progress{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> sessions{0};
  std::atomic<uint64_t> errors{0};
};

/// Where the clients connect.
struct target {
  std::string url;

  caf::expected<caf::actor> spawn(caf::actor_system& sys) const {
    mcp::client_config cfg;
    cfg.log_bad_input = true;
    mcp::transports::http_transport_config t;
    t.url = url;
    return mcp::spawn_http_client(sys, t, cfg);
  }
};

/// Counts `res` as an operation or an error.
void count(counters& c, const caf::expected<json::value>& res,
           const char* what) {
  if (res) {
    ++c.ops;
    return;
  }
  if (++c.errors <= 10)
    std::fprintf(stderr, "soak: %s failed: %s\n", what,
                 mcp::describe(res.error()).c_str());
}

/// Ordinary calls, one after the other.
void calls(mcp::blocking_client& api, counters& c, std::atomic<bool>& stop) {
  while (!stop) {
    count(c, api.call_tool("echo", json::object{{"message", "soak"}}), "echo");
    count(c, api.call_tool("add", json::object{{"a", 1}, {"b", 2}}), "add");
    count(c, api.list_tools(), "tools/list");
    count(c, api.read_resource("test://static-text"), "resources/read");
    count(c, api.get_prompt("test_simple_prompt", {}), "prompts/get");
    count(c, api.ping(), "ping");
  }
}

/// Calls that report progress to a callback.
void progress(mcp::blocking_client& api, counters& c,
              std::atomic<bool>& stop) {
  while (!stop) {
    auto res = api.call_tool("progress_burst", json::object{{"count", 200}},
                             mcp::make_progress_token(),
                             [&](const mcp::progress_update&) {
                               ++c.progress;
                             });
    count(c, res, "progress_burst");
  }
}

/// Calls that time out: the client cancels them on the server.
void timeouts(mcp::blocking_client& api, counters& c,
              std::atomic<bool>& stop) {
  while (!stop) {
    mcp::request_options opts;
    opts.timeout = 50ms;
    auto res = api.call_tool("wait", json::object{{"seconds", 5}}, opts);
    if (!res && mcp::is(res.error(), mcp::errc::timeout))
      ++c.timeouts;
    else
      count(c, res, "wait (expected to time out)");
  }
}

/// Sessions opened, used briefly and closed.
void sessions(caf::actor_system& sys, const target& t, counters& c,
              std::atomic<bool>& stop) {
  while (!stop) {
    auto client = t.spawn(sys);
    if (!client) {
      ++c.errors;
      continue;
    }
    {
      mcp::blocking_client api{sys, *client};
      if (api.info()) {
        ++c.sessions;
        count(c, api.ping(), "ping (short session)");
        count(c, api.list_tools(), "tools/list (short session)");
      } else {
        ++c.errors;
      }
      api.stop();
    }
    std::this_thread::sleep_for(50ms);
  }
}

/// Least-squares slope of `ys` over `xs`, per minute.
double slope_per_minute(const std::vector<double>& xs,
                        const std::vector<double>& ys) {
  double n = static_cast<double>(xs.size());
  if (n < 2)
    return 0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    sx += xs[i];
    sy += ys[i];
    sxx += xs[i] * xs[i];
    sxy += xs[i] * ys[i];
  }
  auto den = n * sxx - sx * sx;
  return den == 0 ? 0 : (n * sxy - sx * sy) / den * 60;
}

void summarize(const char* who, const std::vector<double>& ts,
               const std::vector<double>& rss, double warmup) {
  std::vector<double> xs;
  std::vector<double> ys;
  double at_warmup = 0;
  double max = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    max = std::max(max, rss[i]);
    if (ts[i] >= warmup) {
      if (xs.empty())
        at_warmup = rss[i];
      xs.push_back(ts[i]);
      ys.push_back(rss[i]);
    }
  }
  std::printf("%-7s RSS after warm-up %8.0f KiB, at end %8.0f KiB, max %8.0f "
              "KiB, slope %+7.1f KiB/min\n",
              who, at_warmup, rss.empty() ? 0.0 : rss.back(), max,
              slope_per_minute(xs, ys));
}

} // namespace

int main(int argc, char** argv) {
  int seconds = 600;
  std::string csv;
  int server_at = 0;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) {
      server_at = i + 1;
      break;
    } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
      csv = argv[++i];
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    }
  }
  if (server_at == 0 || server_at >= argc) {
    std::fprintf(stderr, "usage: %s [--seconds N] [--csv FILE] -- SERVER "
                         "ARGS...\n",
                 argv[0]);
    return 2;
  }
  mcp::transports::child_process_spec spec;
  spec.command = argv[server_at];
  for (int i = server_at + 1; i < argc; ++i)
    spec.args.emplace_back(argv[i]);
  auto port = free_port();
  spec.args.push_back("--http");
  spec.args.push_back("127.0.0.1:" + std::to_string(port));
  auto server = mcp::transports::child_process::spawn(spec);
  if (!server || !wait_listening(port)) {
    std::fprintf(stderr, "soak: the server did not start listening\n");
    return 1;
  }
  target t{"http://127.0.0.1:" + std::to_string(port) + "/mcp"};
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  // The long-lived clients: each worker has its own session.
  std::vector<std::unique_ptr<mcp::blocking_client>> apis;
  for (int i = 0; i < 3; ++i) {
    auto client = t.spawn(sys);
    if (!client) {
      std::fprintf(stderr, "soak: cannot start a client\n");
      return 1;
    }
    apis.push_back(std::make_unique<mcp::blocking_client>(sys, *client));
    if (!apis.back()->info()) {
      std::fprintf(stderr, "soak: the handshake failed\n");
      return 1;
    }
  }
  auto server_pid = std::to_string(server->pid());
  counters c;
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  auto wanted = [&](const char* kind) { return only.empty() || only == kind; };
  if (wanted("calls"))
    workers.emplace_back([&] { calls(*apis[0], c, stop); });
  if (wanted("progress"))
    workers.emplace_back([&] { progress(*apis[1], c, stop); });
  if (wanted("timeouts"))
    workers.emplace_back([&] { timeouts(*apis[2], c, stop); });
  if (wanted("sessions"))
    workers.emplace_back([&] { sessions(sys, t, c, stop); });
  std::ofstream out;
  if (!csv.empty()) {
    out.open(csv);
    out << "second,server_rss_kib,client_rss_kib,client_heap_kib,ops,"
           "progress,timeouts,sessions,errors\n";
  }
  std::vector<double> ts, server_rss, client_rss;
  auto t0 = clock_type::now();
  for (int s = 1; s <= seconds; ++s) {
    std::this_thread::sleep_until(t0 + std::chrono::seconds(s));
    auto srv = bench::rss_kib(server_pid);
    auto cli = bench::rss_kib();
    ts.push_back(s);
    server_rss.push_back(static_cast<double>(srv));
    client_rss.push_back(static_cast<double>(cli));
    if (out)
      out << s << ',' << srv << ',' << cli << ','
          << mallinfo2().uordblks / 1024 << ',' << c.ops << ','
          << c.progress << ',' << c.timeouts << ',' << c.sessions << ','
          << c.errors << '\n'
          << std::flush;
  }
  stop = true;
  for (auto& w : workers)
    w.join();
#ifdef __SANITIZE_ADDRESS__
  // A heap profile of what this client still holds, for finding leaks.
  if (std::getenv("MCP_PROFILE_HEAP") != nullptr)
    __sanitizer_print_memory_profile(90, 12);
#endif
  for (auto& api : apis)
    api->stop();
  auto warmup = seconds / 10.0;
  std::printf("soak of %d s over Streamable HTTP: %llu calls, %llu progress updates, %llu "
              "timeouts cancelled, %llu sessions opened and closed, %llu "
              "errors\n",
              seconds,
              static_cast<unsigned long long>(c.ops.load()),
              static_cast<unsigned long long>(c.progress.load()),
              static_cast<unsigned long long>(c.timeouts.load()),
              static_cast<unsigned long long>(c.sessions.load()),
              static_cast<unsigned long long>(c.errors.load()));
  summarize("server", ts, server_rss, warmup);
  summarize("client", ts, client_rss, warmup);
  return c.errors == 0 ? 0 : 1;
}
