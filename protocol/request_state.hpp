#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "protocol/stateless.hpp"

/// Multi-round-trip requests (2026-07-28): the `requestState` a server mints
/// when a handler needs input from the client, and the answers a retry
/// brings back.
namespace mcp::protocol {

// -- sealing ------------------------------------------------------------------

/// Seals and opens `requestState`: encrypted (HMAC-SHA256 in counter mode)
/// and then authenticated (HMAC-SHA256) under a key only the server knows,
/// so that clients can neither read it nor change it unnoticed.
class state_sealer {
public:
  /// Derives the keys for encryption and authentication from `key` (any
  /// length; servers that share requests share it).
  explicit state_sealer(std::string_view key);

  /// Returns a sealer with a random key of 32 bytes.
  static state_sealer random();

  /// Returns `payload` sealed with a fresh random nonce, as Base64 (URL
  /// alphabet, no padding).
  std::string seal(std::string_view payload) const;

  /// Returns the payload of `sealed`, or nothing if this key did not seal it
  /// or it changed since.
  std::optional<std::string> open(std::string_view sealed) const;

private:
  void apply_keystream(std::string& data, std::string_view nonce) const;

  std::string encrypt_key_;
  std::string auth_key_;
};

// -- rounds -------------------------------------------------------------------

/// Returns the digest that binds a `requestState` to its request: the method
/// and every param but `_meta`, `inputResponses` and `requestState`.
std::string request_digest(std::string_view method,
                           const boost::json::object& params);

/// What a retry brings back: the answers the handler may use.
struct input_answers {
  /// Answers by key, from the state and from `inputResponses`.
  boost::json::object answers;
};

/// Reads the `inputResponses` (an object, or null or absent) and the
/// `requestState` of `params`, which must be unchanged, unexpired at
/// `now_ms` and minted for `digest`; refuses what is not so with invalid
/// params (-32602).
boost::system::result<input_answers, request_meta_error>
read_input_answers(const boost::json::object& params,
                   const state_sealer& sealer, std::string_view digest,
                   int64_t now_ms);

/// Returns the `requestState` that carries `answers` to the next round of
/// the request with `digest`, valid until `expires_ms`.
std::string make_request_state(const state_sealer& sealer,
                               const boost::json::object& answers,
                               std::string_view digest, int64_t expires_ms);

/// Returns why `answer` is not what `method` ("elicitation/create",
/// "sampling/createMessage", "roots/list") answers, or nothing if it is.
std::optional<std::string> check_input_answer(std::string_view method,
                                              const boost::json::value& answer);

/// Returns an `InputRequiredResult` asking for `requests` (key to
/// `{method, params}`) with `request_state`.
boost::json::object make_input_required_result(boost::json::object requests,
                                               std::string request_state);

} // namespace mcp::protocol
