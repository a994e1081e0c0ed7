#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unistd.h>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "transports/channel.hpp"
#include "transports/messages.hpp"

namespace mcp::transports {

/// Where a `stdio_channel` reads and writes, and its limits.
struct stdio_channel_config {
  /// Newline-delimited JSON from the peer (a pipe, socket, file or tty).
  int input_fd = STDIN_FILENO;
  /// Newline-delimited JSON to the peer.
  int output_fd = STDOUT_FILENO;
  /// Input lines longer than this are dropped and reported.
  size_t max_line_size = 4 * 1024 * 1024;
  /// Output the peer has not read yet beyond which the channel gives up on
  /// the peer and closes, instead of buffering without bound.
  size_t max_pending_output = 64 * 1024 * 1024;
  /// How long `close` waits for queued output to leave.
  caf::timespan close_grace = std::chrono::seconds(2);
  /// Whether `close` closes both descriptors (ending the peer's input).
  bool close_fds = true;
  /// How long a response that follows its request's progress may wait for
  /// the peer to read that progress while the peer reads nothing (each read
  /// restarts it); 0 sends at once. Clients that handle notifications after
  /// responses (the TypeScript SDK) would otherwise drop progress that
  /// arrives together with the response.
  caf::timespan progress_settle_limit = std::chrono::seconds(1);
};

/// A `channel` over a pair of file descriptors, by default this process's
/// stdin and stdout, as an MCP server speaks to the client that started it.
///
/// Input: one thread reads, splits lines, parses each once, and delivers all
/// messages of one read to the owner as one message. The owner (and every
/// actor it wakes, such as a session's request actors) runs right there on
/// that thread (`inline_execution_unit`), so a request is answered without
/// waking another thread. Works with pipes, sockets, files and terminals.
///
/// Output: `send` serializes on the calling thread and writes at once when
/// nobody else is writing; while a write is under way, or while the input
/// thread delivers a read, output is gathered and written with one system
/// call. `post` leaves the writing to a helper thread, which gathers a burst
/// of notifications into few writes. Output the peer does not take at once
/// is left to that thread too, so no caller ever blocks on a slow peer; past
/// `max_pending_output` the channel closes. Each message is one line: the
/// channel adds the newline. A response that follows progress of its
/// request waits (on that thread) until the peer has read what came before
/// it, as the kernel tells (`SIOCOUTQ` on sockets, `FIONREAD` on pipes), at
/// most `progress_settle_limit` past the peer's last read.
class stdio_channel : public channel,
                      public std::enable_shared_from_this<stdio_channel> {
public:
  // -- constructors, destructors, and assignment operators --------------------

  ~stdio_channel() override;

  /// Makes a channel that does nothing until `start`, so that its owner can
  /// be made with it first. Pipes and sockets to the peer become
  /// non-blocking; SIGPIPE is ignored if it had its default action, so that
  /// a peer that goes away cannot kill the process.
  static std::shared_ptr<stdio_channel> make(caf::actor_system& sys,
                                             stdio_channel_config cfg = {});

  /// Starts reading for `owner`, which gets `(inbound_atom, ...)`,
  /// `transport_fault` and one final `transport_closed`. Call once.
  void start(caf::actor owner);

  // -- channel interface ------------------------------------------------------

  bool send(const boost::json::value& msg, output_route route = {}) override;

  bool post(const boost::json::value& msg, output_route route = {}) override;

  bool send_text(std::string& json, output_route route = {}) override;

  bool post_text(std::string& json, output_route route = {}) override;

  void close() override;

  // -- properties -------------------------------------------------------------

  /// Returns how many bytes sent so far the peer has not read yet, where the
  /// kernel can tell (queued bytes only where it cannot). A rough measure:
  /// it may count the kernel's bookkeeping too, but it is 0 once the peer
  /// read all.
  size_t unread_output();

  /// Returns the counters so far.
  transport_stats stats() const;

  /// Blocks until the input thread has finished (after `transport_closed`
  /// went out) or `timeout` passed; returns whether it finished. The owner
  /// must `close` the channel at the end, or its threads keep it alive.
  bool wait_closed(caf::timespan timeout);

private:
  struct state;

  stdio_channel(caf::actor_system& sys, stdio_channel_config cfg);

  void read_loop();

  bool write_bytes(std::string_view bytes, bool urgent);

  bool write_line(std::string& json, output_route route, bool urgent);

  size_t unread_locked();

  void settle_locked();

  void flush_locked(std::unique_lock<std::mutex>& guard);

  void hand_off_locked();

  void trim_locked();

  void write_loop();

  void fail_output(std::string why);

  std::unique_ptr<state> st_;
};

} // namespace mcp::transports
