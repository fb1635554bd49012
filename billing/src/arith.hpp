#pragma once
// Internal: the engine computes with the throwing decimal conveniences (money_error on overflow) and
// converts that to billing_errc::arithmetic once, where a public function returns.

#include "fakturad/billing/error.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/money_error.hpp"

#include <string>
#include <string_view>

namespace fakturad::billing::detail {

inline billing_error arithmetic_error(const money_error& e, std::string_view context) {
    std::string message(context);
    if (!message.empty()) {
        message += ": ";
    }
    message += e.what();
    return {billing_errc::arithmetic, std::move(message)};
}

// a x b rounded half up to `scale` (one rounding step).
inline decimal mul_round(decimal a, decimal b, int scale) {
    return multiply(a, b, scale, commercial_rounding).value();
}

// a / b rounded half up to `scale`.
inline decimal div_round(decimal a, decimal b, int scale) {
    return divide(a, b, scale, commercial_rounding).value();
}

inline decimal at_scale(decimal a, int scale) { return rescale(a, scale, commercial_rounding).value(); }

inline decimal percent_of(decimal base, decimal percent, int scale) {
    // percent / 100 is the same mantissa two places to the right: exact.
    const decimal p = percent.trimmed();
    const decimal fraction = decimal::from_parts(p.mantissa(), p.scale() + 2).value();
    return mul_round(base, fraction, scale);
}

inline decimal exact_percent_of(decimal base, decimal percent) {
    const decimal p = percent.trimmed();
    const decimal fraction = decimal::from_parts(p.mantissa(), p.scale() + 2).value();
    return base * fraction;
}

}  // namespace fakturad::billing::detail
