#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/error.hpp>

#include "protocol/json_key.hpp"

namespace mcp {

namespace detail {

class request_state;
struct session_link;

} // namespace detail

/// Reports progress for one client request from anywhere: the handler's
/// thread, another actor it delegates to, a worker thread. Copies share the
/// request, so progress keeps increasing across all of them, and reports
/// stop once the request ended (answered, cancelled, abandoned): no progress
/// ever follows the response. Made by `request_context::progress()`.
class progress_reporter {
public:
  // -- constructors -----------------------------------------------------------

  /// A reporter of nothing (reports succeed and send nothing).
  progress_reporter() = default;

  /// Reports for request `id` (whose state is `state`) in the session of
  /// `link`; `with_message` says whether the request's revision has a
  /// `message` in progress notifications.
  progress_reporter(std::shared_ptr<detail::session_link> link,
                    std::shared_ptr<detail::request_state> state,
                    protocol::request_id id,
                    std::optional<protocol::progress_token> token,
                    bool with_message);

  // -- properties -------------------------------------------------------------

  /// Returns whether reports are sent: the client gave a progress token and
  /// the request still runs.
  bool active() const noexcept;

  // -- reporting --------------------------------------------------------------

  /// Sends `notifications/progress` when active (does nothing otherwise).
  /// `progress` must be larger than the value reported before: a value that
  /// does not increase (or is not finite) is refused with
  /// `errc::invalid_argument` and not sent.
  caf::error report(double progress, std::optional<double> total = std::nullopt,
                    std::string_view message = {}) const;

private:
  std::shared_ptr<detail::session_link> link_;
  std::shared_ptr<detail::request_state> state_;
  /// The request the progress belongs to (its stream, over HTTP).
  protocol::request_id id_;
  /// The notification's text up to the progress value, empty without a
  /// token: progress goes out without building a JSON document.
  std::string prefix_;
  /// Whether a `message` is sent.
  bool with_message_ = false;
};

} // namespace mcp

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcp::progress_reporter)
