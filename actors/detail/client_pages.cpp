#include "actors/detail/client_state.hpp"

#include <algorithm>

#include <caf/scheduled_actor.hpp>

#include "actors/detail/actor_ops.hpp"
#include "actors/error.hpp"
#include "actors/requests.hpp"

namespace mcp::detail {

namespace {

namespace json = boost::json;

constexpr size_t max_pages = 100000;

} // namespace

void client_state::start_walk(caf::response_promise rp, client_request req) {
  auto walk = std::make_shared<page_walk>();
  walk->promise = std::move(rp);
  walk->key = requests::items_key(req.method);
  if (walk->key.empty()) {
    walk->promise.deliver(
      make_error(errc::invalid_argument, req.method + " is not paginated"));
    return;
  }
  walk->base = std::move(req);
  walks.push_back(walk);
  next_page(std::move(walk), {});
}

void client_state::finish_walk(const std::shared_ptr<page_walk>& walk,
                               std::variant<json::value, caf::error> x) {
  auto i = std::find(walks.begin(), walks.end(), walk);
  if (i == walks.end())
    return;
  walks.erase(i);
  deliver(walk->promise, std::move(x));
}

void client_state::next_page(std::shared_ptr<page_walk> walk,
                             std::string cursor) {
  auto req = walk->base;
  // Progress settings apply to the first page only: its subscriptions end
  // with it.
  walk->base.options.progress = caf::none;
  walk->base.options.progress_subscribers.clear();
  walk->base.options.progress_subscriptions.clear();
  if (!cursor.empty()) {
    if (!req.params.is_object())
      req.params = json::object{};
    req.params.get_object()["cursor"] = cursor;
  }
  auto on_page = [this, walk](json::value& page) {
    auto obj = page.if_object();
    auto items = obj ? obj->if_contains(walk->key) : nullptr;
    if (items == nullptr || !items->is_array()) {
      finish_walk(walk, make_error(errc::invalid_argument,
                                   "page of " + walk->base.method
                                     + " lacks \"" + walk->key + "\""));
      return;
    }
    for (auto& x : items->get_array())
      walk->items.push_back(std::move(x));
    auto next = obj->if_contains("nextCursor");
    if (next != nullptr && next->is_string()) {
      std::string cursor{next->get_string()};
      if (walk->seen.size() >= max_pages
          || !walk->seen.insert(cursor).second) {
        finish_walk(walk, make_error(errc::invalid_argument,
                                     walk->base.method
                                       + ": server repeated cursor "
                                       + cursor));
        return;
      }
      next_page(walk, std::move(cursor));
      return;
    }
    json::object res;
    res.emplace(walk->key, std::move(walk->items));
    finish_walk(walk, json::value(std::move(res)));
  };
  request_from(self, caf::actor_cast<caf::actor>(self), caf::infinite,
               caf::behavior{std::move(on_page),
                [this, walk](caf::error& err) { finish_walk(walk, err); }},
               std::move(req));
}

} // namespace mcp::detail
