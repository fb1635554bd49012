#pragma once
// The Salesforce connector's I/O side: executes what the protocol headers describe over net::http_client
// (TLS with host-name verification, keep-alive pool, a deadline per call).  No Beast in this header.
//
// Every call:
// - carries `Authorization: Bearer <token>` (fetched on first use and cached; on 401 INVALID_SESSION_ID a
//   new token is fetched once and the call repeated) and `Sforce-Call-Options: client=<client_name>`, so
//   that change events caused by fakturad's own writes can be recognised (changeOrigin);
// - reads Sforce-Limit-Info and is refused (errc::api_share_exhausted, nothing sent) once the configured
//   share of the org's daily API requests is used;
// - is retried with capped exponential backoff and full jitter after 5xx, UNABLE_TO_LOCK_ROW, throttling
//   or a lost connection when it is idempotent (reads, upserts by external ID); files are made idempotent
//   by looking them up by PathOnClient before inserting.
//
// Threading and lifetime: coroutines run on the http_client's single-threaded executor; the http_client,
// the clock and the random source must outlive the client, which must outlive its calls.  Cancellation
// of the awaiting coroutine is passed to the HTTP call and the backoff waits.

#include "fakturad/core/clock.hpp"
#include "fakturad/salesforce/auth.hpp"
#include "fakturad/salesforce/cometd.hpp"
#include "fakturad/salesforce/error.hpp"
#include "fakturad/salesforce/incremental.hpp"
#include "fakturad/salesforce/limits.hpp"
#include "fakturad/salesforce/rest.hpp"
#include "fakturad/salesforce/retry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::net {
class http_client;
}

namespace fakturad::salesforce {

struct client_options {
    salesforce::credentials credentials;
    std::string api_version = "v62.0";
    std::string client_name = "fakturad";             // Sforce-Call-Options client=<name>
    std::chrono::milliseconds call_timeout{120'000};  // deadline of one HTTP exchange
    backoff_policy backoff;
    double max_api_share = 0.8;                   // of the daily API requests (0 < share <= 1)
    unsigned query_batch_size = 2000;             // Sforce-Query-Options hint, 200..2000
    std::size_t multipart_threshold = 4U << 20U;  // files larger than this go one by one as multipart
    std::size_t file_batch_bytes = 8U << 20U;     // raw bytes of small files per collections call
    std::chrono::milliseconds streaming_timeout{130'000};  // CometD connect deadline; the server holds 110 s
    std::uint64_t bulk_page_records = 50'000;              // Bulk 2.0 results per page (maxRecords)
    std::chrono::milliseconds bulk_job_timeout{600'000};   // a Bulk 2.0 job not complete by then is aborted
    std::chrono::milliseconds bulk_poll_first{1'000};  // wait before the first poll of a job, then doubled
    std::chrono::milliseconds bulk_poll_cap{30'000};   // longest wait between two polls
};

// Called once per query page, in order; memory is bounded by a page.  Return false to stop the query
// (the call then ends with errc::stopped_by_caller).
using page_handler = std::function<bool(query_page& page)>;

struct query_summary {
    std::uint64_t total_size = 0;
    std::uint64_t records = 0;
    unsigned pages = 0;
};

// The result of one record of a write.
struct record_result {
    std::string key;  // the external id value (upsert) or PathOnClient (files)
    bool success = false;
    std::optional<std::string> id;
    bool created = false;
    std::vector<api_error_item> errors;  // per-record errors with their fields, when !success
    unsigned attempts = 0;

    // "Invoice__c Fakturad_Key__c=INV-7: REQUIRED_FIELD_MISSING [Invoice_Date__c] Required fields ..."
    [[nodiscard]] std::string describe(const std::string& object, const std::string& key_field) const;
};

struct write_report {
    std::vector<record_result> records;  // input order
    std::size_t failed = 0;
};

struct change_summary {
    unsigned handshakes = 0;  // more than one: the server forgot the client and it re-handshook
    std::uint64_t events = 0;
    std::optional<std::int64_t> last_replay_id;
};

// Called with the events of one CometD answer, in replay order, with own_write set.  Store them, then
// persist the last replay id; return false to stop following.
using change_handler = std::function<bool(std::vector<change_event>& events)>;

class client {
public:
    client(
        net::http_client& http, client_options options, const fakturad::clock& clock, random_source& random
    );
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Gets a new access token now (otherwise the first call does).
    boost::asio::awaitable<boost::system::result<void, call_error>> authenticate();

    // SOQL query (include_deleted: queryAll), pages handed to `on_page` as they arrive.
    boost::asio::awaitable<boost::system::result<query_summary, call_error>> query(
        std::string soql, page_handler on_page, bool include_deleted = false
    );

    // The same records as query(soql, on_page, include_deleted), read through a Bulk API 2.0 query job:
    // for large first loads (one job, results pages of bulk_page_records rows, instead of one call per
    // 2,000 rows).  Records have the REST shape (attributes.type, parent paths as nested objects, null
    // for empty) but every value is a string: convert by the field's describe type.  Each page goes to
    // `on_page` with page.done set on the last one and total_size the job's record count.
    //
    // The job is polled with doubling waits (bulk_poll_first .. bulk_poll_cap).  A job that is not
    // complete within bulk_job_timeout of its creation is aborted (errc::job_timed_out); one that ends
    // Failed or Aborted fails with errc::job_failed and the job's errorMessage.  SOQL Salesforce refuses
    // outright (syntax, unknown field) fails at creation with errc::request_rejected and its message.
    // Each HTTP call has the call_timeout deadline.  After the results were read (or reading stopped) the
    // job is deleted; a failed delete is ignored (Salesforce deletes finished jobs after 7 days).
    // Bulk 2.0 SOQL has no subqueries, aggregates, OFFSET or TYPEOF.
    boost::asio::awaitable<boost::system::result<query_summary, call_error>> bulk_query(
        std::string soql, page_handler on_page, bool include_deleted = false
    );

    // Records of `q` changed since `from` (with the overlap window), handed over page by page; returns the
    // cursor after the last record handed over (unchanged when there was none).  Persist it once the
    // records are stored.
    boost::asio::awaitable<boost::system::result<sync_cursor, call_error>> poll_changes(
        incremental_query q, sync_cursor from, page_handler on_page
    );

    // Upserts `records` (each carrying `external_id_field`) in collections of 200.  Per-record failures are
    // in the report (locks retried per record); the call fails as a whole only when Salesforce could not be
    // used at all (auth, limits, retries exhausted for a collection call).
    boost::asio::awaitable<boost::system::result<write_report, call_error>> upsert(
        std::string object, std::string external_id_field, std::vector<boost::json::object> records
    );

    // Creates `records` of `object` (sObject Collections, 200 per call).  Not idempotent: a create is never
    // repeated by the client after an unclear outcome, so the caller looks for the record first (e.g. by a
    // key in a searchable field) when a repeated call must not duplicate it.
    boost::asio::awaitable<boost::system::result<write_report, call_error>> create(
        std::string object, std::vector<boost::json::object> records
    );

    // Inserts each file as a ContentVersion linked to its record (FirstPublishLocationId).  Files already
    // present with the same PathOnClient are reported as success without a new insert, so repeating an
    // upload never duplicates a file.  Small files go in collections; large ones one by one as multipart.
    boost::asio::awaitable<boost::system::result<write_report, call_error>> upload_files(
        std::vector<file_upload> files
    );

    // Follows Change Data Capture events on `channel` (/data/ChangeEvents, /data/AccountChangeEvent, ...)
    // from `replay_from` (a stored replay id, replay_new_only or replay_all_retained) until `on_events`
    // returns false.  After `403::Unknown client` (server restart, missed reconnect) or an invalidated
    // session it handshakes and subscribes again from the last replay id handed over, so nothing is
    // skipped.  A replay id no longer retained ends the call with errc::replay_id_invalid: catch up by
    // polling (poll_changes), then follow from replay_new_only.
    boost::asio::awaitable<boost::system::result<change_summary, call_error>> follow_changes(
        std::string channel, std::int64_t replay_from, change_handler on_events
    );

    // The describe body of `object` (an API name such as "Account" or "Invoice__c"): fields with their
    // types, lengths and picklists, childRelationships, ... as Salesforce sends them; the mapping module
    // reads it into its own schema.  An object the org does not have ends with errc::not_found (report
    // "unknown object", perhaps with names from describe_global as hints); a name that is not an API name
    // with errc::bad_input, nothing sent.
    boost::asio::awaitable<boost::system::result<boost::json::object, call_error>> describe(std::string object
    );

    // The names of all objects of the org (global describe), for did-you-mean hints on unknown objects.
    boost::asio::awaitable<boost::system::result<std::vector<std::string>, call_error>> describe_global();

    // GET /limits: the DailyApiRequests figures (also refreshes the budget).
    boost::asio::awaitable<boost::system::result<api_usage, call_error>> fetch_limits();

    // The newest Sforce-Limit-Info figures seen, if any.
    [[nodiscard]] std::optional<api_usage> last_api_usage() const;
    // HTTP calls sent so far (token requests included), for metrics and the benchmark.
    [[nodiscard]] std::uint64_t calls_sent() const;
    [[nodiscard]] const client_options& options() const;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace fakturad::salesforce
