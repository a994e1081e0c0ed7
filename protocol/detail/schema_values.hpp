#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>
#include <boost/json/string_view.hpp>

namespace mcp::protocol::detail {

// -- value kinds --------------------------------------------------------------

/// Instance kinds as a bit set, as the `type` keyword names them.
enum type_bit : uint8_t {
  type_null = 0x01,
  type_boolean = 0x02,
  type_object = 0x04,
  type_array = 0x08,
  type_number = 0x10,
  type_integer = 0x20,
  type_string = 0x40,
};

/// Returns the bit of a `type` name, or 0 for an unknown name.
uint8_t type_bit_of(std::string_view name) noexcept;

/// Returns the kinds `x` is an instance of (an integral number is both a
/// number and an integer).
uint8_t type_bits(const boost::json::value& x) noexcept;

/// Returns the `type` name of `x` ("number" for every number).
const char* type_name(const boost::json::value& x) noexcept;

// -- numbers ------------------------------------------------------------------

/// What `compare_numbers` returns when one side is NaN.
constexpr int unordered = 2;

/// Compares two JSON numbers by value, exactly (an integer is never rounded
/// to a double): -1, 0, 1 or `unordered`.
int compare_numbers(const boost::json::value& x,
                    const boost::json::value& y) noexcept;

/// Returns the number `x` as a double.
double to_double(const boost::json::value& x) noexcept;

/// Returns whether the number `x` has no fractional part.
bool is_integral(const boost::json::value& x) noexcept;

/// Returns whether the number `x` is a multiple of `divisor` (exactly for
/// integers; with a relative tolerance of a few ulps for doubles).
bool is_multiple(const boost::json::value& x,
                 const boost::json::value& divisor) noexcept;

/// Appends the number `x` as JSON text.
void append_number(std::string& out, const boost::json::value& x);

/// Returns the number `x` as JSON text.
std::string number_text(const boost::json::value& x);

// -- values -------------------------------------------------------------------

/// Returns whether `x` and `y` are equal as JSON Schema defines it (numbers
/// by value, objects regardless of member order).
bool json_equal(const boost::json::value& x, const boost::json::value& y);

/// Returns a hash that agrees with `json_equal`.
size_t json_hash(const boost::json::value& x);

/// Returns `x` as a standard string view.
inline std::string_view view(boost::json::string_view x) noexcept {
  return {x.data(), x.size()};
}

} // namespace mcp::protocol::detail
