// The server side of the progress guide: an MCP server over stdio whose
// `long-running-operation` tool reports progress, with a message, at each
// step. The other examples talk to it by default.
//   usage: progress_server        (speaks MCP on stdin/stdout)

#include "actors/run_server.hpp"
#include "examples/long_running_operation.hpp"

int main(int argc, char** argv) {
  mcp::server_definition def{"caf-mcp-progress-server", "0.1.0"};
  def.add(mcp::examples::long_running_operation_tool());
  return mcp::run_server(std::move(def), argc, argv);
}
