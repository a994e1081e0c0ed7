// The server side of the progress guide: an MCP server over stdio whose
// `long-running-operation` tool reports progress, with a message, at each
// step. The other examples talk to it by default.
//   usage: progress_server        (speaks MCP on stdin/stdout)

#include <chrono>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "actors/request_context.hpp"
#include "protocol/json_number.hpp"
#include "actors/stdio_server.hpp"

namespace {

namespace json = boost::json;

double number_or(const json::object& args, std::string_view key,
                 double fallback) {
  auto x = args.if_contains(key);
  return x != nullptr && x->is_number() ? x->to_number<double>() : fallback;
}

/// Waits `duration` seconds in `steps` steps and reports each one. Waiting
/// ends early when the client cancels the call; then no result is sent.
caf::expected<mcp::tool_result> long_running_operation(
  mcp::request_context& ctx, const json::object& args) {
  auto duration = number_or(args, "duration", 10);
  auto steps = static_cast<int>(number_or(args, "steps", 5));
  auto pause = std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double>(duration / steps));
  for (int step = 1; step <= steps; ++step) {
    if (!ctx.sleep_for(pause))
      return mcp::tool_result::error("cancelled");
    ctx.report_progress(step, steps,
                        "Step " + std::to_string(step) + " of "
                          + std::to_string(steps));
  }
  return mcp::tool_result::text(
    "Long running operation completed. Duration: "
    + mcp::protocol::format_number(duration)
    + " seconds, Steps: " + std::to_string(steps) + ".");
}

} // namespace

int main() {
  mcp::server_definition def{"caf-mcp-progress-server", "0.1.0"};
  mcp::tool op;
  op.name = "long-running-operation";
  op.description = "Runs for `duration` seconds in `steps` steps and reports "
                   "progress at each step.";
  op.input_schema = json::parse(R"({"type": "object", "properties": {
      "duration": {"type": "number", "minimum": 0, "default": 10,
                   "description": "Seconds the operation takes"},
      "steps": {"type": "integer", "minimum": 1, "default": 5,
                "description": "Number of steps"}}})")
                      .as_object();
  // It waits between steps: a thread of its own keeps it from holding up
  // anything else.
  op.exec = mcp::execution::dedicated;
  op.handler = long_running_operation;
  def.add(std::move(op));
  return mcp::run_stdio_server(std::move(def));
}
