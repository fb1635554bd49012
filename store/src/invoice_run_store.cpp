#include "fakturad/store/invoice_run_store.hpp"

#include "sqlite_store_impl.hpp"

#include <boost/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <utility>

namespace fakturad::store {

struct invoice_run_store_access {
    using connection = sqlite_store::impl;
    static connection& of(sqlite_store& s) { return *s.impl_; }
};

namespace {

using detail::date_text;
using detail::instant_text;

constexpr std::string_view select_columns =
    "SELECT id, cutoff_date, selection, started_by, dry_run, finalize, state, started_at, finished_at,"
    " plans_selected, progress_done, drafts_created, invoices_finalized, plans_failed, error FROM "
    "invoice_runs";

std::string_view kind_name(billing::selection_kind k) {
    switch (k) {
        case billing::selection_kind::account:
            return "account";
        case billing::selection_kind::plan:
            return "plan";
        case billing::selection_kind::all:
            break;
    }
    return "all";
}

std::string selection_json(const billing::run_selection& s) {
    boost::json::object o{{"kind", kind_name(s.kind)}};
    if (s.kind != billing::selection_kind::all) {
        o["id"] = s.id;
    }
    return boost::json::serialize(o);
}

std::optional<billing::run_selection> parse_selection(std::string_view text) {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) {
        return std::nullopt;
    }
    const auto* kind = v.get_object().if_contains("kind");
    const auto* id = v.get_object().if_contains("id");
    if (kind == nullptr || !kind->is_string() || (id != nullptr && !id->is_string())) {
        return std::nullopt;
    }
    billing::run_selection s;
    for (const auto k :
         {billing::selection_kind::all, billing::selection_kind::account, billing::selection_kind::plan}) {
        if (kind_name(k) == kind->get_string()) {
            s.kind = k;
            s.id = id != nullptr ? std::string(id->get_string()) : std::string();
            return s;
        }
    }
    return std::nullopt;
}

run_row read_row(invoice_run_store_access::connection& db, const statement& q) {
    run_row r;
    r.id = q.int_at(0);
    const std::string cutoff = q.text_at(1);
    const auto day = detail::parse_date_text(cutoff);
    if (!day) {
        db.corrupt_value("invoice_runs.cutoff_date", cutoff);
    }
    r.request.cutoff = *day;
    const std::string selection = q.text_at(2);
    auto parsed = parse_selection(selection);
    if (!parsed) {
        db.corrupt_value("invoice_runs.selection", selection);
    }
    r.request.selection = std::move(*parsed);
    r.request.started_by = q.text_at(3);
    r.request.dry_run = q.int_at(4) != 0;
    r.request.finalize = q.int_at(5) != 0;
    r.state = q.text_at(6);
    r.started_at = db.instant_at(q, 7, "invoice_runs.started_at");
    r.finished_at = db.optional_instant_at(q, 8, "invoice_runs.finished_at");
    r.plans_selected = q.int_at(9);
    r.progress_done = q.int_at(10);
    r.drafts_created = q.int_at(11);
    r.invoices_finalized = q.int_at(12);
    r.plans_failed = q.int_at(13);
    r.error = q.optional_text_at(14);
    return r;
}

[[noreturn]] void fail(const invoice_run_store_access::connection& db, const std::string& message) {
    throw store_error(db.path.string() + ": " + message);
}

}  // namespace

std::int64_t invoice_run_store::start(const run_request& request, std::int64_t plans_selected, instant now) {
    auto& db = invoice_run_store_access::of(*store_);
    if (request.started_by != "schedule" && request.started_by != "manual") {
        fail(
            db, "an invoice run is started by \"schedule\" or \"manual\", not \"" + request.started_by + "\""
        );
    }
    own_transaction tx(*store_, db.db);
    std::int64_t id = 0;
    {
        statement_use q(db.cached(
            "INSERT INTO invoice_runs (cutoff_date, selection, started_by, state, started_at, plans_selected,"
            " dry_run, finalize) VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7) RETURNING id"
        ));
        q->bind(1, date_text(request.cutoff));
        q->bind(2, selection_json(request.selection));
        q->bind(3, request.started_by);
        q->bind(4, instant_text(now));
        q->bind(5, plans_selected);
        q->bind(6, std::int64_t{request.dry_run ? 1 : 0});
        q->bind(7, std::int64_t{request.finalize ? 1 : 0});
        q->step();
        id = q->int_at(0);
    }
    tx.commit();
    return id;
}

void invoice_run_store::progress(
    std::int64_t run_id, std::int64_t done, std::int64_t drafts, std::int64_t finalized, std::int64_t failed
) {
    auto& db = invoice_run_store_access::of(*store_);
    own_transaction tx(*store_, db.db);
    {
        // invoices_created (0001) is what the status page shows; it counts the drafts.
        statement_use q(db.cached(
            "UPDATE invoice_runs SET progress_done = ?2, drafts_created = ?3, invoices_created = ?3,"
            " invoices_finalized = ?4, plans_failed = ?5 WHERE id = ?1 AND state = 'running'"
        ));
        q->bind(1, run_id);
        q->bind(2, done);
        q->bind(3, drafts);
        q->bind(4, finalized);
        q->bind(5, failed);
        q->run();
    }
    if (sqlite3_changes(db.db) != 1) {
        fail(
            db,
            "invoice run " + std::to_string(run_id) +
                " is not running (or does not exist); progress not stored"
        );
    }
    tx.commit();
}

void invoice_run_store::finish(
    std::int64_t run_id, std::string_view state, std::optional<std::string_view> error, instant now
) {
    auto& db = invoice_run_store_access::of(*store_);
    if (state != "finished" && state != "failed" && state != "cancelled") {
        fail(db, "an invoice run ends as finished, failed or cancelled, not \"" + std::string(state) + "\"");
    }
    own_transaction tx(*store_, db.db);
    {
        statement_use q(
            db.cached("UPDATE invoice_runs SET state = ?2, error = ?3, finished_at = ?4 WHERE id = ?1 AND "
                      "state = 'running'")
        );
        q->bind(1, run_id);
        q->bind(2, state);
        q->bind(3, error ? std::optional<std::string>(*error) : std::nullopt);
        q->bind(4, instant_text(now));
        q->run();
    }
    if (sqlite3_changes(db.db) != 1) {
        fail(
            db,
            "invoice run " + std::to_string(run_id) + " is not running (or does not exist); it was not ended"
        );
    }
    tx.commit();
}

std::optional<run_row> invoice_run_store::running() {
    auto& db = invoice_run_store_access::of(*store_);
    static const std::string sql =
        std::string(select_columns) + " WHERE state = 'running' ORDER BY started_at DESC, id DESC LIMIT 1";
    statement_use q(db.cached(sql));
    if (!q->step()) {
        return std::nullopt;
    }
    return read_row(db, *q);
}

std::optional<run_row> invoice_run_store::load(std::int64_t run_id) {
    auto& db = invoice_run_store_access::of(*store_);
    static const std::string sql = std::string(select_columns) + " WHERE id = ?1";
    statement_use q(db.cached(sql));
    q->bind(1, run_id);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_row(db, *q);
}

std::vector<run_row> invoice_run_store::recent(std::size_t limit) {
    auto& db = invoice_run_store_access::of(*store_);
    static const std::string sql =
        std::string(select_columns) + " ORDER BY started_at DESC, id DESC LIMIT ?1";
    statement_use q(db.cached(sql));
    q->bind(1, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    std::vector<run_row> out;
    while (q->step()) {
        out.push_back(read_row(db, *q));
    }
    return out;
}

bool invoice_run_store::scheduled_run_exists(civil_date cutoff) {
    auto& db = invoice_run_store_access::of(*store_);
    statement_use q(
        db.cached("SELECT 1 FROM invoice_runs WHERE started_by = 'schedule' AND cutoff_date = ?1 LIMIT 1")
    );
    q->bind(1, date_text(cutoff));
    return q->step();
}

}  // namespace fakturad::store
