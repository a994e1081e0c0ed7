#pragma once

// The tool at the heart of the progress guide, shared by the example server
// and the test fixture: `long-running-operation` waits `duration` seconds in
// `steps` steps and reports progress, with a message, at each one. Waiting
// ends early when the client cancels the call; then no result is sent.

#include <chrono>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "actors/request_context.hpp"
#include "protocol/json_number.hpp"

namespace mcp::examples {

/// Returns `args[key]` if it is a number, else `fallback`.
inline double number_or(const boost::json::object& args, std::string_view key,
                        double fallback) {
  auto x = args.if_contains(key);
  return x != nullptr && x->is_number() ? x->to_number<double>() : fallback;
}

/// Runs the operation for the request of `ctx`: a `request_context`, or a
/// `tool_call_context` on a worker node.
template <class Context>
caf::expected<tool_result>
long_running_operation(Context& ctx, const boost::json::object& args) {
  auto duration = number_or(args, "duration", 10);
  auto steps = static_cast<int>(number_or(args, "steps", 5));
  auto pause = std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double>(duration / steps));
  for (int step = 1; step <= steps; ++step) {
    if (!ctx.sleep_for(pause))
      return tool_result::error("cancelled");
    ctx.report_progress(step, steps,
                        "Step " + std::to_string(step) + " of "
                          + std::to_string(steps));
  }
  return tool_result::text("Long running operation completed. Duration: "
                           + protocol::format_number(duration)
                           + " seconds, Steps: " + std::to_string(steps) + ".");
}

/// Returns the tool's definition, without its handler.
inline tool long_running_operation_description() {
  tool res;
  res.name = "long-running-operation";
  res.description = "Runs for `duration` seconds in `steps` steps and reports "
                    "progress at each step.";
  res.input_schema = boost::json::parse(R"({"type": "object", "properties": {
      "duration": {"type": "number", "minimum": 0, "default": 10,
                   "description": "Seconds the operation takes"},
      "steps": {"type": "integer", "minimum": 1, "default": 5,
                "description": "Number of steps"}}})")
                       .as_object();
  return res;
}

/// Returns the tool's definition.
inline tool long_running_operation_tool() {
  auto res = long_running_operation_description();
  // It waits between steps: a thread of its own keeps it from holding up
  // anything else.
  res.exec = execution::dedicated;
  res.handler = long_running_operation<request_context>;
  return res;
}

} // namespace mcp::examples
