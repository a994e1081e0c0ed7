#pragma once

// The fixture of the server session tests: a test server with a tool, a
// resource, a template and a prompt of each kind, and a recording channel
// that stands in for the connection. Include after defining CAF_SUITE and
// including caf/test/unit_test.hpp.

#define FAIL(msg) CAF_FAIL(msg)
#include <caf/test/dsl.hpp>

#include <deque>
#include <memory>
#include <set>
#include <stdexcept>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/request_actor.hpp"
#include "actors/error.hpp"
#include "actors/request_context.hpp"
#include "actors/server.hpp"
#include "actors/server_messages.hpp"
#include "protocol/content.hpp"
#include "tests/actors/test_config.hpp"
#include "transports/channel.hpp"
#include "transports/messages.hpp"

namespace json = boost::json;
using mcp::execution;
using mcp::request_context;
using mcp::tool_result;
using mcp::transports::inbound_atom;

namespace session_test {

/// Records what the session sends; the test coordinator runs everything on
/// one thread, so no locking.
struct recording_channel : mcp::transports::channel {
  /// Where a message went: the request it belongs to (null for the
  /// connection) and whether it ends that request.
  struct route {
    std::optional<mcp::protocol::request_id> request;
    bool ends_request = false;
    bool after_progress = false;
  };
  std::vector<json::value> sent;
  std::vector<route> routes;
  bool closed = false;

  bool send(const json::value& msg,
            mcp::transports::output_route r) override {
    if (closed)
      return false;
    sent.push_back(msg);
    routes.push_back({r.request ? std::optional{*r.request} : std::nullopt,
                      r.ends_request, r.after_progress});
    return true;
  }

  void close() override {
    closed = true;
  }
};

inline json::object object_schema(std::string_view text = R"({"type":"object"})") {
  return json::parse(text).as_object();
}

inline mcp::tool make_tool(std::string name, mcp::tool_handler fn,
                    execution exec = execution::pooled,
                    std::string_view schema = R"({"type":"object"})") {
  mcp::tool res;
  res.name = std::move(name);
  res.description = "test tool";
  res.input_schema = object_schema(schema);
  res.exec = exec;
  res.handler = std::move(fn);
  return res;
}

/// Counts how often handlers ran.
struct probe {
  int runs = 0;
  /// What the "delegate" tool hands out.
  mcp::progress_reporter reporter;
};

inline mcp::server_definition test_server(std::shared_ptr<probe> p) {
  mcp::server_definition def{"unit", "1.0"};
  def.instructions = "be kind";
  def.add(make_tool("echo",
                    [p](request_context&, const json::object& args)
                      -> caf::expected<tool_result> {
                      ++p->runs;
                      return tool_result::text(
                        json::value_to<std::string>(args.at("message")));
                    },
                    execution::pooled,
                    R"({"type":"object","properties":{
                         "message":{"type":"string"}},
                        "required":["message"]})"));
  def.add(make_tool("fast",
                    [p](request_context&, const json::object&)
                      -> caf::expected<tool_result> {
                      ++p->runs;
                      return tool_result::text("fast");
                    },
                    execution::immediate));
  def.add(make_tool("progress",
                    [](request_context& ctx, const json::object&)
                      -> caf::expected<tool_result> {
                      for (int i = 1; i <= 3; ++i)
                        if (auto err = ctx.report_progress(i, 3, "step"))
                          return tool_result::error(mcp::describe(err));
                      auto err = ctx.report_progress(2, 3);
                      return tool_result::text(err ? mcp::describe(err)
                                                   : "accepted");
                    }));
  def.add(make_tool("delegate",
                    [p](request_context& ctx, const json::object&)
                      -> caf::expected<tool_result> {
                      p->reporter = ctx.progress();
                      auto copy = p->reporter;
                      copy.report(1, 2);
                      return tool_result::text("delegated");
                    }));
  def.add(make_tool("log_all",
                    [](request_context& ctx, const json::object&)
                      -> caf::expected<tool_result> {
                      int sent = 0;
                      for (int i = 0; i < 8; ++i)
                        if (ctx.log(static_cast<mcp::protocol::log_level>(i),
                                    i, "unit"))
                          ++sent;
                      return tool_result::text(std::to_string(sent));
                    }));
  def.add(make_tool("throws",
                    [](request_context&, const json::object&)
                      -> caf::expected<tool_result> {
                      throw std::runtime_error("kaputt");
                    }));
  def.add(make_tool("fails",
                    [](request_context&, const json::object&)
                      -> caf::expected<tool_result> {
                      return mcp::make_server_error(-32042, "needs a URL",
                                                    R"({"x":1})");
                    }));
  auto structured = make_tool("structured",
                              [](request_context&, const json::object& args)
                                -> caf::expected<tool_result> {
                                return tool_result::structured(args);
                              });
  structured.output_schema = object_schema(
    R"({"type":"object","properties":{"n":{"type":"integer"}},
        "required":["n"]})");
  def.add(std::move(structured));
  mcp::resource res;
  res.uri = "test://a";
  res.name = "a";
  res.handler = [](request_context&, const std::string& uri)
    -> caf::expected<mcp::resource_contents> {
    return mcp::resource_contents{
      mcp::protocol::text_resource(uri, "text/plain", "A")};
  };
  def.add(std::move(res));
  mcp::resource_template tmpl;
  tmpl.uri_template = "test://t/{id}";
  tmpl.name = "t";
  tmpl.completions["id"] = mcp::complete_from({"alpha", "beta", "alps"});
  tmpl.handler = [](request_context&, const std::string& uri,
                    const mcp::protocol::uri_variables& vars)
    -> caf::expected<mcp::resource_contents> {
    if (vars.at("id") == "none")
      return mcp::make_resource_not_found(uri);
    return mcp::resource_contents{
      mcp::protocol::text_resource(uri, "text/plain", vars.at("id"))};
  };
  def.add(std::move(tmpl));
  mcp::prompt pr;
  pr.name = "greet";
  pr.arguments = {{"name", "", "", true, mcp::complete_from({"ann", "bob"})}};
  pr.handler = [](request_context&, const mcp::prompt_arguments& args)
    -> caf::expected<mcp::prompt_result> {
    mcp::prompt_result r;
    r.messages.push_back(mcp::prompt_message::user(
      mcp::protocol::text_content("hello " + args.at("name"))));
    return r;
  };
  def.add(std::move(pr));
  return def;
}

struct fixture : test_coordinator_fixture<mcp::test::config> {
  std::shared_ptr<probe> runs = std::make_shared<probe>();
  std::shared_ptr<recording_channel> out
    = std::make_shared<recording_channel>();
  caf::actor server;
  caf::actor session;
  /// Responses handed out by `answer`.
  std::deque<json::value> kept;

  fixture() {
    start(test_server(runs));
  }

  ~fixture() {
    // The server takes its sessions along (they are linked).
    if (server)
      self->send_exit(server, caf::exit_reason::user_shutdown);
    consume_messages();
  }

  void start(mcp::server_definition def) {
    if (server) {
      self->send_exit(server, caf::exit_reason::user_shutdown);
      consume_messages();
    }
    def.options.log_bad_input = false;
    auto res = mcp::spawn_server(sys, std::move(def));
    CAF_REQUIRE(static_cast<bool>(res));
    server = *res;
    session = open(out);
  }

  /// Starts the test server again with changed options, on a fresh channel,
  /// and initializes a session.
  template <class F>
  void restart_with(F change_options) {
    auto def = test_server(runs);
    change_options(def.options);
    out = std::make_shared<recording_channel>();
    start(std::move(def));
    initialize();
  }

  caf::actor open(std::shared_ptr<recording_channel> channel) {
    self->send(server, mcp::open_session_atom::value,
               std::shared_ptr<mcp::transports::channel>{channel});
    consume_messages();
    caf::actor res;
    self->receive([&](caf::actor& x) { res = x; },
                  caf::after(std::chrono::seconds(0)) >>
                    [] { CAF_FAIL("no session"); });
    return res;
  }

  /// Sends `text` to the session and lets only the session handle it, so
  /// that request actors it starts have not run yet.
  void hand_over(std::string_view text) {
    self->send(session, inbound_atom::value, json::parse(text));
    CAF_REQUIRE(sched.prioritize(session));
    sched.run_once();
  }

  void deliver(const caf::actor& to, std::string_view text) {
    self->send(to, inbound_atom::value, json::parse(text));
    consume_messages();
  }

  void deliver(std::string_view text) {
    deliver(session, text);
  }

  void initialize(std::string_view version = "2025-11-25",
                  const caf::actor& to = nullptr,
                  std::string_view capabilities = "{}") {
    auto& target = to ? to : session;
    deliver(target, R"({"jsonrpc":"2.0","id":0,"method":"initialize",
                        "params":{"protocolVersion":")"
                      + std::string{version} + R"(","capabilities":)"
                      + std::string{capabilities}
                      + R"(,"clientInfo":{"name":"t","version":"1"}}})");
    deliver(target, R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }

  /// Sends a request with id `id` and returns nothing; see `answer`.
  void request(int id, std::string_view method, std::string_view params = "") {
    std::string text = R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                       + R"(,"method":")" + std::string{method} + "\"";
    if (!params.empty())
      text += R"(,"params":)" + std::string{params};
    text += "}";
    deliver(text);
  }

  /// Sends a stateless (2026-07-28) request: `params` (an object's members
  /// without braces, may be empty) plus a `_meta` of the revision, the
  /// client capabilities and info, and `meta` (more members, may be empty).
  void stateless(int id, std::string_view method, std::string_view params = "",
                 std::string_view meta = "") {
    std::string text = R"({"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                       R"("io.modelcontextprotocol/clientCapabilities":{},)"
                       R"("io.modelcontextprotocol/clientInfo":)"
                       R"({"name":"t","version":"1"})";
    if (!meta.empty())
      text += "," + std::string{meta};
    std::string all = "{";
    if (!params.empty())
      all += std::string{params} + ",";
    all += R"("_meta":)" + text + "}}";
    request(id, method, all);
  }

  /// Returns the responses with id `id` the session sent so far.
  std::vector<json::value> answers(int id) const {
    std::vector<json::value> res;
    for (auto& msg : out->sent)
      if (auto obj = msg.if_object())
        if (auto x = obj->if_contains("id"); x && *x == id
                                             && !obj->contains("method"))
          res.push_back(msg);
    return res;
  }

  /// Returns the one response with id `id`. The reference stays valid for
  /// the whole test, so checks may hold on to parts of it.
  const json::value& answer(int id) {
    auto xs = answers(id);
    if (xs.size() != 1)
      CAF_FAIL("expected one response with id " << id << ", got "
                                                << xs.size());
    return kept.emplace_back(std::move(xs.front()));
  }

  const json::value& result(int id) {
    auto& x = answer(id);
    if (!x.as_object().contains("result"))
      CAF_FAIL("expected a result for id " << id << ": "
                                           << json::serialize(x));
    return x.at("result");
  }

  int64_t error_code(int id) {
    auto& x = answer(id);
    if (!x.as_object().contains("error"))
      CAF_FAIL("expected an error for id " << id << ": "
                                           << json::serialize(x));
    return x.at("error").at("code").as_int64();
  }

  std::string error_message(int id) {
    return json::value_to<std::string>(answer(id).at("error").at("message"));
  }

  /// Returns the notifications named `method` sent so far.
  std::vector<json::value> notifications(std::string_view method) const {
    std::vector<json::value> res;
    for (auto& msg : out->sent)
      if (auto obj = msg.if_object())
        if (auto m = obj->if_contains("method");
            m && m->is_string() && m->get_string() == method)
          res.push_back(msg);
    return res;
  }

  /// Returns the session's counters; runs no other actor.
  mcp::session_stats stats(const caf::actor& who = nullptr) {
    auto& target = who ? who : session;
    self->send(target, mcp::server_stats_atom::value);
    CAF_REQUIRE(sched.prioritize(target));
    sched.run_once();
    mcp::session_stats res;
    self->receive([&](mcp::session_stats& x) { res = x; },
                  caf::after(std::chrono::seconds(0)) >>
                    [] { CAF_FAIL("no stats"); });
    return res;
  }

  mcp::server_stats server_stats() {
    self->send(server, mcp::server_stats_atom::value);
    consume_messages();
    mcp::server_stats res;
    self->receive([&](mcp::server_stats& x) { res = x; },
                  caf::after(std::chrono::seconds(0)) >>
                    [] { CAF_FAIL("no stats"); });
    return res;
  }
};

} // namespace session_test
