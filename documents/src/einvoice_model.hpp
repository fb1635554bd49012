#pragma once
// Internal: the EN 16931 view of a billing document, shared by the CII and UBL writers. Built once per
// document; the writers only arrange it in their syntax. Mapping decisions are in einvoice.hpp.

#include "fakturad/billing/invoice.hpp"
#include "fakturad/documents/einvoice.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fakturad::documents::detail {

// BG-20/21 at document level, BG-27/28 at line level. amount > 0; `charge` false = allowance.
struct allowance_charge {
    bool charge = false;
    decimal amount;
    std::string reason;       // BT-97/104/139/144
    std::string reason_code;  // UNTDID 5189 (allowances) or empty
    std::string category;     // document level only
    decimal rate;
};

struct line {
    std::string id;  // BT-126, 1-based
    std::string name;
    decimal quantity;  // BT-129, negative for credits
    std::string unit;
    decimal net_price;  // BT-146 >= 0
    decimal net;        // BT-131 = quantity x net_price - allowances + charges (within 0.02)
    std::string category;
    decimal rate;
    std::optional<date_range> period;
    std::vector<allowance_charge> adjustments;
};

struct tax_group {
    std::string category;
    decimal rate;
    decimal taxable;
    decimal tax;
    std::string exemption_code;
    std::string exemption_text;
};

struct model {
    const billing::invoice* doc = nullptr;
    bool xrechnung = false;
    bool credit = false;  // 381: UBL CreditNote
    std::string id;       // BT-1
    std::string type_code;
    civil_date issue_date;
    std::string currency;
    std::vector<std::string> notes;  // BT-22
    std::vector<line> lines;
    std::vector<allowance_charge> document_adjustments;
    std::vector<tax_group> taxes;
    std::vector<billing::document_reference> preceding;  // BG-3
    bool omit_vat_ids = false;                           // category O (BR-O-02...04)
    std::string payment_terms;                           // BT-20
    decimal line_total, allowance_total, charge_total, tax_basis, tax_total, grand_total, prepaid, payable;
    std::optional<decimal> tax_total_accounting;  // BT-111
};

// Fills `problems` with every reason the document cannot be written for the profile.
[[nodiscard]] model build_model(
    const billing::invoice& doc,
    bool xrechnung,
    const xml_options& options,
    std::vector<std::string>& problems
);

// Amount text at the currency's places, but EN 16931 allows at most 2 (BR-DEC-*): a value with a third
// significant place is reported. Quantities, prices and percents: the trimmed value.
[[nodiscard]] std::string amount_text(decimal value, const model& m, std::vector<std::string>& problems);
[[nodiscard]] std::string plain_text(decimal value);
// "YYYYMMDD" (CII format 102).
[[nodiscard]] std::string date_102(civil_date d);

}  // namespace fakturad::documents::detail
