#include "actors/system_config.hpp"

// Apart from system_config.cpp, so that programs that only name caf-mcp's
// message types (servers) do not pull in the I/O middleman.

#include "actors/error.hpp"
#include "actors/messages.hpp"
#include "actors/server_messages.hpp"
#include "actors/tool_actor.hpp"
#include "actors/tool_worker.hpp"
#include "transports/messages.hpp"

namespace mcp {

void init_message_types(caf::actor_system_config& cfg) {
  // add_message_type<T> also names std::vector<T>.
  cfg.add_error_category(errc_category(), render_error);
  cfg.add_message_type<boost::json::value>("boost::json::value");
  cfg.add_message_type<progress_token>("mcp::progress_token");
  cfg.add_message_type<progress_update>("mcp::progress_update");
  cfg.add_message_type<progress_done>("mcp::progress_done");
  cfg.add_message_type<request_options>("mcp::request_options");
  cfg.add_message_type<client_request>("mcp::client_request");
  cfg.add_message_type<client_notification>("mcp::client_notification");
  cfg.add_message_type<server_notification>("mcp::server_notification");
  cfg.add_message_type<server_request>("mcp::server_request");
  cfg.add_message_type<server_info>("mcp::server_info");
  cfg.add_message_type<client_stats>("mcp::client_stats");
  cfg.add_message_type<log_record>("mcp::log_record");
  cfg.add_message_type<outgoing_request>("mcp::outgoing_request");
  cfg.add_message_type<session_stats>("mcp::session_stats");
  cfg.add_message_type<server_stats>("mcp::server_stats");
  cfg.add_message_type<tool_call>("mcp::tool_call");
  cfg.add_message_type<tool_pool_stats>("mcp::tool_pool_stats");
  // Elements of messages between nodes: a worker joining a pool, the total
  // of a tool handler actor's progress.
  cfg.add_message_type<tool_handler_actor>("mcp::tool_handler_actor");
  cfg.add_message_type<caf::optional<double>>("mcp::optional_double");
  cfg.add_message_type<transports::transport_fault>("mcp::transport_fault");
  cfg.add_message_type<transports::transport_closed>("mcp::transport_closed");
  cfg.add_message_type<transports::transport_stats>("mcp::transport_stats");
}

} // namespace mcp
