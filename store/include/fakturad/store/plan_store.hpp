#pragma once
// The sync's repository: Salesforce accounts, the billing plans the mappings make of Salesforce records,
// usage, and the records a mapping could not use (quarantine). Invoice runs read the plans back from here.
//
// Plans are stored twice, like invoices: the whole billing::billing_plan as JSON
// (billing_plans.plan_document, what the engine bills from, decimals with their scale) and the columns of
// billing_plans and plan_items (one row per item, by plan and item key) that queries, constraints and the
// billed periods refer to. Ids: a plan is identified by its source record's Salesforce Id (plan.id =
// billing_plans.source_record_id), an item by its key within the plan, the seller by the legal entity code.
//
// Transactions: every write runs in the caller's `transaction` when one is open, else in one of its own,
// so a sync batch can commit its accounts, plans, cursor and quarantine entries together. Each call is all
// or nothing even then (a savepoint): a call that throws leaves no part of its writes in the caller's
// transaction, which may go on and commit the rest.
// Errors: store_error (store_error.hpp); a missing account, contact or legal entity is named in the message.
// Not thread-safe: one plan_store per sqlite_store connection, used by one thread at a time.

#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/run.hpp"
#include "fakturad/billing/usage.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::store {

// A synced Salesforce Account.
struct account_record {
    std::string sf_id;  // the 18-character Id
    std::string name;
    std::string billing_country;  // ISO 3166-1 alpha-2, or empty (stored as NULL)
    std::string vat_id;           // as in Salesforce, or empty (stored as NULL)
    std::string raw_json;         // the record as fetched (a JSON object)
    instant system_modstamp{};
};

// What an upsert did.
enum class put_outcome : std::uint8_t {
    created,
    changed,
    unchanged,  // identical to what the store holds; nothing was written
};

// A billing plan with where it came from.
struct plan_record {
    billing::billing_plan plan;
    std::string source_object;  // API name of the record the plan was made of, e.g. "Contract"
    std::string mapping_name;   // the mapping file's name
    std::string source_json;    // the record as fetched (a JSON object), for reproducibility
    instant system_modstamp{};
    std::string status;        // on load: "active", "ended" or "cancelled"; ignored by put_plan
    std::string ended_reason;  // on load: why end_plan ended it; empty while active
};

// One usage (consumption) record from Salesforce or a usage feed.
struct usage_row {
    std::string external_id;  // unique across all usage; the upsert key
    std::string plan_id;      // the plan's Salesforce Id
    std::string item_key;     // the item of that plan
    instant occurred_at{};
    civil_date date;  // occurred_at as a civil date in the org calendar (billing uses only this)
    decimal quantity;
    std::string unique_key;  // what unique_count counts (a user id); may be empty
};

// A record a mapping could not use, shown to the operator until it is released or fixed.
struct quarantine_entry {
    std::string object;     // Salesforce API name
    std::string record_id;  // the record's Id
    std::string mapping_name;
    std::vector<std::string> problems;  // never empty
    instant first_seen{};
    instant last_seen{};
    std::int64_t occurrences = 0;
};

class plan_store {
public:
    explicit plan_store(sqlite_store& store) noexcept : store_(&store) {}

    // Upserts the account by sf_id (and clears its deleted mark). `unchanged` when name, country, VAT ID,
    // raw JSON and modstamp equal the stored ones. Throws store_error when a value breaks the schema (an
    // Id that is not 18 characters, a country that is not two capital letters, raw JSON that is not JSON).
    put_outcome put_account(const account_record& account, instant now);

    // Upserts the plan (by source_object + plan.id) and one plan_items row per item (by plan + item key).
    // Item rows of items no longer in the plan are kept: billed periods and invoice lines refer to them.
    // The buyer account (plan.account.id), the bill-to (plan.bill_to->id: a synced account or contact)
    // and the legal entity (plan.seller.id = legal_entities.code) must be in the store, else store_error
    // naming the missing one (sync accounts before plans). Status: 'active' with no ended reason, unless
    // end_plan ended the plan and the new plan still ends on or before that day: then the plan stays ended
    // (or cancelled, with end = start as end_plan writes it). `unchanged` when the document (after that
    // adjustment), source_json and mapping_name equal the stored ones; nothing is written then.
    put_outcome put_plan(const plan_record& record, instant now);

    // The plan as stored (document, source, status), or nullopt when no plan has that Id.
    [[nodiscard]] std::optional<plan_record> load_plan(std::string_view plan_id);

    // Ends the plan on `end` (inclusive): its document's and the end_date column's end become `end`, status
    // 'ended', with the reason. When `end` lies before the plan's start the plan never ran: status
    // 'cancelled' and document end = start (for_each_plan skips cancelled plans, so it is never billed).
    // Returns false and changes nothing when the plan does not exist or already ends on or before `end`.
    bool end_plan(std::string_view plan_id, civil_date end, std::string_view reason, instant now);

    // Visits the selected plans that are not cancelled ('ended' ones are included: they may owe a last
    // period) in the invoice run's group order (billing/run.hpp: bill-to id, currency, legal entity,
    // language, payment terms, VAT rounding, recipient e-mails), then by plan id, so that consecutive plans
    // of one group go on one draft. `visit` returns false to stop. The order is taken once at the start
    // (8 bytes per selected plan); each plan is then read and decoded on its own, and no statement is open
    // while `visit` runs, so `visit` may use this connection, including writes (load the plan state, save
    // drafts). A plan cancelled meanwhile is skipped; a plan changed meanwhile is visited as it is now.
    // Plans written before schema version 4 have no document and are not visited (sync them again).
    void for_each_plan(
        const billing::run_selection& selection,
        const std::function<bool(const billing::billing_plan&)>& visit
    );

    // How many plans for_each_plan would visit now.
    [[nodiscard]] std::size_t count_plans(const billing::run_selection& selection);

    // Ids of the plans that `mapping_name` made from `source_object` and that are not cancelled, sorted:
    // the sync compares them with what Salesforce still returns and ends the others.
    [[nodiscard]] std::vector<std::string> plan_ids_of(
        std::string_view source_object, std::string_view mapping_name
    );

    // Upserts the usage record by external_id; its item is (row.plan_id, row.item_key). Throws store_error
    // naming both when the plan has no such item (sync the plan first). `unchanged` when item, quantity
    // (by value: the column keeps canonical text, so 1.50 reads back as 1.5), instant, date and unique key
    // equal the stored ones.
    put_outcome put_usage(const usage_row& row, instant now);

    // The plan's usage with a date in [from, to], as the engine takes it: sequence = the row id (order
    // within a day for `last`), ordered by date and sequence.
    [[nodiscard]] std::vector<billing::usage_record> load_usage(
        std::string_view plan_id, civil_date from, civil_date to
    );

    // Records that the mapping could not use `record_id` of `object`: a new entry, or for one that exists
    // occurrences + 1, last_seen = now, mapping and problems replaced. `problems` must not be empty (throws
    // store_error).
    void quarantine(
        std::string_view object,
        std::string_view record_id,
        std::string_view mapping_name,
        const std::vector<std::string>& problems,
        instant now
    );

    // Removes the entry (the record was mapped after all, or an operator dismissed it); true when there
    // was one.
    bool release(std::string_view object, std::string_view record_id);

    // At most `limit` entries, the most recently seen first.
    [[nodiscard]] std::vector<quarantine_entry> quarantined(std::size_t limit);
    [[nodiscard]] std::size_t quarantine_count();

private:
    sqlite_store* store_;
};

}  // namespace fakturad::store
