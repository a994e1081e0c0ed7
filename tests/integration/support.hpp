#pragma once

// What the integration tests share: a client of a real server process,
// reading results, and collecting progress that callbacks deliver on other
// threads.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <memory>

#include <boost/json/value.hpp>

#include <caf/actor_system.hpp>
#include <caf/optional.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/blocking_client.hpp"
#include "actors/http_client.hpp"
#include "actors/stdio_client.hpp"
#include "actors/error.hpp"
#include "actors/messages.hpp"
#include "actors/system_config.hpp"
#include "transports/stdio_transport.hpp"

namespace mcp::test {

/// An actor system with a client of a real server process, and a blocking
/// facade to it; the client shuts down with the fixture.
struct client_fixture {
  mcp::system_config cfg;
  caf::actor_system sys{cfg};
  caf::actor client;
  std::unique_ptr<mcp::blocking_client> api;

  ~client_fixture() {
    stop_client();
  }

  /// Ends the client and waits until it did.
  void stop_client() {
    if (api)
      api->stop();
    api.reset();
  }

  /// Starts the client of the server `server` describes; returns what the
  /// handshake negotiated (the test fails without one).
  mcp::server_info start_client(mcp::transports::stdio_transport_config server,
                                 mcp::client_config client_cfg) {
    return start_with(mcp::spawn_stdio_client(sys, std::move(server),
                                              client_cfg));
  }

  /// Starts the client of the server at `server.url` over Streamable HTTP.
  mcp::server_info start_client(mcp::transports::http_transport_config server,
                                 mcp::client_config client_cfg) {
    return start_with(mcp::spawn_http_client(sys, std::move(server),
                                             client_cfg));
  }

  /// Takes `res` (a spawned client) and waits for its handshake.
  mcp::server_info start_with(caf::expected<caf::actor> res) {
    CAF_REQUIRE(static_cast<bool>(res));
    client = *res;
    api = std::make_unique<mcp::blocking_client>(sys, client);
    auto info = api->info();
    CAF_REQUIRE(static_cast<bool>(info));
    return std::move(*info);
  }

  /// Returns the result of `x`; fails the test on an error.
  boost::json::value ok(caf::expected<boost::json::value> x) {
    if (!x)
      CAF_FAIL("request failed: " << mcp::describe(x.error()));
    return std::move(*x);
  }
};

/// Returns the text of the first content block of a tool result.
inline std::string text_of(const boost::json::value& result) {
  return std::string{result.at("content").at(0).at("text").as_string()};
}

/// Returns whether the list `list[key]` has an item named `name`.
inline bool has_named(const boost::json::value& list, std::string_view key,
                      std::string_view name) {
  for (auto& x : list.at(key).as_array())
    if (x.at("name").as_string() == name)
      return true;
  return false;
}

/// Polls `stats()` (the `structuredContent` of the everything fixture's
/// `fixture_stats` tool) every 10 ms, 5 s at most, until its counter `key`
/// reaches `value`; returns whether it did.
template <class StatsFunction>
bool fixture_counter_reaches(StatsFunction stats, std::string_view key,
                             int64_t value) {
  for (int i = 0; i < 500; ++i) {
    if (stats().at(key).as_int64() >= value)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

/// Collects progress updates from callbacks that run in other threads.
struct progress_record {
  std::mutex mtx;
  std::condition_variable cv;
  std::vector<mcp::progress_update> updates;
  /// When each update arrived.
  std::vector<std::chrono::steady_clock::time_point> times;
  std::vector<mcp::progress_outcome> ends;

  void add(const mcp::progress_update& x) {
    std::lock_guard<std::mutex> guard{mtx};
    updates.push_back(x);
    times.push_back(std::chrono::steady_clock::now());
  }

  void end(const mcp::progress_done& x) {
    std::lock_guard<std::mutex> guard{mtx};
    ends.push_back(x.outcome);
    cv.notify_all();
  }

  bool wait_for_end() {
    std::unique_lock<std::mutex> guard{mtx};
    return cv.wait_for(guard, std::chrono::seconds(10),
                       [this] { return !ends.empty(); });
  }
};

/// What a subscriber actor received for one progress subscription.
struct progress_messages {
  std::vector<mcp::progress_update> updates;
  /// The final message, if it came.
  caf::optional<mcp::progress_done> done;
};

/// Receives the messages of one progress subscription until its final
/// `progress_done`, at most `max_messages` of them, waiting 10 s at most for
/// each.
inline progress_messages receive_progress(caf::scoped_actor& subscriber,
                                          size_t max_messages) {
  progress_messages res;
  for (size_t i = 0; i < max_messages && !res.done; ++i) {
    auto timed_out = false;
    subscriber->receive(
      [&](mcp::progress_update& x) { res.updates.push_back(std::move(x)); },
      [&](mcp::progress_done& x) { res.done = std::move(x); },
      caf::after(std::chrono::seconds(10)) >> [&] { timed_out = true; });
    if (timed_out)
      break;
  }
  return res;
}

} // namespace mcp::test
