// HTTP request handling without sockets: Beast's request parser with the
// listener's limits, fed in reads of any size (pipelined requests too), the
// checks a request meets before its handler (Host, Origin), then the MCP
// endpoint's router (`detail::route_http`) against a table of sessions. Each
// request gets exactly one decision; refusals carry a valid status and a
// body of valid UTF-8 (a JSON-RPC error where JSON), and what reaches a
// session is a well-formed message for an open session.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "actors/detail/http_route.hpp"
#include "protocol/jsonrpc.hpp"
#include "protocol/revision.hpp"
#include "protocol/stateless.hpp"
#include "protocol/methods.hpp"
#include "protocol/version.hpp"
#include "transports/http_gate.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr size_t header_limit = 16 * 1024;
constexpr size_t body_limit = 64 * 1024;

/// The sessions the router may find: open ones by id, with their revision.
const std::map<std::string, std::string, std::less<>> open_sessions{
  {"s1", "2025-11-25"},
  {"s2", "2025-03-26"},
  {"s3", ""},
};

const detail::http_paths paths{"/mcp", "/sse", "/messages"};

void check_refusal(const detail::http_route& r) {
  // A stateless notification is accepted without a body.
  if (r.status == 202) {
    if (!r.body.empty())
      fuzz::violated("a 202 with a body", r.body);
    return;
  }
  static constexpr unsigned statuses[] = {400, 404, 405, 406, 415};
  if (std::find(std::begin(statuses), std::end(statuses), r.status)
      == std::end(statuses))
    fuzz::violated("a refusal with an unexpected status",
                   std::to_string(r.status));
  fuzz::check_utf8(r.body);
  auto json = std::any_of(r.headers.begin(), r.headers.end(), [](auto& kv) {
    return kv.first == "Content-Type" && kv.second == "application/json";
  });
  if (!json)
    return;
  fuzz::check_json_text(r.body);
  auto body = boost::json::parse(r.body);
  auto* obj = body.if_object();
  // Stateless refusals name the request they refuse (a valid id).
  if (obj != nullptr && obj->contains("id")
      && !protocol::request_id::from_json(obj->at("id")))
    fuzz::violated("an HTTP error body with an id no request has", r.body);
  if (obj == nullptr || !obj->contains("error")
      || !obj->at("error").is_object()
      || !obj->at("error").as_object().contains("code")
      || !obj->at("error").at("code").is_int64())
    fuzz::violated("an HTTP error body that is no JSON-RPC error", r.body);
}

/// The ids of the requests in `msg` (a message or a batch), in order.
std::vector<protocol::request_id> requests_in(const boost::json::value& msg) {
  std::vector<protocol::request_id> res;
  auto add = [&](const boost::json::value& x) {
    auto in = protocol::classify(x);
    if (in.kind == protocol::message_kind::request)
      res.push_back(*in.id);
  };
  if (auto arr = msg.if_array())
    for (auto& x : *arr)
      add(x);
  else
    add(msg);
  return res;
}

/// A stateless request goes on only with its headers agreeing with its
/// body: one request, a revision without sessions in header and _meta alike,
/// the method in Mcp-Method.
template <class Field>
void check_stateless(const detail::http_route& r, std::string_view method,
                     const Field& field) {
  auto in = protocol::classify(r.message);
  if (method != "POST" || in.kind != protocol::message_kind::request
      || r.ids.size() != 1 || r.ids[0] != *in.id)
    fuzz::violated("a stateless delivery of something but one request",
                   boost::json::serialize(r.message));
  auto header = field("MCP-Protocol-Version");
  auto rev = protocol::revision::parse(header);
  auto meta = protocol::request_protocol_version(in.params);
  if (!rev || rev->has_sessions() || !meta || *meta != header)
    fuzz::violated("a stateless delivery whose revision headers disagree",
                   header);
  if (field("Mcp-Method") != in.method)
    fuzz::violated("a stateless delivery whose Mcp-Method disagrees",
                   in.method);
}

void check_route(const detail::http_route& r, std::string_view method,
                 std::string_view session_header) {
  using detail::http_action;
  auto session = open_sessions.find(r.session_id);
  auto needs_session = r.action != http_action::respond
                       && r.action != http_action::open_session
                       && r.action != http_action::open_legacy_stream
                       && r.action != http_action::deliver_stateless;
  if (needs_session && session == open_sessions.end())
    fuzz::violated("a route to a session that is not open", r.session_id);
  auto delivers = r.action == http_action::open_session
                  || r.action == http_action::deliver_requests
                  || r.action == http_action::deliver_accepted
                  || r.action == http_action::deliver_legacy;
  if (delivers) {
    if (!r.message.is_object() && !r.message.is_array())
      fuzz::violated("a delivered body that is no message or batch",
                     boost::json::serialize(r.message));
    // Legacy sessions answer on their one SSE stream.
    if (r.action != http_action::deliver_legacy
        && r.ids != requests_in(r.message))
      fuzz::violated("the streams opened do not match the requests",
                     boost::json::serialize(r.message));
  }
  switch (r.action) {
    case http_action::respond:
      check_refusal(r);
      break;
    case http_action::open_session:
      if (!session_header.empty() || method != "POST" || !r.initialize
          || r.ids.size() != 1 || !r.message.is_object())
        fuzz::violated("a session opened by something but initialize",
                       boost::json::serialize(r.message));
      break;
    case http_action::deliver_requests:
      if (r.ids.empty())
        fuzz::violated("a stream for no request", r.session_id);
      [[fallthrough]];
    case http_action::deliver_accepted:
      if (r.session_id != session_header)
        fuzz::violated("delivered to a session the request did not name",
                       r.session_id);
      if (r.message.is_array()
          && !protocol::allows_batches(session->second))
        fuzz::violated("a batch for a revision without batches",
                       session->second);
      if (r.action == http_action::deliver_accepted && !r.ids.empty())
        fuzz::violated("requests answered with 202", r.session_id);
      if (r.message.is_object()) {
        auto in = protocol::classify(r.message);
        if (in.kind == protocol::message_kind::invalid)
          fuzz::violated("an invalid message delivered",
                         boost::json::serialize(r.message));
      }
      break;
    case http_action::resume_stream:
      if (r.last_event_id.empty())
        fuzz::violated("a resume without an event id", r.session_id);
      break;
    default:
      break;
  }
}

void handle(const http::request<http::string_body>& req,
            const transports::http_gate& gate) {
  if (req.body().size() > body_limit)
    fuzz::violated("a body past the limit got through", req.body());
  auto field = [&](std::string_view name) {
    auto i = req.find(boost::beast::string_view{name.data(), name.size()});
    return i == req.end() ? std::string_view{}
                          : std::string_view{i->value().data(),
                                             i->value().size()};
  };
  auto host = field("Host");
  if (!gate.host_allowed(host) || !gate.origin_allowed(field("Origin"), host))
    return;
  auto type = transports::media_type_of(field("Content-Type"));
  if (type.size() > field("Content-Type").size())
    fuzz::violated("a media type longer than its header", type);
  auto method = req.method_string();
  auto target = req.target();
  auto prefixed = [&](std::string_view prefix) {
    std::vector<std::pair<std::string_view, std::string_view>> res;
    for (auto& f : req) {
      auto name = f.name_string();
      if (name.size() >= prefix.size()
          && beast::iequals(name.substr(0, prefix.size()),
                            beast::string_view{prefix.data(), prefix.size()}))
        res.emplace_back(std::string_view{name.data(), name.size()},
                         std::string_view{f.value().data(), f.value().size()});
    }
    return res;
  };
  detail::http_route_request view{{method.data(), method.size()},
                                  {target.data(), target.size()},
                                  req.body(),
                                  field,
                                  prefixed};
  auto route = detail::route_http(
    paths, view, [](std::string_view id) -> std::optional<std::string> {
      auto i = open_sessions.find(id);
      if (i == open_sessions.end())
        return std::nullopt;
      return i->second;
    });
  check_route(route, view.method, field("Mcp-Session-Id"));
  if (route.action == detail::http_action::deliver_stateless)
    check_stateless(route, view.method, field);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  auto chunk = static_cast<size_t>(data[0]) + 1;
  // The second byte picks the gate: loopback defaults, or named hosts.
  auto named = data[1] % 2 == 0;
  transports::http_gate gate{named ? std::vector<std::string>{"Example.COM"}
                                   : std::vector<std::string>{},
                             {"http://allowed.example"}, !named};
  std::string_view stream{reinterpret_cast<const char*>(data) + 2, size - 2};
  std::optional<http::request_parser<http::string_body>> parser;
  auto fresh = [&] {
    parser.emplace();
    parser->eager(true);
    parser->header_limit(header_limit);
    parser->body_limit(body_limit);
  };
  fresh();
  beast::flat_buffer buf;
  size_t pos = 0;
  while (pos < stream.size() || buf.size() > 0) {
    if (pos < stream.size()) {
      auto n = std::min(chunk, stream.size() - pos);
      auto dst = buf.prepare(n);
      std::memcpy(dst.data(), stream.data() + pos, n);
      buf.commit(n);
      pos += n;
    }
    beast::error_code ec;
    auto used = parser->put(buf.data(), ec);
    buf.consume(used);
    if (ec == http::error::need_more) {
      if (pos >= stream.size())
        break;
      continue;
    }
    if (ec) {
      // The listener answers 400, 413 or 431 and closes the connection.
      if (ec == http::error::header_limit && buf.size() > header_limit * 2)
        fuzz::violated("the header limit let too much through", stream);
      break;
    }
    if (parser->is_done()) {
      handle(parser->get(), gate);
      fresh();
    } else if (used == 0 && pos >= stream.size()) {
      break;
    }
  }
  return 0;
}
