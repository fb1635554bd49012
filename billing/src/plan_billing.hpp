#pragma once
// Internal: the one function that computes a plan's lines, shared by invoice runs (run.hpp) and manual
// drafts from a plan (lifecycle.hpp), so both price and prorate identically.

#include "fakturad/billing/error.hpp"
#include "fakturad/billing/invoice.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/plan_state.hpp"
#include "fakturad/billing/usage.hpp"
#include "fakturad/billing/vat_resolver.hpp"
#include "fakturad/core/calendar.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace fakturad::billing::detail {

struct billing_target {
    civil_date cutoff;                        // run: the due rule's cutoff
    std::size_t max_periods_per_item = 120;   // run: catch-up cap
    std::optional<date_range> manual_window;  // manual draft: bill the periods inside, ignore state/due
    bool keys = true;                         // produce billed_charge_refs
    const vat_resolver* vat = nullptr;        // for items with `tax:`; a plan with such items fails without
};

// What tax determination asks to print on the document: exemption reasons per category and notes, each
// once (add() keeps the first occurrence).
struct vat_texts {
    std::vector<vat_exemption> exemptions;
    std::vector<std::string> notes;
    std::vector<std::string> decisions;

    void add(const resolved_vat& r);
    // Appends to `doc` what it lacks: exemption reasons, notes and tax decisions.
    void merge_into(invoice& doc) const;
};

// Appends the plan's lines and billed charges. On error nothing is appended (fail closed).
[[nodiscard]] billing_status bill_into(
    const billing_plan& plan,
    const plan_state& state,
    std::span<const usage_record> usage,
    const billing_target& target,
    std::vector<invoice_line>& lines,
    std::vector<billed_charge_ref>& billed,
    bool& capped,
    vat_texts* texts = nullptr
);

}  // namespace fakturad::billing::detail
