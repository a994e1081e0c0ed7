// Deterministic tests of a server's session and request actors: the test
// coordinator runs every actor, a recording channel stands in for the
// connection.
#define CAF_SUITE actors.server_session
#include <caf/test/unit_test.hpp>

#include "tests/actors/server_session_fixture.hpp"

using namespace session_test;

CAF_TEST_FIXTURE_SCOPE(server_session_tests, fixture)

// -- lifecycle ----------------------------------------------------------------

CAF_TEST(initialize declares exactly what the server has) {
  request(1, "initialize",
          R"({"protocolVersion":"2025-11-25","capabilities":{},
              "clientInfo":{"name":"t","version":"1"}})");
  auto res = result(1);
  CAF_CHECK_EQUAL(res.at("protocolVersion"), "2025-11-25");
  CAF_CHECK_EQUAL(res.at("instructions"), "be kind");
  CAF_CHECK_EQUAL(res.at("serverInfo").at("name"), "unit");
  CAF_CHECK_EQUAL(res.at("capabilities"),
                  json::parse(R"({"tools":{"listChanged":true},
                    "resources":{"listChanged":true,"subscribe":true},
                    "prompts":{"listChanged":true},"logging":{},
                    "completions":{}})"));
}

CAF_TEST(a server without prompts or completions does not declare them) {
  mcp::server_definition def{"bare", "1"};
  def.options.logging = false;
  def.add(make_tool("t", [](request_context&, const json::object&)
                           -> caf::expected<tool_result> {
    return tool_result::text("t");
  }));
  out = std::make_shared<recording_channel>();
  start(std::move(def));
  request(1, "initialize",
          R"({"protocolVersion":"2025-06-18","capabilities":{},
              "clientInfo":{"name":"t","version":"1"}})");
  CAF_CHECK_EQUAL(result(1).at("capabilities"),
                  json::parse(R"({"tools":{"listChanged":true}})"));
  request(2, "prompts/list");
  CAF_CHECK_EQUAL(error_code(2), -32601);
  request(3, "logging/setLevel", R"({"level":"info"})");
  CAF_CHECK_EQUAL(error_code(3), -32601);
}

CAF_TEST(versions are negotiated) {
  for (auto [asked, answered] :
       {std::pair{"2025-06-18", "2025-06-18"}, {"2025-03-26", "2025-03-26"},
        {"2024-11-05", "2024-11-05"}, {"2099-01-01", "2025-11-25"}}) {
    auto channel = std::make_shared<recording_channel>();
    auto s = open(channel);
    self->send(s, inbound_atom::value,
               json::parse(std::string{R"({"jsonrpc":"2.0","id":1,
                 "method":"initialize","params":{"protocolVersion":")"}
                           + asked + R"(","capabilities":{},
                 "clientInfo":{"name":"t","version":"1"}}})"));
    consume_messages();
    CAF_REQUIRE_EQUAL(channel->sent.size(), 1u);
    CAF_CHECK_EQUAL(channel->sent[0].at("result").at("protocolVersion"),
                    answered);
  }
}

CAF_TEST(requests before initialize fail except ping) {
  request(1, "tools/list");
  CAF_CHECK_EQUAL(error_code(1), -32600);
  CAF_CHECK(error_message(1).find("not initialized") != std::string::npos);
  request(2, "ping");
  CAF_CHECK_EQUAL(result(2), json::value(json::object{}));
  request(3, "initialize", R"({"protocolVersion":"2025-11-25"})");
  CAF_CHECK_EQUAL(error_code(3), -32602);
  initialize();
  request(4, "initialize",
          R"({"protocolVersion":"2025-11-25","capabilities":{},
              "clientInfo":{"name":"t","version":"1"}})");
  CAF_CHECK_EQUAL(error_code(4), -32600);
  request(5, "ping");
  CAF_CHECK_EQUAL(result(5), json::value(json::object{}));
}

// -- bad input ----------------------------------------------------------------

CAF_TEST(bad input gets the spec error codes and the session lives on) {
  initialize();
  self->send(session, mcp::transports::transport_fault{
                        mcp::transports::fault_kind::malformed_message, "x"});
  consume_messages();
  CAF_REQUIRE(!out->sent.empty());
  CAF_CHECK_EQUAL(out->sent.back().at("id"), nullptr);
  CAF_CHECK_EQUAL(out->sent.back().at("error").at("code"), -32700);
  deliver(R"({"hello":"world"})");
  CAF_CHECK_EQUAL(out->sent.back().at("error").at("code"), -32600);
  CAF_CHECK_EQUAL(out->sent.back().at("id"), nullptr);
  deliver(R"({"jsonrpc":"1.0","id":9,"method":"ping"})");
  CAF_CHECK_EQUAL(error_code(9), -32600);
  deliver(R"(42)");
  CAF_CHECK_EQUAL(out->sent.back().at("error").at("code"), -32600);
  auto before = out->sent.size();
  deliver(R"({"jsonrpc":"2.0","id":77,"result":{},"error":{}})");
  CAF_CHECK_EQUAL(out->sent.size(), before);
  request(10, "no/such/method");
  CAF_CHECK_EQUAL(error_code(10), -32601);
  request(11, "tools/call", R"({"name":5})");
  CAF_CHECK_EQUAL(error_code(11), -32602);
  request(12, "tools/call", R"({"name":"nope"})");
  CAF_CHECK_EQUAL(error_code(12), -32602);
  CAF_CHECK(error_message(12).find("nope") != std::string::npos);
  request(13, "tools/call", R"({"name":"echo","arguments":[1]})");
  CAF_CHECK_EQUAL(error_code(13), -32602);
  request(14, "resources/read", R"({})");
  CAF_CHECK_EQUAL(error_code(14), -32602);
  request(15, "logging/setLevel", R"({"level":"loud"})");
  CAF_CHECK_EQUAL(error_code(15), -32602);
  request(16, "tools/list", "[]");
  CAF_CHECK_EQUAL(error_code(16), -32602);
  deliver(R"({"jsonrpc":"2.0","id":4711,"result":{}})");
  CAF_CHECK_EQUAL(stats().unknown_responses, 1u);
  request(17, "ping");
  CAF_CHECK_EQUAL(result(17), json::value(json::object{}));
  CAF_CHECK(stats().bad_input >= 4u);
}

CAF_TEST(a handler that throws gives an internal error) {
  initialize();
  request(1, "tools/call", R"({"name":"throws"})");
  CAF_CHECK_EQUAL(error_code(1), -32603);
  CAF_CHECK(error_message(1).find("kaputt") != std::string::npos);
  request(2, "tools/call", R"({"name":"fails"})");
  CAF_CHECK_EQUAL(error_code(2), -32042);
  CAF_CHECK_EQUAL(answer(2).at("error").at("data"), json::parse(R"({"x":1})"));
  request(3, "ping");
  CAF_CHECK_EQUAL(result(3), json::value(json::object{}));
}

// -- tools --------------------------------------------------------------------

CAF_TEST(each call runs in a request actor that is reused afterwards) {
  initialize();
  auto actors_before = sys.registry().running();
  request(1, "tools/call", R"({"name":"echo","arguments":{"message":"hi"}})");
  CAF_CHECK_EQUAL(result(1).at("content").at(0).at("text"), "hi");
  CAF_CHECK_EQUAL(runs->runs, 1);
  auto st = stats();
  CAF_CHECK_EQUAL(st.in_flight, 0u);
  CAF_CHECK_EQUAL(st.results, 2u);
  // One request actor, idle now.
  CAF_CHECK_EQUAL(sys.registry().running(), actors_before + 1);
  request(2, "tools/call", R"({"name":"fast"})");
  CAF_CHECK_EQUAL(result(2).at("content").at(0).at("text"), "fast");
  CAF_CHECK_EQUAL(sys.registry().running(), actors_before + 1);
  // Two at once need two.
  hand_over(R"({"jsonrpc":"2.0","id":3,"method":"tools/call",
               "params":{"name":"echo","arguments":{"message":"a"}}})");
  hand_over(R"({"jsonrpc":"2.0","id":4,"method":"tools/call",
               "params":{"name":"echo","arguments":{"message":"b"}}})");
  CAF_CHECK_EQUAL(stats().in_flight, 2u);
  consume_messages();
  CAF_CHECK_EQUAL(sys.registry().running(), actors_before + 2);
  CAF_CHECK_EQUAL(runs->runs, 4);
}

CAF_TEST(arguments are checked before the handler runs) {
  initialize();
  request(1, "tools/call", R"({"name":"echo","arguments":{}})");
  auto res = result(1);
  CAF_CHECK_EQUAL(res.at("isError"), true);
  auto text = json::value_to<std::string>(res.at("content").at(0).at("text"));
  CAF_CHECK(text.find("\"message\"") != std::string::npos);
  request(2, "tools/call", R"({"name":"echo","arguments":{"message":7}})");
  text = json::value_to<std::string>(result(2).at("content").at(0).at("text"));
  CAF_CHECK(text.find("\"message\": expected string, got number")
            != std::string::npos);
  CAF_CHECK_EQUAL(runs->runs, 0);
}

CAF_TEST(structured content is checked against the output schema) {
  initialize();
  request(1, "tools/call", R"({"name":"structured","arguments":{"n":3}})");
  CAF_CHECK_EQUAL(result(1).at("structuredContent"), json::parse(R"({"n":3})"));
  request(2, "tools/call", R"({"name":"structured","arguments":{"n":"x"}})");
  CAF_CHECK_EQUAL(error_code(2), -32603);
  CAF_CHECK(error_message(2).find("outputSchema") != std::string::npos);
}

CAF_TEST(progress goes out before the response only with a token) {
  initialize();
  request(1, "tools/call",
          R"({"name":"progress","_meta":{"progressToken":"tok"}})");
  auto updates = notifications("notifications/progress");
  CAF_REQUIRE_EQUAL(updates.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    auto& p = updates[static_cast<size_t>(i)].at("params");
    CAF_CHECK_EQUAL(p.at("progressToken"), "tok");
    CAF_CHECK_EQUAL(p.at("progress"), i + 1);
    CAF_CHECK_EQUAL(p.at("total"), 3);
    CAF_CHECK_EQUAL(p.at("message"), "step");
  }
  // The decreasing value was refused, with a clear error.
  auto text = json::value_to<std::string>(
    result(1).at("content").at(0).at("text"));
  CAF_CHECK(text.find("progress must increase") != std::string::npos);
  CAF_REQUIRE(!out->sent.empty());
  CAF_CHECK(out->sent.back().as_object().contains("result"));
  request(2, "tools/call", R"({"name":"progress"})");
  CAF_CHECK_EQUAL(notifications("notifications/progress").size(), 3u);
}

CAF_TEST(progress reporters work from anywhere until the request ends) {
  initialize();
  request(1, "tools/call",
          R"({"name":"delegate","_meta":{"progressToken":7}})");
  CAF_CHECK_EQUAL(result(1).at("content").at(0).at("text"), "delegated");
  auto updates = notifications("notifications/progress");
  CAF_REQUIRE_EQUAL(updates.size(), 1u);
  CAF_CHECK_EQUAL(updates[0].at("params").at("progressToken"), 7);
  // After the response, reports send nothing; copies share the order.
  CAF_CHECK(!runs->reporter.active());
  CAF_CHECK(!runs->reporter.report(2, 2));
  CAF_CHECK(runs->reporter.report(0.5));
  CAF_CHECK_EQUAL(notifications("notifications/progress").size(), 1u);
  CAF_CHECK(!mcp::progress_reporter{}.report(1));
}

CAF_TEST(log messages honour the session level) {
  initialize();
  request(1, "tools/call", R"({"name":"log_all"})");
  CAF_CHECK_EQUAL(result(1).at("content").at(0).at("text"), "8");
  request(2, "logging/setLevel", R"({"level":"error"})");
  CAF_CHECK_EQUAL(result(2), json::value(json::object{}));
  request(3, "tools/call", R"({"name":"log_all"})");
  CAF_CHECK_EQUAL(result(3).at("content").at(0).at("text"), "4");
  auto logs = notifications("notifications/message");
  CAF_REQUIRE_EQUAL(logs.size(), 12u);
  CAF_CHECK_EQUAL(logs.back().at("params").at("level"), "emergency");
  CAF_CHECK_EQUAL(logs.back().at("params").at("logger"), "unit");
  mcp::send_log(server, mcp::protocol::log_level::warning, "quiet");
  mcp::send_log(server, mcp::protocol::log_level::critical, "loud");
  consume_messages();
  logs = notifications("notifications/message");
  CAF_REQUIRE_EQUAL(logs.size(), 13u);
  CAF_CHECK_EQUAL(logs.back().at("params").at("data"), "loud");
}

// -- cancellation and lifetime ------------------------------------------------

CAF_TEST(a cancelled request never runs and never answers) {
  initialize();
  // The session takes the request (it spawns the request actor), but the
  // request actor has not run yet when the cancellation comes.
  hand_over(R"({"jsonrpc":"2.0","id":1,"method":"tools/call",
               "params":{"name":"echo","arguments":{"message":"x"}}})");
  hand_over(R"({"jsonrpc":"2.0","method":"notifications/cancelled",
              "params":{"requestId":1,"reason":"changed my mind"}})");
  consume_messages();
  CAF_CHECK(answers(1).empty());
  CAF_CHECK_EQUAL(runs->runs, 0);
  auto st = stats();
  CAF_CHECK_EQUAL(st.cancelled, 1u);
  CAF_CHECK_EQUAL(st.in_flight, 0u);
  // Cancelling again, or something unknown, changes nothing.
  deliver(R"({"jsonrpc":"2.0","method":"notifications/cancelled",
              "params":{"requestId":1}})");
  deliver(R"({"jsonrpc":"2.0","method":"notifications/cancelled",
              "params":{"requestId":"zzz"}})");
  CAF_CHECK_EQUAL(stats().cancelled, 1u);
}

CAF_TEST(error helpers for handlers make the spec errors) {
  using mcp::detail::error_response;
  auto invalid = error_response(mcp::protocol::request_id{7},
                                mcp::make_invalid_params("need x"));
  CAF_CHECK_EQUAL(json::serialize(invalid),
                  R"({"jsonrpc":"2.0","id":7,"error":)"
                  R"({"code":-32602,"message":"need x"}})");
  auto missing = error_response(mcp::protocol::request_id{"r"},
                                mcp::make_resource_not_found("file:///a"));
  CAF_CHECK_EQUAL(json::serialize(missing),
                  R"({"jsonrpc":"2.0","id":"r","error":{"code":-32002,)"
                  R"("message":"Resource not found: file:///a",)"
                  R"("data":{"uri":"file:///a"}}})");
}

CAF_TEST(a request whose actor dies gets an internal error) {
  initialize();
  hand_over(R"({"jsonrpc":"2.0","id":1,"method":"tools/call",
               "params":{"name":"echo","arguments":{"message":"x"}}})");
  // The session's new request actor waits to run; it fails instead (as on
  // an exception that escapes CAF's handlers).
  CAF_REQUIRE_EQUAL(sched.jobs.size(), 1u);
  auto worker_ptr = dynamic_cast<caf::abstract_actor*>(sched.jobs.front());
  CAF_REQUIRE(worker_ptr != nullptr);
  auto worker = caf::actor_cast<caf::actor>(worker_ptr);
  CAF_REQUIRE(worker != session);
  // Urgent, so that it comes before the request the actor has not run yet.
  worker->enqueue(caf::make_mailbox_element(
                    nullptr, caf::make_message_id(caf::message_priority::high),
                    {}, caf::exit_msg{self->address(),
                                  caf::exit_reason::unhandled_exception}),
                  nullptr);
  consume_messages();
  CAF_CHECK_EQUAL(error_code(1), -32603);
  CAF_CHECK(error_message(1).find("actor ended") != std::string::npos);
  CAF_CHECK_EQUAL(stats().in_flight, 0u);
  // The session lives on with new request actors.
  request(2, "tools/call", R"({"name":"echo","arguments":{"message":"y"}})");
  CAF_CHECK_EQUAL(result(2).at("content").at(0).at("text"), "y");
}

CAF_TEST(ids in use are refused) {
  initialize();
  hand_over(R"({"jsonrpc":"2.0","id":"a","method":"tools/call",
               "params":{"name":"echo","arguments":{"message":"x"}}})");
  hand_over(R"({"jsonrpc":"2.0","id":"a","method":"ping"})");
  auto dup = std::find_if(out->sent.begin(), out->sent.end(),
                          [](const json::value& x) {
                            return x.as_object().contains("error");
                          });
  CAF_REQUIRE(dup != out->sent.end());
  CAF_CHECK_EQUAL(dup->at("id"), "a");
  CAF_CHECK_EQUAL(dup->at("error").at("code"), -32600);
  consume_messages();
  // The first request still answers.
  size_t results = 0;
  for (auto& x : out->sent)
    if (x.as_object().contains("result") && x.at("id") == "a")
      ++results;
  CAF_CHECK_EQUAL(results, 1u);
}

CAF_TEST(a session that dies releases its request actors) {
  initialize();
  auto idle = sys.registry().running();
  for (int id = 1; id <= 3; ++id) {
    hand_over(R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                           + R"(,"method":"tools/call",
                 "params":{"name":"echo","arguments":{"message":"x"}}})");
  }
  CAF_CHECK_EQUAL(stats().in_flight, 3u);
  CAF_CHECK_EQUAL(sys.registry().running(), idle + 3);
  // The session dies before its request actors get their turn.
  self->send_exit(session, caf::exit_reason::kill);
  CAF_REQUIRE(sched.prioritize(session));
  sched.run_once();
  consume_messages();
  CAF_CHECK_EQUAL(runs->runs, 0);
  CAF_CHECK_EQUAL(sys.registry().running(), idle - 1);
  CAF_CHECK(out->closed);
  CAF_CHECK_EQUAL(server_stats().sessions, 0u);
}

CAF_TEST(the end of input lets running requests finish then closes) {
  initialize();
  hand_over(R"({"jsonrpc":"2.0","id":1,"method":"tools/call",
               "params":{"name":"echo","arguments":{"message":"last"}}})");
  self->send(session, mcp::transports::transport_closed{"eof"});
  consume_message();
  CAF_CHECK(!out->closed);
  consume_messages();
  CAF_CHECK_EQUAL(result(1).at("content").at(0).at("text"), "last");
  CAF_CHECK(out->closed);
  CAF_CHECK_EQUAL(server_stats().sessions, 0u);
}

CAF_TEST(requests beyond the limits wait and then are refused) {
  restart_with([](mcp::server_options& o) {
    o.max_concurrent_requests = 1;
    o.max_waiting_requests = 2;
  });
  for (int id = 1; id <= 4; ++id) {
    hand_over(R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                           + R"(,"method":"tools/call",
                 "params":{"name":"echo","arguments":{"message":"m"}}})");
  }
  auto st = stats();
  CAF_CHECK_EQUAL(st.in_flight, 1u);
  CAF_CHECK_EQUAL(st.waiting, 2u);
  CAF_CHECK_EQUAL(error_code(4), -32603);
  CAF_CHECK(error_message(4).find("busy") != std::string::npos);
  // The session still answers what it handles itself.
  hand_over(R"({"jsonrpc":"2.0","id":5,"method":"ping"})");
  CAF_CHECK_EQUAL(result(5), json::value(json::object{}));
  consume_messages();
  for (int id = 1; id <= 3; ++id)
    CAF_CHECK_EQUAL(result(id).at("content").at(0).at("text"), "m");
  CAF_CHECK_EQUAL(runs->runs, 3);
}

CAF_TEST(requests still waiting at the end of input run and answer) {
  restart_with([](mcp::server_options& o) {
    o.max_concurrent_requests = 1;
  });
  for (int id = 1; id <= 3; ++id)
    hand_over(R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                           + R"(,"method":"tools/call",
                 "params":{"name":"echo","arguments":{"message":"e"}}})");
  self->send(session, mcp::transports::transport_closed{"eof"});
  consume_messages();
  for (int id = 1; id <= 3; ++id)
    CAF_CHECK_EQUAL(result(id).at("content").at(0).at("text"), "e");
  CAF_CHECK(out->closed);
}

CAF_TEST(a session shut down answers what is open with errors) {
  restart_with([](mcp::server_options& o) {
    o.max_concurrent_requests = 1;
  });
  for (int id = 1; id <= 2; ++id)
    hand_over(R"({"jsonrpc":"2.0","id":)" + std::to_string(id)
                           + R"(,"method":"tools/call",
                 "params":{"name":"echo","arguments":{"message":"x"}}})");
  self->send(session, mcp::shutdown_atom::value);
  CAF_REQUIRE(sched.prioritize(session));
  sched.run_once();
  consume_messages();
  CAF_CHECK_EQUAL(error_code(1), -32603);
  CAF_CHECK_EQUAL(error_code(2), -32603);
  CAF_CHECK_EQUAL(runs->runs, 0);
  CAF_CHECK(out->closed);
}

CAF_TEST(waiting calls refuse outside dedicated handlers) {
  mcp::server_definition def{"waits", "1"};
  def.options.log_bad_input = false;
  for (auto exec : {execution::pooled, execution::immediate}) {
    def.add(make_tool(exec == execution::pooled ? "pooled" : "immediate",
                      [](request_context& ctx, const json::object&)
                        -> caf::expected<tool_result> {
                        if (ctx.sleep_for(std::chrono::seconds(10)))
                          return tool_result::text("slept");
                        auto res = ctx.ping_client();
                        if (res)
                          return tool_result::text("pinged");
                        return tool_result::text(mcp::describe(res.error()));
                      },
                      exec));
  }
  out = std::make_shared<recording_channel>();
  start(std::move(def));
  initialize();
  request(1, "tools/call", R"({"name":"pooled"})");
  request(2, "tools/call", R"({"name":"immediate"})");
  for (auto id : {1, 2}) {
    auto text = json::value_to<std::string>(
      result(id).at("content").at(0).at("text"));
    CAF_CHECK(text.find("execution::dedicated") != std::string::npos);
  }
}

CAF_TEST(output of a request is routed to it and its response ends it) {
  initialize();
  auto first = out->sent.size();
  request(1, "tools/call",
          R"({"name":"progress","_meta":{"progressToken":"tok"}})");
  request(2, "tools/call", R"({"name":"progress"})");
  request(3, "tools/call", R"({"name":"no-such-tool"})");
  std::vector<std::string> seen;
  for (auto i = first; i < out->sent.size(); ++i) {
    auto& msg = out->sent[i].as_object();
    auto& r = out->routes[i];
    std::string what = msg.contains("method")
                         ? std::string{msg.at("method").as_string()}
                         : std::string{"response"};
    what += " -> ";
    what += r.request ? r.request->to_json_text() : std::string{"none"};
    if (r.ends_request)
      what += r.after_progress ? " ends after progress" : " ends";
    seen.push_back(std::move(what));
  }
  CAF_CHECK_EQUAL(seen, (std::vector<std::string>{
                          "notifications/progress -> 1",
                          "notifications/progress -> 1",
                          "notifications/progress -> 1",
                          "response -> 1 ends after progress",
                          "response -> 2 ends", "response -> 3 ends"}));
}

// -- lists, resources, prompts, completion ------------------------------------

CAF_TEST(lists page with opaque cursors) {
  restart_with([](mcp::server_options& o) {
    o.page_size = 3;
  });
  std::vector<std::string> names;
  std::string cursor;
  for (int id = 1; id < 10; ++id) {
    request(id, "tools/list",
            cursor.empty() ? "" : R"({"cursor":")" + cursor + "\"}");
    auto page = result(id);
    CAF_CHECK(page.at("tools").as_array().size() <= 3u);
    for (auto& t : page.at("tools").as_array())
      names.push_back(json::value_to<std::string>(t.at("name")));
    auto next = page.as_object().if_contains("nextCursor");
    if (next == nullptr)
      break;
    cursor = json::value_to<std::string>(*next);
  }
  CAF_CHECK_EQUAL(names, (std::vector<std::string>{"echo", "fast", "progress",
                                                   "delegate", "log_all",
                                                   "throws", "fails",
                                                   "structured"}));
  request(20, "tools/list", R"({"cursor":"not-a-cursor"})");
  CAF_CHECK_EQUAL(error_code(20), -32602);
  request(21, "prompts/list", R"({"cursor":")" + cursor + "\"}");
  CAF_CHECK_EQUAL(error_code(21), -32602);
}

CAF_TEST(resources read by URI or template and missing ones say so) {
  initialize();
  request(1, "resources/read", R"({"uri":"test://a"})");
  CAF_CHECK_EQUAL(result(1).at("contents").at(0).at("text"), "A");
  request(2, "resources/read", R"({"uri":"test://t/42"})");
  CAF_CHECK_EQUAL(result(2).at("contents").at(0).at("text"), "42");
  request(3, "resources/read", R"({"uri":"test://nowhere"})");
  CAF_CHECK_EQUAL(error_code(3), -32002);
  CAF_CHECK_EQUAL(answer(3).at("error").at("data").at("uri"), "test://nowhere");
  request(4, "resources/read", R"({"uri":"test://t/none"})");
  CAF_CHECK_EQUAL(error_code(4), -32002);
  request(5, "resources/list");
  CAF_CHECK_EQUAL(result(5).at("resources").as_array().size(), 1u);
  request(6, "resources/templates/list");
  CAF_CHECK_EQUAL(result(6).at("resourceTemplates").at(0).at("uriTemplate"),
                  "test://t/{id}");
}

CAF_TEST(prompts check their arguments) {
  initialize();
  request(1, "prompts/get", R"({"name":"greet","arguments":{"name":"ann"}})");
  CAF_CHECK_EQUAL(result(1).at("messages").at(0).at("content").at("text"),
                  "hello ann");
  request(2, "prompts/get", R"({"name":"greet"})");
  CAF_CHECK_EQUAL(error_code(2), -32602);
  CAF_CHECK(error_message(2).find("\"name\"") != std::string::npos);
  request(3, "prompts/get", R"({"name":"greet","arguments":{"name":1}})");
  CAF_CHECK_EQUAL(error_code(3), -32602);
  request(4, "prompts/get", R"({"name":"nope"})");
  CAF_CHECK_EQUAL(error_code(4), -32602);
  request(5, "prompts/list");
  CAF_CHECK_EQUAL(result(5).at("prompts").at(0).at("arguments").at(0)
                    .at("required"),
                  true);
}

CAF_TEST(completion serves prompt arguments and template variables) {
  initialize();
  request(1, "completion/complete",
          R"({"ref":{"type":"ref/prompt","name":"greet"},
              "argument":{"name":"name","value":"a"}})");
  CAF_CHECK_EQUAL(result(1).at("completion").at("values"),
                  json::parse(R"(["ann"])"));
  request(2, "completion/complete",
          R"({"ref":{"type":"ref/resource","uri":"test://t/{id}"},
              "argument":{"name":"id","value":"al"}})");
  CAF_CHECK_EQUAL(result(2).at("completion").at("values"),
                  json::parse(R"(["alpha","alps"])"));
  request(3, "completion/complete",
          R"({"ref":{"type":"ref/prompt","name":"nope"},
              "argument":{"name":"x","value":""}})");
  CAF_CHECK_EQUAL(error_code(3), -32602);
  request(4, "completion/complete",
          R"({"ref":{"type":"ref/prompt","name":"greet"},
              "argument":{"name":"other","value":""}})");
  CAF_CHECK_EQUAL(result(4).at("completion").at("values"), json::value(json::array{}));
  request(5, "completion/complete", R"({"ref":{}})");
  CAF_CHECK_EQUAL(error_code(5), -32602);
}

// -- changes and subscriptions ------------------------------------------------

CAF_TEST(catalog changes reach initialized sessions as list_changed) {
  initialize();
  auto other_out = std::make_shared<recording_channel>();
  auto other = open(other_out);
  mcp::add_tool(server, make_tool("new_tool",
                                  [](request_context&, const json::object&)
                                    -> caf::expected<tool_result> {
                                    return tool_result::text("new");
                                  }));
  consume_messages();
  CAF_CHECK_EQUAL(notifications("notifications/tools/list_changed").size(), 1u);
  // A session that has not been initialized hears nothing.
  CAF_CHECK(other_out->sent.empty());
  request(1, "tools/call", R"({"name":"new_tool"})");
  CAF_CHECK_EQUAL(result(1).at("content").at(0).at("text"), "new");
  mcp::remove_tool(server, "new_tool");
  consume_messages();
  CAF_CHECK_EQUAL(notifications("notifications/tools/list_changed").size(), 2u);
  request(2, "tools/call", R"({"name":"new_tool"})");
  CAF_CHECK_EQUAL(error_code(2), -32602);
  mcp::remove_tool(server, "never_there");
  mcp::remove_prompt(server, "greet");
  consume_messages();
  CAF_CHECK_EQUAL(notifications("notifications/tools/list_changed").size(), 2u);
  CAF_CHECK_EQUAL(notifications("notifications/prompts/list_changed").size(),
                  1u);
  // Invalid definitions are refused and change nothing.
  self->send(server, mcp::add_atom::value,
             make_tool("bad name!", [](request_context&, const json::object&)
                                      -> caf::expected<tool_result> {
               return tool_result::text("");
             }));
  consume_messages();
  caf::error refused;
  self->receive([&](caf::error& err) { refused = err; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK(mcp::is(refused, mcp::errc::invalid_argument));
  CAF_CHECK_EQUAL(notifications("notifications/tools/list_changed").size(), 2u);
}

CAF_TEST(resource updates reach exactly the subscribed sessions) {
  initialize();
  auto other_out = std::make_shared<recording_channel>();
  auto other = open(other_out);
  initialize("2025-11-25", other);
  request(1, "resources/subscribe", R"({"uri":"test://t/7"})");
  CAF_CHECK_EQUAL(result(1), json::value(json::object{}));
  request(2, "resources/subscribe", R"({"uri":"test://missing"})");
  CAF_CHECK_EQUAL(error_code(2), -32002);
  mcp::notify_resource_updated(server, "test://t/7");
  mcp::notify_resource_updated(server, "test://a");
  consume_messages();
  auto updates = notifications("notifications/resources/updated");
  CAF_REQUIRE_EQUAL(updates.size(), 1u);
  CAF_CHECK_EQUAL(updates[0].at("params").at("uri"), "test://t/7");
  for (auto& x : other_out->sent)
    CAF_CHECK_NOT_EQUAL(x.as_object().if_contains("method") != nullptr
                          ? x.at("method")
                          : json::value{},
                        "notifications/resources/updated");
  CAF_CHECK_EQUAL(stats().subscriptions, 1u);
  request(3, "resources/unsubscribe", R"({"uri":"test://t/7"})");
  mcp::notify_resource_updated(server, "test://t/7");
  consume_messages();
  CAF_CHECK_EQUAL(notifications("notifications/resources/updated").size(), 1u);
  CAF_CHECK_EQUAL(stats().subscriptions, 0u);
}

// -- batches ------------------------------------------------------------------

CAF_TEST(batches answer as one array where the revision allows them) {
  initialize("2025-03-26");
  out->sent.clear();
  deliver(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},
              {"jsonrpc":"2.0","method":"notifications/progress",
               "params":{"progressToken":"x","progress":1}},
              {"jsonrpc":"2.0","id":2,"method":"tools/call",
               "params":{"name":"echo","arguments":{"message":"b"}}},
              {"jsonrpc":"2.0","id":3,"method":"nope"}])");
  CAF_REQUIRE_EQUAL(out->sent.size(), 1u);
  auto& batch = out->sent[0].as_array();
  CAF_REQUIRE_EQUAL(batch.size(), 3u);
  std::set<int64_t> ids;
  for (auto& x : batch)
    ids.insert(x.at("id").as_int64());
  CAF_CHECK_EQUAL(ids, (std::set<int64_t>{1, 2, 3}));
  out->sent.clear();
  deliver(R"([])");
  CAF_REQUIRE_EQUAL(out->sent.size(), 1u);
  CAF_CHECK_EQUAL(out->sent[0].at("error").at("code"), -32600);
}

CAF_TEST(a batch answers once for all members that get a response) {
  initialize("2025-03-26");
  out->sent.clear();
  // Request 1 is cancelled within the batch before its actor runs; the
  // response-like items get no answer; initialize and garbage get errors.
  hand_over(R"([{"jsonrpc":"2.0","id":1,"method":"tools/call",
                 "params":{"name":"echo","arguments":{"message":"x"}}},
                {"jsonrpc":"2.0","method":"notifications/cancelled",
                 "params":{"requestId":1}},
                {"jsonrpc":"2.0","id":2,"method":"initialize",
                 "params":{"protocolVersion":"2025-03-26","capabilities":{},
                           "clientInfo":{"name":"t","version":"1"}}},
                {"jsonrpc":"2.0","id":99,"result":{}},
                {"jsonrpc":"2.0","id":98,"error":"not an object"},
                {"foo":1}])");
  CAF_CHECK(out->sent.empty());
  consume_messages();
  CAF_CHECK_EQUAL(runs->runs, 0);
  CAF_REQUIRE_EQUAL(out->sent.size(), 1u);
  auto& batch = out->sent[0].as_array();
  CAF_REQUIRE_EQUAL(batch.size(), 2u);
  CAF_CHECK_EQUAL(batch[0].at("id"), 2);
  CAF_CHECK_EQUAL(batch[0].at("error").at("code"), -32600);
  CAF_CHECK_EQUAL(batch[0].at("error").at("message"),
                  "initialize must not be part of a batch");
  CAF_CHECK(batch[1].at("id").is_null());
  CAF_CHECK_EQUAL(batch[1].at("error").at("code"), -32600);
  CAF_CHECK_EQUAL(stats().in_flight, 0u);
}

CAF_TEST(batches are refused from 2025-06-18 on) {
  initialize("2025-06-18");
  out->sent.clear();
  deliver(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  CAF_REQUIRE_EQUAL(out->sent.size(), 1u);
  CAF_CHECK_EQUAL(out->sent[0].at("error").at("code"), -32600);
  CAF_CHECK(answers(1).empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
