#include "protocol/content.hpp"
#include "protocol/revision.hpp"

#include <boost/json/array.hpp>

namespace mcp::protocol {

namespace json = boost::json;

json::object annotations::to_json() const {
  json::object res;
  if (!audience.empty()) {
    json::array xs;
    for (auto& x : audience)
      xs.emplace_back(x);
    res.emplace("audience", std::move(xs));
  }
  if (priority)
    res.emplace("priority", *priority);
  if (!last_modified.empty())
    res.emplace("lastModified", last_modified);
  return res;
}

void annotate(json::object& x, const annotations& what) {
  x["annotations"] = what.to_json();
}

json::object text_content(std::string_view text) {
  json::object res;
  res.reserve(2);
  res.emplace("type", "text");
  res.emplace("text", text);
  return res;
}

namespace {

json::object binary_content(std::string_view type, std::string_view data,
                            std::string_view mime_type) {
  json::object res;
  res.reserve(3);
  res.emplace("type", type);
  res.emplace("data", data);
  res.emplace("mimeType", mime_type);
  return res;
}

json::object resource_contents(std::string_view uri, std::string_view mime_type,
                               std::string_view key, std::string_view value) {
  json::object res;
  res.reserve(3);
  res.emplace("uri", uri);
  if (!mime_type.empty())
    res.emplace("mimeType", mime_type);
  res.emplace(key, value);
  return res;
}

} // namespace

json::object image_content(std::string_view base64_data,
                           std::string_view mime_type) {
  return binary_content("image", base64_data, mime_type);
}

json::object audio_content(std::string_view base64_data,
                           std::string_view mime_type) {
  return binary_content("audio", base64_data, mime_type);
}

json::object resource_link(std::string_view uri, std::string_view name,
                           std::string_view mime_type,
                           std::string_view description) {
  json::object res;
  res.emplace("type", "resource_link");
  res.emplace("uri", uri);
  res.emplace("name", name);
  if (!mime_type.empty())
    res.emplace("mimeType", mime_type);
  if (!description.empty())
    res.emplace("description", description);
  return res;
}

json::object text_resource(std::string_view uri, std::string_view mime_type,
                           std::string_view text) {
  return resource_contents(uri, mime_type, "text", text);
}

json::object blob_resource(std::string_view uri, std::string_view mime_type,
                           std::string_view base64_blob) {
  return resource_contents(uri, mime_type, "blob", base64_blob);
}

json::object content_for_revision(json::object block,
                                  std::string_view version) {
  auto type = block.if_contains("type");
  if (type == nullptr || !type->is_string())
    return block;
  auto field = [&](std::string_view key) -> std::string {
    auto x = block.if_contains(key);
    return x != nullptr && x->is_string() ? std::string{x->get_string()}
                                          : std::string{};
  };
  auto rev = revision::nearest(version);
  if (*type == "audio" && !rev.has_audio_content())
    return text_content("[audio (" + field("mimeType")
                        + ") left out: this protocol revision has no audio]");
  if (*type == "resource_link" && !rev.has_resource_links())
    return text_content("Resource: " + field("uri"));
  return block;
}

json::array contents_for_revision(json::array blocks,
                                  std::string_view version) {
  // Resource links are the newest block type.
  if (revision::nearest(version).has_resource_links())
    return blocks;
  for (auto& x : blocks)
    if (x.is_object())
      x = content_for_revision(std::move(x.get_object()), version);
  return blocks;
}

json::object embedded_resource(json::object contents) {
  json::object res;
  res.reserve(2);
  res.emplace("type", "resource");
  res.emplace("resource", std::move(contents));
  return res;
}

} // namespace mcp::protocol
