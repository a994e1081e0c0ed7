#include "protocol/results.hpp"

#include <boost/json/serialize.hpp>

#include "protocol/content.hpp"
#include "protocol/revision.hpp"

namespace mcp::protocol {

namespace json = boost::json;

tool_result tool_result::text(std::string_view text) {
  tool_result res;
  res.content.emplace_back(text_content(text));
  return res;
}

tool_result tool_result::error(std::string_view message) {
  auto res = text(message);
  res.is_error = true;
  return res;
}

tool_result tool_result::structured(json::object data) {
  tool_result res;
  res.content.emplace_back(text_content(json::serialize(data)));
  res.structured_content = std::move(data);
  return res;
}

json::object tool_result::to_json(std::string_view version) const& {
  return tool_result{*this}.to_json(version);
}

json::object tool_result::to_json(std::string_view version) && {
  json::object res;
  res.reserve(4);
  res.emplace("content", contents_for_revision(std::move(content), version));
  if (structured_content
      && revision::nearest(version).has_structured_output())
    res.emplace("structuredContent", std::move(*structured_content));
  if (is_error)
    res.emplace("isError", true);
  if (!meta.empty())
    res.emplace("_meta", std::move(meta));
  return res;
}

prompt_message prompt_message::user(json::object content) {
  return {"user", std::move(content)};
}

prompt_message prompt_message::assistant(json::object content) {
  return {"assistant", std::move(content)};
}

json::object prompt_result::to_json(std::string_view version) const {
  json::object res;
  if (!description.empty())
    res.emplace("description", description);
  json::array xs;
  xs.reserve(messages.size());
  for (auto& m : messages) {
    json::object x;
    x.emplace("role", m.role);
    x.emplace("content", content_for_revision(m.content, version));
    xs.emplace_back(std::move(x));
  }
  res.emplace("messages", std::move(xs));
  return res;
}

json::object completion_result::to_json() const {
  json::array xs;
  auto n = std::min(values.size(), max_values);
  xs.reserve(n);
  for (size_t i = 0; i < n; ++i)
    xs.emplace_back(values[i]);
  json::object completion;
  completion.emplace("values", std::move(xs));
  auto cut = values.size() > max_values;
  if (total)
    completion.emplace("total", *total);
  else if (cut)
    completion.emplace("total", values.size());
  completion.emplace("hasMore", has_more || cut);
  json::object res;
  res.emplace("completion", std::move(completion));
  return res;
}

} // namespace mcp::protocol
