#pragma once

#include <string>

#include <boost/json/fwd.hpp>

#include "protocol/json_schema.hpp"

namespace mcp::protocol::detail {

struct node;
struct schema_store;

/// Compiles `root` into nodes in `store`, resolving `$ref` and `$dynamicRef`
/// within `root` and the `documents` they name (each copied into `store`
/// when first named). Returns the root node, or null with `error` set.
/// `root` must outlive `store`.
const node* compile_schema(const boost::json::value& root,
                           const json_schema_documents& documents,
                           schema_store& store, std::string& error);

} // namespace mcp::protocol::detail
