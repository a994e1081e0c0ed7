#include "actors/detail/session_state.hpp"

namespace mcp::detail::session_impl {

// -- utilities ----------------------------------------------------------------

/// Copies `x` into the default memory resource. Parsed messages live in
/// their read's arena, which only the input thread may allocate from: what
/// handlers get, and what the session keeps, is copied out first.
json::value own(const json::value& x) {
  return json::value(x, json::storage_ptr{});
}

json::object own(const json::object& x) {
  return json::object(x, json::storage_ptr{});
}

// -- output -------------------------------------------------------------------

/// Prints a line about bad input to stderr: cut short, at most
/// `max_log_lines` a second, and only when stderr takes it at once, so that
/// a client can neither flood the log nor stall the session by not reading
/// the server's stderr.
void log_bad_input(session_actor* self, std::string_view what) {
  auto& st = self->state;
  if (!st.settings->options.log_bad_input)
    return;
  auto now = self->clock().now();
  if (now - st.log_window >= std::chrono::seconds(1)) {
    st.log_window = now;
    st.log_lines = 0;
  }
  if (++st.log_lines > max_log_lines)
    return;
  pollfd fd{STDERR_FILENO, POLLOUT, 0};
  if (::poll(&fd, 1, 0) != 1 || (fd.revents & POLLOUT) == 0)
    return;
  std::string line = "[caf-mcp server] ";
  line.append(what.substr(0, max_log_line));
  if (what.size() > max_log_line)
    line += "...";
  line += '\n';
  auto n = ::write(STDERR_FILENO, line.data(), line.size());
  static_cast<void>(n);
}

/// Counts one member of `batch` off, with its response unless null; sends
/// the responses once no member is open (a batch that asked nothing gets no
/// answer).
void count_off(session_actor* self, batch_state& batch, json::value response) {
  if (!response.is_null())
    batch.responses.push_back(std::move(response));
  if (--batch.outstanding != 0 || batch.responses.empty())
    return;
  auto route = batch.anchor
                 ? transports::output_route::response_to(*batch.anchor)
                 : transports::output_route{};
  self->state.link->out->send(json::value(std::move(batch.responses)), route);
}

/// Takes the batch of request `id` out of the bookkeeping (null if none).
batch_ptr take_batch(session_state& st, const request_id& id) {
  auto b = st.batched.find(id);
  if (b == st.batched.end())
    return nullptr;
  auto res = std::move(b->second);
  st.batched.erase(b);
  return res;
}

/// Sends a response of the session itself (not of a request actor).
void respond(session_actor* self, const std::shared_ptr<batch_state>& batch,
             const request_id* id, json::value msg, bool ok) {
  auto& st = self->state;
  ++(ok ? st.stats.results : st.stats.errors);
  if (batch)
    count_off(self, *batch, std::move(msg));
  else if (id != nullptr)
    st.link->out->send(msg, transports::output_route::response_to(*id));
  else
    st.link->out->send(msg);
}

void reply(session_actor* self, const std::shared_ptr<batch_state>& batch,
           const request_id& id, json::value result) {
  auto& st = self->state;
  if (stateless(st) && result.is_object())
    protocol::complete_result(result.get_object(), *st.current_row,
                              *st.link->hints);
  respond(self, batch, &id, protocol::make_result(id, std::move(result)),
          true);
}

void reply_error(session_actor* self, const std::shared_ptr<batch_state>& batch,
                 const std::optional<request_id>& id, error_code code,
                 std::string_view message, json::value data) {
  respond(self, batch, id ? &*id : nullptr,
          protocol::make_error(id, code, message, std::move(data)), false);
}

/// Answers `id` with the spec's error for a missing resource (-32002, or
/// -32602 from 2026-07-28 on).
void reply_not_found(session_actor* self,
                     const std::shared_ptr<batch_state>& batch,
                     const request_id& id, const std::string& uri) {
  auto err = make_resource_not_found(uri);
  respond(self, batch, &id,
          stateless(self->state) ? stateless_error_response(id, err)
                                 : error_response(id, err),
          false);
}

void notify(session_actor* self, std::string_view method, json::value params) {
  self->state.link->out->send(
    protocol::make_notification(method, std::move(params)));
}

} // namespace mcp::detail::session_impl
