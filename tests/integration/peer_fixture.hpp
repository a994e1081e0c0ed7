#pragma once

// A client of a peer server process over stdio or Streamable HTTP on
// 127.0.0.1, in the negotiation mode a test picks, with an elicitation
// handler that accepts (ok, name, color); for the dual-era tests.

#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/json/value.hpp>

#include <caf/scoped_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/request_handler.hpp"
#include "tests/integration/support.hpp"
#include "tests/support/loopback.hpp"
#include "transports/child_process.hpp"

namespace mcp::test {

namespace json = boost::json;
using mcp::version_negotiation;


/// A client of a server process that `program` starts with `stdio_args`,
/// or with `http_args` (where "PORT" becomes a free port) for HTTP.
struct peer_fixture : mcp::test::client_fixture {
  uint16_t port = mcp::test::free_port();
  std::optional<mcp::transports::child_process> server;
  std::string program;
  std::vector<std::string> stdio_args;
  std::vector<std::string> http_args;

  peer_fixture(std::string program, std::vector<std::string> stdio_args,
               std::vector<std::string> http_args)
    : program(std::move(program)),
      stdio_args(std::move(stdio_args)),
      http_args(std::move(http_args)) {
    CAF_REQUIRE_EQUAL(::access(this->program.c_str(), X_OK), 0);
  }

  ~peer_fixture() {
    stop_client();
  }

  mcp::client_config config(version_negotiation neg) {
    mcp::client_config cfg;
    cfg.log_bad_input = true;
    cfg.negotiation = neg;
    cfg.elicitation_handler = mcp::spawn_request_handler(
      sys, [](const mcp::server_request&) -> caf::expected<json::value> {
        return json::value(json::object{
          {"action", "accept"},
          {"content", {{"ok", true}, {"name", "Ada"}, {"color", "blue"}}}});
      });
    return cfg;
  }

  mcp::server_info over_stdio(version_negotiation neg) {
    mcp::transports::stdio_transport_config t;
    t.child.command = program;
    t.child.args = stdio_args;
    return start_client(t, config(neg));
  }

  mcp::server_info over_http(version_negotiation neg) {
    mcp::transports::child_process_spec spec;
    spec.command = program;
    spec.args = http_args;
    for (auto& x : spec.args)
      if (auto at = x.find("PORT"); at != std::string::npos)
        x.replace(at, 4, std::to_string(port));
    auto child = mcp::transports::child_process::spawn(spec);
    CAF_REQUIRE(static_cast<bool>(child));
    server.emplace(std::move(*child));
    CAF_REQUIRE(mcp::test::wait_listening(port));
    mcp::transports::http_transport_config t;
    t.url = "http://127.0.0.1:" + std::to_string(port) + "/mcp";
    return start_client(t, config(neg));
  }

  /// Calls `tool` with a progress subscriber; returns what it received
  /// once the call returned (the final message must be there already).
  mcp::test::progress_messages call_with_progress(const std::string& tool,
                                                  json::value args,
                                                  json::value* result) {
    caf::scoped_actor subscriber{sys};
    mcp::request_options opts;
    opts.progress = mcp::progress_token{tool};
    opts.progress_subscribers.push_back(subscriber);
    *result = ok(api->call_tool(tool, std::move(args), std::move(opts)));
    return mcp::test::receive_progress(subscriber, 10);
  }

  /// Subscribes to every notification and returns the first one's method
  /// (a stateless client opens a listen, which the server acknowledges).
  std::string first_notification() {
    caf::scoped_actor sink{sys};
    caf::anon_send(client, mcp::subscribe_atom::value, std::string{},
                   caf::actor{sink});
    std::string res = "none";
    sink->receive(
      [&](mcp::server_notification& x) { res = x.method; },
      caf::after(std::chrono::seconds(10)) >> [] {});
    return res;
  }
};


} // namespace mcp::test
