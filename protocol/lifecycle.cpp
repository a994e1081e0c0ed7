#include "protocol/lifecycle.hpp"

#include "protocol/methods.hpp"
#include "protocol/version.hpp"

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
  return res;
}

boost::json::object client_capabilities::to_json(std::string_view version) const {
  boost::json::object res;
  if (roots) {
    boost::json::object r;
    if (roots_list_changed)
      r.emplace("listChanged", true);
    res.emplace("roots", std::move(r));
  }
  if (sampling)
    res.emplace("sampling", boost::json::object{});
  if (elicitation && version >= std::string_view{"2025-06-18"}) {
    boost::json::object e;
    if (version >= std::string_view{"2025-11-25"})
      e.emplace("form", boost::json::object{});
    res.emplace("elicitation", std::move(e));
  }
  if (!experimental.empty())
    res.emplace("experimental", experimental);
  return res;
}

boost::json::object
implementation_info::to_json(std::string_view revision) const {
  boost::json::object res;
  res.emplace("name", name);
  res.emplace("version", version);
  if (!title.empty() && revision >= std::string_view{"2025-06-18"})
    res.emplace("title", title);
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
  if (!is_supported_protocol_version(chosen)) {
    std::string what = "server chose unsupported protocol version \"";
    what += chosen;
    what += "\" (supported: ";
    for (size_t i = 0; i < supported_protocol_versions.size(); ++i) {
      if (i > 0)
        what += ", ";
      what += supported_protocol_versions[i];
    }
    what += ")";
    return protocol_error{std::move(what)};
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

std::optional<std::string> check_method_allowed(const server_capabilities& caps,
                                                std::string_view method) {
  auto missing = [&](std::string_view capability) {
    std::string res = "server does not support ";
    res += method;
    res += " (capability \"";
    res += capability;
    res += "\" not declared)";
    return res;
  };
  if (method.substr(0, 6) == "tools/")
    return caps.tools ? std::nullopt : std::optional{missing("tools")};
  if (method == methods::resources_subscribe
      || method == methods::resources_unsubscribe)
    return caps.resources_subscribe
             ? std::nullopt
             : std::optional{missing("resources.subscribe")};
  if (method.substr(0, 10) == "resources/")
    return caps.resources ? std::nullopt : std::optional{missing("resources")};
  if (method.substr(0, 8) == "prompts/")
    return caps.prompts ? std::nullopt : std::optional{missing("prompts")};
  if (method == methods::completion_complete)
    return caps.completions ? std::nullopt
                            : std::optional{missing("completions")};
  if (method == methods::logging_set_level)
    return caps.logging ? std::nullopt : std::optional{missing("logging")};
  return std::nullopt;
}

} // namespace mcp::protocol
