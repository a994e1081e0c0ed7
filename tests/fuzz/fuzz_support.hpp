// Invariants every fuzz target checks besides "no crash": what the project
// writes is valid JSON in valid UTF-8.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <boost/json/parse.hpp>

#include "protocol/jsonrpc.hpp"
#include "protocol/utf8.hpp"

namespace mcp::fuzz {

/// Stops the run with `what` (libFuzzer saves the input that got here).
[[noreturn]] inline void violated(const char* what, std::string_view text) {
  std::fprintf(stderr, "invariant violated: %s: %.*s\n", what,
               static_cast<int>(text.size() > 400 ? 400 : text.size()),
               text.data());
  std::abort();
}

/// Checks that `text` is valid UTF-8.
inline void check_utf8(std::string_view text) {
  if (!protocol::is_valid_utf8(text))
    violated("not valid UTF-8", text);
}

/// Checks that `text` is one JSON value in valid UTF-8 that this project's
/// own message parser reads back.
inline void check_json_text(std::string_view text) {
  check_utf8(text);
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec, {},
                                  protocol::message_parse_options());
  if (ec)
    violated("not valid JSON", text);
  (void) value;
}

} // namespace mcp::fuzz
