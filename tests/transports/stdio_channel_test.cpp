// The stdio channel over a socket pair: the test holds the peer's end.
#define CAF_SUITE transports.stdio_channel
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/system_config.hpp"
#include "transports/messages.hpp"
#include "transports/stdio_channel.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using namespace mcp::transports;

namespace {

struct config : caf::actor_system_config {
  config() {
    mcp::init_message_types(*this);
  }
};

struct fixture {
  config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor owner{sys};
  /// The channel's descriptor and the peer's.
  int ours = -1;
  int peer = -1;
  std::shared_ptr<stdio_channel> channel;

  fixture() {
    int fds[2];
    CAF_REQUIRE_EQUAL(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ours = fds[0];
    peer = fds[1];
  }

  ~fixture() {
    if (channel) {
      channel->close();
      channel->wait_closed(5s);
    }
    ::close(peer);
  }

  void start(stdio_channel_config c = {}) {
    c.input_fd = ours;
    c.output_fd = ours;
    channel = stdio_channel::make(sys, c);
    channel->start(owner);
  }

  void peer_write(std::string_view x) {
    while (!x.empty()) {
      auto n = ::write(peer, x.data(), x.size());
      CAF_REQUIRE(n > 0);
      x.remove_prefix(static_cast<size_t>(n));
    }
  }

  /// Waits until the peer's socket holds at least `n` unread bytes (5 s at
  /// most); returns how many it holds.
  size_t wait_peer_unread(size_t n) {
    int unread = 0;
    for (int i = 0; i < 5000; ++i) {
      CAF_REQUIRE_EQUAL(::ioctl(peer, FIONREAD, &unread), 0);
      if (static_cast<size_t>(unread) >= n)
        break;
      std::this_thread::sleep_for(1ms);
    }
    return static_cast<size_t>(unread);
  }

  /// Reads what the channel wrote until `lines` lines arrived (5 s at most).
  std::vector<std::string> peer_read(size_t lines) {
    std::vector<std::string> res;
    std::string partial;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (res.size() < lines && std::chrono::steady_clock::now() < deadline) {
      char buf[4096];
      auto n = ::recv(peer, buf, sizeof(buf), MSG_DONTWAIT);
      if (n <= 0) {
        std::this_thread::sleep_for(1ms);
        continue;
      }
      partial.append(buf, static_cast<size_t>(n));
      for (auto nl = partial.find('\n'); nl != std::string::npos;
           nl = partial.find('\n')) {
        res.push_back(partial.substr(0, nl));
        partial.erase(0, nl + 1);
      }
    }
    return res;
  }

  /// Collects messages for the owner until a `transport_closed` or `count`
  /// JSON messages arrived.
  std::vector<json::value> receive(size_t count,
                                   std::vector<std::string>* faults = nullptr,
                                   std::string* closed = nullptr) {
    std::vector<json::value> res;
    bool done = false;
    while (!done && res.size() < count)
      owner->receive(
        [&](inbound_atom, json::value& x) { res.push_back(std::move(x)); },
        [&](inbound_atom, std::vector<json::value>& xs) {
          for (auto& x : xs)
            res.push_back(std::move(x));
        },
        [&](transport_fault& x) {
          if (faults)
            faults->push_back(to_string(x.kind));
        },
        [&](transport_closed& x) {
          if (closed)
            *closed = x.description;
          done = true;
        },
        caf::after(5s) >> [&] { done = true; });
    return res;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(stdio_channel_tests, fixture)

CAF_TEST(lines arrive parsed in order and the end of input is reported) {
  start();
  peer_write("{\"a\":1}\n{\"a\":2}\r\n\nnot json\n{\"a\":3}");
  std::vector<std::string> faults;
  auto got = receive(2, &faults);
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[0].at("a"), 1);
  CAF_CHECK_EQUAL(got[1].at("a"), 2);
  ::shutdown(peer, SHUT_WR);
  std::string closed;
  auto rest = receive(10, &faults, &closed);
  CAF_REQUIRE_EQUAL(rest.size(), 1u);
  CAF_CHECK_EQUAL(rest[0].at("a"), 3);
  CAF_CHECK_EQUAL(faults, std::vector<std::string>{"malformed_message"});
  CAF_CHECK(closed.find("end of input") != std::string::npos);
  auto st = channel->stats();
  CAF_CHECK_EQUAL(st.messages_in, 3u);
  CAF_CHECK_EQUAL(st.malformed, 1u);
}

CAF_TEST(oversized lines are dropped and reported) {
  stdio_channel_config c;
  c.max_line_size = 64;
  start(c);
  peer_write(std::string(200, 'x') + "\n{\"ok\":true}\n");
  std::vector<std::string> faults;
  auto got = receive(1, &faults);
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0].at("ok"), true);
  CAF_CHECK_EQUAL(faults, std::vector<std::string>{"oversized_message"});
}

CAF_TEST(a response after progress waits until the peer read the progress) {
  stdio_channel_config c;
  c.progress_settle_limit = 5s;
  start(c);
  mcp::protocol::request_id id{7};
  std::string progress = R"({"method":"notifications/progress"})";
  auto progress_line = progress + '\n';
  CAF_CHECK(channel->post_text(progress, output_route::of(id)));
  // The progress is in the socket, unread.
  CAF_REQUIRE_EQUAL(wait_peer_unread(progress_line.size()),
                    progress_line.size());
  CAF_REQUIRE(channel->unread_output() > 0);
  std::string response = R"({"id":7,"result":{}})";
  CAF_CHECK(channel->send_text(response, output_route::response_to(id, true)));
  // Only the progress is there to read; the response follows once read.
  std::string first;
  char buf[4096];
  auto n = ::recv(peer, buf, sizeof(buf), MSG_DONTWAIT);
  CAF_REQUIRE(n > 0);
  first.assign(buf, static_cast<size_t>(n));
  CAF_CHECK_EQUAL(first, progress_line);
  auto rest = peer_read(1);
  CAF_REQUIRE_EQUAL(rest.size(), 1u);
  CAF_CHECK_EQUAL(rest[0], "{\"id\":7,\"result\":{}}");
  // Without progress before it, a response never waits.
  std::string unrelated = R"({"method":"x"})";
  CAF_CHECK(channel->post_text(unrelated));
  std::string other = R"({"id":8,"result":{}})";
  mcp::protocol::request_id id8{8};
  CAF_CHECK(channel->send_text(other, output_route::response_to(id8)));
  CAF_CHECK_EQUAL(peer_read(2).size(), 2u);
}

CAF_TEST(a response gives up waiting for a peer that reads nothing) {
  stdio_channel_config c;
  c.progress_settle_limit = 50ms;
  start(c);
  mcp::protocol::request_id id{1};
  std::string progress = R"({"method":"notifications/progress"})";
  std::string response = R"({"id":1,"result":{}})";
  // Each goes out as a line.
  auto expected = progress.size() + response.size() + 2;
  CAF_CHECK(channel->post_text(progress, output_route::of(id)));
  wait_peer_unread(1);
  CAF_CHECK(channel->send_text(response, output_route::response_to(id, true)));
  // The peer reads nothing, yet the response reaches its socket.
  CAF_CHECK_EQUAL(wait_peer_unread(expected), expected);
  CAF_CHECK_EQUAL(peer_read(2).size(), 2u);
}

CAF_TEST(sent and posted messages go out whole and in order) {
  start();
  for (int i = 0; i < 100; ++i) {
    json::value msg = json::object{{"n", i}};
    auto line = json::serialize(msg);
    switch (i % 4) {
      case 0:
        CAF_CHECK(channel->send(msg));
        break;
      case 1:
        CAF_CHECK(channel->post(msg));
        break;
      case 2:
        CAF_CHECK(channel->send_text(line));
        break;
      default:
        CAF_CHECK(channel->post_text(line));
    }
  }
  auto lines = peer_read(100);
  CAF_REQUIRE_EQUAL(lines.size(), 100u);
  for (int i = 0; i < 100; ++i)
    CAF_CHECK_EQUAL(json::parse(lines[static_cast<size_t>(i)]).at("n"), i);
  CAF_CHECK_EQUAL(channel->stats().messages_out, 100u);
}

CAF_TEST(many threads write without tearing lines) {
  start();
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([this, t] {
      for (int i = 0; i < 500; ++i)
        channel->send(json::object{{"t", t}, {"i", i},
                                   {"pad", std::string(100, 'p')}});
    });
  auto lines = peer_read(2000);
  for (auto& w : writers)
    w.join();
  CAF_REQUIRE_EQUAL(lines.size(), 2000u);
  std::vector<int> next(4, 0);
  for (auto& line : lines) {
    auto msg = json::parse(line);
    auto t = static_cast<size_t>(msg.at("t").as_int64());
    CAF_CHECK_EQUAL(msg.at("i").as_int64(), next[t]);
    ++next[t];
  }
}

CAF_TEST(a peer that never reads makes the channel close at the limit) {
  stdio_channel_config c;
  c.max_pending_output = 256 * 1024;
  start(c);
  std::string pad(1000, 'x');
  auto accepted = 0;
  for (int i = 0; i < 10000; ++i)
    if (channel->send(json::object{{"pad", pad}}))
      ++accepted;
  CAF_CHECK(accepted < 10000);
  std::string closed;
  receive(1, nullptr, &closed);
  CAF_CHECK(closed.find("does not read") != std::string::npos);
}

CAF_TEST(closing on a stalled peer never leaves half a message) {
  stdio_channel_config c;
  c.close_grace = 100ms;
  start(c);
  // A line larger than the socket buffers, and one after it.
  std::string big(4 * 1024 * 1024, 'b');
  channel->send(json::object{{"big", big}});
  channel->send(json::object{{"after", true}});
  std::thread closer{[this] { channel->close(); }};
  std::this_thread::sleep_for(200ms);
  // The peer reads again after the grace period.
  std::string all;
  char buf[65536];
  for (;;) {
    auto n = ::read(peer, buf, sizeof(buf));
    if (n <= 0)
      break;
    all.append(buf, static_cast<size_t>(n));
  }
  closer.join();
  CAF_REQUIRE(!all.empty());
  CAF_CHECK_EQUAL(all.back(), '\n');
  CAF_CHECK_EQUAL(std::count(all.begin(), all.end(), '\n'), 1);
  CAF_CHECK_EQUAL(json::parse(all).at("big").as_string().size(), big.size());
}

CAF_TEST_FIXTURE_SCOPE_END()
