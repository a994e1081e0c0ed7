#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/parser.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include "transports/line_framer.hpp"
#include "transports/messages.hpp"

namespace mcp::transports {

/// Decodes newline-delimited JSON for a transport without doing any I/O:
/// frames lines, parses each line once into an arena shared by the messages
/// of one read, and hands those messages over together. Bad lines become
/// `transport_fault`s in their place in the stream. One thread feeds a
/// reader; its counters may be read from any thread.
class json_line_reader {
public:
  // -- constructors -----------------------------------------------------------

  /// Creates a reader that drops lines longer than `max_line_size` bytes.
  explicit json_line_reader(size_t max_line_size);

  // -- properties -------------------------------------------------------------

  /// Returns the number of complete JSON messages decoded.
  uint64_t messages_in() const noexcept {
    return messages_in_.load(std::memory_order_relaxed);
  }

  /// Returns the number of lines dropped because they were not JSON.
  uint64_t malformed() const noexcept {
    return malformed_.load(std::memory_order_relaxed);
  }

  /// Returns the number of lines dropped for their size.
  uint64_t oversized() const noexcept {
    return oversized_.load(std::memory_order_relaxed);
  }

  /// Returns the line size limit.
  size_t max_line_size() const noexcept {
    return framer_.max_line_size();
  }

  // -- decoding ---------------------------------------------------------------

  /// Decodes the bytes of one read. Calls, in stream order,
  /// `deliver(inbound_atom, boost::json::value)` for a single message or
  /// `deliver(inbound_atom, std::vector<boost::json::value>)` for a run of
  /// them, and `deliver(transport_fault)` for each dropped line.
  template <class Deliver>
  void feed(std::string_view bytes, Deliver&& deliver) {
    begin_read(bytes.size());
    framer_.feed(
      bytes, [&](std::string_view line) { on_line(line, deliver); },
      [&](size_t size) { on_oversized(size, deliver); });
    flush(deliver);
    end_read();
  }

  /// Ends the stream: a final line without a newline counts as complete.
  template <class Deliver>
  void finish(Deliver&& deliver) {
    framer_.finish([&](std::string_view line) { on_line(line, deliver); },
                   [&](size_t size) { on_oversized(size, deliver); });
    flush(deliver);
  }

private:
  void begin_read(size_t size);

  void end_read() noexcept;

  /// Parses `line` into the batch; returns the fault if it is not JSON.
  std::optional<transport_fault> parse(std::string_view line);

  transport_fault oversized_fault(size_t size);

  template <class Deliver>
  void on_line(std::string_view line, Deliver& deliver) {
    if (auto fault = parse(line)) {
      flush(deliver);
      deliver(std::move(*fault));
    }
  }

  template <class Deliver>
  void on_oversized(size_t size, Deliver& deliver) {
    flush(deliver);
    deliver(oversized_fault(size));
  }

  template <class Deliver>
  void flush(Deliver& deliver) {
    if (batch_.empty())
      return;
    if (batch_.size() == 1) {
      deliver(inbound_atom::value, std::move(batch_.front()));
    } else {
      std::vector<boost::json::value> batch;
      batch.reserve(batch_.size());
      batch.swap(batch_);
      deliver(inbound_atom::value, std::move(batch));
    }
    batch_.clear();
  }

  line_framer framer_;
  boost::json::parser parser_;
  /// Messages of the current read not yet handed over.
  std::vector<boost::json::value> batch_;
  /// The arena of the current read: its messages share one
  /// reference-counted monotonic resource, which lives until the last of
  /// them is destroyed.
  boost::json::storage_ptr arena_;
  std::atomic<uint64_t> messages_in_{0};
  std::atomic<uint64_t> malformed_{0};
  std::atomic<uint64_t> oversized_{0};
};

} // namespace mcp::transports
