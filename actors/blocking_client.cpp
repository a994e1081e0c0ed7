#include "actors/blocking_client.hpp"


#include <caf/actor_system.hpp>
#include <caf/make_message.hpp>
#include <caf/send.hpp>

#include "actors/atoms.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/requests.hpp"

namespace mcp {

namespace {

namespace json = boost::json;

} // namespace

blocking_client::blocking_client(caf::actor_system& sys, caf::actor client)
  : self_(sys), client_(std::move(client)) {
  self_->monitor(client_);
}

template <class T>
caf::expected<T> blocking_client::ask(caf::message msg) {
  // The client answers every request itself (result, error, timeout or
  // session end); a monitor covers the one case it cannot: being killed.
  // Waiting without a CAF request timeout saves the clock thread two
  // wake-ups per call.
  caf::expected<T> res{caf::sec::invalid_argument};
  if (gone_) {
    res = gone_;
    return res;
  }
  self_->send(client_, std::move(msg));
  self_->receive(
    [&](T& x) { res = std::move(x); },
    [&](caf::error& err) { res = std::move(err); },
    [&](caf::down_msg& dm) {
      gone_ = make_error(errc::session_closed,
                         "client is gone: " + describe(dm.reason));
      res = gone_;
    });
  return res;
}

caf::expected<json::value> blocking_client::wait_for(caf::message msg) {
  return ask<json::value>(std::move(msg));
}

caf::expected<server_info> blocking_client::info() {
  return ask<server_info>(caf::make_message(server_info_atom::value));
}

caf::expected<client_stats> blocking_client::stats() {
  return ask<client_stats>(caf::make_message(client_stats_atom::value));
}

caf::expected<json::value> blocking_client::request(client_request req) {
  return wait_for(caf::make_message(std::move(req)));
}

caf::expected<json::value>
blocking_client::request_all_pages(client_request req) {
  return wait_for(caf::make_message(all_pages_atom::value, std::move(req)));
}

caf::expected<json::value> blocking_client::ping(request_options opts) {
  return request(requests::ping(std::move(opts)));
}

caf::expected<json::value> blocking_client::list_tools(std::string cursor,
                                                       request_options opts) {
  return request(requests::list_tools(std::move(cursor), std::move(opts)));
}

caf::expected<json::value>
blocking_client::list_all_tools(request_options opts) {
  return request_all_pages(requests::list_tools({}, std::move(opts)));
}

caf::expected<json::value> blocking_client::call_tool(std::string name,
                                                      json::value arguments,
                                                      request_options opts) {
  return request(requests::call_tool(std::move(name), std::move(arguments),
                                     std::move(opts)));
}

caf::expected<json::value>
blocking_client::call_tool(std::string name, json::value arguments,
                           progress_token token, progress_callback on_progress,
                           request_options opts) {
  // The client answers only after the subscription has run its last
  // callback, so every callback for progress before the result has run when
  // this returns.
  if (gone_)
    return gone_;
  opts.progress = token;
  auto sub = spawn_progress_callback(self_->home_system(), std::move(token),
                                     std::move(on_progress));
  opts.progress_subscriptions.push_back(sub);
  auto res = call_tool(std::move(name), std::move(arguments), std::move(opts));
  if (gone_) {
    // The client died: nobody will end the subscription.
    caf::anon_send_exit(sub, caf::exit_reason::user_shutdown);
  }
  return res;
}

caf::expected<json::value>
blocking_client::list_resources(std::string cursor, request_options opts) {
  return request(requests::list_resources(std::move(cursor), std::move(opts)));
}

caf::expected<json::value>
blocking_client::list_all_resources(request_options opts) {
  return request_all_pages(requests::list_resources({}, std::move(opts)));
}

caf::expected<json::value>
blocking_client::list_resource_templates(std::string cursor,
                                         request_options opts) {
  return request(
    requests::list_resource_templates(std::move(cursor), std::move(opts)));
}

caf::expected<json::value> blocking_client::read_resource(std::string uri,
                                                          request_options opts) {
  return request(requests::read_resource(std::move(uri), std::move(opts)));
}

caf::expected<json::value>
blocking_client::subscribe_resource(std::string uri, request_options opts) {
  return request(requests::subscribe_resource(std::move(uri), std::move(opts)));
}

caf::expected<json::value>
blocking_client::unsubscribe_resource(std::string uri, request_options opts) {
  return request(
    requests::unsubscribe_resource(std::move(uri), std::move(opts)));
}

caf::expected<json::value> blocking_client::list_prompts(std::string cursor,
                                                         request_options opts) {
  return request(requests::list_prompts(std::move(cursor), std::move(opts)));
}

caf::expected<json::value>
blocking_client::list_all_prompts(request_options opts) {
  return request_all_pages(requests::list_prompts({}, std::move(opts)));
}

caf::expected<json::value> blocking_client::get_prompt(std::string name,
                                                       json::object arguments,
                                                       request_options opts) {
  return request(requests::get_prompt(std::move(name), std::move(arguments),
                                      std::move(opts)));
}

caf::expected<json::value>
blocking_client::complete(json::object ref, std::string argument,
                          std::string value, json::object context_arguments,
                          request_options opts) {
  return request(requests::complete(std::move(ref), std::move(argument),
                                    std::move(value),
                                    std::move(context_arguments),
                                    std::move(opts)));
}

caf::expected<json::value>
blocking_client::set_logging_level(std::string level, request_options opts) {
  return request(requests::set_logging_level(std::move(level), std::move(opts)));
}

void blocking_client::register_progress_callback(progress_token token,
                                                 progress_callback fn) {
  auto sub = spawn_progress_callback(self_->home_system(), token,
                                     std::move(fn));
  self_->send(client_, attach_atom::value, std::move(token), std::move(sub));
}

void blocking_client::unregister_progress_callback(progress_token token) {
  self_->send(client_, unregister_atom::value, std::move(token));
}

void blocking_client::shutdown() {
  self_->send(client_, shutdown_atom::value);
}

bool blocking_client::stop(caf::timespan timeout) {
  if (gone_)
    return true;
  self_->send(client_, shutdown_atom::value);
  auto ended = false;
  self_->receive_while([&] { return !ended; })(
    [&](caf::down_msg& dm) {
      if (dm.source == client_.address()) {
        gone_ = make_error(errc::session_closed, "client shut down");
        ended = true;
      }
    },
    caf::after(timeout) >> [&] { ended = true; });
  return static_cast<bool>(gone_);
}

} // namespace mcp
