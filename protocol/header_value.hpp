#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include "protocol/error_code.hpp"

namespace mcp::protocol {

/// Returns `value` as an HTTP header value the way MCP 2026-07-28 mirrors
/// params into headers (`Mcp-Name`, `Mcp-Param-*`): as is when every
/// character is visible ASCII or an inner space, else (and for text that
/// looks encoded already) `=?base64?...?=` of its UTF-8 bytes.
std::string encode_header_value(std::string_view value);

/// Returns the value a mirrored header carries: the header without
/// surrounding whitespace, decoded when it is `=?base64?...?=`; nothing when
/// it holds a character no header value may hold or the Base64 inside is
/// not padded standard Base64.
std::optional<std::string> decode_header_value(std::string_view header);

/// A tool parameter that clients mirror into an `Mcp-Param-{name}` header
/// (`x-mcp-header` in its input schema, 2026-07-28).
struct mirrored_param {
  /// The header's name without the prefix, as the schema spells it.
  std::string header;
  /// The property names from the arguments object down to the parameter.
  std::vector<std::string> path;
  /// "string", "integer" or "boolean".
  std::string type;
};

/// Returns the parameters of `input_schema` that carry `x-mcp-header`, or
/// why the annotations make the tool invalid: a name that is empty, not an
/// HTTP token or used twice (ignoring case), a type other than string,
/// integer or boolean, or a parameter reached through anything but
/// `properties`.
boost::system::result<std::vector<mirrored_param>, protocol_error>
find_mirrored_params(const boost::json::object& input_schema);

/// Returns the header text a client sends for the value of `param` in
/// `arguments` (encoded), or nothing when the value is absent or null.
std::optional<std::string>
mirrored_header(const mirrored_param& param,
                const boost::json::object& arguments);

/// Returns why the decoded headers (`header(name)` returns the decoded
/// value of `Mcp-Param-{name}`, or nothing) disagree with `arguments`, or
/// nothing if they agree: a value in the body needs its header, equal to it
/// (integers compared as numbers), and a header needs its value.
std::optional<std::string> check_mirrored_params(
  const std::vector<mirrored_param>& params,
  const boost::json::object& arguments,
  const std::function<std::optional<std::string>(std::string_view)>& header);

} // namespace mcp::protocol
