#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "protocol/error_code.hpp"

namespace mcp::protocol {

/// Builds the `requestedSchema` of a form-mode `elicitation/create`: a flat
/// object of primitive fields, each with an optional default (SEP-1034) and
/// enums in the shapes of SEP-1330 (single and multi select, with or without
/// display titles).
///
/// ```
/// auto schema = elicitation_form{}
///   .text("name", "Your name", "John Doe")
///   .integer("age", "Your age", 30)
///   .single_select("status", {"active", "inactive"}, "active")
///   .required({"name"})
///   .to_json();
/// ```
class elicitation_form {
public:
  // -- member types -----------------------------------------------------------

  /// A choice of a titled enum: the value sent and the title shown.
  using choice = std::pair<std::string, std::string>;

  // -- fields -----------------------------------------------------------------

  /// A string field; `format` may be "email", "uri", "date" or "date-time".
  elicitation_form& text(std::string name, std::string description = {},
                         std::optional<std::string> default_value = {},
                         std::string format = {});

  /// A number field.
  elicitation_form& number(std::string name, std::string description = {},
                           std::optional<double> default_value = {},
                           std::optional<double> minimum = {},
                           std::optional<double> maximum = {});

  /// An integer field.
  elicitation_form& integer(std::string name, std::string description = {},
                            std::optional<int64_t> default_value = {},
                            std::optional<int64_t> minimum = {},
                            std::optional<int64_t> maximum = {});

  /// A boolean field.
  elicitation_form& boolean(std::string name, std::string description = {},
                            std::optional<bool> default_value = {});

  /// A single-select enum of plain values (`enum`).
  elicitation_form& single_select(std::string name,
                                  std::vector<std::string> values,
                                  std::optional<std::string> default_value = {},
                                  std::string description = {});

  /// A single-select enum with display titles (`oneOf` of `const`/`title`).
  elicitation_form&
  single_select_titled(std::string name, std::vector<choice> choices,
                       std::optional<std::string> default_value = {},
                       std::string description = {});

  /// A multi-select enum of plain values (array with `items.enum`).
  elicitation_form& multi_select(std::string name,
                                 std::vector<std::string> values,
                                 std::vector<std::string> default_values = {},
                                 std::string description = {});

  /// A multi-select enum with display titles (array with `items.anyOf`).
  elicitation_form&
  multi_select_titled(std::string name, std::vector<choice> choices,
                      std::vector<std::string> default_values = {},
                      std::string description = {});

  /// Any other field schema, as given.
  elicitation_form& field(std::string name, boost::json::object schema);

  /// Sets the display title of the field added last.
  elicitation_form& title(std::string text);

  /// Marks fields as required.
  elicitation_form& required(std::vector<std::string> names);

  // -- conversion -------------------------------------------------------------

  /// Returns the `requestedSchema` object.
  boost::json::object to_json() const;

private:
  boost::json::object properties_;
  std::vector<std::string> required_;
  std::string last_;
};

/// Returns `schema` as form-mode elicitation in protocol revision `version`
/// allows it. It must be a flat object of strings, numbers, integers,
/// booleans and enums; before 2025-11-25, titled single-select enums
/// (`oneOf` of `const`/`title`) become `enum` with `enumNames`, and
/// multi-select enums, which those revisions lack, are refused. Fails naming
/// the field that cannot be sent.
boost::system::result<boost::json::object, protocol_error>
requested_schema_for_revision(boost::json::object schema,
                              std::string_view version);

/// Fills `content` with the `default` of each property of
/// `requested_schema` that `content` lacks (SEP-1034: a client applies the
/// defaults the server declared before it accepts a form). Properties
/// without a default stay missing. Returns how many were filled in.
size_t apply_elicitation_defaults(const boost::json::object& requested_schema,
                                  boost::json::object& content);

} // namespace mcp::protocol
