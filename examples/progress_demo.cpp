// The main demo: starts an MCP server over stdio, calls a long-running tool
// and draws a live progress bar (percentage, the server's message, elapsed
// time), then prints the result.
//   usage: progress_demo [--duration S] [--steps N] [--tool NAME]
//                        [-- server command...]
// Without a server command it runs the default server.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <caf/optional.hpp>
#include <string>
#include <thread>
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>

#include "actors/blocking_client.hpp"
#include "actors/client.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/system_config.hpp"
#include "default_server.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct shared_view {
  std::mutex mtx;
  std::condition_variable cv;
  double progress = 0;
  caf::optional<double> total;
  std::string message;
  size_t updates = 0;
  bool finished = false;
};

void draw(shared_view& view, clock_type::time_point start, bool tty,
          bool final_frame) {
  constexpr int width = 30;
  std::lock_guard<std::mutex> guard{view.mtx};
  auto elapsed = std::chrono::duration<double>(clock_type::now() - start);
  double fraction = view.total && *view.total > 0
                      ? std::min(1.0, view.progress / *view.total)
                      : 0.0;
  auto filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), '.');
  char line[512];
  if (view.total)
    std::snprintf(line, sizeof(line), "[%s] %5.1f%%  %g/%g  %-24.24s %6.1fs",
                  bar.c_str(), fraction * 100, view.progress, *view.total,
                  view.message.c_str(), elapsed.count());
  else
    std::snprintf(line, sizeof(line), "[%s]  %g/?  %-24.24s %6.1fs",
                  bar.c_str(), view.progress, view.message.c_str(),
                  elapsed.count());
  if (tty)
    std::printf("\r%s%s", line, final_frame ? "\n" : "");
  else if (final_frame || view.updates > 0)
    std::printf("%s\n", line);
  std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
  int duration = 3;
  int steps = 10;
  std::string tool = "long-running-operation";
  int server_at = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) {
      server_at = i + 1;
      break;
    } else if (std::strcmp(argv[i], "--duration") == 0 && i + 1 < argc) {
      duration = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--steps") == 0 && i + 1 < argc) {
      steps = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--tool") == 0 && i + 1 < argc) {
      tool = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: %s [--duration S] [--steps N] [--tool NAME] "
                   "[-- server command...]\n",
                   argv[0]);
      return 2;
    }
  }
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  std::printf("starting MCP server: %s\n",
              examples::server_from_args(argc, argv, server_at)
                .child.command.c_str());
  auto client = examples::connect(sys, argc, argv, server_at);
  if (!client)
    return 1;
  mcp::blocking_client api{sys, *client};
  auto info = api.info();
  if (!info) {
    std::fprintf(stderr, "handshake failed: %s\n",
                 mcp::describe(info.error()).c_str());
    return 1;
  }
  std::printf("connected to %s (protocol %s)\n",
              boost::json::serialize(info->implementation).c_str(),
              info->protocol_version.c_str());
  std::printf("calling %s (duration %ds, %d steps)\n", tool.c_str(), duration,
              steps);
  shared_view view;
  auto tty = ::isatty(STDOUT_FILENO) != 0;
  auto start = clock_type::now();
  caf::expected<boost::json::value> result{caf::sec::request_timeout};
  std::thread caller{[&] {
    mcp::request_options opts;
    opts.timeout = std::chrono::seconds(10);
    opts.reset_timeout_on_progress = true;
    opts.max_total_timeout = std::chrono::seconds(duration + 60);
    auto res = api.call_tool(
      tool, boost::json::object{{"duration", duration}, {"steps", steps}},
      mcp::make_progress_token(),
      [&](const mcp::progress_update& x) {
        {
          std::lock_guard<std::mutex> guard{view.mtx};
          view.progress = x.progress;
          view.total = x.total;
          if (x.message)
            view.message = *x.message;
          ++view.updates;
        }
        if (!tty)
          draw(view, start, tty, false);
      },
      opts);
    std::lock_guard<std::mutex> guard{view.mtx};
    result = std::move(res);
    view.finished = true;
    view.cv.notify_all();
  }};
  for (;;) {
    {
      std::unique_lock<std::mutex> guard{view.mtx};
      if (view.cv.wait_for(guard, std::chrono::milliseconds(100),
                           [&] { return view.finished; }))
        break;
    }
    if (tty)
      draw(view, start, tty, false);
  }
  caller.join();
  if (tty)
    draw(view, start, tty, true);
  api.shutdown();
  auto rc = examples::print_result(result);
  if (rc == 0)
    std::printf("%zu progress updates received\n", view.updates);
  return rc;
}
