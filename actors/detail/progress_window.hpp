#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "actors/messages.hpp"

namespace mcp::detail {

/// Flow control toward one consumer of progress updates (a subscriber, or a
/// callback subscription), so that a consumer slower than the server costs
/// bounded memory. Updates go out as plain messages; every `mark_every`-th
/// send goes as a request instead, and its answer (CAF answers a request
/// whose handler returns nothing with an empty message) tells that the
/// consumer got that far. With `max_marks` requests unanswered, updates wait
/// here; past `max_backlog` waiting, the newest update replaces the last
/// waiting one and the replaced one counts as skipped. So the consumer
/// always gets the newest progress, before the end of its subscription, and
/// at most `mark_every * max_marks + max_backlog` updates are ever queued
/// for it.
class progress_window {
public:
  // -- constants --------------------------------------------------------------

  /// Updates per acknowledged send.
  static constexpr uint32_t mark_every = 512;

  /// Acknowledged sends that may be unanswered before updates wait.
  static constexpr uint32_t max_marks = 8;

  /// Updates that may wait here before they coalesce.
  static constexpr size_t max_backlog = 16384;

  // -- routing ----------------------------------------------------------------

  /// How to pass on the next updates.
  enum class route {
    /// Send as a plain message.
    send,
    /// Send as a request; call `acknowledge` when it is answered (or fails).
    mark,
    /// Keep them: call `hold` for each.
    hold,
  };

  /// Returns how to pass on `n` more updates now.
  route next(size_t n) noexcept {
    if (marks_ >= max_marks || !backlog_.empty())
      return route::hold;
    since_mark_ += static_cast<uint32_t>(n);
    if (since_mark_ < mark_every)
      return route::send;
    since_mark_ = 0;
    ++marks_;
    return route::mark;
  }

  /// Keeps `x` until the consumer catches up.
  void hold(progress_update&& x) {
    if (backlog_.size() < max_backlog) {
      backlog_.push_back(std::move(x));
    } else {
      backlog_.back() = std::move(x);
      ++skipped_;
    }
  }

  /// Records an answered request; returns the waiting updates to pass on
  /// again (through `next`), oldest first.
  std::vector<progress_update> acknowledge() {
    if (marks_ > 0)
      --marks_;
    std::vector<progress_update> res;
    res.swap(backlog_);
    return res;
  }

  /// Returns and forgets the waiting updates (at the end, when they go out
  /// regardless of the window).
  std::vector<progress_update> take_backlog() noexcept {
    std::vector<progress_update> res;
    res.swap(backlog_);
    return res;
  }

  // -- properties -------------------------------------------------------------

  /// Returns how many updates were replaced by newer ones.
  uint64_t skipped() const noexcept {
    return skipped_;
  }

  /// Returns how many updates wait.
  size_t waiting() const noexcept {
    return backlog_.size();
  }

private:
  uint32_t since_mark_ = 0;
  uint32_t marks_ = 0;
  uint64_t skipped_ = 0;
  std::vector<progress_update> backlog_;
};

} // namespace mcp::detail
