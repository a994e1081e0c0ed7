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

caf::expected<caf::actor> spawn_client_for_url(caf::actor_system& sys,
                                               std::string url,
                                               client_config cfg,
                                               restart_policy policy) {
  transports::http_transport_config transport;
  transport.url = std::move(url);
  transport.mode = transports::http_mode::detect;
  return spawn_http_client(sys, std::move(transport), std::move(cfg), policy);
}

} // namespace mcp
