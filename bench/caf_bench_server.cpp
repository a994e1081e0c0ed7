// The benchmark server built on caf-mcp: the same tools as bench_server.cpp
// ("echo" answers at once; "burst" with {"count": N} sends N progress
// notifications for the request's token, then its result), so that the same
// clients measure caf-mcp's server against the TypeScript SDK's
// (ts_bench_server.mjs).
//   usage: caf_bench_server [--http [HOST:]PORT]   (stdio by default)

#include <boost/json/parse.hpp>

#include "actors/request_context.hpp"
#include "actors/run_server.hpp"

namespace {

namespace json = boost::json;

} // namespace

int main(int argc, char** argv) {
  mcp::server_definition def{"caf-mcp-bench", "1"};
  mcp::tool echo;
  echo.name = "echo";
  echo.description = "Answers at once.";
  echo.input_schema = json::parse(
    R"({"type":"object","properties":{"text":{"type":"string"}}})")
                        .as_object();
  // Microseconds of work: answered on the thread that read the request.
  echo.exec = mcp::execution::immediate;
  echo.handler = [](mcp::request_context&, const json::object&)
    -> caf::expected<mcp::tool_result> {
    return mcp::tool_result::text("ok");
  };
  def.add(std::move(echo));
  mcp::tool burst;
  burst.name = "burst";
  burst.description = "Sends `count` progress notifications, then answers.";
  burst.input_schema = json::parse(
    R"({"type":"object","properties":{"count":{"type":"integer"}}})")
                         .as_object();
  burst.handler = [](mcp::request_context& ctx, const json::object& args)
    -> caf::expected<mcp::tool_result> {
    auto count = args.at("count").to_number<int64_t>();
    for (int64_t i = 1; i <= count; ++i)
      ctx.report_progress(static_cast<double>(i), static_cast<double>(count));
    return mcp::tool_result::text("burst done");
  };
  def.add(std::move(burst));
  return mcp::run_server(std::move(def), argc, argv);
}
