#include "protocol/json_text.hpp"

#include <algorithm>

#include <boost/json/serializer.hpp>

namespace mcp::protocol {

void append_json(std::string& out, const boost::json::value& x) {
  thread_local boost::json::serializer sr;
  sr.reset(&x);
  while (!sr.done()) {
    auto used = out.size();
    out.resize(std::max<size_t>(used * 2, used + 512));
    auto part = sr.read(out.data() + used, out.size() - used);
    out.resize(used + part.size());
  }
}

} // namespace mcp::protocol
