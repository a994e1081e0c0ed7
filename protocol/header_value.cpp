#include "protocol/header_value.hpp"

#include "protocol/base64.hpp"

namespace mcp::protocol {

namespace {

constexpr std::string_view prefix = "=?base64?";
constexpr std::string_view suffix = "?=";

bool visible(char c) noexcept {
  return c >= 0x21 && c <= 0x7E;
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

bool looks_encoded(std::string_view x) noexcept {
  return x.size() >= prefix.size() + suffix.size()
         && x.substr(0, prefix.size()) == prefix
         && x.substr(x.size() - suffix.size()) == suffix;
}

bool standard_base64(std::string_view x) noexcept {
  if (x.size() % 4 != 0)
    return false;
  size_t pad = 0;
  while (pad < 2 && pad < x.size() && x[x.size() - 1 - pad] == '=')
    ++pad;
  for (size_t i = 0; i + pad < x.size(); ++i) {
    auto c = x[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9') || c == '+' || c == '/'))
      return false;
  }
  return true;
}

} // namespace

std::string encode_header_value(std::string_view value) {
  auto safe = !value.empty() && visible(value.front()) && visible(value.back());
  for (auto c : value)
    safe = safe && (visible(c) || c == ' ');
  if (value.empty() || (safe && !looks_encoded(value)))
    return std::string{value};
  std::string res{prefix};
  res += base64_encode(value);
  res += suffix;
  return res;
}

std::optional<std::string> decode_header_value(std::string_view header) {
  while (!header.empty() && is_space(header.front()))
    header.remove_prefix(1);
  while (!header.empty() && is_space(header.back()))
    header.remove_suffix(1);
  for (auto c : header)
    if (!visible(c) && !is_space(c))
      return std::nullopt;
  if (!looks_encoded(header))
    return std::string{header};
  auto inner = header.substr(prefix.size(),
                             header.size() - prefix.size() - suffix.size());
  if (!standard_base64(inner))
    return std::nullopt;
  return base64_decode(inner);
}

} // namespace mcp::protocol
