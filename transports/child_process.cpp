#include "transports/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace mcp::transports {

namespace {

struct fd_pair {
  int fds[2] = {-1, -1};

  ~fd_pair() {
    for (auto fd : fds)
      if (fd >= 0)
        ::close(fd);
  }

  bool open() {
    return ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0;
  }
};

std::string errno_text(const char* what, int err) {
  std::string res = what;
  res += ": ";
  res += std::strerror(err);
  return res;
}

std::vector<std::string> make_environment(const child_process_spec& spec) {
  std::vector<std::string> res;
  if (spec.inherit_env)
    for (auto e = environ; e != nullptr && *e != nullptr; ++e) {
      std::string_view entry{*e};
      auto overridden = false;
      for (auto& [key, _] : spec.env)
        if (entry.size() > key.size() && entry.substr(0, key.size()) == key
            && entry[key.size()] == '=')
          overridden = true;
      if (!overridden)
        res.emplace_back(entry);
    }
  for (auto& [key, value] : spec.env)
    res.emplace_back(key + "=" + value);
  return res;
}

} // namespace

child_process::child_process(child_process&& other) noexcept
  : pid_(std::exchange(other.pid_, 0)),
    stdin_fd_(std::exchange(other.stdin_fd_, -1)),
    stdout_fd_(std::exchange(other.stdout_fd_, -1)),
    stderr_fd_(std::exchange(other.stderr_fd_, -1)),
    status_(other.status_) {
  // nop
}

child_process& child_process::operator=(child_process&& other) noexcept {
  if (this != &other) {
    this->~child_process();
    new (this) child_process(std::move(other));
  }
  return *this;
}

child_process::~child_process() {
  close_fds();
  if (pid_ > 0 && !status_) {
    kill();
    wait();
  }
}

void child_process::close_fds() noexcept {
  if (stdin_fd_ >= 0)
    ::close(std::exchange(stdin_fd_, -1));
  if (stdout_fd_ >= 0)
    ::close(std::exchange(stdout_fd_, -1));
  if (stderr_fd_ >= 0)
    ::close(std::exchange(stderr_fd_, -1));
}

boost::system::result<child_process, std::string>
child_process::spawn(const child_process_spec& spec) {
  if (spec.command.empty())
    return std::string{"no command given"};
  fd_pair in;
  fd_pair out;
  fd_pair err;
  if (!in.open() || !out.open() || !err.open())
    return errno_text("socketpair", errno);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fds[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], STDERR_FILENO);
  if (!spec.working_dir.empty())
    posix_spawn_file_actions_addchdir_np(&actions, spec.working_dir.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t no_mask;
  sigemptyset(&no_mask);
  posix_spawnattr_setsigmask(&attr, &no_mask);
  // Its own process group, so that terminate() and kill() reach what it
  // started too (servers run through npx or a shell).
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
                                    | POSIX_SPAWN_SETPGROUP);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(spec.command.c_str()));
  for (auto& arg : spec.args)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  auto env_strings = make_environment(spec);
  std::vector<char*> envp;
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  auto rc = posix_spawnp(&pid, spec.command.c_str(), &actions, &attr,
                         argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    return errno_text(("cannot start " + spec.command).c_str(), rc);
  child_process res;
  res.pid_ = pid;
  res.stdin_fd_ = std::exchange(in.fds[0], -1);
  res.stdout_fd_ = std::exchange(out.fds[0], -1);
  // Our ends only write to stdin and only read from stdout.
  ::shutdown(res.stdin_fd_, SHUT_RD);
  ::shutdown(res.stdout_fd_, SHUT_WR);
  res.stderr_fd_ = std::exchange(err.fds[0], -1);
  return res;
}

std::optional<int> child_process::try_wait() {
  if (status_ || pid_ <= 0)
    return status_;
  int status = 0;
  auto rc = ::waitpid(pid_, &status, WNOHANG);
  if (rc == pid_)
    status_ = status;
  else if (rc < 0 && errno == ECHILD)
    status_ = 0;
  return status_;
}

int child_process::wait() {
  while (!status_ && pid_ > 0) {
    int status = 0;
    auto rc = ::waitpid(pid_, &status, 0);
    if (rc == pid_)
      status_ = status;
    else if (rc < 0 && errno != EINTR)
      status_ = 0;
  }
  return status_.value_or(0);
}

void child_process::terminate() noexcept {
  if (pid_ > 0 && !status_)
    ::kill(-pid_, SIGTERM);
}

void child_process::kill() noexcept {
  if (pid_ > 0 && !status_)
    ::kill(-pid_, SIGKILL);
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status))
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    std::string res = "killed by signal ";
    res += std::to_string(WTERMSIG(status));
    if (auto name = ::sigabbrev_np(WTERMSIG(status)))
      (res += " (SIG") += name, res += ")";
    return res;
  }
  return "ended with wait status " + std::to_string(status);
}

} // namespace mcp::transports
