#include "actors/progress.hpp"

#include <cstdio>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "protocol/random.hpp"

namespace mcp {

progress_token make_progress_token() {
  return progress_token{"pt-" + protocol::random_hex(16)};
}

caf::actor register_progress_callback(const caf::actor& client,
                                      progress_token token,
                                      progress_callback fn,
                                      progress_done_callback on_done) {
  auto sub = spawn_progress_callback(client->home_system(), token,
                                     std::move(fn), std::move(on_done));
  caf::anon_send(client, attach_atom::value, std::move(token), sub);
  return sub;
}

void unregister_progress_callback(const caf::actor& client,
                                  progress_token token) {
  caf::anon_send(client, unregister_atom::value, std::move(token));
}

progress_subscription_ref::progress_subscription_ref(caf::actor client,
                                                     progress_token token,
                                                     caf::actor subscriber)
  : client_(std::move(client)),
    token_(std::move(token)),
    subscriber_(std::move(subscriber)) {
  // nop
}

progress_subscription_ref&
progress_subscription_ref::operator=(progress_subscription_ref&& other) noexcept {
  if (this != &other) {
    reset();
    client_ = std::move(other.client_);
    token_ = std::move(other.token_);
    subscriber_ = std::move(other.subscriber_);
  }
  return *this;
}

progress_subscription_ref::~progress_subscription_ref() {
  reset();
}

void progress_subscription_ref::reset() {
  if (!client_)
    return;
  caf::anon_send(client_, unsubscribe_atom::value, token_, subscriber_);
  release();
}

void progress_subscription_ref::release() noexcept {
  client_ = nullptr;
  subscriber_ = nullptr;
}

progress_subscription_ref subscribe_progress(const caf::actor& client,
                                             progress_token token,
                                             const caf::actor& subscriber) {
  caf::anon_send(client, subscribe_atom::value, token, subscriber);
  return {client, std::move(token), subscriber};
}

void unsubscribe_progress(const caf::actor& client, progress_token token,
                          const caf::actor& subscriber) {
  caf::anon_send(client, unsubscribe_atom::value, std::move(token),
                 subscriber);
}

void send_progress(const caf::actor& client, progress_token token,
                   double progress, std::optional<double> total,
                   std::optional<std::string> message) {
  progress_update x;
  x.token = std::move(token);
  x.progress = progress;
  if (total)
    x.total = *total;
  if (message)
    x.message = std::move(*message);
  caf::anon_send(client, send_progress_atom::value, std::move(x));
}

void cancel_request(const caf::actor& client, std::string key) {
  caf::anon_send(client, cancel_atom::value, std::move(key));
}

void cancel_request(const caf::actor& client, progress_token token) {
  caf::anon_send(client, cancel_atom::value, std::move(token));
}

void cancel_all_requests(const caf::actor& client) {
  caf::anon_send(client, cancel_all_atom::value);
}

} // namespace mcp
