#pragma once

// Serializes Beast HTTP messages into a string with Beast's serializer (no
// iostream), for transports that gather output into their own buffers.

#include <string>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/serializer.hpp>

namespace mcp::transports::detail {

/// Appends `msg` to `out`: the whole message, or only its header when
/// `header_only` (for chunked streams whose body follows as chunks).
template <bool IsRequest, class Body, class Fields>
void append_http(std::string& out,
                 boost::beast::http::message<IsRequest, Body, Fields>& msg,
                 bool header_only = false) {
  boost::beast::http::serializer<IsRequest, Body, Fields> sr{msg};
  sr.split(header_only);
  boost::beast::error_code ec;
  auto done = [&] { return header_only ? sr.is_header_done() : sr.is_done(); };
  while (!ec && !done())
    sr.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
      size_t n = 0;
      for (auto b : boost::beast::buffers_range_ref(buffers)) {
        out.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      sr.consume(n);
    });
}

} // namespace mcp::transports::detail
