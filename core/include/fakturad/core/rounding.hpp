#pragma once
// fakturad's rounding policy: where amounts are rounded, how, and how invoice totals are derived.
//
// Points of rounding (all commercial rounding, half_up, to the currency's ISO 4217 minor units):
//   1. Line net amount (EN 16931 BT-131) = quantity x unit net price, computed exactly in 128 bits and
//      rounded once: round_line_net(). Unit prices and quantities keep their own scales until then.
//   2. VAT per breakdown entry (BT-117) = taxable amount of that VAT category and rate (BT-116) x rate / 100,
//      rounded once: round_tax_amount().
//   3. Document totals are sums of already rounded values and are never rounded again:
//        BT-106 sum of line nets     = sum of BT-131                         (BR-CO-10)
//        BT-109 total without VAT    = BT-106 (no document allowances/charges here) (BR-CO-13)
//        BT-110 total VAT            = sum of BT-117                         (BR-CO-14)
//        BT-112 total with VAT       = BT-109 + BT-110                       (BR-CO-15)
//        BT-116 per breakdown        = sum of BT-131 of that category/rate   (BR-S-08 etc.)
//      so the EN 16931 equations hold exactly, in every currency, for every invoice.
//
// Two VAT modes (vat_rounding):
//   - per_category (default, EN 16931): VAT computed per breakdown entry from its rounded taxable amount
//     (point 2). BR-CO-17 then holds exactly.
//   - per_line (JustOn's "row-based" mode): VAT rounded per line from that line's rounded net, then summed
//     per breakdown entry; the total equals the sum of line gross amounts. The breakdown's VAT can differ
//     from round(BT-116 x rate) by up to half a minor unit per line; vat_breakdown::tax_delta() reports the
//     difference (JustOn adds it as a hidden "Tax Delta" line). With many small lines the difference can
//     exceed the 1.00 tolerance of BR-CO-17 - prefer per_category for e-invoices.
//   Example (JustOn documentation): 3 x 0.69 and 4 x 0.99 at 19 %: line nets 2.07 and 3.96;
//   per line 0.39 + 0.75 = 1.14 VAT; per category round(6.03 x 0.19 = 1.1457) = 1.15 VAT.
//
// All functions are pure: no I/O, no clock, no floating point.

#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/money.hpp"
#include "fakturad/core/money_error.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace fakturad {

// Point 1: quantity x unit_price rounded half_up to the currency's minor units, in one rounding step.
// Errors: overflow (the rounded net does not fit), scale_out_of_range.
[[nodiscard]] money_result<money> round_line_net(decimal quantity, decimal unit_price, currency cur) noexcept;

// Point 2: taxable_amount x rate_percent / 100 rounded half_up to the currency's minor units
// (rate_percent 19 means 19 %). Errors: overflow, scale_out_of_range.
[[nodiscard]] money_result<money> round_tax_amount(money taxable_amount, decimal rate_percent) noexcept;

enum class vat_rounding : std::uint8_t { per_category, per_line };

// One invoice line as the totals need it.
struct invoice_totals_line {
    decimal quantity;               // BT-129; negative for a credit line on an invoice
    decimal unit_price;             // BT-146 net price per one unit (price base quantity 1)
    std::string_view vat_category;  // BT-151, UNTDID 5305 code: "S", "Z", "E", "AE", "K", "G", "O", "L", "M"
    decimal vat_rate;               // BT-152 in percent (19, 7, 5.5); 0 for Z, E, AE, K, G, O
};

// One entry of the VAT breakdown (BG-23), per VAT category and rate.
struct vat_breakdown {
    std::string_view vat_category;  // BT-118 (refers to the caller's line data)
    decimal vat_rate;               // BT-119, trailing zeros removed (19.00 and 19 are one entry)
    money taxable_amount;           // BT-116: sum of the rounded line nets of this category and rate
    money tax_amount;               // BT-117 as charged under the chosen vat_rounding
    money tax_amount_per_category;  // round(BT-116 x rate / 100): what BR-CO-17 computes

    // tax_amount - tax_amount_per_category: always zero for per_category; JustOn's tax delta for per_line.
    [[nodiscard]] money tax_delta() const;
};

struct invoice_totals {
    std::vector<money> line_net_amounts;   // BT-131 per input line, in input order
    std::vector<money> line_tax_amounts;   // per_line: each line's rounded VAT; per_category: empty
    std::vector<vat_breakdown> breakdown;  // sorted by category code, then rate
    money total_net;                       // BT-106 (= BT-109: no document-level allowances or charges)
    money total_tax;                       // BT-110
    money total_gross;                     // BT-112 = BT-109 + BT-110
};

// Applies the policy above to a line list. Every amount is in `cur` at exactly its minor units.
// Errors: overflow, scale_out_of_range. An empty list gives zero totals and an empty breakdown.
[[nodiscard]] money_result<invoice_totals> compute_invoice_totals(
    std::span<const invoice_totals_line> lines, currency cur, vat_rounding mode = vat_rounding::per_category
);

}  // namespace fakturad
