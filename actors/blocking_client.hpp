#pragma once

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/messages.hpp"
#include "actors/progress_subscription.hpp"

namespace mcp {

/// A blocking facade over a client actor for plain (non-actor) code, in the
/// manner of Hermes MCP's function API. Each call waits for its answer, which
/// the client always gives (result, server error, timeout, cancellation or
/// session end); if the client actor is killed, calls fail with
/// `errc::session_closed`. Not thread-safe: use one facade per thread.
class blocking_client {
public:
  // -- constructors -----------------------------------------------------------

  /// Wraps `client`, a handle from `spawn_client` or `spawn_stdio_client`.
  blocking_client(caf::actor_system& sys, caf::actor client);

  // -- properties -------------------------------------------------------------

  /// Returns the client actor.
  const caf::actor& handle() const noexcept {
    return client_;
  }

  /// Waits for the handshake and returns what the server declared.
  caf::expected<server_info> info();

  /// Returns the client's counters.
  caf::expected<client_stats> stats();

  // -- requests ---------------------------------------------------------------

  /// Sends any request and waits for its result.
  caf::expected<boost::json::value> request(client_request req);

  /// Runs a paginated list request across all pages.
  caf::expected<boost::json::value> request_all_pages(client_request req);

  /// `ping`.
  caf::expected<boost::json::value> ping(request_options opts = {});

  /// `tools/list` (one page).
  caf::expected<boost::json::value> list_tools(std::string cursor = {},
                                               request_options opts = {});

  /// `tools/list`, all pages.
  caf::expected<boost::json::value> list_all_tools(request_options opts = {});

  /// `tools/call`.
  caf::expected<boost::json::value>
  call_tool(std::string name, boost::json::value arguments = {},
            request_options opts = {});

  /// `tools/call` with progress: `on_progress` runs in a subscription actor
  /// for each update for `token` until the call completes. When this
  /// returns, every callback for progress received before the result ran.
  caf::expected<boost::json::value>
  call_tool(std::string name, boost::json::value arguments,
            progress_token token, progress_callback on_progress,
            request_options opts = {});

  /// `resources/list` (one page).
  caf::expected<boost::json::value> list_resources(std::string cursor = {},
                                                   request_options opts = {});

  /// `resources/list`, all pages.
  caf::expected<boost::json::value>
  list_all_resources(request_options opts = {});

  /// `resources/templates/list` (one page).
  caf::expected<boost::json::value>
  list_resource_templates(std::string cursor = {}, request_options opts = {});

  /// `resources/read`.
  caf::expected<boost::json::value> read_resource(std::string uri,
                                                  request_options opts = {});

  /// `resources/subscribe`.
  caf::expected<boost::json::value>
  subscribe_resource(std::string uri, request_options opts = {});

  /// `resources/unsubscribe`.
  caf::expected<boost::json::value>
  unsubscribe_resource(std::string uri, request_options opts = {});

  /// `prompts/list` (one page).
  caf::expected<boost::json::value> list_prompts(std::string cursor = {},
                                                 request_options opts = {});

  /// `prompts/list`, all pages.
  caf::expected<boost::json::value> list_all_prompts(request_options opts = {});

  /// `prompts/get`.
  caf::expected<boost::json::value> get_prompt(std::string name,
                                               boost::json::object arguments
                                               = {},
                                               request_options opts = {});

  /// `completion/complete`.
  caf::expected<boost::json::value>
  complete(boost::json::object ref, std::string argument, std::string value,
           boost::json::object context_arguments = {},
           request_options opts = {});

  /// `logging/setLevel`.
  caf::expected<boost::json::value>
  set_logging_level(std::string level, request_options opts = {});

  // -- progress ---------------------------------------------------------------

  /// Runs `fn` for each progress update for `token`.
  void register_progress_callback(progress_token token, progress_callback fn);

  /// Ends every subscription of `token`.
  void unregister_progress_callback(progress_token token);

  // -- lifetime ---------------------------------------------------------------

  /// Closes the session: pending calls fail, the server is closed cleanly.
  void shutdown();

  /// Shuts the client down and waits (at most `timeout`) until it ended;
  /// returns whether it did. Programs and tests that tear down their actor
  /// system right after should use this: no message then still travels to
  /// the client's actors while the system stops.
  bool stop(caf::timespan timeout = std::chrono::seconds(5));

private:
  template <class T>
  caf::expected<T> ask(caf::message msg);

  caf::expected<boost::json::value> wait_for(caf::message msg);

  caf::scoped_actor self_;
  caf::actor client_;
  caf::error gone_;
};

} // namespace mcp
