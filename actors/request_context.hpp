#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include "actors/progress_reporter.hpp"
#include "actors/server_definition.hpp"
#include "protocol/json_key.hpp"
#include "protocol/lifecycle.hpp"
#include "protocol/log_level.hpp"
#include "protocol/revision.hpp"

namespace mcp {

namespace detail {

class request_state;
struct session_link;
struct client_view;
struct input_round;

} // namespace detail

/// What a client answered to `elicitation/create`.
struct elicitation_result {
  /// "accept", "decline" or "cancel".
  std::string action;
  /// The submitted values (form mode, when accepted).
  boost::json::object content;

  /// Returns whether the user accepted.
  bool accepted() const noexcept {
    return action == "accept";
  }
};

/// A request for the client's input: `elicitation/create`,
/// `sampling/createMessage` or `roots/list` with its params.
struct input_request {
  /// The method.
  std::string method;
  /// Its params.
  boost::json::object params;

  /// Form-mode `elicitation/create`: `message` and the flat object schema
  /// of what the user enters.
  static input_request elicitation(std::string_view message,
                                   boost::json::object requested_schema);

  /// `sampling/createMessage` with `params` (messages, maxTokens, ...).
  static input_request sampling(boost::json::object params);

  /// `roots/list`.
  static input_request roots();
};

/// What a handler of a client request can do besides computing its result:
/// report progress, log, ask the client (sampling, elicitation, roots),
/// notice cancellation. Each request gets its own context, valid while its
/// handler runs.
///
/// The waiting calls (`sleep_for`, `create_message`, `elicit`, `elicit_url`,
/// `list_roots`, `ping_client`) block the calling thread and end early with
/// `errc::cancelled` when the client cancels the request. Only handlers with
/// a thread of their own (`execution::dedicated`) may wait: elsewhere they
/// would hold the input thread or a scheduler worker that the session itself
/// may need, so there they refuse at once.
class request_context {
public:
  // -- constructors -----------------------------------------------------------

  /// Made by the session for each request; `client` describes who sent it,
  /// `input` the answers a stateless retry brought (null where the request
  /// may not ask for input).
  request_context(std::shared_ptr<detail::session_link> link,
                  std::shared_ptr<const detail::client_view> client,
                  protocol::request_id id, std::string method,
                  boost::json::object meta, execution exec,
                  std::shared_ptr<detail::request_state> state,
                  std::shared_ptr<detail::input_round> input = nullptr);

  request_context(request_context&&) noexcept;

  ~request_context();

  // -- the request ------------------------------------------------------------

  /// Returns the JSON-RPC id of the request.
  const protocol::request_id& id() const noexcept {
    return id_;
  }

  /// Returns the method, e.g. "tools/call".
  const std::string& method() const noexcept {
    return method_;
  }

  /// Returns the request's `params._meta` (empty if none).
  const boost::json::object& meta() const noexcept {
    return meta_;
  }

  /// Returns the progress token the client gave, if any.
  const std::optional<protocol::progress_token>& progress_token() const noexcept {
    return token_;
  }

  /// Returns whether the client cancelled the request (or went away).
  bool cancelled() const noexcept;

  // -- the session ------------------------------------------------------------

  /// Returns the request's protocol revision (negotiated by `initialize`,
  /// or the request's own under 2026-07-28).
  protocol::revision revision() const noexcept;

  /// Returns the name of `revision()`, e.g. "2025-11-25".
  std::string_view protocol_version() const noexcept;

  /// Returns what the client declared it can do.
  const protocol::client_capabilities& client_capabilities() const noexcept;

  /// Returns the client's `Implementation` object (name, version, ...).
  const boost::json::object& client_info() const noexcept;

  /// Returns the server actor, e.g. to add or remove tools at run time.
  const caf::actor& server() const noexcept;

  /// Returns the actor system.
  caf::actor_system& system() const noexcept;

  // -- notifications ----------------------------------------------------------

  /// Sends `notifications/progress` when the client gave a progress token
  /// (does nothing otherwise). `progress` must be larger than the value
  /// reported before: a value that does not increase (or is not finite) is
  /// refused with `errc::invalid_argument` and not sent. Nothing is sent
  /// once the request ended.
  caf::error report_progress(double progress,
                             std::optional<double> total = std::nullopt,
                             std::string_view message = {});

  /// Returns a reporter of progress for this request that other actors or
  /// threads may use (and copy) while the request runs, e.g. a worker the
  /// handler delegates to.
  progress_reporter progress() const;

  /// Sends `notifications/message` if `level` is at least the session's
  /// level (see `logging/setLevel`); returns whether it was sent. Data that
  /// holds a number JSON cannot represent (infinity, NaN) is not sent.
  bool log(protocol::log_level level, boost::json::value data,
           std::string_view logger = {});

  // -- waiting ----------------------------------------------------------------

  /// Ends the HTTP response that carries this request's stream before the
  /// request's response, where the transport can resume streams (Streamable
  /// HTTP, SEP-1699 polling): the client reconnects after the `retry` time
  /// and receives what the request sends from then on. Does nothing over
  /// stdio.
  void close_stream();

  /// Waits `duration`; returns false early when the request is cancelled
  /// (and at once unless the handler is `execution::dedicated`).
  bool sleep_for(caf::timespan duration);

  // -- requests to the client -------------------------------------------------

  /// Asks the client for input: each of `requests` under its key (unique
  /// within the request), answered by key. Under a revision with sessions
  /// the requests go to the client and the call waits for the answers (a
  /// handler with a thread of its own only). Under 2026-07-28 (multi-round-
  /// trip requests, `tools/call`, `resources/read` and `prompts/get` only)
  /// the call returns the answers the client's retry brought; when one is
  /// missing it fails with `errc::input_required` and the request answers
  /// with an `InputRequiredResult` asking for what is missing, whatever the
  /// handler returns; the client's retry runs the handler again from the
  /// start, and the same calls then return the answers. Handlers therefore
  /// ask before they act. Each request needs the client's capability for
  /// its method (else -32021 under 2026-07-28).
  caf::expected<boost::json::object>
  request_input(std::vector<std::pair<std::string, input_request>> requests,
                caf::timespan timeout = {});

  /// Sends any request to the client and waits for its result. A zero
  /// `timeout` means the server's `client_request_timeout`.
  caf::expected<boost::json::value>
  request_client(std::string method, boost::json::value params,
                 caf::timespan timeout = {});

  /// `sampling/createMessage` with `params` (messages, maxTokens, ...);
  /// needs the client's `sampling` capability (and `sampling.tools` when
  /// `params` has tools).
  caf::expected<boost::json::value>
  create_message(boost::json::object params, caf::timespan timeout = {});

  /// Form-mode `elicitation/create`: asks the user for the values described
  /// by `requested_schema`, a flat object schema of strings, numbers,
  /// integers, booleans and enums (with defaults). Needs the client's
  /// `elicitation` capability (2025-06-18 on). An accepted answer is checked
  /// against the schema.
  caf::expected<elicitation_result>
  elicit(std::string_view message, boost::json::object requested_schema,
         caf::timespan timeout = {});

  /// URL-mode `elicitation/create` (2025-11-25): sends the user to `url`.
  /// Needs the client's `elicitation.url` capability.
  caf::expected<elicitation_result>
  elicit_url(std::string_view message, std::string_view url,
             std::string_view elicitation_id, caf::timespan timeout = {});

  /// Sends `notifications/elicitation/complete` for a URL-mode elicitation.
  bool notify_elicitation_complete(std::string_view elicitation_id);

  /// `roots/list`; needs the client's `roots` capability.
  caf::expected<boost::json::value> list_roots(caf::timespan timeout = {});

  /// `ping` to the client.
  caf::expected<boost::json::value> ping_client(caf::timespan timeout = {});

private:
  caf::error may_wait(std::string_view what) const;

  caf::error missing_capability(std::string_view what,
                                std::string_view capability) const;

  /// Asks the client for one input (`request_client` under sessions, a key
  /// of its own under 2026-07-28).
  caf::expected<boost::json::value> ask(std::string_view kind,
                                        input_request request,
                                        caf::timespan timeout);

  std::shared_ptr<detail::session_link> link_;
  std::shared_ptr<const detail::client_view> client_;
  protocol::request_id id_;
  std::string method_;
  boost::json::object meta_;
  std::optional<protocol::progress_token> token_;
  execution exec_;
  std::shared_ptr<detail::request_state> state_;
  std::shared_ptr<detail::input_round> input_;
  /// Sends this request's progress; made once, copied by `progress()`.
  progress_reporter progress_;
};

} // namespace mcp
