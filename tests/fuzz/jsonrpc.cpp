// The JSON-RPC/MCP message decoder: parse, classify, read ids and tokens,
// check results, and write the message back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "protocol/json_text.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "protocol/result_shape.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto scanned = protocol::scan_response_id(text);
  boost::system::error_code ec;
  auto msg = boost::json::parse(text, ec, {}, protocol::message_parse_options());
  if (ec)
    return 0;
  auto in = protocol::classify(msg);
  if (in.id) {
    auto id_text = in.id->to_json_text();
    fuzz::check_json_text(id_text);
    auto back = protocol::request_id::from_json_text(id_text);
    if (!back || !(*back == *in.id))
      fuzz::violated("request id does not read back", id_text);
  }
  // Where the shallow scan reads an id of a response, it is the id.
  if (scanned && (in.kind == protocol::message_kind::result
                  || in.kind == protocol::message_kind::error)
      && in.id && !(*scanned == *in.id))
    fuzz::violated("scanned id differs", text);
  if (in.kind == protocol::message_kind::request
      || in.kind == protocol::message_kind::notification)
    (void) protocol::progress_token_of(in.params);
  if (in.result != nullptr)
    for (auto method :
         {protocol::methods::tools_call, protocol::methods::tools_list,
          protocol::methods::resources_read, protocol::methods::prompts_get,
          protocol::methods::completion_complete, protocol::methods::ping})
      if (auto why = protocol::check_result(
            method, *in.result, protocol::revision::latest_with_sessions()))
        fuzz::check_utf8(*why);
  std::string out;
  protocol::append_json(out, msg);
  fuzz::check_json_text(out);
  if (in.id && in.result != nullptr) {
    std::string result;
    protocol::append_result_text(result, *in.id, *in.result);
    fuzz::check_json_text(result);
  }
  return 0;
}
