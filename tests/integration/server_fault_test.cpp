// Bad input against caf-mcp's server: raw lines written to the everything
// server (a real child process), each answered with the spec's error code,
// after which the server still answers ping.
#define CAF_SUITE integration.server_fault
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "transports/child_process.hpp"

#include "tests/integration/support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using mcp::transports::child_process;

namespace {

/// A client that writes raw lines to the server and reads what comes back.
struct fixture {
  std::optional<child_process> child;
  std::string pending;
  /// Every message received, in order.
  std::vector<json::value> received;

  fixture() {
    mcp::transports::child_process_spec spec;
    spec.command = CAF_MCP_EVERYTHING_SERVER;
    auto res = child_process::spawn(spec);
    CAF_REQUIRE(res.has_value());
    child.emplace(std::move(*res));
  }

  ~fixture() {
    if (child && child->stdin_fd() >= 0)
      ::shutdown(child->stdin_fd(), SHUT_WR);
  }

  void write_raw(std::string_view bytes) {
    while (!bytes.empty()) {
      auto n = ::send(child->stdin_fd(), bytes.data(), bytes.size(),
                      MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      CAF_REQUIRE(n > 0);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  /// Writes `text` as one line (its newlines become spaces).
  void line(std::string_view text) {
    std::string bytes{text};
    std::replace(bytes.begin(), bytes.end(), '\n', ' ');
    bytes += '\n';
    write_raw(bytes);
  }

  /// Reads the next message (10 s at most).
  json::value next() {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      if (auto nl = pending.find('\n'); nl != std::string::npos) {
        auto text = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        boost::system::error_code ec;
        auto msg = json::parse(text, ec);
        if (ec)
          CAF_FAIL("server wrote invalid JSON: " << text);
        received.push_back(msg);
        return msg;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        CAF_FAIL("no message from the server within 10 s");
      pollfd fd{child->stdout_fd(), POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(left.count()));
      char buf[65536];
      auto n = ::read(child->stdout_fd(), buf, sizeof(buf));
      if (n == 0)
        CAF_FAIL("the server closed its output");
      if (n > 0)
        pending.append(buf, static_cast<size_t>(n));
    }
  }

  /// Reads messages until the response with id `id` (skipping
  /// notifications).
  json::value response(const json::value& id) {
    for (;;) {
      auto msg = next();
      auto& obj = msg.as_object();
      if (!obj.contains("method") && obj.contains("id") && obj.at("id") == id)
        return msg;
      if (!obj.contains("method"))
        CAF_FAIL("unexpected response " << json::serialize(msg));
    }
  }

  /// Sends `text` and returns the error code of the response with `id`.
  int64_t error_of(std::string_view text, const json::value& id) {
    line(text);
    auto res = response(id);
    if (!res.as_object().contains("error"))
      CAF_FAIL("expected an error for " << text << ", got "
                                        << json::serialize(res));
    return res.at("error").at("code").as_int64();
  }

  /// Checks that the server still answers ping.
  void check_alive(int id) {
    line(R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
         + R"(,"method":"ping"})");
    auto res = response(id);
    CAF_CHECK_EQUAL(res.at("result"), json::value(json::object{}));
  }

  void initialize() {
    line(R"({"jsonrpc":"2.0","id":"init","method":"initialize","params":{
      "protocolVersion":"2025-11-25","capabilities":{},
      "clientInfo":{"name":"raw","version":"1"}}})");
    auto res = response("init");
    CAF_REQUIRE(res.as_object().contains("result"));
    line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }

  /// Returns how many received messages are responses with `id`.
  /// Whether the fixture's counter `key` reaches `value` within 5 s.
  bool fixture_counter_reaches(std::string_view key, int64_t value) {
    return mcp::test::fixture_counter_reaches(
      [&] {
        line(R"({"jsonrpc":"2.0","id":"stats","method":"tools/call",
                 "params":{"name":"fixture_stats"}})");
        return response("stats").at("result").at("structuredContent");
      },
      key, value);
  }

  size_t responses_with_id(const json::value& id) const {
    size_t res = 0;
    for (auto& msg : received)
      if (!msg.as_object().contains("method") && msg.at("id") == id)
        ++res;
    return res;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(server_fault_tests, fixture)

CAF_TEST(requests before initialize get a clear error) {
  CAF_CHECK_EQUAL(error_of(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})",
                           1),
                  -32600);
  auto& msg = received.back().at("error").at("message").as_string();
  CAF_CHECK(std::string_view{msg}.find("initialize") != std::string::npos);
  check_alive(2);
  initialize();
  CAF_CHECK_EQUAL(error_of(R"({"jsonrpc":"2.0","id":3,"method":"initialize",
    "params":{"protocolVersion":"2025-11-25","capabilities":{},
              "clientInfo":{"name":"raw","version":"1"}}})",
                           3),
                  -32600);
  check_alive(4);
}

CAF_TEST(malformed and invalid messages get parse and request errors) {
  initialize();
  CAF_CHECK_EQUAL(error_of("{not json", nullptr), -32700);
  check_alive(1);
  CAF_CHECK_EQUAL(error_of(R"({"foo":"bar"})", nullptr), -32600);
  CAF_CHECK_EQUAL(error_of(R"("just a string")", nullptr), -32600);
  CAF_CHECK_EQUAL(error_of(R"({"jsonrpc":"1.0","id":5,"method":"ping"})", 5),
                  -32600);
  CAF_CHECK_EQUAL(error_of(R"({"jsonrpc":"2.0","id":{"x":1},"method":"ping"})",
                           nullptr),
                  -32600);
  CAF_CHECK_EQUAL(error_of(R"([{"jsonrpc":"2.0","id":6,"method":"ping"}])",
                           nullptr),
                  -32600);
  check_alive(7);
}

CAF_TEST(unknown methods and wrong params get their codes) {
  initialize();
  CAF_CHECK_EQUAL(error_of(R"({"jsonrpc":"2.0","id":1,"method":"no/such"})", 1),
                  -32601);
  for (auto [text, id] :
       {std::pair{R"({"jsonrpc":"2.0","id":2,"method":"tools/call",
                     "params":{"name":5}})",
                  2},
        {R"({"jsonrpc":"2.0","id":3,"method":"resources/read","params":{}})",
         3},
        {R"({"jsonrpc":"2.0","id":4,"method":"prompts/get",
            "params":{"name":"test_prompt_with_arguments"}})",
         4},
        {R"({"jsonrpc":"2.0","id":5,"method":"logging/setLevel",
            "params":{"level":"LOUD"}})",
         5},
        {R"({"jsonrpc":"2.0","id":6,"method":"tools/list","params":[1]})", 6},
        {R"({"jsonrpc":"2.0","id":7,"method":"completion/complete",
            "params":{"ref":{"type":"ref/nothing"},
                      "argument":{"name":"a","value":"b"}}})",
         7},
        {R"({"jsonrpc":"2.0","id":8,"method":"tools/list",
            "params":{"cursor":"bogus"}})",
         8}})
    CAF_CHECK_EQUAL(error_of(text, id), -32602);
  CAF_CHECK_EQUAL(error_of(R"({"jsonrpc":"2.0","id":9,"method":"resources/read",
                             "params":{"uri":"test://none"}})",
                           9),
                  -32002);
  check_alive(10);
}

CAF_TEST(a throwing handler gives an internal error and nothing else breaks) {
  initialize();
  CAF_CHECK_EQUAL(error_of(R"({"jsonrpc":"2.0","id":1,"method":"tools/call",
                             "params":{"name":"throw"}})",
                           1),
                  -32603);
  check_alive(2);
}

CAF_TEST(an id in use is refused and a cancelled request stays silent) {
  initialize();
  line(R"({"jsonrpc":"2.0","id":50,"method":"tools/call",
           "params":{"name":"wait","arguments":{"seconds":30}}})");
  CAF_CHECK_EQUAL(error_of(R"({"jsonrpc":"2.0","id":50,"method":"ping"})", 50),
                  -32600);
  // Cancels once the handler runs; it stops (the fixture counts both) and
  // no response comes.
  CAF_CHECK(fixture_counter_reaches("started", 1));
  line(R"({"jsonrpc":"2.0","method":"notifications/cancelled",
           "params":{"requestId":50,"reason":"test"}})");
  CAF_CHECK(fixture_counter_reaches("cancelled", 1));
  check_alive(52);
  CAF_CHECK_EQUAL(responses_with_id(50), 1u);
}

CAF_TEST(oversized lines are refused without harm) {
  initialize();
  std::string huge = R"({"jsonrpc":"2.0","id":1,"method":"tools/call",)"
                     R"("params":{"name":"echo","arguments":{"message":")";
  huge.append(5 * 1024 * 1024, 'x');
  huge += R"("}}})";
  CAF_CHECK_EQUAL(error_of(huge, nullptr), -32600);
  check_alive(2);
  CAF_CHECK_EQUAL(responses_with_id(1), 0u);
}

CAF_TEST(stray responses from the client are ignored) {
  initialize();
  line(R"({"jsonrpc":"2.0","id":999,"result":{}})");
  line(R"({"jsonrpc":"2.0","id":"x","error":{"code":1,"message":"m"}})");
  check_alive(1);
  CAF_CHECK_EQUAL(received.size(), 2u);
}

CAF_TEST(a flood of requests is answered in full) {
  initialize();
  constexpr int n = 20000;
  std::string burst;
  for (int i = 1; i <= n; ++i)
    burst += R"({"jsonrpc":"2.0","id":)" + std::to_string(i)
             + (i % 2 == 0 ? R"(,"method":"ping"})"
                           : R"(,"method":"tools/call","params":{"name":"echo",)"
                             R"("arguments":{"message":"m"}}})")
             + "\n";
  // Write and read at once: the server stops reading while it has too many
  // requests running, so a writer that never read would wait forever.
  std::thread writer{[&] { write_raw(burst); }};
  std::vector<bool> seen(n + 1, false);
  for (int i = 0; i < n; ++i) {
    auto msg = next();
    auto id = msg.at("id").as_int64();
    CAF_REQUIRE(id >= 1 && id <= n && !seen[static_cast<size_t>(id)]);
    CAF_REQUIRE(msg.as_object().contains("result"));
    seen[static_cast<size_t>(id)] = true;
  }
  writer.join();
  check_alive(n + 1);
}

CAF_TEST(every line the server writes is valid utf8 json) {
  // `next` fails on a line that is not valid JSON in valid UTF-8.
  initialize();
  CAF_CHECK_EQUAL(
    error_of("{\"jsonrpc\":\"2.0\",\"id\":\"\xFF\xFE" "1\",\"method\":\"ping\"}",
             nullptr),
    -32700);
  std::string quoted{received.back().at("error").at("message").as_string()};
  CAF_CHECK(quoted.find("\\xFF\\xFE1") != std::string::npos);
  std::string accents = R"({"x":"a)";
  for (int i = 0; i < 300; ++i)
    accents += "\xC3\xA9";
  CAF_CHECK_EQUAL(error_of(accents, nullptr), -32700);
  check_alive(1);
}

CAF_TEST(numbers json cannot hold are refused both ways) {
  initialize();
  // 1e308 + 1e308 is infinity: the result cannot be written as JSON.
  auto sum = [&](std::string_view args, int id) {
    line(R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
         + R"(,"method":"tools/call","params":{"name":"add","arguments":)"
         + std::string{args} + "}}");
    return response(id);
  };
  auto res = sum(R"({"a":1e308,"b":1e308})", 2);
  CAF_REQUIRE(res.as_object().contains("error"));
  CAF_CHECK_EQUAL(res.at("error").at("code"), -32603);
  CAF_CHECK_EQUAL(res.at("error").at("data").at("path"),
                  "/structuredContent/sum");
  // 1e400 is beyond a double: refused as it comes in.
  res = sum(R"({"a":1e400,"b":-1e400})", 3);
  CAF_REQUIRE(res.as_object().contains("error"));
  CAF_CHECK_EQUAL(res.at("error").at("code"), -32602);
  CAF_CHECK(std::string_view{res.at("error").at("message").as_string()}.find(
              "/arguments/a")
            != std::string_view::npos);
  res = sum(R"({"a":1e300,"b":2})", 4);
  CAF_CHECK_EQUAL(res.at("result").at("structuredContent").at("sum"), 1e300);
  check_alive(5);
}

CAF_TEST(busy pooled handlers and one waiting on the client do not stall ping) {
  // Every pool thread computes, one handler waits for the client's answer:
  // the session still reads, answers ping and passes the answer on.
  line(R"({"jsonrpc":"2.0","id":"init","method":"initialize","params":{
    "protocolVersion":"2025-11-25","capabilities":{"sampling":{}},
    "clientInfo":{"name":"raw","version":"1"}}})");
  response("init");
  line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  std::this_thread::sleep_for(300ms);
  for (int i = 1; i <= 3; ++i)
    line(R"({"jsonrpc":"2.0","id":)" + std::to_string(i)
         + R"(,"method":"tools/call","params":{"name":"busy",)"
           R"("arguments":{"seconds":20}}})");
  line(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{
    "name":"test_sampling","arguments":{"prompt":"hi"}}})");
  std::this_thread::sleep_for(500ms);
  auto t0 = std::chrono::steady_clock::now();
  line(R"({"jsonrpc":"2.0","id":5,"method":"ping"})");
  bool pinged = false;
  bool sampled = false;
  while (!pinged || !sampled) {
    auto msg = next();
    auto& obj = msg.as_object();
    if (obj.contains("method")
        && obj.at("method") == "sampling/createMessage") {
      line(R"({"jsonrpc":"2.0","id":)" + json::serialize(obj.at("id"))
           + R"(,"result":{"role":"assistant","model":"m",
                "content":{"type":"text","text":"pong"}}})");
    } else if (!obj.contains("method") && obj.at("id") == 5) {
      pinged = true;
      CAF_CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    } else if (!obj.contains("method") && obj.at("id") == 4) {
      sampled = true;
      CAF_CHECK(obj.contains("result"));
    }
  }
  CAF_CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  for (int i = 1; i <= 3; ++i)
    line(R"({"jsonrpc":"2.0","method":"notifications/cancelled",)"
         R"("params":{"requestId":)" + std::to_string(i) + "}}");
  check_alive(6);
}

CAF_TEST(the server exits soon after its client closes its end mid calls) {
  initialize();
  for (int i = 1; i <= 4; ++i)
    line(R"({"jsonrpc":"2.0","id":)" + std::to_string(i)
         + R"(,"method":"tools/call","params":{"name":"busy",)"
           R"("arguments":{"seconds":30}}})");
  line(R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{
    "name":"stubborn","arguments":{"seconds":30}}})");
  check_alive(6);
  auto t0 = std::chrono::steady_clock::now();
  ::shutdown(child->stdin_fd(), SHUT_WR);
  std::optional<int> status;
  while (!status && std::chrono::steady_clock::now() - t0 < 15s) {
    status = child->try_wait();
    if (!status)
      std::this_thread::sleep_for(10ms);
  }
  CAF_REQUIRE(status.has_value());
  // The grace for answers (drain_timeout, 1 s), then cancellation, then at
  // most a second for handlers that ignore it.
  CAF_CHECK(std::chrono::steady_clock::now() - t0 < 4s);
  CAF_CHECK_EQUAL(mcp::transports::describe_wait_status(*status),
                  "exited with status 0");
}

CAF_TEST(the server exits cleanly when the client closes its end) {
  initialize();
  ::shutdown(child->stdin_fd(), SHUT_WR);
  std::optional<int> status;
  for (int i = 0; i < 1000 && !status; ++i) {
    status = child->try_wait();
    if (!status)
      std::this_thread::sleep_for(10ms);
  }
  CAF_REQUIRE(status.has_value());
  CAF_CHECK_EQUAL(mcp::transports::describe_wait_status(*status),
                  "exited with status 0");
}

CAF_TEST_FIXTURE_SCOPE_END()
