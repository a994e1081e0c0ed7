#define CAF_SUITE protocol.json_schema_suite
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include <boost/json/parse.hpp>

#include "protocol/json_schema.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace mcp::protocol;

namespace {

const fs::path suite_dir = fs::path{CAF_MCP_SOURCE_DIR}
                           / "tests/data/json-schema-test-suite";

json::value read_json(const fs::path& file) {
  std::ifstream in{file, std::ios::binary};
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

/// Registers every file under `dir` as `prefix` + its relative path; the
/// meta-schemas also without their ".json" (their `$id`s have none).
void add_documents(json_schema_documents& docs, const fs::path& dir,
                   const std::string& prefix, bool strip_extension) {
  for (auto& entry : fs::recursive_directory_iterator{dir}) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json")
      continue;
    auto rel = fs::relative(entry.path(), dir);
    if (strip_extension)
      rel.replace_extension();
    docs.emplace(prefix + rel.generic_string(), read_json(entry.path()));
  }
}

json_schema_documents all_documents() {
  json_schema_documents docs;
  add_documents(docs, suite_dir / "remotes", "http://localhost:1234/", false);
  add_documents(docs, suite_dir / "metaschema",
                "https://json-schema.org/draft/2020-12/", true);
  return docs;
}

/// A test by file (relative to tests/draft2020-12), case and test.
using test_id = std::tuple<std::string, std::string, std::string>;

/// The tests listed as failing on purpose; a case without "tests" lists
/// all of its tests as the wildcard "*".
std::set<test_id> expected_failures() {
  std::set<test_id> res;
  auto listed = read_json(suite_dir / "expected_failures.json");
  for (auto& entry : listed.as_array()) {
    auto& obj = entry.as_object();
    std::string file{obj.at("file").as_string()};
    std::string group{obj.at("case").as_string()};
    if (auto tests = obj.if_contains("tests"))
      for (auto& t : tests->as_array())
        res.emplace(file, group, std::string{t.as_string()});
    else
      res.emplace(file, group, "*");
  }
  return res;
}

struct tally {
  size_t passed = 0;
  size_t total = 0;
};

} // namespace

CAF_TEST(every draft 2020_12 test passes unless listed as out of scope) {
  auto docs = all_documents();
  auto expected = expected_failures();
  std::set<test_id> unexpected_pass;
  std::set<test_id> unexpected_fail;
  std::set<test_id> seen;
  std::map<std::string, tally> by_keyword;
  tally all;
  auto base = suite_dir / "tests/draft2020-12";
  std::vector<fs::path> files;
  for (auto& entry : fs::recursive_directory_iterator{base})
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  CAF_REQUIRE_GREATER(files.size(), 40u);
  for (auto& path : files) {
    auto file = fs::relative(path, base).generic_string();
    auto keyword = fs::relative(path, base).replace_extension().generic_string();
    auto& count = by_keyword[keyword];
    auto groups = read_json(path);
    for (auto& group_value : groups.as_array()) {
      auto& group = group_value.as_object();
      std::string group_name{group.at("description").as_string()};
      auto schema = json_schema::compile(group.at("schema"), docs);
      for (auto& test_value : group.at("tests").as_array()) {
        auto& test = test_value.as_object();
        std::string test_name{test.at("description").as_string()};
        auto want = test.at("valid").as_bool();
        bool ok = false;
        std::string why;
        if (!schema) {
          why = "schema refused: " + schema.error().what;
        } else {
          auto got = schema->validate(test.at("data"));
          ok = got.has_value() != want;
          if (!ok)
            why = got ? "refused: " + *got : std::string{"accepted"};
          if (schema->accepts(test.at("data")) != !got.has_value())
            CAF_FAIL(file << " / " << group_name << " / " << test_name
                          << ": accepts() disagrees with validate()");
        }
        test_id id{file, group_name, test_name};
        test_id any{file, group_name, "*"};
        bool listed = expected.count(id) > 0 || expected.count(any) > 0;
        seen.insert(expected.count(id) > 0 ? id : any);
        ++count.total;
        ++all.total;
        if (ok) {
          ++count.passed;
          ++all.passed;
          if (listed && expected.count(id) > 0)
            unexpected_pass.insert(id);
        } else if (!listed) {
          unexpected_fail.insert(id);
          CAF_MESSAGE("FAIL " << file << " / " << group_name << " / "
                              << test_name << ": " << why);
        }
      }
    }
  }
  for (auto& [keyword, count] : by_keyword)
    CAF_MESSAGE(keyword << ": " << count.passed << "/" << count.total);
  CAF_MESSAGE("all: " << all.passed << "/" << all.total);
  for (auto& id : unexpected_pass)
    CAF_MESSAGE("listed as failing but passes: " << std::get<0>(id) << " / "
                                                << std::get<1>(id) << " / "
                                                << std::get<2>(id));
  for (auto& id : expected)
    if (seen.count(id) == 0)
      CAF_MESSAGE("listed but not in the suite: " << std::get<0>(id) << " / "
                                                 << std::get<1>(id) << " / "
                                                 << std::get<2>(id));
  CAF_CHECK_EQUAL(unexpected_fail.size(), 0u);
  CAF_CHECK_EQUAL(unexpected_pass.size(), 0u);
  CAF_CHECK(std::all_of(expected.begin(), expected.end(),
                        [&](const test_id& id) { return seen.count(id) > 0; }));
}
