#include "transports/http_gate.hpp"

#include <algorithm>
#include <cctype>

#include <boost/url/parse.hpp>

namespace mcp::transports {

namespace {

std::string lower(std::string_view x) {
  std::string res{x};
  for (auto& c : res)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return res;
}

std::string_view trim(std::string_view x) {
  while (!x.empty() && (x.front() == ' ' || x.front() == '\t'))
    x.remove_prefix(1);
  while (!x.empty() && (x.back() == ' ' || x.back() == '\t'))
    x.remove_suffix(1);
  return x;
}

/// The host of an authority (`host[:port]`), lower case; empty if invalid.
std::string host_of_authority(std::string_view authority) {
  auto parsed = boost::urls::parse_authority(authority);
  if (!parsed)
    return {};
  return lower(parsed->encoded_host());
}

} // namespace

http_gate::http_gate(const std::vector<std::string>& allowed_hosts,
                     std::vector<std::string> allowed_origins, bool loopback)
  : origins_(std::move(allowed_origins)) {
  for (auto& h : allowed_hosts)
    hosts_.push_back(lower(h));
  if (hosts_.empty() && loopback)
    hosts_ = {"localhost", "127.0.0.1", "[::1]"};
}

bool http_gate::host_allowed(std::string_view host_header) const {
  if (hosts_.empty())
    return true;
  auto host = host_of_authority(host_header);
  return std::find(hosts_.begin(), hosts_.end(), host) != hosts_.end();
}

bool http_gate::origin_allowed(std::string_view origin,
                               std::string_view host_header) const {
  if (origin.empty())
    return true;
  if (std::find(origins_.begin(), origins_.end(), origin) != origins_.end())
    return true;
  auto parsed = boost::urls::parse_absolute_uri(origin);
  if (!parsed)
    return false;
  auto host = lower(parsed->encoded_host());
  if (hosts_.empty())
    return host == host_of_authority(host_header);
  return std::find(hosts_.begin(), hosts_.end(), host) != hosts_.end();
}

std::string media_type_of(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

bool accepts(std::string_view accept, std::string_view media_type) {
  auto wanted = lower(media_type);
  auto slash = wanted.find('/');
  auto type_range = wanted.substr(0, slash) + "/*";
  while (!accept.empty()) {
    auto comma = accept.find(',');
    auto item = media_type_of(accept.substr(0, comma));
    if (item == wanted || item == type_range || item == "*/*")
      return true;
    if (comma == std::string_view::npos)
      break;
    accept.remove_prefix(comma + 1);
  }
  return false;
}

} // namespace mcp::transports
