#include "protocol/uri_template.hpp"

#include <algorithm>
#include <vector>

namespace mcp::protocol {

namespace {

/// Templates and URIs beyond these sizes are refused, which bounds the
/// matcher's table (URI size times template parts).
constexpr size_t max_uri_size = 8192;
constexpr size_t max_variables = 16;

bool is_unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
         || c == '~';
}

bool is_reserved(char c) noexcept {
  return std::string_view{":/?#[]@!$&'()*+,;="}.find(c)
         != std::string_view::npos;
}

bool is_name_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

protocol_error bad_template(std::string_view text, std::string_view why) {
  std::string what = "invalid URI template \"";
  what += text;
  what += "\": ";
  what += why;
  return protocol_error{std::move(what)};
}

} // namespace

std::string percent_encode(std::string_view x, bool keep_reserved) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string res;
  res.reserve(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    auto c = x[i];
    auto escape_kept = keep_reserved && c == '%' && i + 2 < x.size()
                       && hex_value(x[i + 1]) >= 0 && hex_value(x[i + 2]) >= 0;
    if (is_unreserved(c) || (keep_reserved && is_reserved(c)) || escape_kept) {
      res += c;
      continue;
    }
    auto b = static_cast<unsigned char>(c);
    res += '%';
    res += hex[b >> 4];
    res += hex[b & 0x0F];
  }
  return res;
}

std::optional<std::string> percent_decode(std::string_view x) {
  std::string res;
  res.reserve(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] != '%') {
      res += x[i];
      continue;
    }
    if (i + 2 >= x.size())
      return std::nullopt;
    auto hi = hex_value(x[i + 1]);
    auto lo = hex_value(x[i + 2]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    res += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return res;
}

boost::system::result<uri_template, protocol_error>
uri_template::parse(std::string_view text) {
  if (text.size() > max_uri_size)
    return bad_template(text.substr(0, 64), "too long");
  uri_template res;
  res.text_ = std::string{text};
  size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find('{', pos);
    auto close = text.find('}', pos);
    if (close < open)
      return bad_template(text, "'}' without '{'");
    if (open == std::string_view::npos) {
      res.parts_.push_back({std::string{text.substr(pos)}, false, false});
      break;
    }
    if (open > pos)
      res.parts_.push_back(
        {std::string{text.substr(pos, open - pos)}, false, false});
    if (close == std::string_view::npos)
      return bad_template(text, "'{' without '}'");
    auto expr = text.substr(open + 1, close - open - 1);
    part p;
    p.is_variable = true;
    if (!expr.empty() && expr.front() == '+') {
      p.reserved = true;
      expr.remove_prefix(1);
    } else if (!expr.empty() && !is_name_char(expr.front())) {
      return bad_template(text, "unsupported operator '"
                                  + std::string(1, expr.front())
                                  + "' (only {name} and {+name} are)");
    }
    if (expr.empty())
      return bad_template(text, "empty expression");
    if (!std::all_of(expr.begin(), expr.end(), is_name_char))
      return bad_template(text, "invalid variable name \"" + std::string{expr}
                                  + "\"");
    if (!res.parts_.empty() && res.parts_.back().is_variable)
      return bad_template(text, "two expressions without text between them");
    p.text = std::string{expr};
    if (std::find(res.names_.begin(), res.names_.end(), p.text)
        != res.names_.end())
      return bad_template(text, "variable \"" + p.text + "\" appears twice");
    res.names_.push_back(p.text);
    res.parts_.push_back(std::move(p));
    if (res.names_.size() > max_variables)
      return bad_template(text, "too many variables");
    pos = close + 1;
  }
  return res;
}

std::optional<uri_variables> uri_template::match(std::string_view uri) const {
  if (uri.size() > max_uri_size)
    return std::nullopt;
  auto n = uri.size();
  auto parts = parts_.size();
  // fits[i][p]: parts i.. match uri[p..]; computed from the last part back,
  // with prefix counts so that a variable asks "does any end fit?" at once.
  std::vector<std::vector<char>> fits(parts + 1, std::vector<char>(n + 1, 0));
  fits[parts][n] = 1;
  // A simple variable's value is percent-decoded, so its span may neither
  // hold a malformed escape nor end inside an escape that begins in it.
  // escape[q]: a well-formed escape starts at q; stop[p]: where a simple
  // variable starting at p must end at the latest.
  std::vector<char> escape(n + 2, 0);
  for (size_t q = 0; q + 2 < n; ++q)
    escape[q] = uri[q] == '%' && hex_value(uri[q + 1]) >= 0
                && hex_value(uri[q + 2]) >= 0;
  std::vector<size_t> stop(n + 1, n);
  for (size_t p = n; p-- > 0;) {
    auto c = uri[p];
    auto ends_here = c == '/' || c == '?' || c == '#'
                     || (c == '%' && !escape[p]);
    stop[p] = ends_here ? p : stop[p + 1];
  }
  // splits(p, q): an end at q does not cut an escape that starts in [p, q).
  auto splits = [&](size_t p, size_t q) {
    return (q >= p + 1 && escape[q - 1]) || (q >= p + 2 && escape[q - 2]);
  };
  std::vector<size_t> count(n + 2, 0);
  for (size_t i = parts; i-- > 0;) {
    auto& part = parts_[i];
    auto& next = fits[i + 1];
    if (!part.is_variable) {
      auto len = part.text.size();
      for (size_t p = 0; p + len <= n; ++p)
        fits[i][p] = next[p + len] && uri.compare(p, len, part.text) == 0;
      continue;
    }
    // count[q] = number of usable ends in [0, q). For a simple variable an
    // end right after an escape's '%' or first digit is unusable, except
    // when the escape starts before the variable (see splits).
    for (size_t q = 0; q <= n; ++q) {
      auto usable = next[q]
                    && (part.reserved
                        || !((q >= 1 && escape[q - 1])
                             || (q >= 2 && escape[q - 2])));
      count[q + 1] = count[q] + (usable ? 1 : 0);
    }
    for (size_t p = 0; p < n; ++p) {
      auto last = part.reserved ? n : stop[p];
      auto any = last > p && count[last + 1] - count[p + 1] > 0;
      if (!any && !part.reserved && p >= 1 && escape[p - 1] && p + 1 <= last)
        any = next[p + 1] != 0;
      fits[i][p] = any;
    }
  }
  if (!fits[0][0])
    return std::nullopt;
  uri_variables res;
  size_t pos = 0;
  for (size_t i = 0; i < parts; ++i) {
    auto& part = parts_[i];
    if (!part.is_variable) {
      pos += part.text.size();
      continue;
    }
    auto end = part.reserved ? n : stop[pos];
    while (!fits[i + 1][end] || (!part.reserved && splits(pos, end)))
      --end;
    auto raw = uri.substr(pos, end - pos);
    if (part.reserved) {
      res[part.text] = std::string{raw};
    } else if (auto decoded = percent_decode(raw)) {
      res[part.text] = std::move(*decoded);
    } else {
      return std::nullopt;
    }
    pos = end;
  }
  return res;
}

std::string uri_template::expand(const uri_variables& values) const {
  std::string res;
  for (auto& p : parts_) {
    if (!p.is_variable) {
      res += p.text;
      continue;
    }
    if (auto i = values.find(p.text); i != values.end())
      res += percent_encode(i->second, p.reserved);
  }
  return res;
}

} // namespace mcp::protocol
