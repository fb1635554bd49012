#pragma once
// The sync pipeline: Salesforce records -> mapping -> billing plans and usage in the store.
//
// One code path for every way a record comes in (DESIGN.md, "Data flow"):
//   ids  ->  fetch by ids (one SOQL query per 100 ids, the mapping's fields and child subquery)
//        ->  classify: returned and matching -> map; returned and no longer matching, or not returned
//            (deleted) -> end the plan on the day the change was seen; mapping problems -> quarantine
//        ->  store, one transaction per chunk, with the sync-error write-back intents.
// Where the ids come from:
//   - first load of a plan mapping (no cursor yet): SELECT Id ... WHERE <conditions> (Bulk API 2.0 above
//     `bulk_threshold` records); plans of the mapping that the org no longer returns are ended;
//   - later passes: incremental polls by SystemModstamp of the source object and of the item object (whose
//     lookup field names the parent), from the stored cursors (with the connector's overlap window);
//   - change events and `fakturactl resync --id`: the ids they name; an overflow event (no ids) or a lost
//     replay position: an immediate poll of the objects concerned (catch_up).
// Memory is bounded by one chunk of records plus the id list of one object (ids only, ~20 bytes each).
// Usage mappings are read page by page and upserted by their external id, in batches of
// sync_options::usage_batch_rows, each stored with the cursor it reached (memory: one batch).
//
// Cursors are stored per mapping and object ("plan:<mapping>:<Object>") only after the records they cover
// are stored, so a crash repeats work and never skips it. Processing a record twice is harmless: plans are
// upserted, unchanged ones are not written, usage is keyed by its external id.

#include "billing_context.hpp"
#include "change_backlog.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/core/logger.hpp"
#include "fakturad/mapping/bound_mapping.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::salesforce {
class client;
}

namespace fakturad::daemon {

// Runs a piece of blocking store work on the store's executor and waits for it.
using store_runner = std::function<boost::asio::awaitable<void>(std::function<void(store::sqlite_store&)>)>;

struct sync_counts {
    std::size_t fetched = 0;
    std::size_t created = 0;
    std::size_t changed = 0;
    std::size_t unchanged = 0;
    std::size_t ended = 0;
    std::size_t quarantined = 0;
    std::size_t released = 0;  // came out of quarantine
    std::size_t usage = 0;     // usage records created or changed
};

struct sync_report {
    sync_counts counts;
    std::vector<std::string> changes;  // "Opportunity 006...: plan created", at most 200
    std::vector<std::string> errors;   // calls that failed; the pass goes on with the next mapping
};

struct resync_request {
    std::string object;            // only mappings of this source object; empty: all
    std::string record_id;         // only this record; empty: all records of the mappings
    std::optional<instant> since;  // only records changed since; empty: everything
};

struct sync_options {
    std::size_t bulk_threshold = 50'000;    // first loads with more ids go through Bulk API 2.0
    std::size_t usage_batch_rows = 20'000;  // usage records stored per batch (bounds memory)
    // Digest of each mapping file's text by path (binding_result::file_digests): a cursor reached with
    // another digest counts as none, so a changed mapping reads every record again.
    std::map<std::string, std::string> mapping_digests;
    std::string time_zone = "Europe/Berlin";
};

class sync_job {
public:
    sync_job(
        salesforce::client& sf,
        store_runner on_store,
        const mapping::bound_set& mappings,
        const billing_context& billing,
        sync_options options,
        logger& log,
        std::function<instant()> now
    );

    // One pass over every mapping: a first load where there is no cursor, else the changes since.
    boost::asio::awaitable<sync_report> run_pass();

    // Re-reads records regardless of the cursors (idempotent; reports what changed).
    boost::asio::awaitable<sync_report> resync(resync_request request);

    // Works off what change events asked for (change_backlog.hpp): re-reads the named records by id, then
    // polls, from their cursors, the mappings that watch an object an overflow event named, or every
    // mapping.  Success is an empty report.errors; otherwise take the backlog up again later.
    boost::asio::awaitable<sync_report> catch_up(change_backlog backlog);

    // The civil date of an instant in the org's time zone.
    [[nodiscard]] civil_date local_date(instant at) const;

private:
    // Re-reads the records with these ids for the mappings that watch `object` (items: their parents).
    boost::asio::awaitable<void> reread(
        std::string object, std::vector<std::string> ids, sync_report& report
    );
    boost::asio::awaitable<void> sync_plan_mapping(
        const mapping::bound_plan_mapping& m, const resync_request* forced, sync_report& report
    );
    // The digest of the mapping file at `file`; nullopt when unknown (then cursors carry none).
    [[nodiscard]] std::optional<std::string> mapping_digest(const std::string& file) const;
    // True (and logged) when `stored` was reached with another version of the mapping file than `digest`.
    [[nodiscard]] bool read_again(
        const std::optional<store::sync_cursor_info>& stored,
        const std::optional<std::string>& digest,
        const std::string& mapping,
        const mapping::source_location& at
    ) const;
    boost::asio::awaitable<void> sync_usage_mapping(
        const mapping::bound_usage_mapping& m, const resync_request* forced, sync_report& report
    );
    boost::asio::awaitable<void> sync_ids(
        const mapping::bound_plan_mapping& m, std::vector<std::string> ids, sync_report& report
    );
    boost::asio::awaitable<std::vector<std::string>> query_ids(
        std::string soql, bool bulk, sync_report& report
    );

    salesforce::client& sf_;
    store_runner on_store_;
    const mapping::bound_set& mappings_;
    const billing_context& billing_;
    sync_options options_;
    logger& log_;
    std::function<instant()> now_;
    mapping::apply_context apply_;
};

}  // namespace fakturad::daemon
