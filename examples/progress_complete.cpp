// The complete example of the progress guide: a function that runs a
// long operation with a fresh token, a registered callback, and clean-up.
//   usage: progress_complete [server command...]

#include <cmath>
#include <cstdio>

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>

#include "actors/blocking_client.hpp"
#include "actors/client.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/system_config.hpp"
#include "default_server.hpp"

namespace {

caf::expected<boost::json::value>
execute_with_progress(mcp::blocking_client& api) {
  auto token = mcp::make_progress_token();
  api.register_progress_callback(token, [](const mcp::progress_update& x) {
    if (x.total)
      std::printf("Progress: %g/%g (%.1f%%)\n", x.progress, *x.total,
                  std::round(x.progress / *x.total * 1000) / 10);
    else
      std::printf("Progress: %g/unknown\n", x.progress);
  });
  mcp::request_options opts;
  opts.progress = token;
  auto result = api.call_tool("long-running-operation",
                              boost::json::object{{"duration", 2},
                                                  {"steps", 5}},
                              opts);
  api.unregister_progress_callback(token);
  return result;
}

} // namespace

int main(int argc, char** argv) {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  auto client = examples::connect(sys, argc, argv);
  if (!client)
    return 1;
  mcp::blocking_client api{sys, *client};
  auto result = execute_with_progress(api);
  api.shutdown();
  return examples::print_result(result);
}
