// Prints the JSON-RPC messages caf-mcp sends as a server, one per line, for
// the protocol revision given as argv[1]:
//
//   {"type": "<schema definition name>", "message": <message>}
//
// Unlike emit_messages (the client side), nothing here is built by hand: a
// real server session runs in-process on a recording channel, this program
// plays the client, and every message the session sends is printed with the
// schema definition it must satisfy (the result type of the request it
// answers, or the definition of the notification or request it is).
// `validate.py --side server` checks them.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "actors/request_context.hpp"
#include "actors/server.hpp"
#include "actors/server_messages.hpp"
#include "actors/system_config.hpp"
#include "protocol/content.hpp"
#include "protocol/elicitation_form.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "protocol/version.hpp"
#include "transports/channel.hpp"
#include "transports/messages.hpp"

namespace {

namespace json = boost::json;
namespace protocol = mcp::protocol;
using namespace std::chrono_literals;
using mcp::execution;
using mcp::request_context;
using mcp::tool_result;

/// Keeps what the session sends, for the main thread to pick up.
struct recording_channel : mcp::transports::channel {
  std::mutex mtx;
  std::condition_variable cv;
  std::deque<json::value> sent;

  bool send(const json::value& msg, mcp::transports::output_route) override {
    std::lock_guard<std::mutex> guard{mtx};
    sent.push_back(msg);
    cv.notify_all();
    return true;
  }

  void close() override {
    // nop
  }

  /// Waits for the next message (10 s at most).
  json::value next() {
    std::unique_lock<std::mutex> guard{mtx};
    if (!cv.wait_for(guard, 10s, [this] { return !sent.empty(); })) {
      std::fprintf(stderr, "emit_server_messages: the session went silent\n");
      std::exit(1);
    }
    auto res = std::move(sent.front());
    sent.pop_front();
    return res;
  }
};

json::object schema_of(std::string_view text) {
  return json::parse(text).as_object();
}

mcp::tool tool_of(std::string name, json::object input, mcp::tool_handler fn) {
  mcp::tool res;
  res.name = std::move(name);
  res.title = "The " + res.name + " tool";
  res.description = "A tool of the schema test";
  res.input_schema = std::move(input);
  res.exec = execution::dedicated;
  res.handler = std::move(fn);
  return res;
}

/// The server under test: a bit of everything.
/// The params of a sampling request that says hi.
json::object say_hi() {
  json::object params;
  params["messages"] = json::array{json::object{
    {"role", "user"}, {"content", protocol::text_content("hi")}}};
  params["maxTokens"] = 10;
  return params;
}

mcp::server_definition make_server() {
  mcp::server_definition def{"caf-mcp-schema-test", "0.1.0"};
  def.info.title = "caf-mcp schema test";
  def.info.description = "Emits every kind of server message";
  def.info.website_url = "https://example.com/caf-mcp";
  def.instructions = "Use the tools.";
  def.options.page_size = 2;
  def.options.log_bad_input = false;
  def.experimental["caf-mcp/test"] = json::object{};
  auto content = tool_of(
    "content", schema_of(R"({"type":"object"})"),
    [](request_context& ctx, const json::object&) -> caf::expected<tool_result> {
      ctx.report_progress(1, 2, "half");
      ctx.report_progress(2);
      ctx.log(protocol::log_level::info, json::object{{"step", "content"}},
              "schema");
      tool_result res;
      auto text = protocol::text_content("text");
      protocol::annotations notes;
      notes.audience = {"user", "assistant"};
      notes.priority = 0.5;
      protocol::annotate(text, notes);
      res.content.emplace_back(std::move(text));
      res.content.emplace_back(protocol::image_content("AAAA", "image/png"));
      res.content.emplace_back(protocol::audio_content("AAAA", "audio/wav"));
      res.content.emplace_back(
        protocol::resource_link("test://a", "a", "text/plain", "A"));
      res.content.emplace_back(protocol::embedded_resource(
        protocol::text_resource("test://a", "text/plain", "A")));
      res.content.emplace_back(protocol::embedded_resource(
        protocol::blob_resource("test://b", "application/octet-stream",
                                "AAAA")));
      return res;
    });
  def.add(std::move(content));
  auto structured = tool_of(
    "structured", schema_of(R"({"type":"object","properties":{
      "n":{"type":"integer"}},"required":["n"]})"),
    [](request_context&, const json::object& args) -> caf::expected<tool_result> {
      return tool_result::structured(json::object{{"n", args.at("n")}});
    });
  structured.output_schema = schema_of(
    R"({"type":"object","properties":{"n":{"type":"integer"}}})");
  structured.annotations.read_only_hint = true;
  structured.annotations.title = "Structured";
  def.add(std::move(structured));
  def.add(tool_of("failing", schema_of(R"({"type":"object"})"),
                  [](request_context&, const json::object&)
                    -> caf::expected<tool_result> {
                    return tool_result::error("it failed");
                  }));
  def.add(tool_of(
    "sample", schema_of(R"({"type":"object"})"),
    [](request_context& ctx, const json::object&) -> caf::expected<tool_result> {
      auto res = ctx.create_message(say_hi());
      if (!res)
        return std::move(res.error());
      return tool_result::text("sampled");
    }));
  def.add(tool_of(
    "ask", schema_of(R"({"type":"object"})"),
    [](request_context& ctx, const json::object&) -> caf::expected<tool_result> {
      if (!ctx.create_message(say_hi()))
        return tool_result::error("sampling failed");
      if (!ctx.list_roots())
        return tool_result::error("roots failed");
      if (ctx.protocol_version() >= "2025-06-18") {
        auto form = protocol::elicitation_form{}
                      .text("name", "Name", "Ada")
                      .integer("age", "Age", 36)
                      .single_select("color", {"red", "blue"}, "red")
                      .single_select_titled("size", {{"s", "Small"}});
        if (ctx.protocol_version() >= "2025-11-25")
          form.multi_select("tags", {"x", "y"})
            .multi_select_titled("more", {{"p", "P"}});
        if (!ctx.elicit("Who are you?", form.required({"name"}).to_json()))
          return tool_result::error("elicitation failed");
      }
      if (ctx.revision().has_sessions() && !ctx.ping_client())
        return tool_result::error("ping failed");
      return tool_result::text("asked");
    }));
  mcp::resource res;
  res.uri = "test://a";
  res.name = "a";
  res.title = "A";
  res.description = "The letter A";
  res.mime_type = "text/plain";
  res.size = 1;
  protocol::annotations notes;
  notes.priority = 1;
  res.annotations = notes;
  res.handler = [](request_context&, const std::string& uri)
    -> caf::expected<mcp::resource_contents> {
    return mcp::resource_contents{protocol::text_resource(uri, "text/plain", "A"),
                                  protocol::blob_resource(uri, "", "AAAA")};
  };
  def.add(std::move(res));
  mcp::resource_template tmpl;
  tmpl.uri_template = "test://t/{id}";
  tmpl.name = "t";
  tmpl.mime_type = "text/plain";
  tmpl.completions["id"] = mcp::complete_from({"1", "2"});
  tmpl.handler = [](request_context&, const std::string& uri,
                    const protocol::uri_variables& vars)
    -> caf::expected<mcp::resource_contents> {
    return mcp::resource_contents{
      protocol::text_resource(uri, "text/plain", vars.at("id"))};
  };
  def.add(std::move(tmpl));
  mcp::prompt pr;
  pr.name = "greet";
  pr.title = "Greeting";
  pr.description = "Greets someone";
  pr.arguments = {{"name", "Name", "Who to greet", true,
                   mcp::complete_from({"Ada", "Alan"})},
                  {"style", "", "", false, {}}};
  pr.handler = [](request_context&, const mcp::prompt_arguments& args)
    -> caf::expected<mcp::prompt_result> {
    mcp::prompt_result r;
    r.description = "A greeting";
    r.messages.push_back(mcp::prompt_message::user(
      protocol::text_content("Hello " + args.at("name"))));
    r.messages.push_back(mcp::prompt_message::assistant(
      protocol::image_content("AAAA", "image/png")));
    r.messages.push_back(mcp::prompt_message::user(protocol::embedded_resource(
      protocol::text_resource("test://a", "text/plain", "A"))));
    r.messages.push_back(mcp::prompt_message::user(
      protocol::resource_link("test://a", "a")));
    return r;
  };
  def.add(std::move(pr));
  return def;
}

/// Plays the client and prints what the session sends.
class client_player {
public:
  client_player(caf::actor_system& sys, std::string_view version)
    : sys_(sys), version_(version) {
    // nop
  }

  int run() {
    if (auto rev = protocol::revision::parse(version_); rev && !rev->has_sessions())
      return run_stateless();
    return run_sessions();
  }

  /// Plays a 2026-07-28 client: every request carries its _meta.
  int run_stateless() {
    if (!start())
      return 1;
    auto meta = [this](json::object params = {}, json::object extra = {},
                       std::string_view caps = R"({"sampling":{},"roots":{},
                                                  "elicitation":{}})") {
      json::object m;
      m.emplace("io.modelcontextprotocol/protocolVersion", version_);
      m.emplace("io.modelcontextprotocol/clientCapabilities", json::parse(caps));
      m.emplace("io.modelcontextprotocol/clientInfo",
                json::object{{"name", "player"}, {"version", "1"}});
      for (auto& kvp : extra)
        m.emplace(kvp.key(), kvp.value());
      params["_meta"] = std::move(m);
      return json::value(std::move(params));
    };
    call("server/discover", meta(), "DiscoverResult");
    auto page = call("tools/list", meta(), "ListToolsResult");
    call("tools/list", meta(json::object{{"cursor", page.at("nextCursor")}}),
         "ListToolsResult");
    call("tools/call",
         meta(json::object{{"name", "content"}},
              json::object{{"progressToken", "tok-1"},
                           {"io.modelcontextprotocol/logLevel", "debug"}}),
         "CallToolResult");
    call("tools/call",
         meta(json::object{{"name", "structured"},
                           {"arguments", json::object{{"n", 7}}}}),
         "CallToolResult");
    call("tools/call", meta(json::object{{"name", "failing"}}),
         "CallToolResult");
    // Multi-round: answer every input request until the call completes.
    json::object args{{"name", "ask"}};
    for (int round = 0;; ++round) {
      auto res = call("tools/call", meta(args), "", true);
      if (res.at("resultType") != "input_required")
        break;
      if (round == 5) {
        std::fprintf(stderr, "emit_server_messages: ask never completes\n");
        return 1;
      }
      json::object answers;
      for (auto& kvp : res.at("inputRequests").as_object())
        answers.emplace(kvp.key(), answer_to(kvp.value().at("method").as_string()));
      args["inputResponses"] = std::move(answers);
      args["requestState"] = res.at("requestState");
    }
    call("resources/list", meta(), "ListResourcesResult");
    call("resources/templates/list", meta(), "ListResourceTemplatesResult");
    call("resources/read", meta(json::object{{"uri", "test://a"}}),
         "ReadResourceResult");
    call("resources/read", meta(json::object{{"uri", "test://t/5"}}),
         "ReadResourceResult");
    call("prompts/list", meta(), "ListPromptsResult");
    call("prompts/get",
         meta(json::object{{"name", "greet"},
                           {"arguments", json::object{{"name", "Ada"}}}}),
         "GetPromptResult");
    call("completion/complete",
         meta(json::object{{"ref", json::object{{"type", "ref/prompt"},
                                                {"name", "greet"}}},
                           {"argument", json::object{{"name", "name"},
                                                     {"value", "A"}}}}),
         "CompleteResult");
    // A listen stream: acknowledged, then the changes it asked for.
    auto listen = next_id_++;
    feed(protocol::make_request(
      listen, "subscriptions/listen",
      meta(json::object{{"notifications",
                         json::parse(R"({"toolsListChanged":true,
                           "promptsListChanged":true,
                           "resourcesListChanged":true,
                           "resourceSubscriptions":["test://a"]})")}})));
    expect_notification();
    mcp::notify_resource_updated(server_, "test://a");
    expect_notification();
    mcp::remove_tool(server_, "failing");
    expect_notification();
    mcp::remove_resource(server_, "test://a");
    expect_notification();
    mcp::remove_prompt(server_, "greet");
    expect_notification();
    // Errors, each of its own type.
    call("no/such/method", meta(), "MethodNotFoundError");
    call("ping", meta(), "MethodNotFoundError");
    call("tools/call", meta(json::object{{"name", "nope"}}), "InvalidParamsError");
    call("resources/read", meta(json::object{{"uri", "test://gone"}}),
         "InvalidParamsError");
    call("tools/list", meta(json::object{{"cursor", "bogus"}}),
         "InvalidParamsError");
    call("tools/call", meta(json::object{{"name", "sample"}}, {}, "{}"),
         "MissingRequiredClientCapabilityError");
    feed(protocol::make_request(
      next_id_++, "server/discover",
      json::parse(R"({"_meta":{"io.modelcontextprotocol/protocolVersion":
        "1999-01-01","io.modelcontextprotocol/clientCapabilities":{}}})")));
    label(channel_->next(), "UnsupportedProtocolVersionError");
    // The session's end ends the listen stream with its result.
    caf::anon_send_exit(session_, caf::exit_reason::user_shutdown);
    label(channel_->next(), "SubscriptionsListenResult");
    caf::anon_send_exit(server_, caf::exit_reason::user_shutdown);
    return 0;
  }

  bool start() {
    auto server = mcp::spawn_server(sys_, make_server());
    if (!server) {
      std::fprintf(stderr, "cannot start the server\n");
      return false;
    }
    server_ = *server;
    caf::scoped_actor self{sys_};
    self
      ->request(server_, 10s, mcp::open_session_atom::value,
                std::shared_ptr<mcp::transports::channel>{channel_})
      .receive([&](caf::actor& x) { session_ = x; },
               [&](caf::error&) { std::exit(1); });
    return true;
  }

  int run_sessions() {
    if (!start())
      return 1;
    auto at_least = [this](std::string_view v) { return version_ >= v; };
    call("initialize",
         json::object{{"protocolVersion", version_},
                      {"capabilities",
                       json::parse(R"({"roots":{"listChanged":true},
                         "sampling":{},"elicitation":{}})")},
                      {"clientInfo", json::object{{"name", "player"},
                                                  {"version", "1"}}}},
         "InitializeResult");
    feed(protocol::make_notification(protocol::methods::initialized, nullptr));
    call("ping", nullptr, "EmptyResult");
    call("logging/setLevel", json::object{{"level", "debug"}}, "EmptyResult");
    auto page = call("tools/list", nullptr, "ListToolsResult");
    call("tools/list", json::object{{"cursor", page.at("nextCursor")}},
         "ListToolsResult");
    call("tools/call",
         json::object{{"name", "content"},
                      {"_meta", json::object{{"progressToken", "tok-1"}}}},
         "CallToolResult");
    call("tools/call",
         json::object{{"name", "structured"},
                      {"arguments", json::object{{"n", 7}}},
                      {"_meta", json::object{{"progressToken", 9}}}},
         "CallToolResult");
    call("tools/call",
         json::object{{"name", "structured"},
                      {"arguments", json::object{{"n", "x"}}}},
         "CallToolResult");
    call("tools/call", json::object{{"name", "failing"}}, "CallToolResult");
    call("tools/call", json::object{{"name", "ask"}}, "CallToolResult");
    call("resources/list", nullptr, "ListResourcesResult");
    call("resources/templates/list", nullptr, "ListResourceTemplatesResult");
    call("resources/read", json::object{{"uri", "test://a"}},
         "ReadResourceResult");
    call("resources/read", json::object{{"uri", "test://t/5"}},
         "ReadResourceResult");
    call("resources/subscribe", json::object{{"uri", "test://a"}},
         "EmptyResult");
    mcp::notify_resource_updated(server_, "test://a");
    expect_notification();
    call("resources/unsubscribe", json::object{{"uri", "test://a"}},
         "EmptyResult");
    call("prompts/list", nullptr, "ListPromptsResult");
    call("prompts/get",
         json::object{{"name", "greet"},
                      {"arguments", json::object{{"name", "Ada"}}}},
         "GetPromptResult");
    call("completion/complete",
         json::object{{"ref", json::object{{"type", "ref/prompt"},
                                           {"name", "greet"}}},
                      {"argument", json::object{{"name", "name"},
                                                {"value", "A"}}}},
         "CompleteResult");
    if (at_least("2025-03-26"))
      call("completion/complete",
           json::object{{"ref", json::object{{"type", "ref/resource"},
                                             {"uri", "test://t/{id}"}}},
                        {"argument", json::object{{"name", "id"},
                                                  {"value", ""}}}},
           "CompleteResult");
    mcp::send_log(server_, protocol::log_level::warning, "a warning");
    expect_notification();
    mcp::remove_tool(server_, "failing");
    expect_notification();
    mcp::remove_resource(server_, "test://a");
    expect_notification();
    mcp::remove_prompt(server_, "greet");
    expect_notification();
    // Errors: with ids, and with a null id for input that has none.
    call("no/such/method", nullptr, error_type());
    call("tools/call", json::object{{"name", "nope"}}, error_type());
    call("resources/read", json::object{{"uri", "test://gone"}}, error_type());
    call("tools/list", json::object{{"cursor", "bogus"}}, error_type());
    feed(json::object{{"jsonrpc", "2.0"}, {"id", 77}, {"method", 5}});
    label(channel_->next(), error_type());
    feed(json::object{{"jsonrpc", "2.0"}, {"method", 5}});
    label(channel_->next(), "JSONRPC2NullIdError");
    caf::anon_send(session_, mcp::transports::transport_fault{
                               mcp::transports::fault_kind::malformed_message,
                               "{oops"});
    label(channel_->next(), "JSONRPC2NullIdError");
    caf::anon_send_exit(server_, caf::exit_reason::user_shutdown);
    return 0;
  }

private:
  const char* error_type() const {
    return version_ >= "2025-11-25" ? "JSONRPCErrorResponse" : "JSONRPCError";
  }

  void feed(json::value msg) {
    caf::anon_send(session_, mcp::transports::inbound_atom::value,
                   std::move(msg));
  }

  void emit(std::string_view type, const json::value& message) {
    json::object line;
    line.emplace("type", type);
    line.emplace("message", message);
    std::cout << json::serialize(line) << '\n';
  }

  /// Prints a message the session sent on its own, labelled by its method,
  /// and answers it if it is a request.
  void label_unprompted(const json::value& msg) {
    static const std::map<std::string, std::string, std::less<>> types = {
      {"notifications/progress", "ProgressNotification"},
      {"notifications/message", "LoggingMessageNotification"},
      {"notifications/resources/updated", "ResourceUpdatedNotification"},
      {"notifications/tools/list_changed", "ToolListChangedNotification"},
      {"notifications/resources/list_changed",
       "ResourceListChangedNotification"},
      {"notifications/prompts/list_changed", "PromptListChangedNotification"},
      {"sampling/createMessage", "CreateMessageRequest"},
      {"roots/list", "ListRootsRequest"},
      {"elicitation/create", "ElicitRequest"},
      {"ping", "PingRequest"},
      {"notifications/subscriptions/acknowledged",
       "SubscriptionsAcknowledgedNotification"},
    };
    auto method = std::string{msg.at("method").as_string()};
    auto i = types.find(method);
    emit(i != types.end() ? i->second : "unknown server message " + method, msg);
    if (!msg.as_object().contains("id"))
      return;
    json::value result = json::object{};
    if (method == "sampling/createMessage")
      result = json::parse(R"({"role":"assistant","model":"m",
        "content":{"type":"text","text":"hi"}})");
    else if (method == "roots/list")
      result = json::parse(R"({"roots":[{"uri":"file:///tmp"}]})");
    else if (method == "elicitation/create")
      result = json::parse(R"({"action":"accept","content":{"name":"Ada"}})");
    feed(protocol::make_result(*protocol::request_id::from_json(msg.at("id")),
                               std::move(result)));
  }

  void label(const json::value& msg, std::string_view type) {
    emit(type, msg);
  }

  /// What the player answers to input request `method`.
  static json::value answer_to(std::string_view method) {
    if (method == "sampling/createMessage")
      return json::parse(R"({"role":"assistant","model":"m",
        "content":{"type":"text","text":"hi"}})");
    if (method == "roots/list")
      return json::parse(R"({"roots":[{"uri":"file:///tmp"}]})");
    return json::parse(R"({"action":"accept","content":{"name":"Ada"}})");
  }

  /// Sends a request and prints everything up to its response; returns the
  /// response's result (or null). With `by_result_type`, a result prints as
  /// InputRequiredResult or CallToolResult by its resultType.
  json::value call(std::string_view method, json::value params,
                   std::string_view result_type, bool by_result_type = false) {
    auto id = next_id_++;
    feed(protocol::make_request(id, method, std::move(params)));
    for (;;) {
      auto msg = channel_->next();
      auto& obj = msg.as_object();
      if (obj.contains("method")) {
        label_unprompted(msg);
        continue;
      }
      if (obj.contains("error")) {
        if (result_type != error_type() && !result_type.empty()
            && result_type.substr(result_type.size() - 5) == "Error") {
          emit(result_type, msg);
          return nullptr;
        }
        if (result_type != error_type()) {
          std::cerr << "emit_server_messages: " << method << " failed: "
                    << json::serialize(msg) << '\n';
          std::exit(1);
        }
        emit(error_type(), msg);
        return nullptr;
      }
      // A result: print it as its type; validate.py checks the envelope and
      // the `result` member.
      if (result_type.size() > 5
          && result_type.substr(result_type.size() - 5) == "Error") {
        std::cerr << "emit_server_messages: " << method
                  << " answered instead of failing: " << json::serialize(msg)
                  << '\n';
        std::exit(1);
      }
      if (by_result_type)
        emit(obj.at("result").at("resultType") == "input_required"
               ? "InputRequiredResult"
               : "CallToolResult",
             msg);
      else
        emit(result_type, msg);
      return obj.at("result");
    }
  }

  void expect_notification() {
    label_unprompted(channel_->next());
  }

  caf::actor_system& sys_;
  std::string version_;
  std::shared_ptr<recording_channel> channel_
    = std::make_shared<recording_channel>();
  caf::actor server_;
  caf::actor session_;
  int64_t next_id_ = 1;
};

} // namespace

int main(int argc, char** argv) {
  if (argc != 2 || !protocol::is_supported_protocol_version(argv[1])) {
    std::fprintf(stderr, "usage: %s <supported protocol version>\n", argv[0]);
    return 2;
  }
  caf::actor_system_config cfg;
  mcp::init_message_types(cfg);
  caf::actor_system sys{cfg};
  client_player player{sys, argv[1]};
  auto rc = player.run();
  std::cout.flush();
  return rc != 0 || !std::cout ? 1 : 0;
}
