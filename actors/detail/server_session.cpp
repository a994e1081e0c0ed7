#include "actors/detail/server_session.hpp"

#include <algorithm>
#include <deque>
#include <poll.h>
#include <set>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/json/serialize.hpp>

#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/deadline.hpp"
#include "actors/detail/request_actor.hpp"
#include "actors/detail/request_state.hpp"
#include "actors/detail/session_link.hpp"
#include "actors/error.hpp"
#include "actors/server_messages.hpp"
#include "protocol/cursor.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "protocol/version.hpp"
#include "transports/messages.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;
namespace methods = protocol::methods;
using protocol::error_code;
using protocol::request_id;
using transports::inbound_atom;

using call_timer_atom = caf::atom_constant<caf::atom("mcp_ctimer")>;
using drain_atom = caf::atom_constant<caf::atom("mcp_drain")>;

/// Bounds of what bad input may write to stderr.
constexpr size_t max_log_lines = 20;
constexpr size_t max_log_line = 300;

/// A request running in a request actor.
struct running_request {
  caf::actor worker;
  bool dedicated = false;
  std::shared_ptr<request_state> state;
  /// Requests to the client its handler made and that are unanswered.
  std::vector<int64_t> calls;
};

/// A request waiting for a free slot.
struct waiting_request {
  request_id id;
  execution exec;
  std::shared_ptr<request_job> job;
};

/// A request of ours to the client.
struct client_call {
  caf::response_promise promise;
  caf::actor_clock::time_point deadline;
  request_id parent;
};

/// A JSON-RPC batch whose responses are collected into one array.
struct batch_state {
  json::array responses;
  size_t outstanding = 0;
};

using batch_ptr = std::shared_ptr<batch_state>;

enum class phase { awaiting_initialize, ready, draining, closed };

struct session_state {
  caf::actor server;
  std::shared_ptr<const server_settings> settings;
  std::shared_ptr<const catalog> snapshot;
  std::shared_ptr<session_link> link;
  phase stage = phase::awaiting_initialize;
  protocol::server_capabilities declared;
  std::unordered_map<request_id, running_request> running;
  /// Idle request actors on the scheduler and with threads of their own,
  /// reused so that a request costs no actor (or thread) start.
  std::vector<caf::actor> idle_workers;
  std::vector<caf::actor> idle_threads;
  std::deque<waiting_request> waiting;
  /// Ids of the waiting requests.
  std::unordered_set<request_id> waiting_ids;
  /// Ids of requests that answer into a batch, with the batch.
  std::unordered_map<request_id, std::shared_ptr<batch_state>> batched;
  std::unordered_map<int64_t, client_call> calls;
  std::set<std::pair<caf::actor_clock::time_point, int64_t>> deadlines;
  caf::optional<caf::actor_clock::time_point> armed;
  int64_t next_call_id = 1;
  std::unordered_set<std::string> subscriptions;
  /// Lines logged about bad input in the current second.
  caf::actor_clock::time_point log_window;
  size_t log_lines = 0;
  session_stats stats;

  /// However the session ends (even killed), no handler keeps running for
  /// it and nobody keeps waiting for the client.
  ~session_state() {
    for (auto& kvp : running) {
      kvp.second.state->cancel();
      caf::anon_send_exit(kvp.second.worker, caf::exit_reason::kill);
    }
    for (auto& w : waiting)
      w.job->state->cancel();
    for (auto pool : {&idle_workers, &idle_threads})
      for (auto& worker : *pool)
        caf::anon_send_exit(worker, caf::exit_reason::kill);
    for (auto& kvp : calls)
      kvp.second.promise.deliver(
        make_error(errc::session_closed, "the session ended"));
  }

  static inline const char* name = "mcp_server_session";
};

using session_actor = caf::stateful_actor<session_state>;

// -- utilities ----------------------------------------------------------------

/// Copies `x` into the default memory resource. Parsed messages live in
/// their read's arena, which only the input thread may allocate from: what
/// handlers get, and what the session keeps, is copied out first.
json::value own(const json::value& x) {
  return json::value(x, json::storage_ptr{});
}

json::object own(const json::object& x) {
  return json::object(x, json::storage_ptr{});
}

// -- output -------------------------------------------------------------------

/// Prints a line about bad input to stderr: cut short, at most
/// `max_log_lines` a second, and only when stderr takes it at once, so that
/// a client can neither flood the log nor stall the session by not reading
/// the server's stderr.
void log_bad_input(session_actor* self, std::string_view what) {
  auto& st = self->state;
  if (!st.settings->options.log_bad_input)
    return;
  auto now = self->clock().now();
  if (now - st.log_window >= std::chrono::seconds(1)) {
    st.log_window = now;
    st.log_lines = 0;
  }
  if (++st.log_lines > max_log_lines)
    return;
  pollfd fd{STDERR_FILENO, POLLOUT, 0};
  if (::poll(&fd, 1, 0) != 1 || (fd.revents & POLLOUT) == 0)
    return;
  std::string line = "[caf-mcp server] ";
  line.append(what.substr(0, max_log_line));
  if (what.size() > max_log_line)
    line += "...";
  line += '\n';
  auto n = ::write(STDERR_FILENO, line.data(), line.size());
  static_cast<void>(n);
}

/// Counts one member of `batch` off, with its response unless null; sends
/// the responses once no member is open (a batch that asked nothing gets no
/// answer).
void count_off(session_actor* self, batch_state& batch, json::value response) {
  if (!response.is_null())
    batch.responses.push_back(std::move(response));
  if (--batch.outstanding == 0 && !batch.responses.empty())
    self->state.link->out->send(json::value(std::move(batch.responses)));
}

/// Takes the batch of request `id` out of the bookkeeping (null if none).
batch_ptr take_batch(session_state& st, const request_id& id) {
  auto b = st.batched.find(id);
  if (b == st.batched.end())
    return nullptr;
  auto res = std::move(b->second);
  st.batched.erase(b);
  return res;
}

/// Sends a response of the session itself (not of a request actor).
void respond(session_actor* self, const std::shared_ptr<batch_state>& batch,
             const request_id* id, json::value msg, bool ok) {
  auto& st = self->state;
  ++(ok ? st.stats.results : st.stats.errors);
  if (batch)
    count_off(self, *batch, std::move(msg));
  else if (id != nullptr)
    st.link->out->send(msg, transports::output_route::response_to(*id));
  else
    st.link->out->send(msg);
}

void reply(session_actor* self, const std::shared_ptr<batch_state>& batch,
           const request_id& id, json::value result) {
  respond(self, batch, &id, protocol::make_result(id, std::move(result)),
          true);
}

void reply_error(session_actor* self, const std::shared_ptr<batch_state>& batch,
                 const std::optional<request_id>& id, error_code code,
                 std::string_view message, json::value data = nullptr) {
  respond(self, batch, id ? &*id : nullptr,
          protocol::make_error(id, code, message, std::move(data)), false);
}

/// Answers `id` with the spec's error for a missing resource (-32002).
void reply_not_found(session_actor* self,
                     const std::shared_ptr<batch_state>& batch,
                     const request_id& id, const std::string& uri) {
  respond(self, batch, &id, error_response(id, make_resource_not_found(uri)),
          false);
}

void notify(session_actor* self, std::string_view method, json::value params) {
  self->state.link->out->send(
    protocol::make_notification(method, std::move(params)));
}

// -- requests to the client ---------------------------------------------------

void arm(session_actor* self, caf::actor_clock::time_point at) {
  auto& st = self->state;
  if (st.armed && *st.armed <= at)
    return;
  st.armed = at;
  auto now = self->clock().now();
  auto delay = at > now ? at - now : caf::timespan{0};
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(self), delay,
                         call_timer_atom::value);
}

/// Removes the request to the client with id `id` from the books.
std::optional<client_call> take_call(session_actor* self, int64_t id) {
  auto& st = self->state;
  auto i = st.calls.find(id);
  if (i == st.calls.end())
    return std::nullopt;
  auto call = std::move(i->second);
  st.calls.erase(i);
  st.deadlines.erase({call.deadline, id});
  if (auto r = st.running.find(call.parent); r != st.running.end()) {
    auto& ids = r->second.calls;
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  }
  return call;
}

/// Ends a request to the client with `err`; tells the client to stop
/// working on it unless it answered.
void end_call(session_actor* self, int64_t id, const caf::error& err,
              bool tell_client) {
  auto call = take_call(self, id);
  if (!call)
    return;
  if (tell_client && self->state.stage != phase::closed)
    notify(self, methods::cancelled,
           json::object{{"requestId", id}, {"reason", describe(err)}});
  call->promise.deliver(err);
}

/// Ends the requests to the client in `ids` (a copy: ending changes the
/// containers they come from).
void end_calls(session_actor* self, std::vector<int64_t> ids,
               const caf::error& err, bool tell_client) {
  for (auto id : ids)
    end_call(self, id, err, tell_client);
}

/// Ends every request to the client.
void end_all_calls(session_actor* self, const caf::error& err) {
  std::vector<int64_t> ids;
  ids.reserve(self->state.calls.size());
  for (auto& kvp : self->state.calls)
    ids.push_back(kvp.first);
  end_calls(self, std::move(ids), err, false);
}

void on_client_call(session_actor* self, outgoing_request& req) {
  auto& st = self->state;
  auto rp = self->make_response_promise();
  if (st.stage != phase::ready) {
    rp.deliver(make_error(errc::session_closed,
                          "the client connection is closing"));
    return;
  }
  auto parent = st.running.find(req.parent);
  if (parent == st.running.end() || !parent->second.state->is_running()) {
    rp.deliver(make_error(errc::cancelled, "the request was cancelled"));
    return;
  }
  if (!st.link->client_ready.load() && req.method != methods::ping) {
    rp.deliver(make_error(errc::invalid_argument,
                          "the client has not sent notifications/initialized "
                          "yet, so the server may not send it requests"));
    return;
  }
  auto id = st.next_call_id++;
  auto deadline = saturated_add(self->clock().now(), req.timeout);
  st.calls.emplace(id, client_call{rp, deadline, req.parent});
  st.deadlines.emplace(deadline, id);
  parent->second.calls.push_back(id);
  ++st.stats.client_requests;
  st.link->out->send(
    protocol::make_request(id, req.method, std::move(req.params)),
    transports::output_route::of(req.parent));
  if (deadline != caf::actor_clock::time_point::max())
    arm(self, deadline);
}

void on_client_response(session_actor* self,
                        const protocol::incoming_message& in) {
  auto& st = self->state;
  auto i = in.id && in.id->is_integer() ? st.calls.find(in.id->as_integer())
                                        : st.calls.end();
  if (i == st.calls.end()) {
    ++st.stats.unknown_responses;
    log_bad_input(self, "response with unknown id "
                          + (in.id ? in.id->to_json_text() : "null"));
    return;
  }
  auto id = i->first;
  if (in.kind == protocol::message_kind::result)
    take_call(self, id)->promise.deliver(own(*in.result));
  else
    end_call(self, id, make_server_error(*in.error), false);
}

void on_call_timer(session_actor* self) {
  auto& st = self->state;
  st.armed = caf::none;
  auto now = self->clock().now();
  while (!st.deadlines.empty() && st.deadlines.begin()->first <= now) {
    auto id = st.deadlines.begin()->second;
    end_call(self, id,
             make_error(errc::timeout, "the client did not answer in time"),
             true);
  }
  if (!st.deadlines.empty())
    arm(self, st.deadlines.begin()->first);
}

// -- request lifetime ---------------------------------------------------------

void finish(session_actor* self, caf::error reason = caf::none);

/// How many idle request actors with threads of their own a session keeps
/// (scheduled ones: as many as requests may run at once).
constexpr size_t max_idle_threads = 8;

void start_request(session_actor* self, const request_id& id, execution exec,
                   std::shared_ptr<request_job> job) {
  auto& st = self->state;
  auto dedicated = exec == execution::dedicated;
  auto& pool = dedicated ? st.idle_threads : st.idle_workers;
  caf::actor worker;
  if (pool.empty()) {
    worker = spawn_request_actor(self, dedicated);
  } else {
    worker = std::move(pool.back());
    pool.pop_back();
  }
  auto state = job->state;
  start_request_actor(self, worker, std::move(job), exec);
  st.running.emplace(id, running_request{std::move(worker), dedicated,
                                         std::move(state), {}});
}

/// Runs `work` for request `id` in a request actor of its own (or queues it
/// while the session runs as many as it may).
void run_request(session_actor* self, const std::shared_ptr<batch_state>& batch,
                 const request_id& id, std::string_view method,
                 const json::value* params, execution exec, request_work work) {
  auto& st = self->state;
  auto& opts = st.settings->options;
  if (st.running.size() >= opts.max_concurrent_requests
      && st.waiting.size() >= opts.max_waiting_requests) {
    reply_error(self, batch, id, error_code::internal_error,
                "server busy: " + std::to_string(st.waiting.size())
                  + " requests wait already (limit "
                  + std::to_string(opts.max_waiting_requests) + ")");
    return;
  }
  json::object meta;
  if (params != nullptr && params->is_object())
    if (auto m = params->get_object().if_contains("_meta"); m && m->is_object())
      meta = own(m->get_object());
  auto state = std::make_shared<request_state>();
  auto job = std::make_shared<request_job>(request_job{
    request_context{st.link, id, std::string{method}, std::move(meta), exec,
                    state},
    state, st.link, std::move(work), batch != nullptr});
  if (batch)
    st.batched.emplace(id, batch);
  if (st.running.size() >= opts.max_concurrent_requests) {
    st.waiting_ids.insert(id);
    st.waiting.push_back(waiting_request{id, exec, std::move(job)});
    return;
  }
  start_request(self, id, exec, std::move(job));
}

/// Answers request `id` with an internal error in its handler's stead (the
/// handler stops; what it returns later is dropped).
void abandon(session_actor* self, const request_id& id, request_state& state,
             const std::string& why) {
  if (!state.abandon())
    return;
  reply_error(self, take_batch(self->state, id), id,
              error_code::internal_error, why);
}

/// Counts request `id` off its batch without a response (it was cancelled
/// or died unanswered); sends the batch if it was the last one open.
void count_off_batch(session_actor* self, const request_id& id) {
  if (auto batch = take_batch(self->state, id))
    count_off(self, *batch, nullptr);
}

/// Forgets request `id` (answered, cancelled, or its actor died); starts
/// waiting requests in its place.
void end_request(session_actor* self, const request_id& id) {
  auto& st = self->state;
  if (auto r = st.running.find(id); r != st.running.end()) {
    end_calls(self, r->second.calls,
              make_error(errc::cancelled, "the request ended"), true);
    st.running.erase(r);
  }
  count_off_batch(self, id);
  while (!st.waiting.empty()
         && st.running.size() < st.settings->options.max_concurrent_requests) {
    auto w = std::move(st.waiting.front());
    st.waiting.pop_front();
    st.waiting_ids.erase(w.id);
    start_request(self, w.id, w.exec, std::move(w.job));
  }
  if (st.stage == phase::draining && st.running.empty() && st.waiting.empty())
    finish(self);
}

/// A request actor finished request `id` and is idle again.
void on_request_done(session_actor* self, const request_id& id) {
  auto& st = self->state;
  auto r = st.running.find(id);
  if (r == st.running.end())
    return;
  auto& pool = r->second.dedicated ? st.idle_threads : st.idle_workers;
  auto limit = r->second.dedicated
                 ? max_idle_threads
                 : st.settings->options.max_concurrent_requests;
  if (pool.size() < limit && st.stage != phase::closed) {
    pool.push_back(r->second.worker);
  } else {
    self->unlink_from(r->second.worker);
    self->send_exit(r->second.worker, caf::exit_reason::user_shutdown);
  }
  end_request(self, id);
}

/// Handles the end of actor `who` if it is one of the request actors (killed,
/// or its thread ended), idle or busy; returns whether it was.
bool on_request_actor_exit(session_actor* self, const caf::actor_addr& who) {
  auto& st = self->state;
  auto is_who = [&](const caf::actor& x) { return x.address() == who; };
  for (auto pool : {&st.idle_workers, &st.idle_threads})
    if (auto i = std::find_if(pool->begin(), pool->end(), is_who);
        i != pool->end()) {
      pool->erase(i);
      return true;
    }
  auto r = std::find_if(st.running.begin(), st.running.end(),
                        [&](auto& kvp) { return is_who(kvp.second.worker); });
  if (r == st.running.end())
    return false;
  auto id = r->first;
  abandon(self, id, *r->second.state,
          "the request's actor ended before the request did");
  end_request(self, id);
  return true;
}

bool in_use(session_state& st, const request_id& id) {
  return st.running.count(id) > 0 || st.waiting_ids.count(id) > 0;
}

void cancel_request(session_actor* self, const request_id& id,
                    const std::string& reason) {
  auto& st = self->state;
  if (auto r = st.running.find(id); r != st.running.end()) {
    if (!r->second.state->cancel())
      return;
    ++st.stats.cancelled;
    end_calls(self, r->second.calls, make_error(errc::cancelled, reason),
              true);
    return;
  }
  if (st.waiting_ids.count(id) == 0)
    return;
  for (auto i = st.waiting.begin(); i != st.waiting.end(); ++i)
    if (i->id == id) {
      i->job->state->cancel();
      st.waiting.erase(i);
      st.waiting_ids.erase(id);
      ++st.stats.cancelled;
      count_off_batch(self, id);
      return;
    }
}

/// Ends the session: cancels what still runs, closes the connection, quits.
void finish(session_actor* self, caf::error reason) {
  auto& st = self->state;
  if (st.stage == phase::closed)
    return;
  st.stage = phase::closed;
  end_all_calls(self, make_error(errc::session_closed, "the session ended"));
  // Every request still open gets its one response: an error.
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  st.waiting_ids.clear();
  for (auto& w : waiting)
    abandon(self, w.id, *w.job->state,
            "the session ended before the request ran");
  for (auto& kvp : st.running) {
    abandon(self, kvp.first, *kvp.second.state,
            "the session ended before the request did");
    self->send_exit(kvp.second.worker, caf::exit_reason::user_shutdown);
  }
  st.running.clear();
  for (auto pool : {&st.idle_workers, &st.idle_threads}) {
    for (auto& worker : *pool)
      self->send_exit(worker, caf::exit_reason::user_shutdown);
    pool->clear();
  }
  st.link->out->close();
  self->quit(std::move(reason));
}

void on_input_closed(session_actor* self, const std::string& why) {
  auto& st = self->state;
  if (st.stage == phase::closed || st.stage == phase::draining)
    return;
  st.stage = phase::draining;
  end_all_calls(self, make_error(errc::session_closed,
                                 "the client went away: " + why));
  // What runs or waits still runs and answers (a client may close its end
  // right after its last request), within the drain timeout.
  if (st.running.empty() && st.waiting.empty()) {
    finish(self);
    return;
  }
  self->delayed_send(self, st.settings->options.drain_timeout,
                     drain_atom::value);
}

// -- method handlers ----------------------------------------------------------

const json::object* params_object(const json::value* params) {
  return params != nullptr ? params->if_object() : nullptr;
}

const json::string* string_param(const json::value* params,
                                 std::string_view key) {
  auto obj = params_object(params);
  auto x = obj ? obj->if_contains(key) : nullptr;
  return x ? x->if_string() : nullptr;
}

void on_initialize(session_actor* self, const batch_ptr& batch,
                   const request_id& id, const json::value* params) {
  auto& st = self->state;
  auto req = protocol::parse_initialize_params(params);
  if (!req) {
    reply_error(self, batch, id, error_code::invalid_params, req.error().what);
    return;
  }
  auto version = protocol::negotiate_protocol_version(req->protocol_version);
  auto& link = *st.link;
  link.protocol_version = std::string{version};
  link.client_capabilities = std::move(req->capabilities);
  link.client_capabilities.raw = own(link.client_capabilities.raw);
  link.client_capabilities.experimental
    = own(link.client_capabilities.experimental);
  link.client_info = own(req->client_info);
  auto& opts = st.settings->options;
  auto& cat = *st.snapshot;
  auto& caps = st.declared;
  caps.tools = opts.declare_empty_lists || !cat.tools.empty();
  caps.tools_list_changed = caps.tools && opts.list_changed;
  caps.resources = opts.declare_empty_lists || !cat.resources.empty()
                   || !cat.templates.empty();
  caps.resources_subscribe = caps.resources;
  caps.resources_list_changed = caps.resources && opts.list_changed;
  caps.prompts = opts.declare_empty_lists || !cat.prompts.empty();
  caps.prompts_list_changed = caps.prompts && opts.list_changed;
  caps.logging = opts.logging;
  caps.completions = cat.has_completions();
  caps.experimental = st.settings->experimental;
  st.stage = phase::ready;
  reply(self, batch, id,
        protocol::make_initialize_result(version, caps, st.settings->info,
                                         st.settings->instructions));
}

/// Answers a list method with one page of `registry`.
template <class Registry>
void list_page(session_actor* self, const batch_ptr& batch,
               const request_id& id, const json::value* params,
               std::string_view list, std::string_view key,
               const Registry& registry) {
  uint64_t from = 0;
  if (auto obj = params_object(params))
    if (auto cursor = obj->if_contains("cursor"); cursor && !cursor->is_null()) {
      auto pos = cursor->is_string()
                   ? protocol::parse_cursor(list, cursor->get_string())
                   : std::nullopt;
      if (!pos) {
        reply_error(self, batch, id, error_code::invalid_params,
                    "Invalid cursor");
        return;
      }
      from = *pos;
    }
  json::array items;
  auto next = registry.for_page(from, self->state.settings->options.page_size,
                                [&](const auto& entry) {
                                  items.push_back(entry.description);
                                });
  json::object result;
  result.emplace(key, std::move(items));
  if (next)
    result.emplace("nextCursor", protocol::make_cursor(list, *next));
  reply(self, batch, id, std::move(result));
}

/// Returns the entry of `registry` that the request's `name` param names,
/// or answers the request with invalid params (-32602) and returns null.
template <class Registry>
typename Registry::pointer
named_entry(session_actor* self, const batch_ptr& batch, const request_id& id,
            const json::value* params, std::string_view method,
            std::string_view kind, const Registry& registry) {
  auto name = string_param(params, "name");
  if (name == nullptr) {
    reply_error(self, batch, id, error_code::invalid_params,
                std::string{method} + " needs params with a \"name\" string");
    return nullptr;
  }
  auto res = registry.get(*name);
  if (!res)
    reply_error(self, batch, id, error_code::invalid_params,
                "Unknown " + std::string{kind} + ": " + std::string{*name});
  return res;
}

void on_call_tool(session_actor* self, const batch_ptr& batch,
                  const request_id& id, const json::value* params) {
  auto& st = self->state;
  auto tool = named_entry(self, batch, id, params, methods::tools_call, "tool",
                          st.snapshot->tools);
  if (!tool)
    return;
  json::value args = json::object{};
  if (auto x = params->get_object().if_contains("arguments");
      x && !x->is_null()) {
    if (!x->is_object()) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "tools/call arguments must be an object");
      return;
    }
    args = own(*x);
  }
  auto exec = tool->def.exec;
  // The arguments are checked in the request actor too: a large schema
  // holds up nothing else.
  run_request(
    self, batch, id, methods::tools_call, params, exec,
    [tool, args = std::move(args)](request_context& ctx)
      -> caf::expected<json::value> {
      if (auto why = tool->input.validate(args))
        return json::value(tool_result::error("Invalid arguments for tool "
                                              + tool->def.name + ": " + *why)
                             .to_json(ctx.protocol_version()));
      auto res = tool->def.handler(ctx, args.get_object());
      if (!res)
        return std::move(res.error());
      if (tool->output && !res->is_error) {
        auto internal = [&](std::string why) {
          return make_server_error(
            static_cast<int64_t>(error_code::internal_error),
            "tool " + tool->def.name + " " + std::move(why));
        };
        if (!res->structured_content)
          return internal("declares an outputSchema but returned no "
                          "structuredContent");
        if (auto why = tool->output->validate(*res->structured_content))
          return internal("returned structuredContent that does not match "
                          "its outputSchema: "
                          + *why);
      }
      return json::value(std::move(*res).to_json(ctx.protocol_version()));
    });
}

caf::expected<json::value> contents_result(caf::expected<resource_contents> x) {
  if (!x)
    return std::move(x.error());
  json::array contents;
  contents.reserve(x->size());
  for (auto& item : *x)
    contents.emplace_back(std::move(item));
  return json::value(json::object{{"contents", std::move(contents)}});
}

bool resource_exists(const catalog& cat, std::string_view uri) {
  return cat.resources.find(uri) != nullptr
         || cat.match_template(uri).first != nullptr;
}

void on_read_resource(session_actor* self, const batch_ptr& batch,
                      const request_id& id, const json::value* params) {
  auto& st = self->state;
  auto uri = string_param(params, "uri");
  if (uri == nullptr) {
    reply_error(self, batch, id, error_code::invalid_params,
                "resources/read needs params with a \"uri\" string");
    return;
  }
  std::string target{*uri};
  if (auto res = st.snapshot->resources.get(target)) {
    run_request(self, batch, id, methods::resources_read, params,
                res->def.exec,
                [res, target](request_context& ctx) {
                  return contents_result(res->def.handler(ctx, target));
                });
    return;
  }
  auto [entry, vars] = st.snapshot->match_template(target);
  if (entry == nullptr) {
    reply_not_found(self, batch, id, target);
    return;
  }
  auto tmpl = st.snapshot->templates.get(entry->def.uri_template);
  run_request(self, batch, id, methods::resources_read, params,
              tmpl->def.exec,
              [tmpl, target, vars = std::move(vars)](request_context& ctx) {
                return contents_result(tmpl->def.handler(ctx, target, vars));
              });
}

void on_subscription(session_actor* self, const batch_ptr& batch,
                     const request_id& id, std::string_view method,
                     const json::value* params) {
  auto& st = self->state;
  auto uri = string_param(params, "uri");
  if (uri == nullptr) {
    reply_error(self, batch, id, error_code::invalid_params,
                std::string{method} + " needs params with a \"uri\" string");
    return;
  }
  std::string key{*uri};
  if (method == methods::resources_unsubscribe) {
    st.subscriptions.erase(key);
    reply(self, batch, id, json::object{});
    return;
  }
  if (!resource_exists(*st.snapshot, key)) {
    reply_not_found(self, batch, id, key);
    return;
  }
  if (st.subscriptions.count(key) == 0
      && st.subscriptions.size() >= st.settings->options.max_subscriptions) {
    reply_error(self, batch, id, error_code::invalid_request,
                "too many resource subscriptions (limit "
                  + std::to_string(st.settings->options.max_subscriptions)
                  + ")");
    return;
  }
  st.subscriptions.insert(std::move(key));
  reply(self, batch, id, json::object{});
}

/// Reads `{name: string}` arguments; fails naming the first bad one.
std::optional<std::string> read_string_map(const json::value* x,
                                           prompt_arguments& out) {
  if (x == nullptr || x->is_null())
    return std::nullopt;
  if (!x->is_object())
    return "arguments must be an object of strings";
  for (auto& kvp : x->get_object()) {
    if (!kvp.value().is_string())
      return "argument \"" + std::string{kvp.key()} + "\" must be a string";
    out.emplace(std::string{kvp.key()}, std::string{kvp.value().get_string()});
  }
  return std::nullopt;
}

void on_get_prompt(session_actor* self, const batch_ptr& batch,
                   const request_id& id, const json::value* params) {
  auto entry = named_entry(self, batch, id, params, methods::prompts_get,
                           "prompt", self->state.snapshot->prompts);
  if (!entry)
    return;
  prompt_arguments args;
  if (auto why = read_string_map(params->get_object().if_contains("arguments"),
                                 args)) {
    reply_error(self, batch, id, error_code::invalid_params, *why);
    return;
  }
  for (auto& arg : entry->def.arguments)
    if (arg.required && args.count(arg.name) == 0) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "Missing required argument \"" + arg.name + "\" of prompt "
                    + entry->def.name);
      return;
    }
  run_request(self, batch, id, methods::prompts_get, params, entry->def.exec,
              [entry, args = std::move(args)](request_context& ctx)
                -> caf::expected<json::value> {
                auto res = entry->def.handler(ctx, args);
                if (!res)
                  return std::move(res.error());
                return json::value(res->to_json(ctx.protocol_version()));
              });
}

void on_complete(session_actor* self, const batch_ptr& batch,
                 const request_id& id, const json::value* params) {
  auto& st = self->state;
  auto obj = params_object(params);
  auto ref = obj ? obj->if_contains("ref") : nullptr;
  auto arg = obj ? obj->if_contains("argument") : nullptr;
  auto ref_type = ref && ref->is_object() ? ref->get_object().if_contains("type")
                                          : nullptr;
  auto arg_name = arg && arg->is_object() ? arg->get_object().if_contains("name")
                                          : nullptr;
  auto arg_value = arg && arg->is_object()
                     ? arg->get_object().if_contains("value")
                     : nullptr;
  if (ref_type == nullptr || !ref_type->is_string() || arg_name == nullptr
      || !arg_name->is_string() || arg_value == nullptr
      || !arg_value->is_string()) {
    reply_error(self, batch, id, error_code::invalid_params,
                "completion/complete needs a ref with a type and an argument "
                "with a name and a value");
    return;
  }
  completion_request req;
  req.argument = std::string{arg_name->get_string()};
  req.value = std::string{arg_value->get_string()};
  if (auto ctx = obj->if_contains("context"); ctx && ctx->is_object())
    if (auto why = read_string_map(ctx->get_object().if_contains("arguments"),
                                   req.context)) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "context " + *why);
      return;
    }
  completion_handler handler;
  auto execution_of = execution::pooled;
  auto& kind = ref_type->get_string();
  auto& ref_obj = ref->get_object();
  if (kind == "ref/prompt") {
    auto name = ref_obj.if_contains("name");
    auto entry = name && name->is_string()
                   ? st.snapshot->prompts.get(name->get_string())
                   : nullptr;
    if (!entry) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "Unknown prompt in completion ref");
      return;
    }
    for (auto& a : entry->def.arguments)
      if (a.name == req.argument)
        handler = a.complete;
    execution_of = entry->def.exec;
  } else if (kind == "ref/resource") {
    auto uri = ref_obj.if_contains("uri");
    if (uri == nullptr || !uri->is_string()) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "completion ref/resource needs a uri");
      return;
    }
    auto entry = st.snapshot->templates.get(uri->get_string());
    if (entry) {
      if (auto i = entry->def.completions.find(req.argument);
          i != entry->def.completions.end())
        handler = i->second;
      execution_of = entry->def.exec;
    } else if (st.snapshot->resources.find(uri->get_string()) == nullptr) {
      reply_error(self, batch, id, error_code::invalid_params,
                  "Unknown resource template in completion ref: "
                    + std::string{uri->get_string()});
      return;
    }
  } else {
    reply_error(self, batch, id, error_code::invalid_params,
                "Unknown completion ref type: " + std::string{kind});
    return;
  }
  if (!handler) {
    reply(self, batch, id, completion_result{}.to_json());
    return;
  }
  run_request(self, batch, id, methods::completion_complete, params,
              execution_of,
              [handler, req = std::move(req)](request_context&)
                -> caf::expected<json::value> {
                return json::value(handler(req).to_json());
              });
}

void on_set_level(session_actor* self, const batch_ptr& batch,
                  const request_id& id, const json::value* params) {
  auto level = string_param(params, "level");
  auto parsed = level ? protocol::parse_log_level(*level) : std::nullopt;
  if (!parsed) {
    reply_error(self, batch, id, error_code::invalid_params,
                "logging/setLevel needs a level of debug, info, notice, "
                "warning, error, critical, alert or emergency");
    return;
  }
  self->state.link->log_level = static_cast<uint8_t>(*parsed);
  reply(self, batch, id, json::object{});
}

/// Returns why the session does not offer `method`, or nothing if it does
/// (or the method is unknown).
const char* missing_capability(const session_state& st, std::string_view method) {
  auto& caps = st.declared;
  if (method.substr(0, 6) == "tools/" && !caps.tools)
    return "tools";
  if ((method == methods::resources_subscribe
       || method == methods::resources_unsubscribe)
      && !caps.resources_subscribe)
    return "resources.subscribe";
  if (method.substr(0, 10) == "resources/" && !caps.resources)
    return "resources";
  if (method.substr(0, 8) == "prompts/" && !caps.prompts)
    return "prompts";
  if (method == methods::completion_complete && !caps.completions)
    return "completions";
  if (method == methods::logging_set_level && !caps.logging)
    return "logging";
  return nullptr;
}

void on_request(session_actor* self, const batch_ptr& batch,
                const protocol::incoming_message& in) {
  auto& st = self->state;
  ++st.stats.requests;
  auto& id = *in.id;
  auto method = in.method;
  if (st.stage == phase::awaiting_initialize) {
    if (method == methods::initialize)
      on_initialize(self, batch, id, in.params);
    else if (method == methods::ping)
      reply(self, batch, id, json::object{});
    else
      reply_error(self, batch, id, error_code::invalid_request,
                  "the session is not initialized: send initialize first");
    return;
  }
  if (st.stage != phase::ready)
    return;
  if (method == methods::initialize) {
    reply_error(self, batch, id, error_code::invalid_request,
                batch ? "initialize must not be part of a batch"
                      : "initialize may be sent only once per session");
    return;
  }
  if (in_use(st, id)) {
    reply_error(self, batch, id, error_code::invalid_request,
                "request id " + id.to_json_text()
                  + " is already used by a request in progress");
    return;
  }
  if (auto capability = missing_capability(st, method)) {
    reply_error(self, batch, id, error_code::method_not_found,
                "Method not found: " + std::string{method}
                  + " (the server does not declare \"" + capability + "\")");
    return;
  }
  if (in.params != nullptr && !in.params->is_object()) {
    reply_error(self, batch, id, error_code::invalid_params,
                "params must be an object");
    return;
  }
  auto& cat = *st.snapshot;
  if (method == methods::ping)
    reply(self, batch, id, json::object{});
  else if (method == methods::tools_call)
    on_call_tool(self, batch, id, in.params);
  else if (method == methods::tools_list)
    list_page(self, batch, id, in.params, "tools", "tools", cat.tools);
  else if (method == methods::resources_read)
    on_read_resource(self, batch, id, in.params);
  else if (method == methods::resources_list)
    list_page(self, batch, id, in.params, "resources", "resources",
              cat.resources);
  else if (method == methods::resources_templates_list)
    list_page(self, batch, id, in.params, "templates", "resourceTemplates",
              cat.templates);
  else if (method == methods::resources_subscribe
           || method == methods::resources_unsubscribe)
    on_subscription(self, batch, id, method, in.params);
  else if (method == methods::prompts_list)
    list_page(self, batch, id, in.params, "prompts", "prompts", cat.prompts);
  else if (method == methods::prompts_get)
    on_get_prompt(self, batch, id, in.params);
  else if (method == methods::completion_complete)
    on_complete(self, batch, id, in.params);
  else if (method == methods::logging_set_level)
    on_set_level(self, batch, id, in.params);
  else
    reply_error(self, batch, id, error_code::method_not_found,
                "Method not found: " + std::string{method});
}

void on_notification(session_actor* self, const protocol::incoming_message& in) {
  auto& st = self->state;
  ++st.stats.notifications;
  if (in.method == methods::initialized) {
    if (st.stage == phase::ready)
      st.link->client_ready = true;
    return;
  }
  if (in.method == methods::cancelled) {
    auto obj = params_object(in.params);
    auto raw = obj ? obj->if_contains("requestId") : nullptr;
    auto id = raw ? request_id::from_json(*raw) : std::nullopt;
    if (!id)
      return;
    std::string reason = "cancelled by the client";
    if (auto r = obj->if_contains("reason"); r && r->is_string())
      reason += ": " + std::string{r->get_string()};
    cancel_request(self, *id, reason);
  }
}

/// Whether `msg`, which is not valid JSON-RPC, tried to be a response: it
/// gets no answer, lest two peers answer each other's garbage forever.
bool looks_like_response(const json::value& msg) {
  auto obj = msg.if_object();
  return obj != nullptr && !obj->contains("method")
         && (obj->contains("result") || obj->contains("error"));
}

/// Whether message `msg`, classified as `in`, gets a response.
bool gets_response(const json::value& msg,
                   const protocol::incoming_message& in) {
  return in.kind == protocol::message_kind::request
         || (in.kind == protocol::message_kind::invalid
             && !looks_like_response(msg));
}

/// Handles message `msg`, classified as `in`; `batch` collects responses of
/// a JSON-RPC batch.
void on_message(session_actor* self, const batch_ptr& batch,
                const json::value& msg, const protocol::incoming_message& in) {
  auto& st = self->state;
  switch (in.kind) {
    case protocol::message_kind::request:
      on_request(self, batch, in);
      return;
    case protocol::message_kind::notification:
      on_notification(self, in);
      return;
    case protocol::message_kind::result:
    case protocol::message_kind::error:
      on_client_response(self, in);
      return;
    case protocol::message_kind::invalid:
      break;
  }
  ++st.stats.bad_input;
  log_bad_input(self, "invalid JSON-RPC message: " + std::string{in.problem});
  if (looks_like_response(msg))
    return;
  std::optional<request_id> id;
  if (auto obj = msg.if_object())
    if (auto raw = obj->if_contains("id"))
      id = request_id::from_json(*raw);
  reply_error(self, batch, id, error_code::invalid_request,
              "Invalid Request: " + std::string{in.problem});
}

/// Whether the revision allows JSON-RPC batches (only 2025-03-26 and
/// 2024-11-05 do).
bool batches_allowed(const session_state& st) {
  auto& v = st.link->protocol_version;
  return st.stage != phase::awaiting_initialize && v < "2025-06-18";
}

void on_batch(session_actor* self, const json::array& items) {
  auto& st = self->state;
  if (items.empty() || !batches_allowed(st)) {
    ++st.stats.bad_input;
    reply_error(self, nullptr, std::nullopt, error_code::invalid_request,
                items.empty()
                  ? "Invalid Request: empty batch"
                  : "Invalid Request: JSON-RPC batches are not supported in "
                    "protocol revision "
                      + (st.link->protocol_version.empty()
                           ? std::string{"negotiation (send initialize alone)"}
                           : st.link->protocol_version));
    return;
  }
  auto batch = std::make_shared<batch_state>();
  // Count what will answer first, so that an early answer cannot flush.
  batch->outstanding = 1;
  std::vector<protocol::incoming_message> ins;
  ins.reserve(items.size());
  for (auto& item : items) {
    ins.push_back(protocol::classify(item));
    if (gets_response(item, ins.back()))
      ++batch->outstanding;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (st.stage == phase::closed)
      return;
    on_message(self, batch, items[i], ins[i]);
  }
  count_off(self, *batch, nullptr);
}

void on_inbound(session_actor* self, const json::value& msg) {
  if (self->state.stage == phase::closed)
    return;
  if (auto arr = msg.if_array())
    on_batch(self, *arr);
  else
    on_message(self, nullptr, msg, protocol::classify(msg));
}

/// Sends the list_changed notifications a new catalog calls for.
void on_catalog(session_actor* self, std::shared_ptr<const catalog>& next,
                uint8_t changed) {
  auto& st = self->state;
  st.snapshot = std::move(next);
  if (st.stage != phase::ready)
    return;
  auto& caps = st.declared;
  if ((changed & tools_list) && caps.tools_list_changed)
    notify(self, methods::tools_list_changed, nullptr);
  if ((changed & resources_list) && caps.resources_list_changed)
    notify(self, methods::resources_list_changed, nullptr);
  if ((changed & prompts_list) && caps.prompts_list_changed)
    notify(self, methods::prompts_list_changed, nullptr);
}

caf::behavior server_session(session_actor* self, caf::actor server,
                             std::shared_ptr<const server_settings> settings,
                             std::shared_ptr<const catalog> snapshot,
                             std::shared_ptr<transports::channel> out) {
  auto& st = self->state;
  st.server = std::move(server);
  st.settings = std::move(settings);
  st.snapshot = std::move(snapshot);
  st.link = std::make_shared<session_link>();
  auto& link = *st.link;
  link.system = &self->system();
  link.session = self->address();
  link.server = st.server;
  link.out = std::move(out);
  link.logging = st.settings->options.logging;
  link.log_level = static_cast<uint8_t>(st.settings->options.initial_log_level);
  link.client_request_timeout = st.settings->options.client_request_timeout;
  // Request actors are linked: they end with the session, and the session
  // hears of each one's end.
  self->set_exit_handler([self](caf::exit_msg& em) {
    auto& st = self->state;
    if (on_request_actor_exit(self, em.source))
      return;
    if (st.stage == phase::closed)
      return;
    finish(self, std::move(em.reason));
  });
  self->monitor(st.server);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (dm.source == self->state.server.address())
      finish(self, std::move(dm.reason));
  });
  self->attach_functor([link = st.link](const caf::error&) {
    // Whatever ends the session, no waiting handler keeps waiting for it.
    link->out->close();
  });
  return {
    [self](inbound_atom, const json::value& msg) { on_inbound(self, msg); },
    [self](inbound_atom, const std::vector<json::value>& batch) {
      for (auto& msg : batch)
        on_inbound(self, msg);
    },
    [self](transports::transport_fault& x) {
      auto& st = self->state;
      ++st.stats.bad_input;
      log_bad_input(self, x.detail);
      if (st.stage == phase::closed)
        return;
      if (x.kind == transports::fault_kind::malformed_message)
        reply_error(self, nullptr, std::nullopt, error_code::parse_error,
                    "Parse error: " + x.detail);
      else if (x.kind == transports::fault_kind::oversized_message)
        reply_error(self, nullptr, std::nullopt, error_code::invalid_request,
                    "Invalid Request: message too large: " + x.detail);
    },
    [self](transports::transport_closed& x) {
      on_input_closed(self, x.description);
    },
    [self](drain_atom) {
      auto& st = self->state;
      if (st.stage == phase::draining)
        finish(self);
    },
    [self](call_timer_atom) { on_call_timer(self); },
    [self](client_call_atom, outgoing_request& req) {
      on_client_call(self, req);
    },
    [self](request_done_atom, const request_id& id) {
      on_request_done(self, id);
    },
    [self](answer_atom, request_id& id, json::value& msg) {
      if (auto batch = take_batch(self->state, id))
        count_off(self, *batch, std::move(msg));
    },
    [self](catalog_atom, std::shared_ptr<const catalog>& next,
           uint8_t changed) { on_catalog(self, next, changed); },
    [self](resource_updated_atom, const std::string& uri) {
      auto& st = self->state;
      if (st.stage == phase::ready && st.subscriptions.count(uri) > 0)
        notify(self, methods::resources_updated, json::object{{"uri", uri}});
    },
    [self](log_atom, log_record& x) {
      auto& link = *self->state.link;
      if (self->state.stage != phase::ready || !link.logging
          || x.level < link.log_level.load())
        return;
      link.out->send(protocol::make_log_message(
        static_cast<protocol::log_level>(x.level), x.logger,
        std::move(x.data)));
    },
    [self](server_stats_atom) {
      auto& st = self->state;
      auto res = st.stats;
      res.results += st.link->results.load();
      res.errors += st.link->errors.load();
      res.in_flight = st.running.size();
      res.waiting = st.waiting.size();
      res.subscriptions = st.subscriptions.size();
      return res;
    },
    [self](shutdown_atom) { finish(self); },
  };
}

} // namespace

caf::actor spawn_server_session(caf::event_based_actor* server,
                                std::shared_ptr<const server_settings> settings,
                                std::shared_ptr<const catalog> snapshot,
                                std::shared_ptr<transports::channel> out) {
  return server->spawn(server_session, caf::actor{server},
                                    std::move(settings), std::move(snapshot),
                                    std::move(out));
}

} // namespace mcp::detail
