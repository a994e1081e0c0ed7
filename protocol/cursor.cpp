#include "protocol/cursor.hpp"

#include <charconv>

#include "protocol/base64.hpp"

namespace mcp::protocol {

std::string make_cursor(std::string_view list, uint64_t position) {
  std::string plain{list};
  plain += ':';
  plain += std::to_string(position);
  return base64_encode(plain, true);
}

std::optional<uint64_t> parse_cursor(std::string_view list,
                                     std::string_view cursor) {
  if (cursor.size() > 128)
    return std::nullopt;
  auto plain = base64_decode(cursor);
  if (!plain || plain->size() <= list.size() + 1
      || std::string_view{*plain}.substr(0, list.size()) != list
      || (*plain)[list.size()] != ':')
    return std::nullopt;
  auto digits = std::string_view{*plain}.substr(list.size() + 1);
  uint64_t res = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                   res);
  if (ec != std::errc{} || end != digits.data() + digits.size())
    return std::nullopt;
  return res;
}

} // namespace mcp::protocol
