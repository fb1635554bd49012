#include "fakturad/core/money.hpp"

#include <algorithm>

namespace fakturad {
namespace {

class money_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "fakturad.money"; }

    std::string message(int value) const override {
        switch (static_cast<money_errc>(value)) {
            case money_errc::overflow:
                return "amount out of range: the result does not fit 64 bits at its scale";
            case money_errc::scale_out_of_range:
                return "scale out of range: at most 18 decimal places; round explicitly to a smaller scale";
            case money_errc::division_by_zero:
                return "division by zero";
            case money_errc::invalid_number:
                return "not a decimal number in plain notation";
            case money_errc::currency_mismatch:
                return "amounts in different currencies cannot be combined";
            case money_errc::unknown_currency:
                return "unknown currency code: expected an ISO 4217 code such as EUR";
        }
        return "unknown money error";
    }
};

money_result<money> with_currency(money_result<decimal> amount, currency cur) noexcept {
    if (!amount) {
        return amount.error();
    }
    return money(*amount, cur);
}

std::string_view symbol_of(currency cur) noexcept {
    const std::string_view code = cur.code();
    if (code == "EUR") {
        return "\xE2\x82\xAC";  // €
    }
    if (code == "USD") {
        return "$";
    }
    if (code == "GBP") {
        return "\xC2\xA3";  // £
    }
    if (code == "JPY") {
        return "\xC2\xA5";  // ¥
    }
    return {};
}

// "1234567" -> "1.234.567" with the given separator.
std::string group_thousands(std::string_view digits, char separator) {
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += separator;
        }
        out += digits[i];
    }
    return out;
}

}  // namespace

const std::error_category& money_category() noexcept {
    static const money_category_impl category;
    return category;
}

money money::zero(fakturad::currency currency) noexcept {
    return {*decimal::from_parts(0, currency.minor_units()), currency};
}

bool money::is_in_minor_units() const noexcept {
    return amount_.trimmed().scale() <= currency_.minor_units();
}

money_result<money> add(money a, money b) noexcept {
    if (!(a.currency() == b.currency())) {
        return money_errc::currency_mismatch;
    }
    return with_currency(add(a.amount(), b.amount()), a.currency());
}

money_result<money> subtract(money a, money b) noexcept {
    if (!(a.currency() == b.currency())) {
        return money_errc::currency_mismatch;
    }
    return with_currency(subtract(a.amount(), b.amount()), a.currency());
}

money_result<std::weak_ordering> compare(money a, money b) noexcept {
    if (!(a.currency() == b.currency())) {
        return money_errc::currency_mismatch;
    }
    return a.amount() <=> b.amount();
}

money_result<money> multiply(money a, decimal factor, int target_scale, rounding_mode mode) noexcept {
    return with_currency(multiply(a.amount(), factor, target_scale, mode), a.currency());
}

money_result<money> round_to_minor_units(money a, rounding_mode mode) noexcept {
    return with_currency(rescale(a.amount(), a.currency().minor_units(), mode), a.currency());
}

money operator+(money a, money b) { return add(a, b).value(); }
money operator-(money a, money b) { return subtract(a, b).value(); }

std::string format_money(money value, money_style style) {
    const decimal magnitude = value.amount().abs();
    const int places = std::max(value.currency().minor_units(), magnitude.trimmed().scale());
    // places >= the trimmed scale, so only zeros can be dropped or added: exact.
    const std::string digits = to_fixed_string(magnitude, places);
    const std::size_t point = digits.find('.');
    const std::string_view integer_part = std::string_view(digits).substr(0, point);
    const std::string_view fraction =
        point == std::string::npos ? std::string_view{} : std::string_view(digits).substr(point + 1);
    const bool negative = value.is_negative() && !value.is_zero();
    std::string out;
    if (negative) {
        out += '-';
    }
    if (style == money_style::plain) {
        out += digits;
        return out;
    }
    const bool german = style == money_style::german;
    std::string number = group_thousands(integer_part, german ? '.' : ',');
    if (!fraction.empty()) {
        number += german ? ',' : '.';
        number += fraction;
    }
    const std::string_view symbol = symbol_of(value.currency());
    if (german) {
        out += number;
        out += ' ';
        out += symbol.empty() ? value.currency().code() : symbol;
    } else if (!symbol.empty()) {
        out += symbol;
        out += number;
    } else {
        out += value.currency().code();
        out += ' ';
        out += number;
    }
    return out;
}

}  // namespace fakturad
