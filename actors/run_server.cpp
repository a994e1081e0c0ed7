#include "actors/run_server.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "actors/http_server.hpp"
#include "actors/stdio_server.hpp"

namespace mcp {

int run_server(server_definition def, int argc, char** argv) {
  if (argc <= 1)
    return run_stdio_server(std::move(def));
  std::string flag = argv[1];
  if (argc == 3 && flag == "--http") {
    std::string where = argv[2];
    http_options opts;
    auto colon = where.rfind(':');
    auto port_text = colon == std::string::npos ? where
                                                : where.substr(colon + 1);
    if (colon != std::string::npos)
      opts.listener.address = where.substr(0, colon);
    char* end = nullptr;
    auto port = std::strtoul(port_text.c_str(), &end, 10);
    if (!port_text.empty() && *end == '\0' && port <= 65535) {
      opts.listener.port = static_cast<uint16_t>(port);
      return run_http_server(std::move(def), std::move(opts));
    }
  }
  std::fprintf(stderr, "usage: %s [--http [HOST:]PORT]\n", argv[0]);
  return 2;
}

} // namespace mcp
