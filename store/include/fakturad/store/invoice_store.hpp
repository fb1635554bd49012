#pragma once
// The invoice repository: billing documents, their numbers and the periods they bill, in the store.
//
// Exactly once (billing/README.md, "Invoice runs"): `save_draft` writes the document, its lines, one
// billed_periods row per billed charge and one billed_period_credits row per credit for unused days, all in
// the caller's transaction. UNIQUE(item_id, period_start, revision) in the database — not a pre-check —
// makes a period billable once: a second draft for the same period fails with `already_billed` and its
// transaction is rolled back, whatever other process or thread wrote the first.
//
// Numbers (billing/numbering.hpp): `finalize` draws the number in the transaction that freezes the
// document, from number_ranges(legal_entity, series, period_key). The counter only moves forward (trigger),
// and a rolled-back finalization rolls back its draw too, so numbers have no gaps and are never reused; a
// number voided later is logged in number_voids with its reason.
//
// Cancellation: finalizing a cancellation sets the original to cancelled and deletes the original's
// billed_periods rows, which releases its periods for re-billing (their credits go with them). A period
// of the original that a later finalized invoice has already credited in part stays billed (the store
// refuses: cancel that later invoice first).
//
// Documents are stored twice, on purpose: the columns (number, dates, totals, lines) for queries and
// constraints, and the whole document as JSON (`invoices.document`) as the engine made it — parties with
// their addresses at the time, line kinds, proration, VAT breakdown, deductions — so a finalized invoice
// renders the same in ten years (GoBD). The status column is authoritative; the snapshot is frozen at
// finalization.
//
// Ids: a document refers to Salesforce records by their Ids (party::id of account and bill-to, plan id =
// billing_plans.source_record_id, item key = plan_items.source_item_key) and to its seller by the legal
// entity code; each must exist in the store (the sync writes accounts and plans), else `save_draft` throws
// store_error naming the missing record.

#include "fakturad/billing/invoice.hpp"
#include "fakturad/billing/lifecycle.hpp"
#include "fakturad/billing/numbering.hpp"
#include "fakturad/billing/plan_state.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::store {

using invoice_id = std::int64_t;

struct legal_entity_record {
    std::string code;
    std::string name;
    std::string country;  // ISO 3166-1 alpha-2
    std::string vat_id;
    std::string tax_number;
};

struct stored_invoice {
    invoice_id id = 0;
    billing::invoice document;  // status, number and dates as in the columns
};

// Thrown by save_draft when a charge of the draft is billed already (UNIQUE(item_id, period_start,
// revision)). The transaction is rolled back by its owner; nothing of the draft is stored.
class already_billed : public store_error {
public:
    using store_error::store_error;
};

struct draft_listing {
    invoice_id id = 0;
    std::string legal_entity;  // code
    std::size_t lines = 0;
};

class invoice_store {
public:
    explicit invoice_store(sqlite_store& store) noexcept : store_(&store) {}

    // Inserts the legal entity or updates its name, country and ids; returns its row id.
    std::int64_t put_legal_entity(const legal_entity_record& entity, instant now);

    // Writes a draft (status draft, no number) with its lines, billed periods and credits. Runs inside the
    // caller's transaction when there is one, else in its own. Throws already_billed (see above) or
    // store_error (a missing account, plan, item or legal entity; a document that is not a draft).
    invoice_id save_draft(const billing::invoice& draft, std::optional<std::int64_t> run_id, instant now);

    // Deletes a draft; its billed periods and credits go with it (released). Throws store_error for a
    // document that is not a draft or does not exist.
    void delete_draft(invoice_id id);

    // Applies a clerk's revision to a draft (billing::revise_draft: references, notes, due date, line texts;
    // amounts stay as billed) and stores the document and its line texts. Runs inside the caller's
    // transaction when there is one. Throws store_error when the draft does not exist, is not a draft, or
    // the revision is refused (the message says why, naming the field).
    stored_invoice revise_draft(
        invoice_id id, const billing::draft_revision& revision, civil_date issue_date, instant now
    );

    // Finalizes a draft in one transaction of its own: draws the next number of `range` for the issue date
    // (none for a pro-forma), sets issue and due date, freezes the document; for a cancellation also sets
    // the original to cancelled and releases its periods. Returns the finalized document. Throws
    // store_error when the draft does not exist or is not a draft, when the engine refuses to finalize it
    // (the message names why), or when `range` does not match a range stored before under the same key
    // (another pattern for the same legal entity, series and period).
    stored_invoice finalize(
        invoice_id id, const billing::number_range_spec& range, civil_date issue_date, instant now
    );

    // As above, and enqueues `also_enqueue` (e.g. the Salesforce write-back of the invoice) in the same
    // transaction: a finalized invoice always has its intents, and a finalization that fails or is rolled
    // back leaves none. An intent whose idempotency key exists already adds nothing (outbox rules).
    stored_invoice finalize(
        invoice_id id,
        const billing::number_range_spec& range,
        civil_date issue_date,
        instant now,
        std::span<const outbox_intent> also_enqueue
    );

    // Logs a drawn number that will never stand on a document (UStAE 14.5: a gap in the numbers must be
    // explained), e.g. a number handed out by hand for a paper invoice that was never written. Throws
    // store_error when the range does not exist or the value was not drawn yet (trigger), or was voided
    // before.
    void void_number(
        std::string_view legal_entity_code,
        std::string_view series,
        std::string_view period_key,
        std::uint64_t value,
        std::string_view number,
        std::string_view reason,
        instant now
    );

    [[nodiscard]] std::optional<stored_invoice> load(invoice_id id);
    [[nodiscard]] std::optional<stored_invoice> find_by_number(
        std::string_view legal_entity_code, std::string_view number
    );

    // What has been billed for the plan (billing/plan_state.hpp): per item the billed charges with their
    // snapshot and credits, and billed_through = the last day of the latest regular period.
    [[nodiscard]] billing::plan_state load_plan_state(std::string_view plan_id);

    // Every finalized document that corrects `id` (cancellations and credit notes), oldest first.
    [[nodiscard]] std::vector<billing::invoice> corrections_of(invoice_id id);

    // The drafts that run `run_id` saved and that are still drafts, ascending.
    [[nodiscard]] std::vector<invoice_id> drafts_of_run(std::int64_t run_id);

    // Every document that is still a draft, ascending (those awaiting approval among them).
    [[nodiscard]] std::vector<draft_listing> open_drafts();

    // Every document of run `run_id` (drafts, finalized and cancelled), ascending.
    [[nodiscard]] std::vector<invoice_id> invoices_of_run(std::int64_t run_id);

    // At most `limit` documents finalized after `after_id` was, in the order of their finalization (not of
    // their ids: a draft may be finalized after a younger one); after_id = 0 starts at the first. Feed the
    // last id returned back in to page on. A cancelled invoice is listed too (it was finalized). Throws
    // store_error when after_id is neither 0 nor a finalized invoice.
    [[nodiscard]] std::vector<invoice_id> finalized_since(invoice_id after_id, std::size_t limit);

private:
    sqlite_store* store_;
};

}  // namespace fakturad::store
