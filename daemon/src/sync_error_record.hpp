#pragma once
// The write-back of a record fakturad could not take (a mapping problem, a refused approval): one record of
// the write-back mapping's `sync_error` target per failing Salesforce record, upserted by the key
// "sync_error:<object>:<record id>" so that it is updated in place, not repeated. The outbox idempotency key
// adds a hash of the message: the same problem seen again adds nothing, a new one is written.

#include "fakturad/core/clock.hpp"
#include "fakturad/mapping/bound_mapping.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::daemon {

// Outbox kind of a sync-error record for Salesforce (payload {"object", "external_id", "record"}).
inline constexpr std::string_view sync_error_writeback_kind = "salesforce.sync_error";

struct sync_error_facts {
    std::string object;     // the failing record's object
    std::string record_id;  // and Id
    std::string code;       // MAPPING_ERROR, APPROVAL_REFUSED
    std::string mapping;    // the mapping (or "approval") that read it
    std::vector<std::string> problems;
    instant seen{};
};

// The outbox intent, or nullopt when the write-back mapping has no sync_error target.
[[nodiscard]] std::optional<store::outbox_intent> sync_error_intent(
    const mapping::bound_writeback* writeback, const sync_error_facts& facts
);

}  // namespace fakturad::daemon
