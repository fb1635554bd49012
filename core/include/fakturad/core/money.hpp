#pragma once
// money: an exact amount (decimal) in one currency. The currency travels with the amount, and arithmetic
// refuses to mix currencies (money_errc::currency_mismatch) instead of guessing a conversion.
//
// An amount may carry more places than the currency's minor units (a unit price of 0.1234 EUR is valid);
// it is brought to minor units only at the named rounding points in rounding.hpp, never implicitly.
// Formatting never rounds: it shows at least the currency's minor units and more only when the amount
// has significant digits beyond them.
//
// Errors: as in decimal.hpp plus currency_mismatch; the operators throw money_error. Nothing here
// allocates except the formatting functions that return std::string.

#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/money_error.hpp"
#include "fakturad/core/rounding_mode.hpp"

#include <compare>
#include <string>

namespace fakturad {

class money {
public:
    money(decimal amount, fakturad::currency currency) noexcept : amount_(amount), currency_(currency) {}

    // Zero with the currency's minor units as scale: money::zero(EUR) is 0.00 EUR.
    [[nodiscard]] static money zero(fakturad::currency currency) noexcept;

    [[nodiscard]] decimal amount() const noexcept { return amount_; }
    [[nodiscard]] fakturad::currency currency() const noexcept { return currency_; }
    [[nodiscard]] bool is_zero() const noexcept { return amount_.is_zero(); }
    [[nodiscard]] bool is_negative() const noexcept { return amount_.is_negative(); }
    [[nodiscard]] money negated() const noexcept { return {amount_.negated(), currency_}; }

    // True when the amount has no significant digits beyond the currency's minor units.
    [[nodiscard]] bool is_in_minor_units() const noexcept;

    // Same currency and equal value (1.50 EUR == 1.5 EUR; 1 EUR != 1 USD).
    friend bool operator==(money a, money b) noexcept {
        return a.currency_ == b.currency_ && a.amount_ == b.amount_;
    }

private:
    decimal amount_;
    fakturad::currency currency_;
};

// a + b, a - b at the larger scale. Errors: currency_mismatch, overflow.
[[nodiscard]] money_result<money> add(money a, money b) noexcept;
[[nodiscard]] money_result<money> subtract(money a, money b) noexcept;

// Orders two amounts of the same currency. Errors: currency_mismatch.
[[nodiscard]] money_result<std::weak_ordering> compare(money a, money b) noexcept;

// amount * factor rounded once to target_scale (e.g. a price times a proration factor).
// Errors: overflow, scale_out_of_range.
[[nodiscard]] money_result<money> multiply(
    money a, decimal factor, int target_scale, rounding_mode mode
) noexcept;

// The amount brought to exactly the currency's minor units with the given mode: 12.345 EUR -> 12.35 EUR,
// 1234.5 JPY -> 1235 JPY, 12.3 BHD -> 12.300 BHD. Errors: overflow (only when places are added to a
// mantissa that is already near the int64 limit).
[[nodiscard]] money_result<money> round_to_minor_units(
    money a, rounding_mode mode = commercial_rounding
) noexcept;

// Throwing conveniences.
[[nodiscard]] money operator+(money a, money b);
[[nodiscard]] money operator-(money a, money b);
[[nodiscard]] inline money operator-(money a) noexcept { return a.negated(); }

enum class money_style : std::uint8_t {
    german,   // "1.234,56 €", "-1.234,56 €", "1.234,567 BHD": '.' groups thousands, ',' decimal mark
    english,  // "€1,234.56", "-€1,234.56", "BHD 1,234.567": ',' groups thousands, '.' decimal mark
    plain,    // "1234.56", "-1234.56": machine form, no grouping, no currency (e.g. CSV, EN 16931 XML)
};

// Places shown: the currency's minor units, or more when the amount has significant digits beyond them
// (0.1234 EUR -> "0,1234 €"); never rounds. The symbols €, $, £ and ¥ are used for EUR, USD, GBP and JPY,
// the ISO code for every other currency. Separated by an ordinary space (U+0020); a document renderer
// that needs a no-break space replaces it there.
[[nodiscard]] std::string format_money(money value, money_style style);

}  // namespace fakturad
