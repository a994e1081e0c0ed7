#include "actors/server_definition.hpp"

#include <boost/json/serialize.hpp>

#include "actors/error.hpp"
#include "protocol/error_code.hpp"

namespace mcp {

namespace json = boost::json;

namespace {

void put(json::object& obj, std::string_view key, const std::string& value) {
  if (!value.empty())
    obj.emplace(key, value);
}

void put(json::object& obj, std::string_view key, const json::array& value) {
  if (!value.empty())
    obj.emplace(key, value);
}

void put(json::object& obj, std::string_view key, const json::object& value) {
  if (!value.empty())
    obj.emplace(key, value);
}

void put(json::object& obj, std::string_view key, std::optional<bool> value) {
  if (value)
    obj.emplace(key, *value);
}

} // namespace

completion_handler complete_from(std::vector<std::string> values) {
  return [values = std::move(values)](const completion_request& req) {
    completion_result res;
    for (auto& x : values)
      if (x.compare(0, req.value.size(), req.value) == 0)
        res.values.push_back(x);
    return res;
  };
}

json::object tool_annotations::to_json() const {
  json::object res;
  put(res, "title", title);
  put(res, "readOnlyHint", read_only_hint);
  put(res, "destructiveHint", destructive_hint);
  put(res, "idempotentHint", idempotent_hint);
  put(res, "openWorldHint", open_world_hint);
  return res;
}

json::object tool::to_json() const {
  json::object res;
  res.emplace("name", name);
  put(res, "title", title);
  put(res, "description", description);
  res.emplace("inputSchema", input_schema);
  if (output_schema)
    res.emplace("outputSchema", *output_schema);
  put(res, "annotations", annotations.to_json());
  put(res, "icons", icons);
  put(res, "_meta", meta);
  return res;
}

json::object resource::to_json() const {
  json::object res;
  res.emplace("uri", uri);
  res.emplace("name", name);
  put(res, "title", title);
  put(res, "description", description);
  put(res, "mimeType", mime_type);
  if (size)
    res.emplace("size", *size);
  if (annotations)
    res.emplace("annotations", annotations->to_json());
  put(res, "icons", icons);
  put(res, "_meta", meta);
  return res;
}

json::object resource_template::to_json() const {
  json::object res;
  res.emplace("uriTemplate", uri_template);
  res.emplace("name", name);
  put(res, "title", title);
  put(res, "description", description);
  put(res, "mimeType", mime_type);
  if (annotations)
    res.emplace("annotations", annotations->to_json());
  put(res, "icons", icons);
  put(res, "_meta", meta);
  return res;
}

json::object prompt::to_json() const {
  json::object res;
  res.emplace("name", name);
  put(res, "title", title);
  put(res, "description", description);
  if (!arguments.empty()) {
    json::array xs;
    for (auto& arg : arguments) {
      json::object x;
      x.emplace("name", arg.name);
      put(x, "title", arg.title);
      put(x, "description", arg.description);
      if (arg.required)
        x.emplace("required", true);
      xs.emplace_back(std::move(x));
    }
    res.emplace("arguments", std::move(xs));
  }
  put(res, "icons", icons);
  put(res, "_meta", meta);
  return res;
}

server_definition::server_definition(std::string name, std::string version)
  : info(std::move(name), std::move(version)) {
  // nop
}

server_definition& server_definition::add(tool x) {
  tools.push_back(std::move(x));
  return *this;
}

server_definition& server_definition::add(resource x) {
  resources.push_back(std::move(x));
  return *this;
}

server_definition& server_definition::add(resource_template x) {
  resource_templates.push_back(std::move(x));
  return *this;
}

server_definition& server_definition::add(prompt x) {
  prompts.push_back(std::move(x));
  return *this;
}

caf::error make_resource_not_found(const std::string& uri) {
  return make_server_error(
    static_cast<int64_t>(protocol::error_code::resource_not_found),
    "Resource not found: " + uri, json::serialize(json::object{{"uri", uri}}));
}

caf::error make_invalid_params(std::string message) {
  return make_server_error(
    static_cast<int64_t>(protocol::error_code::invalid_params),
    std::move(message));
}

} // namespace mcp
