#include "protocol/json_schema.hpp"

#include <algorithm>

#include "protocol/detail/schema_compiler.hpp"
#include "protocol/detail/schema_node.hpp"
#include "protocol/detail/schema_validator.hpp"

namespace mcp::protocol {

namespace json = boost::json;

struct json_schema::compiled {
  json::value source;
  detail::schema_store store;
  const detail::node* root = nullptr;

  detail::validation_outcome check(const json::value& instance,
                                   detail::validation_mode m,
                                   size_t max_issues) const {
    return detail::validate_node(*root, instance, m, max_issues,
                                 store.dynamic);
  }
};

json_schema::json_schema() {
  static const auto accept_all = compile(json::value(true))->compiled_;
  compiled_ = accept_all;
}

json_schema::json_schema(std::shared_ptr<const compiled> ptr)
  : compiled_(std::move(ptr)) {
  // nop
}

boost::system::result<json_schema, protocol_error>
json_schema::compile(const boost::json::value& schema) {
  static const json_schema_documents none;
  return compile(schema, none);
}

boost::system::result<json_schema, protocol_error>
json_schema::compile(const boost::json::value& schema,
                     const json_schema_documents& documents) {
  auto ptr = std::make_shared<compiled>();
  ptr->source = schema;
  std::string error;
  ptr->root = detail::compile_schema(ptr->source, documents, ptr->store, error);
  if (ptr->root == nullptr)
    return protocol_error{std::move(error)};
  return json_schema{std::move(ptr)};
}

std::optional<std::string>
json_schema::validate(const boost::json::value& instance) const {
  auto res = compiled_->check(instance, detail::validation_mode::first, 1);
  if (res.aborted)
    return detail::format(res.abort_issue);
  if (res.ok)
    return std::nullopt;
  if (res.issues.empty())
    return std::string{"value does not conform to the schema"};
  return detail::format(res.issues.front());
}

std::vector<std::string>
json_schema::validate_all(const boost::json::value& instance,
                          size_t max_errors) const {
  max_errors = std::max(max_errors, size_t{1});
  auto found = compiled_->check(instance, detail::validation_mode::all,
                                max_errors);
  std::vector<std::string> res;
  for (auto& x : found.issues) {
    auto text = detail::format(x);
    if (std::find(res.begin(), res.end(), text) == res.end())
      res.push_back(std::move(text));
  }
  if (found.aborted) {
    if (res.size() >= max_errors)
      res.pop_back();
    res.push_back(detail::format(found.abort_issue));
  } else if (!found.ok && res.empty()) {
    res.emplace_back("value does not conform to the schema");
  }
  return res;
}

bool json_schema::accepts(const boost::json::value& instance) const {
  auto res = compiled_->check(instance, detail::validation_mode::quiet, 1);
  return res.ok && !res.aborted;
}

const boost::json::value& json_schema::source() const noexcept {
  return compiled_->source;
}

} // namespace mcp::protocol
