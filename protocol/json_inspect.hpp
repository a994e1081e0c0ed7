#pragma once

// Lets `boost::json::value` travel in CAF messages with a real `inspect`
// overload (as JSON text), so messages that carry JSON can be serialized and
// sent between nodes. Generic over the inspector: includes no CAF header.

#include <string>
#include <type_traits>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace boost::json {

/// Inspects a JSON value as its serialized text.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, value& x) {
  if constexpr (Inspector::reads_state) {
    auto text = serialize(x);
    return f(text);
  } else {
    std::string text;
    auto load = [&] {
      boost::system::error_code ec;
      auto parsed = parse(text, ec);
      x = ec ? value{} : std::move(parsed);
    };
    if constexpr (std::is_same_v<typename Inspector::result_type, void>) {
      f(text);
      load();
    } else {
      auto res = f(text);
      load();
      return res;
    }
  }
}

} // namespace boost::json
