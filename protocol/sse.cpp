#include "protocol/sse.hpp"

#include <charconv>
#include <cstring>
#include <limits>

namespace mcp::protocol {

namespace {

constexpr char bom[] = "\xEF\xBB\xBF";

/// Finds line ends (CR or LF) with `memchr`, remembering the next LF so that
/// text with many CRs and no LF still takes linear time.
class eol_finder {
public:
  explicit eol_finder(const char* end) : end_(end) {
    // nop
  }

  /// Returns the first CR or LF at or after `pos`, or the end.
  const char* next(const char* pos) noexcept {
    if (pos == end_)
      return end_;
    if (lf_ == nullptr || lf_ < pos) {
      lf_ = static_cast<const char*>(std::memchr(pos, '\n', end_ - pos));
      if (lf_ == nullptr)
        lf_ = end_;
    }
    auto cr = static_cast<const char*>(std::memchr(pos, '\r', lf_ - pos));
    return cr != nullptr ? cr : lf_;
  }

private:
  const char* end_;
  const char* lf_ = nullptr;
};

/// Parses a `retry` value: ASCII digits only, saturating at the maximum.
std::optional<uint64_t> parse_retry(std::string_view x) noexcept {
  if (x.empty())
    return std::nullopt;
  constexpr auto max = std::numeric_limits<uint64_t>::max();
  uint64_t res = 0;
  for (auto c : x) {
    if (c < '0' || c > '9')
      return std::nullopt;
    auto digit = static_cast<uint64_t>(c - '0');
    res = res > (max - digit) / 10 ? max : res * 10 + digit;
  }
  return res;
}

bool has_line_break(std::string_view x) noexcept {
  return x.find_first_of("\r\n") != std::string_view::npos;
}

bool is_valid_id(std::string_view x) noexcept {
  return x.find_first_of(std::string_view{"\r\n\0", 3})
         == std::string_view::npos;
}

/// Appends `prefix` (ending in ':') and each line of `text` to `out`, one
/// field line per line of `text`.
void append_lines(std::string& out, std::string_view prefix,
                  std::string_view text) {
  auto pos = text.data();
  auto end = pos + text.size();
  eol_finder finder{end};
  for (;;) {
    auto eol = finder.next(pos);
    out.append(prefix);
    if (eol != pos) {
      out += ' ';
      out.append(pos, static_cast<size_t>(eol - pos));
    }
    out += '\n';
    if (eol == end)
      return;
    pos = eol + 1;
    if (*eol == '\r' && pos != end && *pos == '\n')
      ++pos;
  }
}

} // namespace

std::string_view to_string(sse_error x) noexcept {
  switch (x) {
    case sse_error::line_too_long:
      return "line_too_long";
    case sse_error::event_too_large:
      return "event_too_large";
  }
  return "???";
}

// -- sse_parser ---------------------------------------------------------------

void sse_parser::finish() noexcept {
  partial_.clear();
  reset_event();
  skipping_ = false;
  dropping_line_ = false;
  after_cr_ = false;
  bom_ = 0;
}

void sse_parser::run(std::string_view bytes, const sinks& out) {
  for (; bom_ < 3 && !bytes.empty(); ++bom_) {
    if (bytes.front() != bom[bom_]) {
      partial_.assign(bom, bom_);
      bom_ = 3;
      break;
    }
    bytes.remove_prefix(1);
  }
  auto pos = bytes.data();
  auto end = pos + bytes.size();
  if (after_cr_ && pos != end) {
    after_cr_ = false;
    if (*pos == '\n')
      ++pos;
  }
  eol_finder finder{end};
  while (pos != end) {
    auto eol = finder.next(pos);
    if (eol == end) {
      hold(std::string_view{pos, static_cast<size_t>(end - pos)}, out);
      return;
    }
    std::string_view line{pos, static_cast<size_t>(eol - pos)};
    pos = eol + 1;
    if (*eol == '\r') {
      if (pos == end)
        after_cr_ = true;
      else if (*pos == '\n')
        ++pos;
    }
    end_line(line, out);
  }
}

void sse_parser::hold(std::string_view bytes, const sinks& out) {
  if (dropping_line_)
    return;
  if (skipping_ || (partial_.empty() && bytes.front() == ':')) {
    dropping_line_ = true;
    return;
  }
  if (partial_.size() + bytes.size() > max_) {
    partial_.clear();
    dropping_line_ = true;
    skip_event(sse_error::line_too_long, out);
    return;
  }
  partial_.append(bytes.data(), bytes.size());
}

void sse_parser::end_line(std::string_view line, const sinks& out) {
  if (dropping_line_) {
    dropping_line_ = false;
    return;
  }
  if (partial_.empty()) {
    on_line(line, out);
    return;
  }
  if (partial_.size() + line.size() > max_) {
    partial_.clear();
    skip_event(sse_error::line_too_long, out);
    return;
  }
  partial_.append(line.data(), line.size());
  on_line(partial_, out);
  partial_.clear();
}

void sse_parser::on_line(std::string_view line, const sinks& out) {
  if (line.empty()) {
    if (skipping_) {
      skipping_ = false;
      reset_event();
    } else {
      dispatch(out);
    }
    return;
  }
  if (skipping_ || line.front() == ':')
    return;
  if (line.size() > max_) {
    skip_event(sse_error::line_too_long, out);
    return;
  }
  std::string_view name = line;
  std::string_view value;
  if (auto colon = line.find(':'); colon != std::string_view::npos) {
    name = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
  }
  on_field(name, value, out);
}

void sse_parser::on_field(std::string_view name, std::string_view value,
                          const sinks& out) {
  if (name == "data") {
    if (data_.size() + value.size() > max_) {
      skip_event(sse_error::event_too_large, out);
      return;
    }
    data_.append(value.data(), value.size());
    data_ += '\n';
  } else if (name == "event") {
    type_.assign(value.data(), value.size());
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) {
      id_.assign(value.data(), value.size());
      has_id_ = true;
    }
  } else if (name == "retry") {
    if (auto ms = parse_retry(value)) {
      if (!has_retry_) {
        retry_before_ = retry_;
        has_retry_ = true;
      }
      retry_ = ms;
    }
  }
}

void sse_parser::dispatch(const sinks& out) {
  if (has_id_)
    last_id_.swap(id_);
  if (data_.empty()) {
    reset_event();
    return;
  }
  data_.pop_back();
  event_.data.swap(data_);
  event_.event.swap(type_);
  event_.id.assign(last_id_);
  event_.has_id = has_id_;
  event_.retry = has_retry_ ? retry_ : std::nullopt;
  reset_event();
  out.on_event(out.ptr, event_);
}

void sse_parser::skip_event(sse_error reason, const sinks& out) {
  if (has_retry_)
    retry_ = retry_before_;
  reset_event();
  skipping_ = true;
  out.on_error(out.ptr, reason);
}

void sse_parser::reset_event() noexcept {
  data_.clear();
  type_.clear();
  has_id_ = false;
  has_retry_ = false;
}

// -- writing ------------------------------------------------------------------

bool append_sse_event(std::string& out, std::string_view data,
                      std::string_view id, std::string_view event) {
  if (!is_valid_id(id) || has_line_break(event))
    return false;
  if (!id.empty())
    append_lines(out, "id:", id);
  if (!event.empty())
    append_lines(out, "event:", event);
  append_lines(out, "data:", data);
  out += '\n';
  return true;
}

bool append_sse_priming_event(std::string& out, std::string_view id) {
  if (id.empty() || !is_valid_id(id))
    return false;
  append_lines(out, "id:", id);
  out.append("data:\n\n");
  return true;
}

void append_sse_retry(std::string& out, uint64_t ms) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), ms);
  out.append("retry: ");
  out.append(buf, static_cast<size_t>(res.ptr - buf));
  out.append("\n\n");
}

void append_sse_comment(std::string& out, std::string_view text) {
  append_lines(out, ":", text);
  out += '\n';
}

} // namespace mcp::protocol
