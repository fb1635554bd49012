#pragma once
// SCHUFA credit checks in the store (migration 0006): the audit log, the reports, the B2C personal data
// with its deletion date, and the follow-up monitoring state.
//
// Audit: begin_audit writes the entry before the request leaves (outcome 'pending'); record_report or
// fail_audit completes it once with the result reference.  Entries are never deleted (triggers).
//
// record_report stores a report, completes its audit entry, keeps the B2C personal data (if any) until
// its deletion date and enqueues the outbox intent that writes report, PDF, Account figures and Task to
// Salesforce (kind "salesforce.credit_report", key "credit_report:<audit id>") — all in one transaction,
// so a crash never leaves a report without its write-back or a write-back without its report.  When the
// report answers a monitoring event, the event is marked handled in the same transaction.

#include "fakturad/core/clock.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::store {

inline constexpr std::string_view credit_report_kind = "salesforce.credit_report";

struct credit_audit_entry {
    instant requested_at{};
    std::string requested_by;
    std::string account_sf_id;
    std::string action = "report";  // report | subscribe | unsubscribe
    std::string product;            // b2b-short, ..., identity
    std::string interest;           // legitimate-interest code
    std::optional<std::string> subject_hash;
};

struct credit_report_row {
    std::int64_t id = 0;  // set by the store
    std::int64_t audit_id = 0;
    std::string account_sf_id;
    std::string product;
    std::string subject_kind;  // company | person | identity
    std::string status;        // HIT | NO_HIT | AMBIGUOUS
    std::string request_reference;
    std::optional<std::string> subject_id;
    std::optional<std::int64_t> score;
    std::optional<std::int64_t> risk_class;
    std::optional<std::string> probability_of_default;
    std::optional<std::string> traffic_light;
    std::int64_t negative_count = 0;
    bool worsened = false;
    std::string comparison;
    std::string report_json;
    instant received_at{};
};

struct personal_data {
    std::string json;  // what was sent about the person
    instant delete_after{};
};

struct credit_subscription {
    std::string account_sf_id;
    std::string subscription_id;
    std::string subject_type;  // COMPANY | PERSON
    std::string subject_id;
    std::string product;
    bool active = false;
    instant changed_at{};
};

// For `fakturactl status`: how many accounts are monitored and how the newest request ended.
struct credit_activity {
    std::uint64_t monitored = 0;
    std::string last_requested_at;  // ISO instant of the newest audit entry; empty: none yet
    std::string last_action;        // report, subscribe, unsubscribe
    std::string last_outcome;       // pending, ok, failed
    std::string last_result_code;   // HIT, NO_HIT, ... or the error code
};

class credit_store {
public:
    explicit credit_store(sqlite_store& store) noexcept : store_(&store) {}

    // The audit entry of a request about to leave; returns its id (own transaction).
    std::int64_t begin_audit(const credit_audit_entry& entry);
    // Completes a pending entry with its result (ok: result_code HIT, SUBSCRIBED, ...; failed: the error
    // code).  Throws store_error when the entry is not pending.
    void complete_audit(
        std::int64_t audit_id,
        bool ok,
        std::string_view result_reference,
        std::string_view result_code,
        instant at
    );

    // See above; returns the report id.  `outbox_payload` is the write-back's JSON.
    std::int64_t record_report(
        credit_report_row row,
        const std::optional<personal_data>& person,
        std::string_view outbox_payload,
        const std::optional<std::string>& event_id,
        const std::optional<std::string>& subscription_id
    );

    // The newest report of the account for the subject kind (company, person, identity).
    [[nodiscard]] std::optional<credit_report_row> latest_report(
        std::string_view account_sf_id, std::string_view subject_kind
    );

    // Deletes the personal data whose deletion date has passed; returns how many reports lost theirs.
    std::size_t delete_expired_personal_data(instant now);

    void put_subscription(const credit_subscription& s);
    [[nodiscard]] std::optional<credit_subscription> subscription_of_account(std::string_view account_sf_id);
    [[nodiscard]] std::optional<credit_subscription> subscription_by_id(std::string_view subscription_id);

    [[nodiscard]] bool event_handled(std::string_view event_id);
    [[nodiscard]] credit_activity activity();
    // Marks an event handled without a report (its subscription ended, or the report failed permanently).
    void mark_event_handled(std::string_view event_id, std::string_view subscription_id, instant at);

private:
    sqlite_store* store_;
};

}  // namespace fakturad::store
