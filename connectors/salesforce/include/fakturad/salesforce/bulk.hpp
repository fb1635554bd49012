#pragma once
// Bulk API 2.0 query jobs (reference §6.1), the pure part: request builders, the JobInfo parser, the poll
// schedule, and the reader that turns CSV result pages into records shaped like REST query records, so
// that one consumer handles both.  No I/O, no clock: client::bulk_query drives these.
//
// The life of a job: create (POST jobs/query, CSV with comma and LF) -> poll GET jobs/query/<id> until
// JobComplete (Failed or Aborted end it) -> GET results?maxRecords=N, then ?locator=L while the
// Sforce-Locator header is not the literal "null" -> DELETE the job.  Every page repeats the header row.

#include "fakturad/salesforce/error.hpp"
#include "fakturad/salesforce/wire.hpp"

#include <boost/json/array.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::salesforce {

// POST /services/data/<version>/jobs/query {"operation":"query"|"queryAll","query":soql,"contentType":"CSV",
// "columnDelimiter":"COMMA","lineEnding":"LF"}.  Marked idempotent: a repeat after a lost answer can at
// worst leave a second job that only reads and that Salesforce deletes after 7 days.
[[nodiscard]] api_request build_bulk_query_create(
    std::string_view version, std::string_view soql, bool include_deleted
);

// GET /services/data/<version>/jobs/query/<job_id> (the poll).
[[nodiscard]] api_request build_bulk_query_status(std::string_view version, std::string_view job_id);

// GET /services/data/<version>/jobs/query/<job_id>/results?maxRecords=<max_records>[&locator=<locator>]
// with Accept: text/csv.  `locator` is the previous page's Sforce-Locator; nullopt for the first page.
[[nodiscard]] api_request build_bulk_query_results(
    std::string_view version,
    std::string_view job_id,
    std::uint64_t max_records,
    const std::optional<std::string>& locator
);

// PATCH /services/data/<version>/jobs/query/<job_id> {"state":"Aborted"}.
[[nodiscard]] api_request build_bulk_query_abort(std::string_view version, std::string_view job_id);

// DELETE /services/data/<version>/jobs/query/<job_id>.
[[nodiscard]] api_request build_bulk_query_delete(std::string_view version, std::string_view job_id);

enum class bulk_job_state : std::uint8_t {
    open,
    upload_complete,
    in_progress,
    job_complete,
    failed,
    aborted
};

// The parts of a JobInfo answer (create, poll) the connector acts on.
struct bulk_job_info {
    std::string id;
    bulk_job_state state = bulk_job_state::upload_complete;
    std::string object;  // the queried object as Salesforce names it; empty when the answer has none
    std::uint64_t records_processed = 0;
    std::string error_message;  // `errorMessage` of a failed job when there is one (truncated, untrusted)
};

// errc::bad_response when the body is not an object with an `id` and a known `state`.
[[nodiscard]] boost::system::result<bulk_job_info, call_error> parse_bulk_job(std::string_view body);

// True for JobComplete, Failed and Aborted: the job will not change any more.
[[nodiscard]] bool is_terminal(bulk_job_state state);

// The wait before poll `poll` (1 = the first poll after creating): `first` doubled with every poll,
// never more than `cap`.  Deterministic: polling costs API calls, not load, so no jitter is needed.
[[nodiscard]] std::chrono::milliseconds bulk_poll_delay(
    unsigned poll, std::chrono::milliseconds first, std::chrono::milliseconds cap
);

// The object named in the top-level FROM clause of `soql` ("SELECT Id FROM Account WHERE ..." -> "Account"),
// for record attributes when a JobInfo answer does not name it; empty when there is none.
[[nodiscard]] std::string soql_from_object(std::string_view soql);

// One results page as records.
struct bulk_results_page {
    boost::json::array records;
    std::optional<std::string> next_locator;  // nullopt: this was the last page
};

// Reads the CSV result pages of one job, in order.  CSV as RFC 4180: fields separated by commas, records
// by LF or CRLF, quoted fields may hold commas, line breaks and doubled quotes.  The first page's header
// row fixes the columns; every later page must repeat it exactly.
//
// Each row becomes {"attributes": {"type": <object>}, <column>: <value>, ...}: values stay strings (the
// consumer converts them by their describe type), an empty field is null (Bulk 2.0 writes null as an
// empty field and Salesforce stores no empty strings), and a parent path column "Account.Owner.Name"
// becomes nested objects {"Account": {"Owner": {"Name": ...}}}.  A parent whose every selected field is
// empty becomes null, as REST gives null for an empty lookup.
class bulk_result_reader {
public:
    explicit bulk_result_reader(std::string object);

    // One page: the CSV body with the page's Sforce-Locator header (required: "null" on the last page) and
    // Sforce-NumberOfRecords header (when present it must match the rows read).  errc::bad_response for
    // malformed CSV (naming the line), a row with another number of fields than the header, a header that
    // differs from the first page's, or a missing locator.
    [[nodiscard]] boost::system::result<bulk_results_page, call_error> read_page(
        std::string_view csv,
        std::optional<std::string_view> sforce_locator,
        std::optional<std::string_view> sforce_number_of_records
    );

    // The header of the first page (empty before it).
    [[nodiscard]] const std::vector<std::string>& columns() const { return columns_; }

private:
    std::string object_;
    std::vector<std::string> columns_;
    std::vector<std::vector<std::string>> paths_;  // each column split at '.'
    unsigned pages_ = 0;
};

}  // namespace fakturad::salesforce
