#pragma once
// Invoices and every other billing document: the model, the document types and the totals.
//
// Document types (BT-3, UNTDID 1001) — store type_code, code written into e-invoices:
//   invoice       380  commercial invoice (what invoice runs produce)
//   pro_forma     325  pro-forma invoice: no legal number, not a payment request, never cancelled
//   advance       386  advance / down-payment invoice (Anzahlungsrechnung); VAT arises on payment
//   progress      326  progress / instalment invoice (Abschlagsrechnung): a percentage or amount of an
//                      agreed total; 326 because XRechnung (BR-DE-17) does not list 386 and 875 is
//                      construction-specific
//   partial       326  partial invoice (Teilrechnung) for a completed, separable part
//   final_invoice 380  final invoice (Schlussrechnung): the whole supply with its full VAT breakdown, minus
//                      every earlier advance and progress invoice with its VAT per rate (deductions)
//   cancellation  381  full cancellation credit note (Storno) mirroring the original exactly
//   credit_note   381  partial credit note for chosen lines or amounts
// Signs: documents store positive amounts for what they state; a credit document's effect on the account
// is the negative (signed_total). Inside an invoice a credit line has a negative quantity and a positive
// unit price (BR-27: no negative prices), so its net is negative.
//
// Lifecycle (lifecycle.hpp): draft (editable, no number) -> finalized (immutable, numbered except
// pro-forma, issue and due date set) -> cancelled (only by a finalized cancellation document).
//
// Totals (compute_totals): every line net (BT-131) is already rounded once to the currency's minor units
// when the line is made (proration.hpp); core/rounding.hpp compute_invoice_totals then sums the lines per VAT
// category and rate and computes VAT per_category (default, EN 16931) or per_line (JustOn), so
// net + VAT = gross holds exactly. A final invoice additionally carries prepaid (BT-113, the gross of the
// deducted documents) and due = gross - prepaid (BT-115), and per VAT group the deducted base and VAT.

#include "fakturad/billing/plan.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/rounding.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing {

enum class document_type : std::uint8_t {
    invoice,
    pro_forma,
    advance,
    progress,
    partial,
    final_invoice,
    cancellation,
    credit_note,
};

// The store's type_code: "invoice", "pro_forma", "advance", "progress", "partial", "final",
// "cancellation", "credit_note".
[[nodiscard]] std::string_view to_string(document_type t) noexcept;
[[nodiscard]] std::optional<document_type> parse_document_type(std::string_view text) noexcept;
// UNTDID 1001 code (table above): "380", "325", "386", "326", "381".
[[nodiscard]] std::string_view untdid_1001_code(document_type t) noexcept;
// cancellation and credit_note.
[[nodiscard]] bool is_credit_document(document_type t) noexcept;

enum class invoice_status : std::uint8_t { draft, finalized, cancelled };
[[nodiscard]] std::string_view to_string(invoice_status s) noexcept;

enum class line_kind : std::uint8_t {
    charge,            // a period, segment or one-time charge of a plan item
    proration_credit,  // credit for the unused part of a billed charge (quantity change, earlier end)
    discount,          // item or invoice discount (negative)
    minimum_true_up,   // shortfall to the per-period minimum
    agreed_share,      // advance/progress share of an agreed total
    manual,            // typed by hand or copied from another document
};
[[nodiscard]] std::string_view to_string(line_kind k) noexcept;

// Proration convention, actual days: a charge for part of a billing period is
//   full-period amount x days charged / days of the full period that contains them,
// both counts in actual calendar days, both ends included; rounded once to the currency (proration.hpp).
// The line text prints it ("prorated 12/31 days").
struct proration {
    std::int64_t days = 0;
    std::int64_t period_days = 0;
    friend bool operator==(const proration&, const proration&) = default;
};

// Identifies one billed charge of one item: the store's billed_periods key (item, period_start), plus a
// revision for the rare re-billing of a segment start that was billed and credited before (0 otherwise).
struct charge_key {
    std::string plan_id;
    std::string item_key;
    civil_date period_start;
    std::uint32_t revision = 0;
    friend bool operator==(const charge_key&, const charge_key&) = default;
};

struct invoice_line {
    line_kind kind = line_kind::charge;
    std::string plan_id;
    std::string item_key;     // empty for manual and invoice-discount lines
    std::string description;  // item text, service period and proration, e.g.
                              // "Licences, 2026-01-20..2026-01-31, prorated 12/31 days"
    decimal quantity;         // negative for credit and discount lines
    std::string unit_code = "C62";
    decimal unit_price;  // per unit for a full period, >= 0 (see price_evaluation)
    std::optional<proration> prorated;
    std::optional<date_range> period;  // service period of the line
    vat_treatment vat;
    decimal net;                             // BT-131 at the currency's minor units, rounded once
    std::optional<charge_key> credits;       // proration_credit: the charge it credits
    std::optional<std::size_t> source_line;  // credit note: the original line index it credits
};

// billed_charge_ref::line_index of a period that is settled without a line on the document.
inline constexpr std::size_t no_line = static_cast<std::size_t>(-1);

// A period or segment billed by an invoice: becomes a billed_periods row (UNIQUE(item, period_start)).
// The snapshot (quantity, net incl. the item's discount lines) is what later credits reverse (Lago #1776).
struct billed_charge_ref {
    charge_key key;
    civil_date period_end;  // inclusive
    decimal quantity;
    decimal billed_net;          // charge line net + its item discount lines
    std::size_t line_index = 0;  // the charge line, or no_line (a met commitment settles without a line)
    bool regular = true;         // a regular period (advances billed_through) or an adjustment segment
};

struct vat_subtotal {
    std::string category;
    decimal rate;
    decimal taxable;           // BT-116
    decimal tax;               // BT-117 as charged
    decimal tax_per_category;  // round(BT-116 x rate / 100): BR-CO-17's value
    decimal deducted_taxable;  // final invoice: base of earlier advances/progress at this category/rate
    decimal deducted_tax;      // final invoice: their VAT, as stated on them
};

struct document_totals {
    decimal net;                          // BT-106 = BT-109
    decimal tax;                          // BT-110
    decimal gross;                        // BT-112
    decimal prepaid;                      // BT-113 (final invoice)
    decimal due;                          // BT-115 = gross - prepaid
    std::vector<vat_subtotal> breakdown;  // sorted by category, then rate
};

struct document_reference {
    std::string number;
    std::optional<civil_date> issue_date;
    document_type type = document_type::invoice;
};

// One earlier advance or progress invoice deducted by a final invoice, with its amounts per VAT group
// copied exactly from its totals.
struct deduction {
    document_reference document;
    std::vector<vat_subtotal> amounts;  // taxable and tax per category/rate
    decimal gross;
};

// The VAT accounting currency (BT-6) when it differs from the invoice currency: VAT must then also be
// stated in it (BT-111; in Germany in EUR, UStAE 14.5). rate = units of `cur` for one unit of the invoice
// currency, as fixed on the day of supply.
struct vat_accounting_currency {
    currency cur{"EUR"};
    decimal rate;
};

struct invoice {
    document_type type = document_type::invoice;
    invoice_status status = invoice_status::draft;
    std::string number;  // empty until finalized; always empty for pro_forma
    std::optional<civil_date> issue_date;
    std::optional<civil_date> due_date;
    party seller;
    party account;
    party bill_to;
    currency cur{"EUR"};
    std::string language = "de";
    payment_terms terms;
    vat_rounding rounding = vat_rounding::per_category;
    std::vector<std::string> plan_ids;  // plans with lines on it
    std::string contract_id;            // advance/progress/final chain
    std::string milestone;              // the plan milestone this document bills (project plans), or empty
    std::vector<invoice_line> lines;
    std::vector<billed_charge_ref> billed;       // periods this document bills
    std::vector<billed_charge_ref> released;     // cancellation: periods of the original it releases
    std::optional<document_reference> corrects;  // cancellation / credit note
    std::vector<deduction> deductions;           // final invoice
    std::optional<date_range> service_period;    // min/max over the lines' periods
    std::vector<std::string> notes;
    document_references references;             // BT-10, BT-12, BT-13
    std::optional<payment_means> payment;       // BG-16
    std::vector<vat_exemption> vat_exemptions;  // BT-120/121 per exempt category
    std::vector<std::string> tax_decisions;  // why each determined VAT treatment applies (vat_resolver.hpp)
    std::optional<vat_accounting_currency> vat_currency;  // BT-6 (differs from cur)
    document_totals totals;
};

// Recomputes totals (and service_period) from the lines and deductions. Errors: arithmetic, invalid_input
// (a line with an unknown VAT category).
[[nodiscard]] billing_status compute_totals(invoice& doc);

// BT-111: the total VAT in the VAT accounting currency, round(totals.tax x rate) to its minor units
// (commercial rounding); nullopt without vat_currency. Errors: arithmetic.
[[nodiscard]] billing_result<std::optional<decimal>> vat_total_in_accounting_currency(const invoice& doc);

// The document's effect on the account: totals.gross, negated for cancellations and credit notes.
[[nodiscard]] decimal signed_total(const invoice& doc) noexcept;

}  // namespace fakturad::billing
