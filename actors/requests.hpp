#pragma once

// Builders of the `client_request`s for every client request of MCP.

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "actors/messages.hpp"

namespace mcp::requests {

/// `ping`.
client_request ping(request_options opts = {});

/// `tools/list`, from `cursor` (empty for the first page).
client_request list_tools(std::string cursor = {}, request_options opts = {});

/// `tools/call` of tool `name` with `arguments` (an object or null).
client_request call_tool(std::string name, boost::json::value arguments = {},
                         request_options opts = {});

/// `resources/list`, from `cursor`.
client_request list_resources(std::string cursor = {},
                              request_options opts = {});

/// `resources/templates/list`, from `cursor`.
client_request list_resource_templates(std::string cursor = {},
                                       request_options opts = {});

/// `resources/read` of `uri`.
client_request read_resource(std::string uri, request_options opts = {});

/// `resources/subscribe` to `uri`.
client_request subscribe_resource(std::string uri, request_options opts = {});

/// `resources/unsubscribe` from `uri`.
client_request unsubscribe_resource(std::string uri,
                                    request_options opts = {});

/// `prompts/list`, from `cursor`.
client_request list_prompts(std::string cursor = {}, request_options opts = {});

/// `prompts/get` of prompt `name` with string `arguments`.
client_request get_prompt(std::string name, boost::json::object arguments = {},
                          request_options opts = {});

/// `completion/complete` for argument `argument` (value `value`) of `ref`
/// (a `ref/prompt` or `ref/resource` object); `context_arguments` are the
/// values of other arguments already chosen (an object, or empty).
client_request complete(boost::json::object ref, std::string argument,
                        std::string value,
                        boost::json::object context_arguments = {},
                        request_options opts = {});

/// `logging/setLevel` to `level` ("debug" ... "emergency").
client_request set_logging_level(std::string level, request_options opts = {});

/// Returns the member that holds the items of a paginated list method
/// ("tools", "resources", "resourceTemplates", "prompts"), or empty.
std::string items_key(const std::string& method);

} // namespace mcp::requests
