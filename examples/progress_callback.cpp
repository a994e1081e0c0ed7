// Method 1 of the progress guide: register a callback for a token, then make
// a request that carries the token, then unregister.
//   usage: progress_callback [server command...]

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
  auto token = mcp::make_progress_token();
  mcp::register_progress_callback(
    *client, token, [](const mcp::progress_update& x) {
      if (x.total)
        std::printf("Operation %s progress: %g/%g (%.1f%%)\n",
                    x.token.to_json_text().c_str(), x.progress, *x.total,
                    x.progress / *x.total * 100);
      else
        std::printf("Operation %s progress: %g/unknown\n",
                    x.token.to_json_text().c_str(), x.progress);
    });
  mcp::request_options opts;
  opts.progress = token;
  auto result = api.call_tool("long-running-operation",
                              boost::json::object{{"duration", 2},
                                                  {"steps", 4}},
                              opts);
  mcp::unregister_progress_callback(*client, token);
  api.shutdown();
  return examples::print_result(result);
}
