#pragma once

#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/optional.hpp>

#include "transports/stdio_transport.hpp"

namespace examples {

/// Returns the server to run: the command line after the first `skip`
/// arguments if there is one, else the default server.
mcp::transports::stdio_transport_config server_from_args(int argc, char** argv,
                                                         int skip = 1);

/// Starts a client for the server of `server_from_args`; prints why and
/// returns nothing when the server cannot start.
caf::optional<caf::actor> connect(caf::actor_system& sys, int argc,
                                  char** argv, int skip = 1);

/// Prints the result of a call, or why it failed; returns the exit code.
int print_result(const caf::expected<boost::json::value>& result);

} // namespace examples
