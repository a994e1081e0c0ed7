#include "transports/stdio_channel.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <limits>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>

#include <caf/actor_system.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message_id.hpp>

#include "protocol/json_text.hpp"
#include "protocol/jsonrpc.hpp"
#include "transports/inline_execution_unit.hpp"
#include "transports/json_line_reader.hpp"

namespace mcp::transports {

namespace {

constexpr size_t read_chunk = 64 * 1024;

/// How much notification output the writer thread waits for, and how long.
constexpr size_t gather_size = 32 * 1024;
constexpr auto gather_time = std::chrono::microseconds(50);

std::string errno_text(const char* what, int err) {
  std::string res = what;
  res += ": ";
  res += std::strerror(err);
  return res;
}

/// Points `fd` at /dev/null: the peer sees the end of the stream, and the
/// descriptor number stays taken (no later open() reuses 0, 1 or 2).
void retire_fd(int fd) {
  auto null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    ::dup2(null_fd, fd);
    ::close(null_fd);
  } else {
    ::close(fd);
  }
}

} // namespace

channel::~channel() {
  // nop
}

void channel::await_writable() {
  // nop
}

void channel::close_stream(const protocol::request_id&) {
  // nop
}

bool channel::post(const boost::json::value& msg, output_route route) {
  return send(msg, route);
}

bool channel::send_text(std::string& json, output_route route) {
  boost::system::error_code ec;
  auto msg = boost::json::parse(json, ec, {}, protocol::message_parse_options());
  return !ec && send(msg, route);
}

bool channel::post_text(std::string& json, output_route route) {
  boost::system::error_code ec;
  auto msg = boost::json::parse(json, ec, {}, protocol::message_parse_options());
  return !ec && post(msg, route);
}

namespace {

/// A response held back until the peer has read what was sent before it.
struct settling_response {
  /// The line to write.
  std::string line;
  /// When it goes out anyway, unless the peer reads on.
  std::chrono::steady_clock::time_point deadline;
  /// What the peer had not read at the last look.
  size_t unread;
};

} // namespace

struct stdio_channel::state {
  state(caf::actor_system& sys, stdio_channel_config cfg)
    : cfg(cfg), unit(sys), reader(cfg.max_line_size) {
    // nop
  }

  /// Makes the input thread stop reading.
  void stop_reading() {
    closing = true;
    if (wake_fd >= 0) {
      uint64_t one = 1;
      auto n = ::write(wake_fd, &one, sizeof(one));
      static_cast<void>(n);
    }
  }

  /// Retires the output descriptor once output ended and nobody writes.
  /// Precondition: `mtx` is held.
  void retire_output_locked() {
    if (output_closed && !flushing && !output_retired && cfg.close_fds) {
      output_retired = true;
      retire_fd(cfg.output_fd);
    }
  }

  caf::actor owner;
  stdio_channel_config cfg;
  /// Runs the owner and what it wakes on the input thread.
  inline_execution_unit unit;
  /// Decodes the input. Messages of one read share an arena that only
  /// this thread allocates from: the owner copies out what it hands on.
  json_line_reader reader;
  /// Wakes the input thread (close).
  int wake_fd = -1;
  std::atomic<bool> closing{false};
  std::atomic<uint64_t> messages_out{0};
  // -- guarded by mtx ---------------------------------------------------------
  std::mutex mtx;
  std::condition_variable cv;
  /// Output waiting to be written.
  std::string pending;
  /// Whether a thread is writing (and owns the output descriptor).
  bool flushing = false;
  /// Whether `pending` holds something sent with `send` (not `post`).
  bool pending_urgent = false;
  /// Whether the output written so far ends inside a line.
  bool mid_line = false;
  /// Whether `close` gave up on writing everything: only the rest of the
  /// line under way still goes out, so that the peer never sees half a
  /// message.
  bool finishing = false;
  /// Whether the input thread is delivering a read: output waits for it.
  bool corked = false;
  /// Whether the helper thread must take over a write the peer stalled.
  bool handoff = false;
  bool writer_started = false;
  bool output_closed = false;
  /// Whether the output descriptor was retired already.
  bool output_retired = false;
  bool reader_done = false;
  std::string end_reason;
  int saved_output_flags = -1;
  /// How to ask the kernel for bytes the peer has not read (0: cannot).
  unsigned long unread_request = 0;
  /// Responses waiting for the peer to read the progress before them.
  std::vector<settling_response> settling;
  /// How long the writer thread waits between looks at `settling`.
  std::chrono::microseconds settle_pause{50};
};

stdio_channel::stdio_channel(caf::actor_system& sys, stdio_channel_config cfg)
  : st_(std::make_unique<state>(sys, cfg)) {
  // nop
}

stdio_channel::~stdio_channel() {
  if (st_->wake_fd >= 0)
    ::close(st_->wake_fd);
}

std::shared_ptr<stdio_channel> stdio_channel::make(caf::actor_system& sys,
                                                   stdio_channel_config cfg) {
  std::shared_ptr<stdio_channel> res{new stdio_channel(sys, cfg)};
  auto& st = *res->st_;
  st.wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  // A peer that goes away must not kill this process with SIGPIPE.
  struct sigaction old {};
  if (::sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL)
    ::signal(SIGPIPE, SIG_IGN);
  // Pipes and sockets to the peer become non-blocking, so that a stalled
  // peer never blocks a caller of `send`; terminals and files stay as they
  // are (they do not stall, and a terminal's flags belong to the shell too).
  struct stat info {};
  if (::fstat(cfg.output_fd, &info) == 0)
    st.unread_request = S_ISSOCK(info.st_mode)   ? SIOCOUTQ
                        : S_ISFIFO(info.st_mode) ? FIONREAD
                                                 : 0;
  if (st.unread_request != 0) {
    auto flags = ::fcntl(cfg.output_fd, F_GETFL);
    if (flags >= 0 && (flags & O_NONBLOCK) == 0) {
      st.saved_output_flags = flags;
      ::fcntl(cfg.output_fd, F_SETFL, flags | O_NONBLOCK);
    }
  }
  return res;
}

void stdio_channel::start(caf::actor owner) {
  st_->owner = std::move(owner);
  std::thread{[self = shared_from_this()] { self->read_loop(); }}.detach();
}

// -- input --------------------------------------------------------------------

void stdio_channel::read_loop() {
  auto& st = *st_;
  st.unit.adopt_current_thread();
  auto deliver = [&](auto&&... xs) {
    auto ptr = caf::actor_cast<caf::abstract_actor*>(st.owner);
    ptr->enqueue(caf::make_mailbox_element(nullptr, caf::make_message_id(), {},
                                           std::forward<decltype(xs)>(xs)...),
                 &st.unit);
  };
  auto cork = [&](bool on) {
    std::unique_lock<std::mutex> guard{st.mtx};
    st.corked = on;
    if (!on && !st.flushing && !st.pending.empty() && !st.output_closed) {
      st.flushing = true;
      flush_locked(guard);
    }
  };
  std::vector<char> buf(read_chunk);
  std::string reason;
  for (;;) {
    if (st.closing) {
      reason = "closed by the server";
      break;
    }
    pollfd fds[2] = {{st.cfg.input_fd, POLLIN, 0}, {st.wake_fd, POLLIN, 0}};
    auto rc = ::poll(fds, 2, -1);
    if (rc < 0) {
      if (errno == EINTR)
        continue;
      reason = errno_text("poll", errno);
      break;
    }
    if (fds[1].revents != 0) {
      uint64_t ignored = 0;
      auto n = ::read(st.wake_fd, &ignored, sizeof(ignored));
      static_cast<void>(n);
      continue;
    }
    if (fds[0].revents == 0)
      continue;
    auto n = ::read(st.cfg.input_fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      reason = errno_text("read", errno);
      break;
    }
    cork(true);
    if (n == 0) {
      st.reader.finish(deliver);
      st.unit.drain();
      cork(false);
      reason = "the client closed its end (end of input)";
      break;
    }
    st.reader.feed(std::string_view{buf.data(), static_cast<size_t>(n)},
                   deliver);
    st.unit.drain();
    cork(false);
  }
  {
    std::lock_guard<std::mutex> guard{st.mtx};
    if (!st.end_reason.empty())
      reason = st.end_reason;
  }
  transport_closed msg;
  msg.description = std::move(reason);
  deliver(std::move(msg));
  st.unit.drain();
  st.unit.stop();
  // A descriptor that serves both ways closes with the output.
  if (st.cfg.close_fds && st.cfg.input_fd != st.cfg.output_fd)
    retire_fd(st.cfg.input_fd);
  std::lock_guard<std::mutex> guard{st.mtx};
  st.reader_done = true;
  st.cv.notify_all();
}

// -- output -------------------------------------------------------------------

namespace {

/// Writes as much of `bytes` as the descriptor takes now; returns the count
/// or -1 (with errno) on an error.
ptrdiff_t write_some(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    return -1;
  }
  return static_cast<ptrdiff_t>(done);
}


void trim(std::string& buf) {
  if (buf.capacity() > (1u << 20))
    std::string{}.swap(buf);
}

/// Notes what the last write left: inside a line or at its end.
void note_written(bool& mid_line, std::string_view bytes, size_t written) {
  if (written > 0)
    mid_line = bytes[written - 1] != '\n';
}

} // namespace

void stdio_channel::trim_locked() {
  auto& st = *st_;
  if (!st.finishing)
    return;
  if (!st.mid_line) {
    st.pending.clear();
    return;
  }
  if (auto nl = st.pending.find('\n'); nl != std::string::npos)
    st.pending.resize(nl + 1);
}

bool stdio_channel::send(const boost::json::value& msg, output_route route) {
  thread_local std::string buf;
  buf.clear();
  protocol::append_json(buf, msg);
  auto res = write_line(buf, route, true);
  trim(buf);
  return res;
}

bool stdio_channel::post(const boost::json::value& msg, output_route route) {
  thread_local std::string buf;
  buf.clear();
  protocol::append_json(buf, msg);
  auto res = write_line(buf, route, false);
  trim(buf);
  return res;
}

bool stdio_channel::send_text(std::string& json, output_route route) {
  return write_line(json, route, true);
}

bool stdio_channel::post_text(std::string& json, output_route route) {
  return write_line(json, route, false);
}

bool stdio_channel::write_line(std::string& json, output_route route,
                               bool urgent) {
  json.push_back('\n');
  if (!route.ends_request || !route.after_progress
      || st_->cfg.progress_settle_limit <= caf::timespan{0})
    return write_bytes(json, urgent);
  auto& st = *st_;
  std::unique_lock<std::mutex> guard{st.mtx};
  if (st.output_closed)
    return false;
  if (unread_locked() == 0) {
    guard.unlock();
    return write_bytes(json, urgent);
  }
  ++st.messages_out;
  auto deadline = std::chrono::steady_clock::now()
                  + std::chrono::duration_cast<std::chrono::nanoseconds>(
                    st.cfg.progress_settle_limit);
  st.settling.push_back({json, deadline, std::numeric_limits<size_t>::max()});
  st.settle_pause = std::chrono::microseconds(50);
  if (!st.writer_started) {
    st.writer_started = true;
    std::thread{[self = shared_from_this()] { self->write_loop(); }}.detach();
  }
  st.cv.notify_all();
  return true;
}

bool stdio_channel::write_bytes(std::string_view bytes, bool urgent) {
  auto& st = *st_;
  std::unique_lock<std::mutex> guard{st.mtx};
  if (st.output_closed)
    return false;
  ++st.messages_out;
  if (st.flushing || st.corked || !urgent) {
    if (st.pending.size() + bytes.size() > st.cfg.max_pending_output) {
      fail_output(std::to_string(st.pending.size() + bytes.size())
                  + " bytes of output pending: the client does not read");
      return false;
    }
    st.pending.append(bytes.data(), bytes.size());
    if (urgent) {
      st.pending_urgent = true;
      st.cv.notify_all();
    } else if (!st.flushing && !st.corked) {
      hand_off_locked();
    }
    return true;
  }
  st.flushing = true;
  guard.unlock();
  auto n = write_some(st.cfg.output_fd, bytes);
  auto err = errno;
  guard.lock();
  if (n < 0) {
    fail_output(errno_text("write", err));
    return false;
  }
  auto written = static_cast<size_t>(n);
  note_written(st.mid_line, bytes, written);
  if (written < bytes.size())
    st.pending.insert(0, bytes.data() + written, bytes.size() - written);
  flush_locked(guard);
  return true;
}

void stdio_channel::hand_off_locked() {
  auto& st = *st_;
  st.flushing = true;
  st.handoff = true;
  if (!st.writer_started) {
    st.writer_started = true;
    std::thread{[self = shared_from_this()] { self->write_loop(); }}.detach();
  }
  st.cv.notify_all();
}

void stdio_channel::flush_locked(std::unique_lock<std::mutex>& guard) {
  // Precondition: this thread set `flushing`.
  auto& st = *st_;
  std::string out;
  trim_locked();
  while (!st.pending.empty() && !st.output_closed) {
    out.clear();
    out.swap(st.pending);
    guard.unlock();
    auto n = write_some(st.cfg.output_fd, out);
    auto err = errno;
    guard.lock();
    if (n < 0) {
      fail_output(errno_text("write", err));
      break;
    }
    auto written = static_cast<size_t>(n);
    note_written(st.mid_line, out, written);
    if (written < out.size()) {
      // The peer stalls: what is left goes first, then what came meanwhile;
      // the helper thread takes over and this caller returns.
      out.erase(0, written);
      out.append(st.pending);
      st.pending.swap(out);
      hand_off_locked();
      return;
    }
  }
  st.flushing = false;
  st.retire_output_locked();
  st.cv.notify_all();
}

void stdio_channel::write_loop() {
  auto& st = *st_;
  std::unique_lock<std::mutex> guard{st.mtx};
  std::string out;
  for (;;) {
    auto woken = [&] { return st.handoff || st.output_closed; };
    if (st.settling.empty())
      st.cv.wait(guard, [&] { return woken() || !st.settling.empty(); });
    else
      st.cv.wait_for(guard, st.settle_pause, woken);
    if (!st.settling.empty())
      settle_locked();
    if (!st.handoff) {
      if (!st.output_closed)
        continue;
      st.writer_started = false;
      return;
    }
    trim_locked();
    while (!st.pending.empty() && !st.output_closed) {
      // Notifications alone may wait a moment for more, so that a burst
      // leaves in few large writes rather than many small ones.
      if (!st.pending_urgent && !st.finishing
          && st.pending.size() < gather_size)
        st.cv.wait_for(guard, gather_time, [&] {
          return st.pending_urgent || st.pending.size() >= gather_size
                 || st.output_closed;
        });
      st.pending_urgent = false;
      out.clear();
      out.swap(st.pending);
      guard.unlock();
      auto n = write_some(st.cfg.output_fd, out);
      auto err = errno;
      if (n >= 0 && static_cast<size_t>(n) < out.size()) {
        // The peer stalls: wait until it takes more (or the channel closes).
        pollfd fd{st.cfg.output_fd, POLLOUT, 0};
        ::poll(&fd, 1, 100);
      }
      guard.lock();
      if (n < 0) {
        fail_output(errno_text("write", err));
        break;
      }
      note_written(st.mid_line, out, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < out.size()) {
        out.erase(0, static_cast<size_t>(n));
        out.append(st.pending);
        st.pending.swap(out);
      }
      trim_locked();
    }
    st.handoff = false;
    st.flushing = false;
    st.retire_output_locked();
    st.cv.notify_all();
  }
}

void stdio_channel::fail_output(std::string why) {
  // Precondition: `mtx` is held.
  auto& st = *st_;
  st.output_closed = true;
  st.pending.clear();
  if (st.end_reason.empty())
    st.end_reason = std::move(why);
  st.stop_reading();
  st.cv.notify_all();
}

void stdio_channel::close() {
  auto& st = *st_;
  st.stop_reading();
  std::unique_lock<std::mutex> guard{st.mtx};
  if (st.output_closed)
    return;
  for (auto& x : st.settling)
    st.pending += x.line;
  st.settling.clear();
  if (!st.flushing && !st.pending.empty()) {
    // Nobody writes (the input thread may be corked and waiting for us).
    st.flushing = true;
    flush_locked(guard);
  }
  auto done = [&] {
    return (st.pending.empty() && !st.flushing) || st.output_closed;
  };
  if (!st.cv.wait_for(guard, st.cfg.close_grace, done)) {
    // The peer does not take it all: finish the line under way (briefly),
    // drop the messages after it.
    st.finishing = true;
    trim_locked();
    st.cv.notify_all();
    st.cv.wait_for(guard, std::chrono::milliseconds(500), done);
  }
  st.output_closed = true;
  st.pending.clear();
  if (st.saved_output_flags >= 0)
    ::fcntl(st.cfg.output_fd, F_SETFL, st.saved_output_flags);
  st.retire_output_locked();
  st.cv.notify_all();
}

size_t stdio_channel::unread_locked() {
  auto& st = *st_;
  if (st.output_closed)
    return 0;
  // Bytes a writer holds right now count as one unknown amount.
  auto queued = st.pending.size() + (st.flushing || st.corked ? 1 : 0);
  int unread = 0;
  if (st.unread_request == 0
      || ::ioctl(st.cfg.output_fd, st.unread_request, &unread) != 0
      || unread < 0)
    unread = 0;
  return queued + static_cast<size_t>(unread);
}

size_t stdio_channel::unread_output() {
  std::lock_guard<std::mutex> guard{st_->mtx};
  return unread_locked();
}

void stdio_channel::settle_locked() {
  // Precondition: `mtx` is held by the writer thread.
  auto& st = *st_;
  auto unread = unread_locked();
  auto now = std::chrono::steady_clock::now();
  auto limit = std::chrono::duration_cast<std::chrono::nanoseconds>(
    st.cfg.progress_settle_limit);
  auto released = false;
  auto i = st.settling.begin();
  while (i != st.settling.end()) {
    if (unread < i->unread)
      i->deadline = now + limit;
    i->unread = unread;
    if (unread > 0 && now < i->deadline && !st.output_closed) {
      ++i;
      continue;
    }
    st.pending += i->line;
    st.pending_urgent = true;
    i = st.settling.erase(i);
    released = true;
  }
  st.settle_pause = std::min(st.settle_pause * 2,
                             std::chrono::microseconds{2000});
  if (released && !st.flushing && !st.corked && !st.output_closed) {
    st.flushing = true;
    st.handoff = true;
  }
}

transport_stats stdio_channel::stats() const {
  transport_stats res;
  res.messages_in = st_->reader.messages_in();
  res.messages_out = st_->messages_out;
  res.malformed = st_->reader.malformed();
  res.oversized = st_->reader.oversized();
  return res;
}

bool stdio_channel::wait_closed(caf::timespan timeout) {
  auto& st = *st_;
  std::unique_lock<std::mutex> guard{st.mtx};
  return st.cv.wait_for(guard, timeout, [&] { return st.reader_done; });
}

} // namespace mcp::transports
