#include "actors/blocking_client.hpp"

#include <chrono>
#include <future>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/make_message.hpp>

#include "actors/atoms.hpp"
#include "actors/error.hpp"
#include "actors/progress.hpp"
#include "actors/requests.hpp"

namespace mcp {

namespace {

namespace json = boost::json;

/// How long to wait for the client's answer: a little longer than the
/// request's own limit, since the client enforces that limit itself.
caf::duration wait_limit(const request_options& opts) {
  constexpr auto margin = std::chrono::seconds(5);
  if (opts.max_total_timeout)
    return caf::duration{*opts.max_total_timeout + margin};
  if (opts.reset_timeout_on_progress)
    return caf::infinite;
  return caf::duration{opts.timeout + margin};
}

} // namespace

blocking_client::blocking_client(caf::actor_system& sys, caf::actor client)
  : self_(sys), client_(std::move(client)) {
  // nop
}

caf::expected<json::value> blocking_client::wait_for(caf::message msg,
                                                     caf::duration limit) {
  caf::expected<json::value> res{caf::sec::request_timeout};
  self_->request(client_, limit, std::move(msg))
    .receive([&](json::value& x) { res = std::move(x); },
             [&](caf::error& err) { res = std::move(err); });
  return res;
}

caf::expected<server_info> blocking_client::info() {
  caf::expected<server_info> res{caf::sec::request_timeout};
  self_->request(client_, std::chrono::seconds(65), server_info_atom::value)
    .receive([&](server_info& x) { res = std::move(x); },
             [&](caf::error& err) { res = std::move(err); });
  return res;
}

caf::expected<client_stats> blocking_client::stats() {
  caf::expected<client_stats> res{caf::sec::request_timeout};
  self_->request(client_, std::chrono::seconds(10), client_stats_atom::value)
    .receive([&](client_stats& x) { res = x; },
             [&](caf::error& err) { res = std::move(err); });
  return res;
}

caf::expected<json::value> blocking_client::request(client_request req) {
  auto limit = wait_limit(req.options);
  return wait_for(caf::make_message(std::move(req)), limit);
}

caf::expected<json::value>
blocking_client::request_all_pages(client_request req) {
  return wait_for(caf::make_message(all_pages_atom::value, std::move(req)),
                  caf::infinite);
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
  // Waits for the subscription's end, so every callback for progress that
  // came before the result has run when this returns.
  auto ended = std::make_shared<std::promise<void>>();
  auto end = ended->get_future();
  opts.progress = token;
  opts.progress_subscriptions.push_back(spawn_progress_callback(
    self_->home_system(), std::move(token), std::move(on_progress),
    [ended](const progress_done&) { ended->set_value(); }));
  auto res = call_tool(std::move(name), std::move(arguments), std::move(opts));
  end.wait_for(std::chrono::seconds(10));
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

} // namespace mcp
