#include "actors/error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace mcp {

const char* to_string(errc x) noexcept {
  switch (x) {
    case errc::server_error:
      return "server_error";
    case errc::timeout:
      return "timeout";
    case errc::cancelled:
      return "cancelled";
    case errc::capability_missing:
      return "capability_missing";
    case errc::unsupported_protocol_version:
      return "unsupported_protocol_version";
    case errc::handshake_failed:
      return "handshake_failed";
    case errc::transport_closed:
      return "transport_closed";
    case errc::duplicate_progress_token:
      return "duplicate_progress_token";
    case errc::session_closed:
      return "session_closed";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::invalid_result:
      return "invalid_result";
    case errc::input_required:
      return "input_required";
    case errc::actor_down:
      return "actor_down";
  }
  return "unknown";
}

caf::atom_value errc_category() noexcept {
  return caf::atom("mcp");
}

caf::error make_error(errc code, std::string description) {
  return caf::error{static_cast<uint8_t>(code), errc_category(),
                    caf::make_message(std::move(description))};
}

caf::error make_server_error(int64_t code, std::string message,
                             std::string data_json) {
  return caf::error{static_cast<uint8_t>(errc::server_error), errc_category(),
                    caf::make_message(code, std::move(message),
                                      std::move(data_json))};
}

caf::error make_server_error(const boost::json::object& error) {
  auto& code = error.at("code");
  std::string data;
  if (auto x = error.if_contains("data"))
    data = boost::json::serialize(*x);
  return make_server_error(code.is_int64()
                             ? code.get_int64()
                             : static_cast<int64_t>(code.get_uint64()),
                           std::string{error.at("message").get_string()},
                           std::move(data));
}

std::optional<int64_t> server_error_code(const caf::error& err) {
  if (!is(err, errc::server_error))
    return std::nullopt;
  auto& ctx = err.context();
  if (ctx.match_elements<int64_t, std::string, std::string>())
    return ctx.get_as<int64_t>(0);
  return std::nullopt;
}

bool is(const caf::error& err, errc code) {
  return err.category() == errc_category()
         && err.code() == static_cast<uint8_t>(code);
}

std::string render_error(uint8_t code, caf::atom_value,
                         const caf::message& ctx) {
  std::string res = to_string(static_cast<errc>(code));
  if (ctx.match_elements<std::string>()) {
    res += ": ";
    res += ctx.get_as<std::string>(0);
  } else if (ctx.match_elements<int64_t, std::string, std::string>()) {
    res += " ";
    res += std::to_string(ctx.get_as<int64_t>(0));
    res += ": ";
    res += ctx.get_as<std::string>(1);
    if (!ctx.get_as<std::string>(2).empty()) {
      res += " (data: ";
      res += ctx.get_as<std::string>(2);
      res += ")";
    }
  }
  return res;
}

std::string describe(const caf::error& err) {
  if (!err)
    return "no error";
  if (err.category() == errc_category())
    return render_error(err.code(), err.category(), err.context());
  return caf::to_string(err);
}

} // namespace mcp
