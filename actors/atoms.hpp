#pragma once

#include <caf/atom.hpp>

namespace mcp {

/// `(subscribe_atom, progress_token, actor)`: subscribe an actor to progress;
/// `(subscribe_atom, std::string method, actor)`: to server notifications.
using subscribe_atom = caf::atom_constant<caf::atom("mcp_sub")>;

/// `(unsubscribe_atom, progress_token, actor)` or
/// `(unsubscribe_atom, std::string method, actor)`: end a subscription.
using unsubscribe_atom = caf::atom_constant<caf::atom("mcp_unsub")>;

/// `(attach_atom, progress_token, subscription)`: add a ready-made
/// progress subscription actor (e.g., one running a callback).
using attach_atom = caf::atom_constant<caf::atom("mcp_attach")>;

/// `(unregister_atom, progress_token)`: end every subscription of a token.
using unregister_atom = caf::atom_constant<caf::atom("mcp_unreg")>;

/// `(cancel_atom, std::string key)` or `(cancel_atom, progress_token)`:
/// cancel one request.
using cancel_atom = caf::atom_constant<caf::atom("mcp_cancel")>;

/// `(cancel_all_atom)`: cancel every request in flight or waiting.
using cancel_all_atom = caf::atom_constant<caf::atom("mcp_cancl*")>;

/// `(send_progress_atom, progress_update)`: send progress to the server.
using send_progress_atom = caf::atom_constant<caf::atom("mcp_sprog")>;

/// `(all_pages_atom, client_request)`: run a paginated list request and
/// follow `nextCursor` until the last page; answers with one result object
/// holding all items.
using all_pages_atom = caf::atom_constant<caf::atom("mcp_pages")>;

/// `(server_info_atom)`: ask a client for its `server_info`.
using server_info_atom = caf::atom_constant<caf::atom("mcp_sinfo")>;

/// `(client_stats_atom)`: ask a client for its `client_stats`.
using client_stats_atom = caf::atom_constant<caf::atom("mcp_cstats")>;

/// `(transport_atom, actor)`: give a client a new transport.
using transport_atom = caf::atom_constant<caf::atom("mcp_trans")>;

/// `(give_up_atom, std::string why)`: the supervisor stops restarting.
using give_up_atom = caf::atom_constant<caf::atom("mcp_giveup")>;

/// `(supervisor_atom, actor)`: tells a client its session supervisor, which
/// it keeps alive.
using supervisor_atom = caf::atom_constant<caf::atom("mcp_super")>;

/// `(restart_atom)`: a supervisor's backoff timer.
using restart_atom = caf::atom_constant<caf::atom("mcp_restrt")>;

/// `(timeout_atom)`: a client's request timer.
using timeout_atom = caf::atom_constant<caf::atom("mcp_tmo")>;

/// `(shutdown_atom)`: close the session cleanly, then quit.
using shutdown_atom = caf::atom_constant<caf::atom("mcp_shut")>;

// -- servers ------------------------------------------------------------------

/// `(open_session_atom, std::shared_ptr<transports::channel>)`: ask a server
/// for a new session on a channel; answered with the session actor.
using open_session_atom = caf::atom_constant<caf::atom("mcp_osess")>;

/// `(add_atom, tool | resource | resource_template | prompt)`: add to (or
/// replace in) a server's catalog.
using add_atom = caf::atom_constant<caf::atom("mcp_add")>;

/// `(remove_atom, kind, std::string key)`: remove from a server's catalog;
/// `kind` is one of `tool_kind`, `resource_kind`, `template_kind`,
/// `prompt_kind`.
using remove_atom = caf::atom_constant<caf::atom("mcp_remove")>;

/// Catalog kinds of `remove_atom`.
using tool_kind = caf::atom_constant<caf::atom("tool")>;
using resource_kind = caf::atom_constant<caf::atom("resource")>;
using template_kind = caf::atom_constant<caf::atom("template")>;
using prompt_kind = caf::atom_constant<caf::atom("prompt")>;

/// `(resource_updated_atom, std::string uri)`: tell the sessions subscribed
/// to `uri` that it changed.
using resource_updated_atom = caf::atom_constant<caf::atom("mcp_resupd")>;

/// `(log_atom, log_record)`: a log message for every session (each sends it
/// if its level allows).
using log_atom = caf::atom_constant<caf::atom("mcp_log")>;

/// `(catalog_atom, ...)`: a server hands its sessions a changed catalog.
using catalog_atom = caf::atom_constant<caf::atom("mcp_catlg")>;

/// `(client_call_atom, outgoing_request)`: a request's handler asks its
/// session to send a request to the client; answered with the result.
using client_call_atom = caf::atom_constant<caf::atom("mcp_ccall")>;

/// `(run_atom, job)`: a session hands a request to an idle request actor.
using run_atom = caf::atom_constant<caf::atom("mcp_run")>;

/// `(request_done_atom, request_id)`: a request actor finished a request and
/// is idle again.
using request_done_atom = caf::atom_constant<caf::atom("mcp_rqdone")>;

/// `(answer_atom, request_id, json)`: a request actor hands its response to
/// the session instead of sending it (requests of a JSON-RPC batch).
using answer_atom = caf::atom_constant<caf::atom("mcp_answer")>;

/// `(tool_progress_atom, key, progress, total, message)`: a tool handler
/// actor reports progress of call `key`.
using tool_progress_atom = caf::atom_constant<caf::atom("mcp_tprog")>;

/// `(tool_log_atom, key, level, data, logger)`: a tool handler actor logs
/// for call `key`.
using tool_log_atom = caf::atom_constant<caf::atom("mcp_tlog")>;

/// `(join_atom, tool_handler_actor)`: a worker joins a tool worker pool.
using join_atom = caf::atom_constant<caf::atom("mcp_join")>;

/// `(pool_expire_atom, key)`: a pool's own timer for a call that waits for a
/// free worker.
using pool_expire_atom = caf::atom_constant<caf::atom("mcp_pexp")>;

/// `(pool_stats_atom)`: ask a tool worker pool for its counters.
using pool_stats_atom = caf::atom_constant<caf::atom("mcp_pstats")>;

/// `(server_stats_atom)`: ask a server or session for its counters.
using server_stats_atom = caf::atom_constant<caf::atom("mcp_sstats")>;

} // namespace mcp
