#include "protocol/json_key.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace mcp::protocol {

template <class Tag>
std::string json_key<Tag>::to_json_text() const {
  if (is_integer())
    return std::to_string(as_integer());
  return boost::json::serialize(boost::json::value(as_string()));
}

template <class Tag>
std::optional<json_key<Tag>>
json_key<Tag>::from_json_text(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec)
    return std::nullopt;
  return from_json(v);
}

template class json_key<request_id_tag>;
template class json_key<progress_token_tag>;

} // namespace mcp::protocol
