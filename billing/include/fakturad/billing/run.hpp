#pragma once
// Invoice run planning: which periods are due, what they cost, and which draft invoice they go on.
//
// One code path for the real run and for the preview (Kill Bill #2249: a dry run that differed from the
// real invoice). invoice_run takes plans one by one (streamed: memory is bounded by one plan and one open
// draft, never by the number of plans) and hands finished drafts to a draft_sink; the preview's sink
// prints them, the run's sink writes them and their billed periods in one store transaction, where
// UNIQUE(item_id, period_start) refuses a period billed twice — a guarantee of the database, not a
// pre-check here (Lago #1988).
//
// Due rule for a cutoff date D (per item, on its period sequence, see plan.hpp):
//   in_advance  a period is due when its first day <= D
//   in_arrears  a period is due when its last day < D (the day after it ends); usage and percentage
//               items are always in arrears
//   one_time    due when its start <= D; billed once
// Every period due since the item was last billed is billed (catch-up), at most max_periods_per_item per
// run (the rest follows in the next run; summary().plans_capped counts them). A regular period counts as
// billed when it ends on or before billed_through or a passed charge starts inside it.
//
// What a period costs:
//   - recurring items: one charge line per segment of constant quantity (quantity changes split a period),
//     amount = evaluate_price(quantity) prorated by days of the segment / days of the full grid period
//     containing it (actual days, proration.hpp), rounded once; the line prints "prorated d/n days".
//   - usage items: the period's aggregate (usage.hpp); a stub at start or end is not prorated (usage is
//     measured over the days it covers) but its minimum is.
//   - minimum: a true-up line raises the period's charges to the (prorated) minimum; percentage applies
//     its minimum on the line itself.
//   - discounts: item discounts give one discount line per charge line; invoice discounts are computed on
//     the plan's lines of the draft (plan.hpp).
//   - changes to periods already billed (quantity change, earlier end, later start): for each passed
//     charge, from the first day whose current quantity differs from the billed one, a credit for the
//     unused part of what was billed: billed_net x unused days / days of the charge, rounded once, capped
//     by billed_net - credited; then charges for the new quantities of those days. Credits reverse the
//     snapshot, never today's price (Lago #1776).
// Fail closed (Kill Bill #640): a plan with any problem (check_plan, arithmetic) contributes no line at
// all; the sink hears on_plan_failed with the reason, and the run goes on with the next plan.
//
// Grouping: consecutive plans whose group key is equal go on one draft: (bill-to id, currency, legal
// entity, language, payment terms, VAT rounding, recipient e-mails). The caller feeds plans ordered by
// that key (the store orders its query so); plan_in_group_order() sorts an in-memory list for previews.

#include "fakturad/billing/error.hpp"
#include "fakturad/billing/invoice.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/plan_state.hpp"
#include "fakturad/billing/usage.hpp"
#include "fakturad/billing/vat_resolver.hpp"
#include "fakturad/core/calendar.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing {

enum class selection_kind : std::uint8_t { all, account, plan };

struct run_selection {
    selection_kind kind = selection_kind::all;
    std::string id;  // the account id or plan id

    [[nodiscard]] bool selects(const billing_plan& plan) const noexcept;
};

struct run_options {
    civil_date cutoff;
    run_selection selection;
    std::size_t max_periods_per_item = 120;
    // Tax determination for items with `tax:` (vat_resolver.hpp); must outlive the run. Without it a plan
    // with such items fails closed.
    const vat_resolver* vat = nullptr;
};

// Receives the run's results. Called on the thread that calls invoice_run.
class draft_sink {
public:
    virtual ~draft_sink() = default;
    // A complete draft (status draft, totals computed, billed periods listed).
    virtual void on_draft(invoice&& draft) = 0;
    // A plan that was selected but could not be billed; none of its lines is on any draft.
    virtual void on_plan_failed(std::string_view plan_id, const billing_error& error) = 0;
};

struct run_summary {
    std::size_t plans_seen = 0;
    std::size_t plans_selected = 0;
    std::size_t plans_billed = 0;  // with at least one line
    std::size_t plans_failed = 0;
    std::size_t plans_capped = 0;  // more periods were due than max_periods_per_item
    std::size_t drafts = 0;
    std::size_t lines = 0;
};

class invoice_run {
public:
    invoice_run(run_options options, draft_sink& sink);
    invoice_run(const invoice_run&) = delete;
    invoice_run& operator=(const invoice_run&) = delete;

    // Bills one plan with what was billed before (state) and its usage records (any order; records of
    // other items or outside the periods are ignored).
    void add(const billing_plan& plan, const plan_state& state, std::span<const usage_record> usage);

    // Hands the open draft to the sink. Call once after the last plan; add() may follow (a new batch).
    void finish();

    [[nodiscard]] const run_summary& summary() const noexcept { return summary_; }

private:
    void flush();

    run_options options_;
    draft_sink& sink_;
    run_summary summary_;
    invoice draft_;
    bool draft_open_ = false;
};

// The lines and billed charges one plan contributes for a cutoff (what add() puts on the draft).
// Exposed for manual drafts from a plan and for tests. Errors: invalid_plan, arithmetic.
struct plan_billing {
    std::vector<invoice_line> lines;
    std::vector<billed_charge_ref> billed;  // line_index relative to `lines`
    bool capped = false;
    std::vector<vat_exemption> vat_exemptions;  // from tax determination, each once
    std::vector<std::string> notes;             // legally required notes from tax determination
    std::vector<std::string> tax_decisions;     // why each determined treatment applies
};
[[nodiscard]] billing_result<plan_billing> bill_plan(
    const billing_plan& plan,
    const plan_state& state,
    std::span<const usage_record> usage,
    const run_options& options
);

// Indexes of `plans` in group-key order (stable for equal keys), for feeding an in-memory list.
[[nodiscard]] std::vector<std::size_t> plan_in_group_order(std::span<const billing_plan> plans);

// Convenience for previews and tests: runs every plan (in group order) and returns the drafts and failures.
struct run_result {
    std::vector<invoice> drafts;
    std::vector<std::pair<std::string, billing_error>> failures;
    run_summary summary;
};
[[nodiscard]] run_result run_all(
    std::span<const billing_plan> plans,
    std::span<const plan_state> states,
    std::span<const usage_record> usage,
    const run_options& options
);

}  // namespace fakturad::billing
