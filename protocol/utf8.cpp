#include "protocol/utf8.hpp"

namespace mcp::protocol {

namespace {

/// Returns the length of the valid UTF-8 sequence at `pos`, or 0.
size_t sequence_at(std::string_view text, size_t pos) noexcept {
  auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[pos + i]);
  };
  auto left = text.size() - pos;
  auto lead = byte(0);
  if (lead < 0x80)
    return 1;
  size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0)
      lo = 0xA0;
    else if (lead == 0xED)
      hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0)
      lo = 0x90;
    else if (lead == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (left < len || byte(1) < lo || byte(1) > hi)
    return 0;
  for (size_t i = 2; i < len; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF)
      return 0;
  return len;
}

/// Appends `text`, handing each invalid byte to `bad`.
template <class F>
void append_valid(std::string& out, std::string_view text, F bad) {
  size_t pos = 0;
  while (pos < text.size()) {
    auto good = valid_utf8_prefix(text.substr(pos));
    out.append(text.data() + pos, good);
    pos += good;
    if (pos < text.size())
      bad(static_cast<unsigned char>(text[pos++]));
  }
}

} // namespace

size_t valid_utf8_prefix(std::string_view text) noexcept {
  size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    auto len = sequence_at(text, pos);
    if (len == 0)
      return pos;
    pos += len;
  }
  return pos;
}

bool is_valid_utf8(std::string_view text) noexcept {
  return valid_utf8_prefix(text) == text.size();
}

void append_utf8_repaired(std::string& out, std::string_view text) {
  append_valid(out, text, [&](unsigned char) { out += "\xEF\xBF\xBD"; });
}

void append_utf8_escaped(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  append_valid(out, text, [&](unsigned char c) {
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 0x0F];
  });
}

std::string_view utf8_cut(std::string_view text, size_t max_bytes) noexcept {
  if (text.size() <= max_bytes)
    return text;
  auto end = max_bytes;
  // Step back over continuation bytes to the lead byte of the sequence the
  // cut falls into; keep it only if it ends before the cut.
  auto is_cont = [&](size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  size_t back = 0;
  while (end > 0 && back < 3 && is_cont(end)) {
    --end;
    ++back;
  }
  if (back == 3 && is_cont(end))
    return text.substr(0, max_bytes);
  return text.substr(0, end);
}

} // namespace mcp::protocol
