#include "actors/detail/http_route.hpp"

#include <cctype>
#include <variant>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include "protocol/header_value.hpp"
#include "protocol/json_text.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/methods.hpp"
#include "protocol/stateless.hpp"
#include "protocol/version.hpp"
#include "transports/http_gate.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;
using protocol::error_code;

http_route text_response(unsigned status, std::string text) {
  http_route res;
  res.status = status;
  res.headers.emplace_back("Content-Type", "text/plain");
  res.body = std::move(text);
  return res;
}

http_route with_session(http_action action, std::string_view id) {
  http_route res;
  res.action = action;
  res.session_id = id;
  return res;
}

/// Refuses a `MCP-Protocol-Version` header naming a revision this server
/// does not speak.
std::optional<http_route> check_version(const http_route_request& req) {
  auto v = req.header("MCP-Protocol-Version");
  if (v.empty() || protocol::is_supported_protocol_version(v))
    return std::nullopt;
  return http_error(400, error_code::invalid_request,
                    "Bad Request: unsupported MCP-Protocol-Version: "
                      + std::string{v});
}

/// Returns the revision of the session the request names, or the route that
/// refuses it: 400 without a session id, 404 for one that is not open.
std::variant<std::string, http_route>
check_session(const http_route_request& req,
              const http_session_lookup& sessions) {
  auto id = req.header("Mcp-Session-Id");
  if (id.empty())
    return http_error(400, error_code::invalid_request,
                      "Bad Request: Mcp-Session-Id header is required");
  auto version = sessions(id);
  if (!version)
    return http_error(404, error_code::invalid_request, "Session not found");
  return std::move(*version);
}

http_route route_batch(const http_route_request& req,
                       const http_session_lookup& sessions,
                       json::value msg) {
  auto id = req.header("Mcp-Session-Id");
  if (id.empty())
    return http_error(400, error_code::invalid_request,
                      "Bad Request: a batch needs a session (initialize "
                      "comes alone)");
  auto found = check_session(req, sessions);
  if (auto refused = std::get_if<http_route>(&found))
    return std::move(*refused);
  auto& version = std::get<std::string>(found);
  if (!protocol::allows_batches(version))
    return http_error(400, error_code::invalid_request,
                      "Invalid Request: JSON-RPC batches are not accepted in "
                      "protocol revision " + version);
  auto& items = msg.as_array();
  if (items.empty())
    return http_error(400, error_code::invalid_request,
                      "Invalid Request: empty batch");
  std::vector<protocol::request_id> ids;
  for (auto& item : items) {
    auto in = protocol::classify(item);
    if (in.kind != protocol::message_kind::request)
      continue;
    if (in.method == protocol::methods::initialize)
      return http_error(400, error_code::invalid_request,
                        "Invalid Request: initialize must not be part of a "
                        "batch");
    ids.push_back(*in.id);
  }
  auto res = with_session(ids.empty() ? http_action::deliver_accepted
                                      : http_action::deliver_requests,
                          id);
  res.ids = std::move(ids);
  res.message = std::move(msg);
  return res;
}

/// Whether a revision without sessions serves `req` (whose body is `msg`,
/// null if unreadable): its `MCP-Protocol-Version` header names one, or its
/// body carries a revision in `_meta` and names no session.
bool is_stateless(const http_route_request& req, const json::value* msg) {
  auto header = req.header("MCP-Protocol-Version");
  if (auto r = protocol::revision::parse(header))
    return !r->has_sessions();
  if (msg == nullptr || !msg->is_object()
      || !req.header("Mcp-Session-Id").empty())
    return false;
  auto params = msg->get_object().if_contains("params");
  return protocol::request_protocol_version(params).has_value();
}

http_route header_mismatch(std::string message, const json::value& id) {
  return http_error(400, error_code::header_mismatch,
                    "Header mismatch: " + message, id);
}

/// Checks a stateless request's headers against its body, in the order the
/// specification's errors rank: the revision header, the required `_meta`,
/// the header's agreement with it, the revision itself, `Mcp-Method`, then
/// `Mcp-Name`.
http_route route_stateless(const http_route_request& req, json::value msg) {
  if (msg.is_array())
    return http_error(400, error_code::invalid_request,
                      "Invalid Request: JSON-RPC batches do not exist in "
                      "protocol revision 2026-07-28");
  auto in = protocol::classify(msg);
  if (in.kind == protocol::message_kind::invalid)
    return http_error(400, error_code::invalid_request,
                      "Invalid Request: " + std::string{in.problem});
  if (in.kind == protocol::message_kind::notification) {
    http_route res;
    res.status = 202;
    return res;
  }
  if (in.kind != protocol::message_kind::request)
    return http_error(400, error_code::invalid_request,
                      "Invalid Request: clients send no responses in "
                      "protocol revision 2026-07-28");
  auto id = in.id->to_json();
  auto header = req.header("MCP-Protocol-Version");
  if (header.empty())
    return header_mismatch("the MCP-Protocol-Version header is required", id);
  // With a revision in _meta, params and _meta are objects.
  auto meta = protocol::request_protocol_version(in.params);
  if (!meta || meta->empty()
      || !in.params->get_object()
            .at("_meta")
            .get_object()
            .contains(protocol::meta_keys::client_capabilities))
    return http_error(400, error_code::invalid_params,
                      "Invalid params: _meta needs "
                        + std::string{protocol::meta_keys::protocol_version}
                        + " and "
                        + std::string{protocol::meta_keys::client_capabilities},
                      id);
  if (header != *meta)
    return header_mismatch("MCP-Protocol-Version header value '"
                             + std::string{header}
                             + "' does not match body value '"
                             + std::string{*meta} + "'",
                           id);
  auto rev = protocol::revision::parse(header);
  if (!rev || rev->has_sessions())
    return http_error(400, error_code::unsupported_protocol_version,
                      "Unsupported protocol version", id,
                      protocol::unsupported_version_data(header));
  auto method = req.header("Mcp-Method");
  if (method != in.method)
    return header_mismatch(method.empty()
                             ? std::string{"the Mcp-Method header is required"}
                             : "Mcp-Method header value '" + std::string{method}
                                 + "' does not match body value '"
                                 + std::string{in.method} + "'",
                           id);
  auto row = protocol::find_method(in.method);
  if (row != nullptr && !row->name_param.empty()) {
    auto raw = req.header("Mcp-Name");
    auto value = in.params->get_object().if_contains(row->name_param);
    if (raw.empty())
      return header_mismatch("the Mcp-Name header is required for "
                               + std::string{in.method},
                             id);
    auto name = protocol::decode_header_value(raw);
    if (!name)
      return header_mismatch("the Mcp-Name header value is malformed", id);
    if (value != nullptr && value->is_string() && value->get_string() != *name)
      return header_mismatch("Mcp-Name header value '" + *name
                               + "' does not match body value '"
                               + std::string{value->get_string()} + "'",
                             id);
  }
  http_route res;
  if (row != nullptr && row->id == protocol::method_id::tools_call
      && req.headers_with_prefix) {
    constexpr std::string_view prefix = "Mcp-Param-";
    for (auto& [name, raw] : req.headers_with_prefix(prefix)) {
      auto value = protocol::decode_header_value(raw);
      if (!value)
        return header_mismatch("the " + std::string{name}
                                 + " header value is malformed",
                               id);
      std::string key;
      for (auto c : name.substr(prefix.size()))
        key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      res.mirrored.values.emplace_back(std::move(key), std::move(*value));
    }
  }
  res.action = http_action::deliver_stateless;
  res.ids.push_back(*in.id);
  res.message = std::move(msg);
  return res;
}

http_route route_post(const http_route_request& req,
                      const http_session_lookup& sessions) {
  if (transports::media_type_of(req.header("Content-Type"))
      != "application/json")
    return http_error(415, error_code::invalid_request,
                      "Unsupported Media Type: Content-Type must be "
                      "application/json");
  auto accept = req.header("Accept");
  if (!transports::accepts(accept, "application/json")
      || !transports::accepts(accept, "text/event-stream"))
    return http_error(406, error_code::invalid_request,
                      "Not Acceptable: the client must accept both "
                      "application/json and text/event-stream");
  boost::system::error_code ec;
  auto msg = json::parse(req.body, ec, {}, protocol::message_parse_options());
  if (is_stateless(req, ec ? nullptr : &msg)) {
    if (ec)
      return http_error(400, error_code::parse_error,
                        "Parse error: " + ec.message());
    return route_stateless(req, std::move(msg));
  }
  if (auto refused = check_version(req))
    return std::move(*refused);
  if (ec)
    return http_error(400, error_code::parse_error,
                      "Parse error: " + ec.message());
  if (msg.is_array())
    return route_batch(req, sessions, std::move(msg));
  auto in = protocol::classify(msg);
  if (in.kind == protocol::message_kind::invalid)
    return http_error(400, error_code::invalid_request,
                      "Invalid Request: " + std::string{in.problem});
  auto is_request = in.kind == protocol::message_kind::request;
  std::vector<protocol::request_id> ids;
  if (is_request)
    ids.push_back(*in.id);
  auto initialize = is_request && in.method == protocol::methods::initialize;
  auto id = req.header("Mcp-Session-Id");
  http_route res;
  if (id.empty() && initialize) {
    res.action = http_action::open_session;
  } else {
    auto found = check_session(req, sessions);
    if (auto refused = std::get_if<http_route>(&found))
      return std::move(*refused);
    res = with_session(is_request ? http_action::deliver_requests
                                  : http_action::deliver_accepted,
                       id);
  }
  res.ids = std::move(ids);
  res.initialize = initialize;
  res.message = std::move(msg);
  return res;
}

http_route route_get(const http_route_request& req,
                     const http_session_lookup& sessions) {
  if (!transports::accepts(req.header("Accept"), "text/event-stream"))
    return http_error(406, error_code::invalid_request,
                      "Not Acceptable: the client must accept "
                      "text/event-stream");
  if (auto refused = check_version(req))
    return std::move(*refused);
  auto found = check_session(req, sessions);
  if (auto refused = std::get_if<http_route>(&found))
    return std::move(*refused);
  auto id = req.header("Mcp-Session-Id");
  auto last = req.header("Last-Event-ID");
  if (last.empty())
    return with_session(http_action::open_get_stream, id);
  auto res = with_session(http_action::resume_stream, id);
  res.last_event_id = last;
  return res;
}

http_route route_delete(const http_route_request& req,
                        const http_session_lookup& sessions) {
  if (auto refused = check_version(req))
    return std::move(*refused);
  auto found = check_session(req, sessions);
  if (auto refused = std::get_if<http_route>(&found))
    return std::move(*refused);
  return with_session(http_action::delete_session,
                      req.header("Mcp-Session-Id"));
}

http_route route_legacy_get(const http_route_request& req) {
  if (!transports::accepts(req.header("Accept"), "text/event-stream"))
    return http_error(406, error_code::invalid_request,
                      "Not Acceptable: the client must accept "
                      "text/event-stream");
  http_route res;
  res.action = http_action::open_legacy_stream;
  return res;
}

http_route route_legacy_post(const http_route_request& req,
                             const http_session_lookup& sessions) {
  std::string id;
  if (auto url = boost::urls::parse_origin_form(req.target))
    if (auto i = url->params().find("sessionId"); i != url->params().end())
      id = (*i).value;
  if (id.empty() || !sessions(id))
    return text_response(404, "unknown session");
  if (transports::media_type_of(req.header("Content-Type"))
      != "application/json")
    return text_response(415, "Content-Type must be application/json");
  boost::system::error_code ec;
  auto msg = json::parse(req.body, ec, {}, protocol::message_parse_options());
  if (ec)
    return text_response(400, "Parse error: " + ec.message());
  if (!msg.is_object() && !msg.is_array())
    return text_response(400, "Invalid message: not a JSON object or batch");
  auto res = with_session(http_action::deliver_legacy, id);
  res.message = std::move(msg);
  return res;
}

} // namespace

http_route http_error(unsigned status, error_code code,
                      std::string_view message, const json::value& id,
                      json::value data) {
  json::object err;
  err.emplace("code", static_cast<int64_t>(code));
  err.emplace("message", message);
  if (!data.is_null())
    err.emplace("data", std::move(data));
  json::object body;
  body.emplace("jsonrpc", "2.0");
  if (!id.is_null())
    body.emplace("id", id);
  body.emplace("error", std::move(err));
  http_route res;
  res.status = status;
  res.headers.emplace_back("Content-Type", "application/json");
  protocol::append_json(res.body, body);
  return res;
}

unsigned stateless_error_status(int64_t code) noexcept {
  switch (static_cast<error_code>(code)) {
    case error_code::method_not_found:
      return 404;
    case error_code::parse_error:
    case error_code::invalid_request:
    case error_code::invalid_params:
    case error_code::header_mismatch:
    case error_code::missing_required_client_capability:
    case error_code::unsupported_protocol_version:
      return 400;
    default:
      return 200;
  }
}

http_route route_http(const http_paths& paths, const http_route_request& req,
                      const http_session_lookup& sessions) {
  auto path = req.target.substr(0, req.target.find('?'));
  if (!paths.legacy_sse.empty() && path == paths.legacy_sse
      && req.method == "GET")
    return route_legacy_get(req);
  if (!paths.legacy_messages.empty() && path == paths.legacy_messages
      && req.method == "POST")
    return route_legacy_post(req, sessions);
  if (path != paths.mcp)
    return text_response(404, "not found");
  if (req.method == "POST")
    return route_post(req, sessions);
  // A revision without sessions has neither GET streams nor sessions to end.
  if (is_stateless(req, nullptr)) {
    http_route res;
    res.status = 405;
    res.headers.emplace_back("Allow", "POST");
    return res;
  }
  if (req.method == "GET")
    return route_get(req, sessions);
  if (req.method == "DELETE")
    return route_delete(req, sessions);
  http_route res;
  res.status = 405;
  res.headers.emplace_back("Allow", "GET, POST, DELETE");
  return res;
}

} // namespace mcp::detail
