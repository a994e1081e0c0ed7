#define CAF_SUITE protocol.method_table
#include <caf/test/unit_test.hpp>

#include <set>
#include <string>

#include "protocol/method_table.hpp"
#include "protocol/methods.hpp"

using namespace mcp::protocol;

namespace {

/// Which revisions have a method, one character per revision from the
/// oldest (2024-11-05 ... 2026-07-28), as the specification's schemas say.
struct span {
  std::string_view method;
  const char* revisions;
};

constexpr span spans[] = {
  {"initialize", "11110"},
  {"ping", "11110"},
  {"server/discover", "00001"},
  {"tools/list", "11111"},
  {"tools/call", "11111"},
  {"resources/list", "11111"},
  {"resources/templates/list", "11111"},
  {"resources/read", "11111"},
  {"resources/subscribe", "11110"},
  {"resources/unsubscribe", "11110"},
  {"prompts/list", "11111"},
  {"prompts/get", "11111"},
  {"completion/complete", "11111"},
  {"logging/setLevel", "11110"},
  {"subscriptions/listen", "00001"},
  {"roots/list", "11111"},
  {"sampling/createMessage", "11111"},
  {"elicitation/create", "00111"},
  {"notifications/initialized", "11110"},
  {"notifications/cancelled", "11111"},
  {"notifications/progress", "11111"},
  {"notifications/message", "11111"},
  {"notifications/resources/updated", "11111"},
  {"notifications/resources/list_changed", "11111"},
  {"notifications/tools/list_changed", "11111"},
  {"notifications/prompts/list_changed", "11111"},
  {"notifications/roots/list_changed", "11110"},
  {"notifications/elicitation/complete", "00011"},
  {"notifications/subscriptions/acknowledged", "00001"},
};

static_assert(std::size(spans) == method_count);

} // namespace

CAF_TEST(every method has one row that find_method returns) {
  std::set<std::string_view> names;
  for (auto& r : method_table) {
    CAF_CHECK(names.insert(r.name).second);
    auto found = find_method(r.name);
    CAF_REQUIRE(found != nullptr);
    CAF_CHECK(found == &row_of(r.id));
  }
  CAF_CHECK(find_method("tools/lists") == nullptr);
  CAF_CHECK(find_method("") == nullptr);
  CAF_CHECK(find_method("Tools/list") == nullptr);
}

CAF_TEST(the table names the same methods as the name constants) {
  namespace m = methods;
  std::pair<method_id, std::string_view> named[] = {
    {method_id::initialize, m::initialize},
    {method_id::initialized, m::initialized},
    {method_id::ping, m::ping},
    {method_id::tools_list, m::tools_list},
    {method_id::tools_call, m::tools_call},
    {method_id::resources_list, m::resources_list},
    {method_id::resources_templates_list, m::resources_templates_list},
    {method_id::resources_read, m::resources_read},
    {method_id::resources_subscribe, m::resources_subscribe},
    {method_id::resources_unsubscribe, m::resources_unsubscribe},
    {method_id::prompts_list, m::prompts_list},
    {method_id::prompts_get, m::prompts_get},
    {method_id::completion_complete, m::completion_complete},
    {method_id::logging_set_level, m::logging_set_level},
    {method_id::roots_list, m::roots_list},
    {method_id::sampling_create_message, m::sampling_create_message},
    {method_id::elicitation_create, m::elicitation_create},
    {method_id::progress, m::progress},
    {method_id::cancelled, m::cancelled},
    {method_id::message, m::message},
    {method_id::resources_updated, m::resources_updated},
    {method_id::resources_list_changed, m::resources_list_changed},
    {method_id::tools_list_changed, m::tools_list_changed},
    {method_id::prompts_list_changed, m::prompts_list_changed},
    {method_id::roots_list_changed, m::roots_list_changed},
    {method_id::elicitation_complete, m::elicitation_complete},
    {method_id::subscriptions_acknowledged, m::subscriptions_acknowledged},
  };
  for (auto& [id, name] : named)
    CAF_CHECK_EQUAL(row_of(id).name, name);
}

CAF_TEST(each method exists in exactly the revisions of its span) {
  for (auto& s : spans) {
    auto r = find_method(s.method);
    CAF_REQUIRE(r != nullptr);
    for (size_t i = 0; i < revision::count; ++i) {
      revision rev{static_cast<revision::id>(i)};
      auto expected = s.revisions[i] == '1';
      if (r->in(rev) != expected)
        CAF_FAIL(std::string{s.method} << " in " << rev.name() << " is "
                                       << !expected);
      CAF_CHECK_EQUAL(r->in(rev), expected);
    }
  }
}

CAF_TEST(capabilities gate what the spec says from when it says) {
  auto gate = [](std::string_view method, revision r) {
    return std::string{capability_name(find_method(method)->gate(r))};
  };
  auto latest = revision::latest_with_sessions();
  CAF_CHECK_EQUAL(gate("tools/call", latest), "tools");
  CAF_CHECK_EQUAL(gate("tools/list", revision::oldest()), "tools");
  CAF_CHECK_EQUAL(gate("resources/templates/list", latest), "resources");
  CAF_CHECK_EQUAL(gate("resources/subscribe", latest), "resources.subscribe");
  CAF_CHECK_EQUAL(gate("resources/unsubscribe", latest), "resources.subscribe");
  CAF_CHECK_EQUAL(gate("prompts/get", latest), "prompts");
  CAF_CHECK_EQUAL(gate("logging/setLevel", latest), "logging");
  CAF_CHECK_EQUAL(gate("completion/complete", latest), "completions");
  CAF_CHECK_EQUAL(gate("completion/complete", revision::v2025_03_26),
                  "completions");
  CAF_CHECK_EQUAL(gate("completion/complete", revision::v2024_11_05), "");
  CAF_CHECK_EQUAL(gate("roots/list", latest), "roots");
  CAF_CHECK_EQUAL(gate("sampling/createMessage", latest), "sampling");
  CAF_CHECK_EQUAL(gate("elicitation/create", latest), "elicitation");
  CAF_CHECK_EQUAL(gate("ping", latest), "");
  CAF_CHECK_EQUAL(gate("initialize", latest), "");
  CAF_CHECK_EQUAL(gate("server/discover", revision::latest()), "");
}

CAF_TEST(lists name their items and cursor tags) {
  std::set<std::string_view> tags;
  size_t lists = 0;
  for (auto& r : method_table) {
    CAF_CHECK_EQUAL(r.is_list(), !r.cursor_tag.empty());
    if (!r.is_list())
      continue;
    ++lists;
    CAF_CHECK(tags.insert(r.cursor_tag).second);
    CAF_CHECK(r.type == message_type::request);
    CAF_CHECK(r.dir == direction::to_server);
  }
  CAF_CHECK_EQUAL(lists, 4u);
  CAF_CHECK_EQUAL(row_of(method_id::tools_list).list_key, "tools");
  CAF_CHECK_EQUAL(row_of(method_id::resources_list).list_key, "resources");
  CAF_CHECK_EQUAL(row_of(method_id::resources_templates_list).list_key,
                  "resourceTemplates");
  CAF_CHECK_EQUAL(row_of(method_id::prompts_list).list_key, "prompts");
}

CAF_TEST(only lifecycle methods come before initialize) {
  for (auto& r : method_table) {
    auto lifecycle = r.id == method_id::initialize || r.id == method_id::ping
                     || r.id == method_id::initialized;
    CAF_CHECK_EQUAL(r.before_initialize, lifecycle);
  }
}

CAF_TEST(notifications and requests are told apart by name) {
  for (auto& r : method_table) {
    auto is_notification = r.name.substr(0, 14) == "notifications/";
    CAF_CHECK_EQUAL(r.type == message_type::notification, is_notification);
  }
}

CAF_TEST(the 2026-07-28 columns name what the spec names) {
  std::set<std::string_view> cacheable, input, named;
  for (auto& r : method_table) {
    if (r.cacheable)
      cacheable.insert(r.name);
    if (r.may_need_input)
      input.insert(r.name);
    if (!r.name_param.empty())
      named.insert(r.name);
  }
  CAF_CHECK(cacheable
            == std::set<std::string_view>({"server/discover", "tools/list",
                                           "prompts/list", "resources/list",
                                           "resources/templates/list",
                                           "resources/read"}));
  auto mrtr = std::set<std::string_view>({"tools/call", "resources/read",
                                          "prompts/get"});
  CAF_CHECK(input == mrtr);
  CAF_CHECK(named == mrtr);
  CAF_CHECK_EQUAL(row_of(method_id::tools_call).name_param, "name");
  CAF_CHECK_EQUAL(row_of(method_id::prompts_get).name_param, "name");
  CAF_CHECK_EQUAL(row_of(method_id::resources_read).name_param, "uri");
}
