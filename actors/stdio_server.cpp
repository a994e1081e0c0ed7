#include "actors/stdio_server.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_registry.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "actors/error.hpp"
#include "actors/server.hpp"
#include "actors/server_messages.hpp"
#include "actors/system_config.hpp"

namespace mcp {

namespace {

/// How long the process waits for cancelled handlers to return once the
/// session ended before it exits anyway.
constexpr auto exit_grace = std::chrono::seconds(1);

} // namespace

caf::error serve_stdio(caf::actor_system& sys, const caf::actor& server,
                       transports::stdio_channel_config cfg) {
  auto channel = transports::stdio_channel::make(sys, cfg);
  caf::scoped_actor self{sys};
  caf::actor session;
  caf::error failure;
  self
    ->request(server, std::chrono::seconds(10), open_session_atom::value,
              std::shared_ptr<transports::channel>{channel})
    .receive([&](caf::actor& x) { session = std::move(x); },
             [&](caf::error& err) { failure = std::move(err); });
  if (!session) {
    channel->close();
    return failure ? failure
                   : make_error(errc::session_closed, "no session opened");
  }
  self->monitor(session);
  channel->start(session);
  self->receive([](caf::down_msg&) {});
  channel->close();
  channel->wait_closed(std::chrono::seconds(5));
  return caf::none;
}

int run_stdio_server(server_definition def) {
  caf::actor_system_config cfg;
  init_message_types(cfg);
  // One client, whose requests mostly run on the input thread or threads of
  // their own: a worker per core is enough (CAF starts at least four), and
  // fewer threads start faster.
  cfg.set("scheduler.max-threads",
          std::max<size_t>(2, std::thread::hardware_concurrency()));
  caf::actor_system sys{cfg};
  auto server = spawn_server(sys, std::move(def));
  if (!server) {
    std::fprintf(stderr, "[caf-mcp server] cannot start: %s\n",
                 describe(server.error()).c_str());
    return 1;
  }
  auto err = serve_stdio(sys, *server);
  caf::anon_send_exit(*server, caf::exit_reason::user_shutdown);
  if (err)
    std::fprintf(stderr, "[caf-mcp server] %s\n", describe(err).c_str());
  auto status = err ? 1 : 0;
  // The session cancelled what still ran; a handler that ignores that must
  // not keep the process alive with no one left to answer.
  auto deadline = std::chrono::steady_clock::now() + exit_grace;
  while (sys.registry().running() > 0
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (sys.registry().running() > 0) {
    std::fprintf(stderr,
                 "[caf-mcp server] exiting with %zu handler(s) still running "
                 "after cancellation\n",
                 sys.registry().running());
    std::fflush(nullptr);
    std::_Exit(status);
  }
  return status;
}

} // namespace mcp
