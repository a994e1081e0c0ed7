#define CAF_SUITE protocol.sse
#include <caf/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/sse.hpp"

using namespace mcp::protocol;

namespace {

using strings = std::vector<std::string>;

/// Renders an event as "type id=ID[!] [retry=N ]data=DATA", where "!" marks
/// an id that the event's own lines set.
std::string show(const sse_event& ev) {
  std::string res{ev.type()};
  res += " id=";
  res += ev.id;
  if (ev.has_id)
    res += '!';
  if (ev.retry) {
    res += " retry=";
    res += std::to_string(*ev.retry);
  }
  res += " data=";
  res += ev.data;
  return res;
}

struct fixture {
  sse_parser parser{64};
  strings events;
  strings errors;

  void feed(std::string_view bytes) {
    parser.feed(
      bytes, [this](sse_event&& ev) { events.push_back(show(ev)); },
      [this](sse_error err) { errors.emplace_back(to_string(err)); });
  }

  void feed_bytewise(std::string_view bytes) {
    for (auto& c : bytes)
      feed(std::string_view{&c, 1});
  }

  /// Parses `bytes` with a fresh parser, split at the offsets in `cuts`.
  static strings parse_split(std::string_view bytes,
                             std::initializer_list<size_t> cuts) {
    fixture f;
    size_t pos = 0;
    for (auto cut : cuts) {
      f.feed(bytes.substr(pos, cut - pos));
      pos = cut;
    }
    f.feed(bytes.substr(pos));
    if (!f.errors.empty())
      return {"unexpected error " + f.errors.front()};
    return f.events;
  }
};

/// A stream that uses every feature of the format: a BOM, all line ends,
/// comments, ids, retries, event types, fields without colon, unknown fields
/// and multi-line data.
constexpr std::string_view mixed_stream
  = "\xEF\xBB\xBF"
    ": welcome\r\n"
    "id: 1\r\n"
    "data: first\r\n"
    "\r\n"
    "event: note\r"
    "data:  two\r"
    "data:lines\r"
    "\r"
    "retry: 2500\n"
    "data\n"
    "foo: ignored\n"
    "\n"
    "id: 2\r\n"
    "\r\n"
    "data: {\"jsonrpc\":\"2.0\"}\n"
    "data: caf\xC3\xA9\n"
    "\n";

const strings mixed_events = {
  "message id=1! data=first",
  "note id=1 data= two\nlines",
  "message id=1 retry=2500 data=",
  "message id=2 data={\"jsonrpc\":\"2.0\"}\ncaf\xC3\xA9",
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(sse_tests, fixture)

// -- parsing ------------------------------------------------------------------

CAF_TEST(a simple event) {
  feed("data: hello\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=hello"}));
  CAF_CHECK(errors.empty());
  CAF_CHECK_EQUAL(parser.buffered(), 0u);
}

CAF_TEST(a mixed stream in one chunk) {
  feed(mixed_stream);
  CAF_CHECK_EQUAL(events, mixed_events);
  CAF_CHECK(errors.empty());
  CAF_CHECK_EQUAL(parser.last_event_id(), "2");
  CAF_CHECK_EQUAL(parser.retry().value_or(0), 2500u);
}

CAF_TEST(every split point gives the same events) {
  for (size_t i = 0; i <= mixed_stream.size(); ++i)
    CAF_CHECK_EQUAL(parse_split(mixed_stream, {i}), mixed_events);
}

CAF_TEST(every pair of split points gives the same events) {
  auto n = mixed_stream.size();
  size_t failures = 0;
  for (size_t i = 0; i <= n; ++i)
    for (size_t j = i; j <= n; ++j)
      if (parse_split(mixed_stream, {i, j}) != mixed_events)
        ++failures;
  CAF_CHECK_EQUAL(failures, 0u);
}

CAF_TEST(one byte at a time gives the same events) {
  feed_bytewise(mixed_stream);
  CAF_CHECK_EQUAL(events, mixed_events);
  CAF_CHECK(errors.empty());
}

CAF_TEST(lf cr and crlf all end lines) {
  feed("data: a\n\ndata: b\r\rdata: c\r\n\r\ndata: d\n\r\n\r");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a", "message id= data=b",
                                   "message id= data=c",
                                   "message id= data=d"}));
}

CAF_TEST(a crlf split across chunks is one line end) {
  feed("data: a\r");
  CAF_CHECK(events.empty());
  feed("\ndata: b\r");
  feed("\n\r");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a\nb"}));
  feed("\n");
  CAF_CHECK_EQUAL(events.size(), 1u);
  feed("data: c\r");
  feed("data: d\r");
  feed("\r");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a\nb",
                                   "message id= data=c\nd"}));
}

CAF_TEST(a lone cr at a chunk end does not swallow the next line) {
  feed("data: a\r");
  feed("\r");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a"}));
}

CAF_TEST(many cr line ends in one chunk) {
  std::string stream;
  for (int i = 0; i < 1000; ++i)
    stream += "data: x\r\r";
  feed(stream);
  CAF_CHECK_EQUAL(events.size(), 1000u);
}

CAF_TEST(comments are ignored and dispatch nothing) {
  feed(": ping\n\n:\n\ndata: a\n: inside\ndata: b\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a\nb"}));
  feed(":" + std::string(1000, 'c') + "\n");
  feed(":" + std::string(1000, 'c'));
  CAF_CHECK_EQUAL(parser.buffered(), 0u);
  feed(std::string(1000, 'c') + "\ndata: ok\n\n");
  CAF_CHECK(errors.empty());
  CAF_CHECK_EQUAL(events.back(), "message id= data=ok");
}

CAF_TEST(a leading bom is skipped) {
  feed("\xEF\xBB\xBF" "data: a\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a"}));
}

CAF_TEST(a leading bom split across chunks is skipped) {
  feed("\xEF");
  feed("\xBB");
  feed("\xBF");
  feed("data: a\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a"}));
}

CAF_TEST(only the first bom is skipped) {
  feed("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\ndata: b\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=b"}));
}

CAF_TEST(a partial bom stays part of the first line) {
  feed("\xEF");
  feed("\xBB" "data: a\n\ndata: b\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=b"}));
}

CAF_TEST(the next stream after finish may start with a bom) {
  feed("\xEF\xBB\xBF" "data: a\n\n");
  parser.finish();
  feed("\xEF\xBB\xBF" "data: b\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a",
                                   "message id= data=b"}));
}

CAF_TEST(a bom later in the stream is data) {
  feed("data: a\n\n");
  feed("\xEF\xBB\xBF" "data: b\n\n");
  feed("data: \xEF\xBB\xBF\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a",
                                   "message id= data=\xEF\xBB\xBF"}));
}

CAF_TEST(the id persists across events) {
  feed("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id=1! data=a",
                                   "message id=1 data=b",
                                   "message id=2! data=c"}));
  CAF_CHECK_EQUAL(parser.last_event_id(), "2");
}

CAF_TEST(an empty id resets the last event id) {
  feed("id: 1\ndata: a\n\nid\ndata: b\n\nid:\ndata: c\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id=1! data=a",
                                   "message id=! data=b",
                                   "message id=! data=c"}));
  CAF_CHECK_EQUAL(parser.last_event_id(), "");
}

CAF_TEST(an id with nul is ignored) {
  feed("id: 1\ndata: a\n\n");
  feed(std::string_view{"id: x\0y\ndata: b\n\n", 17});
  CAF_CHECK_EQUAL(events, (strings{"message id=1! data=a",
                                   "message id=1 data=b"}));
  CAF_CHECK_EQUAL(parser.last_event_id(), "1");
}

CAF_TEST(the last id of an event wins) {
  feed("id: 1\nid: 2\ndata: a\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id=2! data=a"}));
}

CAF_TEST(an event without data sets the id without dispatching) {
  feed("id: 7\n\n");
  CAF_CHECK(events.empty());
  CAF_CHECK_EQUAL(parser.last_event_id(), "7");
  feed("data: a\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id=7 data=a"}));
}

CAF_TEST(the id takes effect only at the end of its event) {
  feed("id: 7\ndata: a\n");
  CAF_CHECK_EQUAL(parser.last_event_id(), "");
  feed("\n");
  CAF_CHECK_EQUAL(parser.last_event_id(), "7");
}

CAF_TEST(finish discards an incomplete event and keeps the last id) {
  feed("id: 7\ndata: a\n\nid: 8\ndata: b\n");
  parser.finish();
  CAF_CHECK_EQUAL(events, (strings{"message id=7! data=a"}));
  CAF_CHECK_EQUAL(parser.last_event_id(), "7");
  feed("\xEF\xBB\xBF" "\n");
  CAF_CHECK_EQUAL(events.size(), 1u);
  feed("data: c\n\n");
  CAF_CHECK_EQUAL(events.back(), "message id=7 data=c");
}

CAF_TEST(finish discards an incomplete line) {
  feed("data: a\n\ndata: b");
  CAF_CHECK_EQUAL(parser.buffered(), 7u);
  parser.finish();
  CAF_CHECK_EQUAL(parser.buffered(), 0u);
  feed("\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a"}));
}

CAF_TEST(a valid retry sets the reconnection time) {
  CAF_CHECK(!parser.retry().has_value());
  feed("retry: 1500\n\n");
  CAF_CHECK(events.empty());
  CAF_CHECK_EQUAL(parser.retry().value_or(0), 1500u);
  feed("retry:0\ndata: a\n\ndata: b\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= retry=0 data=a",
                                   "message id= data=b"}));
  CAF_CHECK_EQUAL(parser.retry().value_or(1), 0u);
}

CAF_TEST(a retry takes effect before the end of its event) {
  feed("retry: 10\n");
  CAF_CHECK_EQUAL(parser.retry().value_or(0), 10u);
}

CAF_TEST(an invalid retry is ignored) {
  feed("retry: 1500\n\n");
  for (auto line : {"retry: 15x\n", "retry: -1\n", "retry:  10\n", "retry:\n",
                    "retry\n", "retry: 1.5\n", "retry: +5\n", "retry: 10 \n",
                    "Retry: 10\n"})
    feed(line);
  feed("data: a\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a"}));
  CAF_CHECK_EQUAL(parser.retry().value_or(0), 1500u);
}

CAF_TEST(an overlong retry saturates) {
  feed("retry: 99999999999999999999999999\n\n");
  CAF_CHECK_EQUAL(parser.retry().value_or(0), UINT64_MAX);
  feed("retry: 18446744073709551615\n\n");
  CAF_CHECK_EQUAL(parser.retry().value_or(0), UINT64_MAX);
  feed("retry: 18446744073709551614\n\n");
  CAF_CHECK_EQUAL(parser.retry().value_or(0), UINT64_MAX - 1);
}

CAF_TEST(an event without data lines is not dispatched) {
  feed("event: x\n\nid: 1\nretry: 5\nfoo: bar\n\n\n\n");
  CAF_CHECK(events.empty());
  feed("data: a\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id=1 data=a"}));
}

CAF_TEST(an empty data line dispatches an empty event) {
  feed("data\n\ndata:\n\ndata: \n\nevent: e\ndata:\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=", "message id= data=",
                                   "message id= data=", "e id= data="}));
}

CAF_TEST(data lines join with newlines) {
  feed("data: a\ndata:\ndata:  b\ndata\ndata: c\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a\n\n b\n\nc"}));
}

CAF_TEST(only the last newline of data is removed) {
  feed("data: a\ndata:\n\ndata:\ndata:\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=a\n",
                                   "message id= data=\n"}));
}

CAF_TEST(one space after the colon is stripped) {
  feed("data:x\n\ndata: x\n\ndata:  x\n\ndata:\tx\n\ndata: a: b\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=x", "message id= data=x",
                                   "message id= data= x",
                                   "message id= data=\tx",
                                   "message id= data=a: b"}));
}

CAF_TEST(a field without colon has an empty value) {
  feed("event: e\nevent\ndata\n\nid: 1\nid\ndata\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=", "message id=! data="}));
}

CAF_TEST(the event type applies to one event) {
  feed("event: a\nevent: b\ndata: x\n\ndata: y\n\n");
  CAF_CHECK_EQUAL(events, (strings{"b id= data=x", "message id= data=y"}));
}

CAF_TEST(unknown and misspelled fields are ignored) {
  feed("foo: bar\nDATA: x\n data: x\ndata : x\nevents: e\nid : 1\n"
       "data: ok\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=ok"}));
}

CAF_TEST(a moved from event does not disturb the next) {
  std::vector<sse_event> got;
  auto on_error = [](sse_error) {};
  parser.feed(
    "event: e\nid: 1\ndata: a\n\n",
    [&](sse_event&& ev) { got.push_back(std::move(ev)); }, on_error);
  parser.feed(
    "data: b\n\ndata: c\n\n",
    [&](const sse_event& ev) { got.push_back(ev); }, on_error);
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(show(got[0]), "e id=1! data=a");
  CAF_CHECK_EQUAL(show(got[1]), "message id=1 data=b");
  CAF_CHECK_EQUAL(show(got[2]), "message id=1 data=c");
}

// -- size limits --------------------------------------------------------------

CAF_TEST(a line of exactly the limit passes) {
  auto line = "data: " + std::string(58, 'x');
  CAF_REQUIRE_EQUAL(line.size(), 64u);
  feed(line + "\n\n");
  feed(line.substr(0, 30));
  feed(line.substr(30) + "\n\n");
  CAF_CHECK(errors.empty());
  CAF_CHECK_EQUAL(events.size(), 2u);
}

CAF_TEST(an overlong line in one chunk skips its event) {
  feed("id: 1\ndata: a\ndata: " + std::string(59, 'x')
       + "\ndata: b\nid: 2\n\ndata: ok\n\n");
  CAF_CHECK_EQUAL(errors, (strings{"line_too_long"}));
  CAF_CHECK_EQUAL(events, (strings{"message id= data=ok"}));
  CAF_CHECK_EQUAL(parser.last_event_id(), "");
}

CAF_TEST(an overlong line across chunks skips its event) {
  feed("data: " + std::string(40, 'x'));
  feed(std::string(40, 'x'));
  CAF_CHECK_EQUAL(errors, (strings{"line_too_long"}));
  CAF_CHECK_EQUAL(parser.buffered(), 0u);
  feed("\ndata: ok\n\n");
  CAF_CHECK_EQUAL(events.size(), 0u);
  feed("\ndata: ok\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=ok"}));
  CAF_CHECK_EQUAL(errors.size(), 1u);
}

CAF_TEST(a line that its last chunk makes overlong skips its event) {
  feed("data: " + std::string(40, 'x'));
  CAF_CHECK(errors.empty());
  feed(std::string(40, 'x') + "\n\ndata: ok\n\n");
  CAF_CHECK_EQUAL(errors, (strings{"line_too_long"}));
  CAF_CHECK_EQUAL(events, (strings{"message id= data=ok"}));
}

CAF_TEST(an endless line never grows the buffer) {
  feed("id: 1\ndata: a\n\nid: 2\nretry: 9\ndata: ");
  for (int i = 0; i < 1000; ++i) {
    feed(std::string(1000, 'x'));
    CAF_REQUIRE_LESS_OR_EQUAL(parser.buffered(), 64u);
  }
  CAF_CHECK_EQUAL(errors, (strings{"line_too_long"}));
  feed("\nid: 3\ndata: b\n" + std::string(1000, 'y') + "\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id=1! data=a"}));
  CAF_CHECK_EQUAL(parser.last_event_id(), "1");
  CAF_CHECK(!parser.retry().has_value());
  feed("data: c\n\n");
  CAF_CHECK_EQUAL(events.back(), "message id=1 data=c");
  CAF_CHECK_EQUAL(errors.size(), 1u);
}

CAF_TEST(data of exactly the limit passes) {
  feed("data: " + std::string(31, 'a') + "\ndata: " + std::string(32, 'b')
       + "\n\n");
  CAF_CHECK(errors.empty());
  CAF_REQUIRE_EQUAL(events.size(), 1u);
  CAF_CHECK_EQUAL(events[0].size(), std::string{"message id= data="}.size()
                                      + 64u);
}

CAF_TEST(data over the limit skips its event) {
  auto line = "data: " + std::string(30, 'z') + "\n";
  feed("retry: 5\n\nretry: 7\nid: 9\n" + line + line + line);
  CAF_CHECK_EQUAL(errors, (strings{"event_too_large"}));
  feed(line + line + "\n");
  CAF_CHECK(events.empty());
  CAF_CHECK_EQUAL(parser.retry().value_or(0), 5u);
  CAF_CHECK_EQUAL(parser.last_event_id(), "");
  feed("data: ok\n\n");
  CAF_CHECK_EQUAL(events, (strings{"message id= data=ok"}));
  CAF_CHECK_EQUAL(errors.size(), 1u);
}

CAF_TEST(each skipped event reports once) {
  auto big = "data: " + std::string(100, 'q') + "\n";
  feed(big + big + "\n" + big + "\n" + "data: ok\n\n");
  CAF_CHECK_EQUAL(errors, (strings{"line_too_long", "line_too_long"}));
  CAF_CHECK_EQUAL(events, (strings{"message id= data=ok"}));
}

// -- writing ------------------------------------------------------------------

CAF_TEST(append_sse_event writes one data line per line) {
  std::string out = "prefix\n";
  CAF_CHECK(append_sse_event(out, "a\nb\r\nc\rd", "7", "note"));
  CAF_CHECK_EQUAL(out, "prefix\nid: 7\nevent: note\n"
                       "data: a\ndata: b\ndata: c\ndata: d\n\n");
  out.clear();
  CAF_CHECK(append_sse_event(out, "{\"x\":1}"));
  CAF_CHECK_EQUAL(out, "data: {\"x\":1}\n\n");
  out.clear();
  CAF_CHECK(append_sse_event(out, ""));
  CAF_CHECK_EQUAL(out, "data:\n\n");
  out.clear();
  CAF_CHECK(append_sse_event(out, "a\n\nb\n"));
  CAF_CHECK_EQUAL(out, "data: a\ndata:\ndata: b\ndata:\n\n");
}

CAF_TEST(append_sse_event rejects ids and types that cannot round trip) {
  std::string out = "keep";
  CAF_CHECK(!append_sse_event(out, "x", "a\nb"));
  CAF_CHECK(!append_sse_event(out, "x", "a\rb"));
  CAF_CHECK(!append_sse_event(out, "x", std::string_view{"a\0b", 3}));
  CAF_CHECK(!append_sse_event(out, "x", "1", "a\nb"));
  CAF_CHECK(!append_sse_event(out, "x", "1", "a\r"));
  CAF_CHECK_EQUAL(out, "keep");
}

CAF_TEST(written events round trip) {
  std::vector<std::string> payloads = {
    "plain",
    "",
    "two\nlines",
    "trailing\n",
    "\nleading",
    "  spaces kept  ",
    ": not a comment",
    "data: nested",
    "crlf\r\nand\rcr",
    "\n\n\n",
    "caf\xC3\xA9 \xF0\x9F\x98\x80",
  };
  std::string stream;
  strings expected;
  int n = 0;
  for (auto& data : payloads) {
    auto id = "ev-" + std::to_string(++n);
    auto type = n % 2 == 0 ? std::string{"update"} : std::string{};
    CAF_REQUIRE(append_sse_event(stream, data, id, type));
    if (n % 3 == 0)
      append_sse_comment(stream, "keep-alive");
    std::string normalized;
    for (size_t i = 0; i < data.size(); ++i) {
      if (data[i] == '\r') {
        normalized += '\n';
        if (i + 1 < data.size() && data[i + 1] == '\n')
          ++i;
      } else {
        normalized += data[i];
      }
    }
    sse_event ev;
    ev.event = type;
    ev.data = normalized;
    ev.id = id;
    ev.has_id = true;
    expected.push_back(show(ev));
  }
  feed(stream);
  CAF_CHECK_EQUAL(events, expected);
  CAF_CHECK(errors.empty());
  for (size_t i = 0; i <= stream.size(); i += 7) {
    fixture f;
    f.feed(stream.substr(0, i));
    f.feed(stream.substr(i));
    CAF_CHECK_EQUAL(f.events, expected);
  }
}

CAF_TEST(ids with spaces round trip) {
  std::string out;
  CAF_REQUIRE(append_sse_event(out, "x", " padded id "));
  feed(out);
  CAF_CHECK_EQUAL(events, (strings{"message id= padded id ! data=x"}));
}

CAF_TEST(the priming event round trips) {
  std::string out;
  CAF_REQUIRE(append_sse_priming_event(out, "42"));
  CAF_CHECK_EQUAL(out, "id: 42\ndata:\n\n");
  feed(out);
  CAF_CHECK_EQUAL(events, (strings{"message id=42! data="}));
  CAF_CHECK_EQUAL(parser.last_event_id(), "42");
  feed("data: {}\n\n");
  CAF_CHECK_EQUAL(events.back(), "message id=42 data={}");
}

CAF_TEST(the priming event needs a valid id) {
  std::string out;
  CAF_CHECK(!append_sse_priming_event(out, ""));
  CAF_CHECK(!append_sse_priming_event(out, "1\n2"));
  CAF_CHECK(!append_sse_priming_event(out, std::string_view{"\0", 1}));
  CAF_CHECK(out.empty());
}

CAF_TEST(append_sse_retry sets the reconnection time) {
  std::string out;
  append_sse_retry(out, 3000);
  CAF_CHECK_EQUAL(out, "retry: 3000\n\n");
  append_sse_retry(out, UINT64_MAX);
  feed(out);
  CAF_CHECK(events.empty());
  CAF_CHECK_EQUAL(parser.retry().value_or(0), UINT64_MAX);
}

CAF_TEST(comments are ignored by the parser) {
  std::string out;
  append_sse_comment(out);
  append_sse_comment(out, "keep-alive");
  append_sse_comment(out, "multi\nline\r\ncomment");
  CAF_CHECK_EQUAL(out, ":\n\n: keep-alive\n\n"
                       ": multi\n: line\n: comment\n\n");
  append_sse_event(out, "after", "1");
  feed(out);
  CAF_CHECK_EQUAL(events, (strings{"message id=1! data=after"}));
  CAF_CHECK(errors.empty());
}

CAF_TEST(error names) {
  CAF_CHECK_EQUAL(to_string(sse_error::line_too_long), "line_too_long");
  CAF_CHECK_EQUAL(to_string(sse_error::event_too_large), "event_too_large");
}

CAF_TEST_FIXTURE_SCOPE_END()
