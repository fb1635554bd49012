#pragma once
// Proration: the day-exact, actual-days convention, and the one rounding step of a line.
//
// Convention ("actual days of the period"):
//   prorated amount = full-period amount x d / n
//     d = days charged (both ends included),
//     n = days of the full billing period of the item's grid that contains them (actual calendar days:
//         28, 29, 30 or 31 for a month, 90..92 for a quarter, 365 or 366 for a year, 7 for a week).
//   Example: monthly plan, item starts 2026-01-20: d = 12 (Jan 20..31), n = 31 -> 12/31 of the price.
//   Example: leap year, annual period 2028-01-01..2028-12-31 and an item ending 2028-02-29: d = 60,
//            n = 366 -> 60/366.
//   Nothing is rounded before the end: the full-period amount is exact (tiers and all), d/n is applied
//   in 128-bit arithmetic and the result is rounded once, half up, to the currency's minor units.
//   The line prints the factor: "prorated 12/31 days" (English) / "anteilig 12/31 Tage" (German).
// A credit for the unused part of a billed charge uses the same convention on the billed amount:
//   credit = billed net x unused days / days the charge covered, rounded once.
// JustOn's "Recurring Prorated" (days/days-in-month) equals this convention for monthly periods; a 30/360
// convention is not offered (it is not what German invoices for subscriptions use).

#include "fakturad/billing/error.hpp"
#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"

#include <cstdint>

namespace fakturad::billing {

// round_half_up(amount x days / period_days) at the currency's minor units. Preconditions:
// 0 <= days, 0 < period_days. Errors: arithmetic.
[[nodiscard]] billing_result<decimal> prorate(
    decimal amount, std::int64_t days, std::int64_t period_days, currency cur
);

// amount rounded half up to the currency's minor units (the line net of an unprorated charge).
[[nodiscard]] billing_result<decimal> round_amount(decimal amount, currency cur);

}  // namespace fakturad::billing
