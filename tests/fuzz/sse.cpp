// The SSE parser: the same events and errors whatever the chunking.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/sse.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

namespace {

/// What a parse produced, in order.
std::vector<std::string> parse(std::string_view stream, size_t chunk) {
  std::vector<std::string> res;
  protocol::sse_parser parser{1024};
  for (size_t pos = 0; pos < stream.size(); pos += chunk)
    parser.feed(
      stream.substr(pos, chunk),
      [&](protocol::sse_event&& ev) {
        res.push_back("event " + std::string{ev.type()} + "|" + ev.id + "|"
                      + ev.data);
      },
      [&](protocol::sse_error err) {
        res.push_back("error " + std::string{protocol::to_string(err)});
      });
  res.push_back("last id " + parser.last_event_id());
  res.push_back("retry " + std::to_string(parser.retry().value_or(0)));
  if (parser.buffered() > 1024 + 1)
    fuzz::violated("the parser holds more than its limit", stream);
  return res;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  auto chunk = static_cast<size_t>(data[0] % 16) + 1;
  std::string_view stream{reinterpret_cast<const char*>(data) + 1, size - 1};
  auto whole = parse(stream, stream.size() + 1);
  if (parse(stream, chunk) != whole)
    fuzz::violated("chunking changed the events", stream);
  // What the project writes parses back as written.
  std::string out;
  if (protocol::append_sse_event(out, stream, "7-1")) {
    std::vector<std::string> events;
    protocol::sse_parser parser{stream.size() + 64};
    parser.feed(
      out,
      [&](protocol::sse_event&& ev) { events.push_back(ev.data); },
      [&](protocol::sse_error) { fuzz::violated("own event refused", out); });
    // Line ends (CR LF, CR, LF) come back as LF.
    std::string want;
    for (size_t i = 0; i < stream.size(); ++i) {
      if (stream[i] == '\r') {
        want += '\n';
        if (i + 1 < stream.size() && stream[i + 1] == '\n')
          ++i;
      } else {
        want += stream[i];
      }
    }
    if (events.size() != 1 || events[0] != want)
      fuzz::violated("own event does not read back", out);
  }
  return 0;
}
