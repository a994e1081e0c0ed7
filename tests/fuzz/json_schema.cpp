// The JSON Schema validator: a schema, a NUL byte, then an instance.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "protocol/json_schema.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto nul = text.find('\0');
  if (nul == std::string_view::npos)
    return 0;
  boost::system::error_code ec;
  auto schema = boost::json::parse(text.substr(0, nul), ec, {},
                                   protocol::message_parse_options());
  if (ec)
    return 0;
  auto instance = boost::json::parse(text.substr(nul + 1), ec, {},
                                     protocol::message_parse_options());
  if (ec)
    return 0;
  auto compiled = protocol::json_schema::compile(schema);
  if (!compiled) {
    fuzz::check_utf8(compiled.error().what);
    return 0;
  }
  auto why = compiled->validate(instance);
  if (why)
    fuzz::check_utf8(*why);
  if (compiled->accepts(instance) != !why)
    fuzz::violated("accepts and validate disagree", text);
  return 0;
}
