#include "transports/stdio_transport.hpp"

#include <algorithm>
#include <fcntl.h>
#include <optional>
#include <vector>
#include <sys/socket.h>
#include <unistd.h>


#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/system_messages.hpp>
#include <caf/actor_clock.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>

#include "protocol/json_text.hpp"
#include "transports/clean_broker.hpp"
#include "transports/json_line_reader.hpp"
#include "transports/messages.hpp"
#include "transports/read_sizer.hpp"

namespace mcp::transports {

namespace {

using reap_atom = caf::atom_constant<caf::atom("mcp_reap")>;
using flush_atom = caf::atom_constant<caf::atom("mcp_flush")>;

// Messages a broker sends itself are sent anonymously: in CAF 0.17 a message
// that carries its broker as sender and arrives after the broker quit keeps
// the broker alive forever (a reference cycle through its closed mailbox).


enum class phase {
  /// Running normally.
  open,
  /// Our side asked for the end: flushing, then closing the child's stdin.
  flushing,
  /// Stdin closed or stdout gone: waiting for the child to exit.
  reaping,
  /// SIGTERM sent.
  terminating,
  /// SIGKILL sent.
  killed,
};

struct state {
  stdio_transport_config cfg;
  std::optional<child_process> child;
  std::optional<json_line_reader> reader;
  caf::actor owner;
  /// Writes to the child's stdin.
  caf::io::connection_handle to_child;
  /// Reads the child's stdout.
  caf::io::connection_handle from_child;
  read_sizer reads;
  /// Reads the child's stderr.
  caf::io::connection_handle err;
  int to_child_fd = -1;
  /// Whether the child's stdin still takes data.
  bool writable = true;
  /// Whether the child's stdout is still open.
  bool io_open = true;
  bool err_open = true;
  bool exited = false;
  phase stage = phase::open;
  caf::actor_clock::time_point deadline;
  caf::timespan poll_interval = std::chrono::milliseconds(1);
  std::string stderr_tail;
  /// Serialized output not yet written.
  std::string out;
  /// Whether a `flush_atom` to ourselves is on its way.
  bool flush_scheduled = false;
  /// Whether CAF's scribe holds output we could not write at once; until it
  /// drained, all output goes through the scribe to keep the order.
  bool scribe_writing = false;
  /// Bytes handed to the scribe and not yet written, as of its last report.
  size_t scribe_pending = 0;
  transport_stats stats;
  std::string end_reason;

  static inline const char* name = "mcp_stdio_transport";
};

using broker_t = clean_stateful_broker<state>;

void keep_stderr(state& st, std::string_view bytes) {
  if (st.cfg.echo_stderr) {
    auto rc = ::write(STDERR_FILENO, bytes.data(), bytes.size());
    static_cast<void>(rc);
  }
  auto limit = st.cfg.stderr_tail_size;
  if (limit == 0)
    return;
  if (bytes.size() >= limit) {
    st.stderr_tail.assign(bytes.substr(bytes.size() - limit));
    return;
  }
  st.stderr_tail.append(bytes.data(), bytes.size());
  if (st.stderr_tail.size() > 2 * limit)
    st.stderr_tail.erase(0, st.stderr_tail.size() - limit);
}

/// Returns a function that sends what the reader decodes to the owner.
auto to_owner(broker_t* self) {
  return [self](auto&&... xs) {
    self->send(self->state.owner, std::forward<decltype(xs)>(xs)...);
  };
}

void begin_close(broker_t* self, std::string reason);

/// Serializes `msg` into the output buffer; the buffer is written when the
/// messages queued before the first unwritten one have been handled, so a
/// burst of messages costs one system call.
void write_message(broker_t* self, const boost::json::value& msg) {
  auto& st = self->state;
  protocol::append_json(st.out, msg);
  st.out.push_back('\n');
  ++st.stats.messages_out;
  if (st.out.size() + st.scribe_pending > st.cfg.max_pending_output) {
    // The child stopped reading its stdin: end the connection rather than
    // buffer without bound.
    auto pending = st.out.size() + st.scribe_pending;
    st.out.clear();
    self->send(st.owner,
               transport_fault{fault_kind::output_overflow,
                               std::to_string(pending)
                                 + " bytes of output pending: the server "
                                   "does not read its input"});
    begin_close(self, "server did not read its input");
    return;
  }
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    caf::anon_send(caf::actor_cast<caf::actor>(self), flush_atom::value);
  }
}

/// Writes the output buffer straight to the socket; what the socket does
/// not take at once goes to CAF's scribe, which writes it when it can.
void write_out(broker_t* self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.out.empty() || !st.writable) {
    st.out.clear();
    return;
  }
  size_t written = 0;
  // The socket number is the scribe's only while the broker has it (once
  // its closed message is on the way, the number may be another socket's).
  if (!st.scribe_writing && self->valid(st.to_child)) {
    auto n = ::send(st.to_child_fd, st.out.data(), st.out.size(),
                    MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0)
      written = static_cast<size_t>(n);
  }
  if (written < st.out.size()) {
    auto& buf = self->wr_buf(st.to_child);
    buf.insert(buf.end(), st.out.begin() + static_cast<ptrdiff_t>(written),
               st.out.end());
    st.scribe_pending += st.out.size() - written;
    if (!st.scribe_writing) {
      st.scribe_writing = true;
      self->ack_writes(st.to_child, true);
    }
    self->flush(st.to_child);
  }
  st.out.clear();
  if (st.out.capacity() > (1u << 20))
    std::string{}.swap(st.out);
}

void finish(broker_t* self) {
  auto& st = self->state;
  transport_closed msg;
  if (st.child && st.child->exit_status())
    msg.description = "server process "
                      + describe_wait_status(*st.child->exit_status());
  else
    msg.description = "server process could not be reaped";
  if (!st.end_reason.empty())
    msg.description += " (" + st.end_reason + ")";
  if (!st.stderr_tail.empty()) {
    msg.description += "; stderr tail: ";
    msg.description += st.stderr_tail;
  }
  self->send(st.owner, std::move(msg));
  self->quit();
}

void schedule_reap(broker_t* self) {
  auto& st = self->state;
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), st.poll_interval,
                         reap_atom::value);
  st.poll_interval = std::min<caf::timespan>(st.poll_interval * 2,
                                             std::chrono::milliseconds(50));
}

/// Checks whether the child is gone; escalates once a grace period ends.
/// After the child exited, waits briefly for both sockets to drain so that
/// its last output and stderr are not lost.
void reap(broker_t* self) {
  auto& st = self->state;
  auto now = self->clock().now();
  if (st.child->try_wait()) {
    if (!st.exited) {
      st.exited = true;
      st.deadline = now + std::chrono::milliseconds(200);
    }
    if ((!st.io_open && !st.err_open) || now >= st.deadline) {
      finish(self);
      return;
    }
    schedule_reap(self);
    return;
  }
  if (now >= st.deadline) {
    if (st.stage == phase::reaping) {
      st.child->terminate();
      st.stage = phase::terminating;
      st.deadline = now + st.cfg.terminate_grace;
    } else if (st.stage == phase::terminating) {
      st.child->kill();
      st.stage = phase::killed;
      st.deadline = now + std::chrono::seconds(5);
    } else {
      // Not even SIGKILL ended it (uninterruptible sleep): stop waiting;
      // the child_process destructor tries once more.
      finish(self);
      return;
    }
  }
  schedule_reap(self);
}

void start_reaping(broker_t* self) {
  auto& st = self->state;
  if (st.stage == phase::reaping || st.stage == phase::terminating
      || st.stage == phase::killed)
    return;
  st.stage = phase::reaping;
  st.deadline = self->clock().now() + st.cfg.close_grace;
  reap(self);
}

/// Closes the child's stdin once everything written has left.
void close_input(broker_t* self) {
  auto& st = self->state;
  if (st.writable && st.to_child_fd >= 0 && self->valid(st.to_child))
    ::shutdown(st.to_child_fd, SHUT_WR);
  start_reaping(self);
}

void begin_close(broker_t* self, std::string reason) {
  auto& st = self->state;
  if (st.stage != phase::open)
    return;
  if (st.end_reason.empty())
    st.end_reason = std::move(reason);
  if (!st.writable) {
    start_reaping(self);
    return;
  }
  write_out(self);
  st.stage = phase::flushing;
  if (!st.scribe_writing) {
    close_input(self);
    return;
  }
  self->flush(st.to_child);
  // Closes the input anyway if the child does not read what is left in time.
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), st.cfg.close_grace,
                         close_atom::value);
}

caf::behavior stdio_transport(broker_t* self, stdio_transport_config cfg,
                              caf::actor owner, int in_fd, int out_fd,
                              int err_fd,
                              std::shared_ptr<child_process> child) {
  auto& st = self->state;
  st.reader.emplace(cfg.max_line_size);
  st.cfg = std::move(cfg);
  st.child.emplace(std::move(*child));
  st.owner = std::move(owner);
  st.to_child_fd = in_fd;
  st.to_child = self->add_scribe(in_fd);
  st.from_child = self->add_scribe(out_fd);
  st.err = self->add_scribe(err_fd);
  self->configure_read(st.from_child,
                       caf::io::receive_policy::at_most(st.reads.size()));
  self->configure_read(st.err, caf::io::receive_policy::at_most(4096));
  self->monitor(st.owner);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == self->state.owner)
      begin_close(self, "owner went down");
  });
  self->set_exit_handler([=](caf::exit_msg& em) {
    if (em.reason == caf::exit_reason::kill) {
      self->quit(em.reason);
      return;
    }
    begin_close(self, "asked to exit");
  });
  return {
    [=](outbound_atom, const boost::json::value& msg) {
      if (self->state.stage == phase::open && self->state.writable)
        write_message(self, msg);
    },
    [=](outbound_atom, const boost::json::value& msg, const message_headers&) {
      // A pipe has no headers.
      if (self->state.stage == phase::open && self->state.writable)
        write_message(self, msg);
    },
    [](stateless_atom, bool) {
      // Newline-delimited JSON is the same in both eras.
    },
    [](abandon_atom, const std::string&) {
      // One pipe carries every response: nothing to end.
    },
    [=](close_atom) {
      auto& st = self->state;
      if (st.stage == phase::open)
        begin_close(self, "closed by owner");
      else if (st.stage == phase::flushing)
        close_input(self);
    },
    [=](flush_atom) { write_out(self); },
    [](protocol_version_atom, const std::string&) {
      // Newline-delimited JSON carries no version.
    },
    [=](caf::io::data_transferred_msg& msg) {
      auto& st = self->state;
      st.scribe_pending = msg.remaining;
      if (msg.remaining > 0 || !st.scribe_writing)
        return;
      st.scribe_writing = false;
      self->ack_writes(st.to_child, false);
      if (st.stage == phase::flushing)
        close_input(self);
    },
    [=](stats_atom) {
      auto& st = self->state;
      auto res = st.stats;
      res.messages_in = st.reader->messages_in();
      res.malformed = st.reader->malformed();
      res.oversized = st.reader->oversized();
      return res;
    },
    [=](reap_atom) {
      auto stage = self->state.stage;
      if (stage == phase::reaping || stage == phase::terminating
          || stage == phase::killed)
        reap(self);
    },
    [=](caf::io::new_data_msg& msg) {
      auto& st = self->state;
      std::string_view bytes{msg.buf.data(), msg.buf.size()};
      if (msg.handle == st.err) {
        keep_stderr(st, bytes);
        return;
      }
      st.reader->feed(bytes, to_owner(self));
      if (st.reads.after_read(bytes.size()))
        self->configure_read(st.from_child, caf::io::receive_policy::at_most(
                                              st.reads.size()));
    },
    [=](caf::io::connection_closed_msg& msg) {
      auto& st = self->state;
      if (msg.handle == st.err) {
        st.err_open = false;
        if (st.exited)
          reap(self);
        return;
      }
      if (msg.handle == st.to_child) {
        st.writable = false;
        st.scribe_writing = false;
        st.out.clear();
        if (st.stage == phase::flushing)
          close_input(self);
        return;
      }
      st.io_open = false;
      // Nothing it says can reach us any more: tell it to stop too.
      if (st.writable && st.to_child_fd >= 0 && self->valid(st.to_child))
        ::shutdown(st.to_child_fd, SHUT_WR);
      st.reader->finish(to_owner(self));
      if (st.end_reason.empty() && st.stage == phase::open)
        st.end_reason = "closed its stdout";
      if (st.exited)
        reap(self);
      else
        start_reaping(self);
    },
  };
}

} // namespace

caf::expected<caf::actor> spawn_stdio_transport(caf::actor_system& sys,
                                                stdio_transport_config cfg,
                                                caf::actor owner) {
  auto child = child_process::spawn(cfg.child);
  if (!child)
    return caf::make_error(caf::sec::runtime_error, child.error());
  auto in_fd = child->release_stdin_fd();
  auto out_fd = child->release_stdout_fd();
  auto err_fd = child->release_stderr_fd();
  for (auto fd : {in_fd, out_fd, err_fd})
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  auto shared = std::make_shared<child_process>(std::move(*child));
  return sys.middleman().spawn_broker(stdio_transport, std::move(cfg),
                                      std::move(owner), in_fd, out_fd, err_fd,
                                      std::move(shared));
}

} // namespace mcp::transports
