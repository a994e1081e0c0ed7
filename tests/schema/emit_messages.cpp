// Prints the JSON-RPC messages caf-mcp emits as a client, one per line, for
// the protocol revision given as argv[1]:
//
//   {"type": "<schema definition name>", "message": <message>}
//
// `validate.py` checks each message against that definition of the official
// MCP schema of the revision. Every message comes from the library's own
// builders (protocol::make_*, mcp::requests::*); this program only picks the
// arguments and the schema definition each message must satisfy.

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "actors/requests.hpp"
#include "protocol/error_code.hpp"
#include "protocol/json_key.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/lifecycle.hpp"
#include "protocol/methods.hpp"
#include "protocol/version.hpp"

namespace {

namespace json = boost::json;
namespace protocol = mcp::protocol;
namespace methods = mcp::protocol::methods;
namespace requests = mcp::requests;

/// Emits messages for one protocol revision.
class emitter {
public:
  explicit emitter(std::string_view version) : version_(version) {
    // nop
  }

  /// Returns whether the revision is `rev` or newer (revisions are dates, so
  /// they compare as strings).
  bool at_least(std::string_view rev) const {
    return version_ >= rev;
  }

  /// The name of the error response definition of this revision.
  const char* error_type() const {
    return at_least("2025-11-25") ? "JSONRPCErrorResponse" : "JSONRPCError";
  }

  /// The name of the result response definition of this revision.
  const char* result_type() const {
    return at_least("2025-11-25") ? "JSONRPCResultResponse" : "JSONRPCResponse";
  }

  /// Prints one line.
  void emit(std::string_view type, const json::value& message) {
    json::object line;
    line.emplace("type", type);
    line.emplace("message", message);
    std::cout << json::serialize(line) << '\n';
    ++count_;
  }

  /// Turns a `client_request` into a full request, the way the client actor
  /// does (minus its `_meta` merging), and prints it.
  void emit_request(std::string_view type, const mcp::client_request& req) {
    auto params = req.params;
    if (req.options.progress)
      protocol::set_progress_token(params, *req.options.progress);
    emit(type, protocol::make_request(next_id(), req.method, std::move(params)));
  }

  /// Returns the next integer request id.
  protocol::request_id next_id() {
    return protocol::request_id{next_id_++};
  }

  void run();

  size_t count() const {
    return count_;
  }

private:
  void lifecycle();
  void client_requests();
  void progress_tokens();
  void notifications();
  void responses();

  std::string_view version_;
  int64_t next_id_ = 1;
  size_t count_ = 0;
};

void emitter::lifecycle() {
  protocol::implementation_info info;
  info.name = "caf-mcp-schema-test";
  info.version = "0.1.0";
  info.title = "caf-mcp schema test";
  // All client capabilities on.
  protocol::client_capabilities all;
  all.roots = true;
  all.roots_list_changed = true;
  all.sampling = true;
  all.elicitation = true;
  all.experimental.emplace("caf-mcp/test", json::object{{"enabled", true}});
  emit("InitializeRequest",
       protocol::make_request(next_id(), methods::initialize,
                              protocol::make_initialize_params(version_, info,
                                                               all)));
  // Roots without listChanged.
  protocol::client_capabilities roots_only;
  roots_only.roots = true;
  emit("InitializeRequest",
       protocol::make_request(next_id(), methods::initialize,
                              protocol::make_initialize_params(version_, info,
                                                               roots_only)));
  // All client capabilities off, no title, a string id.
  protocol::implementation_info bare;
  bare.name = "caf-mcp";
  bare.version = "0";
  emit("InitializeRequest",
       protocol::make_request(protocol::request_id{"init-1"},
                              methods::initialize,
                              protocol::make_initialize_params(
                                version_, bare, protocol::client_capabilities{})));
  emit("InitializedNotification",
       protocol::make_notification(methods::initialized, nullptr));
}

void emitter::client_requests() {
  emit_request("PingRequest", requests::ping());
  emit_request("ListToolsRequest", requests::list_tools());
  emit_request("ListToolsRequest", requests::list_tools("cursor-2"));
  emit_request("CallToolRequest", requests::call_tool("echo"));
  emit_request("CallToolRequest",
               requests::call_tool("echo",
                                   json::object{{"text", "hello"},
                                                {"count", 3},
                                                {"nested", json::array{1, 2}}}));
  emit_request("ListResourcesRequest", requests::list_resources());
  emit_request("ListResourcesRequest", requests::list_resources("page-2"));
  emit_request("ListResourceTemplatesRequest",
               requests::list_resource_templates());
  emit_request("ListResourceTemplatesRequest",
               requests::list_resource_templates("page-2"));
  emit_request("ReadResourceRequest",
               requests::read_resource("file:///tmp/example.txt"));
  emit_request("SubscribeRequest",
               requests::subscribe_resource("file:///tmp/example.txt"));
  emit_request("UnsubscribeRequest",
               requests::unsubscribe_resource("file:///tmp/example.txt"));
  emit_request("ListPromptsRequest", requests::list_prompts());
  emit_request("ListPromptsRequest", requests::list_prompts("page-2"));
  emit_request("GetPromptRequest", requests::get_prompt("greeting"));
  emit_request("GetPromptRequest",
               requests::get_prompt("greeting",
                                    json::object{{"name", "Ada"},
                                                 {"style", "formal"}}));
  json::object prompt_ref{{"type", "ref/prompt"}, {"name", "greeting"}};
  json::object resource_ref{{"type", "ref/resource"},
                            {"uri", "file:///logs/{date}.txt"}};
  emit_request("CompleteRequest",
               requests::complete(prompt_ref, "style", "fo"));
  emit_request("CompleteRequest",
               requests::complete(resource_ref, "date", "2025-"));
  // `context` exists from 2025-06-18 on.
  if (at_least("2025-06-18")) {
    emit_request("CompleteRequest",
                 requests::complete(prompt_ref, "style", "fo",
                                    json::object{{"name", "Ada"}}));
    emit_request("CompleteRequest",
                 requests::complete(resource_ref, "date", "2025-",
                                    json::object{{"host", "alpha"},
                                                 {"kind", "error"}}));
  }
  for (auto level : {"debug", "info", "notice", "warning", "error", "critical",
                     "alert", "emergency"})
    emit_request("SetLevelRequest", requests::set_logging_level(level));
}

void emitter::progress_tokens() {
  // Via request_options, as the client actor applies them.
  mcp::request_options string_token;
  string_token.progress = protocol::progress_token{"progress-abc"};
  emit_request("CallToolRequest",
               requests::call_tool("slow", json::object{{"steps", 5}},
                                   string_token));
  mcp::request_options int_token;
  int_token.progress = protocol::progress_token{42};
  emit_request("CallToolRequest",
               requests::call_tool("slow", nullptr, int_token));
  // On requests whose params start out null.
  emit_request("PingRequest", requests::ping(string_token));
  emit_request("ListToolsRequest", requests::list_tools({}, int_token));
  emit_request("ReadResourceRequest",
               requests::read_resource("file:///tmp/example.txt", int_token));
  // protocol::set_progress_token directly, keeping other `_meta` members.
  json::value params = json::object{
    {"name", "slow"}, {"_meta", json::object{{"example.com/trace", "t-1"}}}};
  protocol::set_progress_token(params, protocol::progress_token{"tok-7"});
  emit("CallToolRequest", protocol::make_request(next_id(), methods::tools_call,
                                                 std::move(params)));
  json::value null_params;
  protocol::set_progress_token(null_params, protocol::progress_token{7});
  emit("PingRequest", protocol::make_request(next_id(), methods::ping,
                                             std::move(null_params)));
}

void emitter::notifications() {
  // Same shape as send_cancelled in actors/client.cpp.
  {
    json::object params;
    params.emplace("requestId", int64_t{17});
    params.emplace("reason", "cancelled by caller");
    emit("CancelledNotification",
         protocol::make_notification(methods::cancelled, std::move(params)));
  }
  // Same shape as the send_progress_atom handler in actors/client.cpp.
  auto progress = [](protocol::progress_token token, double value,
                     const double* total, const char* message) {
    json::object params;
    params.emplace("progressToken", token.to_json());
    params.emplace("progress", value);
    if (total != nullptr)
      params.emplace("total", *total);
    if (message != nullptr)
      params.emplace("message", message);
    return protocol::make_notification(methods::progress, std::move(params));
  };
  double total = 10;
  emit("ProgressNotification",
       progress(protocol::progress_token{"progress-abc"}, 0, nullptr, nullptr));
  emit("ProgressNotification",
       progress(protocol::progress_token{42}, 2.5, &total, nullptr));
  emit("ProgressNotification",
       progress(protocol::progress_token{"progress-abc"}, 5, &total,
                "halfway there"));
  emit("ProgressNotification",
       progress(protocol::progress_token{42}, 10, &total, "done"));
}

void emitter::responses() {
  using protocol::error_code;
  // The client answers a server's ping with an empty result.
  emit(result_type(), protocol::make_result(protocol::request_id{3},
                                            json::object{}));
  emit(result_type(), protocol::make_result(protocol::request_id{"srv-1"},
                                            json::object{}));
  // A non-empty result, e.g. of roots/list.
  emit(result_type(),
       protocol::make_result(
         protocol::request_id{4},
         json::object{{"roots", json::array{json::object{
                                  {"uri", "file:///home/user/project"},
                                  {"name", "project"}}}}}));
  // Every error code, with integer and string ids.
  error_code codes[] = {error_code::parse_error,     error_code::invalid_request,
                        error_code::method_not_found, error_code::invalid_params,
                        error_code::internal_error,
                        error_code::resource_not_found};
  int64_t id = 100;
  for (auto code : codes) {
    emit(error_type(),
         protocol::make_error(protocol::request_id{id++}, code,
                              protocol::describe(code)));
    emit(error_type(),
         protocol::make_error(protocol::request_id{"err-" + std::to_string(id)},
                              code, protocol::describe(code)));
  }
  if (at_least("2025-11-25"))
    emit(error_type(),
         protocol::make_error(protocol::request_id{id++},
                              error_code::url_elicitation_required,
                              protocol::describe(
                                error_code::url_elicitation_required)));
  // A raw integer code and error data.
  emit(error_type(),
       protocol::make_error(protocol::request_id{id++}, int64_t{-32000},
                            "server error",
                            json::object{{"detail", "disk full"}}));
  emit(error_type(),
       protocol::make_error(protocol::request_id{id++},
                            error_code::invalid_params, "bad argument",
                            json::value("argument 'x' must be a string")));
  // A null id, for errors that answer no identifiable request. JSON-RPC 2.0
  // requires `"id": null` here, which no MCP schema's RequestId admits; these
  // are checked against JSON-RPC 2.0 itself (see validate.py).
  emit("JSONRPC2NullIdError",
       protocol::make_error(std::nullopt, error_code::parse_error,
                            protocol::describe(error_code::parse_error)));
  emit("JSONRPC2NullIdError",
       protocol::make_error(std::nullopt, error_code::invalid_request,
                            protocol::describe(error_code::invalid_request)));
}

void emitter::run() {
  lifecycle();
  client_requests();
  progress_tokens();
  notifications();
  responses();
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <protocol version>\n", argv[0]);
    return 2;
  }
  std::string_view version = argv[1];
  if (!protocol::is_supported_protocol_version(version)) {
    std::fprintf(stderr, "unsupported protocol version: %s\n", argv[1]);
    return 2;
  }
  emitter e{version};
  e.run();
  std::cout.flush();
  return std::cout ? 0 : 1;
}
