#pragma once

// The state of a server session actor and the functions that work on it,
// split by job: session_output.cpp (responses and notifications),
// session_client_calls.cpp (requests to the client), session_requests.cpp
// (scheduling and the lifetime of requests), session_methods.cpp (the MCP
// methods: lifecycle, tools, resources, prompts, completion, logging) and
// session_inbound.cpp (messages and batches). server_session.cpp holds the
// behavior.

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
#include "actors/detail/mirrored_headers.hpp"
#include "actors/detail/request_actor.hpp"
#include "actors/detail/request_state.hpp"
#include "actors/detail/session_link.hpp"
#include "actors/error.hpp"
#include "actors/server_messages.hpp"
#include "protocol/cursor.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/method_table.hpp"
#include "protocol/methods.hpp"
#include "protocol/version.hpp"
#include "transports/messages.hpp"
#include "actors/detail/server_session.hpp"

namespace mcp::detail::session_impl {

namespace json = boost::json;
namespace methods = protocol::methods;
using protocol::error_code;
using protocol::request_id;
using transports::inbound_atom;

using call_timer_atom = caf::atom_constant<caf::atom("mcp_ctimer")>;
using drain_atom = caf::atom_constant<caf::atom("mcp_drain")>;

/// Bounds of what bad input may write to stderr.
inline constexpr size_t max_log_lines = 20;
inline constexpr size_t max_log_line = 300;

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
  /// The batch's first request: the batch's response goes on its route (one
  /// HTTP stream carries a batch).
  std::optional<request_id> anchor;
};

using batch_ptr = std::shared_ptr<batch_state>;

enum class phase { awaiting_initialize, ready, draining, closed };

/// What a `subscriptions/listen` stream carries (as the server honours it).
struct listen_filter {
  bool tools = false;
  bool prompts = false;
  bool resources = false;
  std::unordered_set<std::string> uris;
};

struct session_state {
  caf::actor server;
  std::shared_ptr<const server_settings> settings;
  std::shared_ptr<const catalog> snapshot;
  std::shared_ptr<session_link> link;
  phase stage = phase::awaiting_initialize;
  protocol::server_capabilities declared;
  /// What the session declares to stateless requests (made on first use,
  /// dropped when the catalog changes).
  std::optional<protocol::server_capabilities> stateless_caps;
  /// The stateless request being dispatched (null otherwise): its sender
  /// and method, for the replies and request actors it makes.
  std::shared_ptr<const client_view> current_client;
  const protocol::method_row* current_row = nullptr;
  /// The `Mcp-Param-*` headers of the stateless HTTP request being
  /// dispatched (null otherwise, e.g. over stdio).
  const mirrored_headers* current_headers = nullptr;
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
  /// Open `subscriptions/listen` streams (2026-07-28), by request id.
  std::unordered_map<request_id, listen_filter> listens;
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

// -- functions ----------------------------------------------------------------

json::value own(const json::value& x);

json::object own(const json::object& x);

void log_bad_input(session_actor* self, std::string_view what);

void count_off(session_actor* self, batch_state& batch, json::value response);

batch_ptr take_batch(session_state& st, const request_id& id);

void respond(session_actor* self, const std::shared_ptr<batch_state>& batch,
             const request_id* id, json::value msg, bool ok);

void reply(session_actor* self, const std::shared_ptr<batch_state>& batch,
           const request_id& id, json::value result);

void reply_error(session_actor* self, const std::shared_ptr<batch_state>& batch,
                 const std::optional<request_id>& id, error_code code,
                 std::string_view message, json::value data = nullptr);

void reply_not_found(session_actor* self,
                     const std::shared_ptr<batch_state>& batch,
                     const request_id& id, const std::string& uri);

void notify(session_actor* self, std::string_view method, json::value params);

void arm(session_actor* self, caf::actor_clock::time_point at);

std::optional<client_call> take_call(session_actor* self, int64_t id);

void end_call(session_actor* self, int64_t id, const caf::error& err,
              bool tell_client);

void end_calls(session_actor* self, std::vector<int64_t> ids,
               const caf::error& err, bool tell_client);

void end_all_calls(session_actor* self, const caf::error& err);

void on_client_call(session_actor* self, outgoing_request& req);

void on_client_response(session_actor* self,
                        const protocol::incoming_message& in);

void on_call_timer(session_actor* self);

void finish(session_actor* self, caf::error reason = caf::none);

void start_request(session_actor* self, const request_id& id, execution exec,
                   std::shared_ptr<request_job> job);

void run_request(session_actor* self, const std::shared_ptr<batch_state>& batch,
                 const request_id& id, std::string_view method,
                 const json::value* params, execution exec, request_work work,
                 std::shared_ptr<actor_work> by_actor = nullptr);

void abandon(session_actor* self, const request_id& id, request_state& state,
             const std::string& why);

void count_off_batch(session_actor* self, const request_id& id);

void end_request(session_actor* self, const request_id& id);

void on_request_done(session_actor* self, const request_id& id);

bool on_request_actor_exit(session_actor* self, const caf::actor_addr& who);

bool in_use(session_state& st, const request_id& id);

void cancel_request(session_actor* self, const request_id& id,
                    const std::string& reason);

void on_input_closed(session_actor* self, const std::string& why);

const json::object* params_object(const json::value* params);

const json::string* string_param(const json::value* params,
                                 std::string_view key);

protocol::server_capabilities declare_capabilities(const session_state& st);

const protocol::server_capabilities& declared_to(session_state& st);

bool stateless(const session_state& st) noexcept;

void on_stateless_request(session_actor* self,
                          const protocol::incoming_message& in);

void dispatch(session_actor* self, const batch_ptr& batch,
              const protocol::incoming_message& in,
              const protocol::method_row& row);

void on_listen(session_actor* self, const request_id& id,
               const json::value* params);

void notify_listens(session_actor* self, uint8_t changed);

void notify_listens_updated(session_actor* self, const std::string& uri);

void end_listens(session_actor* self);

void on_initialize(session_actor* self, const batch_ptr& batch,
                   const request_id& id, const json::value* params);

void on_call_tool(session_actor* self, const batch_ptr& batch,
                  const request_id& id, const json::value* params);

caf::expected<json::value> contents_result(caf::expected<resource_contents> x);

bool resource_exists(const catalog& cat, std::string_view uri);

void on_read_resource(session_actor* self, const batch_ptr& batch,
                      const request_id& id, const json::value* params);

void on_subscription(session_actor* self, const batch_ptr& batch,
                     const request_id& id, std::string_view method,
                     const json::value* params);

std::optional<std::string> read_string_map(const json::value* x,
                                           prompt_arguments& out);

void on_get_prompt(session_actor* self, const batch_ptr& batch,
                   const request_id& id, const json::value* params);

void on_complete(session_actor* self, const batch_ptr& batch,
                 const request_id& id, const json::value* params);

void on_set_level(session_actor* self, const batch_ptr& batch,
                  const request_id& id, const json::value* params);

void on_request(session_actor* self, const batch_ptr& batch,
                const protocol::incoming_message& in);

void on_notification(session_actor* self, const protocol::incoming_message& in);

bool looks_like_response(const json::value& msg);

bool gets_response(const json::value& msg,
                   const protocol::incoming_message& in);

void on_message(session_actor* self, const batch_ptr& batch,
                const json::value& msg, const protocol::incoming_message& in);

bool batches_allowed(const session_state& st);

void on_batch(session_actor* self, const json::array& items);

void on_inbound(session_actor* self, const json::value& msg);

void on_catalog(session_actor* self, std::shared_ptr<const catalog>& next,
                uint8_t changed);

} // namespace mcp::detail::session_impl
