#include "actors/request_handler.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>

#include <exception>
#include <string>

namespace mcp {

namespace {

caf::behavior request_handler(caf::event_based_actor*,
                              request_handler_function fn) {
  return {
    [fn](const server_request& x) -> caf::expected<boost::json::value> {
      try {
        return fn(x);
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::runtime_error,
                               std::string{"handler threw: "} + e.what());
      }
    },
  };
}

} // namespace

caf::actor spawn_request_handler(caf::actor_system& sys,
                                 request_handler_function fn) {
  return sys.spawn<caf::detached>(request_handler, std::move(fn));
}

} // namespace mcp
