#include "actors/server.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/detail/catalog.hpp"
#include "actors/detail/server_session.hpp"
#include "actors/error.hpp"
#include "actors/server_messages.hpp"
#include "protocol/json_text.hpp"

namespace mcp {

namespace {

struct server_state {
  std::shared_ptr<const detail::server_settings> settings;
  std::shared_ptr<const detail::catalog> snapshot;
  std::vector<caf::actor> sessions;
  uint64_t sessions_opened = 0;

  static inline const char* name = "mcp_server";
};

using server_actor = caf::stateful_actor<server_state>;

void broadcast(server_actor* self, const caf::message& msg) {
  for (auto& session : self->state.sessions)
    self->send(session, msg);
}

/// Applies a change to a copy of the catalog and hands the copy to every
/// session.
template <class Change>
caf::result<void> change(server_actor* self, uint8_t kinds, Change f) {
  auto& st = self->state;
  auto next = std::make_shared<detail::catalog>(*st.snapshot);
  auto outcome = f(*next);
  if (outcome.first) {
    std::fprintf(stderr, "[caf-mcp server] refused a change: %s\n",
                 describe(outcome.first).c_str());
    return std::move(outcome.first);
  }
  if (!outcome.second)
    return caf::unit;
  st.snapshot = std::move(next);
  broadcast(self, caf::make_message(catalog_atom::value, st.snapshot, kinds));
  return caf::unit;
}

template <class T>
caf::result<void> add(server_actor* self, uint8_t kinds, T& x) {
  return change(self, kinds, [&](detail::catalog& cat) {
    return std::make_pair(cat.add(std::move(x)), true);
  });
}

template <class Registry>
caf::result<void> remove(server_actor* self, uint8_t kinds,
                         Registry detail::catalog::*registry,
                         const std::string& key) {
  return change(self, kinds, [&](detail::catalog& cat) {
    return std::make_pair(caf::error{}, (cat.*registry).erase(key));
  });
}

caf::behavior server(server_actor* self,
                     std::shared_ptr<const detail::server_settings> settings,
                     std::shared_ptr<const detail::catalog> snapshot) {
  self->state.settings = std::move(settings);
  self->state.snapshot = std::move(snapshot);
  // Sessions are monitored, not linked: a session that dies (even killed)
  // takes nothing else down; each session monitors the server in turn and
  // ends with it.
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& sessions = self->state.sessions;
    sessions.erase(std::remove_if(sessions.begin(), sessions.end(),
                                  [&](const caf::actor& x) {
                                    return x.address() == dm.source;
                                  }),
                   sessions.end());
  });
  return {
    [self](open_session_atom, std::shared_ptr<transports::channel>& out) {
      auto& st = self->state;
      auto session = detail::spawn_server_session(self, st.settings,
                                                  st.snapshot, std::move(out));
      self->monitor(session);
      st.sessions.push_back(session);
      ++st.sessions_opened;
      return session;
    },
    [self](add_atom, tool& x) { return add(self, detail::tools_list, x); },
    [self](add_atom, resource& x) {
      return add(self, detail::resources_list, x);
    },
    [self](add_atom, resource_template& x) {
      return add(self, detail::resources_list, x);
    },
    [self](add_atom, prompt& x) { return add(self, detail::prompts_list, x); },
    [self](remove_atom, tool_kind, const std::string& key) {
      return remove(self, detail::tools_list, &detail::catalog::tools, key);
    },
    [self](remove_atom, resource_kind, const std::string& key) {
      return remove(self, detail::resources_list, &detail::catalog::resources,
                    key);
    },
    [self](remove_atom, template_kind, const std::string& key) {
      return remove(self, detail::resources_list, &detail::catalog::templates,
                    key);
    },
    [self](remove_atom, prompt_kind, const std::string& key) {
      return remove(self, detail::prompts_list, &detail::catalog::prompts, key);
    },
    [self](resource_updated_atom, std::string& uri) {
      broadcast(self, caf::make_message(resource_updated_atom::value,
                                        std::move(uri)));
    },
    [self](log_atom, log_record& x) {
      broadcast(self, caf::make_message(log_atom::value, std::move(x)));
    },
    [self](server_stats_atom) {
      auto& st = self->state;
      server_stats res;
      res.sessions = st.sessions.size();
      res.sessions_opened = st.sessions_opened;
      res.tools = st.snapshot->tools.size();
      res.resources = st.snapshot->resources.size();
      res.resource_templates = st.snapshot->templates.size();
      res.prompts = st.snapshot->prompts.size();
      return res;
    },
  };
}

} // namespace

caf::expected<caf::actor> spawn_server(caf::actor_system& sys,
                                       server_definition def) {
  auto snapshot = detail::make_catalog(def);
  if (!snapshot)
    return std::move(snapshot.error());
  auto settings = std::make_shared<detail::server_settings>();
  settings->info = std::move(def.info);
  settings->instructions = std::move(def.instructions);
  settings->options = def.options;
  settings->experimental = std::move(def.experimental);
  auto hints = std::make_shared<protocol::result_hints>();
  hints->server_info = settings->info.to_json(protocol::revision::latest().name());
  hints->ttl_ms = def.options.cache_ttl.count();
  hints->public_scope = !def.options.private_cache;
  settings->hints = std::move(hints);
  settings->sealer = std::make_shared<protocol::state_sealer>(
    def.options.request_state_key.empty()
      ? protocol::state_sealer::random()
      : protocol::state_sealer{def.options.request_state_key});
  // Under CAF's deterministic test scheduler, handlers stay on it.
  auto testing = caf::get_or(sys.config(), "scheduler.policy",
                             caf::atom("stealing"))
                 == caf::atom("testing");
  auto threads = def.options.handler_threads;
  if (threads == 0)
    threads = std::max<size_t>(2, std::thread::hardware_concurrency());
  if (!testing)
    settings->handlers = std::make_shared<detail::handler_pool>(sys, threads);
  return sys.spawn(server,
                   std::shared_ptr<const detail::server_settings>{
                     std::move(settings)},
                   std::move(*snapshot));
}

void add_tool(const caf::actor& server, tool x) {
  caf::anon_send(server, add_atom::value, std::move(x));
}

void remove_tool(const caf::actor& server, std::string name) {
  caf::anon_send(server, remove_atom::value, tool_kind::value, std::move(name));
}

void add_resource(const caf::actor& server, resource x) {
  caf::anon_send(server, add_atom::value, std::move(x));
}

void remove_resource(const caf::actor& server, std::string uri) {
  caf::anon_send(server, remove_atom::value, resource_kind::value,
                 std::move(uri));
}

void add_resource_template(const caf::actor& server, resource_template x) {
  caf::anon_send(server, add_atom::value, std::move(x));
}

void remove_resource_template(const caf::actor& server,
                              std::string uri_template) {
  caf::anon_send(server, remove_atom::value, template_kind::value,
                 std::move(uri_template));
}

void add_prompt(const caf::actor& server, prompt x) {
  caf::anon_send(server, add_atom::value, std::move(x));
}

void remove_prompt(const caf::actor& server, std::string name) {
  caf::anon_send(server, remove_atom::value, prompt_kind::value,
                 std::move(name));
}

void notify_resource_updated(const caf::actor& server, std::string uri) {
  caf::anon_send(server, resource_updated_atom::value, std::move(uri));
}

void send_log(const caf::actor& server, protocol::log_level level,
              boost::json::value data, std::string logger) {
  if (protocol::find_non_finite(data))
    return;
  log_record x{static_cast<uint8_t>(level), std::move(data), std::move(logger)};
  caf::anon_send(server, log_atom::value, std::move(x));
}

} // namespace mcp
