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

/// Subscribes `subscriber` to progress for `token`: it receives
/// `progress_update`s in order and one final `progress_done`.
void subscribe_progress(const caf::actor& client, progress_token token,
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
