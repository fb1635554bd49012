#pragma once
// Pricing models as data. One evaluator (evaluate_price) turns a model, its prices in one currency and the
// quantities of one billing period into an exact amount; there is no code path per customer.
//
// Models (quantity q; tiers are ordered, each has an inclusive upper bound up_to except possibly the last,
// which is open; tier i covers (up_to[i-1], up_to[i]]):
//   flat_fee    amount = price. Quantity is ignored and printed as 1 (JustOn "Flat").
//   per_unit    amount = q x price.
//   tiered      graduated: every tier prices the units that fall into it:
//               amount = sum_i (units of q in tier i) x unit_price_i + flat_fee_i for every tier with units.
//               e.g. tiers (0,10] at 1.00, (10,50] at 0.80, (50,inf) at 0.50: q = 60 -> 10 + 32 + 5 = 47.00.
//   volume      all units at the price of the tier the selection quantity falls into:
//               amount = q x unit_price_t + flat_fee_t, t = tier of s, where s is the separate
//               tier-selection quantity when one is given, else q (JustOn "price tier quantity":
//               it selects the tier but is not multiplied).
//   stairstep   a flat price per bracket: amount = flat_fee_t of the tier q falls into (unit prices 0).
//   package     price per started package of package_size units: amount = ceil(q / size) x price.
//   percentage  commission on a transaction volume V (the sum of usage amounts of the period) with n
//               transactions: amount = V x percent / 100 + n x per_transaction_fee, then raised to the
//               period minimum and capped at the period maximum when those are set (marketplaces).
// Zero and negative quantities: q = 0 gives 0 for every model except flat_fee; a negative q (a returned
// unit, a correction) gives amount(q) = -amount(|q|) for the tier and package models and q x price for
// per_unit, so a negative quantity is the exact mirror of the positive one.
// Minimum and maximum per period (prices in one currency):
//   - maximum: every model: the amount is capped at it (the line says "capped at maximum").
//   - minimum: percentage: the commission is raised to it (on the line); every other model: the engine
//     adds a separate "minimum commitment true-up" line for the shortfall (see run.hpp); proration applies
//     the same day factor to the minimum as to the charge.
// Prices per currency: a pricing holds one currency_prices per currency; the plan's currency picks one,
// and a plan whose currency has no prices fails (never converted, never guessed).
//
// Exactness: every amount is exact (decimal arithmetic, no rounding); rounding to the currency happens once,
// on the line, after proration (proration.hpp). Errors: arithmetic overflow only.

#include "fakturad/billing/error.hpp"
#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace fakturad::billing {

enum class pricing_model : std::uint8_t {
    flat_fee,
    per_unit,
    tiered,
    volume,
    stairstep,
    package,
    percentage
};

[[nodiscard]] std::string_view to_string(pricing_model m) noexcept;
[[nodiscard]] std::optional<pricing_model> parse_pricing_model(std::string_view text) noexcept;

struct price_tier {
    std::optional<decimal> up_to;  // inclusive upper bound; nullopt = open (last tier only)
    decimal unit_price;            // per unit in this tier (0 for stairstep)
    decimal flat_fee;              // once per tier that has units (tiered), or for the tier reached (volume,
                                   // stairstep)
};

// Every money value of a pricing in one currency.
struct currency_prices {
    currency cur{"EUR"};
    decimal price;                   // flat_fee: the fee; per_unit: per unit; package: per package
    std::vector<price_tier> tiers;   // tiered, volume, stairstep
    decimal per_transaction_fee;     // percentage only
    std::optional<decimal> minimum;  // per full period (see the header comment)
    std::optional<decimal> maximum;  // per full period
};

struct pricing {
    pricing_model model = pricing_model::per_unit;
    decimal package_size{1};  // package only, > 0
    decimal percent;          // percentage only: 2.5 means 2.5 %
    std::vector<currency_prices> prices;

    // The prices in `cur`, or nullptr.
    [[nodiscard]] const currency_prices* find(currency cur) const noexcept;
};

// nullopt when the pricing is well-formed for every currency it lists, else the problem ("tiers must have
// increasing up_to bounds", "package_size must be above 0", ...).
[[nodiscard]] std::optional<std::string> check_pricing(const pricing& p);

// What one billing period of one item is measured as.
struct price_input {
    decimal quantity;                      // billed quantity (usage: the aggregated value)
    std::optional<decimal> tier_quantity;  // volume only: selects the tier, not multiplied
    decimal transaction_volume;            // percentage only: sum of the transaction amounts
    std::int64_t transaction_count = 0;    // percentage only
};

struct price_evaluation {
    decimal amount;              // exact amount for one full period, before proration and rounding
    decimal quantity;            // the quantity to print (1 for flat_fee and percentage)
    decimal unit_price;          // the price to print per unit: list price, or amount / quantity for the
                                 // tier and package models (6 places), >= 0
    bool capped = false;         // maximum applied
    bool raised_to_min = false;  // percentage minimum applied
};

// The one evaluator. Precondition: check_pricing(p) passed. Errors: billing_errc::arithmetic.
[[nodiscard]] billing_result<price_evaluation> evaluate_price(
    const pricing& p, const currency_prices& prices, const price_input& in
);

}  // namespace fakturad::billing
