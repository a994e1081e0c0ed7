#include "actors/detail/request_actor.hpp"

#include <exception>

#include <boost/json/parse.hpp>

#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/request_state.hpp"
#include "actors/detail/session_link.hpp"
#include "actors/error.hpp"
#include "transports/json_inspect.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/random.hpp"

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

/// Makes the response payload of a handler's `res`: the result (`ok`) or
/// the error response.
json::value conclude(request_job& job, caf::expected<json::value> res,
                     bool& ok) {
  ok = false;
  auto& id = job.ctx.id();
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
}

/// Runs the handler's `work`: its result or error (a thrown exception
/// becomes an internal error).
caf::expected<json::value> run_work(request_job& job) {
  try {
    return job.work(job.ctx);
  } catch (const std::exception& e) {
    return make_server_error(
      static_cast<int64_t>(protocol::error_code::internal_error),
      std::string{"handler failed: "} + e.what());
  } catch (...) {
    return make_server_error(
      static_cast<int64_t>(protocol::error_code::internal_error),
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

struct request_actor_state {
  /// The request a handler actor works on, and the key of its call.
  std::shared_ptr<request_job> waiting;
  std::string key;
  static inline const char* name = "mcp.request";
};

using request_actor_ptr = caf::stateful_actor<request_actor_state>*;

/// Sends the response of `job` (unless it was cancelled) and tells the
/// session that this actor is free again.
void finish(caf::event_based_actor* self, request_job& job,
            caf::expected<json::value> res) {
  bool ok = false;
  auto response = conclude(job, std::move(res), ok);
  if (!response.is_null())
    deliver(self, job, std::move(response), ok);
  if (auto session = caf::actor_cast<caf::actor>(job.link->session))
    self->send(session, request_done_atom::value, job.ctx.id());
}

/// Hands the call of `job` to its handler actor; the answer finishes it.
void start_call(request_actor_ptr self, std::shared_ptr<request_job> job) {
  auto& work = *job->by_actor;
  auto& st = self->state;
  st.waiting = job;
  st.key = "call-" + protocol::random_hex(16);
  work.call.key = st.key;
  work.call.context = caf::actor_cast<tool_context_actor>(self);
  auto done = [self, job](caf::expected<json::value> answer) {
    auto& st = self->state;
    if (st.waiting != job)
      return;
    st.waiting.reset();
    st.key.clear();
    if (!job->state->is_running()) {
      finish(self, *job, nullptr);
      return;
    }
    finish(self, *job, job->by_actor->finish(job->ctx, std::move(answer)));
  };
  self->request(work.handler, caf::infinite, std::move(work.call))
    .then([done](json::value& res) mutable { done(std::move(res)); },
          [done](caf::error& err) mutable { done(std::move(err)); });
}

/// Returns the job waiting for call `key`, or null.
request_job* waiting_for(request_actor_ptr self, const std::string& key) {
  auto& st = self->state;
  return st.waiting && st.key == key ? st.waiting.get() : nullptr;
}

caf::behavior request_actor(request_actor_ptr self) {
  // Ended with the session: a handler actor still working is told to stop.
  self->set_exit_handler([self](caf::exit_msg& em) {
    auto& st = self->state;
    if (st.waiting)
      self->send(st.waiting->by_actor->handler, cancel_atom::value, st.key);
    self->quit(em.reason);
  });
  return {
    [self](run_atom, std::shared_ptr<request_job>& job) {
      if (!job->state->is_running()) {
        finish(self, *job, nullptr);
        return;
      }
      auto res = run_work(*job);
      if (job->by_actor && res && res->is_null()) {
        start_call(self, std::move(job));
        return;
      }
      finish(self, *job, std::move(res));
    },
    [self](cancel_atom, protocol::request_id& id) {
      auto& st = self->state;
      if (!st.waiting || st.waiting->ctx.id() != id)
        return;
      self->send(st.waiting->by_actor->handler, cancel_atom::value, st.key);
      auto job = std::move(st.waiting);
      st.key.clear();
      finish(self, *job, nullptr);
    },
    [self](tool_progress_atom, std::string& key, double progress,
           caf::optional<double> total, std::string& message) {
      if (auto job = waiting_for(self, key))
        job->ctx.report_progress(progress,
                                 total ? std::optional<double>{*total}
                                       : std::nullopt,
                                 message);
    },
    [self](tool_log_atom, std::string& key, uint8_t level, json::value& data,
           std::string& logger) {
      auto job = waiting_for(self, key);
      if (job && level <= static_cast<uint8_t>(protocol::log_level::emergency))
        job->ctx.log(static_cast<protocol::log_level>(level), std::move(data),
                     logger);
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
