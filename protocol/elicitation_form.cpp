#include "protocol/elicitation_form.hpp"
#include "protocol/revision.hpp"

#include <boost/json/array.hpp>

namespace mcp::protocol {

namespace json = boost::json;

namespace {

json::object typed(std::string_view type, const std::string& description) {
  json::object res;
  res.emplace("type", type);
  if (!description.empty())
    res.emplace("description", description);
  return res;
}

json::array strings(const std::vector<std::string>& xs) {
  json::array res;
  res.reserve(xs.size());
  for (auto& x : xs)
    res.emplace_back(x);
  return res;
}

json::array titled(const std::vector<elicitation_form::choice>& choices) {
  json::array res;
  res.reserve(choices.size());
  for (auto& [value, title] : choices)
    res.emplace_back(json::object{{"const", value}, {"title", title}});
  return res;
}

} // namespace

elicitation_form& elicitation_form::text(std::string name,
                                         std::string description,
                                         std::optional<std::string> default_value,
                                         std::string format) {
  auto x = typed("string", description);
  if (!format.empty())
    x.emplace("format", format);
  if (default_value)
    x.emplace("default", *default_value);
  return field(std::move(name), std::move(x));
}

namespace {

template <class T>
json::object numeric(std::string_view type, const std::string& description,
                     std::optional<T> default_value, std::optional<T> minimum,
                     std::optional<T> maximum) {
  auto x = typed(type, description);
  if (minimum)
    x.emplace("minimum", *minimum);
  if (maximum)
    x.emplace("maximum", *maximum);
  if (default_value)
    x.emplace("default", *default_value);
  return x;
}

} // namespace

elicitation_form& elicitation_form::number(std::string name,
                                           std::string description,
                                           std::optional<double> default_value,
                                           std::optional<double> minimum,
                                           std::optional<double> maximum) {
  return field(std::move(name), numeric("number", description, default_value,
                                        minimum, maximum));
}

elicitation_form& elicitation_form::integer(std::string name,
                                            std::string description,
                                            std::optional<int64_t> default_value,
                                            std::optional<int64_t> minimum,
                                            std::optional<int64_t> maximum) {
  return field(std::move(name), numeric("integer", description, default_value,
                                        minimum, maximum));
}

elicitation_form& elicitation_form::boolean(std::string name,
                                            std::string description,
                                            std::optional<bool> default_value) {
  auto x = typed("boolean", description);
  if (default_value)
    x.emplace("default", *default_value);
  return field(std::move(name), std::move(x));
}

elicitation_form&
elicitation_form::single_select(std::string name,
                                std::vector<std::string> values,
                                std::optional<std::string> default_value,
                                std::string description) {
  auto x = typed("string", description);
  x.emplace("enum", strings(values));
  if (default_value)
    x.emplace("default", *default_value);
  return field(std::move(name), std::move(x));
}

elicitation_form&
elicitation_form::single_select_titled(std::string name,
                                       std::vector<choice> choices,
                                       std::optional<std::string> default_value,
                                       std::string description) {
  auto x = typed("string", description);
  x.emplace("oneOf", titled(choices));
  if (default_value)
    x.emplace("default", *default_value);
  return field(std::move(name), std::move(x));
}

elicitation_form&
elicitation_form::multi_select(std::string name,
                               std::vector<std::string> values,
                               std::vector<std::string> default_values,
                               std::string description) {
  auto x = typed("array", description);
  x.emplace("items", json::object{{"type", "string"}, {"enum", strings(values)}});
  if (!default_values.empty())
    x.emplace("default", strings(default_values));
  return field(std::move(name), std::move(x));
}

elicitation_form&
elicitation_form::multi_select_titled(std::string name,
                                      std::vector<choice> choices,
                                      std::vector<std::string> default_values,
                                      std::string description) {
  auto x = typed("array", description);
  x.emplace("items", json::object{{"anyOf", titled(choices)}});
  if (!default_values.empty())
    x.emplace("default", strings(default_values));
  return field(std::move(name), std::move(x));
}

elicitation_form& elicitation_form::field(std::string name,
                                          json::object schema) {
  properties_[name] = std::move(schema);
  last_ = std::move(name);
  return *this;
}

elicitation_form& elicitation_form::title(std::string text) {
  if (auto x = properties_.if_contains(last_))
    x->as_object()["title"] = std::move(text);
  return *this;
}

elicitation_form& elicitation_form::required(std::vector<std::string> names) {
  for (auto& name : names)
    required_.push_back(std::move(name));
  return *this;
}

json::object elicitation_form::to_json() const {
  json::object res;
  res.emplace("type", "object");
  res.emplace("properties", properties_);
  if (!required_.empty())
    res.emplace("required", strings(required_));
  return res;
}

} // namespace mcp::protocol

namespace mcp::protocol {

boost::system::result<json::object, protocol_error>
requested_schema_for_revision(json::object schema, std::string_view version) {
  auto bad = [](std::string why) {
    return protocol_error{"requested schema not allowed for elicitation: "
                          + std::move(why)};
  };
  auto type = schema.if_contains("type");
  if (type == nullptr || *type != "object")
    return bad("it must have \"type\": \"object\"");
  auto props = schema.if_contains("properties");
  if (props == nullptr || !props->is_object())
    return bad("it needs a \"properties\" object");
  auto newest = revision::nearest(version).has_enum_schemas();
  for (auto& kvp : props->get_object()) {
    auto name = std::string{kvp.key()};
    auto prop = kvp.value().if_object();
    if (prop == nullptr)
      return bad("field \"" + name + "\" is not an object");
    auto t = prop->if_contains("type");
    auto kind = t != nullptr && t->is_string() ? std::string_view{t->get_string()}
                                               : std::string_view{};
    if (kind == "number" || kind == "integer" || kind == "boolean")
      continue;
    if (kind == "string") {
      auto one_of = prop->if_contains("oneOf");
      if (newest || one_of == nullptr)
        continue;
      // A titled single-select enum, in the legacy form older revisions know.
      json::array values;
      json::array titles;
      if (!one_of->is_array())
        return bad("field \"" + name + "\" has an invalid oneOf");
      for (auto& choice : one_of->get_array()) {
        auto c = choice.if_object();
        auto value = c ? c->if_contains("const") : nullptr;
        auto title = c ? c->if_contains("title") : nullptr;
        if (value == nullptr || !value->is_string())
          return bad("field \"" + name + "\" has a choice without a string const");
        values.push_back(*value);
        titles.push_back(title != nullptr && title->is_string() ? *title
                                                                : *value);
      }
      prop->erase("oneOf");
      prop->emplace("enum", std::move(values));
      prop->emplace("enumNames", std::move(titles));
      continue;
    }
    if (kind == "array") {
      auto items = prop->if_contains("items");
      auto multi = items != nullptr && items->is_object()
                   && (items->get_object().contains("enum")
                       || items->get_object().contains("anyOf"));
      if (!multi)
        return bad("array field \"" + name + "\" must be a multi-select enum");
      if (!newest)
        return bad("multi-select field \"" + name
                   + "\" needs protocol revision "
                   + std::string{revision{revision::v2025_11_25}.name()}
                   + ", the client speaks "
                   + std::string{version});
      continue;
    }
    return bad("field \"" + name
               + "\" must be a string, number, integer, boolean or enum");
  }
  return schema;
}

size_t apply_elicitation_defaults(const json::object& requested_schema,
                                  json::object& content) {
  auto props = requested_schema.if_contains("properties");
  if (props == nullptr || !props->is_object())
    return 0;
  size_t res = 0;
  for (auto& kvp : props->get_object()) {
    auto prop = kvp.value().if_object();
    auto value = prop ? prop->if_contains("default") : nullptr;
    if (value != nullptr && !content.contains(kvp.key())) {
      content.emplace(kvp.key(), *value);
      ++res;
    }
  }
  return res;
}

} // namespace mcp::protocol
