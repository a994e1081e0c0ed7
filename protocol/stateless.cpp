#include "protocol/stateless.hpp"

#include <boost/json/array.hpp>

namespace mcp::protocol {

namespace {

const boost::json::object* meta_of(const boost::json::value* params) noexcept {
  auto obj = params != nullptr ? params->if_object() : nullptr;
  auto meta = obj != nullptr ? obj->if_contains("_meta") : nullptr;
  return meta != nullptr ? meta->if_object() : nullptr;
}

request_meta_error invalid(std::string message) {
  return {error_code::invalid_params, std::move(message), nullptr};
}

} // namespace

std::optional<std::string_view>
request_protocol_version(const boost::json::value* params) noexcept {
  auto meta = meta_of(params);
  auto x = meta != nullptr ? meta->if_contains(meta_keys::protocol_version)
                           : nullptr;
  if (x == nullptr)
    return std::nullopt;
  if (auto str = x->if_string())
    return std::string_view{*str};
  return std::string_view{};
}

boost::system::result<request_meta, request_meta_error>
read_request_meta(const boost::json::value* params) {
  auto meta = meta_of(params);
  if (meta == nullptr)
    return invalid("Invalid params: the request lacks _meta with "
                   + std::string{meta_keys::protocol_version} + " and "
                   + std::string{meta_keys::client_capabilities});
  auto version = meta->if_contains(meta_keys::protocol_version);
  if (version == nullptr || !version->is_string())
    return invalid("Invalid params: _meta lacks a "
                   + std::string{meta_keys::protocol_version} + " string");
  std::string_view requested = version->get_string();
  auto rev = revision::parse(requested);
  if (!rev || rev->has_sessions())
    return request_meta_error{error_code::unsupported_protocol_version,
                              "Unsupported protocol version: "
                                + std::string{requested},
                              unsupported_version_data(requested)};
  auto caps = meta->if_contains(meta_keys::client_capabilities);
  if (caps == nullptr || !caps->is_object())
    return invalid("Invalid params: _meta lacks a "
                   + std::string{meta_keys::client_capabilities} + " object");
  request_meta res;
  res.rev = *rev;
  res.capabilities = client_capabilities::from_json(*caps);
  if (auto info = meta->if_contains(meta_keys::client_info)) {
    auto obj = info->if_object();
    auto name = obj ? obj->if_contains("name") : nullptr;
    auto ver = obj ? obj->if_contains("version") : nullptr;
    if (!name || !name->is_string() || !ver || !ver->is_string())
      return invalid("Invalid params: " + std::string{meta_keys::client_info}
                     + " must be an object with name and version strings");
    res.client_info = *obj;
  }
  if (auto level = meta->if_contains(meta_keys::log_level)) {
    auto parsed = level->is_string() ? parse_log_level(level->get_string())
                                     : std::nullopt;
    if (!parsed)
      return invalid("Invalid params: " + std::string{meta_keys::log_level}
                     + " must be one of debug, info, notice, warning, error, "
                       "critical, alert or emergency");
    res.level = *parsed;
  }
  return res;
}

boost::json::object unsupported_version_data(std::string_view requested) {
  boost::json::array supported;
  for (auto r : revision::all())
    supported.emplace_back(r.name());
  boost::json::object res;
  res.emplace("supported", std::move(supported));
  res.emplace("requested", requested);
  return res;
}

boost::json::object make_request_meta(revision rev,
                                      const client_capabilities& caps,
                                      const implementation_info& client,
                                      std::optional<log_level> level) {
  boost::json::object res;
  res.emplace(meta_keys::protocol_version, rev.name());
  res.emplace(meta_keys::client_capabilities, caps.to_json(rev.name()));
  if (!client.name.empty())
    res.emplace(meta_keys::client_info, client.to_json(rev.name()));
  if (level)
    res.emplace(meta_keys::log_level, to_string(*level));
  return res;
}

boost::system::result<discover_result, protocol_error>
parse_discover_result(const boost::json::value& result) {
  auto obj = result.if_object();
  if (obj == nullptr)
    return protocol_error{"server/discover result is not an object"};
  auto versions = obj->if_contains("supportedVersions");
  if (versions == nullptr || !versions->is_array())
    return protocol_error{"server/discover result lacks a supportedVersions "
                          "array"};
  auto caps = obj->if_contains("capabilities");
  if (caps == nullptr || !caps->is_object())
    return protocol_error{"server/discover result lacks a capabilities "
                          "object"};
  discover_result res;
  for (auto& v : versions->get_array()) {
    if (!v.is_string())
      return protocol_error{"server/discover supportedVersions holds a "
                            "non-string"};
    res.supported.emplace_back(v.get_string());
    if (auto r = revision::parse(v.get_string());
        r && !r->has_sessions() && (!res.stateless || *r > *res.stateless))
      res.stateless = *r;
  }
  res.capabilities = server_capabilities::from_json(*caps);
  if (auto meta = obj->if_contains("_meta"); meta && meta->is_object())
    if (auto info = meta->get_object().if_contains(meta_keys::server_info))
      res.server_info = *info;
  if (res.server_info.is_null())
    if (auto info = obj->if_contains("serverInfo"))
      res.server_info = *info;
  if (auto x = obj->if_contains("instructions"); x && x->is_string())
    res.instructions = std::string{x->get_string()};
  if (auto x = obj->if_contains("ttlMs"); x && x->is_int64() && x->get_int64() > 0)
    res.ttl_ms = x->get_int64();
  return res;
}

void complete_result(boost::json::object& result, const method_row& row,
                     const result_hints& hints) {
  if (!result.contains("resultType"))
    result.emplace("resultType", "complete");
  if (!hints.server_info.empty()) {
    auto& meta = result["_meta"];
    if (!meta.is_object())
      meta = boost::json::object{};
    auto& obj = meta.get_object();
    if (!obj.contains(meta_keys::server_info))
      obj.emplace(meta_keys::server_info, hints.server_info);
  }
  if (row.cacheable && result.at("resultType") == "complete") {
    if (!result.contains("ttlMs"))
      result.emplace("ttlMs", hints.ttl_ms);
    if (!result.contains("cacheScope"))
      result.emplace("cacheScope", hints.public_scope ? "public" : "private");
  }
}

boost::json::object make_discover_result(revision rev,
                                         const server_capabilities& caps,
                                         std::string_view instructions) {
  boost::json::array versions;
  for (auto r : revision::all())
    versions.emplace_back(r.name());
  boost::json::object res;
  res.emplace("supportedVersions", std::move(versions));
  res.emplace("capabilities", caps.to_json(rev.name()));
  if (!instructions.empty())
    res.emplace("instructions", instructions);
  return res;
}

} // namespace mcp::protocol
