#include "transports/json_line_reader.hpp"

#include <string>

#include <boost/json/monotonic_resource.hpp>

namespace mcp::transports {

namespace {

/// How much of a bad line a fault quotes.
constexpr size_t excerpt_size = 120;

/// How deep a message may nest.
constexpr size_t max_depth = 256;

std::string excerpt(std::string_view line) {
  std::string res{line.substr(0, excerpt_size)};
  if (line.size() > excerpt_size)
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
    parser_(boost::json::storage_ptr{}, boost::json::parse_options{max_depth}) {
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
    return transport_fault{fault_kind::malformed_message,
                           "malformed JSON (" + ec.message()
                             + "): " + excerpt(line)};
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
