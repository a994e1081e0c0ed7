#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/value.hpp>

#include "protocol/fwd.hpp"

namespace mcp::protocol {

/// A JSON value that is either a string or an integer and serves as a key:
/// JSON-RPC request ids and MCP progress tokens. The tag keeps the two kinds
/// from mixing.
template <class Tag>
class json_key {
public:
  // -- constructors -----------------------------------------------------------

  /// Constructs the integer key 0.
  json_key() = default;

  /// Constructs an integer key.
  json_key(int64_t x) : value_(x) {
    // nop
  }

  /// Constructs an integer key (disambiguates literals).
  json_key(int x) : value_(static_cast<int64_t>(x)) {
    // nop
  }

  /// Constructs a string key.
  json_key(std::string x) : value_(std::move(x)) {
    // nop
  }

  /// Constructs a string key.
  json_key(const char* x) : value_(std::string{x}) {
    // nop
  }

  // -- properties -------------------------------------------------------------

  /// Returns whether this key is a string.
  bool is_string() const noexcept {
    return value_.index() == 1;
  }

  /// Returns whether this key is an integer.
  bool is_integer() const noexcept {
    return value_.index() == 0;
  }

  /// Returns the string value. Requires `is_string()`.
  const std::string& as_string() const {
    return std::get<std::string>(value_);
  }

  /// Returns the integer value. Requires `is_integer()`.
  int64_t as_integer() const {
    return std::get<int64_t>(value_);
  }

  // -- conversion -------------------------------------------------------------

  /// Returns the JSON representation.
  boost::json::value to_json() const {
    if (is_integer())
      return boost::json::value(as_integer());
    return boost::json::value(as_string());
  }

  /// Returns the JSON text of this key (`42` or `"abc"`).
  std::string to_json_text() const;

  /// Parses `x` as a key; fails for anything but strings and integers.
  static std::optional<json_key> from_json(const boost::json::value& x) {
    switch (x.kind()) {
      case boost::json::kind::int64:
        return json_key{x.get_int64()};
      case boost::json::kind::uint64:
        if (x.get_uint64() > static_cast<uint64_t>(INT64_MAX))
          return std::nullopt;
        return json_key{static_cast<int64_t>(x.get_uint64())};
      case boost::json::kind::string:
        return json_key{std::string{x.get_string()}};
      default:
        return std::nullopt;
    }
  }

  /// Parses JSON text produced by `to_json_text`.
  static std::optional<json_key> from_json_text(std::string_view text);

  // -- comparison -------------------------------------------------------------

  friend bool operator==(const json_key& x, const json_key& y) {
    return x.value_ == y.value_;
  }

  friend bool operator!=(const json_key& x, const json_key& y) {
    return x.value_ != y.value_;
  }

  friend bool operator<(const json_key& x, const json_key& y) {
    return x.value_ < y.value_;
  }

  /// Returns a hash of this key.
  size_t hash() const noexcept {
    return std::hash<std::variant<int64_t, std::string>>{}(value_);
  }

private:
  std::variant<int64_t, std::string> value_;
};

/// Returns a readable form of `x` (`42` or `"abc"`).
template <class Tag>
std::string to_string(const json_key<Tag>& x) {
  return x.to_json_text();
}

} // namespace mcp::protocol

namespace std {

template <class Tag>
struct hash<mcp::protocol::json_key<Tag>> {
  size_t operator()(const mcp::protocol::json_key<Tag>& x) const noexcept {
    return x.hash();
  }
};

} // namespace std
