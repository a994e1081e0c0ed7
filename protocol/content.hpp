#pragma once

// Builders of MCP content blocks (tool results, prompt messages, sampling)
// and resource contents, as JSON objects ready to send.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace mcp::protocol {

/// Optional hints on content blocks and resources for clients.
struct annotations {
  /// Who the content is for: "user", "assistant" or both.
  std::vector<std::string> audience;
  /// Importance from 0 (optional) to 1 (required).
  std::optional<double> priority;
  /// ISO 8601 time of the last change, e.g. "2025-01-12T15:00:58Z".
  std::string last_modified;

  /// Returns the `Annotations` object (empty members left out).
  boost::json::object to_json() const;
};

/// Sets `annotations` on a content block or resource.
void annotate(boost::json::object& x, const annotations& what);

/// `{"type":"text","text":...}`.
boost::json::object text_content(std::string_view text);

/// An image; `base64_data` is the Base64 of the image bytes.
boost::json::object image_content(std::string_view base64_data,
                                  std::string_view mime_type);

/// Audio; `base64_data` is the Base64 of the audio bytes.
boost::json::object audio_content(std::string_view base64_data,
                                  std::string_view mime_type);

/// A `resource_link` to a resource the client may read or subscribe to.
/// Empty optional arguments are left out.
boost::json::object resource_link(std::string_view uri, std::string_view name,
                                  std::string_view mime_type = {},
                                  std::string_view description = {});

/// Text resource contents: `{"uri","mimeType","text"}`.
boost::json::object text_resource(std::string_view uri,
                                  std::string_view mime_type,
                                  std::string_view text);

/// Binary resource contents: `{"uri","mimeType","blob"}`; `base64_blob` is
/// the Base64 of the bytes.
boost::json::object blob_resource(std::string_view uri,
                                  std::string_view mime_type,
                                  std::string_view base64_blob);

/// An embedded resource content block around resource contents made by
/// `text_resource` or `blob_resource`.
boost::json::object embedded_resource(boost::json::object contents);

/// Returns `block` in a form that protocol revision `version` knows:
/// `audio` (2025-03-26 on) and `resource_link` (2025-06-18 on) blocks become
/// text blocks that say what they were; other blocks stay as they are.
boost::json::object content_for_revision(boost::json::object block,
                                         std::string_view version);

/// Returns `blocks` for revision `version`: `content_for_revision` for each
/// block that revision lacks (nothing changes for 2025-06-18 and later).
boost::json::array contents_for_revision(boost::json::array blocks,
                                         std::string_view version);

} // namespace mcp::protocol
