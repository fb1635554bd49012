#pragma once
// One invoice run over the stored plans (blocking; the daemon runs it on the store strand of its pool).
//
// Exactly once, also across a kill at any moment (billing/README.md "Invoice runs", store/README.md):
//   1. the run row is written first ('running'); plans are billed one at a time in group order;
//   2. each draft is saved in its own transaction with its billed periods (UNIQUE per period: a period
//      billed by a draft of a killed run is not billed again, the engine sees it in the plan state);
//   3. with `finalize`, each draft is finalized in a second transaction that draws its number and commits
//      the write-back intent in the outbox with it; without it and with `publish_drafts`, the draft's own
//      write-back intent is committed with the draft (approval in Salesforce, approval_job.hpp);
//   4. a run found 'running' at start-up is resumed: its left-over drafts are finalized first, then the
//      plans are billed again (those billed already contribute nothing), then the row is finished.
// So a number is drawn only with its finalized invoice, an invoice exists at most once per period, and each
// finalized invoice has exactly one write-back intent.
//
// A dry run writes nothing: it bills from the stored state and reports the drafts it would make.
//
// Whether the buyer's VAT ID counts as confirmed (reverse charge, intra-community supplies) is decided per
// plan when it is billed, from the VAT-ID checks in the store (VIES evidence), not from the mapping.

#include "billing_context.hpp"
#include "fakturad/billing/invoice.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/store/invoice_run_store.hpp"
#include "fakturad/store/sqlite_store.hpp"
#include "invoice_intents.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::daemon {

struct run_progress {
    std::int64_t run_id = 0;  // 0 for a dry run
    std::int64_t selected = 0;
    std::int64_t done = 0;
    std::int64_t drafts = 0;
    std::int64_t finalized = 0;
    std::int64_t failed = 0;
};

struct draft_summary {
    std::string account_id;
    std::string account_name;
    std::string currency;
    std::string number;  // empty unless finalized
    std::size_t lines = 0;
    std::string net;
    std::string gross;
};

struct run_outcome {
    run_progress progress;
    std::string state;                  // finished | cancelled | failed
    std::vector<std::string> failures;  // "plan 006...: reason", at most 50
    std::vector<draft_summary> drafts;  // dry run: every draft; otherwise the first 50
};

struct run_hooks {
    std::function<instant()> now;
    // VAT-ID evidence (vat_check_job.hpp vat_id_confirmed): an `unconfirmed` latest check still counts when a
    // valid one lies within this window (vies.accept_recently_valid; 0: never).
    std::chrono::milliseconds accept_recently_valid{0};
    // billing.finalize: approval — each draft that is not finalized at once is sent to Salesforce (with its
    // outbox intent in the draft's transaction), where a clerk approves it (approval_job.hpp).
    bool publish_drafts = false;
    std::function<void(const run_progress&)> on_progress;  // every few plans; may be empty
    const std::atomic<bool>* cancel = nullptr;             // checked between plans
};

// Runs (or, with `resume`, continues) an invoice run. Throws store_error only for a broken store; every
// plan-level problem is a failure in the outcome and the run goes on.
run_outcome execute_invoice_run(
    store::sqlite_store& db,
    const billing_context& ctx,
    const store::run_request& request,
    std::optional<std::int64_t> resume,
    const run_hooks& hooks
);

}  // namespace fakturad::daemon
