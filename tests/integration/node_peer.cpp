// One node of the multi-node tests (integration.remote): each line it
// prints is one event, so the test can follow it and kill it at any point.
//
//   node_peer serve SERVER        runs a client of SERVER (stdio), publishes
//                                 it on a free port of 127.0.0.1, prints
//                                 "port N", and serves until stdin closes
//   node_peer call PORT SECONDS   calls the `wait` tool (SECONDS) through the
//                                 client published at PORT, with progress to
//                                 a subscriber on this node; prints
//                                 "progress P", "done OUTCOME", then
//                                 "result TEXT" or "error CODE WHAT"
//   node_peer front PORT          an MCP server over stdio whose tool `wait`
//                                 runs on a pool of workers published at
//                                 PORT, and whose tool `pool_stats` returns
//                                 the pool's counters
//   node_peer worker PORT NAME    joins the pool at PORT with a worker whose
//                                 `wait` reports progress every 100 ms and
//                                 answers "NAME waited"; prints "joined",
//                                 serves until stdin closes

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

#include <boost/json/value.hpp>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/client_actor.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/remote.hpp"
#include "actors/server.hpp"
#include "actors/stdio_server.hpp"
#include "actors/tool_worker.hpp"
#include "actors/stdio_client.hpp"
#include "actors/system_config.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

void say(const std::string& line) {
  std::cout << line << std::endl;
}

int serve(caf::actor_system& sys, const char* server) {
  mcp::transports::stdio_transport_config t;
  t.child.command = server;
  auto client = mcp::spawn_stdio_client(sys, t);
  if (!client) {
    say("error spawn " + mcp::describe(client.error()));
    return 1;
  }
  auto typed = mcp::typed_client(*client);
  auto port = mcp::publish_client(typed, 0);
  if (!port) {
    say("error publish " + sys.render(port.error()));
    return 1;
  }
  say("port " + std::to_string(*port));
  char c;
  while (::read(STDIN_FILENO, &c, 1) > 0)
    ; // nop
  caf::anon_send(typed, mcp::shutdown_atom::value);
  return 0;
}

int call(caf::actor_system& sys, uint16_t port, double seconds) {
  auto client = mcp::connect_client(sys, "127.0.0.1", port);
  if (!client) {
    say("error connect " + sys.render(client.error()));
    return 1;
  }
  auto subscriber = sys.spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {
      [](mcp::progress_update& x) {
        say("progress " + std::to_string(x.progress));
      },
      [self](mcp::progress_done& x) {
        say(std::string{"done "} + to_string(x.outcome));
        self->quit();
      },
    };
  });
  mcp::client_request req;
  req.method = "tools/call";
  req.params = json::object{{"name", "wait"},
                            {"arguments", {{"seconds", seconds}}}};
  req.options.progress = mcp::make_progress_token();
  req.options.progress_subscribers.push_back(subscriber);
  req.options.timeout = 60s;
  caf::scoped_actor self{sys};
  int rc = 0;
  self->request(*client, caf::infinite, std::move(req))
    .receive(
      [](json::value& res) {
        say("result " + std::string{res.at("content").at(0).at("text")
                                      .as_string()});
      },
      [&](caf::error& err) {
        say("error " + std::to_string(err.code()) + " " + mcp::describe(err));
        rc = 1;
      });
  return rc;
}

int front(caf::actor_system& sys, uint16_t port) {
  auto pool = mcp::spawn_tool_pool(sys);
  if (auto res = mcp::publish_pool(pool, port); !res) {
    std::cerr << "cannot publish the pool: " << sys.render(res.error()) << "\n";
    return 1;
  }
  mcp::server_definition def{"caf-mcp-front", "0.1.0"};
  mcp::tool wait;
  wait.name = "wait";
  wait.description = "Waits on a worker node.";
  wait.handler_actor = pool;
  def.add(std::move(wait));
  mcp::tool stats;
  stats.name = "pool_stats";
  stats.description = "The pool's counters.";
  stats.exec = mcp::execution::dedicated;
  stats.handler = [&sys, pool](mcp::request_context&, const json::object&)
    -> caf::expected<mcp::tool_result> {
    caf::scoped_actor self{sys};
    caf::expected<mcp::tool_result> res = caf::error{};
    self->request(pool, 5s, mcp::pool_stats_atom::value)
      .receive(
        [&](mcp::tool_pool_stats& x) {
          res = mcp::tool_result::structured(json::object{
            {"workers", x.workers}, {"in_flight", x.in_flight},
            {"queued", x.queued}, {"completed", x.completed},
            {"failed_worker_down", x.failed_worker_down},
            {"refused", x.refused}});
        },
        [&](caf::error& err) { res = std::move(err); });
    return res;
  };
  def.add(std::move(stats));
  auto server = mcp::spawn_server(sys, std::move(def));
  if (!server) {
    std::cerr << mcp::describe(server.error()) << "\n";
    return 1;
  }
  auto err = mcp::serve_stdio(sys, *server);
  caf::anon_send_exit(*server, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  return err ? 1 : 0;
}

int worker(caf::actor_system& sys, uint16_t port, std::string name) {
  auto fn = [name](mcp::tool_call_context& ctx, const json::object& args)
    -> caf::expected<mcp::tool_result> {
    auto seconds = args.contains("seconds") ? args.at("seconds").to_number<double>()
                                            : 1.0;
    auto steps = static_cast<int>(seconds * 10);
    for (int i = 1; i <= steps; ++i) {
      if (!ctx.sleep_for(100ms)) {
        say("cancelled " + ctx.call().key);
        return mcp::tool_result::error("cancelled");
      }
      ctx.report_progress(i, steps);
    }
    return mcp::tool_result::text(name + " waited");
  };
  auto handler = mcp::spawn_tool_actor(sys, fn);
  auto pool = mcp::join_pool(sys, "127.0.0.1", port, handler);
  if (!pool) {
    say("error join " + sys.render(pool.error()));
    return 1;
  }
  say("joined");
  char c;
  while (::read(STDIN_FILENO, &c, 1) > 0)
    ; // nop
  caf::anon_send_exit(handler, caf::exit_reason::user_shutdown);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "serve" && argc == 3)
    return serve(sys, argv[2]);
  if (mode == "call" && argc == 4)
    return call(sys, static_cast<uint16_t>(std::atoi(argv[2])),
                std::atof(argv[3]));
  if (mode == "front" && argc == 3)
    return front(sys, static_cast<uint16_t>(std::atoi(argv[2])));
  if (mode == "worker" && argc == 4)
    return worker(sys, static_cast<uint16_t>(std::atoi(argv[2])), argv[3]);
  std::cerr << "usage: node_peer serve SERVER | call PORT SECONDS | front "
               "PORT | worker PORT NAME\n";
  return 2;
}
