// The requestState and inputResponses of a multi-round-trip retry
// (2026-07-28): whatever a client sends, reading it never crashes, and only
// a state this server sealed for the same request opens.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "protocol/json_text.hpp"
#include "protocol/request_state.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const protocol::state_sealer sealer{"fuzz key"};
  static const protocol::state_sealer other{"another key"};
  std::string_view text{reinterpret_cast<const char*>(data), size};
  // Foreign bytes never open.
  if (sealer.open(text))
    fuzz::violated("a state this server did not seal opened", text);
  // What this server seals opens to itself and nowhere else.
  auto sealed = sealer.seal(text);
  auto opened = sealer.open(sealed);
  if (!opened || *opened != text)
    fuzz::violated("a sealed state does not open to its payload", sealed);
  if (other.open(sealed))
    fuzz::violated("a state opened under another key", sealed);
  if (!sealed.empty()) {
    auto flipped = sealed;
    flipped[size % flipped.size()] ^= 1;
    if (auto x = sealer.open(flipped); x && flipped != sealed)
      fuzz::violated("a changed state opened", flipped);
  }
  // Params of a retry, as a client may send them.
  boost::system::error_code ec;
  auto doc = boost::json::parse(text, ec, {}, protocol::message_parse_options());
  if (ec || !doc.is_object())
    return 0;
  auto& params = doc.get_object();
  auto digest = protocol::request_digest("tools/call", params);
  if (protocol::request_digest("tools/call", params) != digest)
    fuzz::violated("the digest of the same params differs", text);
  auto read = protocol::read_input_answers(params, sealer, digest, 0);
  if (read) {
    auto state = protocol::make_request_state(sealer, read->answers, digest,
                                              1000);
    boost::json::object retry = params;
    retry["requestState"] = state;
    retry.erase("inputResponses");
    auto again = protocol::read_input_answers(retry, sealer, digest, 999);
    if (!again || again->answers != read->answers)
      fuzz::violated("answers do not survive their state", text);
    if (protocol::read_input_answers(retry, sealer, digest, 1001))
      fuzz::violated("an expired state was accepted", text);
  }
  for (auto& kvp : params)
    for (auto method :
         {"elicitation/create", "sampling/createMessage", "roots/list"})
      static_cast<void>(protocol::check_input_answer(method, kvp.value()));
  return 0;
}
