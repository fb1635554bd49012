#include "fakturad/store/vat_check_store.hpp"

#include "sqlite_store_impl.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <utility>

namespace fakturad::store {

struct vat_check_store_access {
    using connection = sqlite_store::impl;
    static connection& of(sqlite_store& s) { return *s.impl_; }
};

namespace {

using detail::instant_text;

void bind_optional(statement& s, int index, const std::optional<std::string>& value) { s.bind(index, value); }

stored_vat_check read_row(vat_check_store_access::connection& db, statement& q) {
    stored_vat_check out;
    out.id = q.int_at(0);
    auto& c = out.check;
    c.vat_id = q.text_at(1);
    if (!q.is_null(2)) {
        c.account_id = q.int_at(2);
    }
    c.verdict = q.text_at(3);
    c.source = q.text_at(4);
    c.trader_name = q.optional_text_at(5);
    c.trader_address = q.optional_text_at(6);
    c.request_date = q.optional_text_at(7);
    c.consultation_number = q.optional_text_at(8);
    c.detail = q.text_at(9);
    c.checked_at = db.instant_at(q, 10, "vat_checks.checked_at");
    return out;
}

constexpr std::string_view select_columns =
    "SELECT id, vat_id, account_id, verdict, source, trader_name, trader_address, request_date,"
    " consultation_number, detail, checked_at FROM vat_checks";

}  // namespace

std::int64_t vat_check_store::record(
    const vat_check_record& check, std::optional<std::string_view> account_sf_id
) {
    auto& db = vat_check_store_access::of(*store_);
    own_transaction tx(*store_, db.db);
    std::int64_t id = 0;
    {
        statement_use q(db.cached(
            "INSERT INTO vat_checks (vat_id, account_id, verdict, source, trader_name, trader_address,"
            " request_date, consultation_number, detail, checked_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id"
        ));
        q->bind(1, check.vat_id);
        if (check.account_id) {
            q->bind(2, *check.account_id);
        } else {
            q->bind_null(2);
        }
        q->bind(3, check.verdict);
        q->bind(4, check.source);
        bind_optional(*q, 5, check.trader_name);
        bind_optional(*q, 6, check.trader_address);
        bind_optional(*q, 7, check.request_date);
        bind_optional(*q, 8, check.consultation_number);
        q->bind(9, check.detail);
        q->bind(10, instant_text(check.checked_at));
        q->step();
        id = q->int_at(0);
    }
    if (account_sf_id) {
        // The write-back payload: the fields of the Account's VAT check record (salesforce/ metadata).
        boost::json::object payload{
            {"account_id", *account_sf_id},
            {"vat_id", check.vat_id},
            {"verdict", check.verdict},
            {"source", check.source},
            {"detail", check.detail},
            {"checked_at", instant_text(check.checked_at)},
        };
        if (check.trader_name) {
            payload["trader_name"] = *check.trader_name;
        }
        if (check.trader_address) {
            payload["trader_address"] = *check.trader_address;
        }
        if (check.request_date) {
            payload["request_date"] = *check.request_date;
        }
        if (check.consultation_number) {
            payload["consultation_number"] = *check.consultation_number;
        }
        store_->enqueue(
            "salesforce.account_vat_check",
            "vat_check:" + std::to_string(id),
            boost::json::serialize(payload),
            check.checked_at
        );
    }
    tx.commit();
    return id;
}

std::optional<stored_vat_check> vat_check_store::latest(std::string_view vat_id) {
    auto& db = vat_check_store_access::of(*store_);
    static const std::string sql =
        std::string(select_columns) + " WHERE vat_id = ?1 ORDER BY checked_at DESC, id DESC LIMIT 1";
    statement_use q(db.cached(sql));
    q->bind(1, vat_id);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_row(db, *q);
}

std::optional<stored_vat_check> vat_check_store::latest_valid(std::string_view vat_id) {
    auto& db = vat_check_store_access::of(*store_);
    static const std::string sql =
        std::string(select_columns) +
        " WHERE vat_id = ?1 AND verdict = 'valid' ORDER BY checked_at DESC, id DESC LIMIT 1";
    statement_use q(db.cached(sql));
    q->bind(1, vat_id);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_row(db, *q);
}

std::vector<due_account> vat_check_store::due_accounts(
    instant now,
    std::chrono::milliseconds recheck_interval,
    std::chrono::milliseconds retry_unconfirmed,
    std::size_t limit,
    std::string (*normalise)(std::string_view)
) {
    auto& db = vat_check_store_access::of(*store_);
    struct last_check {
        std::string verdict;
        instant at;
    };
    std::map<std::pair<std::int64_t, std::string>, last_check> latest;
    {
        // SQLite returns the other columns of the row that holds max(): the latest check per account and
        // VAT ID.
        statement_use q(db.cached(
            "SELECT account_id, vat_id, verdict, max(checked_at) FROM vat_checks WHERE account_id IS NOT NULL"
            " GROUP BY account_id, vat_id"
        ));
        while (q->step()) {
            latest.emplace(
                std::pair{q->int_at(0), q->text_at(1)},
                last_check{q->text_at(2), db.instant_at(*q, 3, "vat_checks.checked_at")}
            );
        }
    }
    struct candidate {
        due_account account;
        instant since;  // last check, or the epoch when never checked
    };
    std::vector<candidate> due;
    statement_use q(
        db.cached("SELECT id, sf_id, vat_id FROM accounts WHERE is_deleted = 0 AND vat_id IS NOT NULL AND "
                  "trim(vat_id) <> ''"
                  " ORDER BY id")
    );
    while (q->step()) {
        due_account a{q->int_at(0), q->text_at(1), q->text_at(2)};
        const auto it = latest.find(std::pair{a.account_id, normalise(a.vat_id)});
        if (it == latest.end()) {
            due.push_back({std::move(a), instant{}});
            continue;
        }
        const auto wait = it->second.verdict == "unconfirmed" ? retry_unconfirmed : recheck_interval;
        if (it->second.at + wait <= now) {
            due.push_back({std::move(a), it->second.at});
        }
    }
    std::stable_sort(due.begin(), due.end(), [](const candidate& x, const candidate& y) {
        return x.since < y.since;
    });
    std::vector<due_account> out;
    for (std::size_t i = 0; i < due.size() && i < limit; ++i) {
        out.push_back(std::move(due[i].account));
    }
    return out;
}

}  // namespace fakturad::store
