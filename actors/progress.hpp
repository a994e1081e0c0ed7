#pragma once

// The progress API of Hermes MCP, for caf-mcp client actors.

#include <optional>
#include <string>

#include <caf/actor.hpp>

#include "actors/messages.hpp"
#include "actors/progress_subscription.hpp"

namespace mcp {

/// Returns a new unguessable progress token (128 random bits as text).
progress_token make_progress_token();

/// Runs `fn` for each progress update for `token` that `client` receives,
/// until the request carrying `token` completes or the token is
/// unregistered. Returns the subscription actor.
caf::actor register_progress_callback(const caf::actor& client,
                                      progress_token token,
                                      progress_callback fn,
                                      progress_done_callback on_done = {});

/// Ends every subscription (callbacks and actors) of `token` at `client`.
void unregister_progress_callback(const caf::actor& client,
                                  progress_token token);

/// A progress subscription its caller owns: destroying it (or `reset`)
/// ends the subscription, unless it was `release`d. Move-only.
class progress_subscription_ref {
public:
  /// Owns nothing.
  progress_subscription_ref() = default;

  /// Owns the subscription of `subscriber` to `token` at `client`.
  progress_subscription_ref(caf::actor client, progress_token token,
                            caf::actor subscriber);

  progress_subscription_ref(progress_subscription_ref&&) noexcept = default;
  progress_subscription_ref&
  operator=(progress_subscription_ref&& other) noexcept;
  progress_subscription_ref(const progress_subscription_ref&) = delete;
  progress_subscription_ref&
  operator=(const progress_subscription_ref&) = delete;

  /// Ends the subscription (see `reset`).
  ~progress_subscription_ref();

  /// Returns whether this owns a subscription.
  explicit operator bool() const noexcept {
    return static_cast<bool>(client_);
  }

  /// Returns the token.
  const progress_token& token() const noexcept {
    return token_;
  }

  /// Ends the subscription now: the subscriber receives one
  /// `progress_done{unsubscribed}` (if the request has not ended before).
  void reset();

  /// Lets the subscription run until its request ends, owned by no one.
  void release() noexcept;

private:
  caf::actor client_;
  progress_token token_;
  caf::actor subscriber_;
};

/// Subscribes `subscriber` to progress for `token`: it receives
/// `progress_update`s in order and one final `progress_done`. The
/// subscription lasts while the returned handle does (or until the
/// request ends); `release()` it to let it run on its own. The message
/// `(subscribe_atom, token, subscriber)` answers with the subscription
/// actor instead: killing that one ends the subscription too.
[[nodiscard]] progress_subscription_ref
subscribe_progress(const caf::actor& client, progress_token token,
                   const caf::actor& subscriber);

/// Ends the subscription of `subscriber` to `token`.
void unsubscribe_progress(const caf::actor& client, progress_token token,
                          const caf::actor& subscriber);

/// Sends `notifications/progress` from the client to its server, for a
/// server-initiated request that carried `token`.
void send_progress(const caf::actor& client, progress_token token,
                   double progress, std::optional<double> total = std::nullopt,
                   std::optional<std::string> message = std::nullopt);

/// Cancels the request sent with `request_options::cancel_key == key`.
void cancel_request(const caf::actor& client, std::string key);

/// Cancels the request that carries progress token `token`.
void cancel_request(const caf::actor& client, progress_token token);

/// Cancels every request of `client`, in flight or waiting.
void cancel_all_requests(const caf::actor& client);

} // namespace mcp
