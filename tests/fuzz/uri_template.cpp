// The URI template matcher (RFC 6570 subset): a template line, then a URI.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/uri_template.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto nl = text.find('\n');
  auto tmpl_text = text.substr(0, nl);
  auto uri = nl == std::string_view::npos ? std::string_view{}
                                          : text.substr(nl + 1);
  if (auto decoded = protocol::percent_decode(uri)) {
    auto encoded = protocol::percent_encode(*decoded);
    auto again = protocol::percent_decode(encoded);
    if (!again || *again != *decoded)
      fuzz::violated("percent encoding does not round-trip", uri);
  }
  auto tmpl = protocol::uri_template::parse(tmpl_text);
  if (!tmpl)
    return 0;
  auto vars = tmpl->match(uri);
  if (!vars)
    return 0;
  // A match expands back to a URI the template matches again.
  auto expanded = tmpl->expand(*vars);
  if (!tmpl->match(expanded))
    fuzz::violated("an expansion of a match does not match", text);
  return 0;
}
