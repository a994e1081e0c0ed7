#include "actors/requests.hpp"

#include "protocol/method_table.hpp"
#include "protocol/methods.hpp"

namespace mcp::requests {

namespace {

namespace json = boost::json;
namespace methods = protocol::methods;

client_request make(std::string_view method, json::value params,
                    request_options opts) {
  return client_request{std::string{method}, std::move(params),
                        std::move(opts)};
}

client_request paged(std::string_view method, std::string cursor,
                     request_options opts) {
  json::value params;
  if (!cursor.empty())
    params = json::object{{"cursor", std::move(cursor)}};
  return make(method, std::move(params), std::move(opts));
}

client_request with_uri(std::string_view method, std::string uri,
                        request_options opts) {
  return make(method, json::object{{"uri", std::move(uri)}}, std::move(opts));
}

} // namespace

client_request ping(request_options opts) {
  return make(methods::ping, nullptr, std::move(opts));
}

client_request list_tools(std::string cursor, request_options opts) {
  return paged(methods::tools_list, std::move(cursor), std::move(opts));
}

client_request call_tool(std::string name, json::value arguments,
                         request_options opts) {
  json::object params;
  params.emplace("name", std::move(name));
  if (!arguments.is_null())
    params.emplace("arguments", std::move(arguments));
  return make(methods::tools_call, std::move(params), std::move(opts));
}

client_request list_resources(std::string cursor, request_options opts) {
  return paged(methods::resources_list, std::move(cursor), std::move(opts));
}

client_request list_resource_templates(std::string cursor,
                                       request_options opts) {
  return paged(methods::resources_templates_list, std::move(cursor),
               std::move(opts));
}

client_request read_resource(std::string uri, request_options opts) {
  return with_uri(methods::resources_read, std::move(uri), std::move(opts));
}

client_request subscribe_resource(std::string uri, request_options opts) {
  return with_uri(methods::resources_subscribe, std::move(uri),
                  std::move(opts));
}

client_request unsubscribe_resource(std::string uri, request_options opts) {
  return with_uri(methods::resources_unsubscribe, std::move(uri),
                  std::move(opts));
}

client_request list_prompts(std::string cursor, request_options opts) {
  return paged(methods::prompts_list, std::move(cursor), std::move(opts));
}

client_request get_prompt(std::string name, json::object arguments,
                          request_options opts) {
  json::object params;
  params.emplace("name", std::move(name));
  if (!arguments.empty())
    params.emplace("arguments", std::move(arguments));
  return make(methods::prompts_get, std::move(params), std::move(opts));
}

client_request complete(json::object ref, std::string argument,
                        std::string value, json::object context_arguments,
                        request_options opts) {
  json::object params;
  params.emplace("ref", std::move(ref));
  params.emplace("argument", json::object{{"name", std::move(argument)},
                                          {"value", std::move(value)}});
  if (!context_arguments.empty())
    params.emplace("context",
                   json::object{{"arguments", std::move(context_arguments)}});
  return make(methods::completion_complete, std::move(params),
              std::move(opts));
}

client_request set_logging_level(std::string level, request_options opts) {
  return make(methods::logging_set_level,
              json::object{{"level", std::move(level)}}, std::move(opts));
}

std::string items_key(const std::string& method) {
  auto row = protocol::find_method(method);
  return row != nullptr ? std::string{row->list_key} : std::string{};
}

} // namespace mcp::requests
