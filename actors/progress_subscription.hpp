#pragma once

#include <functional>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/messages.hpp"

namespace mcp {

/// Called with each progress update of a subscription, inside the
/// subscription's actor: never concurrently with itself.
using progress_callback = std::function<void(const progress_update&)>;

/// Called once when a callback subscription ends.
using progress_done_callback = std::function<void(const progress_done&)>;

/// Spawns the subscription actor that forwards each `progress_update` for
/// `token` to `subscriber`, then one `progress_done`, and quits. Besides
/// single updates it takes a `std::vector<progress_update>` (all updates of
/// one read), which it forwards one by one. It monitors
/// `subscriber` and quits when it goes down.
///
/// A subscriber slower than the server costs bounded memory: every 512th
/// update goes as a request (a handler that returns nothing answers it);
/// with 8 of them unanswered (4,096 updates unprocessed), updates wait in
/// the subscription, and past 16,384 waiting the newest replaces the last
/// waiting one. The subscriber always gets the newest progress, then
/// `progress_done`, whose `skipped` counts the replaced updates (0 for a
/// subscriber that keeps up). A subscriber that leaves updates in its
/// mailbox (e.g. a blocking actor waiting for something else) falls behind
/// in this sense.
caf::actor spawn_progress_subscription(caf::actor_system& sys,
                                       progress_token token,
                                       caf::actor subscriber);

/// Spawns the subscription actor that runs `on_progress` for each update for
/// `token` and `on_done` (if set) once at the end, then quits.
caf::actor spawn_progress_callback(caf::actor_system& sys, progress_token token,
                                   progress_callback on_progress,
                                   progress_done_callback on_done = {});

} // namespace mcp
