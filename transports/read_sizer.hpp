#pragma once

#include <cstddef>

namespace mcp::transports {

/// Chooses how much a CAF scribe reads at once. CAF 0.17 zero-fills a
/// scribe's whole read buffer again before every read, so a large buffer
/// costs on every small message; a small one splits a burst into many
/// reads. The size starts small, grows while reads fill it and shrinks back
/// after a run of reads that use little of it.
class read_sizer {
public:
  /// The smallest read size (and the first).
  static constexpr size_t min_size = 4096;

  /// The largest read size.
  static constexpr size_t max_size = 64 * 1024;

  /// Reads that use at most a quarter of the buffer, in a row, before it
  /// shrinks.
  static constexpr unsigned shrink_after = 16;

  /// Returns the current read size.
  size_t size() const noexcept {
    return size_;
  }

  /// Takes note of a read of `n` bytes; returns whether `size()` changed.
  bool after_read(size_t n) noexcept {
    if (n >= size_) {
      small_reads_ = 0;
      if (size_ >= max_size)
        return false;
      size_ = size_ * 4 > max_size ? max_size : size_ * 4;
      return true;
    }
    if (size_ == min_size || n > size_ / 4) {
      small_reads_ = 0;
      return false;
    }
    if (++small_reads_ < shrink_after)
      return false;
    small_reads_ = 0;
    size_ = min_size;
    return true;
  }

private:
  size_t size_ = min_size;
  unsigned small_reads_ = 0;
};

} // namespace mcp::transports
