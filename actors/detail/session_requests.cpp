#include "actors/detail/session_state.hpp"

namespace mcp::detail::session_impl {

// -- request lifetime ---------------------------------------------------------


/// How many idle request actors with threads of their own a session keeps
/// (scheduled ones: as many as requests may run at once).
constexpr size_t max_idle_threads = 8;

void start_request(session_actor* self, const request_id& id, execution exec,
                   std::shared_ptr<request_job> job) {
  auto& st = self->state;
  auto dedicated = exec == execution::dedicated;
  auto& pool = dedicated ? st.idle_threads : st.idle_workers;
  caf::actor worker;
  if (pool.empty()) {
    worker = spawn_request_actor(self, dedicated);
  } else {
    worker = std::move(pool.back());
    pool.pop_back();
  }
  auto state = job->state;
  start_request_actor(self, worker, std::move(job), exec,
                      st.settings->handlers.get());
  st.running.emplace(id, running_request{std::move(worker), dedicated,
                                         std::move(state), {}});
}

/// Runs `work` for request `id` in a request actor of its own (or queues it
/// while the session runs as many as it may).
void run_request(session_actor* self, const std::shared_ptr<batch_state>& batch,
                 const request_id& id, std::string_view method,
                 const json::value* params, execution exec, request_work work,
                 std::shared_ptr<actor_work> by_actor) {
  auto& st = self->state;
  auto& opts = st.settings->options;
  if (st.running.size() >= opts.max_concurrent_requests
      && st.waiting.size() >= opts.max_waiting_requests) {
    reply_error(self, batch, id, error_code::internal_error,
                "server busy: " + std::to_string(st.waiting.size())
                  + " requests wait already (limit "
                  + std::to_string(opts.max_waiting_requests) + ")");
    return;
  }
  json::object meta;
  if (params != nullptr && params->is_object())
    if (auto m = params->get_object().if_contains("_meta"); m && m->is_object())
      meta = own(m->get_object());
  std::shared_ptr<input_round> input;
  std::string digest;
  if (stateless(st) && st.current_row->may_need_input && params != nullptr
      && params->is_object()) {
    auto& obj = params->get_object();
    digest = protocol::request_digest(method, obj);
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    auto answers = protocol::read_input_answers(obj, *st.link->sealer, digest,
                                                now);
    if (!answers) {
      auto err = answers.error();
      reply_error(self, batch, id, err.code, err.message, std::move(err.data));
      return;
    }
    input = std::make_shared<input_round>();
    input->answers = own(answers->answers);
  }
  auto state = std::make_shared<request_state>();
  auto job = std::make_shared<request_job>(request_job{
    request_context{st.link,
                    stateless(st) ? st.current_client : st.link->client, id,
                    std::string{method}, std::move(meta), exec, state, input},
    state, st.link, std::move(work), stateless(st) ? st.current_row : nullptr,
    input, std::move(digest), batch != nullptr, std::move(by_actor)});
  if (batch)
    st.batched.emplace(id, batch);
  if (st.running.size() >= opts.max_concurrent_requests) {
    st.waiting_ids.insert(id);
    st.waiting.push_back(waiting_request{id, exec, std::move(job)});
    return;
  }
  start_request(self, id, exec, std::move(job));
}

/// Answers request `id` with an internal error in its handler's stead (the
/// handler stops; what it returns later is dropped).
void abandon(session_actor* self, const request_id& id, request_state& state,
             const std::string& why) {
  if (!state.abandon())
    return;
  reply_error(self, take_batch(self->state, id), id,
              error_code::internal_error, why);
}

/// Counts request `id` off its batch without a response (it was cancelled
/// or died unanswered); sends the batch if it was the last one open.
void count_off_batch(session_actor* self, const request_id& id) {
  if (auto batch = take_batch(self->state, id))
    count_off(self, *batch, nullptr);
}

/// Forgets request `id` (answered, cancelled, or its actor died); starts
/// waiting requests in its place.
void end_request(session_actor* self, const request_id& id) {
  auto& st = self->state;
  if (auto r = st.running.find(id); r != st.running.end()) {
    end_calls(self, r->second.calls,
              make_error(errc::cancelled, "the request ended"), true);
    st.running.erase(r);
  }
  count_off_batch(self, id);
  while (!st.waiting.empty()
         && st.running.size() < st.settings->options.max_concurrent_requests) {
    auto w = std::move(st.waiting.front());
    st.waiting.pop_front();
    st.waiting_ids.erase(w.id);
    start_request(self, w.id, w.exec, std::move(w.job));
  }
  if (st.stage == phase::draining && st.running.empty() && st.waiting.empty())
    finish(self);
}

/// A request actor finished request `id` and is idle again.
void on_request_done(session_actor* self, const request_id& id) {
  auto& st = self->state;
  auto r = st.running.find(id);
  if (r == st.running.end())
    return;
  auto& pool = r->second.dedicated ? st.idle_threads : st.idle_workers;
  auto limit = r->second.dedicated
                 ? max_idle_threads
                 : st.settings->options.max_concurrent_requests;
  if (pool.size() < limit && st.stage != phase::closed) {
    pool.push_back(r->second.worker);
  } else {
    self->unlink_from(r->second.worker);
    self->send_exit(r->second.worker, caf::exit_reason::user_shutdown);
  }
  end_request(self, id);
}

/// Handles the end of actor `who` if it is one of the request actors (killed,
/// or its thread ended), idle or busy; returns whether it was.
bool on_request_actor_exit(session_actor* self, const caf::actor_addr& who) {
  auto& st = self->state;
  auto is_who = [&](const caf::actor& x) { return x.address() == who; };
  for (auto pool : {&st.idle_workers, &st.idle_threads})
    if (auto i = std::find_if(pool->begin(), pool->end(), is_who);
        i != pool->end()) {
      pool->erase(i);
      return true;
    }
  auto r = std::find_if(st.running.begin(), st.running.end(),
                        [&](auto& kvp) { return is_who(kvp.second.worker); });
  if (r == st.running.end())
    return false;
  auto id = r->first;
  abandon(self, id, *r->second.state,
          "the request's actor ended before the request did");
  end_request(self, id);
  return true;
}

bool in_use(session_state& st, const request_id& id) {
  return st.running.count(id) > 0 || st.waiting_ids.count(id) > 0
         || st.listens.count(id) > 0;
}

void cancel_request(session_actor* self, const request_id& id,
                    const std::string& reason) {
  auto& st = self->state;
  // A listen stream ends without a response when its client cancels it.
  if (st.listens.erase(id) > 0)
    return;
  if (auto r = st.running.find(id); r != st.running.end()) {
    if (!r->second.state->cancel())
      return;
    ++st.stats.cancelled;
    // A request actor waiting for a handler actor stops waiting (and tells
    // the handler); one that runs a function ignores this.
    self->send(r->second.worker, cancel_atom::value, id);
    end_calls(self, r->second.calls, make_error(errc::cancelled, reason),
              true);
    return;
  }
  if (st.waiting_ids.count(id) == 0)
    return;
  for (auto i = st.waiting.begin(); i != st.waiting.end(); ++i)
    if (i->id == id) {
      i->job->state->cancel();
      st.waiting.erase(i);
      st.waiting_ids.erase(id);
      ++st.stats.cancelled;
      count_off_batch(self, id);
      return;
    }
}

/// Ends the session: cancels what still runs, closes the connection, quits.
void finish(session_actor* self, caf::error reason) {
  auto& st = self->state;
  if (st.stage == phase::closed)
    return;
  st.stage = phase::closed;
  end_listens(self);
  end_all_calls(self, make_error(errc::session_closed, "the session ended"));
  // Every request still open gets its one response: an error.
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  st.waiting_ids.clear();
  for (auto& w : waiting)
    abandon(self, w.id, *w.job->state,
            "the session ended before the request ran");
  for (auto& kvp : st.running) {
    abandon(self, kvp.first, *kvp.second.state,
            "the session ended before the request did");
    self->send_exit(kvp.second.worker, caf::exit_reason::user_shutdown);
  }
  st.running.clear();
  for (auto pool : {&st.idle_workers, &st.idle_threads}) {
    for (auto& worker : *pool)
      self->send_exit(worker, caf::exit_reason::user_shutdown);
    pool->clear();
  }
  st.link->out->close();
  self->quit(std::move(reason));
}

void on_input_closed(session_actor* self, const std::string& why) {
  auto& st = self->state;
  if (st.stage == phase::closed || st.stage == phase::draining)
    return;
  st.stage = phase::draining;
  end_all_calls(self, make_error(errc::session_closed,
                                 "the client went away: " + why));
  // What runs or waits still runs and answers (a client may close its end
  // right after its last request), within the drain timeout.
  if (st.running.empty() && st.waiting.empty()) {
    finish(self);
    return;
  }
  self->delayed_send(self, st.settings->options.drain_timeout,
                     drain_atom::value);
}

} // namespace mcp::detail::session_impl
