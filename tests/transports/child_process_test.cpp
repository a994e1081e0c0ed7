#define CAF_SUITE transports.child_process
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "transports/child_process.hpp"

using namespace mcp::transports;

namespace {

std::string read_all(int fd) {
  std::string res;
  char buf[256];
  for (;;) {
    auto n = ::read(fd, buf, sizeof(buf));
    if (n <= 0)
      return res;
    res.append(buf, static_cast<size_t>(n));
  }
}

void write_all(int fd, std::string_view x) {
  while (!x.empty()) {
    auto n = ::write(fd, x.data(), x.size());
    if (n <= 0)
      return;
    x.remove_prefix(static_cast<size_t>(n));
  }
}

} // namespace

CAF_TEST(stdin stdout and stderr each have a socket) {
  child_process_spec spec;
  spec.command = "sh";
  spec.args = {"-c", "read x; echo \"got $x\"; echo oops >&2; exit 4"};
  auto child = child_process::spawn(spec);
  CAF_REQUIRE(child.has_value());
  write_all(child->stdin_fd(), "hello\n");
  ::shutdown(child->stdin_fd(), SHUT_WR);
  CAF_CHECK_EQUAL(read_all(child->stdout_fd()), "got hello\n");
  CAF_CHECK_EQUAL(read_all(child->stderr_fd()), "oops\n");
  auto status = child->wait();
  CAF_CHECK(WIFEXITED(status));
  CAF_CHECK_EQUAL(WEXITSTATUS(status), 4);
  CAF_CHECK_EQUAL(describe_wait_status(status), "exited with status 4");
}

CAF_TEST(environment and working directory are applied) {
  child_process_spec spec;
  spec.command = "sh";
  spec.args = {"-c", "echo \"$CAF_MCP_TEST_VAR $(pwd)\""};
  spec.env = {{"CAF_MCP_TEST_VAR", "v1"}};
  spec.working_dir = "/tmp";
  auto child = child_process::spawn(spec);
  CAF_REQUIRE(child.has_value());
  CAF_CHECK_EQUAL(read_all(child->stdout_fd()), "v1 /tmp\n");
  CAF_CHECK_EQUAL(child->wait(), 0);
}

CAF_TEST(a missing program is an error value) {
  child_process_spec spec;
  spec.command = "/nonexistent/caf-mcp-no-such-program";
  auto child = child_process::spawn(spec);
  CAF_REQUIRE(!child.has_value());
  CAF_CHECK(child.error().find("caf-mcp-no-such-program")
            != std::string::npos);
  spec.command.clear();
  CAF_CHECK(!child_process::spawn(spec).has_value());
}

CAF_TEST(try_wait does not block and the destructor kills a live child) {
  child_process_spec spec;
  spec.command = "sleep";
  spec.args = {"30"};
  pid_t pid = 0;
  {
    auto child = child_process::spawn(spec);
    CAF_REQUIRE(child.has_value());
    pid = child->pid();
    CAF_CHECK(!child->try_wait().has_value());
  }
  CAF_CHECK_EQUAL(::kill(pid, 0), -1);
}

CAF_TEST(terminate ends a child with SIGTERM) {
  child_process_spec spec;
  spec.command = "sleep";
  spec.args = {"30"};
  auto child = child_process::spawn(spec);
  CAF_REQUIRE(child.has_value());
  child->terminate();
  auto status = child->wait();
  CAF_CHECK(WIFSIGNALED(status));
  CAF_CHECK_EQUAL(WTERMSIG(status), SIGTERM);
  CAF_CHECK(describe_wait_status(status).find("TERM") != std::string::npos);
}

CAF_TEST(a child that closes stdout is seen while it still reads stdin) {
  child_process_spec spec;
  spec.command = "sh";
  spec.args = {"-c", "exec 1>&-; cat > /dev/null"};
  auto child = child_process::spawn(spec);
  CAF_REQUIRE(child.has_value());
  CAF_CHECK_EQUAL(read_all(child->stdout_fd()), "");
  CAF_CHECK(!child->try_wait().has_value());
  ::shutdown(child->stdin_fd(), SHUT_WR);
  CAF_CHECK_EQUAL(child->wait(), 0);
}

CAF_TEST(signals reach the whole process group of the child) {
  child_process_spec spec;
  spec.command = "sh";
  spec.args = {"-c", "sleep 30 & echo $!; wait"};
  auto child = child_process::spawn(spec);
  CAF_REQUIRE(child.has_value());
  std::string line;
  char c;
  while (::read(child->stdout_fd(), &c, 1) == 1 && c != '\n')
    line += c;
  auto grandchild = static_cast<pid_t>(std::stol(line));
  child->kill();
  child->wait();
  // Gone means no such process, or a zombie waiting for its new parent.
  auto is_gone = [&] {
    if (::kill(grandchild, 0) != 0)
      return true;
    std::ifstream stat{"/proc/" + std::to_string(grandchild) + "/stat"};
    std::string pid, name, state;
    stat >> pid >> name >> state;
    return state == "Z";
  };
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = is_gone();
    if (!gone)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CAF_CHECK(gone);
}
