#include "transports/json_inspect.hpp"

#include <cmath>
#include <vector>

#include <boost/json/parse.hpp>

namespace mcp::transports {

const char* json_wire_problem(const boost::json::value& x) noexcept {
  // Depth first without recursion: (value, depth) pairs still to visit.
  std::vector<std::pair<const boost::json::value*, size_t>> todo;
  todo.emplace_back(&x, 1);
  while (!todo.empty()) {
    auto [v, depth] = todo.back();
    todo.pop_back();
    switch (v->kind()) {
      case boost::json::kind::double_:
        if (!std::isfinite(v->get_double()))
          return "a number that JSON cannot represent (infinity or NaN)";
        break;
      case boost::json::kind::array:
        if (depth > max_wire_depth)
          return "nested too deeply";
        for (auto& y : v->get_array())
          todo.emplace_back(&y, depth + 1);
        break;
      case boost::json::kind::object:
        if (depth > max_wire_depth)
          return "nested too deeply";
        for (auto& kv : v->get_object())
          todo.emplace_back(&kv.value(), depth + 1);
        break;
      default:
        break;
    }
  }
  return nullptr;
}

bool parse_wire_json(std::string_view text, boost::json::value& out) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec, {},
                                   protocol::message_parse_options());
  if (ec)
    return false;
  out = std::move(parsed);
  return true;
}

} // namespace mcp::transports
