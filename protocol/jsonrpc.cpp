#include "protocol/jsonrpc.hpp"

#include "protocol/json_text.hpp"
#include "protocol/utf8.hpp"

namespace mcp::protocol {

namespace {

incoming_message invalid(std::string_view why) {
  incoming_message res;
  res.problem = why;
  return res;
}

} // namespace

const char* describe(error_code code) noexcept {
  switch (code) {
    case error_code::parse_error:
      return "parse error";
    case error_code::invalid_request:
      return "invalid request";
    case error_code::method_not_found:
      return "method not found";
    case error_code::invalid_params:
      return "invalid params";
    case error_code::internal_error:
      return "internal error";
    case error_code::resource_not_found:
      return "resource not found";
    case error_code::url_elicitation_required:
      return "URL elicitation required";
    case error_code::header_mismatch:
      return "header mismatch";
    case error_code::missing_required_client_capability:
      return "missing required client capability";
    case error_code::unsupported_protocol_version:
      return "unsupported protocol version";
  }
  return "unknown error";
}

incoming_message classify(const boost::json::value& msg) {
  auto obj = msg.if_object();
  if (obj == nullptr)
    return invalid("message is not a JSON object");
  auto version = obj->if_contains("jsonrpc");
  if (version == nullptr || !version->is_string()
      || version->get_string() != "2.0")
    return invalid("missing or wrong \"jsonrpc\" member (must be \"2.0\")");
  incoming_message res;
  auto id = obj->if_contains("id");
  if (id != nullptr && !id->is_null()) {
    res.id = request_id::from_json(*id);
    if (!res.id)
      return invalid("\"id\" must be a string or an integer");
  }
  if (auto method = obj->if_contains("method")) {
    if (!method->is_string())
      return invalid("\"method\" must be a string");
    res.method = method->get_string();
    if (auto params = obj->if_contains("params")) {
      if (!params->is_object() && !params->is_array())
        return invalid("\"params\" must be an object or an array");
      res.params = params;
    }
    if (id != nullptr && id->is_null())
      return invalid("a request id must not be null");
    res.kind = id != nullptr ? message_kind::request
                             : message_kind::notification;
    return res;
  }
  if (id == nullptr)
    return invalid("message has neither \"method\" nor \"id\"");
  auto result = obj->if_contains("result");
  auto error = obj->if_contains("error");
  if (result != nullptr && error != nullptr)
    return invalid("a response must not have both \"result\" and \"error\"");
  if (result != nullptr) {
    if (!res.id)
      return invalid("a result must have a non-null id");
    res.kind = message_kind::result;
    res.result = result;
    return res;
  }
  if (error != nullptr) {
    auto err = error->if_object();
    if (err == nullptr)
      return invalid("\"error\" must be an object");
    auto code = err->if_contains("code");
    if (code == nullptr || !(code->is_int64() || code->is_uint64()))
      return invalid("\"error.code\" must be an integer");
    auto message = err->if_contains("message");
    if (message == nullptr || !message->is_string())
      return invalid("\"error.message\" must be a string");
    res.kind = message_kind::error;
    res.error = err;
    return res;
  }
  return invalid("a response needs \"result\" or \"error\"");
}

boost::json::value make_request(const request_id& id, std::string_view method,
                                boost::json::value params) {
  boost::json::object obj;
  obj.reserve(4);
  obj.emplace("jsonrpc", "2.0");
  obj.emplace("id", id.to_json());
  obj.emplace("method", method);
  if (!params.is_null())
    obj.emplace("params", std::move(params));
  return obj;
}

boost::json::value make_notification(std::string_view method,
                                     boost::json::value params) {
  boost::json::object obj;
  obj.reserve(3);
  obj.emplace("jsonrpc", "2.0");
  obj.emplace("method", method);
  if (!params.is_null())
    obj.emplace("params", std::move(params));
  return obj;
}

boost::json::value make_result(const request_id& id,
                               boost::json::value result) {
  boost::json::object obj;
  obj.reserve(3);
  obj.emplace("jsonrpc", "2.0");
  obj.emplace("id", id.to_json());
  obj.emplace("result", std::move(result));
  return obj;
}

json_repairs append_result_text(std::string& out, const request_id& id,
                                const boost::json::value& result) {
  out += R"({"jsonrpc":"2.0","id":)";
  out += id.to_json_text();
  out += R"(,"result":)";
  auto res = append_json(out, result);
  out += '}';
  return res;
}

boost::json::value make_error(const std::optional<request_id>& id,
                              int64_t code, std::string_view message,
                              boost::json::value data) {
  boost::json::object err;
  err.emplace("code", code);
  err.emplace("message", message);
  if (!data.is_null())
    err.emplace("data", std::move(data));
  boost::json::object obj;
  obj.reserve(3);
  obj.emplace("jsonrpc", "2.0");
  obj.emplace("id", id ? id->to_json() : boost::json::value(nullptr));
  obj.emplace("error", std::move(err));
  return obj;
}

std::optional<progress_token>
progress_token_of(const boost::json::value* params) {
  if (params == nullptr || !params->is_object())
    return std::nullopt;
  auto meta = params->get_object().if_contains("_meta");
  if (meta == nullptr || !meta->is_object())
    return std::nullopt;
  auto token = meta->get_object().if_contains("progressToken");
  if (token == nullptr)
    return std::nullopt;
  return progress_token::from_json(*token);
}

void set_progress_token(boost::json::value& params,
                        const progress_token& token) {
  if (!params.is_object())
    params = boost::json::object{};
  auto& meta = params.get_object()["_meta"];
  if (!meta.is_object())
    meta = boost::json::object{};
  meta.get_object()["progressToken"] = token.to_json();
}

boost::json::parse_options message_parse_options() noexcept {
  boost::json::parse_options res;
  res.max_depth = max_message_depth;
  return res;
}

namespace {

/// A cursor over the text of a message for `scan_response_id`.
struct scanner {
  std::string_view text;
  size_t pos = 0;

  bool done() const noexcept {
    return pos >= text.size();
  }

  char peek() const noexcept {
    return text[pos];
  }

  void skip_space() noexcept {
    while (!done()
           && (peek() == ' ' || peek() == '\t' || peek() == '\n'
               || peek() == '\r'))
      ++pos;
  }

  /// Reads a string literal (at a '"'); `plain` tells whether it had no
  /// escapes. Returns false if the text ends inside it.
  bool read_string(std::string_view& out, bool& plain) noexcept {
    auto start = ++pos;
    plain = true;
    while (!done() && peek() != '"') {
      if (peek() == '\\') {
        plain = false;
        ++pos;
      }
      ++pos;
    }
    if (done())
      return false;
    out = text.substr(start, pos - start);
    ++pos;
    return true;
  }

  /// Reads an id value: an integer or a string without escapes.
  std::optional<request_id> read_id() noexcept {
    if (done())
      return std::nullopt;
    if (peek() == '"') {
      std::string_view s;
      bool plain = false;
      auto at = pos;
      auto ok = read_string(s, plain);
      pos = at;
      if (!ok || !plain || !is_valid_utf8(s))
        return std::nullopt;
      return request_id{std::string{s}};
    }
    auto start = pos;
    auto end = pos;
    if (end < text.size() && text[end] == '-')
      ++end;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9')
      ++end;
    auto digits = text.substr(start, end - start);
    if (digits.empty() || digits == "-" || digits.size() > 18
        || (end < text.size()
            && (text[end] == '.' || text[end] == 'e' || text[end] == 'E')))
      return std::nullopt;
    return request_id{static_cast<int64_t>(std::stoll(std::string{digits}))};
  }
};

} // namespace

std::optional<request_id> scan_response_id(std::string_view text) noexcept {
  try {
    scanner sc{text};
    sc.skip_space();
    if (sc.done() || sc.peek() != '{')
      return std::nullopt;
    ++sc.pos;
    size_t depth = 1;
    std::optional<request_id> id;
    bool has_method = false;
    bool has_answer = false;
    while (!sc.done() && depth > 0) {
      auto c = sc.peek();
      if (c == '"') {
        std::string_view s;
        bool plain = false;
        if (!sc.read_string(s, plain))
          break;
        if (depth != 1)
          continue;
        sc.skip_space();
        if (sc.done() || sc.peek() != ':')
          continue;
        ++sc.pos;
        sc.skip_space();
        if (!plain)
          continue;
        if (s == "method")
          has_method = true;
        else if (s == "result" || s == "error")
          has_answer = true;
        else if (s == "id")
          id = sc.read_id();
        continue;
      }
      if (c == '{' || c == '[')
        ++depth;
      else if (c == '}' || c == ']')
        --depth;
      ++sc.pos;
    }
    if (has_method || !has_answer)
      return std::nullopt;
    return id;
  } catch (...) {
    return std::nullopt;
  }
}

} // namespace mcp::protocol
