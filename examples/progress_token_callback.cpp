// Method 2 of the progress guide: the token and the callback in one call.
// The subscription ends by itself when the call completes.
//   usage: progress_token_callback [server command...]

#include <cstdio>

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>

#include "actors/blocking_client.hpp"
#include "actors/client.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/system_config.hpp"
#include "default_server.hpp"

int main(int argc, char** argv) {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  auto client = examples::connect(sys, argc, argv);
  if (!client)
    return 1;
  mcp::blocking_client api{sys, *client};
  auto result = api.call_tool(
    "long-running-operation",
    boost::json::object{{"duration", 2}, {"steps", 4}},
    mcp::make_progress_token(), [](const mcp::progress_update& x) {
      if (x.total)
        std::printf("Progress: %g/%g", x.progress, *x.total);
      else
        std::printf("Progress: %g/unknown", x.progress);
      std::printf("%s%s\n", x.message ? " - " : "",
                  x.message ? x.message->c_str() : "");
    });
  api.shutdown();
  return examples::print_result(result);
}
