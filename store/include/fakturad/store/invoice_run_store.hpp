#pragma once
// Invoice runs in the store: what was asked (cutoff, selection, dry run, finalize), how far a run got, and
// how it ended. A run is written 'running' when it starts and keeps that state until finish(); a run still
// 'running' at start-up was interrupted by a crash and is resumed (running()). Exactly-once billing does
// not depend on this table (billed_periods does that); it makes a resumed run continue instead of starting
// over, and keeps a scheduled run from being started twice for one cutoff.
//
// Counters are the caller's: progress() stores them as given (plans done, drafts created, invoices
// finalized, plans failed). Every write runs in the caller's transaction when one is open, else in its own.
// Errors: store_error.

#include "fakturad/billing/run.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::store {

struct run_request {
    civil_date cutoff;
    billing::run_selection selection;
    bool dry_run = false;    // compute only; nothing is saved
    bool finalize = false;   // finalize the drafts the run creates
    std::string started_by;  // "schedule" or "manual"
};

struct run_row {
    std::int64_t id = 0;
    run_request request;
    std::string state;  // "running", "finished", "failed" or "cancelled"
    instant started_at{};
    std::optional<instant> finished_at;
    std::int64_t plans_selected = 0;
    std::int64_t progress_done = 0;  // plans visited so far
    std::int64_t drafts_created = 0;
    std::int64_t invoices_finalized = 0;
    std::int64_t plans_failed = 0;
    std::optional<std::string> error;
};

class invoice_run_store {
public:
    explicit invoice_run_store(sqlite_store& store) noexcept : store_(&store) {}

    // Writes a new run in state 'running' and returns its id. Throws store_error for a started_by other
    // than "schedule" or "manual".
    std::int64_t start(const run_request& request, std::int64_t plans_selected, instant now);

    // Stores the counters of a running run. Throws store_error when the run does not exist or has ended.
    void progress(
        std::int64_t run_id,
        std::int64_t done,
        std::int64_t drafts,
        std::int64_t finalized,
        std::int64_t failed
    );

    // Ends a running run: state "finished", "failed" or "cancelled", with an error text or none. Throws
    // store_error for another state, or when the run does not exist or has ended already.
    void finish(
        std::int64_t run_id, std::string_view state, std::optional<std::string_view> error, instant now
    );

    // The newest run still 'running' (left so by a crash): resume it.
    [[nodiscard]] std::optional<run_row> running();
    [[nodiscard]] std::optional<run_row> load(std::int64_t run_id);
    // At most `limit` runs, newest first.
    [[nodiscard]] std::vector<run_row> recent(std::size_t limit);
    // Whether a scheduled run for this cutoff was started already (in any state), so that a restart does
    // not start it twice.
    [[nodiscard]] bool scheduled_run_exists(civil_date cutoff);

private:
    sqlite_store* store_;
};

}  // namespace fakturad::store
