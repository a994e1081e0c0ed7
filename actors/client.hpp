#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/optional.hpp>
#include <caf/timespan.hpp>

#include "protocol/lifecycle.hpp"
#include "protocol/log_level.hpp"
#include "protocol/revision.hpp"
#include "protocol/version.hpp"

namespace mcp {

/// Makes a transport actor that sends what it receives to `owner`
/// (see transports/messages.hpp for the protocol between the two).
using transport_factory
  = std::function<caf::expected<caf::actor>(caf::actor owner)>;

/// When a session supervisor starts a new server after the old one ended.
struct restart_policy {
  /// Restarts allowed within `window`; 0 never restarts.
  size_t max_restarts = 0;
  /// The window in which restarts are counted.
  caf::timespan window = std::chrono::seconds(60);
  /// Wait before the first restart; doubles with each restart in the window.
  caf::timespan initial_backoff = std::chrono::milliseconds(100);
  /// Upper bound of the wait.
  caf::timespan max_backoff = std::chrono::seconds(5);

  /// Never restart.
  static restart_policy none() {
    return {};
  }

  /// Restart up to `n` times within `window`, waiting `initial` (doubling
  /// up to `max`) before each.
  static restart_policy
  with_backoff(size_t n,
               caf::timespan initial = std::chrono::milliseconds(100),
               caf::timespan max = std::chrono::seconds(5),
               caf::timespan window = std::chrono::seconds(60)) {
    return {n, window, initial, max};
  }
};

/// How a client chooses the protocol revision it speaks with a server.
struct version_negotiation {
  /// The ways to choose.
  enum class kind : uint8_t {
    /// The `initialize` handshake of the session-based revisions.
    legacy,
    /// Probes with `server/discover` (newest stateless revision); a server
    /// that answers with a modern error stays modern (the client retries
    /// with a revision from its `supported` list), any other error or no
    /// answer within `discover_timeout` means an older server, and the
    /// client runs `initialize` instead.
    automatic,
    /// Speaks `revision` or nothing: `server/discover` for a stateless
    /// revision, `initialize` for a session-based one; the session fails if
    /// the server does not speak it.
    pinned,
  };

  /// How to choose.
  kind mode = kind::legacy;
  /// The revision of `kind::pinned`.
  protocol::revision pinned_revision = protocol::revision::latest();

  /// Runs `initialize` (the default, like the TypeScript SDK's).
  static version_negotiation legacy() {
    return {};
  }

  /// Probes with `server/discover`, falls back to `initialize`.
  static version_negotiation automatic() {
    return {kind::automatic, protocol::revision::latest()};
  }

  /// Speaks `rev` only.
  static version_negotiation pin(protocol::revision rev) {
    return {kind::pinned, rev};
  }
};

/// How a client identifies itself and treats its server.
struct client_config {
  /// Sent as `clientInfo` (in each request's `_meta` under a stateless
  /// revision).
  protocol::implementation_info info{"caf-mcp", "0.1.0", "caf-mcp client"};
  /// The protocol revision offered in `initialize`.
  std::string protocol_version{protocol::latest_protocol_version};
  /// How the revision is chosen.
  version_negotiation negotiation;
  /// How long `server/discover` may take before the client takes the
  /// server for one of the session-based era (`negotiation.mode`
  /// automatic).
  caf::timespan discover_timeout = std::chrono::seconds(5);
  /// The least severe log messages the client wants under a stateless
  /// revision (`logLevel` in each request's `_meta`); none when unset.
  /// Session-based revisions use `logging/setLevel` instead.
  caf::optional<protocol::log_level> log_level;
  /// At most this many rounds of a multi-round-trip request (each an
  /// `InputRequiredResult` the client fulfils) before it fails.
  size_t max_input_rounds = 16;
  /// How often a stateless request whose response stream broke is sent
  /// again (with a new id) before it fails.
  size_t max_reissues = 2;
  /// Answers `roots/list` (`server_request` -> `boost::json::value`).
  /// Declares the roots capability when set.
  caf::actor roots_handler;
  /// Whether the client sends `notifications/roots/list_changed`.
  bool roots_list_changed = false;
  /// Answers `sampling/createMessage`; declares sampling when set.
  caf::actor sampling_handler;
  /// Answers `elicitation/create`; declares elicitation when set.
  caf::actor elicitation_handler;
  /// How long a handler may take to answer the server.
  caf::timespan handler_timeout = std::chrono::seconds(60);
  /// How long the server may take to answer `initialize`.
  caf::timespan handshake_timeout = std::chrono::seconds(30);
  /// How long a client shutting down waits for its transport to end the
  /// session (an HTTP DELETE, a child process exiting) before it quits
  /// anyway. The client's end then means that the transport's is near.
  caf::timespan close_timeout = std::chrono::seconds(5);
  /// At most this many server requests are handled at once; more get an
  /// error.
  size_t max_server_requests = 256;
  /// At most this many requests wait for the handshake; more fail at once.
  size_t max_queued_requests = 65536;
  /// Whether to print bad input from the server to stderr.
  bool log_bad_input = true;
  /// Runs the client on the I/O middleman's thread, beside its transport, so
  /// a message from the server reaches the client without a thread hop.
  /// Ignored (the client runs on the scheduler) when no middleman is loaded.
  bool run_on_io_thread = true;
};

/// Spawns a client actor under a session supervisor. `make_transport` makes
/// the first transport at once (an error here is returned) and every
/// restart's. The client answers `client_request`s with the result or an
/// error; see docs/ARCHITECTURE.md for all messages.
caf::expected<caf::actor> spawn_client(caf::actor_system& sys,
                                       transport_factory make_transport,
                                       client_config cfg = {},
                                       restart_policy policy = {});

/// Spawns only the client actor, without supervisor: it waits for a
/// `(transport_atom, actor)` and then runs the handshake. For tests and for
/// users who supervise sessions themselves.
caf::actor spawn_bare_client(caf::actor_system& sys, client_config cfg = {});

} // namespace mcp
