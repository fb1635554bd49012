#include "fakturad/billing/proration.hpp"

#include "arith.hpp"

namespace fakturad::billing {

billing_result<decimal> prorate(decimal amount, std::int64_t days, std::int64_t period_days, currency cur) {
    try {
        if (days == period_days) {
            return detail::at_scale(amount, cur.minor_units());
        }
        // amount x days is exact; the division rounds once.
        const decimal numerator = amount * decimal{days};
        return detail::div_round(numerator, decimal{period_days}, cur.minor_units());
    } catch (const money_error& e) {
        return detail::arithmetic_error(e, "proration");
    }
}

billing_result<decimal> round_amount(decimal amount, currency cur) {
    try {
        return detail::at_scale(amount, cur.minor_units());
    } catch (const money_error& e) {
        return detail::arithmetic_error(e, "rounding");
    }
}

}  // namespace fakturad::billing
