#pragma once
// decimal: an exact fixed-point number, value = mantissa / 10^scale, for money, unit prices, quantities
// and rates. No binary floating point is used anywhere: not in arithmetic, parsing or formatting.
//
// Representation and range
//   - mantissa: int64 in [-(2^63 - 1), 2^63 - 1]; INT64_MIN is excluded so that negation never overflows.
//   - scale: 0..18 (10^18 is the largest power of ten below 2^63). The scale is part of the value's
//     identity for formatting ("1.50" stays "1.50") but not for comparison: 1.50 == 1.5.
//   - Intermediates are 128-bit, so a product of two full-range mantissas, or a comparison across scales,
//     never overflows before the final range check.
//
// Errors (money_error.hpp)
//   - The noexcept functions return money_result<decimal>: overflow when the result does not fit the
//     mantissa at its scale, scale_out_of_range when a scale above 18 is asked for or an exact product would
//     need one, division_by_zero, invalid_number for text that is not a number. Nothing is clamped.
//   - Operators +, -, * are conveniences that throw money_error with the same codes. There is no operator/:
//     division always needs a target scale and a rounding mode, so it is only available as divide().
//
// Text
//   - parse_decimal accepts plain decimal notation only: an optional sign ('-' or '+'), one or more ASCII
//     digits, optionally '.' followed by one or more digits. Rejected: exponents ("1e3"), blanks, grouping
//     separators, a comma as decimal mark, a bare ".5" or "5.", "NaN"/"Inf", more than 18 fraction digits.
//     The scale of the result is the number of fraction digits written ("123.4500" has scale 4), so
//     to_string(parse_decimal(t)) == t for every accepted t without '+', without redundant leading zeros
//     and other than a negative zero ("-0.00" parses to 0.00, which formats as "0.00").
//   - Callers that take numbers from JSON pass the raw token (STYLE M2); JSON exponent forms are rejected
//     here on purpose, so a double that slipped through as "1.0E7" is an error and not a silent guess.
//
// Hot path: construction, comparison, arithmetic, parse_decimal and to_chars do not allocate.

#include "fakturad/core/money_error.hpp"
#include "fakturad/core/rounding_mode.hpp"

#include <charconv>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fakturad {

class decimal {
public:
    static constexpr int max_scale = 18;
    static constexpr std::int64_t max_mantissa = 9'223'372'036'854'775'807;  // 2^63 - 1
    static constexpr std::int64_t min_mantissa = -max_mantissa;
    // Longest output of to_chars: sign, "0.", 18 fraction digits, or sign and 19 digits with a point.
    static constexpr std::size_t max_chars = 22;

    // Zero at scale 0.
    constexpr decimal() noexcept = default;

    // mantissa / 10^scale, e.g. decimal{1999, 2} is 19.99. Throws money_error (scale_out_of_range or
    // overflow) when scale is outside 0..18 or mantissa is INT64_MIN; in a constant expression that is a
    // compile error. Use from_parts() for values that come from outside.
    constexpr explicit decimal(std::int64_t mantissa, int scale = 0) : mantissa_(mantissa) {
        if (scale < 0 || scale > max_scale) {
            throw money_error(make_error_code(money_errc::scale_out_of_range));
        }
        if (mantissa < min_mantissa) {
            throw money_error(make_error_code(money_errc::overflow));
        }
        scale_ = static_cast<std::uint8_t>(scale);
    }

    // The non-throwing form of the constructor.
    [[nodiscard]] static money_result<decimal> from_parts(std::int64_t mantissa, int scale) noexcept {
        if (scale < 0 || scale > max_scale) {
            return money_errc::scale_out_of_range;
        }
        if (mantissa < min_mantissa) {
            return money_errc::overflow;
        }
        decimal d;
        d.mantissa_ = mantissa;
        d.scale_ = static_cast<std::uint8_t>(scale);
        return d;
    }

    [[nodiscard]] constexpr std::int64_t mantissa() const noexcept { return mantissa_; }
    [[nodiscard]] constexpr int scale() const noexcept { return scale_; }
    [[nodiscard]] constexpr bool is_zero() const noexcept { return mantissa_ == 0; }
    [[nodiscard]] constexpr bool is_negative() const noexcept { return mantissa_ < 0; }
    // -1, 0 or 1.
    [[nodiscard]] constexpr int signum() const noexcept { return (mantissa_ > 0) - (mantissa_ < 0); }

    // Never fails: the mantissa range is symmetric. The scale is kept.
    [[nodiscard]] constexpr decimal negated() const noexcept {
        decimal d = *this;
        d.mantissa_ = -mantissa_;
        return d;
    }
    [[nodiscard]] constexpr decimal abs() const noexcept { return is_negative() ? negated() : *this; }

    // The same value with trailing fraction zeros removed: 1.2300 -> 1.23, 5.000 -> 5, 0.00 -> 0.
    [[nodiscard]] decimal trimmed() const noexcept;

    // Same mantissa and same scale (operator== compares values: 1.50 == 1.5 but !identical(1.50, 1.5)).
    [[nodiscard]] friend constexpr bool identical(decimal a, decimal b) noexcept {
        return a.mantissa_ == b.mantissa_ && a.scale_ == b.scale_;
    }

    // Compares values across scales, exactly.
    friend bool operator==(decimal a, decimal b) noexcept;
    friend std::weak_ordering operator<=>(decimal a, decimal b) noexcept;

private:
    std::int64_t mantissa_ = 0;
    std::uint8_t scale_ = 0;
};

// ---- arithmetic, all exact or explicitly rounded --------------------------------------------------------

// a + b and a - b at scale max(a.scale, b.scale). Errors: overflow.
[[nodiscard]] money_result<decimal> add(decimal a, decimal b) noexcept;
[[nodiscard]] money_result<decimal> subtract(decimal a, decimal b) noexcept;

// Exact a * b at scale a.scale + b.scale. When that sum exceeds 18, trailing zeros of the product are
// dropped until it fits; if it still does not fit, scale_out_of_range (use the rounding overload).
// Errors: overflow, scale_out_of_range.
[[nodiscard]] money_result<decimal> multiply(decimal a, decimal b) noexcept;

// a * b rounded once, with the given mode, to target_scale (0..18). The full product is held in 128 bits,
// so e.g. quantity (scale 4) x unit price (scale 6) -> line net (scale 2) rounds exactly once.
// Errors: overflow, scale_out_of_range.
[[nodiscard]] money_result<decimal> multiply(
    decimal a, decimal b, int target_scale, rounding_mode mode
) noexcept;

// a / b rounded once, with the given mode, to target_scale (0..18).
// Errors: division_by_zero, overflow, scale_out_of_range.
[[nodiscard]] money_result<decimal> divide(
    decimal a, decimal b, int target_scale, rounding_mode mode
) noexcept;

// The value at target_scale (0..18): exact when target_scale >= a.scale (errors: overflow), otherwise
// rounded with the given mode (cannot overflow).
[[nodiscard]] money_result<decimal> rescale(decimal a, int target_scale, rounding_mode mode) noexcept;

// Throwing conveniences (money_error with the codes above).
[[nodiscard]] decimal operator+(decimal a, decimal b);
[[nodiscard]] decimal operator-(decimal a, decimal b);
[[nodiscard]] decimal operator*(decimal a, decimal b);
[[nodiscard]] constexpr decimal operator-(decimal a) noexcept { return a.negated(); }

// ---- text ----------------------------------------------------------------------------------------------

// Plain decimal notation only (see the header comment). Does not allocate.
// Errors: invalid_number, overflow (more digits than the mantissa holds), scale_out_of_range (> 18 places).
[[nodiscard]] money_result<decimal> parse_decimal(std::string_view text) noexcept;

// The message for a parse_decimal error, naming the (truncated, sanitised) text, e.g.
//   "invalid decimal '1e3': expected plain decimal notation (optional sign, digits, optional '.' and
//    digits; no exponent, blanks or grouping)"
[[nodiscard]] std::string parse_error_message(std::string_view text, std::error_code ec);

// parse_decimal, throwing money_error with parse_error_message() as what().
[[nodiscard]] decimal parse_decimal_or_throw(std::string_view text);

// Exact text with the value's own scale: decimal{123450, 4} -> "12.3450", decimal{-5, 1} -> "-0.5".
// Writes at most decimal::max_chars; like std::to_chars, returns {last, value_too_large} when it does not
// fit and {end, errc{}} otherwise. Does not allocate.
std::to_chars_result to_chars(char* first, char* last, decimal value) noexcept;

// Exact text with the value's own scale ("12.3450").
[[nodiscard]] std::string to_string(decimal value);

// Canonical text: the shortest exact spelling ("12.345", "5", "0", "-0.5"); equal values give equal text.
[[nodiscard]] std::string to_canonical_string(decimal value);

// Text with exactly `places` fraction digits (0..18): zeros appended when places >= scale (always exact),
// otherwise rounded once with `mode`. Throws money_error(scale_out_of_range) for places outside 0..18.
[[nodiscard]] std::string to_fixed_string(
    decimal value, int places, rounding_mode mode = commercial_rounding
);

}  // namespace fakturad
