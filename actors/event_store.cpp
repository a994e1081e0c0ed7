#include "actors/event_store.hpp"

#include <deque>
#include <map>
#include <utility>

namespace mcp {

event_store::~event_store() {
  // nop
}

namespace {

class memory_event_store : public event_store {
public:
  explicit memory_event_store(size_t max_events) : max_(max_events) {
    // nop
  }

  void store(const std::string& session, uint64_t stream, uint64_t seq,
             std::string event) override {
    auto& events = streams_[{session, stream}];
    events.emplace_back(seq, std::move(event));
    if (events.size() > max_)
      events.pop_front();
  }

  void replay(const std::string& session, uint64_t stream, uint64_t after,
              const std::function<void(const std::string&)>& f) override {
    auto i = streams_.find({session, stream});
    if (i == streams_.end())
      return;
    for (auto& [seq, event] : i->second)
      if (seq > after)
        f(event);
  }

  void drop_stream(const std::string& session, uint64_t stream) override {
    streams_.erase({session, stream});
  }

  void drop_session(const std::string& session) override {
    auto first = streams_.lower_bound({session, 0});
    auto last = first;
    while (last != streams_.end() && last->first.first == session)
      ++last;
    streams_.erase(first, last);
  }

private:
  size_t max_;
  std::map<std::pair<std::string, uint64_t>,
           std::deque<std::pair<uint64_t, std::string>>>
    streams_;
};

} // namespace

std::shared_ptr<event_store> make_memory_event_store(size_t max_events) {
  return std::make_shared<memory_event_store>(max_events);
}

} // namespace mcp
