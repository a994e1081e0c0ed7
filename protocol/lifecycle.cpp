#include "protocol/lifecycle.hpp"

#include "protocol/method_table.hpp"
#include "protocol/version.hpp"
#include "protocol/revision.hpp"

namespace mcp::protocol {

namespace {

const boost::json::object* member_object(const boost::json::object& obj,
                                         std::string_view key) {
  auto x = obj.if_contains(key);
  return x != nullptr ? x->if_object() : nullptr;
}

bool flag(const boost::json::object* obj, std::string_view key) {
  if (obj == nullptr)
    return false;
  auto x = obj->if_contains(key);
  return x != nullptr && x->is_bool() && x->get_bool();
}

} // namespace

server_capabilities server_capabilities::from_json(const boost::json::value& x) {
  server_capabilities res;
  auto obj = x.if_object();
  if (obj == nullptr)
    return res;
  res.raw = *obj;
  if (auto tools = member_object(*obj, "tools")) {
    res.tools = true;
    res.tools_list_changed = flag(tools, "listChanged");
  }
  if (auto resources = member_object(*obj, "resources")) {
    res.resources = true;
    res.resources_subscribe = flag(resources, "subscribe");
    res.resources_list_changed = flag(resources, "listChanged");
  }
  if (auto prompts = member_object(*obj, "prompts")) {
    res.prompts = true;
    res.prompts_list_changed = flag(prompts, "listChanged");
  }
  res.logging = member_object(*obj, "logging") != nullptr;
  res.completions = member_object(*obj, "completions") != nullptr;
  if (auto x = member_object(*obj, "experimental"))
    res.experimental = *x;
  if (auto x = member_object(*obj, "extensions"))
    res.extensions = *x;
  return res;
}

boost::json::object server_capabilities::to_json(std::string_view version) const {
  boost::json::object res;
  auto with_list_changed = [](bool list_changed) {
    boost::json::object x;
    if (list_changed)
      x.emplace("listChanged", true);
    return x;
  };
  if (tools)
    res.emplace("tools", with_list_changed(tools_list_changed));
  if (resources) {
    auto x = with_list_changed(resources_list_changed);
    if (resources_subscribe)
      x.emplace("subscribe", true);
    res.emplace("resources", std::move(x));
  }
  if (prompts)
    res.emplace("prompts", with_list_changed(prompts_list_changed));
  if (logging)
    res.emplace("logging", boost::json::object{});
  if (completions && revision::nearest(version).has_completions_capability())
    res.emplace("completions", boost::json::object{});
  if (!experimental.empty())
    res.emplace("experimental", experimental);
  if (!extensions.empty() && revision::nearest(version).has_extensions())
    res.emplace("extensions", extensions);
  return res;
}

boost::json::object client_capabilities::to_json(std::string_view version) const {
  boost::json::object res;
  auto rev = revision::nearest(version);
  if (roots) {
    boost::json::object r;
    // 2026-07-28 has no notifications/roots/list_changed.
    if (roots_list_changed && rev.has_sessions())
      r.emplace("listChanged", true);
    res.emplace("roots", std::move(r));
  }
  auto modes = rev.has_elicitation_modes();
  if (sampling) {
    boost::json::object s;
    if (sampling_tools && rev.has_sampling_tools())
      s.emplace("tools", boost::json::object{});
    if (sampling_context && rev.has_sampling_tools())
      s.emplace("context", boost::json::object{});
    res.emplace("sampling", std::move(s));
  }
  if ((elicitation || (elicitation_url && modes)) && rev.has_elicitation()) {
    boost::json::object e;
    if (modes && elicitation)
      e.emplace("form", boost::json::object{});
    if (modes && elicitation_url)
      e.emplace("url", boost::json::object{});
    res.emplace("elicitation", std::move(e));
  }
  if (!experimental.empty())
    res.emplace("experimental", experimental);
  if (!extensions.empty() && revision::nearest(version).has_extensions())
    res.emplace("extensions", extensions);
  return res;
}

client_capabilities client_capabilities::from_json(const boost::json::value& x) {
  client_capabilities res;
  auto obj = x.if_object();
  if (obj == nullptr)
    return res;
  res.raw = *obj;
  if (auto roots = member_object(*obj, "roots")) {
    res.roots = true;
    res.roots_list_changed = flag(roots, "listChanged");
  }
  if (auto sampling = member_object(*obj, "sampling")) {
    res.sampling = true;
    res.sampling_tools = member_object(*sampling, "tools") != nullptr;
    res.sampling_context = member_object(*sampling, "context") != nullptr;
  }
  if (auto elicitation = member_object(*obj, "elicitation")) {
    auto form = member_object(*elicitation, "form") != nullptr;
    auto url = member_object(*elicitation, "url") != nullptr;
    res.elicitation = form || !url;
    res.elicitation_url = url;
  }
  if (auto experimental = member_object(*obj, "experimental"))
    res.experimental = *experimental;
  if (auto x = member_object(*obj, "extensions"))
    res.extensions = *x;
  return res;
}

boost::json::object
implementation_info::to_json(std::string_view revision_name) const {
  auto rev = revision::nearest(revision_name);
  boost::json::object res;
  res.emplace("name", name);
  res.emplace("version", version);
  if (!title.empty() && rev.has_titles())
    res.emplace("title", title);
  if (rev.has_implementation_details()) {
    if (!description.empty())
      res.emplace("description", description);
    if (!website_url.empty())
      res.emplace("websiteUrl", website_url);
    if (!icons.empty())
      res.emplace("icons", icons);
  }
  return res;
}

boost::json::value make_initialize_params(std::string_view version,
                                          const implementation_info& client,
                                          const client_capabilities& caps) {
  boost::json::object res;
  res.emplace("protocolVersion", version);
  res.emplace("capabilities", caps.to_json(version));
  res.emplace("clientInfo", client.to_json(version));
  return res;
}

boost::system::result<initialize_result, protocol_error>
parse_initialize_result(const boost::json::value& result) {
  auto obj = result.if_object();
  if (obj == nullptr)
    return protocol_error{"initialize result is not an object"};
  auto version = obj->if_contains("protocolVersion");
  if (version == nullptr || !version->is_string())
    return protocol_error{"initialize result lacks a protocolVersion string"};
  std::string_view chosen = version->get_string();
  if (!is_session_protocol_version(chosen)) {
    std::string what = "server chose unsupported protocol version \"";
    what += chosen;
    what += "\" (supported: ";
    auto first = true;
    for (auto r : revision::all()) {
      if (!r.has_sessions())
        continue;
      if (!first)
        what += ", ";
      first = false;
      what += r.name();
    }
    what += ")";
    return protocol_error{std::move(what),
                          error_code::unsupported_protocol_version};
  }
  auto caps = obj->if_contains("capabilities");
  if (caps == nullptr || !caps->is_object())
    return protocol_error{"initialize result lacks a capabilities object"};
  auto info = obj->if_contains("serverInfo");
  if (info == nullptr || !info->is_object())
    return protocol_error{"initialize result lacks a serverInfo object"};
  initialize_result res;
  res.protocol_version = std::string{chosen};
  res.capabilities = server_capabilities::from_json(*caps);
  res.server_info = *info;
  if (auto instructions = obj->if_contains("instructions");
      instructions != nullptr && instructions->is_string())
    res.instructions = std::string{instructions->get_string()};
  return res;
}

boost::system::result<initialize_request, protocol_error>
parse_initialize_params(const boost::json::value* params) {
  auto obj = params != nullptr ? params->if_object() : nullptr;
  if (obj == nullptr)
    return protocol_error{"initialize needs params with protocolVersion, "
                          "capabilities and clientInfo"};
  auto version = obj->if_contains("protocolVersion");
  if (version == nullptr || !version->is_string())
    return protocol_error{"initialize params lack a protocolVersion string"};
  auto caps = member_object(*obj, "capabilities");
  if (caps == nullptr)
    return protocol_error{"initialize params lack a capabilities object"};
  auto info = member_object(*obj, "clientInfo");
  if (info == nullptr)
    return protocol_error{"initialize params lack a clientInfo object"};
  for (auto key : {"name", "version"}) {
    auto x = info->if_contains(key);
    if (x == nullptr || !x->is_string())
      return protocol_error{std::string{"clientInfo lacks a "} + key
                            + " string"};
  }
  initialize_request res;
  res.protocol_version = std::string{version->get_string()};
  res.capabilities = client_capabilities::from_json(*caps);
  res.client_info = *info;
  return res;
}

std::string_view negotiate_protocol_version(std::string_view requested) {
  if (auto r = revision::parse(requested); r && r->has_sessions())
    return r->name();
  return latest_protocol_version;
}

boost::json::object make_initialize_result(std::string_view version,
                                           const server_capabilities& caps,
                                           const implementation_info& server,
                                           std::string_view instructions) {
  boost::json::object res;
  res.reserve(4);
  res.emplace("protocolVersion", version);
  res.emplace("capabilities", caps.to_json(version));
  res.emplace("serverInfo", server.to_json(version));
  if (!instructions.empty())
    res.emplace("instructions", instructions);
  return res;
}

bool declares(const server_capabilities& caps, capability x) noexcept {
  switch (x) {
    case capability::none:
      return true;
    case capability::tools:
      return caps.tools;
    case capability::resources:
      return caps.resources;
    case capability::resources_subscribe:
      return caps.resources_subscribe;
    case capability::prompts:
      return caps.prompts;
    case capability::completions:
      return caps.completions;
    case capability::logging:
      return caps.logging;
    case capability::roots:
    case capability::sampling:
    case capability::elicitation:
      break;
  }
  return false;
}

bool declares(const client_capabilities& caps, capability x) noexcept {
  switch (x) {
    case capability::none:
      return true;
    case capability::roots:
      return caps.roots;
    case capability::sampling:
      return caps.sampling;
    case capability::elicitation:
      return caps.elicitation || caps.elicitation_url;
    case capability::tools:
    case capability::resources:
    case capability::resources_subscribe:
    case capability::prompts:
    case capability::completions:
    case capability::logging:
      break;
  }
  return false;
}

std::optional<std::string>
check_method_allowed(const server_capabilities& caps, std::string_view method,
                     revision rev) {
  auto row = find_method(method);
  if (row == nullptr || row->dir == direction::to_client)
    return std::nullopt;
  if (!row->in(rev)) {
    std::string res{method};
    res += " does not exist in protocol revision ";
    res += rev.name();
    return res;
  }
  auto cap = row->gate(rev);
  if (declares(caps, cap))
    return std::nullopt;
  std::string res = "server does not support ";
  res += method;
  res += " (capability \"";
  res += capability_name(cap);
  res += "\" not declared)";
  return res;
}

} // namespace mcp::protocol
