#include "protocol/request_state.hpp"

#include <random>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/base64.hpp"
#include "protocol/json_text.hpp"
#include "protocol/sha256.hpp"

namespace mcp::protocol {

namespace {

namespace json = boost::json;

constexpr size_t nonce_size = 16;
constexpr size_t tag_size = 32;

std::string_view view(const sha256::digest& x) noexcept {
  return {reinterpret_cast<const char*>(x.data()), x.size()};
}

std::string derive(std::string_view key, std::string_view purpose) {
  return std::string{view(hmac_sha256(key, purpose))};
}

request_meta_error invalid(std::string message) {
  return {error_code::invalid_params, std::move(message), nullptr};
}

} // namespace

// -- sealing ------------------------------------------------------------------

state_sealer::state_sealer(std::string_view key)
  : encrypt_key_(derive(key, "caf-mcp requestState encryption")),
    auth_key_(derive(key, "caf-mcp requestState authentication")) {
  // nop
}

state_sealer state_sealer::random() {
  std::random_device rd;
  std::string key;
  for (int i = 0; i < 8; ++i) {
    auto x = static_cast<uint32_t>(rd());
    for (int j = 0; j < 4; ++j)
      key.push_back(static_cast<char>(x >> (8 * j)));
  }
  return state_sealer{key};
}

void state_sealer::apply_keystream(std::string& data,
                                   std::string_view nonce) const {
  std::string counter(8, '\0');
  for (uint64_t block = 0; block * 32 < data.size(); ++block) {
    for (int i = 0; i < 8; ++i)
      counter[7 - i] = static_cast<char>(block >> (8 * i));
    auto pad = hmac_sha256(encrypt_key_, nonce, counter);
    for (size_t i = 0; i < 32 && block * 32 + i < data.size(); ++i)
      data[block * 32 + i] = static_cast<char>(data[block * 32 + i] ^ pad[i]);
  }
}

std::string state_sealer::seal(std::string_view payload) const {
  std::random_device rd;
  std::string bytes;
  bytes.reserve(nonce_size + payload.size() + tag_size);
  for (size_t i = 0; i < nonce_size / 4; ++i) {
    auto x = static_cast<uint32_t>(rd());
    for (int j = 0; j < 4; ++j)
      bytes.push_back(static_cast<char>(x >> (8 * j)));
  }
  std::string body{payload};
  apply_keystream(body, std::string_view{bytes}.substr(0, nonce_size));
  bytes += body;
  bytes += view(hmac_sha256(auth_key_, bytes));
  return base64_encode(bytes, true);
}

std::optional<std::string> state_sealer::open(std::string_view sealed) const {
  auto bytes = base64_decode(sealed);
  if (!bytes || bytes->size() < nonce_size + tag_size)
    return std::nullopt;
  std::string_view all{*bytes};
  auto signed_part = all.substr(0, all.size() - tag_size);
  auto tag = hmac_sha256(auth_key_, signed_part);
  if (!equal_in_constant_time(view(tag), all.substr(signed_part.size())))
    return std::nullopt;
  std::string body{signed_part.substr(nonce_size)};
  apply_keystream(body, signed_part.substr(0, nonce_size));
  return body;
}

// -- rounds -------------------------------------------------------------------

std::string request_digest(std::string_view method,
                           const json::object& params) {
  sha256 h;
  h.update(method);
  h.update(std::string_view{"\0", 1});
  std::string text;
  for (auto& kvp : params) {
    auto key = kvp.key();
    if (key == "_meta" || key == "inputResponses" || key == "requestState")
      continue;
    text.clear();
    append_json(text, json::string{key});
    text += ':';
    append_json(text, kvp.value());
    text += ',';
    h.update(text);
  }
  char hex[65];
  return std::string{to_hex(h.finish(), hex)};
}

boost::system::result<input_answers, request_meta_error>
read_input_answers(const json::object& params, const state_sealer& sealer,
                   std::string_view digest, int64_t now_ms) {
  input_answers res;
  if (auto state = params.if_contains("requestState");
      state != nullptr && !state->is_null()) {
    auto text = state->if_string();
    auto payload = text ? sealer.open(*text) : std::nullopt;
    boost::system::error_code ec;
    auto doc = payload ? json::parse(*payload, ec) : json::value{};
    auto obj = !ec ? doc.if_object() : nullptr;
    if (obj == nullptr)
      return invalid("Invalid params: requestState integrity check failed");
    auto d = obj->if_contains("d");
    auto x = obj->if_contains("x");
    auto a = obj->if_contains("a");
    if (!d || !d->is_string() || !x || !x->is_int64() || !a || !a->is_object())
      return invalid("Invalid params: requestState integrity check failed");
    if (d->get_string() != digest)
      return invalid("Invalid params: requestState belongs to another "
                     "request (method or params differ)");
    if (x->get_int64() < now_ms)
      return invalid("Invalid params: requestState expired");
    res.answers = std::move(a->get_object());
  }
  if (auto responses = params.if_contains("inputResponses");
      responses != nullptr && !responses->is_null()) {
    if (!responses->is_object())
      return invalid("Invalid params: inputResponses must be an object");
    for (auto& kvp : responses->get_object())
      res.answers[kvp.key()] = kvp.value();
  }
  return res;
}

std::string make_request_state(const state_sealer& sealer,
                               const json::object& answers,
                               std::string_view digest, int64_t expires_ms) {
  json::object payload;
  payload.emplace("d", digest);
  payload.emplace("x", expires_ms);
  payload.emplace("a", answers);
  std::string text;
  append_json(text, payload);
  return sealer.seal(text);
}

std::optional<std::string> check_input_answer(std::string_view method,
                                              const json::value& answer) {
  auto obj = answer.if_object();
  if (obj == nullptr)
    return std::string{"is not an object"};
  auto string_member = [&](std::string_view key) {
    auto x = obj->if_contains(key);
    return x != nullptr && x->is_string();
  };
  if (method == "elicitation/create") {
    auto action = obj->if_contains("action");
    if (action == nullptr || !action->is_string()
        || (*action != "accept" && *action != "decline" && *action != "cancel"))
      return std::string{"lacks an action of accept, decline or cancel"};
    if (auto content = obj->if_contains("content");
        content != nullptr && !content->is_object())
      return std::string{"has a content that is not an object"};
    return std::nullopt;
  }
  if (method == "sampling/createMessage") {
    if (!string_member("role") || !string_member("model")
        || !obj->contains("content"))
      return std::string{"lacks the role, content and model of a sampled "
                         "message"};
    return std::nullopt;
  }
  if (method == "roots/list") {
    auto roots = obj->if_contains("roots");
    if (roots == nullptr || !roots->is_array())
      return std::string{"lacks a roots array"};
    return std::nullopt;
  }
  return std::string{"answers no known input request"};
}

json::object make_input_required_result(json::object requests,
                                        std::string request_state) {
  json::object res;
  res.emplace("resultType", "input_required");
  res.emplace("inputRequests", std::move(requests));
  res.emplace("requestState", std::move(request_state));
  return res;
}

} // namespace mcp::protocol
