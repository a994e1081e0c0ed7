// The stdio transport against real child processes: framing, closing and
// escalation to SIGTERM/SIGKILL.
#define CAF_SUITE integration.stdio_transport
#include <caf/test/unit_test.hpp>

#include <csignal>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/system_config.hpp"
#include "transports/messages.hpp"
#include "transports/child_process.hpp"
#include "transports/stdio_transport.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using namespace mcp::transports;

namespace {

bool ends_with(const std::string& x, std::string_view suffix) {
  return x.size() >= suffix.size()
         && x.compare(x.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct fixture {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};

  caf::actor start(std::string script, stdio_transport_config tcfg = {}) {
    tcfg.child.command = "sh";
    tcfg.child.args = {"-c", std::move(script)};
    auto res = spawn_stdio_transport(sys, tcfg, self);
    CAF_REQUIRE(static_cast<bool>(res));
    return *res;
  }

  transport_closed wait_closed() {
    transport_closed res;
    bool got = false;
    while (!got)
      self->receive([&](transport_closed& x) { res = std::move(x), got = true; },
                    [](inbound_atom, json::value&) {},
                    [](inbound_atom, std::vector<json::value>&) {},
                    [](transport_fault&) {},
                    caf::after(10s) >> [&] {
                      CAF_FAIL("transport did not close");
                    });
    return res;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(stdio_transport_tests, fixture)

CAF_TEST(messages round trip in order through a child) {
  auto t = start("exec cat");
  for (int i = 0; i < 1000; ++i)
    self->send(t, outbound_atom::value,
               json::value(json::object{{"n", i}, {"s", "x\"y\n"}}));
  std::vector<json::value> got;
  while (got.size() < 1000)
    self->receive(
      [&](inbound_atom, json::value& v) { got.push_back(std::move(v)); },
      [&](inbound_atom, std::vector<json::value>& batch) {
        for (auto& v : batch)
          got.push_back(std::move(v));
      },
      caf::after(10s) >> [] { CAF_FAIL("message lost"); });
  for (int i = 0; i < 1000; ++i) {
    CAF_CHECK_EQUAL(got[static_cast<size_t>(i)].at("n").as_int64(), i);
    CAF_CHECK_EQUAL(got[static_cast<size_t>(i)].at("s").as_string(), "x\"y\n");
  }
  self->send(t, close_atom::value);
  auto closed = wait_closed();
  CAF_CHECK_EQUAL(closed.description.rfind(
                    "server process " + describe_wait_status(0), 0),
                  0u);
}

CAF_TEST(bad lines are reported and the stream goes on) {
  stdio_transport_config tcfg;
  tcfg.max_line_size = 100;
  auto t = start("printf 'not json\\n%0200d\\n{\"ok\":1}\\n'; sleep 30", tcfg);
  std::vector<fault_kind> faults;
  json::value good;
  while (good.is_null())
    self->receive([&](transport_fault& f) { faults.push_back(f.kind); },
                  [&](inbound_atom, json::value& v) { good = std::move(v); },
                  [&](inbound_atom, std::vector<json::value>& v) {
                    good = std::move(v.front());
                  },
                  caf::after(10s) >> [] { CAF_FAIL("no message"); });
  CAF_CHECK_EQUAL(good.at("ok").as_int64(), 1);
  CAF_REQUIRE_EQUAL(faults.size(), 2u);
  CAF_CHECK(faults[0] == fault_kind::malformed_message);
  CAF_CHECK(faults[1] == fault_kind::oversized_message);
  self->send_exit(t, caf::exit_reason::kill);
}

CAF_TEST(a child that ignores end of input and TERM is killed after the graces) {
  stdio_transport_config tcfg;
  tcfg.close_grace = 100ms;
  tcfg.terminate_grace = 100ms;
  auto t = start("trap '' TERM; echo ready >&2; while true; do sleep 1; done",
                 tcfg);
  self->send(t, close_atom::value);
  auto closed = wait_closed();
  CAF_CHECK(closed.description.find("killed by signal 9")
            != std::string::npos);
  CAF_CHECK(closed.description.find("; stderr tail: ready")
            != std::string::npos);
}

CAF_TEST(output a child does not read is bounded) {
  stdio_transport_config tcfg;
  tcfg.max_pending_output = 256 * 1024;
  tcfg.close_grace = 100ms;
  tcfg.terminate_grace = 100ms;
  auto t = start("exec sleep 30", tcfg);
  std::string big(8 * 1024, 'x');
  for (int i = 0; i < 200; ++i)
    self->send(t, outbound_atom::value, json::value(big));
  bool overflow = false;
  transport_closed closed;
  bool got = false;
  while (!got)
    self->receive(
      [&](transport_fault& f) {
        overflow = overflow || f.kind == fault_kind::output_overflow;
      },
      [&](transport_closed& x) { closed = std::move(x), got = true; },
      caf::after(10s) >> [] { CAF_FAIL("transport did not give up"); });
  CAF_CHECK(overflow);
  CAF_CHECK(closed.description.find("did not read its input")
            != std::string::npos);
}

CAF_TEST(a child that closes stdout but reads on is told to stop) {
  auto t = start("exec 1>&-; cat > /dev/null; echo 'stdin closed' >&2");
  auto closed = wait_closed();
  CAF_CHECK(closed.description.find("exited with status 0")
            != std::string::npos);
  CAF_CHECK(closed.description.find("closed its stdout") != std::string::npos);
  CAF_CHECK(ends_with(closed.description, "; stderr tail: stdin closed\n"));
}

CAF_TEST(a child that exits is reported with its status and stderr) {
  auto t = start("echo 'last words' >&2; exit 7");
  auto closed = wait_closed();
  CAF_CHECK(closed.description.find("exited with status 7")
            != std::string::npos);
  CAF_CHECK(ends_with(closed.description, "; stderr tail: last words\n"));
}

CAF_TEST(the child is closed when its owner goes down) {
  auto marker = "/tmp/caf-mcp-owner-test-" + std::to_string(::getpid());
  std::remove(marker.c_str());
  {
    caf::scoped_actor owner{sys};
    stdio_transport_config tcfg;
    tcfg.child.command = "sh";
    tcfg.child.args = {"-c", "cat > /dev/null; echo eof > " + marker};
    auto t = spawn_stdio_transport(sys, tcfg, owner);
    CAF_REQUIRE(static_cast<bool>(t));
  }
  bool seen = false;
  for (int i = 0; i < 500 && !seen; ++i) {
    seen = ::access(marker.c_str(), F_OK) == 0;
    if (!seen)
      std::this_thread::sleep_for(10ms);
  }
  CAF_CHECK(seen);
  std::remove(marker.c_str());
}

CAF_TEST_FIXTURE_SCOPE_END()
