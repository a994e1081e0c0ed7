#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace mcp::transports {

/// Splits a byte stream into newline-delimited lines without doing any I/O.
/// Lines longer than the limit are dropped whole (reported, never buffered
/// past the limit), so a peer cannot grow memory without bound. A trailing
/// carriage return is stripped and empty lines are skipped.
class line_framer {
public:
  // -- constructors -----------------------------------------------------------

  /// Creates a framer that drops lines longer than `max_line_size` bytes.
  explicit line_framer(size_t max_line_size) : max_(max_line_size) {
    // nop
  }

  // -- properties -------------------------------------------------------------

  /// Returns the number of bytes of an incomplete line held back.
  size_t buffered() const noexcept {
    return partial_.size();
  }

  /// Returns the line size limit.
  size_t max_line_size() const noexcept {
    return max_;
  }

  // -- framing ----------------------------------------------------------------

  /// Consumes `bytes`. Calls `on_line(std::string_view)` for each complete
  /// line and `on_oversized(size_t)` with the size of each dropped line. The
  /// views passed to `on_line` are valid only during the call.
  template <class OnLine, class OnOversized>
  void feed(std::string_view bytes, OnLine&& on_line,
            OnOversized&& on_oversized) {
    while (!bytes.empty()) {
      auto nl = static_cast<const char*>(
        std::memchr(bytes.data(), '\n', bytes.size()));
      if (nl == nullptr) {
        hold(bytes, on_oversized);
        return;
      }
      auto n = static_cast<size_t>(nl - bytes.data());
      auto chunk = bytes.substr(0, n);
      bytes.remove_prefix(n + 1);
      if (discarding_) {
        on_oversized(discarded_ + chunk.size());
        discarding_ = false;
        discarded_ = 0;
      } else if (partial_.empty()) {
        emit(chunk, on_line, on_oversized);
      } else {
        partial_.append(chunk.data(), chunk.size());
        emit(partial_, on_line, on_oversized);
        partial_.clear();
      }
    }
  }

  /// Ends the stream: a final line without a newline counts as complete.
  template <class OnLine, class OnOversized>
  void finish(OnLine&& on_line, OnOversized&& on_oversized) {
    if (discarding_) {
      on_oversized(discarded_);
    } else if (!partial_.empty()) {
      emit(partial_, on_line, on_oversized);
    }
    partial_.clear();
    discarding_ = false;
    discarded_ = 0;
  }

private:
  template <class OnOversized>
  void hold(std::string_view bytes, OnOversized&) {
    if (discarding_) {
      discarded_ += bytes.size();
      return;
    }
    if (partial_.size() + bytes.size() > max_) {
      discarding_ = true;
      discarded_ = partial_.size() + bytes.size();
      std::string{}.swap(partial_);
      return;
    }
    partial_.append(bytes.data(), bytes.size());
  }

  template <class OnLine, class OnOversized>
  void emit(std::string_view line, OnLine& on_line,
            OnOversized& on_oversized) {
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty())
      return;
    if (line.size() > max_)
      on_oversized(line.size());
    else
      on_line(line);
  }

  size_t max_;
  std::string partial_;
  bool discarding_ = false;
  size_t discarded_ = 0;
};

} // namespace mcp::transports
