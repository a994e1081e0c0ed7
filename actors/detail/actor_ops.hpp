#pragma once

// Sending and requesting on behalf of any scheduled actor, so that the state
// of an actor that runs either as a broker or as an event-based actor can
// hold its logic in plain member functions.

#include <utility>

#include <caf/abstract_actor.hpp>
#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/behavior.hpp>
#include <caf/duration.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message_id.hpp>
#include <caf/scheduled_actor.hpp>

namespace mcp::detail {

/// Monitors `whom` for as long as `self` lives. CAF 0.17 keeps a monitor on
/// the monitored actor after the observer ended, and with it the observer's
/// memory, until the monitored actor ends: a long-lived actor (a server, a
/// subscriber) monitored by many short-lived ones would grow without bound.
/// So `self` drops the monitor when it ends.
template <class Self, class Handle>
void monitor_while_alive(Self* self, const Handle& whom) {
  self->monitor(whom);
  self->attach_functor(
    [self, addr = caf::actor_cast<caf::actor_addr>(whom)] {
      self->demonitor(addr);
    });
}

/// Sends `xs...` from `self` to `dest` (nothing when `dest` is invalid).
template <class... Ts>
void send_from(caf::scheduled_actor* self, const caf::actor& dest,
               Ts&&... xs) {
  if (dest)
    caf::actor_cast<caf::abstract_actor*>(dest)->eq_impl(
      caf::make_message_id(), self->ctrl(), self->context(),
      std::forward<Ts>(xs)...);
}

/// Sends `xs...` from `self` to `dest` as a request and runs `handlers` with
/// the response (or an error: `dest` is gone, or `timeout` passed), as
/// `request(dest, timeout, xs...).then(...)` does.
template <class... Ts>
void request_from(caf::scheduled_actor* self, const caf::actor& dest,
                  const caf::duration& timeout, caf::behavior handlers, Ts&&... xs) {
  auto id = self->new_request_id(caf::message_priority::normal);
  if (dest) {
    dest->enqueue(caf::make_mailbox_element(self->ctrl(), id, {},
                                            std::forward<Ts>(xs)...),
                  self->context());
    self->request_response_timeout(timeout, id);
  } else {
    self->eq_impl(id.response_id(), self->ctrl(), self->context(),
                  caf::make_error(caf::sec::invalid_argument));
  }
  self->add_multiplexed_response_handler(id.response_id(),
                                         std::move(handlers));
}

} // namespace mcp::detail
