// A worker node for examples/pool_front.cpp: runs `long-running-operation`
// for the front's pool. It waits for the front and joins again when the
// front comes back, until stdin closes or it is told to stop (SIGINT,
// SIGTERM).
//   usage: pool_worker [--pool [HOST:]PORT] [--name NAME]

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/remote.hpp"
#include "actors/system_config.hpp"
#include "actors/tool_worker.hpp"
#include "long_running_operation.hpp"

namespace {

std::atomic<bool> stopping{false};

} // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  uint16_t port = 4243;
  std::string name = "worker";
  for (int i = 1; i + 1 < argc; i += 2) {
    auto arg = std::string{argv[i]};
    std::string value = argv[i + 1];
    if (arg == "--pool") {
      if (auto colon = value.rfind(':'); colon != std::string::npos) {
        host = value.substr(0, colon);
        value = value.substr(colon + 1);
      }
      port = static_cast<uint16_t>(std::atoi(value.c_str()));
    } else if (arg == "--name") {
      name = value;
    } else {
      std::cerr << "usage: pool_worker [--pool [HOST:]PORT] [--name NAME]\n";
      return 2;
    }
  }
  std::signal(SIGINT, [](int) { stopping = true; });
  std::signal(SIGTERM, [](int) { stopping = true; });
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  auto worker = mcp::spawn_tool_actor(
    sys, [name](mcp::tool_call_context& ctx, const boost::json::object& args)
           -> caf::expected<mcp::tool_result> {
      std::cerr << name << ": " << ctx.call().name << " starts\n";
      auto res = mcp::examples::long_running_operation(ctx, args);
      if (res && !res->is_error)
        res->content.at(0).as_object()["text"]
          = std::string{res->content.at(0).at("text").as_string()} + " (ran on "
            + name + ")";
      return res;
    });
  caf::scoped_actor self{sys};
  bool announced = false;
  while (!stopping) {
    auto pool = mcp::join_pool(sys, host, port, worker);
    if (!pool) {
      if (!announced)
        std::cerr << name << ": waiting for the front at " << host << ":"
                  << port << "\n";
      announced = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    std::cerr << name << ": joined the pool at " << host << ":" << port
              << "\n";
    announced = false;
    self->monitor(*pool);
    bool down = false;
    while (!down && !stopping)
      self->receive([&](caf::down_msg&) { down = true; },
                    caf::after(std::chrono::milliseconds(200)) >> [] {});
    if (down)
      std::cerr << name << ": the front is gone\n";
  }
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
  return 0;
}
