#pragma once

#include "transports/stdio_transport.hpp"

namespace examples {

/// Returns the server to run: the command line after the first `skip`
/// arguments if there is one, else the default server.
mcp::transports::stdio_transport_config server_from_args(int argc, char** argv,
                                                         int skip = 1);

} // namespace examples
