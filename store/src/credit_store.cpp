#include "fakturad/store/credit_store.hpp"

#include "fakturad/store/store_error.hpp"
#include "sqlite_store_impl.hpp"

namespace fakturad::store {

struct credit_store_access {
    using connection = sqlite_store::impl;
    static connection& of(sqlite_store& s) { return *s.impl_; }
};

namespace {

using detail::instant_text;

void bind_optional_int(statement& s, int index, const std::optional<std::int64_t>& value) {
    if (value) {
        s.bind(index, *value);
    } else {
        s.bind_null(index);
    }
}

constexpr std::string_view report_columns =
    "SELECT id, audit_id, account_sf_id, product, subject_kind, status, request_reference, subject_id, score,"
    " risk_class, probability_of_default, traffic_light, negative_count, worsened, comparison, report_json,"
    " received_at FROM credit_reports";

credit_report_row read_report(credit_store_access::connection& db, statement& q) {
    credit_report_row r;
    r.id = q.int_at(0);
    r.audit_id = q.int_at(1);
    r.account_sf_id = q.text_at(2);
    r.product = q.text_at(3);
    r.subject_kind = q.text_at(4);
    r.status = q.text_at(5);
    r.request_reference = q.text_at(6);
    r.subject_id = q.optional_text_at(7);
    if (!q.is_null(8)) {
        r.score = q.int_at(8);
    }
    if (!q.is_null(9)) {
        r.risk_class = q.int_at(9);
    }
    r.probability_of_default = q.optional_text_at(10);
    r.traffic_light = q.optional_text_at(11);
    r.negative_count = q.int_at(12);
    r.worsened = q.int_at(13) != 0;
    r.comparison = q.text_at(14);
    r.report_json = q.text_at(15);
    r.received_at = db.instant_at(q, 16, "credit_reports.received_at");
    return r;
}

constexpr std::string_view subscription_columns =
    "SELECT account_sf_id, subscription_id, subject_type, subject_id, product, active, changed_at"
    " FROM credit_monitoring";

credit_subscription read_subscription(credit_store_access::connection& db, statement& q) {
    credit_subscription s;
    s.account_sf_id = q.text_at(0);
    s.subscription_id = q.text_at(1);
    s.subject_type = q.text_at(2);
    s.subject_id = q.text_at(3);
    s.product = q.text_at(4);
    s.active = q.int_at(5) != 0;
    s.changed_at = db.instant_at(q, 6, "credit_monitoring.changed_at");
    return s;
}

}  // namespace

std::int64_t credit_store::begin_audit(const credit_audit_entry& entry) {
    auto& db = credit_store_access::of(*store_);
    own_transaction tx(*store_, db.db);
    std::int64_t id = 0;
    {
        statement_use q(db.cached(
            "INSERT INTO credit_audit (requested_at, requested_by, account_sf_id, action, product, interest,"
            " subject_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id"
        ));
        q->bind(1, instant_text(entry.requested_at));
        q->bind(2, entry.requested_by);
        q->bind(3, entry.account_sf_id);
        q->bind(4, entry.action);
        q->bind(5, entry.product);
        q->bind(6, entry.interest);
        q->bind(7, entry.subject_hash);
        q->step();
        id = q->int_at(0);
    }
    tx.commit();
    return id;
}

void credit_store::complete_audit(
    std::int64_t audit_id,
    bool ok,
    std::string_view result_reference,
    std::string_view result_code,
    instant at
) {
    auto& db = credit_store_access::of(*store_);
    statement_use q(db.cached(
        "UPDATE credit_audit SET outcome = ?2, result_reference = ?3, result_code = ?4, completed_at = ?5"
        " WHERE id = ?1 AND outcome = 'pending' RETURNING id"
    ));
    q->bind(1, audit_id);
    q->bind(2, ok ? "ok" : "failed");
    if (result_reference.empty()) {
        q->bind_null(3);
    } else {
        q->bind(3, result_reference);
    }
    q->bind(4, result_code);
    q->bind(5, instant_text(at));
    if (!q->step()) {
        throw store_error(
            "credit audit entry " + std::to_string(audit_id) + " is not pending; it was completed already"
        );
    }
}

std::int64_t credit_store::record_report(
    credit_report_row row,
    const std::optional<personal_data>& person,
    std::string_view outbox_payload,
    const std::optional<std::string>& event_id,
    const std::optional<std::string>& subscription_id
) {
    auto& db = credit_store_access::of(*store_);
    own_transaction tx(*store_, db.db);
    complete_audit(row.audit_id, true, row.request_reference, row.status, row.received_at);
    {
        statement_use q(db.cached(
            "INSERT INTO credit_reports (audit_id, account_sf_id, product, subject_kind, status,"
            " request_reference, subject_id, score, risk_class, probability_of_default, traffic_light,"
            " negative_count, worsened, comparison, report_json, received_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) RETURNING id"
        ));
        q->bind(1, row.audit_id);
        q->bind(2, row.account_sf_id);
        q->bind(3, row.product);
        q->bind(4, row.subject_kind);
        q->bind(5, row.status);
        q->bind(6, row.request_reference);
        q->bind(7, row.subject_id);
        bind_optional_int(*q, 8, row.score);
        bind_optional_int(*q, 9, row.risk_class);
        q->bind(10, row.probability_of_default);
        q->bind(11, row.traffic_light);
        q->bind(12, row.negative_count);
        q->bind(13, static_cast<std::int64_t>(row.worsened ? 1 : 0));
        q->bind(14, row.comparison);
        q->bind(15, row.report_json);
        q->bind(16, instant_text(row.received_at));
        q->step();
        row.id = q->int_at(0);
    }
    if (person) {
        statement_use q(
            db.cached("INSERT INTO credit_personal_data (report_id, data, delete_after) VALUES (?1, ?2, ?3)")
        );
        q->bind(1, row.id);
        q->bind(2, person->json);
        q->bind(3, instant_text(person->delete_after));
        q->step();
    }
    if (event_id) {
        statement_use q(db.cached(
            "INSERT INTO credit_monitoring_events (event_id, subscription_id, report_id, handled_at)"
            " VALUES (?1, ?2, ?3, ?4)"
        ));
        q->bind(1, *event_id);
        q->bind(2, subscription_id.value_or(""));
        q->bind(3, row.id);
        q->bind(4, instant_text(row.received_at));
        q->step();
    }
    store_->enqueue(
        credit_report_kind, "credit_report:" + std::to_string(row.audit_id), outbox_payload, row.received_at
    );
    tx.commit();
    return row.id;
}

std::optional<credit_report_row> credit_store::latest_report(
    std::string_view account_sf_id, std::string_view subject_kind
) {
    auto& db = credit_store_access::of(*store_);
    static const std::string sql = std::string(report_columns) +
                                   " WHERE account_sf_id = ?1 AND subject_kind = ?2 ORDER BY id DESC LIMIT 1";
    statement_use q(db.cached(sql));
    q->bind(1, account_sf_id);
    q->bind(2, subject_kind);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_report(db, *q);
}

std::size_t credit_store::delete_expired_personal_data(instant now) {
    auto& db = credit_store_access::of(*store_);
    statement_use q(db.cached("DELETE FROM credit_personal_data WHERE delete_after <= ?1 RETURNING report_id")
    );
    q->bind(1, instant_text(now));
    std::size_t deleted = 0;
    while (q->step()) {
        ++deleted;
    }
    return deleted;
}

void credit_store::put_subscription(const credit_subscription& s) {
    auto& db = credit_store_access::of(*store_);
    statement_use q(
        db.cached("INSERT INTO credit_monitoring (account_sf_id, subscription_id, subject_type, subject_id, "
                  "product, active,"
                  " changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (account_sf_id) DO UPDATE SET"
                  " subscription_id = excluded.subscription_id, subject_type = excluded.subject_type,"
                  " subject_id = excluded.subject_id, product = excluded.product, active = excluded.active,"
                  " changed_at = excluded.changed_at")
    );
    q->bind(1, s.account_sf_id);
    q->bind(2, s.subscription_id);
    q->bind(3, s.subject_type);
    q->bind(4, s.subject_id);
    q->bind(5, s.product);
    q->bind(6, static_cast<std::int64_t>(s.active ? 1 : 0));
    q->bind(7, instant_text(s.changed_at));
    q->step();
}

std::optional<credit_subscription> credit_store::subscription_of_account(std::string_view account_sf_id) {
    auto& db = credit_store_access::of(*store_);
    static const std::string sql = std::string(subscription_columns) + " WHERE account_sf_id = ?1";
    statement_use q(db.cached(sql));
    q->bind(1, account_sf_id);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_subscription(db, *q);
}

std::optional<credit_subscription> credit_store::subscription_by_id(std::string_view subscription_id) {
    auto& db = credit_store_access::of(*store_);
    static const std::string sql =
        std::string(subscription_columns) + " WHERE subscription_id = ?1 ORDER BY active DESC LIMIT 1";
    statement_use q(db.cached(sql));
    q->bind(1, subscription_id);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_subscription(db, *q);
}

credit_activity credit_store::activity() {
    auto& db = credit_store_access::of(*store_);
    credit_activity a;
    {
        statement_use q(db.cached("SELECT count(*) FROM credit_monitoring WHERE active = 1"));
        q->step();
        a.monitored = static_cast<std::uint64_t>(q->int_at(0));
    }
    statement_use q(db.cached(
        "SELECT requested_at, action, outcome, result_code FROM credit_audit ORDER BY id DESC LIMIT 1"
    ));
    if (q->step()) {
        a.last_requested_at = q->text_at(0);
        a.last_action = q->text_at(1);
        a.last_outcome = q->text_at(2);
        a.last_result_code = q->optional_text_at(3).value_or("");
    }
    return a;
}

bool credit_store::event_handled(std::string_view event_id) {
    auto& db = credit_store_access::of(*store_);
    statement_use q(db.cached("SELECT 1 FROM credit_monitoring_events WHERE event_id = ?1"));
    q->bind(1, event_id);
    return q->step();
}

void credit_store::mark_event_handled(
    std::string_view event_id, std::string_view subscription_id, instant at
) {
    auto& db = credit_store_access::of(*store_);
    statement_use q(
        db.cached("INSERT INTO credit_monitoring_events (event_id, subscription_id, report_id, handled_at)"
                  " VALUES (?1, ?2, NULL, ?3) ON CONFLICT (event_id) DO NOTHING")
    );
    q->bind(1, event_id);
    q->bind(2, subscription_id);
    q->bind(3, instant_text(at));
    q->step();
}

}  // namespace fakturad::store
