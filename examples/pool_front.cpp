// The front of a server whose tools run on other nodes: an MCP server (over
// stdio, or Streamable HTTP with --http) whose `long-running-operation` is
// served by a pool of worker actors. Workers (examples/pool_worker.cpp) join
// the pool from any node, over CAF's middleman; calls go to them in turn, at
// most `--max-in-flight` at a time each, and a worker that dies fails only
// the calls it was running.
//   usage: pool_front [--pool PORT] [--http PORT] [--max-in-flight N]
//   e.g.   build/examples/pool_worker --pool 4243 --name w1   (terminal 1)
//          build/examples/progress_demo -- build/examples/pool_front
//                                                    --pool 4243 (terminal 2)

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/error.hpp"
#include "actors/http_server.hpp"
#include "actors/remote.hpp"
#include "actors/server.hpp"
#include "actors/stdio_server.hpp"
#include "actors/system_config.hpp"
#include "actors/tool_worker.hpp"
#include "long_running_operation.hpp"

int main(int argc, char** argv) {
  uint16_t pool_port = 4243;
  int http_port = -1;
  mcp::tool_pool_config pool_cfg;
  for (int i = 1; i < argc; ++i) {
    auto arg = std::string{argv[i]};
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "missing value after " << arg << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--pool")
      pool_port = static_cast<uint16_t>(std::atoi(next()));
    else if (arg == "--http")
      http_port = std::atoi(next());
    else if (arg == "--max-in-flight")
      pool_cfg.max_in_flight_per_worker = std::strtoul(next(), nullptr, 10);
    else {
      std::cerr << "usage: pool_front [--pool PORT] [--http PORT] "
                   "[--max-in-flight N]\n";
      return 2;
    }
  }
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  auto pool = mcp::spawn_tool_pool(sys, pool_cfg);
  if (auto port = mcp::publish_pool(pool, pool_port); !port) {
    std::cerr << "cannot publish the pool on 127.0.0.1:" << pool_port << ": "
              << sys.render(port.error()) << "\n";
    return 1;
  }
  std::cerr << "pool_front: workers join at 127.0.0.1:" << pool_port << "\n";
  mcp::server_definition def{"caf-mcp-pool-front", "0.1.0"};
  auto tool = mcp::examples::long_running_operation_description();
  tool.handler_actor = pool;
  def.add(std::move(tool));
  auto server = mcp::spawn_server(sys, std::move(def));
  if (!server) {
    std::cerr << mcp::describe(server.error()) << "\n";
    return 1;
  }
  int rc = 0;
  if (http_port >= 0) {
    mcp::http_options opts;
    opts.listener.port = static_cast<uint16_t>(http_port);
    auto http = mcp::serve_http(sys, *server, opts);
    if (!http) {
      std::cerr << mcp::describe(http.error()) << "\n";
      return 1;
    }
    std::cerr << "pool_front: http://127.0.0.1:" << (*http)->port() << "/mcp\n";
    static mcp::http_server* running = http->get();
    std::signal(SIGINT, [](int) { running->stop(); });
    std::signal(SIGTERM, [](int) { running->stop(); });
    (*http)->wait();
  } else if (auto err = mcp::serve_stdio(sys, *server)) {
    std::cerr << mcp::describe(err) << "\n";
    rc = 1;
  }
  caf::anon_send_exit(*server, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  return rc;
}
