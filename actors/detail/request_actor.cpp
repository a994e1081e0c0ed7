#include "actors/detail/request_actor.hpp"

#include <algorithm>
#include <exception>

#include <boost/json/parse.hpp>

#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/send.hpp>

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

/// Runs the handler; returns the response, or null if the request was
/// cancelled before it ran.
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
    return protocol::make_result(id, std::move(*res));
  } catch (const std::exception& e) {
    return protocol::make_error(id, protocol::error_code::internal_error,
                                std::string{"handler failed: "} + e.what());
  } catch (...) {
    return protocol::make_error(id, protocol::error_code::internal_error,
                                "handler failed with an unknown exception");
  }
}

/// Sends the response unless the request was cancelled meanwhile (then no
/// response may go out, as the spec asks).
void deliver(caf::event_based_actor* self, request_job& job,
             json::value response, bool ok) {
  if (!job.state->try_answer())
    return;
  ++(ok ? job.link->results : job.link->errors);
  if (job.answer_to_session) {
    if (auto session = caf::actor_cast<caf::actor>(job.link->session))
      self->send(session, answer_atom::value, job.ctx.id(),
                 std::move(response));
    return;
  }
  job.link->out->send(response);
}

/// A response waiting for the client to read the progress before it.
struct held_response {
  json::value response;
  bool ok = false;
  caf::actor_clock::time_point deadline;
  caf::timespan pause{};
};

caf::behavior request_actor(caf::event_based_actor* self,
                            std::shared_ptr<request_job> job) {
  auto held = std::make_shared<held_response>();
  return {
    [self, job, held](run_atom) {
      auto& link = *job->link;
      held->response = compute(*job, held->ok);
      if (held->response.is_null()) {
        self->quit();
        return;
      }
      auto limit = link.progress_settle_limit;
      if (limit > caf::timespan{0} && job->state->progress_sent()
          && !link.out->peer_caught_up()) {
        held->deadline = self->clock().now() + limit;
        held->pause = std::chrono::microseconds(50);
        self->delayed_send(self, held->pause, settle_atom::value);
        return;
      }
      deliver(self, *job, std::move(held->response), held->ok);
      self->quit();
    },
    [self, job, held](settle_atom) {
      if (!job->link->out->peer_caught_up()
          && self->clock().now() < held->deadline) {
        held->pause = std::min<caf::timespan>(held->pause * 2,
                                              std::chrono::milliseconds(2));
        self->delayed_send(self, held->pause, settle_atom::value);
        return;
      }
      deliver(self, *job, std::move(held->response), held->ok);
      self->quit();
    },
  };
}

} // namespace

caf::actor spawn_request_actor(caf::event_based_actor* session,
                               std::shared_ptr<request_job> job,
                               execution exec) {
  if (exec == execution::dedicated) {
    auto res = session->spawn<caf::detached + caf::linked>(request_actor,
                                                          std::move(job));
    session->send(res, run_atom::value);
    return res;
  }
  auto res = session->spawn<caf::lazy_init + caf::linked>(request_actor,
                                                         std::move(job));
  // Immediate requests run on the session's own thread right after it (no
  // other thread wakes); pooled ones go to the scheduler.
  auto host = exec == execution::immediate ? session->context() : nullptr;
  caf::actor_cast<caf::abstract_actor*>(res)->enqueue(
    caf::make_mailbox_element(session->ctrl(), caf::make_message_id(), {},
                              run_atom::value),
    host);
  return res;
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
