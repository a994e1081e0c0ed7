// Integration tests of caf-mcp's server: the C++ client talks to the C++
// everything server (tests/fixtures/everything_server.cpp), a real child
// process over real sockets.
#define CAF_SUITE integration.server
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/json/parse.hpp>
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
using mcp::test::text_of;

namespace {

mcp::transports::stdio_transport_config everything_server() {
  mcp::transports::stdio_transport_config res;
  res.child.command = CAF_MCP_EVERYTHING_SERVER;
  res.echo_stderr = false;
  return res;
}

/// Answers sampling with a fixed text.
caf::expected<json::value> sample(const mcp::server_request&) {
  return json::value(json::object{
    {"role", "assistant"},
    {"model", "caf-mcp-test-model"},
    {"content", json::object{{"type", "text"}, {"text", "sampled!"}}}});
}

/// Accepts every elicitation, filling each field with its default or a
/// value of its type.
caf::expected<json::value> elicit(const mcp::server_request& req) {
  json::object content;
  auto& props = req.params.at("requestedSchema").at("properties").as_object();
  for (auto& kvp : props) {
    auto& field = kvp.value().as_object();
    if (auto x = field.if_contains("default")) {
      content[kvp.key()] = *x;
      continue;
    }
    auto type = field.if_contains("type");
    if (type != nullptr && *type == "array")
      content[kvp.key()] = json::array{};
    else if (auto e = field.if_contains("enum"))
      content[kvp.key()] = e->at(0);
    else if (auto o = field.if_contains("oneOf"))
      content[kvp.key()] = o->at(0).at("const");
    else
      content[kvp.key()] = std::string{kvp.key()} + "-value";
  }
  return json::value(
    json::object{{"action", "accept"}, {"content", std::move(content)}});
}

caf::expected<json::value> roots(const mcp::server_request&) {
  return json::value(json::object{
    {"roots", json::array{json::object{{"uri", "file:///tmp/caf-root"},
                                       {"name", "caf"}}}}});
}

struct fixture : mcp::test::client_fixture {
  std::vector<caf::actor> handlers;

  fixture() {
    CAF_REQUIRE_EQUAL(::access(CAF_MCP_EVERYTHING_SERVER, X_OK), 0);
  }

  void start(mcp::client_config client_cfg = {}) {
    auto info = start_client(everything_server(), client_cfg);
    CAF_CHECK_EQUAL(info.protocol_version, "2025-11-25");
    CAF_CHECK_EQUAL(info.implementation.at("name").as_string(),
                    "caf-mcp-everything");
  }

  /// Starts a client that answers sampling, elicitation and roots.
  void start_with_handlers() {
    mcp::client_config client_cfg;
    client_cfg.sampling_handler = mcp::spawn_request_handler(sys, sample);
    client_cfg.elicitation_handler = mcp::spawn_request_handler(sys, elicit);
    client_cfg.roots_handler = mcp::spawn_request_handler(sys, roots);
    handlers = {client_cfg.sampling_handler, client_cfg.elicitation_handler,
                client_cfg.roots_handler};
    start(client_cfg);
  }

  ~fixture() {
    for (auto& h : handlers)
      caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  }

  json::value call(std::string name, json::value args = json::object{}) {
    return ok(api->call_tool(std::move(name), std::move(args)));
  }

  int64_t server_error(const caf::expected<json::value>& x) {
    if (x)
      CAF_FAIL("expected an error, got " << json::serialize(*x));
    auto code = mcp::server_error_code(x.error());
    if (!code)
      CAF_FAIL("expected a server error, got " << mcp::describe(x.error()));
    return *code;
  }

  /// Polls the fixture's counters until `key` reaches `value` (5 s at most).
  bool fixture_counter_reaches(std::string_view key, int64_t value) {
    return mcp::test::fixture_counter_reaches(
      [&] { return call("fixture_stats").at("structuredContent"); }, key,
      value);
  }

  /// Subscribes a new scoped actor to server notifications starting with
  /// `prefix`.
  std::unique_ptr<caf::scoped_actor> listen(std::string prefix) {
    auto res = std::make_unique<caf::scoped_actor>(sys);
    (*res)->send(client, mcp::subscribe_atom::value, std::move(prefix),
                 caf::actor{*res});
    // A ping orders the subscription before what the test does next.
    ok(api->ping());
    return res;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(server_tests, fixture)

CAF_TEST(every client request type is served) {
  start();
  CAF_CHECK(static_cast<bool>(api->ping()));
  auto tools = ok(api->list_all_tools());
  for (auto name : {"test_simple_text", "test_image_content",
                    "test_audio_content", "test_embedded_resource",
                    "test_multiple_content_types", "test_tool_with_logging",
                    "test_error_handling", "test_tool_with_progress",
                    "test_sampling", "test_elicitation",
                    "test_elicitation_sep1034_defaults",
                    "test_elicitation_sep1330_enums",
                    "json_schema_2020_12_tool", "echo", "add",
                    "long-running-operation"})
    CAF_CHECK(has_named(tools, "tools", name));
  CAF_CHECK_EQUAL(text_of(call("echo", json::object{{"message", "hi"}})), "hi");
  auto sum = call("add", json::object{{"a", 1}, {"b", 2}});
  CAF_CHECK_EQUAL(sum.at("structuredContent").at("sum"), 3);
  CAF_CHECK_EQUAL(text_of(call("test_simple_text")),
                  "This is a simple text response for testing.");
  auto mixed = call("test_multiple_content_types");
  CAF_CHECK_EQUAL(mixed.at("content").as_array().size(), 3u);
  auto audio = call("test_audio_content");
  CAF_CHECK_EQUAL(audio.at("content").at(0).at("type"), "audio");
  auto failed = call("test_error_handling");
  CAF_CHECK_EQUAL(failed.at("isError"), true);
  auto links = call("resource_links");
  CAF_CHECK_EQUAL(links.at("content").at(1).at("type"), "resource_link");
  CAF_CHECK_EQUAL(links.at("content").at(1).at("uri"), "test://static-text");
  auto resources = ok(api->list_all_resources());
  CAF_CHECK_EQUAL(resources.at("resources").as_array().size(), 3u);
  auto text = ok(api->read_resource("test://static-text"));
  CAF_CHECK_EQUAL(text.at("contents").at(0).at("text"),
                  "This is the content of the static text resource.");
  auto blob = ok(api->read_resource("test://static-binary"));
  CAF_CHECK(blob.at("contents").at(0).as_object().contains("blob"));
  auto templates = ok(api->list_resource_templates());
  CAF_CHECK_EQUAL(templates.at("resourceTemplates").at(0).at("uriTemplate"),
                  "test://template/{id}/data");
  auto data = ok(api->read_resource("test://template/123/data"));
  auto data_text
    = json::parse(data.at("contents").at(0).at("text").as_string());
  CAF_CHECK_EQUAL(data_text.at("id"), "123");
  CAF_CHECK(static_cast<bool>(api->subscribe_resource("test://watched-resource")));
  CAF_CHECK(
    static_cast<bool>(api->unsubscribe_resource("test://watched-resource")));
  auto prompts = ok(api->list_all_prompts());
  CAF_CHECK(has_named(prompts, "prompts", "test_prompt_with_arguments"));
  auto prompt = ok(api->get_prompt("test_prompt_with_arguments",
                                   json::object{{"arg1", "hello"},
                                                {"arg2", "world"}}));
  CAF_CHECK_EQUAL(prompt.at("messages").at(0).at("content").at("text"),
                  "Prompt with arguments: arg1='hello', arg2='world'");
  auto completion = ok(api->complete(
    json::object{{"type", "ref/prompt"}, {"name", "test_prompt_with_arguments"}},
    "arg1", "pa"));
  CAF_CHECK_EQUAL(completion.at("completion").at("values"),
                  json::parse(R"(["paris","park","party"])"));
  auto ids = ok(api->complete(json::object{{"type", "ref/resource"},
                                           {"uri", "test://template/{id}/data"}},
                              "id", "1"));
  CAF_CHECK_EQUAL(ids.at("completion").at("values"),
                  json::parse(R"(["1","123"])"));
  CAF_CHECK(static_cast<bool>(api->set_logging_level("info")));
}

CAF_TEST(errors carry the spec codes) {
  start();
  CAF_CHECK_EQUAL(server_error(api->call_tool("throw")), -32603);
  CAF_CHECK_EQUAL(server_error(api->call_tool("no_such_tool")), -32602);
  CAF_CHECK_EQUAL(server_error(api->call_tool("bad_structured")), -32603);
  CAF_CHECK_EQUAL(server_error(api->read_resource("test://nothing")), -32002);
  CAF_CHECK_EQUAL(server_error(api->read_resource("test://template/missing/data")),
                  -32002);
  CAF_CHECK_EQUAL(server_error(api->get_prompt("test_prompt_with_arguments")),
                  -32602);
  auto invalid = call("add", json::object{{"a", 1}, {"b", "two"}});
  CAF_CHECK_EQUAL(invalid.at("isError"), true);
  CAF_CHECK(text_of(invalid).find("\"b\"") != std::string::npos);
  auto decreasing = text_of(call("decreasing_progress"));
  CAF_CHECK(decreasing.find("progress must increase") != std::string::npos);
  CAF_CHECK(static_cast<bool>(api->ping()));
}

CAF_TEST(progress reaches a subscriber actor in order) {
  start();
  caf::scoped_actor subscriber{sys};
  auto token = mcp::make_progress_token();
  mcp::request_options opts;
  opts.progress = token;
  opts.progress_subscribers.push_back(subscriber);
  auto result = ok(api->call_tool("long-running-operation",
                                  json::object{{"duration", 0.25}, {"steps", 5}},
                                  opts));
  CAF_CHECK(text_of(result).find("completed") != std::string::npos);
  auto got = mcp::test::receive_progress(subscriber, 6);
  CAF_REQUIRE(got.done);
  CAF_CHECK(got.done->outcome == mcp::progress_outcome::completed);
  auto& updates = got.updates;
  CAF_REQUIRE_EQUAL(updates.size(), 5u);
  for (size_t i = 0; i < updates.size(); ++i) {
    CAF_CHECK_EQUAL(updates[i].progress, static_cast<double>(i + 1));
    CAF_CHECK_EQUAL(*updates[i].total, 5.0);
    CAF_CHECK_EQUAL(*updates[i].message,
                    "Step " + std::to_string(i + 1) + " of 5");
  }
  auto st = api->stats();
  CAF_REQUIRE(static_cast<bool>(st));
  CAF_CHECK_EQUAL(st->progress_unknown_token, 0u);
  CAF_CHECK_EQUAL(st->progress_late, 0u);
}

CAF_TEST(log messages follow the level the client sets) {
  start();
  auto logs = listen("notifications/message");
  // Receives the next `n` log messages; returns `key` of each one's params.
  auto next_logs = [&](size_t n, std::string_view key) {
    std::vector<std::string> res;
    for (size_t i = 0; i < n; ++i)
      (*logs)->receive(
        [&](mcp::server_notification& x) {
          auto* params = x.params.if_object();
          auto* field = params ? params->if_contains(key) : nullptr;
          res.emplace_back(field && field->is_string()
                             ? field->get_string().c_str()
                             : "<missing>");
        },
        caf::after(10s) >> [] { CAF_FAIL("missing log message"); });
    return res;
  };
  ok(api->set_logging_level("warning"));
  CAF_CHECK_EQUAL(text_of(call("log_levels")), "5");
  CAF_CHECK_EQUAL(next_logs(5, "level"),
                  (std::vector<std::string>{"warning", "error", "critical",
                                            "alert", "emergency"}));
  CAF_CHECK_EQUAL(text_of(call("log_levels")), "5");
  CAF_CHECK_EQUAL(next_logs(5, "logger"),
                  std::vector<std::string>(5, "fixture"));
  ok(api->set_logging_level("debug"));
  CAF_CHECK_EQUAL(text_of(call("log_levels")), "8");
  CAF_CHECK_EQUAL(next_logs(8, "level"),
                  (std::vector<std::string>{"debug", "info", "notice",
                                            "warning", "error", "critical",
                                            "alert", "emergency"}));
  CAF_CHECK_EQUAL(text_of(call("test_tool_with_logging")),
                  "Tool with logging executed successfully");
  CAF_CHECK_EQUAL(next_logs(3, "data"),
                  (std::vector<std::string>{"Tool execution started",
                                            "Tool processing data",
                                            "Tool execution completed"}));
}

CAF_TEST(cancellation stops the handler and sends no response) {
  start();
  for (auto tool : {"wait", "busy"}) {
    auto stats_before = call("fixture_stats").at("structuredContent");
    auto cancelled_before = stats_before.at("cancelled").as_int64();
    caf::scoped_actor caller{sys};
    caf::scoped_actor progress{sys};
    auto token = mcp::make_progress_token();
    auto req = mcp::requests::call_tool(tool, json::object{{"seconds", 30}});
    req.options.cancel_key = tool;
    req.options.progress = token;
    req.options.progress_subscribers.push_back(progress);
    caller->send(client, std::move(req));
    // The handler runs once it reports progress.
    progress->receive([](mcp::progress_update&) {},
                      caf::after(10s) >> [] { CAF_FAIL("no progress"); });
    mcp::cancel_request(client, std::string{tool});
    caller->receive(
      [](json::value&) { CAF_FAIL("a cancelled call answered"); },
      [](caf::error& err) { CAF_CHECK(mcp::is(err, mcp::errc::cancelled)); },
      caf::after(10s) >> [] { CAF_FAIL("no cancellation error"); });
    CAF_CHECK(fixture_counter_reaches("cancelled", cancelled_before + 1));
    ok(api->ping());
    auto st = api->stats();
    CAF_REQUIRE(static_cast<bool>(st));
    CAF_CHECK_EQUAL(st->unknown_response_ids, 0u);
  }
}

CAF_TEST(a slow call does not hold up fast ones) {
  start();
  for (auto tool : {"wait", "busy"}) {
    caf::scoped_actor caller{sys};
    auto req = mcp::requests::call_tool(tool, json::object{{"seconds", 20}});
    req.options.cancel_key = tool;
    caller->send(client, std::move(req));
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) {
      CAF_CHECK_EQUAL(text_of(call("echo", json::object{{"message", "quick"}})),
                      "quick");
      CAF_CHECK(static_cast<bool>(api->ping()));
      CAF_CHECK(static_cast<bool>(api->list_tools()));
    }
    CAF_CHECK(std::chrono::steady_clock::now() - started < 5s);
    auto st = api->stats();
    CAF_REQUIRE(static_cast<bool>(st));
    CAF_CHECK_EQUAL(st->in_flight, 1u);
    mcp::cancel_request(client, std::string{tool});
    caller->receive([](json::value&) { CAF_FAIL("answered"); },
                    [](caf::error&) {},
                    caf::after(10s) >> [] { CAF_FAIL("no answer"); });
  }
}

CAF_TEST(catalog changes reach the client as list_changed) {
  start();
  auto changes = listen("notifications/tools/list_changed");
  CAF_CHECK_EQUAL(text_of(call("add_tool", json::object{{"name", "dynamic"}})),
                  "added dynamic");
  (*changes)->receive([](mcp::server_notification&) {},
                      caf::after(10s) >> [] { CAF_FAIL("no list_changed"); });
  CAF_CHECK(has_named(ok(api->list_all_tools()), "tools", "dynamic"));
  CAF_CHECK_EQUAL(text_of(call("dynamic")), "I am dynamic");
  call("remove_tool", json::object{{"name", "dynamic"}});
  (*changes)->receive([](mcp::server_notification&) {},
                      caf::after(10s) >> [] { CAF_FAIL("no list_changed"); });
  CAF_CHECK(!has_named(ok(api->list_all_tools()), "tools", "dynamic"));
  CAF_CHECK_EQUAL(server_error(api->call_tool("dynamic")), -32602);
}

CAF_TEST(resource updates reach subscribed clients only) {
  start();
  auto updates = listen("notifications/resources/updated");
  ok(api->subscribe_resource("test://watched-resource"));
  call("touch", json::object{{"uri", "test://watched-resource"}});
  (*updates)->receive(
    [](mcp::server_notification& x) {
      CAF_CHECK_EQUAL(x.params.at("uri"), "test://watched-resource");
    },
    caf::after(10s) >> [] { CAF_FAIL("no update"); });
  call("touch", json::object{{"uri", "test://static-text"}});
  ok(api->unsubscribe_resource("test://watched-resource"));
  call("touch", json::object{{"uri", "test://watched-resource"}});
  // The two touches above happened after this ping's request was answered.
  ok(api->ping());
  (*updates)->receive(
    [](mcp::server_notification& x) {
      CAF_FAIL("unexpected update " << json::serialize(x.params));
    },
    caf::after(300ms) >> [] {});
}

CAF_TEST(handlers ask the client for sampling elicitation and roots) {
  start_with_handlers();
  CAF_CHECK_EQUAL(text_of(call("test_sampling",
                               json::object{{"prompt", "say hi"}})),
                  "LLM response: sampled!");
  auto user = text_of(call("test_elicitation",
                           json::object{{"message", "who are you?"}}));
  CAF_CHECK(user.find("action=accept") != std::string::npos);
  CAF_CHECK(user.find("username-value") != std::string::npos);
  auto defaults = text_of(call("test_elicitation_sep1034_defaults"));
  CAF_CHECK(defaults.find("\"name\":\"John Doe\"") != std::string::npos);
  CAF_CHECK(defaults.find("\"age\":30") != std::string::npos);
  auto enums = text_of(call("test_elicitation_sep1330_enums"));
  CAF_CHECK(enums.find("\"untitledSingle\":\"option1\"") != std::string::npos);
  CAF_CHECK(enums.find("\"titledSingle\":\"value1\"") != std::string::npos);
  CAF_CHECK(text_of(call("roots")).find("file:///tmp/caf-root")
            != std::string::npos);
}

CAF_TEST(requests to the client time out) {
  mcp::client_config client_cfg;
  client_cfg.sampling_handler = mcp::spawn_request_handler(
    sys, [](const mcp::server_request& req) -> caf::expected<json::value> {
      std::this_thread::sleep_for(1s);
      return sample(req);
    });
  handlers = {client_cfg.sampling_handler};
  start(client_cfg);
  auto started = std::chrono::steady_clock::now();
  auto text = text_of(call("sampling_with_timeout", json::object{{"ms", 100}}));
  CAF_CHECK(std::chrono::steady_clock::now() - started < 900ms);
  CAF_CHECK(text.find("timeout") != std::string::npos);
  CAF_CHECK(static_cast<bool>(api->ping()));
}

CAF_TEST(without the capability the server does not ask) {
  start();
  auto res = api->call_tool("test_sampling", json::object{{"prompt", "x"}});
  CAF_CHECK_EQUAL(server_error(res), -32603);
  CAF_CHECK(mcp::describe(res.error()).find("sampling") != std::string::npos);
  CAF_CHECK_EQUAL(server_error(api->call_tool("roots")), -32603);
}

CAF_TEST_FIXTURE_SCOPE_END()
