#pragma once
// The status the daemon reports on /v1/status, and its rendering for people (fakturactl status).
// The JSON is the contract; the text is derived from the JSON so that fakturactl needs no daemon types.

#include "fakturad/core/clock.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::daemon {

struct connector_status {
    std::string name;
    std::string state;   // "not configured", "configured", later "connected", "degraded", …
    std::string detail;  // one line for an operator; never a secret
};

struct last_sync_status {
    std::string object;
    instant at;
};

struct last_run_status {
    std::string id;
    std::string cutoff;
    std::string state;
    std::optional<instant> started_at;
    std::optional<instant> finished_at;
};

// The sync pipeline: its state, the mapping problems that keep it from running, the quarantine.
struct sync_status {
    std::string state;   // "not configured", "binding mappings", "mapping errors", "running"
    std::string detail;  // e.g. the last pass: "fetched 42, created 40, quarantined 1"
    std::vector<std::string> mapping_problems;  // file:line:column lines, at most 20
    std::uint64_t quarantined = 0;
    std::vector<std::string> quarantine;             // "Opportunity 006...: reason", newest first, at most 20
    std::optional<std::uint64_t> awaiting_approval;  // drafts in Salesforce (billing.finalize: approval)
};

struct status_snapshot {
    std::string version;
    std::string revision;
    std::int64_t pid = 0;
    std::string state;  // starting, running, reloading, stopping
    instant started_at;
    std::chrono::milliseconds uptime{0};

    std::string config_path;
    instant config_loaded_at;
    std::uint64_t reloads_ok = 0;
    std::uint64_t reloads_failed = 0;
    std::string last_reload_error;  // empty when the last reload succeeded or none happened

    std::string store_backend;
    std::string store_path;
    std::int64_t store_schema_version = 0;
    std::string store_journal_mode;
    std::uint64_t store_file_bytes = 0;
    std::uint64_t outbox_pending = 0;
    std::uint64_t outbox_in_flight = 0;
    std::uint64_t outbox_failed = 0;  // given up; an operator must look

    std::vector<connector_status> connectors;
    std::optional<last_sync_status> last_sync;
    std::optional<last_run_status> last_run;
    sync_status sync;
};

[[nodiscard]] std::string to_json(const status_snapshot& status);

// Renders the JSON of /v1/status as aligned text lines.  Throws std::runtime_error on a body that is not
// such a JSON document (a daemon of another version, say).
[[nodiscard]] std::string render_status_text(std::string_view status_json);

}  // namespace fakturad::daemon
