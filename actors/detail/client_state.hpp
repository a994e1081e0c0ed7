#pragma once

// The state of a client actor and the logic that works on it, split by job:
// client_requests.cpp (dispatch, handshake, deadlines, cancellation, closing),
// client_inbound.cpp (what the server sends), client_progress.cpp
// (subscriptions, fan-out, responses held for their subscriptions) and
// client_pages.cpp (pagination). actors/client.cpp holds the behavior.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/optional.hpp>
#include <caf/response_promise.hpp>
#include <caf/timespan.hpp>

#include "actors/client.hpp"
#include "actors/detail/progress_window.hpp"
#include "actors/messages.hpp"
#include "protocol/header_value.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/method_table.hpp"
#include "protocol/lifecycle.hpp"
#include "transports/messages.hpp"

namespace caf {
class scheduled_actor;
} // namespace caf

namespace mcp::detail {

/// `(transport_gone_atom)`: a closed client's own message that its
/// transport has ended. Quitting in the handler of the transport's last
/// message instead leaks both brokers in CAF 0.17 (seen with LeakSanitizer).
using transport_gone_atom = caf::atom_constant<caf::atom("mcp_tgone")>;

// -- bookkeeping records ------------------------------------------------------

/// What a pending request is to the client.
enum class request_role : uint8_t {
  /// A caller's request, answered through its promise.
  user,
  /// The handshake: `initialize`, or the `server/discover` probe.
  handshake,
  /// The client's own `subscriptions/listen`.
  listen,
};

/// A request sent to the server and not answered yet.
struct pending_request {
  caf::response_promise promise;
  std::string method;
  caf::optional<progress_token> token;
  std::string cancel_key;
  caf::actor_clock::time_point started;
  caf::actor_clock::time_point last_activity;
  caf::actor_clock::time_point deadline;
  caf::timespan timeout;
  caf::optional<caf::timespan> max_total;
  bool reset_on_progress = false;
  /// What the request is to the client.
  request_role role = request_role::user;
  // Under a stateless revision only:
  /// The params as sent (with their `_meta`), to send them again for the
  /// next round of input or after the response stream broke.
  boost::json::value params;
  /// Rounds of input fulfilled so far (multi-round-trip requests).
  size_t rounds = 0;
  /// Times sent again after the response stream broke.
  size_t reissues = 0;
  /// Whether the client's handlers are producing the input of the next
  /// round (nothing is on the wire meanwhile).
  bool awaiting_input = false;
  /// The answers of the round under way, by the server's keys.
  boost::json::object answers;
  /// Answers still missing in the round under way.
  size_t answers_due = 0;
  /// The round's `requestState`, echoed verbatim (none when absent).
  caf::optional<std::string> request_state;
};

/// A request made before the handshake completed.
struct queued_request {
  caf::response_promise promise;
  client_request req;
  /// When the caller made the request; its timeouts count from here.
  caf::actor_clock::time_point enqueued;
  /// When it fails if the handshake has not completed by then.
  caf::actor_clock::time_point deadline;
};

/// One progress subscription of a token.
struct subscription_ref {
  caf::actor subscription;
  caf::actor_addr subscriber;
  /// Whether the subscription takes `std::vector<progress_update>` (only the
  /// ones the client spawned itself; attached actors get single updates).
  bool batches = false;
  /// Flow control toward the subscription (a slow callback).
  progress_window window;
};

/// The subscriptions of a progress token and the request that carries it.
struct token_entry {
  std::vector<subscription_ref> subs;
  caf::optional<int64_t> request;
};

/// An actor subscribed to server notifications whose method starts with
/// `filter`.
struct notification_subscriber {
  std::string filter;
  caf::actor who;
};

/// A paginated list request in progress (`all_pages_atom`).
struct page_walk {
  caf::response_promise promise;
  client_request base;
  std::string key;
  boost::json::array items;
  std::unordered_set<std::string> seen;
};

/// A response held back until every subscription of its request has passed
/// on its final `progress_done` (each answers the client when it has).
struct held_response {
  caf::response_promise promise;
  std::variant<boost::json::value, caf::error> value;
  size_t waiting = 0;
};

/// The notifications a client's `subscriptions/listen` asks for.
struct listen_wish {
  bool tools = false;
  bool prompts = false;
  bool resources = false;
  std::vector<std::string> resource_uris;

  /// Returns whether it asks for nothing.
  bool empty() const noexcept {
    return !tools && !prompts && !resources && resource_uris.empty();
  }

  friend bool operator==(const listen_wish& x, const listen_wish& y) {
    return x.tools == y.tools && x.prompts == y.prompts
           && x.resources == y.resources && x.resource_uris == y.resource_uris;
  }
};

/// The phases of a client.
enum class stage { detached, handshaking, ready, closed };

// -- client state -------------------------------------------------------------

/// Everything a client actor knows, and what it does with it.
class client_state {
public:
  // -- constructors -----------------------------------------------------------

  /// Binds the state to its actor (a broker or an event-based actor).
  explicit client_state(caf::scheduled_actor* self);

  // -- requests (client_requests.cpp) -----------------------------------------

  /// Sends `req` to the server, or queues it until the handshake is done.
  /// `since` is when the caller asked (for requests that waited).
  void dispatch(caf::response_promise rp, client_request req,
                caf::optional<caf::actor_clock::time_point> since = caf::none);

  /// Fails a request that was never sent.
  void refuse(caf::response_promise& rp, const request_options& opts,
              caf::error err);

  /// Sends `initialize` on a new transport.
  void start_handshake();

  /// Completes the handshake with the result of `initialize`.
  void on_handshake_result(const boost::json::value& result);

  /// Fails the session's handshake and ends the client.
  void handshake_failed(caf::error err);

  /// Answers request `id` with `result`.
  void complete(int64_t id, boost::json::value result);

  /// Fails request `id` with `err`, ending its subscriptions with `outcome`.
  void fail_pending(int64_t id, const caf::error& err,
                    progress_outcome outcome);

  /// Cancels request `id` and tells the server.
  void cancel(int64_t id, const std::string& why);

  /// Cancels the request with `key` (in flight or queued).
  void cancel_by_key(const std::string& key);

  /// Cancels every request in flight or queued.
  void cancel_all();

  /// Fires the deadlines that have passed.
  void on_timer();

  /// Ends everything: every caller gets `err`, then the actor quits with
  /// `exit_reason` (once the held responses are out and the transport has
  /// ended, see `closing_transport`).
  void close_session(const caf::error& err, const caf::error& exit_reason);

  /// Stops waiting for the closing transport `who` (any, if null).
  void transport_ended(const caf::actor_addr& who);

  /// Quits once nothing keeps a closed client alive.
  void quit_when_done();

  /// Sends `msg` to the transport.
  void send_out(boost::json::value msg);

  // -- inbound (client_inbound.cpp) -------------------------------------------

  /// Handles one message from the server.
  void on_inbound(boost::json::value& msg);

  /// Fails the request whose response the transport had to drop (`x`
  /// names its id) at once, instead of by its timeout.
  void on_unreadable_response(const transports::transport_fault& x);

  /// Fails pending request `id` with `err` (the handshake, if it is the
  /// `initialize` request).
  void fail_response(int64_t id, const caf::error& err);

  /// Fails pending request `id` because its result is not what its method
  /// answers (`why`).
  void reject_result(int64_t id, const std::string& why);

  /// Handles the end of the transport.
  void on_disconnect(std::string description);

  // -- progress (client_progress.cpp) -----------------------------------------

  /// Spawns a forwarding subscription of `token` for `subscriber`.
  caf::actor subscribe_actor(const progress_token& token,
                             const caf::actor& subscriber);

  /// Attaches a ready-made subscription actor to `token`.
  void attach_subscription(const progress_token& token, caf::actor sub,
                           caf::actor_addr subscriber, bool batches = false);

  /// Ends the subscriptions of `subscriber` to `token`.
  void unsubscribe(const progress_token& token, const caf::actor& subscriber);

  /// Ends every subscription of `token`, keeping the entry if a request in
  /// flight still carries the token. `hold` names the held response that
  /// waits for the subscriptions (0 for none).
  void end_token(const progress_token& token, progress_outcome outcome,
                 const std::string& detail, bool request_done,
                 uint64_t hold = 0);

  /// Queues the update of one progress notification for its subscriptions.
  void on_progress(const boost::json::value* params);

  /// Sends the progress updates collected during the current read.
  void flush_progress();

  /// Passes `updates` on to `ref` through its window.
  void pass_on(subscription_ref& ref, std::vector<progress_update>&& updates);

  /// Returns the subscription with actor address `who`, or null.
  subscription_ref* find_subscription(const caf::actor_addr& who);

  /// Forgets a subscription actor that went down.
  bool drop_subscription(const caf::actor_addr& who);

  /// Returns a new held response for `rp` (see `held_response`).
  uint64_t hold(caf::response_promise rp);

  /// Delivers held response `id` with `value` once its subscriptions have
  /// passed on their final message, at once when there are none.
  void release(uint64_t id, std::variant<boost::json::value, caf::error> value);

  /// Ends the ready-made subscriptions of a request that failed before it
  /// was sent, then delivers `err` to `rp`.
  void reject_progress(caf::response_promise& rp, const request_options& opts,
                       const caf::error& err);

  // -- stateless revisions (client_stateless.cpp) -----------------------------

  /// Returns whether the client speaks (or probes) a revision without
  /// sessions.
  bool stateless() const noexcept {
    return !revision.has_sessions();
  }

  /// Returns the capabilities the client declares.
  protocol::client_capabilities declared_capabilities() const;

  /// Starts the handshake of the configured negotiation: `initialize`, or
  /// the `server/discover` probe.
  void start_negotiation();

  /// Sends `server/discover` under revision `rev`.
  void start_discover(protocol::revision rev);

  /// Completes the probe with the result of `server/discover`.
  void on_discover_result(const boost::json::value& result);

  /// Handles the probe's error response: a modern error keeps the client
  /// modern, any other makes it fall back (or fail, when pinned).
  void on_discover_error(const boost::json::object& error);

  /// The probe found no stateless revision in common: `initialize` when
  /// negotiating automatically, else the session fails with `err`.
  void discover_failed(caf::error err);

  /// Puts the stateless `_meta` into `params`, below the caller's members.
  void add_request_meta(boost::json::value& params);

  /// Sends pending request `id` (its `params`) with its HTTP headers.
  void send_stateless(int64_t id, const pending_request& p);

  /// Handles a result of a stateless request; returns false when it was
  /// not the final one (an `InputRequiredResult` starts the next round) or
  /// failed the request.
  bool on_stateless_result(int64_t id, const boost::json::value& result);

  /// Leaves out the tools whose `x-mcp-header` annotations are invalid
  /// from a `tools/list` result, and keeps the others' mirrored params.
  void filter_tools(boost::json::value& result);

  /// Sends request `id` again with a new id after its stream broke; false
  /// when it went out too often already.
  bool reissue(int64_t id);

  /// Opens, replaces or ends the `subscriptions/listen` of the client as
  /// its notification subscribers and resource subscriptions want.
  void update_listen();

  /// Handles `resources/subscribe` and `resources/unsubscribe` of a caller
  /// under a stateless revision (they become part of the listen filter).
  void on_resource_subscription(caf::response_promise& rp,
                                const client_request& req);

  /// Returns whether a notification that carries a subscription id belongs
  /// to the client's current listen (others are dropped).
  bool from_current_listen(const boost::json::value* params) const;

  // -- pagination (client_pages.cpp) ------------------------------------------

  /// Starts a walk over all pages of the list request `req`.
  void start_walk(caf::response_promise rp, client_request req);

  // -- state ------------------------------------------------------------------

  caf::scheduled_actor* self;
  client_config cfg;
  caf::actor transport;
  caf::actor supervisor;
  stage phase = stage::detached;
  int64_t next_id = 1;
  int64_t handshake_id = -1;
  uint64_t epoch = 0;
  bool handshaken_once = false;
  server_info info;
  protocol::server_capabilities caps;
  /// The negotiated revision (valid once ready).
  protocol::revision revision = protocol::revision::latest_with_sessions();
  std::unordered_map<int64_t, pending_request> pending;
  std::set<std::pair<caf::actor_clock::time_point, int64_t>> deadlines;
  caf::optional<caf::actor_clock::time_point> armed;
  std::deque<queued_request> queue;
  /// Paginated walks under way; answered when the session closes.
  std::vector<std::shared_ptr<page_walk>> walks;
  std::vector<caf::response_promise> info_waiters;
  std::unordered_map<progress_token, token_entry> tokens;
  std::unordered_map<caf::actor_addr, progress_token> subscription_tokens;
  std::vector<notification_subscriber> notification_subs;
  /// Requests from the server being handled, with whether the server
  /// cancelled them; an entry (and its slot) lives until its handler answers.
  std::unordered_map<request_id, bool> server_inflight;
  /// Progress updates of the current inbound batch, per subscription; sent
  /// as one message each when the batch is done (or before anything else
  /// goes to a subscription, to keep the order).
  std::vector<std::pair<caf::actor, std::vector<progress_update>>> outbox;
  /// Responses waiting for their subscriptions' final messages.
  std::unordered_map<uint64_t, held_response> held;
  uint64_t next_hold = 1;
  /// Set by `close_session` while held responses or the closing transport
  /// keep the actor alive.
  caf::optional<caf::error> quit_reason;
  /// The transport ending the session after `close_session`, until it says
  /// so (`transport_closed`), goes down, or `close_timeout` passes.
  caf::actor closing_transport;
  std::deque<progress_token> recent;
  std::unordered_set<progress_token> recent_set;
  std::string last_disconnect;
  client_stats stats;
  /// The probe's revision while `server/discover` runs.
  caf::optional<protocol::revision> probing;
  /// Revisions tried by the probe (against a server that keeps answering
  /// -32022).
  size_t probes = 0;
  /// The `Mcp-Param-*` parameters of the tools the server listed (stateless
  /// HTTP), by tool name.
  std::unordered_map<std::string, std::vector<protocol::mirrored_param>>
    tool_headers;
  /// The resources callers subscribed to under a stateless revision.
  std::vector<std::string> resource_subscriptions;
  /// The reserved `_meta` keys of requests under a revision, once made.
  std::optional<std::pair<protocol::revision, boost::json::object>>
    meta_template;
  /// The filter of the client's listen, and its request id (-1 for none).
  listen_wish listening;
  int64_t listen_id = -1;

  static inline const char* name = "mcp_client";

private:
  // -- implementation details -------------------------------------------------

  void log_bad_input(const std::string& what);
  void on_response(const protocol::incoming_message& in);
  void on_notification(const protocol::incoming_message& in);
  void on_server_request(const protocol::incoming_message& in);
  void end_subscription(subscription_ref& ref, const progress_token& token,
                        progress_outcome outcome, const std::string& detail,
                        uint64_t hold);
  void remember_finished(const progress_token& token);
  void acknowledge(uint64_t hold);
  pending_request take_pending(int64_t id, progress_outcome outcome,
                               const std::string& detail, uint64_t hold = 0);
  void arm(caf::actor_clock::time_point at);
  void track_deadline(int64_t id, pending_request& p);
  void send_cancelled(int64_t id, std::string reason);
  void fail_all(const caf::error& err, progress_outcome outcome);
  void enqueue(caf::response_promise rp, client_request req);
  void expire_queued(caf::actor_clock::time_point now);
  void expire(int64_t id);
  void next_page(std::shared_ptr<page_walk> walk, std::string cursor);
  void fulfil_input(int64_t id, const boost::json::object& result);
  void on_input_answer(int64_t id, size_t round, std::string key,
                       std::variant<boost::json::value, caf::error> answer);
  void next_round(int64_t id);
  int64_t rekey(int64_t id);
  int64_t send_own(request_role role, protocol::method_id method,
                   boost::json::object params, caf::timespan timeout);
  void became_ready();
  listen_wish wanted_listen() const;
  void finish_walk(const std::shared_ptr<page_walk>& walk,
                   std::variant<boost::json::value, caf::error> x);
};

/// Copies a value out of the transport's per-read arena into the default
/// memory resource, so what callers keep does not pin the arena.
boost::json::value own_copy(const boost::json::value& x);

/// Delivers `x` (a result or an error) to `rp`.
void deliver(caf::response_promise& rp,
             std::variant<boost::json::value, caf::error> x);

} // namespace mcp::detail
