#include "actors/tool_worker.hpp"

#include <cmath>
#include <thread>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/detail/actor_ops.hpp"
#include "actors/error.hpp"
#include "protocol/version.hpp"

namespace mcp {

namespace json = boost::json;

// -- tool_call_context --------------------------------------------------------

tool_call_context::tool_call_context(
  caf::scheduled_actor* self, const tool_call& call,
  std::shared_ptr<std::atomic<bool>> cancelled)
  : self_(self), call_(call), cancelled_(std::move(cancelled)) {
  // nop
}

caf::error tool_call_context::report_progress(double progress,
                                              std::optional<double> total,
                                              std::string_view message) {
  if (!std::isfinite(progress) || (last_ && progress <= *last_))
    return make_error(errc::invalid_argument,
                      "progress must be finite and increase");
  last_ = progress;
  if (!call_.wants_progress || cancelled())
    return {};
  caf::optional<double> t;
  if (total)
    t = *total;
  detail::send_from(self_, caf::actor_cast<caf::actor>(call_.context),
                    tool_progress_atom::value, call_.key, progress, t,
                    std::string{message});
  return {};
}

void tool_call_context::log(protocol::log_level level, json::value data,
                            std::string_view logger) {
  if (cancelled())
    return;
  detail::send_from(self_, caf::actor_cast<caf::actor>(call_.context),
                    tool_log_atom::value, call_.key,
                    static_cast<uint8_t>(level), std::move(data),
                    std::string{logger});
}

bool tool_call_context::sleep_for(caf::timespan duration) {
  auto until = std::chrono::steady_clock::now() + duration;
  while (!cancelled()) {
    auto left = until - std::chrono::steady_clock::now();
    if (left <= caf::timespan{0})
      return true;
    std::this_thread::sleep_for(
      std::min<caf::timespan>(left, std::chrono::milliseconds(5)));
  }
  return false;
}

// -- spawn_tool_actor ---------------------------------------------------------

namespace {

using flag_ptr = std::shared_ptr<std::atomic<bool>>;

using runner_actor
  = caf::typed_actor<caf::replies_to<tool_call>::with<json::value>>;

/// Runs one call on its thread, answers, quits.
runner_actor::behavior_type call_runner(runner_actor::pointer self,
                                        tool_function fn, flag_ptr cancelled) {
  return {
    [self, fn, cancelled](tool_call& call) -> caf::expected<json::value> {
      tool_call_context ctx{self, call, cancelled};
      static const json::object no_arguments;
      auto& args = call.arguments.is_object() ? call.arguments.get_object()
                                              : no_arguments;
      caf::expected<protocol::tool_result> res = caf::error{};
      try {
        res = fn(ctx, args);
      } catch (const std::exception& e) {
        res = protocol::tool_result::error(std::string{"tool "} + call.name
                                           + " failed: " + e.what());
      }
      self->quit();
      if (!res)
        return std::move(res.error());
      return json::value(std::move(*res).to_json(call.protocol_version));
    },
  };
}

struct dispatcher_state {
  tool_function fn;
  /// The cancellation flags of the calls running, by key, and the key of
  /// each runner.
  std::unordered_map<std::string, flag_ptr> flags;
  std::unordered_map<caf::actor_addr, std::string> keys;
  static inline const char* name = "mcp.tool_actor";
};

tool_handler_actor::behavior_type
dispatcher(tool_handler_actor::stateful_pointer<dispatcher_state> self,
           tool_function fn) {
  self->state.fn = std::move(fn);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (auto i = st.keys.find(dm.source); i != st.keys.end()) {
      st.flags.erase(i->second);
      st.keys.erase(i);
    }
  });
  return {
    [self](tool_call& call) -> caf::delegated<json::value> {
      auto& st = self->state;
      auto flag = std::make_shared<std::atomic<bool>>(false);
      auto runner = self->spawn<caf::detached + caf::monitored>(call_runner,
                                                                st.fn, flag);
      st.flags.emplace(call.key, flag);
      st.keys.emplace(runner.address(), call.key);
      return self->delegate(runner, std::move(call));
    },
    [self](cancel_atom, std::string& key) {
      if (auto i = self->state.flags.find(key); i != self->state.flags.end())
        i->second->store(true);
    },
  };
}

} // namespace

tool_handler_actor spawn_tool_actor(caf::actor_system& sys, tool_function fn) {
  return sys.spawn(dispatcher, std::move(fn));
}

} // namespace mcp
