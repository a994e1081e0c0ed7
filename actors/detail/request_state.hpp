#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>

namespace mcp::detail {

/// The fate of one client request at a server, shared by the session, the
/// request's actor and its handler's thread: it ends exactly once, answered
/// (by its handler), cancelled (no response at all) or abandoned (the
/// session answered with an error instead), and waits in the handler end
/// early when it ends otherwise than answered.
class request_state {
public:
  // -- member types -----------------------------------------------------------

  enum phase : uint8_t { running, answered, cancelled, abandoned };

  // -- state transitions ------------------------------------------------------

  /// Claims the right to send the response; false if the request was
  /// cancelled (no response may go out) or answered already. Once it
  /// returns true, `while_running` runs nothing more, so no progress goes
  /// out after the response.
  bool try_answer() {
    std::lock_guard<std::mutex> guard{mtx_};
    auto expected = static_cast<uint8_t>(running);
    return phase_.compare_exchange_strong(expected, answered);
  }

  /// Runs `f` if the request still runs, atomically with respect to its
  /// end; returns whether it ran.
  template <class F>
  bool while_running(F f) {
    std::lock_guard<std::mutex> guard{mtx_};
    if (phase_.load() != running)
      return false;
    f();
    progress_sent_ = true;
    return true;
  }

  /// Cancels a running request and wakes its waits; false if it ended.
  bool cancel() {
    return end(cancelled);
  }

  /// Claims the response for the session, which answers with an error in
  /// the handler's stead, and wakes the handler's waits; false if it ended.
  bool abandon() {
    return end(abandoned);
  }

  // -- properties -------------------------------------------------------------

  /// Returns whether the handler should stop: the request was cancelled or
  /// abandoned.
  bool is_cancelled() const noexcept {
    auto x = phase_.load();
    return x == cancelled || x == abandoned;
  }

  /// Returns whether the request still runs.
  bool is_running() const noexcept {
    return phase_.load() == running;
  }

  /// Returns whether progress notifications went out for the request.
  bool progress_sent() const noexcept {
    return progress_sent_.load();
  }


  // -- waiting ----------------------------------------------------------------

  /// Waits `d` or until the request ends; returns whether it still runs.
  template <class Duration>
  bool sleep_for(Duration d) {
    std::unique_lock<std::mutex> guard{mtx_};
    cv_.wait_for(guard, d, [this] { return phase_.load() != running; });
    return phase_.load() == running;
  }

  // -- progress ---------------------------------------------------------------

  /// Records `value` as the newest progress if it is larger than the last
  /// one; returns the last one otherwise.
  bool advance_progress(double value, double& last) {
    std::lock_guard<std::mutex> guard{progress_mtx_};
    last = last_progress_;
    if (!(value > last_progress_))
      return false;
    last_progress_ = value;
    return true;
  }

private:
  bool end(phase how) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto expected = static_cast<uint8_t>(running);
    if (!phase_.compare_exchange_strong(expected, how))
      return false;
    cv_.notify_all();
    return true;
  }

  std::atomic<uint8_t> phase_{running};
  std::atomic<bool> progress_sent_{false};
  std::mutex mtx_;
  std::condition_variable cv_;
  std::mutex progress_mtx_;
  double last_progress_ = -std::numeric_limits<double>::infinity();
};

} // namespace mcp::detail
