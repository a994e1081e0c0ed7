#define CAF_SUITE actors.event_store
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "actors/event_store.hpp"

namespace {

std::vector<std::string> replay(mcp::event_store& store,
                                const std::string& session, uint64_t stream,
                                uint64_t after) {
  std::vector<std::string> res;
  store.replay(session, stream, after,
               [&](const std::string& x) { res.push_back(x); });
  return res;
}

} // namespace

CAF_TEST(the memory store replays what came after an event) {
  auto store = mcp::make_memory_event_store(3);
  for (uint64_t seq = 1; seq <= 5; ++seq)
    store->store("a", 1, seq, "e" + std::to_string(seq));
  store->store("a", 2, 1, "other stream");
  store->store("b", 1, 1, "other session");
  // Only the last three are kept.
  CAF_CHECK_EQUAL(replay(*store, "a", 1, 0),
                  (std::vector<std::string>{"e3", "e4", "e5"}));
  CAF_CHECK_EQUAL(replay(*store, "a", 1, 4), std::vector<std::string>{"e5"});
  CAF_CHECK(replay(*store, "a", 1, 5).empty());
  CAF_CHECK(replay(*store, "a", 9, 0).empty());
  store->drop_stream("a", 1);
  CAF_CHECK(replay(*store, "a", 1, 0).empty());
  CAF_CHECK_EQUAL(replay(*store, "a", 2, 0).size(), 1u);
  store->drop_session("a");
  CAF_CHECK(replay(*store, "a", 2, 0).empty());
  CAF_CHECK_EQUAL(replay(*store, "b", 1, 0),
                  std::vector<std::string>{"other session"});
}
