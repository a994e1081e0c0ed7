#include "actors/http_client.hpp"

namespace mcp {

caf::expected<caf::actor>
spawn_http_client(caf::actor_system& sys,
                  transports::http_transport_config transport,
                  client_config cfg, restart_policy policy) {
  auto factory = [&sys, transport](caf::actor owner) {
    return transports::spawn_http_transport(sys, transport, std::move(owner));
  };
  return spawn_client(sys, std::move(factory), std::move(cfg), policy);
}

} // namespace mcp
