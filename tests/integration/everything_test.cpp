// Integration tests against @modelcontextprotocol/server-everything, a
// server no one here wrote, run as a real child process over stdio.
#define CAF_SUITE integration.everything
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <string>
#include <unistd.h>
#include <vector>

#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/blocking_client.hpp"
#include "actors/stdio_client.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/request_handler.hpp"
#include "actors/requests.hpp"
#include "actors/system_config.hpp"
#include "tests/integration/support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using mcp::test::has_named;
using mcp::test::progress_record;
using mcp::test::text_of;

namespace {

std::string server_script() {
  return std::string{CAF_MCP_SOURCE_DIR}
         + "/node_modules/@modelcontextprotocol/server-everything/dist/"
           "index.js";
}

mcp::transports::stdio_transport_config everything() {
  mcp::transports::stdio_transport_config res;
  res.child.command = "node";
  res.child.args = {server_script(), "stdio"};
  return res;
}

void check_five_steps(const std::vector<mcp::progress_update>& updates,
                      const mcp::progress_token& token) {
  CAF_REQUIRE_EQUAL(updates.size(), 5u);
  for (size_t i = 0; i < updates.size(); ++i) {
    CAF_CHECK_EQUAL(updates[i].token, token);
    CAF_CHECK_EQUAL(updates[i].progress, static_cast<double>(i + 1));
    CAF_REQUIRE(updates[i].total);
    CAF_CHECK_EQUAL(*updates[i].total, 5.0);
  }
}

struct fixture : mcp::test::client_fixture {
  fixture() {
    CAF_REQUIRE_EQUAL(::access(server_script().c_str(), R_OK), 0);
  }

  void start(mcp::client_config client_cfg = {}) {
    client_cfg.log_bad_input = true;
    auto info = start_client(everything(), client_cfg);
    CAF_CHECK_EQUAL(info.protocol_version, "2025-11-25");
  }

  json::value long_running_args() {
    return json::object{{"duration", 1}, {"steps", 5}};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(everything_tests, fixture)

CAF_TEST(tools are listed and called) {
  start();
  auto tools = ok(api->list_all_tools());
  CAF_CHECK(has_named(tools, "tools", "echo"));
  CAF_CHECK(has_named(tools, "tools", "get-sum"));
  CAF_CHECK(has_named(tools, "tools", "trigger-long-running-operation"));
  auto first_page = ok(api->list_tools());
  CAF_CHECK(first_page.at("tools").as_array().size() > 0);
  CAF_CHECK_EQUAL(text_of(ok(api->call_tool(
                    "echo", json::object{{"message", "hello caf"}}))),
                  "Echo: hello caf");
  auto sum = text_of(ok(api->call_tool("get-sum", json::object{{"a", 2},
                                                               {"b", 40}})));
  CAF_CHECK(sum.find("42") != std::string::npos);
  auto bad = api->call_tool("no-such-tool");
  if (bad) {
    CAF_CHECK(bad->as_object().contains("isError"));
  } else {
    CAF_CHECK(mcp::server_error_code(bad.error()).has_value());
  }
  CAF_CHECK(static_cast<bool>(api->ping()));
}

CAF_TEST(resources and templates are listed and read) {
  start();
  auto resources = ok(api->list_all_resources());
  CAF_REQUIRE(!resources.at("resources").as_array().empty());
  auto uri = std::string{
    resources.at("resources").at(0).at("uri").as_string()};
  CAF_CHECK(uri.rfind("demo://", 0) == 0);
  auto read = ok(api->read_resource(uri));
  CAF_REQUIRE(!read.at("contents").as_array().empty());
  CAF_CHECK_EQUAL(read.at("contents").at(0).at("uri").as_string(), uri);
  auto templates = ok(api->list_resource_templates());
  CAF_CHECK(!templates.at("resourceTemplates").as_array().empty());
  auto dynamic = ok(api->read_resource("demo://resource/dynamic/text/7"));
  CAF_CHECK(dynamic.at("contents").at(0).as_object().contains("text"));
  auto missing = api->read_resource("demo://resource/dynamic/text/x-y");
  CAF_CHECK(!missing);
}

CAF_TEST(prompts are listed and fetched) {
  start();
  auto prompts = ok(api->list_all_prompts());
  CAF_CHECK(has_named(prompts, "prompts", "simple-prompt"));
  CAF_CHECK(has_named(prompts, "prompts", "args-prompt"));
  auto simple = ok(api->get_prompt("simple-prompt"));
  CAF_CHECK(!simple.at("messages").as_array().empty());
  auto args = ok(api->get_prompt("args-prompt",
                                 json::object{{"city", "Hamburg"}}));
  auto text = json::serialize(args.at("messages"));
  CAF_CHECK(text.find("Hamburg") != std::string::npos);
}

CAF_TEST(long running operation reports progress to a callback) {
  start();
  progress_record record;
  auto token = mcp::make_progress_token();
  mcp::register_progress_callback(
    client, token, [&](const mcp::progress_update& x) { record.add(x); },
    [&](const mcp::progress_done& x) { record.end(x); });
  mcp::request_options opts;
  opts.progress = token;
  auto result = ok(api->call_tool("trigger-long-running-operation",
                                  long_running_args(), opts));
  CAF_CHECK(text_of(result).find("completed") != std::string::npos);
  CAF_REQUIRE(record.wait_for_end());
  std::lock_guard<std::mutex> guard{record.mtx};
  check_five_steps(record.updates, token);
  CAF_REQUIRE_EQUAL(record.ends.size(), 1u);
  CAF_CHECK(record.ends[0] == mcp::progress_outcome::completed);
  mcp::unregister_progress_callback(client, token);
  auto st = api->stats();
  CAF_REQUIRE(static_cast<bool>(st));
  CAF_CHECK_EQUAL(st->subscriptions, 0u);
  CAF_CHECK_EQUAL(st->progress_unknown_token, 0u);
}

CAF_TEST(long running operation reports progress to a subscriber actor) {
  start();
  caf::scoped_actor subscriber{sys};
  auto token = mcp::make_progress_token();
  mcp::request_options opts;
  opts.progress = token;
  opts.progress_subscribers.push_back(subscriber);
  ok(api->call_tool("trigger-long-running-operation", long_running_args(),
                    opts));
  auto got = mcp::test::receive_progress(subscriber, 6);
  CAF_REQUIRE(got.done);
  CAF_CHECK(got.done->outcome == mcp::progress_outcome::completed);
  auto& updates = got.updates;
  check_five_steps(updates, token);
  auto st = api->stats();
  CAF_REQUIRE(static_cast<bool>(st));
  CAF_CHECK_EQUAL(st->subscriptions, 0u);
}

CAF_TEST(token and callback in one call) {
  start();
  progress_record record;
  auto token = mcp::make_progress_token();
  auto result = ok(api->call_tool(
    "trigger-long-running-operation", long_running_args(), token,
    [&](const mcp::progress_update& x) { record.add(x); }));
  CAF_CHECK(text_of(result).find("completed") != std::string::npos);
  uint64_t live = 1;
  for (int i = 0; i < 100 && live > 0; ++i) {
    auto st = api->stats();
    CAF_REQUIRE(static_cast<bool>(st));
    live = st->subscriptions;
    if (live > 0)
      std::this_thread::sleep_for(10ms);
  }
  CAF_CHECK_EQUAL(live, 0u);
  std::lock_guard<std::mutex> guard{record.mtx};
  check_five_steps(record.updates, token);
}

CAF_TEST(the server samples through the client handler) {
  mcp::client_config client_cfg;
  std::atomic<int> calls{0};
  client_cfg.sampling_handler = mcp::spawn_request_handler(
    sys, [&](const mcp::server_request& req) -> caf::expected<json::value> {
      ++calls;
      CAF_CHECK_EQUAL(req.method, "sampling/createMessage");
      return json::value(json::object{
        {"role", "assistant"},
        {"model", "caf-mcp-test-model"},
        {"content", json::object{{"type", "text"}, {"text", "sampled!"}}}});
    });
  start(client_cfg);
  auto tools = ok(api->list_all_tools());
  CAF_REQUIRE(has_named(tools, "tools", "trigger-sampling-request"));
  auto result = ok(api->call_tool("trigger-sampling-request",
                                  json::object{{"prompt", "hi"},
                                               {"maxTokens", 10}}));
  CAF_CHECK(json::serialize(result).find("sampled!") != std::string::npos);
  CAF_CHECK_EQUAL(calls.load(), 1);
  caf::anon_send_exit(client_cfg.sampling_handler,
                      caf::exit_reason::user_shutdown);
}

CAF_TEST(a timed out call cancels on the server and the client goes on) {
  start();
  mcp::request_options opts;
  opts.timeout = 300ms;
  auto res = api->call_tool("trigger-long-running-operation",
                            json::object{{"duration", 5}, {"steps", 5}}, opts);
  CAF_REQUIRE(!res);
  CAF_CHECK(mcp::is(res.error(), mcp::errc::timeout));
  CAF_CHECK_EQUAL(text_of(ok(api->call_tool(
                    "echo", json::object{{"message", "still here"}}))),
                  "Echo: still here");
}

CAF_TEST(shutdown closes the server process cleanly) {
  start();
  caf::scoped_actor self{sys};
  self->monitor(client);
  api->shutdown();
  api.reset();
  bool down = false;
  self->receive([&](caf::down_msg&) { down = true; },
                caf::after(10s) >> [] { CAF_FAIL("client did not stop"); });
  CAF_CHECK(down);
}

CAF_TEST(completions follow the context) {
  start();
  json::object ref{{"type", "ref/prompt"}, {"name", "completable-prompt"}};
  auto departments = ok(api->complete(ref, "department", "En"));
  CAF_CHECK_EQUAL(json::serialize(departments.at("completion").at("values")),
                  R"(["Engineering"])");
  auto names = ok(api->complete(ref, "name", "A",
                                json::object{{"department", "Engineering"}}));
  CAF_CHECK_EQUAL(json::serialize(names.at("completion").at("values")),
                  R"(["Alice"])");
}

CAF_TEST(log messages reach a subscribed actor at the chosen level) {
  start();
  caf::scoped_actor logs{sys};
  logs->send(client, mcp::subscribe_atom::value,
             std::string{"notifications/message"}, caf::actor{logs});
  ok(api->set_logging_level("debug"));
  ok(api->call_tool("toggle-simulated-logging"));
  mcp::server_notification note;
  logs->receive([&](mcp::server_notification& x) { note = std::move(x); },
                caf::after(10s) >> [] { CAF_FAIL("no log message"); });
  CAF_CHECK_EQUAL(note.method, "notifications/message");
  CAF_CHECK(note.params.as_object().contains("level"));
  CAF_CHECK(note.params.as_object().contains("data"));
}

CAF_TEST(resource updates reach a subscribed actor) {
  start();
  caf::scoped_actor updates{sys};
  updates->send(client, mcp::subscribe_atom::value,
                std::string{"notifications/resources/"}, caf::actor{updates});
  auto uri = std::string{ok(api->list_resources())
                           .at("resources")
                           .at(0)
                           .at("uri")
                           .as_string()};
  ok(api->subscribe_resource(uri));
  ok(api->call_tool("toggle-subscriber-updates"));
  mcp::server_notification note;
  updates->receive([&](mcp::server_notification& x) { note = std::move(x); },
                   caf::after(10s) >> [] { CAF_FAIL("no update"); });
  CAF_CHECK_EQUAL(note.method, "notifications/resources/updated");
  CAF_CHECK_EQUAL(note.params.at("uri").as_string(), uri);
  ok(api->unsubscribe_resource(uri));
}

CAF_TEST(the server lists roots through the client handler) {
  mcp::client_config client_cfg;
  client_cfg.roots_handler = mcp::spawn_request_handler(
    sys, [](const mcp::server_request&) -> caf::expected<json::value> {
      return json::value(json::object{
        {"roots", json::array{json::object{{"uri", "file:///tmp/caf-root"},
                                           {"name", "caf"}}}}});
    });
  start(client_cfg);
  auto result = ok(api->call_tool("get-roots-list"));
  CAF_CHECK(json::serialize(result).find("file:///tmp/caf-root")
            != std::string::npos);
  caf::anon_send_exit(client_cfg.roots_handler,
                      caf::exit_reason::user_shutdown);
}

CAF_TEST(many clients share one actor system) {
  std::vector<caf::actor> clients;
  for (int i = 0; i < 4; ++i) {
    auto c = mcp::spawn_stdio_client(sys, everything());
    CAF_REQUIRE(static_cast<bool>(c));
    clients.push_back(*c);
  }
  caf::scoped_actor caller{sys};
  for (size_t i = 0; i < clients.size(); ++i)
    caller->send(clients[i],
                 mcp::requests::call_tool(
                   "echo", json::object{{"message", std::to_string(i)}}));
  std::set<std::string> replies;
  for (size_t i = 0; i < clients.size(); ++i)
    caller->receive(
      [&](json::value& x) { replies.insert(text_of(x)); },
      [&](caf::error& err) { CAF_FAIL(mcp::describe(err)); },
      caf::after(20s) >> [] { CAF_FAIL("a client did not answer"); });
  CAF_CHECK_EQUAL(replies, (std::set<std::string>{"Echo: 0", "Echo: 1",
                                                  "Echo: 2", "Echo: 3"}));
  for (auto& c : clients)
    caller->send(c, mcp::shutdown_atom::value);
}

CAF_TEST_FIXTURE_SCOPE_END()
