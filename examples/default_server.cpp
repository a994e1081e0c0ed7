#include "default_server.hpp"

#include <cstdio>

#include <boost/json/serialize.hpp>

#include "actors/stdio_client.hpp"
#include "actors/error.hpp"

namespace examples {

mcp::transports::stdio_transport_config server_from_args(int argc, char** argv,
                                                         int skip) {
  mcp::transports::stdio_transport_config res;
  if (argc > skip) {
    res.child.command = argv[skip];
    for (int i = skip + 1; i < argc; ++i)
      res.child.args.emplace_back(argv[i]);
  } else {
    res.child.command = CAF_MCP_DEFAULT_SERVER;
  }
  return res;
}

caf::optional<caf::actor> connect(caf::actor_system& sys, int argc,
                                  char** argv, int skip) {
  auto client = mcp::spawn_stdio_client(sys, server_from_args(argc, argv, skip));
  if (!client) {
    std::fprintf(stderr, "cannot start server: %s\n",
                 mcp::describe(client.error()).c_str());
    return caf::none;
  }
  return *client;
}

int print_result(const caf::expected<boost::json::value>& result) {
  if (!result) {
    std::fprintf(stderr, "call failed: %s\n",
                 mcp::describe(result.error()).c_str());
    return 1;
  }
  std::printf("result: %s\n", boost::json::serialize(*result).c_str());
  return 0;
}

} // namespace examples
