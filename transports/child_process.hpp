#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

#include <boost/system/result.hpp>

namespace mcp::transports {

/// What to run as a child process.
struct child_process_spec {
  /// The program; looked up in `PATH` when it has no slash.
  std::string command;
  /// Arguments after the program name.
  std::vector<std::string> args;
  /// Variables to set (or override) in the child's environment.
  std::vector<std::pair<std::string, std::string>> env;
  /// Whether the child starts from this process's environment.
  bool inherit_env = true;
  /// The child's working directory; empty keeps ours.
  std::string working_dir;
};

/// A child process whose stdin, stdout and stderr are each one end of a
/// Unix stream socket pair, so that socket-based I/O multiplexers can serve
/// them, and a child that closes its stdout is noticed even while it keeps
/// reading its stdin. The destructor kills and reaps a child that
/// is still running, so a child never outlives its owner.
class child_process {
public:
  // -- constructors, destructors, and assignment operators --------------------

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  child_process(child_process&& other) noexcept;
  child_process& operator=(child_process&& other) noexcept;
  ~child_process();

  /// Starts `spec`; fails with a description when the program cannot start.
  static boost::system::result<child_process, std::string>
  spawn(const child_process_spec& spec);

  // -- properties -------------------------------------------------------------

  /// Returns the process id (0 once reaped).
  pid_t pid() const noexcept {
    return pid_;
  }

  /// Returns our end of the child's stdin socket (-1 once released).
  int stdin_fd() const noexcept {
    return stdin_fd_;
  }

  /// Returns our end of the child's stdout socket (-1 once released).
  int stdout_fd() const noexcept {
    return stdout_fd_;
  }

  /// Returns our end of the child's stderr socket (-1 once released).
  int stderr_fd() const noexcept {
    return stderr_fd_;
  }

  /// Returns the wait status once the child was reaped.
  std::optional<int> exit_status() const noexcept {
    return status_;
  }

  // -- ownership --------------------------------------------------------------

  /// Gives up ownership of our stdin socket end (e.g., to a multiplexer).
  int release_stdin_fd() noexcept {
    return std::exchange(stdin_fd_, -1);
  }

  /// Gives up ownership of our stdout socket end.
  int release_stdout_fd() noexcept {
    return std::exchange(stdout_fd_, -1);
  }

  /// Gives up ownership of our stderr socket end.
  int release_stderr_fd() noexcept {
    return std::exchange(stderr_fd_, -1);
  }

  // -- process control --------------------------------------------------------

  /// Reaps the child if it has exited, without blocking.
  std::optional<int> try_wait();

  /// Blocks until the child exits; returns its wait status.
  int wait();

  /// Sends SIGTERM to the child's process group (it leads its own).
  void terminate() noexcept;

  /// Sends SIGKILL to the child's process group.
  void kill() noexcept;

private:
  child_process() = default;

  void close_fds() noexcept;

  pid_t pid_ = 0;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::optional<int> status_;
};

/// Describes a wait status: "exited with status 3", "killed by signal 9".
std::string describe_wait_status(int status);

} // namespace mcp::transports
