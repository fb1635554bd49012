#pragma once
// Request builders and response parsers for the REST resources the connector uses (reference §2-§4):
// query/queryAll with nextRecordsUrl paging, sObject Collections upsert and create, ContentVersion
// inserts (JSON base64 and multipart).  Pure: no I/O, no clock.

#include "fakturad/salesforce/error.hpp"
#include "fakturad/salesforce/wire.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::salesforce {

// sObject Collections take at most this many records per call (reference §3.2).
inline constexpr std::size_t collection_limit = 200;

// GET /services/data/<version>/query (or queryAll) ?q=<soql>; `batch_size` (200..2000) goes into
// Sforce-Query-Options as the hint it is.
[[nodiscard]] api_request build_query(
    std::string_view version, std::string_view soql, bool include_deleted, unsigned batch_size
);

// GET of a nextRecordsUrl exactly as Salesforce gave it.  Error errc::bad_response when it is not a
// /services/data/ path (the connector never follows a URL to another host).
[[nodiscard]] boost::system::result<api_request, call_error> build_next_page(std::string_view next_records_url
);

struct query_page {
    std::uint64_t total_size = 0;
    bool done = true;
    std::optional<std::string> next_records_url;
    boost::json::array records;  // each an object with `attributes` and the selected fields
};

[[nodiscard]] boost::system::result<query_page, call_error> parse_query_page(std::string_view body);

// PATCH /composite/sobjects/<object>/<external_id_field> with `records` (1..200, each carrying the
// external id field); allOrNone false so that one bad record does not hold back the others.
[[nodiscard]] api_request build_collection_upsert(
    std::string_view version,
    std::string_view object,
    std::string_view external_id_field,
    const std::vector<boost::json::object>& records
);

// POST /composite/sobjects with `records` (1..200) of type `object`; not idempotent.
[[nodiscard]] api_request build_collection_create(
    std::string_view version, std::string_view object, const std::vector<boost::json::object>& records
);

// One SaveResult of a collections answer (`statusCode` inside errors, reference §3.2).
struct save_result {
    bool success = false;
    std::optional<std::string> id;
    bool created = false;
    std::vector<api_error_item> errors;
};

// The array of SaveResults; error when it is not an array of `expected` entries.
[[nodiscard]] boost::system::result<std::vector<save_result>, call_error> parse_save_results(
    std::string_view body, std::size_t expected
);

// A file to attach to a record as a ContentVersion; `path_on_client` names the file and is the key the
// connector looks files up by before inserting, so it must be unique per file (e.g. "INV-2026-0042.pdf").
struct file_upload {
    std::string title;
    std::string path_on_client;
    std::string linked_record_id;  // FirstPublishLocationId: the Account (or other record) it belongs to
    std::string description;
    std::string content_type = "application/pdf";
    std::string data;  // raw bytes
};

// The ContentVersion record (JSON, VersionData base64) for a collections create or a single insert.
[[nodiscard]] boost::json::object content_version_record(const file_upload& file);

// POST /sobjects/ContentVersion as multipart/form-data: an `entity_content` JSON part and a `VersionData`
// binary part; `boundary` must not occur in the data (the caller draws a new one if it does).
[[nodiscard]] api_request build_content_version_multipart(
    std::string_view version, const file_upload& file, std::string_view boundary
);

// A single-record create answer (201 {"id","success","errors"}).
[[nodiscard]] boost::system::result<save_result, call_error> parse_create_result(std::string_view body);

// Standard base64 (VersionData) of raw bytes.
[[nodiscard]] std::string base64_encode(std::string_view data);

}  // namespace fakturad::salesforce
