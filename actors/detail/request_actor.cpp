#include "actors/detail/request_actor.hpp"

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
#include "transports/json_inspect.hpp"
#include "protocol/jsonrpc.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;

/// Returns the `InputRequiredResult` of a stateless request whose handler
/// asked for input it lacks (`ok`), or an internal error when its state
/// grew past the server's bound.
json::value input_required(request_job& job, bool& ok) {
  auto& link = *job.link;
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  auto state = protocol::make_request_state(*link.sealer, job.input->used,
                                            job.digest,
                                            now + link.request_state_ttl.count());
  if (state.size() > link.max_request_state)
    return protocol::make_error(
      job.ctx.id(), protocol::error_code::internal_error,
      "Internal error: the answers of earlier rounds exceed the server's "
      "bound on requestState ("
        + std::to_string(link.max_request_state) + " bytes)");
  auto res = protocol::make_input_required_result(std::move(job.input->pending),
                                                  std::move(state));
  protocol::complete_result(res, *job.stateless, *link.hints);
  ok = true;
  return res;
}

/// Runs the handler; returns the result (`ok`) or the error response, or
/// null if the request was cancelled before it ran.
json::value compute(request_job& job, bool& ok) {
  ok = false;
  if (!job.state->is_running())
    return nullptr;
  auto& id = job.ctx.id();
  try {
    auto res = job.work(job.ctx);
    if (job.input && !job.input->pending.empty())
      return input_required(job, ok);
    if (!res)
      return job.stateless ? stateless_error_response(id, res.error())
                           : error_response(id, res.error());
    if (auto where = protocol::find_non_finite(*res))
      return protocol::make_error(
        id, protocol::error_code::internal_error,
        "Internal error: the result holds a number JSON cannot represent "
        "(infinity or NaN) at " + (where->empty() ? "/" : *where),
        json::object{{"path", *where}});
    ok = true;
    if (job.stateless && res->is_object())
      protocol::complete_result(res->get_object(), *job.stateless,
                                *job.link->hints);
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
  auto route = transports::output_route::response_to(
    id, job.state->progress_sent());
  if (!ok) {
    job.link->out->send(payload, route);
    return;
  }
  // Results are the hot path: written without building the envelope.
  thread_local std::string text;
  text.clear();
  protocol::append_result_text(text, id, payload);
  job.link->out->send_text(text, route);
  if (text.capacity() > (1u << 20))
    std::string{}.swap(text);
}

caf::behavior request_actor(caf::event_based_actor* self) {
  return {
    [self](run_atom, std::shared_ptr<request_job>& job) {
      bool ok = false;
      auto response = compute(*job, ok);
      if (!response.is_null())
        deliver(self, *job, std::move(response), ok);
      if (auto session = caf::actor_cast<caf::actor>(job->link->session))
        self->send(session, request_done_atom::value, job->ctx.id());
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
                         std::shared_ptr<request_job> job, execution exec,
                         caf::execution_unit* pool) {
  // Immediate requests run on the session's own thread right after it (no
  // other thread wakes); pooled ones on the server's handler pool, never on
  // the scheduler the sessions need. A dedicated actor's thread picks up
  // the message wherever it comes from.
  auto host = exec == execution::immediate ? session->context() : pool;
  caf::actor_cast<caf::abstract_actor*>(worker)->enqueue(
    caf::make_mailbox_element(session->ctrl(), caf::make_message_id(), {},
                              run_atom::value, std::move(job)),
    host);
}

json::value stateless_error_response(const protocol::request_id& id,
                                     const caf::error& err) {
  auto res = error_response(id, err);
  auto& error = res.at("error").as_object();
  if (error.at("code")
      == static_cast<int64_t>(protocol::error_code::resource_not_found))
    error["code"] = static_cast<int64_t>(protocol::error_code::invalid_params);
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
