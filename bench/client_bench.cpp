// Client benchmarks: spawn + initialize, sequential tools/call, calls in
// flight, a progress burst to a subscriber actor, memory per subscription.
//   usage: client_bench [--policy stealing|sharing] [--threads N] [--quick]
//                       [--stateless]  (2026-07-28: discover, per-request _meta)
//                       -- SERVER CMD...
// Prints one line per figure: "name value unit".

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/blocking_client.hpp"
#include "actors/stdio_client.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/requests.hpp"
#include "actors/system_config.hpp"
#include "bench/measure.hpp"

namespace json = boost::json;
using bench::clock_type;
using bench::report;
using bench::rss_kib;
using bench::seconds_since;

namespace {

caf::actor start(caf::actor_system& sys,
                 const mcp::transports::stdio_transport_config& server,
                 const mcp::client_config& cfg) {
  auto c = mcp::spawn_stdio_client(sys, server, cfg);
  if (!c) {
    std::fprintf(stderr, "cannot start server: %s\n",
                 mcp::describe(c.error()).c_str());
    std::exit(1);
  }
  return *c;
}

json::value echo_args() {
  return json::object{{"text", "hello"}};
}

/// Keeps `window` calls in flight until `total` completed.
caf::behavior pipeline(caf::event_based_actor* self, caf::actor client,
                       int window, int total, caf::actor done) {
  auto sent = std::make_shared<int>(0);
  auto received = std::make_shared<int>(0);
  auto issue = std::make_shared<std::function<void()>>();
  *issue = [=] {
    ++*sent;
    self->request(client, caf::infinite,
                  mcp::requests::call_tool("echo", echo_args()))
      .then(
        [=](json::value&) {
          if (++*received == total) {
            self->send(done, true);
            self->quit();
          } else if (*sent < total) {
            (*issue)();
          }
        },
        [=](caf::error& err) {
          std::fprintf(stderr, "call failed: %s\n", mcp::describe(err).c_str());
          self->send(done, false);
          self->quit();
        });
  };
  for (int i = 0; i < window && i < total; ++i)
    (*issue)();
  return {[](int) {}};
}

/// Counts progress updates; reports the count and the time of the last one
/// when the subscription ends.
caf::behavior progress_counter(caf::event_based_actor* self,
                               caf::actor report_to) {
  auto count = std::make_shared<int64_t>(0);
  auto last = std::make_shared<clock_type::time_point>();
  return {
    [=](const mcp::progress_update&) {
      ++*count;
      *last = clock_type::now();
    },
    [=](const mcp::progress_done& x) {
      if (x.skipped > 0)
        std::fprintf(stderr, "progress_counter: %llu updates skipped\n",
                     static_cast<unsigned long long>(x.skipped));
      self->send(report_to, *count,
                 static_cast<int64_t>(last->time_since_epoch().count()));
      self->quit();
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  bool quick = false;
  mcp::client_config client_cfg;
  std::string policy;
  size_t threads = 0;
  int server_at = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) {
      server_at = i + 1;
      break;
    } else if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--stateless") == 0) {
      client_cfg.negotiation = mcp::version_negotiation::automatic();
    } else if (std::strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
      policy = argv[++i];
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = static_cast<size_t>(std::atoi(argv[++i]));
    }
  }
  if (server_at >= argc) {
    std::fprintf(stderr,
                 "usage: %s [--policy P] [--quick] [--stateless] -- SERVER...\n",
                 argv[0]);
    return 2;
  }
  mcp::transports::stdio_transport_config server;
  server.child.command = argv[server_at];
  for (int i = server_at + 1; i < argc; ++i)
    server.child.args.emplace_back(argv[i]);
  mcp::system_config cfg;
  if (policy == "sharing")
    cfg.set("scheduler.policy", caf::atom("sharing"));
  if (threads > 0)
    cfg.set("scheduler.max-threads", threads);
  caf::actor_system sys{cfg};
  int scale = quick ? 10 : 1;

  // -- spawn + initialize ---------------------------------------------------
  {
    std::vector<double> times;
    for (int i = 0; i < 20; ++i) {
      auto t0 = clock_type::now();
      auto c = start(sys, server, client_cfg);
      mcp::blocking_client api{sys, c};
      if (!api.info())
        return 1;
      times.push_back(seconds_since(t0) * 1000);
      api.shutdown();
    }
    std::sort(times.begin(), times.end());
    report("spawn_initialize_median", times[times.size() / 2], "ms");
  }
  auto client = start(sys, server, client_cfg);
  mcp::blocking_client api{sys, client};
  api.info();

  // -- sequential calls -----------------------------------------------------
  {
    int n = 20000 / scale;
    for (int i = 0; i < 1000 / scale; ++i)
      api.call_tool("echo", echo_args());
    auto t0 = clock_type::now();
    for (int i = 0; i < n; ++i)
      if (!api.call_tool("echo", echo_args()))
        return 1;
    report("sequential_calls", n / seconds_since(t0), "calls/s");
  }

  // -- calls in flight -------------------------------------------------------
  {
    int n = 200000 / scale;
    caf::scoped_actor self{sys};
    auto t0 = clock_type::now();
    sys.spawn(pipeline, client, 64, n, caf::actor{self});
    bool ok = false;
    self->receive([&](bool x) { ok = x; });
    if (!ok)
      return 1;
    report("in_flight_64_calls", n / seconds_since(t0), "calls/s");
  }

  // -- progress burst --------------------------------------------------------
  {
    int n = 100000 / scale;
    caf::scoped_actor self{sys};
    auto counter = sys.spawn(progress_counter, caf::actor{self});
    mcp::request_options opts;
    opts.progress = mcp::make_progress_token();
    opts.progress_subscribers.push_back(counter);
    caf::scoped_actor caller{sys};
    auto t0 = clock_type::now();
    caller->send(client, mcp::requests::call_tool(
                           "burst", json::object{{"count", n}}, opts));
    int64_t got = 0;
    clock_type::time_point last;
    self->receive(
      [&](int64_t count, int64_t at) {
        got = count;
        last = clock_type::time_point{clock_type::duration{at}};
      },
      caf::after(std::chrono::seconds(60)) >> [] {});
    caller->receive([](json::value&) {}, [](caf::error&) {});
    auto dt = std::chrono::duration<double>(last - t0).count();
    report("progress_burst_delivered", got / dt, "notifications/s");
    report("progress_burst_lost", static_cast<double>(n - got),
           "notifications");
  }

  // -- memory per subscription -----------------------------------------------
  {
    int n = 20000 / scale;
    caf::scoped_actor self{sys};
    caf::scoped_actor subscriber{sys};
    self->request(client, caf::infinite, mcp::client_stats_atom::value)
      .receive([](mcp::client_stats&) {}, [](caf::error&) {});
    auto before = rss_kib();
    for (int i = 0; i < n; ++i)
      self->send(client, mcp::subscribe_atom::value,
                 mcp::progress_token{static_cast<int64_t>(i)},
                 caf::actor{subscriber});
    uint64_t live = 0;
    for (int tries = 0; tries < 100 && live < static_cast<uint64_t>(n); ++tries)
      self->request(client, caf::infinite, mcp::client_stats_atom::value)
        .receive([&](mcp::client_stats& st) { live = st.subscriptions; },
                 [](caf::error&) {});
    auto after = rss_kib();
    report("bytes_per_subscription",
           static_cast<double>(after - before) * 1024 / n, "bytes");
    for (int i = 0; i < n; ++i)
      self->send(client, mcp::unregister_atom::value,
                 mcp::progress_token{static_cast<int64_t>(i)});
  }
  api.shutdown();
  return 0;
}
