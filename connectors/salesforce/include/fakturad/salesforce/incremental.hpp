#pragma once
// Incremental polling by SystemModstamp (reference §7): each poll asks for the records stamped at or
// after the cursor minus an overlap window, ordered by SystemModstamp then Id, and the cursor moves to the
// newest record handed to the caller.  The overlap catches records whose transaction committed late with
// an earlier stamp; the records it repeats are the caller's to deduplicate (storing a record twice is
// harmless, missing one is not).  Pure.
//
// The caller persists the cursor (the store's sync cursors) only after it stored the records it covers.

#include "fakturad/core/clock.hpp"
#include "fakturad/salesforce/error.hpp"

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::salesforce {

struct sync_cursor {
    std::optional<instant> last_system_modstamp;  // none: start from the beginning
    std::optional<std::string> last_record_id;    // Id of the record that set the stamp
};

struct incremental_query {
    std::string object;               // e.g. "Account"
    std::vector<std::string> fields;  // Id and SystemModstamp are added when missing
    std::string extra_condition;      // optional SOQL condition ANDed in; values in it must be quoted
                                      // with soql_quote by whoever writes it
    std::chrono::milliseconds overlap{std::chrono::minutes(5)};
    // queryAll: deleted records too (IsDeleted true, from the recycle bin), e.g. to see a child record
    // deleted without its parent changing.
    bool include_deleted = false;
};

// SELECT <fields> FROM <object> [WHERE SystemModstamp >= <cursor - overlap>] ORDER BY SystemModstamp, Id.
// Error errc::bad_input for names that are not SOQL identifiers.
[[nodiscard]] boost::system::result<std::string, call_error> build_incremental_soql(
    const incremental_query& q, const sync_cursor& from
);

// Moves `cursor` to `record` when the record is stamped later (or equal with a greater Id).  Error
// errc::bad_response when the record has no readable SystemModstamp or Id.
[[nodiscard]] boost::system::result<void, call_error> advance_cursor(
    sync_cursor& cursor, const boost::json::object& record
);

}  // namespace fakturad::salesforce
