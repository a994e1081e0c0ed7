#include "actors/progress_subscription.hpp"

#include "actors/detail/actor_ops.hpp"
#include "actors/detail/progress_window.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace mcp {

namespace {

struct subscription_state {
  progress_callback on_progress;
  progress_done_callback on_done;

  static inline const char* name = "mcp_progress_subscription";
};

using subscription_actor = caf::stateful_actor<subscription_state>;

struct forwarding_state {
  caf::actor subscriber;
  detail::progress_window window;

  static inline const char* name = "mcp_progress_subscription";
};

using forwarding_actor = caf::stateful_actor<forwarding_state>;

void forward(forwarding_actor* self, progress_update&& x);

void acknowledged(forwarding_actor* self) {
  for (auto& x : self->state.window.acknowledge())
    forward(self, std::move(x));
}

void forward(forwarding_actor* self, progress_update&& x) {
  auto& st = self->state;
  switch (st.window.next(1)) {
    case detail::progress_window::route::send:
      self->send(st.subscriber, std::move(x));
      break;
    case detail::progress_window::route::mark:
      self->request(st.subscriber, caf::infinite, std::move(x))
        .then([self] { acknowledged(self); },
              [self](caf::error&) { acknowledged(self); });
      break;
    case detail::progress_window::route::hold:
      st.window.hold(std::move(x));
  }
}

caf::behavior forwarding_subscription(forwarding_actor* self, progress_token,
                                      caf::actor subscriber) {
  self->state.subscriber = subscriber;
  detail::monitor_while_alive(self, subscriber);
  self->set_down_handler([self](caf::down_msg&) { self->quit(); });
  return {
    [self](progress_update& x) { forward(self, std::move(x)); },
    [self](std::vector<progress_update>& xs) {
      for (auto& x : xs)
        forward(self, std::move(x));
    },
    [self](progress_done& x) {
      auto& st = self->state;
      for (auto& y : st.window.take_backlog())
        self->send(st.subscriber, std::move(y));
      x.skipped += st.window.skipped();
      self->send(st.subscriber, std::move(x));
      self->quit();
    },
  };
}

caf::behavior callback_subscription(subscription_actor* self, progress_token,
                                    progress_callback on_progress,
                                    progress_done_callback on_done) {
  self->state.on_progress = std::move(on_progress);
  self->state.on_done = std::move(on_done);
  return {
    [self](const progress_update& x) {
      if (self->state.on_progress)
        self->state.on_progress(x);
    },
    [self](const std::vector<progress_update>& xs) {
      if (self->state.on_progress)
        for (auto& x : xs)
          self->state.on_progress(x);
    },
    [self](const progress_done& x) {
      if (self->state.on_done)
        self->state.on_done(x);
      self->quit();
    },
  };
}

} // namespace

caf::actor spawn_progress_subscription(caf::actor_system& sys,
                                       progress_token token,
                                       caf::actor subscriber) {
  return sys.spawn(forwarding_subscription, std::move(token),
                   std::move(subscriber));
}

caf::actor spawn_progress_callback(caf::actor_system& sys, progress_token token,
                                   progress_callback on_progress,
                                   progress_done_callback on_done) {
  return sys.spawn(callback_subscription, std::move(token),
                   std::move(on_progress), std::move(on_done));
}

} // namespace mcp

namespace mcp {

const char* to_string(progress_outcome x) noexcept {
  switch (x) {
    case progress_outcome::completed:
      return "completed";
    case progress_outcome::failed:
      return "failed";
    case progress_outcome::cancelled:
      return "cancelled";
    case progress_outcome::timed_out:
      return "timed_out";
    case progress_outcome::unsubscribed:
      return "unsubscribed";
    case progress_outcome::disconnected:
      return "disconnected";
  }
  return "unknown";
}

} // namespace mcp
