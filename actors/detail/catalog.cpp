#include "actors/detail/catalog.hpp"

#include <algorithm>
#include <set>

#include "actors/error.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;

caf::error invalid(std::string_view kind, std::string_view name,
                   std::string_view why) {
  std::string what{kind};
  what += " \"";
  what += name;
  what += "\": ";
  what += why;
  return make_error(errc::invalid_argument, std::move(what));
}

bool valid_tool_name(std::string_view name) {
  if (name.empty() || name.size() > 128)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

/// Compiles an object schema whose `type` must be "object", as MCP requires
/// of tool input and output schemas.
caf::expected<protocol::json_schema>
compile_object_schema(const json::object& schema, std::string_view what,
                      std::string_view tool_name) {
  auto type = schema.if_contains("type");
  if (type == nullptr || !type->is_string() || type->get_string() != "object")
    return invalid("tool", tool_name,
                   std::string{what} + " must have \"type\": \"object\"");
  auto res = protocol::json_schema::compile(schema);
  if (!res)
    return invalid("tool", tool_name,
                   std::string{what} + ": " + res.error().what);
  return std::move(*res);
}

} // namespace

bool catalog::has_completions() const {
  auto res = false;
  prompts.for_each([&](const prompt_entry& x) {
    for (auto& arg : x.def.arguments)
      if (arg.complete)
        res = true;
  });
  templates.for_each([&](const template_entry& x) {
    if (!x.def.completions.empty())
      res = true;
  });
  return res;
}

std::pair<const template_entry*, protocol::uri_variables>
catalog::match_template(std::string_view uri) const {
  protocol::uri_variables vars;
  auto entry = templates.find_if([&](const template_entry& x) {
    if (auto matched = x.pattern.match(uri)) {
      vars = std::move(*matched);
      return true;
    }
    return false;
  });
  return {entry, std::move(vars)};
}

caf::error catalog::add(tool x) {
  if (!valid_tool_name(x.name))
    return invalid("tool", x.name,
                   "a name must have 1 to 128 of A-Z a-z 0-9 _ - .");
  if (!x.handler == !x.handler_actor)
    return invalid("tool", x.name,
                   x.handler ? "both a handler and a handler actor"
                             : "no handler");
  auto input = compile_object_schema(x.input_schema, "inputSchema", x.name);
  if (!input)
    return std::move(input.error());
  auto mirrored = protocol::find_mirrored_params(x.input_schema);
  if (!mirrored)
    return invalid("tool", x.name, mirrored.error().what);
  std::optional<protocol::json_schema> output;
  if (x.output_schema) {
    auto compiled = compile_object_schema(*x.output_schema, "outputSchema",
                                          x.name);
    if (!compiled)
      return std::move(compiled.error());
    output = std::move(*compiled);
  }
  auto entry = std::make_shared<tool_entry>();
  entry->description = x.to_json();
  entry->input = std::move(*input);
  entry->output = std::move(output);
  entry->mirrored = std::move(*mirrored);
  entry->def = std::move(x);
  auto key = entry->def.name;
  tools.put(key, std::move(entry));
  return caf::none;
}

caf::error catalog::add(resource x) {
  if (x.uri.empty())
    return invalid("resource", x.name, "no URI");
  if (x.name.empty())
    return invalid("resource", x.uri, "no name");
  if (!x.handler)
    return invalid("resource", x.uri, "no handler");
  auto entry = std::make_shared<resource_entry>();
  entry->description = x.to_json();
  entry->def = std::move(x);
  auto key = entry->def.uri;
  resources.put(key, std::move(entry));
  return caf::none;
}

caf::error catalog::add(resource_template x) {
  auto pattern = protocol::uri_template::parse(x.uri_template);
  if (!pattern)
    return invalid("resource template", x.name, pattern.error().what);
  if (x.name.empty())
    return invalid("resource template", x.uri_template, "no name");
  if (!x.handler)
    return invalid("resource template", x.uri_template, "no handler");
  auto& vars = pattern->variables();
  for (auto& kvp : x.completions)
    if (std::find(vars.begin(), vars.end(), kvp.first) == vars.end())
      return invalid("resource template", x.uri_template,
                     "completion for unknown variable \"" + kvp.first + "\"");
  auto entry = std::make_shared<template_entry>();
  entry->description = x.to_json();
  entry->pattern = std::move(*pattern);
  entry->def = std::move(x);
  auto key = entry->def.uri_template;
  templates.put(key, std::move(entry));
  return caf::none;
}

caf::error catalog::add(prompt x) {
  if (x.name.empty())
    return invalid("prompt", x.name, "no name");
  if (!x.handler)
    return invalid("prompt", x.name, "no handler");
  std::set<std::string> names;
  for (auto& arg : x.arguments)
    if (arg.name.empty() || !names.insert(arg.name).second)
      return invalid("prompt", x.name,
                     "argument names must be unique and not empty");
  auto entry = std::make_shared<prompt_entry>();
  entry->description = x.to_json();
  entry->def = std::move(x);
  auto key = entry->def.name;
  prompts.put(key, std::move(entry));
  return caf::none;
}

caf::expected<std::shared_ptr<const catalog>>
make_catalog(const server_definition& def) {
  auto res = std::make_shared<catalog>();
  std::set<std::string> seen;
  auto unique = [&](std::string_view kind, const std::string& key) {
    if (seen.insert(std::string{kind} + '\n' + key).second)
      return caf::error{};
    return invalid(kind, key, "defined twice");
  };
  for (auto& x : def.tools)
    if (auto err = unique("tool", x.name); err || (err = res->add(x)))
      return err;
  for (auto& x : def.resources)
    if (auto err = unique("resource", x.uri); err || (err = res->add(x)))
      return err;
  for (auto& x : def.resource_templates)
    if (auto err = unique("resource template", x.uri_template);
        err || (err = res->add(x)))
      return err;
  for (auto& x : def.prompts)
    if (auto err = unique("prompt", x.name); err || (err = res->add(x)))
      return err;
  return std::shared_ptr<const catalog>{std::move(res)};
}

} // namespace mcp::detail
