#pragma once
// How determinations plug into the invoice totals of core/rounding.hpp.
//
// EU VAT (one component per line): each invoice line becomes one fakturad::invoice_totals_line with
// vat_category = determination.code() and vat_rate = determination.rate; compute_invoice_totals() then
// builds one VAT breakdown entry per (category, rate), so an invoice mixing S 19 %, S 7 % and AE gets three
// subtotals, each rounded once (EN 16931 BR-CO-17, BR-S-08, BR-AE-08). totals_line() builds that line.
//
// North America (several components per line, e.g. GST 5 % + PST 7 %): each tax is computed and rounded
// on its own, per component and rate over the invoice - as Canadian and US invoices show them (GST and PST
// as separate amounts). Feeding the combined rate (12 %) to compute_invoice_totals would round once over
// the sum and can differ by a cent from GST + PST rounded separately; compute_component_subtotals() does
// it right and reuses core's rounding (round_tax_amount: half up per subtotal). The invoice's tax total is
// the sum of the component subtotals; the EN 16931 line keeps category S with the combined rate.
// For EU VAT compute_component_subtotals() gives the same figures as compute_invoice_totals()
// (per_category), so one code path may serve every invoice.

#include "fakturad/billing/tax/tax_types.hpp"
#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/money.hpp"
#include "fakturad/core/money_error.hpp"
#include "fakturad/core/rounding.hpp"

#include <span>
#include <string>
#include <vector>

namespace fakturad::billing::tax {

// The invoice_totals_line for core's compute_invoice_totals(); its vat_category views static storage.
[[nodiscard]] invoice_totals_line totals_line(
    const tax_determination& tax, decimal quantity, decimal unit_price
);

// A line as the component subtotals need it: its rounded net amount (BT-131) and its determination.
struct taxed_line {
    money net;
    const tax_determination* tax = nullptr;  // must not be null
};

struct component_subtotal {
    std::string name;          // "VAT", "GST", "HST", "PST", "RST", "QST", "SALES_TAX"
    std::string jurisdiction;  // "DE", "CA", "CA-BC", "US-WA"
    decimal rate;              // percent, trailing zeros removed
    money taxable_amount;      // sum of the nets of the lines that carry this component at this rate
    money tax_amount;          // round_tax_amount(taxable_amount, rate): rounded once, half up
};

// One subtotal per (jurisdiction, name, rate), sorted by jurisdiction, name, rate. Lines without
// components (Z, E, AE, K, G, O) contribute nothing. Every net must be in `cur`.
// Errors: currency_mismatch, overflow.
[[nodiscard]] money_result<std::vector<component_subtotal>> compute_component_subtotals(
    std::span<const taxed_line> lines, currency cur
);

}  // namespace fakturad::billing::tax
