#include "transports/json_line_reader.hpp"

#include <string>

#include <boost/json/monotonic_resource.hpp>

#include "protocol/jsonrpc.hpp"
#include "protocol/utf8.hpp"

namespace mcp::transports {

namespace {

/// How much of a bad line a fault quotes.
constexpr size_t excerpt_size = 120;

/// Quotes the start of `line`, cut on a character boundary, with bytes
/// that are not UTF-8 written as `\xHH`.
std::string excerpt(std::string_view line) {
  std::string res;
  auto head = protocol::utf8_cut(line, excerpt_size);
  protocol::append_utf8_escaped(res, head);
  if (head.size() < line.size())
    res += "...";
  return res;
}

/// Increments a counter that only one thread writes.
void bump(std::atomic<uint64_t>& counter) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + 1,
                std::memory_order_relaxed);
}

} // namespace

json_line_reader::json_line_reader(size_t max_line_size)
  : framer_(max_line_size),
    parser_(boost::json::storage_ptr{}, protocol::message_parse_options()) {
  // nop
}

void json_line_reader::begin_read(size_t size) {
  arena_ = boost::json::make_shared_resource<boost::json::monotonic_resource>(
    size * 2 + 1024);
}

void json_line_reader::end_read() noexcept {
  arena_ = {};
}

std::optional<transport_fault>
json_line_reader::parse(std::string_view line) {
  boost::system::error_code ec;
  parser_.reset(arena_);
  parser_.write(line.data(), line.size(), ec);
  if (ec) {
    bump(malformed_);
    transport_fault res{fault_kind::malformed_message,
                        "malformed JSON (" + ec.message()
                          + "): " + excerpt(line)};
    if (auto id = protocol::scan_response_id(line))
      res.response_id = id->to_json_text();
    return res;
  }
  bump(messages_in_);
  batch_.push_back(parser_.release());
  return std::nullopt;
}

transport_fault json_line_reader::oversized_fault(size_t size) {
  bump(oversized_);
  return transport_fault{fault_kind::oversized_message,
                         "dropped a line of " + std::to_string(size)
                           + " bytes (limit "
                           + std::to_string(max_line_size()) + ")"};
}

} // namespace mcp::transports
