#include "default_server.hpp"

namespace examples {

mcp::transports::stdio_transport_config server_from_args(int argc, char** argv,
                                                         int skip) {
  mcp::transports::stdio_transport_config res;
  if (argc > skip) {
    res.child.command = argv[skip];
    for (int i = skip + 1; i < argc; ++i)
      res.child.args.emplace_back(argv[i]);
  } else {
    res.child.command = "node";
    res.child.args = {CAF_MCP_EVERYTHING_SERVER, "stdio"};
  }
  return res;
}

} // namespace examples
