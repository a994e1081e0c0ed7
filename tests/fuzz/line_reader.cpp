// The stdio framing: lines of JSON split across reads of any size, with
// oversized and malformed lines.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "transports/json_line_reader.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

namespace {

struct counter {
  size_t messages = 0;
  size_t faults = 0;

  void operator()(transports::inbound_atom, const boost::json::value&) {
    ++messages;
  }

  void operator()(transports::inbound_atom,
                  const std::vector<boost::json::value>& xs) {
    messages += xs.size();
  }

  void operator()(const transports::transport_fault& x) {
    ++faults;
    fuzz::check_utf8(x.detail);
    if (!x.response_id.empty())
      fuzz::check_json_text(x.response_id);
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  // The first byte picks the read size, the rest is the stream.
  auto chunk = static_cast<size_t>(data[0] % 64) + 1;
  std::string_view stream{reinterpret_cast<const char*>(data) + 1, size - 1};
  transports::json_line_reader reader{4096};
  counter out;
  for (size_t pos = 0; pos < stream.size(); pos += chunk)
    reader.feed(stream.substr(pos, chunk), out);
  reader.finish(out);
  size_t lines = 1;
  for (auto c : stream)
    lines += c == '\n' ? 1 : 0;
  if (out.messages + out.faults > lines)
    fuzz::violated("more messages than lines", stream);
  if (reader.messages_in() != out.messages)
    fuzz::violated("message count differs", stream);
  return 0;
}
