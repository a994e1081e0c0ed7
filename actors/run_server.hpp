#pragma once

#include "actors/server_definition.hpp"

namespace mcp {

/// Runs `def` as `main`'s command line asks: over stdio by default, or over
/// Streamable HTTP with `--http [HOST:]PORT` (serving `/mcp` on HOST,
/// 127.0.0.1 unless given). Returns the exit code for `main`; 2 with a
/// usage message for arguments it does not know.
int run_server(server_definition def, int argc, char** argv);

} // namespace mcp
