// HTTP request handling without sockets: Beast's request parser with the
// listener's limits, fed in reads of any size (pipelined requests too), then
// the checks a request meets before its handler (Host, Origin, media types,
// target) and the JSON-RPC reading of its body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include "protocol/jsonrpc.hpp"
#include "transports/http_gate.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace mcp;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr size_t header_limit = 16 * 1024;
constexpr size_t body_limit = 64 * 1024;

void handle(const http::request<http::string_body>& req,
            const transports::http_gate& gate) {
  if (req.body().size() > body_limit)
    fuzz::violated("a body past the limit got through", req.body());
  auto field = [&](http::field f) {
    auto i = req.find(f);
    return i == req.end() ? std::string_view{}
                          : std::string_view{i->value().data(),
                                             i->value().size()};
  };
  auto host = field(http::field::host);
  if (!gate.host_allowed(host)
      || !gate.origin_allowed(field(http::field::origin), host))
    return;
  (void) transports::accepts(field(http::field::accept), "text/event-stream");
  (void) transports::accepts(field(http::field::accept), "application/json");
  auto type = transports::media_type_of(field(http::field::content_type));
  if (type.size() > field(http::field::content_type).size())
    fuzz::violated("a media type longer than its header", type);
  auto target = req.target();
  if (auto url = boost::urls::parse_origin_form(
        std::string_view{target.data(), target.size()})) {
    for (auto param : url->params())
      (void) param;
  }
  boost::system::error_code ec;
  auto msg = boost::json::parse(req.body(), ec, {},
                                protocol::message_parse_options());
  if (ec)
    return;
  if (auto arr = msg.if_array())
    for (auto& item : *arr)
      (void) protocol::classify(item);
  else
    (void) protocol::classify(msg);
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
