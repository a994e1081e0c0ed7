#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include <caf/expected.hpp>

#include "actors/server_definition.hpp"
#include "protocol/header_value.hpp"
#include "protocol/json_schema.hpp"
#include "protocol/uri_template.hpp"

namespace mcp::detail {

/// The lists whose changes clients hear of, as bit flags.
enum list_kind : uint8_t {
  tools_list = 1,
  resources_list = 2,
  prompts_list = 4,
};

/// A tool with its compiled schemas and its `tools/list` description.
struct tool_entry {
  tool def;
  protocol::json_schema input;
  std::optional<protocol::json_schema> output;
  boost::json::object description;
  /// The parameters that HTTP clients mirror into `Mcp-Param-*` headers.
  std::vector<protocol::mirrored_param> mirrored;
};

/// A resource with its `resources/list` description.
struct resource_entry {
  resource def;
  boost::json::object description;
};

/// A resource template with its parsed pattern and description.
struct template_entry {
  resource_template def;
  protocol::uri_template pattern;
  boost::json::object description;
};

/// A prompt with its description.
struct prompt_entry {
  prompt def;
  boost::json::object description;
};

/// Entries by name, listed in the order they were added; replacing an entry
/// keeps its place. Positions never repeat, so a pagination cursor holding
/// one stays valid while entries come and go.
template <class T>
class ordered_registry {
public:
  // -- member types -----------------------------------------------------------

  using pointer = std::shared_ptr<const T>;

  // -- properties -------------------------------------------------------------

  /// Returns the entry named `key`, or null.
  const T* find(std::string_view key) const {
    auto i = positions_.find(key);
    return i == positions_.end() ? nullptr : by_position_.at(i->second).get();
  }

  /// Returns the entry named `key` as a shared pointer, or null.
  pointer get(std::string_view key) const {
    auto i = positions_.find(key);
    return i == positions_.end() ? nullptr : by_position_.at(i->second);
  }

  /// Returns the number of entries.
  size_t size() const noexcept {
    return by_position_.size();
  }

  /// Returns whether there are no entries.
  bool empty() const noexcept {
    return by_position_.empty();
  }

  // -- modifiers --------------------------------------------------------------

  /// Adds `x` under `key`, replacing an entry of the same name in place.
  void put(const std::string& key, pointer x) {
    auto i = positions_.find(key);
    if (i != positions_.end()) {
      by_position_[i->second] = std::move(x);
      return;
    }
    positions_.emplace(key, next_);
    by_position_.emplace(next_++, std::move(x));
  }

  /// Removes the entry named `key`; returns whether there was one.
  bool erase(std::string_view key) {
    auto i = positions_.find(key);
    if (i == positions_.end())
      return false;
    by_position_.erase(i->second);
    positions_.erase(i);
    return true;
  }

  // -- iteration --------------------------------------------------------------

  /// Calls `f(const T&)` for each entry in order.
  template <class F>
  void for_each(F f) const {
    for (auto& kvp : by_position_)
      f(*kvp.second);
  }

  /// Calls `f(const T&)` for up to `limit` entries (0: all) from position
  /// `from` on; returns the position to continue from, or nothing at the end.
  template <class F>
  std::optional<uint64_t> for_page(uint64_t from, size_t limit, F f) const {
    size_t n = 0;
    for (auto i = by_position_.lower_bound(from); i != by_position_.end();
         ++i) {
      if (limit > 0 && n == limit)
        return i->first;
      f(*i->second);
      ++n;
    }
    return std::nullopt;
  }

  /// Calls `f(const T&)` for entries in order until it returns true; returns
  /// the entry it stopped at, or null.
  template <class F>
  const T* find_if(F f) const {
    for (auto& kvp : by_position_)
      if (f(*kvp.second))
        return kvp.second.get();
    return nullptr;
  }

private:
  std::map<uint64_t, pointer> by_position_;
  std::map<std::string, uint64_t, std::less<>> positions_;
  uint64_t next_ = 0;
};

/// What a server offers at one moment. Immutable once shared: the server
/// actor makes a changed copy and hands it to every session, which reads it
/// without asking anyone.
struct catalog {
  ordered_registry<tool_entry> tools;
  ordered_registry<resource_entry> resources;
  ordered_registry<template_entry> templates;
  ordered_registry<prompt_entry> prompts;

  /// Returns whether any prompt argument or template variable completes.
  bool has_completions() const;

  /// Returns the first template matching `uri` and its variables.
  std::pair<const template_entry*, protocol::uri_variables>
  match_template(std::string_view uri) const;

  /// Checks and adds a tool (replacing one of the same name).
  caf::error add(tool x);

  /// Checks and adds a resource.
  caf::error add(resource x);

  /// Checks and adds a resource template.
  caf::error add(resource_template x);

  /// Checks and adds a prompt.
  caf::error add(prompt x);
};

/// Returns the catalog of `def`, or what is wrong with its definitions.
caf::expected<std::shared_ptr<const catalog>>
make_catalog(const server_definition& def);

} // namespace mcp::detail
