// Mirrored HTTP header values (2026-07-28): decoding never accepts what it
// cannot read back, encoding always produces a header-safe value that
// decodes to the input, and the x-mcp-header scan of a tool's input schema
// only names parameters it can mirror.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "protocol/header_value.hpp"
#include "protocol/json_text.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto encoded = protocol::encode_header_value(text);
  for (auto c : encoded)
    if (c < 0x20 || c > 0x7E)
      fuzz::violated("an encoded header value holds a control or non-ASCII "
                     "byte",
                     encoded);
  if (!encoded.empty() && (encoded.front() == ' ' || encoded.back() == ' '))
    fuzz::violated("an encoded header value has surrounding space", encoded);
  auto back = protocol::decode_header_value(encoded);
  if (!back || *back != text)
    fuzz::violated("an encoded header value does not decode to its input",
                   encoded);
  if (auto decoded = protocol::decode_header_value(text)) {
    auto again = protocol::decode_header_value(
      protocol::encode_header_value(*decoded));
    if (!again || *again != *decoded)
      fuzz::violated("a decoded value does not survive encoding", text);
  }
  boost::system::error_code ec;
  auto doc = boost::json::parse(text, ec, {}, protocol::message_parse_options());
  if (ec || !doc.is_object())
    return 0;
  auto params = protocol::find_mirrored_params(doc.get_object());
  if (!params)
    return 0;
  for (auto& p : *params) {
    if (p.header.empty() || p.path.empty())
      fuzz::violated("a mirrored param without a name or a path", text);
    if (p.type != "string" && p.type != "integer" && p.type != "boolean")
      fuzz::violated("a mirrored param of a type no header carries", p.type);
  }
  // Any arguments agree with the headers made from them (where every value
  // a param names is one a header can carry).
  auto& args = doc.get_object();
  for (auto& p : *params) {
    const boost::json::value* x = nullptr;
    const boost::json::object* at = &args;
    for (auto& key : p.path) {
      x = at ? at->if_contains(key) : nullptr;
      at = x ? x->if_object() : nullptr;
    }
    if (x != nullptr && !x->is_null() && !protocol::mirrored_header(p, args))
      return 0;
  }
  auto header = [&](std::string_view name) -> std::optional<std::string> {
    for (auto& p : *params)
      if (p.header == name)
        if (auto h = protocol::mirrored_header(p, args))
          return protocol::decode_header_value(*h);
    return std::nullopt;
  };
  if (auto why = protocol::check_mirrored_params(*params, args, header))
    fuzz::violated("headers made from arguments disagree with them", *why);
  return 0;
}
