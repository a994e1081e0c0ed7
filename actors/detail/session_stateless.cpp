#include "actors/detail/session_state.hpp"

#include "protocol/stateless.hpp"

namespace mcp::detail::session_impl {

namespace {

/// Marks the stateless request being dispatched for as long as it is.
class current_request {
public:
  current_request(session_state& st, std::shared_ptr<const client_view> client,
                  const protocol::method_row& row)
    : st_(st) {
    st_.current_client = std::move(client);
    st_.current_row = &row;
  }

  current_request(const current_request&) = delete;

  current_request& operator=(const current_request&) = delete;

  ~current_request() {
    st_.current_client = nullptr;
    st_.current_row = nullptr;
  }

private:
  session_state& st_;
};

} // namespace

const protocol::server_capabilities& declared_to(session_state& st) {
  if (!st.current_client)
    return st.declared;
  if (!st.stateless_caps) {
    st.stateless_caps = declare_capabilities(st);
  }
  return *st.stateless_caps;
}

bool stateless(const session_state& st) noexcept {
  return st.current_client != nullptr;
}

void on_stateless_request(session_actor* self,
                          const protocol::incoming_message& in) {
  auto& st = self->state;
  auto& id = *in.id;
  if (in_use(st, id)) {
    reply_error(self, nullptr, id, error_code::invalid_request,
                "request id " + id.to_json_text()
                  + " is already used by a request in progress");
    return;
  }
  auto meta = protocol::read_request_meta(in.params);
  if (!meta) {
    auto err = meta.error();
    reply_error(self, nullptr, id, err.code, err.message, err.data);
    return;
  }
  auto row = protocol::find_method(in.method);
  if (row == nullptr || row->type != protocol::message_type::request
      || row->dir == protocol::direction::to_client || !row->in(meta->rev)) {
    reply_error(self, nullptr, id, error_code::method_not_found,
                "Method not found: " + std::string{in.method});
    return;
  }
  auto client = std::make_shared<client_view>();
  client->revision = meta->rev;
  client->capabilities = std::move(meta->capabilities);
  client->capabilities.raw = own(client->capabilities.raw);
  client->capabilities.experimental = own(client->capabilities.experimental);
  client->info = own(meta->client_info);
  client->log_level = meta->level;
  current_request guard{st, std::move(client), *row};
  auto cap = row->gate(meta->rev);
  if (!protocol::declares(declared_to(st), cap)) {
    reply_error(self, nullptr, id, error_code::method_not_found,
                "Method not found: " + std::string{in.method}
                  + " (the server does not declare \""
                  + std::string{protocol::capability_name(cap)} + "\")");
    return;
  }
  dispatch(self, nullptr, in, *row);
}

} // namespace mcp::detail::session_impl
