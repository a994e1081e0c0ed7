#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mcp::transports {

/// What an HTTP listener checks of a request before a handler sees it,
/// without I/O: which `Host` and `Origin` headers may reach it (against DNS
/// rebinding).
class http_gate {
public:
  /// Admits the hosts in `allowed_hosts` (any case, without port) or, if
  /// there are none and the listener is bound to loopback, `localhost`,
  /// `127.0.0.1` and `[::1]`; with neither, any host. Admits the origins in
  /// `allowed_origins` and those whose host is admitted.
  http_gate(const std::vector<std::string>& allowed_hosts,
            std::vector<std::string> allowed_origins, bool loopback);

  /// Returns whether a request may name `host_header` in its `Host` header.
  bool host_allowed(std::string_view host_header) const;

  /// Returns whether a request with `Host` header `host_header` may come
  /// from `origin` (an `Origin` header; empty: not from a browser).
  bool origin_allowed(std::string_view origin,
                      std::string_view host_header) const;

private:
  std::vector<std::string> hosts_;
  std::vector<std::string> origins_;
};

/// Returns whether `accept` (an `Accept` header) admits `media_type`
/// (`type/subtype`, or a `type/*` or `*/*` range in the header).
bool accepts(std::string_view accept, std::string_view media_type);

/// Returns the media type of a `Content-Type` value, lower case, without
/// parameters.
std::string media_type_of(std::string_view content_type);

} // namespace mcp::transports
