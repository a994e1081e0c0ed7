// Progress delivered to an actor, from actor code: an event-based actor asks
// the client to call a tool, subscribes itself to the call's progress, and
// receives typed `progress_update` messages in order, then one
// `progress_done`, then the result as the response to its request.
//   usage: progress_subscriber [server command...]

#include <cstdio>

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/client.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/requests.hpp"
#include "actors/system_config.hpp"
#include "default_server.hpp"

namespace {

caf::behavior watcher(caf::event_based_actor* self, caf::actor client) {
  mcp::request_options opts;
  opts.progress = mcp::make_progress_token();
  opts.progress_subscribers.push_back(caf::actor{self});
  opts.timeout = std::chrono::seconds(10);
  opts.reset_timeout_on_progress = true;
  auto req = mcp::requests::call_tool(
    "long-running-operation",
    boost::json::object{{"duration", 2}, {"steps", 5}}, std::move(opts));
  self->request(client, caf::infinite, std::move(req))
    .then(
      [=](boost::json::value& result) {
        std::printf("result: %s\n", boost::json::serialize(result).c_str());
        self->send(client, mcp::shutdown_atom::value);
        self->quit();
      },
      [=](caf::error& err) {
        std::printf("call failed: %s\n", mcp::describe(err).c_str());
        self->send(client, mcp::shutdown_atom::value);
        self->quit(err);
      });
  return {
    [](const mcp::progress_update& x) {
      std::printf("progress %g of %g\n", x.progress, x.total.value_or(0));
    },
    [](const mcp::progress_done& x) {
      std::printf("subscription ended: %s\n", mcp::to_string(x.outcome));
    },
  };
}

} // namespace

int main(int argc, char** argv) {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  auto client = examples::connect(sys, argc, argv);
  if (!client)
    return 1;
  sys.spawn(watcher, *client);
  return 0;
}
