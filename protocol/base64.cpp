#include "protocol/base64.hpp"

#include <cstdint>

namespace mcp::protocol {

namespace {

constexpr char standard_alphabet[]
  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char url_alphabet[]
  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) noexcept {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

} // namespace

std::string base64_encode(std::string_view bytes, bool url_safe) {
  auto alphabet = url_safe ? url_alphabet : standard_alphabet;
  std::string res;
  res.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) {
    return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    auto n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    res += alphabet[(n >> 18) & 63];
    res += alphabet[(n >> 12) & 63];
    res += alphabet[(n >> 6) & 63];
    res += alphabet[n & 63];
  }
  auto rest = bytes.size() - i;
  if (rest == 0)
    return res;
  auto n = byte(i) << 16;
  if (rest == 2)
    n |= byte(i + 1) << 8;
  res += alphabet[(n >> 18) & 63];
  res += alphabet[(n >> 12) & 63];
  if (rest == 2)
    res += alphabet[(n >> 6) & 63];
  if (!url_safe)
    res.append(rest == 1 ? "==" : "=");
  return res;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=')
    text.remove_suffix(1);
  if (text.size() % 4 == 1)
    return std::nullopt;
  std::string res;
  res.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (auto c : text) {
    auto v = sextet(c);
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      res += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return res;
}

} // namespace mcp::protocol
