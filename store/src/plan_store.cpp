#include "fakturad/store/plan_store.hpp"

#include "plan_document_json.hpp"
#include "sqlite_store_impl.hpp"

#include <boost/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace fakturad::store {

struct plan_store_access {
    using connection = sqlite_store::impl;
    static connection& of(sqlite_store& s) { return *s.impl_; }
};

namespace {

using detail::date_text;
using detail::instant_text;

std::string canonical(decimal d) { return to_string(d.trimmed()); }

std::optional<std::string> non_empty(std::string_view text) {
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

class repository {
public:
    explicit repository(sqlite_store& store) : db_(plan_store_access::of(store)) {}

    sqlite3* db() { return db_.db; }
    plan_store_access::connection& connection() { return db_; }
    statement& sql(std::string_view text) { return db_.cached(text); }

    [[noreturn]] void fail(const std::string& message) const {
        throw store_error(db_.path.string() + ": " + message);
    }

    std::optional<std::int64_t> id_of(std::string_view query, std::string_view key) {
        statement_use q(sql(query));
        q->bind(1, key);
        return q->step() ? std::optional(q->int_at(0)) : std::nullopt;
    }

    std::optional<std::int64_t> account_id(std::string_view sf_id) {
        return id_of("SELECT id FROM accounts WHERE sf_id = ?1", sf_id);
    }
    std::optional<std::int64_t> contact_id(std::string_view sf_id) {
        return id_of("SELECT id FROM contacts WHERE sf_id = ?1", sf_id);
    }
    std::optional<std::int64_t> legal_entity_id(std::string_view code) {
        return id_of("SELECT id FROM legal_entities WHERE code = ?1", code);
    }

    billing::billing_plan decode(std::string_view plan_id, const statement& q, int column) {
        if (q.is_null(column)) {
            fail(
                "billing plan " + std::string(plan_id) +
                " has no plan document (written before schema version 4); sync its record again"
            );
        }
        try {
            return detail::plan_from_json(q.text_at(column));
        } catch (const store_error& e) {
            fail("billing plan " + std::string(plan_id) + ": " + e.what());
        }
    }

private:
    plan_store_access::connection& db_;
};

// One call's writes are all or nothing, also inside the caller's transaction (a savepoint there): a sync
// batch that catches one plan's error and goes on must not commit half of that plan.
class atomic_write {
public:
    atomic_write(sqlite_store& store, plan_store_access::connection& db) : db_(db) {
        if (sqlite3_get_autocommit(db.db) != 0) {
            tx_.emplace(store);
        } else {
            db.exec("SAVEPOINT plan_store", "cannot write to");
            savepoint_ = true;
        }
    }
    atomic_write(const atomic_write&) = delete;
    atomic_write& operator=(const atomic_write&) = delete;
    ~atomic_write() {
        if (savepoint_) {
            // Undoes this call only; the caller's transaction stays open. Nothing to report on failure:
            // SQLite then has rolled back the whole transaction, which the caller's commit will say.
            sqlite3_exec(db_.db, "ROLLBACK TO plan_store; RELEASE plan_store", nullptr, nullptr, nullptr);
        }
    }

    void commit() {
        if (tx_) {
            tx_->commit();
        } else if (savepoint_) {
            db_.exec("RELEASE plan_store", "cannot write to");
            savepoint_ = false;
        }
    }

private:
    plan_store_access::connection& db_;
    std::optional<transaction> tx_;
    bool savepoint_ = false;
};

// Ended plans keep their end through a re-sync that does not extend it (plan_store.hpp, put_plan).
struct plan_status {
    std::string status = "active";
    std::optional<std::string> reason;
    std::optional<civil_date> ended_on;
};

// Applies end_plan's end to `plan`: cancelled (never ran, end = start) when `end` lies before the start.
std::string apply_end(billing::billing_plan& plan, civil_date end) {
    plan.renewal.auto_renew = false;  // an ended plan does not renew past its end
    if (end < plan.start) {
        plan.end = plan.start;
        return "cancelled";
    }
    plan.end = end;
    return "ended";
}

// The run's group key (billing/run.hpp, same_group): the recipient is bill_to when the plan has one, even
// with an empty id, else the account.
#define FAKTURAD_RECIPIENT(field)                                    \
    "CASE WHEN json_type(p.plan_document, '$.bill_to') IS NOT NULL"  \
    " THEN coalesce(json_extract(p.plan_document, '$.bill_to." field \
    "'), '')"                                                        \
    " ELSE coalesce(json_extract(p.plan_document, '$.account." field "'), '') END"

constexpr std::string_view selected_plans_all =
    " FROM billing_plans p WHERE p.status <> 'cancelled' AND p.plan_document IS NOT NULL";
constexpr std::string_view selected_plans_account =
    " FROM billing_plans p WHERE p.status <> 'cancelled' AND p.plan_document IS NOT NULL"
    " AND p.account_id = (SELECT id FROM accounts WHERE sf_id = ?1)";
constexpr std::string_view selected_plans_plan =
    " FROM billing_plans p WHERE p.status <> 'cancelled' AND p.plan_document IS NOT NULL"
    " AND p.source_record_id = ?1";
constexpr std::string_view group_order = " ORDER BY " FAKTURAD_RECIPIENT("id"
) ", p.currency, p.legal_entity_id, p.language,"
  " json_extract(p.plan_document, '$.payment_terms.net_days'),"
  " json_extract(p.plan_document, '$.payment_terms.note'),"
  " json_extract(p.plan_document, '$.vat_rounding'), " FAKTURAD_RECIPIENT("emails") ", p.source_record_id";
#undef FAKTURAD_RECIPIENT

std::string_view selected_plans(const billing::run_selection& s) {
    switch (s.kind) {
        case billing::selection_kind::account:
            return selected_plans_account;
        case billing::selection_kind::plan:
            return selected_plans_plan;
        case billing::selection_kind::all:
            break;
    }
    return selected_plans_all;
}

// The cached statement texts (the statement cache keys them by view, so they must live as long).
const std::string& ordered_ids_sql(const billing::run_selection& s) {
    static const std::string all = "SELECT p.id" + std::string(selected_plans_all) + std::string(group_order);
    static const std::string account =
        "SELECT p.id" + std::string(selected_plans_account) + std::string(group_order);
    static const std::string plan =
        "SELECT p.id" + std::string(selected_plans_plan) + std::string(group_order);
    const std::string_view where = selected_plans(s);
    return where == selected_plans_account ? account : where == selected_plans_plan ? plan : all;
}

const std::string& count_sql(const billing::run_selection& s) {
    static const std::string all = "SELECT count(*)" + std::string(selected_plans_all);
    static const std::string account = "SELECT count(*)" + std::string(selected_plans_account);
    static const std::string plan = "SELECT count(*)" + std::string(selected_plans_plan);
    const std::string_view where = selected_plans(s);
    return where == selected_plans_account ? account : where == selected_plans_plan ? plan : all;
}

}  // namespace

// ---- accounts -------------------------------------------------------------------------------------------

put_outcome plan_store::put_account(const account_record& account, instant now) {
    repository repo(*store_);
    atomic_write tx(*store_, repo.connection());
    const std::string modstamp = instant_text(account.system_modstamp);
    const auto country = non_empty(account.billing_country);
    const auto vat_id = non_empty(account.vat_id);
    std::optional<std::int64_t> id;
    {
        statement_use q(repo.sql(
            "SELECT id, name, billing_country, vat_id, raw_data, sf_system_modstamp, is_deleted FROM accounts"
            " WHERE sf_id = ?1"
        ));
        q->bind(1, account.sf_id);
        if (q->step()) {
            if (q->text_at(1) == account.name && q->optional_text_at(2) == country &&
                q->optional_text_at(3) == vat_id && q->text_at(4) == account.raw_json &&
                q->text_at(5) == modstamp && q->int_at(6) == 0) {
                return put_outcome::unchanged;
            }
            id = q->int_at(0);
        }
    }
    try {
        statement_use q(repo.sql(
            "INSERT INTO accounts (sf_id, name, billing_country, vat_id, raw_data, sf_system_modstamp,"
            " is_deleted, synced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)"
            " ON CONFLICT (sf_id) DO UPDATE SET name = excluded.name, billing_country = "
            "excluded.billing_country,"
            " vat_id = excluded.vat_id, raw_data = excluded.raw_data,"
            " sf_system_modstamp = excluded.sf_system_modstamp, is_deleted = 0, synced_at = "
            "excluded.synced_at"
        ));
        q->bind(1, account.sf_id);
        q->bind(2, account.name);
        q->bind(3, country);
        q->bind(4, vat_id);
        q->bind(5, account.raw_json);
        q->bind(6, modstamp);
        q->bind(7, instant_text(now));
        q->run();
    } catch (const store_error& e) {
        repo.fail("account " + account.sf_id + " (" + account.name + ") was not stored: " + e.what());
    }
    tx.commit();
    return id ? put_outcome::changed : put_outcome::created;
}

// ---- plans ----------------------------------------------------------------------------------------------

put_outcome plan_store::put_plan(const plan_record& record, instant now) {
    repository repo(*store_);
    const billing::billing_plan& incoming = record.plan;
    const std::string where = "billing plan " + incoming.id + " (" + record.source_object + ", mapping " +
                              (record.mapping_name.empty() ? std::string("none") : record.mapping_name) + ")";
    atomic_write tx(*store_, repo.connection());
    const auto entity = repo.legal_entity_id(incoming.seller.id);
    if (!entity) {
        repo.fail(
            where + ": legal entity \"" + incoming.seller.id +
            "\" is not in the store; add it to legal_entities in fakturad.yaml or fix the mapping's seller"
        );
    }
    const auto account = repo.account_id(incoming.account.id);
    if (!account) {
        repo.fail(
            where + ": account " + incoming.account.id + " (" + incoming.account.name +
            ") is not in the store; sync accounts before the plans that refer to them"
        );
    }
    std::optional<std::int64_t> bill_to_account;
    std::optional<std::int64_t> bill_to_contact;
    if (incoming.bill_to && !incoming.bill_to->id.empty() && incoming.bill_to->id != incoming.account.id) {
        bill_to_account = repo.account_id(incoming.bill_to->id);
        if (!bill_to_account) {
            bill_to_contact = repo.contact_id(incoming.bill_to->id);
        }
        if (!bill_to_account && !bill_to_contact) {
            repo.fail(
                where + ": bill-to " + incoming.bill_to->id +
                " is neither a synced account nor a synced contact; sync it before the plan"
            );
        }
    }

    billing::billing_plan plan = incoming;
    plan_status status;
    std::optional<std::int64_t> existing_id;
    {
        statement_use q(
            repo.sql("SELECT id, plan_document, source_data, mapping_name, status, ended_reason, ended_on"
                     " FROM billing_plans WHERE source_object = ?1 AND source_record_id = ?2")
        );
        q->bind(1, record.source_object);
        q->bind(2, incoming.id);
        if (q->step()) {
            existing_id = q->int_at(0);
            const std::string old_status = q->text_at(4);
            const auto ended_on = q->optional_text_at(6);
            const auto ended_day = ended_on ? detail::parse_date_text(*ended_on) : std::nullopt;
            if ((old_status == "ended" || old_status == "cancelled") && ended_day && plan.end &&
                *plan.end <= *ended_day) {
                status.status = apply_end(plan, *plan.end);
                status.reason = q->optional_text_at(5);
                status.ended_on = ended_day;
            }
            const std::string document = detail::plan_to_json(plan);
            if (q->optional_text_at(1) == document && q->text_at(2) == record.source_json &&
                q->optional_text_at(3) == non_empty(record.mapping_name) && old_status == status.status) {
                return put_outcome::unchanged;
            }
        }
    }

    std::int64_t plan_row = 0;
    try {
        statement_use q(repo.sql(
            "INSERT INTO billing_plans (source_object, source_record_id, account_id, bill_to_account_id,"
            " bill_to_contact_id, legal_entity_id, currency, language, start_date, end_date, billing_period,"
            " alignment, status, source_data, sf_system_modstamp, created_at, updated_at, plan_document,"
            " mapping_name, ended_reason, ended_on)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17, ?18, "
            "?19,"
            " ?20)"
            " ON CONFLICT (source_object, source_record_id) DO UPDATE SET account_id = excluded.account_id,"
            " bill_to_account_id = excluded.bill_to_account_id, bill_to_contact_id = "
            "excluded.bill_to_contact_id,"
            " legal_entity_id = excluded.legal_entity_id, currency = excluded.currency,"
            " language = excluded.language, start_date = excluded.start_date, end_date = excluded.end_date,"
            " billing_period = excluded.billing_period, alignment = excluded.alignment, status = "
            "excluded.status,"
            " source_data = excluded.source_data, sf_system_modstamp = excluded.sf_system_modstamp,"
            " updated_at = excluded.updated_at, plan_document = excluded.plan_document,"
            " mapping_name = excluded.mapping_name, ended_reason = excluded.ended_reason,"
            " ended_on = excluded.ended_on"
            " RETURNING id"
        ));
        auto bind_id = [&](int index, const std::optional<std::int64_t>& value) {
            if (value) {
                q->bind(index, *value);
            } else {
                q->bind_null(index);
            }
        };
        q->bind(1, record.source_object);
        q->bind(2, plan.id);
        q->bind(3, *account);
        bind_id(4, bill_to_account);
        bind_id(5, bill_to_contact);
        q->bind(6, *entity);
        q->bind(7, plan.cur.code());
        q->bind(8, plan.language);
        q->bind(9, date_text(plan.start));
        q->bind(10, plan.end ? std::optional(date_text(*plan.end)) : std::nullopt);
        q->bind(11, to_string(plan.period));
        q->bind(12, to_string(plan.alignment));
        q->bind(13, status.status);
        q->bind(14, record.source_json);
        q->bind(15, instant_text(record.system_modstamp));
        q->bind(16, instant_text(now));
        q->bind(17, detail::plan_to_json(plan));
        q->bind(18, non_empty(record.mapping_name));
        q->bind(19, status.reason);
        q->bind(20, status.ended_on ? std::optional(date_text(*status.ended_on)) : std::nullopt);
        q->step();
        plan_row = q->int_at(0);
    } catch (const store_error& e) {
        repo.fail(where + " was not stored: " + e.what());
    }

    for (const billing::plan_item& item : plan.items) {
        try {
            statement_use q(repo.sql(
                "INSERT INTO plan_items (plan_id, source_item_key, product_code, description, charge_type,"
                " pricing_model, pricing_data, quantity, usage_aggregation, start_date, end_date,"
                " billing_period, timing, created_at, updated_at)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)"
                " ON CONFLICT (plan_id, source_item_key) DO UPDATE SET product_code = excluded.product_code,"
                " description = excluded.description, charge_type = excluded.charge_type,"
                " pricing_model = excluded.pricing_model, pricing_data = excluded.pricing_data,"
                " quantity = excluded.quantity, usage_aggregation = excluded.usage_aggregation,"
                " start_date = excluded.start_date, end_date = excluded.end_date,"
                " billing_period = excluded.billing_period, timing = excluded.timing,"
                " updated_at = excluded.updated_at"
            ));
            const bool usage = item.type == billing::charge_type::usage;
            q->bind(1, plan_row);
            q->bind(2, item.key);
            q->bind(3, non_empty(item.product_code));
            q->bind(4, item.description);
            q->bind(5, billing::to_string(item.type));
            q->bind(6, billing::to_string(item.price.model));
            q->bind(7, detail::pricing_to_json(item.price));
            q->bind(8, usage ? std::nullopt : std::optional(canonical(item.quantity)));
            q->bind(
                9, usage ? std::optional<std::string>(billing::to_string(item.aggregation)) : std::nullopt
            );
            // The item's own dates: an inherited end is the plan's (end_plan changes only the plan).
            q->bind(10, date_text(item.start.value_or(plan.start)));
            q->bind(11, item.end ? std::optional(date_text(*item.end)) : std::nullopt);
            q->bind(12, item.period ? std::optional(to_string(*item.period)) : std::nullopt);
            q->bind(13, billing::to_string(item.timing));
            q->bind(14, instant_text(now));
            q->run();
        } catch (const store_error& e) {
            repo.fail(where + ", item " + item.key + " was not stored: " + e.what());
        }
    }
    tx.commit();
    return existing_id ? put_outcome::changed : put_outcome::created;
}

std::optional<plan_record> plan_store::load_plan(std::string_view plan_id) {
    repository repo(*store_);
    statement_use q(
        repo.sql("SELECT plan_document, source_object, mapping_name, source_data, sf_system_modstamp, status,"
                 " ended_reason FROM billing_plans WHERE source_record_id = ?1")
    );
    q->bind(1, plan_id);
    if (!q->step()) {
        return std::nullopt;
    }
    plan_record out;
    out.plan = repo.decode(plan_id, *q, 0);
    out.source_object = q->text_at(1);
    out.mapping_name = q->optional_text_at(2).value_or("");
    out.source_json = q->text_at(3);
    out.system_modstamp = repo.connection().instant_at(*q, 4, "billing_plans.sf_system_modstamp");
    out.status = q->text_at(5);
    out.ended_reason = q->optional_text_at(6).value_or("");
    return out;
}

bool plan_store::end_plan(std::string_view plan_id, civil_date end, std::string_view reason, instant now) {
    repository repo(*store_);
    atomic_write tx(*store_, repo.connection());
    std::int64_t row = 0;
    billing::billing_plan plan;
    {
        statement_use q(
            repo.sql("SELECT id, plan_document, status FROM billing_plans WHERE source_record_id = ?1")
        );
        q->bind(1, plan_id);
        if (!q->step() || q->text_at(2) == "cancelled") {
            return false;
        }
        row = q->int_at(0);
        plan = repo.decode(plan_id, *q, 1);
    }
    if (const auto ends = billing::effective_end(plan); ends && *ends <= end) {
        return false;
    }
    const std::string status = apply_end(plan, end);
    statement_use q(
        repo.sql("UPDATE billing_plans SET plan_document = ?2, end_date = ?3, status = ?4, ended_reason = ?5,"
                 " ended_on = ?6, updated_at = ?7 WHERE id = ?1")
    );
    q->bind(1, row);
    q->bind(2, detail::plan_to_json(plan));
    q->bind(3, date_text(*plan.end));
    q->bind(4, status);
    q->bind(5, reason);
    q->bind(6, date_text(end));
    q->bind(7, instant_text(now));
    q->run();
    tx.commit();
    return true;
}

void plan_store::for_each_plan(
    const billing::run_selection& selection, const std::function<bool(const billing::billing_plan&)>& visit
) {
    repository repo(*store_);
    // The order first, then one plan at a time with no statement open while `visit` runs (it may write on
    // this connection; a read kept open across its transaction would pin an old WAL snapshot).
    std::vector<std::int64_t> rows;
    {
        statement_use q(repo.sql(ordered_ids_sql(selection)));
        if (selection.kind != billing::selection_kind::all) {
            q->bind(1, selection.id);
        }
        while (q->step()) {
            rows.push_back(q->int_at(0));
        }
    }
    for (const std::int64_t row : rows) {
        billing::billing_plan plan;
        {
            statement_use q(
                repo.sql("SELECT source_record_id, plan_document, status FROM billing_plans WHERE id = ?1")
            );
            q->bind(1, row);
            if (!q->step() || q->text_at(2) == "cancelled" || q->is_null(1)) {
                continue;
            }
            plan = repo.decode(q->text_at(0), *q, 1);
        }
        if (!visit(plan)) {
            return;
        }
    }
}

std::size_t plan_store::count_plans(const billing::run_selection& selection) {
    repository repo(*store_);
    statement_use q(repo.sql(count_sql(selection)));
    if (selection.kind != billing::selection_kind::all) {
        q->bind(1, selection.id);
    }
    q->step();
    return static_cast<std::size_t>(q->int_at(0));
}

std::vector<std::string> plan_store::plan_ids_of(
    std::string_view source_object, std::string_view mapping_name
) {
    repository repo(*store_);
    statement_use q(
        repo.sql("SELECT source_record_id FROM billing_plans WHERE source_object = ?1 AND mapping_name = ?2"
                 " AND status <> 'cancelled' ORDER BY source_record_id")
    );
    q->bind(1, source_object);
    q->bind(2, mapping_name);
    std::vector<std::string> out;
    while (q->step()) {
        out.push_back(q->text_at(0));
    }
    return out;
}

// ---- usage ----------------------------------------------------------------------------------------------

put_outcome plan_store::put_usage(const usage_row& row, instant now) {
    repository repo(*store_);
    atomic_write tx(*store_, repo.connection());
    std::int64_t item = 0;
    {
        statement_use q(
            repo.sql("SELECT pi.id FROM plan_items pi JOIN billing_plans p ON p.id = pi.plan_id"
                     " WHERE p.source_record_id = ?1 AND pi.source_item_key = ?2")
        );
        q->bind(1, row.plan_id);
        q->bind(2, row.item_key);
        if (!q->step()) {
            repo.fail(
                "usage " + row.external_id + ": billing plan " + row.plan_id + " has no item " +
                row.item_key + " in the store; sync the plan first, or fix the usage record's plan and item"
            );
        }
        item = q->int_at(0);
    }
    const std::string quantity = canonical(row.quantity);
    const std::string occurred = instant_text(row.occurred_at);
    const std::string day = date_text(row.date);
    const auto unique_key = non_empty(row.unique_key);
    std::optional<std::int64_t> existing;
    {
        statement_use q(
            repo.sql("SELECT id, item_id, quantity, occurred_at, date, unique_key FROM usage_records WHERE "
                     "external_id = ?1")
        );
        q->bind(1, row.external_id);
        if (q->step()) {
            if (q->int_at(1) == item && q->text_at(2) == quantity && q->text_at(3) == occurred &&
                q->optional_text_at(4) == day && q->optional_text_at(5) == unique_key) {
                return put_outcome::unchanged;
            }
            existing = q->int_at(0);
        }
    }
    try {
        statement_use q(repo.sql(
            "INSERT INTO usage_records (external_id, item_id, quantity, occurred_at, unique_key, received_at,"
            " date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            " ON CONFLICT (external_id) DO UPDATE SET item_id = excluded.item_id, quantity = "
            "excluded.quantity,"
            " occurred_at = excluded.occurred_at, unique_key = excluded.unique_key,"
            " received_at = excluded.received_at, date = excluded.date"
        ));
        q->bind(1, row.external_id);
        q->bind(2, item);
        q->bind(3, quantity);
        q->bind(4, occurred);
        q->bind(5, unique_key);
        q->bind(6, instant_text(now));
        q->bind(7, day);
        q->run();
    } catch (const store_error& e) {
        repo.fail("usage " + row.external_id + " was not stored: " + e.what());
    }
    tx.commit();
    return existing ? put_outcome::changed : put_outcome::created;
}

std::vector<billing::usage_record> plan_store::load_usage(
    std::string_view plan_id, civil_date from, civil_date to
) {
    repository repo(*store_);
    statement_use q(
        repo.sql("SELECT u.id, pi.source_item_key, u.date, u.quantity, u.unique_key FROM usage_records u"
                 " JOIN plan_items pi ON pi.id = u.item_id JOIN billing_plans p ON p.id = pi.plan_id"
                 " WHERE p.source_record_id = ?1 AND u.date BETWEEN ?2 AND ?3 ORDER BY u.date, u.id")
    );
    q->bind(1, plan_id);
    q->bind(2, date_text(from));
    q->bind(3, date_text(to));
    std::vector<billing::usage_record> out;
    while (q->step()) {
        billing::usage_record r;
        r.plan_id = std::string(plan_id);
        r.item_key = q->text_at(1);
        const std::string day = q->text_at(2);
        const auto date = detail::parse_date_text(day);
        if (!date) {
            repo.connection().corrupt_value("usage_records.date", day);
        }
        r.date = *date;
        r.sequence = static_cast<std::uint64_t>(q->int_at(0));
        const std::string quantity = q->text_at(3);
        const auto parsed = parse_decimal(quantity);
        if (!parsed) {
            repo.connection().corrupt_value("usage_records.quantity", quantity);
        }
        r.quantity = *parsed;
        r.unique_key = q->optional_text_at(4).value_or("");
        out.push_back(std::move(r));
    }
    return out;
}

// ---- quarantine -----------------------------------------------------------------------------------------

void plan_store::quarantine(
    std::string_view object,
    std::string_view record_id,
    std::string_view mapping_name,
    const std::vector<std::string>& problems,
    instant now
) {
    repository repo(*store_);
    if (problems.empty() || problems.front().empty()) {
        repo.fail(
            "quarantine of " + std::string(object) + " " + std::string(record_id) +
            " needs at least one problem, the first not empty (it is what the operator sees)"
        );
    }
    boost::json::array list;
    for (const auto& p : problems) {
        list.emplace_back(p);
    }
    atomic_write tx(*store_, repo.connection());
    statement_use q(
        repo.sql("INSERT INTO quarantine (object_name, record_id, reason, first_seen, last_seen, occurrences,"
                 " mapping_name, problems) VALUES (?1, ?2, ?3, ?4, ?4, 1, ?5, ?6)"
                 " ON CONFLICT (object_name, record_id) DO UPDATE SET reason = excluded.reason,"
                 " last_seen = max(quarantine.last_seen, excluded.last_seen), occurrences = "
                 "quarantine.occurrences + 1,"
                 " mapping_name = excluded.mapping_name, problems = excluded.problems")
    );
    q->bind(1, object);
    q->bind(2, record_id);
    q->bind(3, problems.front());
    q->bind(4, instant_text(now));
    q->bind(5, non_empty(mapping_name));
    q->bind(6, boost::json::serialize(list));
    q->run();
    tx.commit();
}

bool plan_store::release(std::string_view object, std::string_view record_id) {
    repository repo(*store_);
    atomic_write tx(*store_, repo.connection());
    statement_use q(repo.sql("DELETE FROM quarantine WHERE object_name = ?1 AND record_id = ?2"));
    q->bind(1, object);
    q->bind(2, record_id);
    q->run();
    const bool released = sqlite3_changes(repo.db()) == 1;
    tx.commit();
    return released;
}

std::vector<quarantine_entry> plan_store::quarantined(std::size_t limit) {
    repository repo(*store_);
    statement_use q(repo.sql(
        "SELECT object_name, record_id, mapping_name, problems, reason, first_seen, last_seen, occurrences"
        " FROM quarantine ORDER BY last_seen DESC, id DESC LIMIT ?1"
    ));
    q->bind(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    std::vector<quarantine_entry> out;
    while (q->step()) {
        quarantine_entry e;
        e.object = q->text_at(0);
        e.record_id = q->text_at(1);
        e.mapping_name = q->optional_text_at(2).value_or("");
        if (const auto problems = q->optional_text_at(3)) {
            boost::system::error_code ec;
            const boost::json::value list = boost::json::parse(*problems, ec);
            if (ec || !list.is_array()) {
                repo.connection().corrupt_value("quarantine.problems", *problems);
            }
            for (const auto& p : list.get_array()) {
                if (!p.is_string()) {
                    repo.connection().corrupt_value("quarantine.problems", *problems);
                }
                e.problems.emplace_back(p.get_string());
            }
        }
        if (e.problems.empty()) {
            e.problems.push_back(q->text_at(4));
        }
        e.first_seen = repo.connection().instant_at(*q, 5, "quarantine.first_seen");
        e.last_seen = repo.connection().instant_at(*q, 6, "quarantine.last_seen");
        e.occurrences = q->int_at(7);
        out.push_back(std::move(e));
    }
    return out;
}

std::size_t plan_store::quarantine_count() {
    repository repo(*store_);
    statement_use q(repo.sql("SELECT count(*) FROM quarantine"));
    q->step();
    return static_cast<std::size_t>(q->int_at(0));
}

}  // namespace fakturad::store
