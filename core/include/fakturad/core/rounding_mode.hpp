#pragma once
// How a decimal is brought to fewer places. Every rounding in fakturad names its mode explicitly; the
// commercial default (half_up) is what German and EN 16931 practice expects for invoice amounts.
//
//   mode        2.5   -2.5   2.4   -2.4   2.6   -2.6   what it is
//   half_up      3     -3     2     -2     3     -3    commercial: nearest, ties away from zero (default)
//   half_even    2     -2     2     -2     3     -3    banker's: nearest, ties to the even neighbour
//   down         2     -2     2     -2     2     -2    toward zero (truncate)
//   up           3     -3     3     -3     3     -3    away from zero
//   floor        2     -3     2     -3     2     -3    toward negative infinity
//   ceiling      3     -2     3     -2     3     -2    toward positive infinity
//
// Values that need no rounding are never changed by any mode.

#include "fakturad/core/money_error.hpp"

#include <cstdint>
#include <string_view>

namespace fakturad {

enum class rounding_mode : std::uint8_t { half_up, half_even, down, up, floor, ceiling };

// The mode used wherever a caller does not choose one: commercial rounding.
inline constexpr rounding_mode commercial_rounding = rounding_mode::half_up;

// The enumerator's name: "half_up", "half_even", "down", "up", "floor", "ceiling".
[[nodiscard]] std::string_view to_string(rounding_mode mode) noexcept;

// The inverse of to_string (exact, case-sensitive), for configuration; invalid_number for anything else.
[[nodiscard]] money_result<rounding_mode> parse_rounding_mode(std::string_view name) noexcept;

}  // namespace fakturad
