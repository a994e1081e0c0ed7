#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mcp::protocol {

// -- events -------------------------------------------------------------------

/// One dispatched Server-Sent Event, as the event-stream interpretation of
/// the WHATWG HTML standard defines it.
struct sse_event {
  /// The value of the last `event` field; empty means "message".
  std::string event;
  /// The `data` lines joined with '\n', without a trailing '\n'.
  std::string data;
  /// The last event ID of the stream when the event was dispatched: set by
  /// this event's `id` field or, without one, kept from an earlier event.
  std::string id;
  /// Whether this event's own lines held a valid `id` field (possibly empty).
  bool has_id = false;
  /// The reconnection time in milliseconds that this event's own lines set.
  std::optional<uint64_t> retry;

  /// Returns the event type: `event`, or "message" if empty.
  std::string_view type() const noexcept {
    return event.empty() ? std::string_view{"message"} : event;
  }
};

/// Why an `sse_parser` skipped an event.
enum class sse_error : uint8_t {
  /// A line is longer than the size limit.
  line_too_long,
  /// The data lines of an event add up to more than the size limit.
  event_too_large,
};

/// Returns the name of `x` ("line_too_long", "event_too_large").
std::string_view to_string(sse_error x) noexcept;

// -- parsing ------------------------------------------------------------------

/// Splits a `text/event-stream` byte stream into events without doing any
/// I/O. Chunks may split the stream anywhere, including between the CR and
/// the LF of a line end or inside a UTF-8 sequence. Bytes pass through as
/// they are (no UTF-8 validation). Memory stays bounded by the size limit:
/// an event with a line or data over it is skipped whole, reported once and
/// never buffered, and has no effect on the last event ID or the
/// reconnection time. Comment lines cost nothing at any length.
class sse_parser {
public:
  // -- constants --------------------------------------------------------------

  /// The default limit for a line and for the data of an event.
  static constexpr size_t default_max_event_size = 4 * 1024 * 1024;

  // -- constructors -----------------------------------------------------------

  /// Creates a parser that skips events with a line or data longer than
  /// `max_event_size` bytes.
  explicit sse_parser(size_t max_event_size = default_max_event_size)
    : max_(max_event_size) {
    // nop
  }

  // -- properties -------------------------------------------------------------

  /// Returns the size limit for a line and for the data of an event.
  size_t max_event_size() const noexcept {
    return max_;
  }

  /// Returns the last event ID, as of the last event or empty line (also
  /// set by events without data, which are not dispatched).
  const std::string& last_event_id() const noexcept {
    return last_id_;
  }

  /// Returns the reconnection time in milliseconds that the stream set last.
  std::optional<uint64_t> retry() const noexcept {
    return retry_;
  }

  /// Returns the number of bytes of an incomplete line held back.
  size_t buffered() const noexcept {
    return partial_.size();
  }

  // -- parsing ----------------------------------------------------------------

  /// Consumes `bytes`. Calls `on_event(sse_event&&)` for each dispatched
  /// event and `on_error(sse_error)` for each skipped event, as soon as the
  /// parser decides to skip it. The event is valid only during the call;
  /// moving from it is fine.
  template <class OnEvent, class OnError>
  void feed(std::string_view bytes, OnEvent&& on_event, OnError&& on_error) {
    struct callbacks {
      OnEvent& on_event;
      OnError& on_error;
    };
    callbacks cbs{on_event, on_error};
    sinks out{&cbs,
              [](void* ptr, sse_event& ev) {
                static_cast<callbacks*>(ptr)->on_event(std::move(ev));
              },
              [](void* ptr, sse_error err) {
                static_cast<callbacks*>(ptr)->on_error(err);
              }};
    run(bytes, out);
  }

  /// Ends the stream: discards an incomplete event, as the standard says,
  /// and readies the parser for the next stream (e.g. after reconnecting),
  /// which may start with a BOM again. Keeps the last event ID, which the
  /// events of the next stream inherit (as browsers do), and the
  /// reconnection time.
  void finish() noexcept;

private:
  struct sinks {
    void* ptr;
    void (*on_event)(void*, sse_event&);
    void (*on_error)(void*, sse_error);
  };

  void run(std::string_view bytes, const sinks& out);

  /// Takes the start of a line that the current chunk does not end.
  void hold(std::string_view bytes, const sinks& out);

  /// Completes a line with its rest from the current chunk.
  void end_line(std::string_view line, const sinks& out);

  void on_line(std::string_view line, const sinks& out);

  void on_field(std::string_view name, std::string_view value,
                const sinks& out);

  void dispatch(const sinks& out);

  void skip_event(sse_error reason, const sinks& out);

  void reset_event() noexcept;

  size_t max_;
  /// The start of an incomplete line.
  std::string partial_;
  /// The data buffer, each line followed by '\n'.
  std::string data_;
  /// The event type buffer.
  std::string type_;
  /// The last event ID buffer, committed to `last_id_` at each empty line.
  std::string id_;
  std::string last_id_;
  std::optional<uint64_t> retry_;
  /// The reconnection time before this event's first `retry` field.
  std::optional<uint64_t> retry_before_;
  /// The event handed to `on_event`, reused to keep its capacity.
  sse_event event_;
  bool has_id_ = false;
  bool has_retry_ = false;
  /// Whether the current event is being skipped up to the next empty line.
  bool skipping_ = false;
  /// Whether the rest of the current (non-empty) line is being dropped.
  bool dropping_line_ = false;
  /// Whether a LF right after the last CR belongs to that CR's line end.
  bool after_cr_ = false;
  /// How many bytes of a leading BOM matched; 3 once past the stream start.
  uint8_t bom_ = 0;
};

// -- writing ------------------------------------------------------------------

/// Appends an event with `data` to `out`: one `data:` line for each line of
/// `data` (split at CR LF, CR and LF, which a parser gives back as LF), plus
/// an `id:` line unless `id` is empty and an `event:` line unless `event` is
/// empty. Returns false and leaves `out` as it is if `id` holds CR, LF or
/// NUL, or `event` holds CR or LF, since a parser could not read them back.
bool append_sse_event(std::string& out, std::string_view data,
                      std::string_view id = {}, std::string_view event = {});

/// Appends the priming event that MCP servers send first on a resumable
/// stream: the event ID `id` and an empty `data:` line ("id: 7\ndata:\n\n"),
/// which parsers dispatch as a "message" with empty data. Returns false and
/// leaves `out` as it is if `id` is empty or holds CR, LF or NUL.
bool append_sse_priming_event(std::string& out, std::string_view id);

/// Appends a block that sets the reconnection time to `ms` milliseconds
/// ("retry: 1000\n\n"), as MCP servers send before closing a stream.
void append_sse_retry(std::string& out, uint64_t ms);

/// Appends a comment, ignored by parsers, for keep-alives: one `:` line for
/// each line of `text` and an empty line (": keep-alive\n\n").
void append_sse_comment(std::string& out, std::string_view text = {});

} // namespace mcp::protocol
