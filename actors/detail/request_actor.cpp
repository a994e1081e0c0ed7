#include "actors/detail/request_actor.hpp"

#include <algorithm>
#include <exception>
#include <limits>

#include <boost/json/parse.hpp>

#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/request_state.hpp"
#include "actors/detail/session_link.hpp"
#include "actors/error.hpp"
#include "protocol/json_inspect.hpp"
#include "protocol/jsonrpc.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;

using settle_atom = caf::atom_constant<caf::atom("mcp_settle")>;

/// Runs the handler; returns the result (`ok`) or the error response, or
/// null if the request was cancelled before it ran.
json::value compute(request_job& job, bool& ok) {
  ok = false;
  if (!job.state->is_running())
    return nullptr;
  auto& id = job.ctx.id();
  try {
    auto res = job.work(job.ctx);
    if (!res)
      return error_response(id, res.error());
    ok = true;
    return std::move(*res);
  } catch (const std::exception& e) {
    return protocol::make_error(id, protocol::error_code::internal_error,
                                std::string{"handler failed: "} + e.what());
  } catch (...) {
    return protocol::make_error(id, protocol::error_code::internal_error,
                                "handler failed with an unknown exception");
  }
}

/// Sends the response (the result if `ok`, else the error response) unless
/// the request was cancelled meanwhile: then no response may go out, as the
/// spec asks.
void deliver(caf::event_based_actor* self, request_job& job,
             json::value payload, bool ok) {
  if (!job.state->try_answer())
    return;
  ++(ok ? job.link->results : job.link->errors);
  auto& id = job.ctx.id();
  if (job.answer_to_session) {
    if (auto session = caf::actor_cast<caf::actor>(job.link->session))
      self->send(session, answer_atom::value, id,
                 ok ? protocol::make_result(id, std::move(payload))
                    : std::move(payload));
    return;
  }
  if (!ok) {
    job.link->out->send(payload);
    return;
  }
  // Results are the hot path: written without building the envelope.
  thread_local std::string text;
  text.clear();
  protocol::append_result_text(text, id, payload);
  text += '\n';
  job.link->out->send_line(text);
  if (text.capacity() > (1u << 20))
    std::string{}.swap(text);
}

/// What a request actor works on.
struct request_actor_state {
  /// The request being run, null while idle.
  std::shared_ptr<request_job> job;
  /// The response waiting for the client to read the progress before it.
  json::value response;
  bool ok = false;
  /// When the response goes out anyway, unless the client reads on.
  caf::actor_clock::time_point deadline;
  /// What the client had not read at the last look.
  size_t unread = 0;
  caf::timespan pause{};

  static inline const char* name = "mcp_request";
};

using request_actor_type = caf::stateful_actor<request_actor_state>;

/// Sends the held response and tells the session the actor is idle again.
void complete(request_actor_type* self) {
  auto& st = self->state;
  auto job = std::move(st.job);
  st.job = nullptr;
  if (!st.response.is_null())
    deliver(self, *job, std::move(st.response), st.ok);
  st.response = nullptr;
  if (auto session = caf::actor_cast<caf::actor>(job->link->session))
    self->send(session, request_done_atom::value, job->ctx.id());
}

/// Returns whether the held response should wait longer for the client to
/// read the progress sent before it: while unread output remains and the
/// client either keeps reading or has not been idle for the settle limit.
bool keep_settling(request_actor_type* self) {
  auto& st = self->state;
  auto& link = *st.job->link;
  auto unread = link.out->unread_output();
  if (unread == 0)
    return false;
  auto now = self->clock().now();
  if (unread < st.unread)
    st.deadline = now + link.progress_settle_limit;
  st.unread = unread;
  return now < st.deadline;
}

caf::behavior request_actor(request_actor_type* self) {
  return {
    [self](run_atom, std::shared_ptr<request_job>& job) {
      auto& st = self->state;
      st.job = std::move(job);
      auto& link = *st.job->link;
      st.response = compute(*st.job, st.ok);
      if (!st.response.is_null()
          && link.progress_settle_limit > caf::timespan{0}
          && st.job->state->progress_sent()) {
        st.deadline = self->clock().now() + link.progress_settle_limit;
        st.unread = std::numeric_limits<size_t>::max();
        if (keep_settling(self)) {
          st.pause = std::chrono::microseconds(50);
          self->delayed_send(self, st.pause, settle_atom::value);
          return;
        }
      }
      complete(self);
    },
    [self](settle_atom) {
      auto& st = self->state;
      if (!st.job)
        return;
      if (keep_settling(self)) {
        st.pause = std::min<caf::timespan>(st.pause * 2,
                                           std::chrono::milliseconds(2));
        self->delayed_send(self, st.pause, settle_atom::value);
        return;
      }
      complete(self);
    },
  };
}

} // namespace

caf::actor spawn_request_actor(caf::event_based_actor* session,
                               bool dedicated) {
  if (dedicated)
    return session->spawn<caf::detached + caf::linked>(request_actor);
  return session->spawn<caf::lazy_init + caf::linked>(request_actor);
}

void start_request_actor(caf::event_based_actor* session,
                         const caf::actor& worker,
                         std::shared_ptr<request_job> job, execution exec) {
  // Immediate requests run on the session's own thread right after it (no
  // other thread wakes); pooled ones go to the scheduler. A dedicated
  // actor's thread picks up the message wherever it comes from.
  auto host = exec == execution::immediate ? session->context() : nullptr;
  caf::actor_cast<caf::abstract_actor*>(worker)->enqueue(
    caf::make_mailbox_element(session->ctrl(), caf::make_message_id(), {},
                              run_atom::value, std::move(job)),
    host);
}

json::value error_response(const protocol::request_id& id,
                           const caf::error& err) {
  if (auto code = server_error_code(err)) {
    auto& ctx = err.context();
    json::value data;
    auto& data_text = ctx.get_as<std::string>(2);
    if (!data_text.empty()) {
      boost::system::error_code ec;
      data = json::parse(data_text, ec);
      if (ec)
        data = json::string{data_text};
    }
    return protocol::make_error(id, *code, ctx.get_as<std::string>(1),
                                std::move(data));
  }
  return protocol::make_error(id, protocol::error_code::internal_error,
                              describe(err));
}

} // namespace mcp::detail
