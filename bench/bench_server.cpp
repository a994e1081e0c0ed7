// A minimal MCP server over stdio for benchmarks: as little work per message
// as possible, so that measurements show the client's cost. Plain C++, no
// dependency. Answers initialize, ping, tools/list and tools/call; the tool
// "burst" with arguments {"count": N} first sends N progress notifications
// for the request's progress token, then its result, in large writes.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unistd.h>

namespace {

std::string out;

void flush_out() {
  std::string_view rest = out;
  while (!rest.empty()) {
    auto n = ::write(STDOUT_FILENO, rest.data(), rest.size());
    if (n <= 0)
      std::exit(1);
    rest.remove_prefix(static_cast<size_t>(n));
  }
  out.clear();
}

/// Returns the raw JSON value after `"key":` (a number or a string).
std::string_view raw_value(std::string_view line, std::string_view key) {
  auto pos = line.find(key);
  if (pos == std::string_view::npos)
    return {};
  pos = line.find(':', pos + key.size());
  if (pos == std::string_view::npos)
    return {};
  ++pos;
  while (pos < line.size() && line[pos] == ' ')
    ++pos;
  auto end = pos;
  if (end < line.size() && line[end] == '"') {
    end = line.find('"', end + 1);
    return end == std::string_view::npos ? std::string_view{}
                                         : line.substr(pos, end - pos + 1);
  }
  while (end < line.size() && line[end] != ',' && line[end] != '}')
    ++end;
  return line.substr(pos, end - pos);
}

void respond(std::string_view id, std::string_view result) {
  out += R"({"jsonrpc":"2.0","id":)";
  out += id;
  out += R"(,"result":)";
  out += result;
  out += "}\n";
}

void handle(std::string_view line) {
  auto id = raw_value(line, "\"id\"");
  auto method = raw_value(line, "\"method\"");
  if (id.empty())
    return;
  if (method == "\"initialize\"") {
    respond(id, R"({"protocolVersion":"2025-11-25","capabilities":{"tools":{}},)"
                R"("serverInfo":{"name":"caf-mcp-bench","version":"1"}})");
  } else if (method == "\"tools/call\"" && line.find("\"burst\"") != line.npos) {
    auto token = raw_value(line, "\"progressToken\"");
    long count = std::atol(std::string{raw_value(line, "\"count\"")}.c_str());
    for (long i = 1; i <= count; ++i) {
      out += R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":)";
      out += token;
      out += R"(,"progress":)";
      out += std::to_string(i);
      out += R"(,"total":)";
      out += std::to_string(count);
      out += "}}\n";
      if (out.size() > 1 << 16)
        flush_out();
    }
    respond(id, R"({"content":[{"type":"text","text":"burst done"}]})");
  } else if (method == "\"tools/call\"") {
    respond(id, R"({"content":[{"type":"text","text":"ok"}]})");
  } else if (method == "\"tools/list\"") {
    respond(id, R"({"tools":[{"name":"echo","inputSchema":{"type":"object"}},)"
                R"({"name":"burst","inputSchema":{"type":"object"}}]})");
  } else {
    respond(id, "{}");
  }
}

} // namespace

int main() {
  std::string buf;
  char chunk[1 << 16];
  for (;;) {
    auto n = ::read(STDIN_FILENO, chunk, sizeof(chunk));
    if (n <= 0)
      return 0;
    buf.append(chunk, static_cast<size_t>(n));
    size_t start = 0;
    for (auto nl = buf.find('\n'); nl != std::string::npos;
         nl = buf.find('\n', start)) {
      handle(std::string_view{buf}.substr(start, nl - start));
      start = nl + 1;
    }
    buf.erase(0, start);
    if (!out.empty())
      flush_out();
  }
}
