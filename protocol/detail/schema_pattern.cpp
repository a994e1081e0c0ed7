#include "protocol/detail/schema_pattern.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string_view>
#include <utility>

#include "protocol/utf8.hpp"

namespace mcp::protocol::detail {

namespace {

/// Work limits per search: backtracking steps, nesting depth and heap.
constexpr uint32_t match_limit = 1'000'000;
constexpr uint32_t depth_limit = 10'000;
constexpr uint32_t heap_limit_kib = 16 * 1024;

/// How deeply a pattern's parentheses may nest.
constexpr uint32_t max_nesting = 64;

// Not PCRE2_MATCH_INVALID_UTF: with it, PCRE2 10.42's JIT fails to match
// `\D` and `\W` against characters beyond ASCII.
constexpr uint32_t compile_options = PCRE2_UTF | PCRE2_ALT_BSUX
                                     | PCRE2_DOLLAR_ENDONLY
                                     | PCRE2_ALLOW_EMPTY_CLASS
                                     | PCRE2_NEVER_BACKSLASH_C;

/// The contexts are read-only once made, so threads share them.
struct contexts {
  pcre2_compile_context* compile;
  pcre2_match_context* match;

  contexts()
    : compile(pcre2_compile_context_create(nullptr)),
      match(pcre2_match_context_create(nullptr)) {
    pcre2_set_compile_extra_options(compile, PCRE2_EXTRA_ALT_BSUX);
    // Translated patterns may grow: `\\s` becomes a class.
    pcre2_set_max_pattern_length(compile, 16 * schema_pattern::max_size);
    pcre2_set_parens_nest_limit(compile, max_nesting);
    pcre2_set_match_limit(match, match_limit);
    pcre2_set_depth_limit(match, depth_limit);
    pcre2_set_heap_limit(match, heap_limit_kib);
  }

  ~contexts() {
    pcre2_compile_context_free(compile);
    pcre2_match_context_free(match);
  }
};

const contexts& shared_contexts() {
  static const contexts instance;
  return instance;
}

/// ECMAScript's General_Category names (and aliases) that PCRE2 10.42 knows
/// only by their short names.
constexpr std::pair<std::string_view, std::string_view> category_names[] = {
  {"Cased_Letter", "L&"},         {"LC", "L&"},
  {"Close_Punctuation", "Pe"},    {"Connector_Punctuation", "Pc"},
  {"Control", "Cc"},              {"cntrl", "Cc"},
  {"Currency_Symbol", "Sc"},      {"Dash_Punctuation", "Pd"},
  {"Decimal_Number", "Nd"},       {"digit", "Nd"},
  {"Enclosing_Mark", "Me"},       {"Final_Punctuation", "Pf"},
  {"Format", "Cf"},               {"Initial_Punctuation", "Pi"},
  {"Letter", "L"},                {"Letter_Number", "Nl"},
  {"Line_Separator", "Zl"},       {"Lowercase_Letter", "Ll"},
  {"Mark", "M"},                  {"Combining_Mark", "M"},
  {"Math_Symbol", "Sm"},          {"Modifier_Letter", "Lm"},
  {"Modifier_Symbol", "Sk"},      {"Nonspacing_Mark", "Mn"},
  {"Number", "N"},                {"Open_Punctuation", "Ps"},
  {"Other", "C"},                 {"Other_Letter", "Lo"},
  {"Other_Number", "No"},         {"Other_Punctuation", "Po"},
  {"Other_Symbol", "So"},         {"Paragraph_Separator", "Zp"},
  {"Private_Use", "Co"},          {"Punctuation", "P"},
  {"punct", "P"},                 {"Separator", "Z"},
  {"Space_Separator", "Zs"},      {"Spacing_Mark", "Mc"},
  {"Surrogate", "Cs"},            {"Symbol", "S"},
  {"Titlecase_Letter", "Lt"},     {"Unassigned", "Cn"},
  {"Uppercase_Letter", "Lu"},
};

/// ECMAScript's white space and line terminators (what `\s` matches), as
/// the inside of a character class.
constexpr std::string_view ecma_space
  = "\\t\\n\\u000b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029"
    "\\u202f\\u205f\\u3000\\ufeff";

/// Returns the name PCRE2 knows for the property `name` of `\p{name}`.
std::string property_name(std::string_view name) {
  for (std::string_view prefix : {"General_Category=", "gc="})
    if (name.substr(0, prefix.size()) == prefix)
      name.remove_prefix(prefix.size());
  for (std::string_view prefix :
       {"Script=", "sc=", "Script_Extensions=", "scx="})
    if (name.substr(0, prefix.size()) == prefix)
      return std::string{name.substr(prefix.size())};
  for (auto& [long_name, short_name] : category_names)
    if (long_name == name)
      return std::string{short_name};
  return std::string{name};
}

/// Rewrites what ECMAScript and PCRE2 read differently: long property
/// names, and `\s` / `\S` (outside classes), which ECMAScript extends to
/// Unicode white space.
std::string translate(std::string_view text) {
  std::string res;
  res.reserve(text.size());
  bool in_class = false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      if (in_class && c == ']')
        in_class = false;
      else if (!in_class && c == '[')
        in_class = true;
      res += c;
      continue;
    }
    auto next = text[++i];
    if ((next == 'p' || next == 'P') && i + 1 < text.size()
        && text[i + 1] == '{') {
      auto close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        res += '\\';
        res += next;
        res += '{';
        res += property_name(text.substr(i + 2, close - i - 2));
        res += '}';
        i = close;
        continue;
      }
    }
    if (next == 's') {
      res += in_class ? "" : "[";
      res += ecma_space;
      res += in_class ? "" : "]";
    } else if (next == 'S' && !in_class) {
      res += "[^";
      res += ecma_space;
      res += ']';
    } else {
      res += '\\';
      res += next;
    }
  }
  return res;
}

/// Match data for one match at a time per thread (no captures needed).
struct thread_match_data {
  pcre2_match_data* ptr = pcre2_match_data_create(1, nullptr);

  ~thread_match_data() {
    pcre2_match_data_free(ptr);
  }
};

} // namespace

struct schema_pattern::code {
  pcre2_code* ptr;

  explicit code(pcre2_code* x) noexcept : ptr(x) {
    // nop
  }

  code(const code&) = delete;
  code& operator=(const code&) = delete;

  ~code() {
    pcre2_code_free(ptr);
  }
};

schema_pattern::schema_pattern(std::shared_ptr<const code> ptr,
                               std::string_view text)
  : code_(std::move(ptr)), text_(text) {
  // nop
}

std::optional<schema_pattern> schema_pattern::make(std::string_view text,
                                                   std::string& why) {
  if (text.size() > max_size) {
    why = "longer than " + std::to_string(max_size) + " bytes";
    return std::nullopt;
  }
  auto source = translate(text);
  int err = 0;
  PCRE2_SIZE offset = 0;
  auto ptr = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()),
                           source.size(), compile_options, &err, &offset,
                           shared_contexts().compile);
  if (ptr == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof(buf));
    why = reinterpret_cast<const char*>(buf);
    return std::nullopt;
  }
  // Without JIT support (or memory for it) matches run interpreted.
  pcre2_jit_compile(ptr, PCRE2_JIT_COMPLETE);
  return schema_pattern{std::make_shared<const code>(ptr), text};
}

match_result schema_pattern::search(std::string_view subject) const {
  thread_local thread_match_data data;
  auto run = [&](uint32_t options) {
    return pcre2_match(code_->ptr, reinterpret_cast<PCRE2_SPTR>(subject.data()),
                       subject.size(), 0, options, data.ptr,
                       shared_contexts().match);
  };
  auto rc = run(0);
  // The JIT's own stack (32 KiB) may run out where the interpreter, which
  // works on the heap within the limits above, does not.
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
    rc = run(PCRE2_NO_JIT);
  if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
    std::string repaired;
    append_utf8_repaired(repaired, subject);
    subject = repaired;
    rc = run(0);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
      rc = run(PCRE2_NO_JIT);
  }
  if (rc >= 0)
    return match_result::yes;
  if (rc == PCRE2_ERROR_NOMATCH)
    return match_result::no;
  return match_result::too_costly;
}

} // namespace mcp::protocol::detail
