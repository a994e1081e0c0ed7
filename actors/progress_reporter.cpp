#include "actors/progress_reporter.hpp"

#include <cmath>

#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include "actors/detail/request_state.hpp"
#include "actors/detail/session_link.hpp"
#include "actors/error.hpp"
#include "protocol/json_number.hpp"
#include "protocol/json_text.hpp"
#include "protocol/methods.hpp"

namespace mcp {

progress_reporter::progress_reporter(
  std::shared_ptr<detail::session_link> link,
  std::shared_ptr<detail::request_state> state, protocol::request_id id,
  std::optional<protocol::progress_token> token, bool with_message)
  : link_(std::move(link)),
    state_(std::move(state)),
    id_(std::move(id)),
    with_message_(with_message) {
  if (token) {
    prefix_ = R"({"jsonrpc":"2.0","method":")";
    prefix_ += protocol::methods::progress;
    prefix_ += R"(","params":{"progressToken":)";
    prefix_ += token->to_json_text();
    prefix_ += R"(,"progress":)";
  }
}

bool progress_reporter::active() const noexcept {
  return !prefix_.empty() && state_ && state_->is_running();
}

caf::error progress_reporter::report(double progress,
                                     std::optional<double> total,
                                     std::string_view message) const {
  if (!std::isfinite(progress) || (total && !std::isfinite(*total)))
    return make_error(errc::invalid_argument,
                      "progress and total must be finite numbers");
  if (!state_)
    return caf::none;
  double last = 0;
  if (!state_->advance_progress(progress, last))
    return make_error(errc::invalid_argument,
                      "progress must increase: "
                        + protocol::format_number(progress)
                        + " is not more than the previous "
                        + protocol::format_number(last));
  if (prefix_.empty())
    return caf::none;
  thread_local std::string text;
  text = prefix_;
  text += protocol::format_number(progress);
  if (total) {
    text += R"(,"total":)";
    text += protocol::format_number(*total);
  }
  if (!message.empty() && with_message_) {
    text += R"(,"message":)";
    protocol::append_json(text, boost::json::string{message});
  }
  text += "}}";
  // A burst goes at the reader's pace (where the channel can tell).
  link_->out->await_writable();
  // Sent while the request runs, and never after its response.
  state_->while_running([&] {
    link_->out->post_text(text, transports::output_route::of(id_));
  });
  return caf::none;
}

} // namespace mcp
