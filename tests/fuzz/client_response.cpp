// The client's handling of what a server answers, I/O-free: one byte picks
// the method the answer is for, the rest is one message as a server sends
// it. Checks, besides no crash: what the shallow id scan finds (the client
// fails a request at once with it when a response cannot be parsed) agrees
// with the full parse; a result is checked against its method's result type
// and a complaint is valid UTF-8; progress tokens read back as written.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "protocol/json_key.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "protocol/result_shape.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

namespace {

namespace methods = protocol::methods;

constexpr std::string_view answered[] = {
  methods::initialize,     methods::ping,
  methods::tools_list,     methods::tools_call,
  methods::resources_list, methods::resources_templates_list,
  methods::resources_read, methods::resources_subscribe,
  methods::prompts_list,   methods::prompts_get,
  methods::completion_complete, methods::logging_set_level,
  "unknown/method",
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  auto method = answered[data[0] % std::size(answered)];
  std::string_view text{reinterpret_cast<const char*>(data + 1), size - 1};
  auto scanned = protocol::scan_response_id(text);
  boost::system::error_code ec;
  auto msg = boost::json::parse(text, ec, {}, protocol::message_parse_options());
  if (ec)
    return 0;
  auto in = protocol::classify(msg);
  if (in.kind == protocol::message_kind::result
      || in.kind == protocol::message_kind::error) {
    // The scan never names another request than the parser does, and it
    // reads every integer id (the client's own ids; it leaves strings with
    // escapes alone, by design).
    if (scanned && !(in.id && *scanned == *in.id))
      fuzz::violated("the scan finds another id", text);
    if (in.id && in.id->is_integer() && !scanned)
      fuzz::violated("the scan misses a response's integer id", text);
    if (in.result != nullptr)
      if (auto why = protocol::check_result(
            method, *in.result, protocol::revision::latest_with_sessions()))
        fuzz::check_utf8(*why);
  }
  if (in.kind == protocol::message_kind::notification
      && in.method == methods::progress && in.params != nullptr
      && in.params->is_object()) {
    if (auto tok = in.params->get_object().if_contains("progressToken"))
      if (auto token = protocol::progress_token::from_json(*tok)) {
        auto again = protocol::progress_token::from_json_text(
          token->to_json_text());
        if (!again || !(*again == *token))
          fuzz::violated("a progress token does not read back", text);
      }
  }
  return 0;
}
