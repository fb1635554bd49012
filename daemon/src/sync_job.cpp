#include "sync_job.hpp"

#include "fakturad/salesforce/client.hpp"
#include "fakturad/salesforce/soql.hpp"
#include "fakturad/store/plan_store.hpp"
#include "fakturad/store/store_error.hpp"
#include "org_calendar.hpp"
#include "sync_error_record.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <limits>
#include <set>

namespace fakturad::daemon {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

constexpr std::size_t ids_per_query = 100;  // keeps the GET query URL well below Salesforce's 16 KB limit
constexpr std::size_t max_listed = 200;

std::string text_of(const boost::json::object& record, std::string_view key) {
    const auto* v = record.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

// One record's outcome, decided without I/O and then applied in the store.
struct outcome {
    enum class kind : std::uint8_t { put, end, quarantine } what = kind::put;
    std::string record_id;
    std::optional<billing::billing_plan> plan;
    std::string source_json;
    instant modstamp{};
    std::string reason;                 // end
    std::vector<std::string> problems;  // quarantine
};

void note(sync_report& report, std::string line) {
    if (report.changes.size() < max_listed) {
        report.changes.push_back(std::move(line));
    }
}

store::account_record account_of(const billing::party& p, instant modstamp) {
    store::account_record a;
    a.sf_id = p.id;
    a.name = p.name;
    a.billing_country = p.country;
    a.vat_id = p.vat_id;
    a.raw_json = boost::json::serialize(boost::json::object{
        {"Id", p.id}, {"Name", p.name}, {"BillingCountry", p.country}, {"VAT_Number__c", p.vat_id}});
    a.system_modstamp = modstamp;
    return a;
}

// Quarantined records of one mapping: they are re-read every pass, because what held them back may have
// been fixed elsewhere (a usage record whose plan arrived later, a legal entity added to the config).
std::vector<std::string> quarantined_ids(
    store::sqlite_store& db, std::string_view object, std::string_view mapping
) {
    constexpr std::size_t limit = 10'000;
    std::vector<std::string> ids;
    for (const auto& q : store::plan_store(db).quarantined(limit)) {
        if (q.object == object && q.mapping_name == mapping) {
            ids.push_back(q.record_id);
        }
    }
    return ids;
}

}  // namespace

sync_job::sync_job(
    salesforce::client& sf,
    store_runner on_store,
    const mapping::bound_set& mappings,
    const billing_context& billing,
    sync_options options,
    logger& log,
    std::function<instant()> now
)
    : sf_(sf),
      on_store_(std::move(on_store)),
      mappings_(mappings),
      billing_(billing),
      options_(std::move(options)),
      log_(log),
      now_(std::move(now)) {
    apply_.to_civil_date = [this](instant at) { return local_date(at); };
    apply_.legal_entity = [this](std::string_view code) { return billing_.legal_entity(code); };
}

civil_date sync_job::local_date(instant at) const { return civil_date_in(options_.time_zone, at); }

awaitable<sync_report> sync_job::run_pass() {
    sync_report report;
    for (const auto& m : mappings_.plans) {
        co_await sync_plan_mapping(m, nullptr, report);
    }
    for (const auto& m : mappings_.usage) {
        co_await sync_usage_mapping(m, nullptr, report);
    }
    co_return report;
}

awaitable<sync_report> sync_job::resync(resync_request request) {
    sync_report report;
    auto wanted = [&request](const std::string& object) {
        return request.object.empty() || mapping::same_name(object, request.object);
    };
    for (const auto& m : mappings_.plans) {
        if (wanted(m.object())) {
            co_await sync_plan_mapping(m, &request, report);
        }
    }
    if (request.record_id.empty()) {
        for (const auto& m : mappings_.usage) {
            if (wanted(m.object())) {
                co_await sync_usage_mapping(m, &request, report);
            }
        }
    }
    co_return report;
}

awaitable<sync_report> sync_job::catch_up(change_backlog backlog) {
    sync_report report;
    for (const auto& [object, ids] : backlog.ids()) {
        co_await reread(object, std::vector<std::string>(ids.begin(), ids.end()), report);
    }
    auto polled = [&backlog](const std::string& object) {
        return backlog.polls_everything() ||
               std::any_of(backlog.polls().begin(), backlog.polls().end(), [&](const std::string& p) {
                   return mapping::same_name(p, object);
               });
    };
    for (const auto& m : mappings_.plans) {
        const auto watched = m.watched_objects();
        if (std::any_of(watched.begin(), watched.end(), [&](const auto& w) { return polled(w.object); })) {
            co_await sync_plan_mapping(m, nullptr, report);
        }
    }
    for (const auto& m : mappings_.usage) {
        if (polled(m.object())) {
            co_await sync_usage_mapping(m, nullptr, report);
        }
    }
    co_return report;
}

awaitable<void> sync_job::reread(std::string object, std::vector<std::string> ids, sync_report& report) {
    for (const auto& m : mappings_.plans) {
        for (const auto& w : m.watched_objects()) {
            if (!mapping::same_name(w.object, object)) {
                continue;
            }
            std::vector<std::string> plan_ids = ids;
            if (w.parent_id_field != "Id") {
                // A changed item: its parent is the plan's source record.
                plan_ids.clear();
                std::string soql = "SELECT " + w.parent_id_field + " FROM " + w.object + " WHERE Id IN (";
                for (std::size_t i = 0; i < ids.size(); ++i) {
                    soql += (i == 0 ? "'" : ",'") + ids[i] + "'";
                }
                soql += ")";
                auto on_page = [&plan_ids, &w](salesforce::query_page& page) {
                    for (const auto& r : page.records) {
                        if (auto id = text_of(r.as_object(), w.parent_id_field); !id.empty()) {
                            plan_ids.push_back(std::move(id));
                        }
                    }
                    return true;
                };
                auto q = sf_.query(soql, on_page, true);
                if (auto r = co_await std::move(q); !r) {
                    report.errors.push_back(m.name() + ": " + r.error().describe());
                    continue;
                }
            }
            co_await sync_ids(m, std::move(plan_ids), report);
        }
    }
}

awaitable<std::vector<std::string>> sync_job::query_ids(std::string soql, bool bulk, sync_report& report) {
    std::vector<std::string> ids;
    auto collect = [&ids](salesforce::query_page& page) {
        for (const auto& r : page.records) {
            if (auto id = text_of(r.as_object(), "Id"); !id.empty()) {
                ids.push_back(std::move(id));
            }
        }
        return true;
    };
    if (bulk) {
        auto q = sf_.bulk_query(soql, collect);
        if (auto r = co_await std::move(q); !r) {
            report.errors.push_back("bulk query failed: " + r.error().describe());
        }
        co_return ids;
    }
    const std::size_t threshold = options_.bulk_threshold;
    bool too_many = false;
    auto first_pages = [&](salesforce::query_page& page) {
        if (page.total_size > threshold) {
            too_many = true;
            return false;
        }
        return collect(page);
    };
    auto q = sf_.query(soql, first_pages);
    auto r = co_await std::move(q);
    if (too_many) {
        ids.clear();
        log_.info("large first load goes through Bulk API 2.0", {{"job", "sync"}, {"soql", soql}});
        auto b = sf_.bulk_query(soql, collect);
        if (auto br = co_await std::move(b); !br) {
            report.errors.push_back("bulk query failed: " + br.error().describe());
        }
    } else if (!r) {
        report.errors.push_back("query failed: " + r.error().describe());
    }
    co_return ids;
}

std::optional<std::string> sync_job::mapping_digest(const std::string& file) const {
    const auto found = options_.mapping_digests.find(file);
    return found == options_.mapping_digests.end() ? std::nullopt : std::optional<std::string>(found->second);
}

bool sync_job::read_again(
    const std::optional<store::sync_cursor_info>& stored,
    const std::optional<std::string>& digest,
    const std::string& mapping,
    const mapping::source_location& at
) const {
    if (!stored || stored->mapping_digest == digest) {
        return false;
    }
    log_.info(
        "mapping file changed: every record of the mapping is read again",
        {{"job", "sync"}, {"mapping", mapping}, {"file", at.file}}
    );
    return true;
}

awaitable<void> sync_job::sync_plan_mapping(
    const mapping::bound_plan_mapping& m, const resync_request* forced, sync_report& report
) {
    const auto watched = m.watched_objects();
    auto cursor_key = [&m](const std::string& object) { return "plan:" + m.name() + ":" + object; };

    if (forced != nullptr && !forced->record_id.empty()) {
        // Named first: GCC 12 cannot keep an initializer list's array in a coroutine frame.
        std::vector<std::string> one;
        one.push_back(forced->record_id);
        co_await sync_ids(m, std::move(one), report);
        co_return;
    }

    std::optional<store::sync_cursor_info> source_cursor;
    auto read_cursor = [&](store::sqlite_store& db) {
        source_cursor = db.get_sync_cursor(cursor_key(m.object()));
    };
    co_await on_store_(read_cursor);
    const std::optional<std::string> digest = mapping_digest(m.location().file);
    const bool mapping_changed =
        forced == nullptr && read_again(source_cursor, digest, m.name(), m.location());

    if (forced != nullptr || !source_cursor || mapping_changed) {
        // First load (or resync): every selected record, plus the stored plans of this mapping, so that
        // plans the org no longer selects are ended.
        const instant started = now_();
        std::string soql = m.soql_ids();
        if (forced != nullptr && forced->since) {
            soql += (soql.find(" WHERE ") == std::string::npos ? " WHERE " : " AND ");
            soql += "SystemModstamp >= " + salesforce::soql_datetime(*forced->since);
        }
        const std::size_t errors_before = report.errors.size();
        auto ids = co_await query_ids(soql, false, report);
        if (report.errors.size() != errors_before) {
            co_return;  // without the full list, "not returned" would wrongly end plans
        }
        if (forced == nullptr || !forced->since) {
            std::vector<std::string> stored;
            auto list = [&](store::sqlite_store& db) {
                stored = store::plan_store(db).plan_ids_of(m.object(), m.name());
            };
            co_await on_store_(list);
            ids.insert(ids.end(), stored.begin(), stored.end());
        }
        co_await sync_ids(m, std::move(ids), report);
        if (report.errors.size() != errors_before) {
            co_return;
        }
        auto write = [&](store::sqlite_store& db) {
            for (const auto& w : watched) {
                store::sync_cursor_info c;
                c.object_name = cursor_key(w.object);
                c.last_system_modstamp = started;
                c.updated_at = now_();
                c.mapping_digest = digest;
                db.put_sync_cursor(c);
            }
        };
        co_await on_store_(write);
        co_return;
    }

    // Incremental: quarantined records again, then the ids of changed source records and of the parents of
    // changed items.
    std::vector<std::string> retry;
    auto list_quarantined = [&](store::sqlite_store& db) {
        retry = quarantined_ids(db, m.object(), m.name());
    };
    co_await on_store_(list_quarantined);
    if (!retry.empty()) {
        co_await sync_ids(m, std::move(retry), report);
    }
    for (const auto& w : watched) {
        std::optional<store::sync_cursor_info> stored;
        auto read = [&](store::sqlite_store& db) { stored = db.get_sync_cursor(cursor_key(w.object)); };
        co_await on_store_(read);
        salesforce::sync_cursor from;
        if (stored) {
            from.last_system_modstamp = stored->last_system_modstamp;
            from.last_record_id = stored->last_record_id;
        }
        salesforce::incremental_query q;
        q.object = w.object;
        if (w.parent_id_field != "Id") {
            q.fields.push_back(w.parent_id_field);
            // A deleted child (an item removed from a subscription) leaves its parent unchanged: only
            // queryAll shows it, with the parent to read again.
            q.include_deleted = true;
        }
        std::vector<std::string> ids;
        auto on_page = [&ids, &w](salesforce::query_page& page) {
            for (const auto& r : page.records) {
                if (auto id = text_of(r.as_object(), w.parent_id_field); !id.empty()) {
                    ids.push_back(std::move(id));
                }
            }
            return true;
        };
        auto poll = sf_.poll_changes(q, from, on_page);
        auto next = co_await std::move(poll);
        if (!next) {
            report.errors.push_back(
                m.name() + ": polling " + w.object + " failed: " + next.error().describe()
            );
            continue;
        }
        const std::size_t errors_before = report.errors.size();
        if (!ids.empty()) {
            co_await sync_ids(m, std::move(ids), report);
        }
        if (report.errors.size() != errors_before) {
            continue;  // keep the cursor: the next pass repeats these records
        }
        auto write = [&](store::sqlite_store& db) {
            store::sync_cursor_info c;
            c.object_name = cursor_key(w.object);
            c.last_system_modstamp = next->last_system_modstamp;
            c.last_record_id = next->last_record_id;
            c.last_replay_id = stored ? stored->last_replay_id : std::nullopt;
            c.updated_at = now_();
            c.mapping_digest = digest;
            db.put_sync_cursor(c);
        };
        co_await on_store_(write);
    }
}

awaitable<void> sync_job::sync_ids(
    const mapping::bound_plan_mapping& m, std::vector<std::string> ids, sync_report& report
) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const auto* writeback = mappings_.writeback ? &*mappings_.writeback : nullptr;
    for (std::size_t first = 0; first < ids.size(); first += ids_per_query) {
        const std::size_t last = std::min(ids.size(), first + ids_per_query);
        std::vector<std::string> chunk(
            ids.begin() + static_cast<std::ptrdiff_t>(first), ids.begin() + static_cast<std::ptrdiff_t>(last)
        );
        std::vector<outcome> outcomes;
        std::set<std::string> returned;
        const instant seen = now_();
        auto on_page = [&](salesforce::query_page& page) {
            for (auto& v : page.records) {
                const auto& record = v.as_object();
                outcome o;
                o.record_id = text_of(record, "Id");
                returned.insert(o.record_id.substr(0, 15));
                o.modstamp =
                    salesforce::parse_salesforce_datetime(text_of(record, "SystemModstamp")).value_or(seen);
                if (!m.matches(record)) {
                    o.what = outcome::kind::end;
                    o.reason = m.object() + " " + o.record_id + " no longer matches mapping " + m.name();
                } else {
                    auto mapped = m.apply(record, apply_);
                    if (mapped.plan) {
                        o.plan = std::move(mapped.plan);
                        o.source_json = boost::json::serialize(record);
                    } else {
                        o.what = outcome::kind::quarantine;
                        for (const auto& p : mapped.problems) {
                            o.problems.push_back(p.to_string());
                        }
                    }
                }
                outcomes.push_back(std::move(o));
            }
            return true;
        };
        auto q = sf_.query(m.soql_by_ids(chunk), on_page);
        if (auto r = co_await std::move(q); !r) {
            report.errors.push_back(m.name() + ": fetching records failed: " + r.error().describe());
            co_return;
        }
        report.counts.fetched += outcomes.size();
        for (const auto& id : chunk) {
            if (returned.count(id.substr(0, 15)) == 0) {
                outcome o;
                o.what = outcome::kind::end;
                o.record_id = id;
                o.reason = m.object() + " " + id +
                           " was deleted in Salesforce or is no longer visible to the integration user";
                outcomes.push_back(std::move(o));
            }
        }
        const civil_date today = local_date(seen);
        auto write = [&](store::sqlite_store& db) {
            store::plan_store plans(db);
            for (auto& o : outcomes) {
                if (o.what == outcome::kind::put) {
                    try {
                        store::transaction tx(db);
                        plans.put_account(account_of(o.plan->account, o.modstamp), seen);
                        if (o.plan->bill_to && o.plan->bill_to->id != o.plan->account.id) {
                            plans.put_account(account_of(*o.plan->bill_to, o.modstamp), seen);
                        }
                        store::plan_record rec;
                        if (auto prior = plans.load_plan(o.plan->id)) {
                            rec.plan = mapping::carry_plan_history(prior->plan, std::move(*o.plan), today);
                        } else {
                            rec.plan = std::move(*o.plan);
                        }
                        rec.source_object = m.object();
                        rec.mapping_name = m.name();
                        rec.source_json = std::move(o.source_json);
                        rec.system_modstamp = o.modstamp;
                        const auto put = plans.put_plan(rec, seen);
                        const bool released = plans.release(m.object(), o.record_id);
                        tx.commit();
                        if (released) {
                            ++report.counts.released;
                            note(
                                report, m.object() + " " + o.record_id + ": mapped again, out of quarantine"
                            );
                        }
                        if (put == store::put_outcome::created) {
                            ++report.counts.created;
                            note(report, m.object() + " " + o.record_id + ": plan created");
                        } else if (put == store::put_outcome::changed) {
                            ++report.counts.changed;
                            note(report, m.object() + " " + o.record_id + ": plan changed");
                        } else {
                            ++report.counts.unchanged;
                        }
                        continue;
                    } catch (const store::store_error& e) {
                        o.what = outcome::kind::quarantine;
                        o.problems = {m.object() + " " + o.record_id + ": cannot be stored: " + e.what()};
                    }
                }
                if (o.what == outcome::kind::end) {
                    // Only this mapping's own plans: an id asked of every mapping (resync --id, a change
                    // event) is "not returned" by the mappings of other objects, which says nothing about its
                    // plan.
                    const auto stored = plans.load_plan(o.record_id);
                    if (!stored || stored->mapping_name != m.name()) {
                        continue;
                    }
                    if (plans.end_plan(o.record_id, today, o.reason, seen)) {
                        ++report.counts.ended;
                        note(report, o.reason + ": plan ends " + format_iso_date(today));
                    }
                    continue;
                }
                store::transaction tx(db);
                plans.quarantine(m.object(), o.record_id, m.name(), o.problems, seen);
                sync_error_facts facts;
                facts.object = m.object();
                facts.record_id = o.record_id;
                facts.code = "MAPPING_ERROR";
                facts.mapping = m.name();
                facts.problems = o.problems;
                facts.seen = seen;
                if (const auto intent = sync_error_intent(writeback, facts)) {
                    db.enqueue(intent->kind, intent->idempotency_key, intent->payload, seen);
                }
                tx.commit();
                ++report.counts.quarantined;
                note(report, m.object() + " " + o.record_id + ": quarantined: " + o.problems.front());
            }
        };
        co_await on_store_(write);
    }
}

awaitable<void> sync_job::sync_usage_mapping(
    const mapping::bound_usage_mapping& m, const resync_request* forced, sync_report& report
) {
    const std::string key = "usage:" + m.name() + ":" + m.object();
    std::optional<store::sync_cursor_info> stored;
    auto read = [&](store::sqlite_store& db) { stored = db.get_sync_cursor(key); };
    co_await on_store_(read);
    salesforce::sync_cursor from;
    const std::optional<std::string> digest = mapping_digest(m.location().file);
    const bool mapping_changed = forced == nullptr && read_again(stored, digest, m.name(), m.location());
    if (stored && forced == nullptr && !mapping_changed) {
        from.last_system_modstamp = stored->last_system_modstamp;
        from.last_record_id = stored->last_record_id;
    } else if (forced != nullptr && forced->since) {
        from.last_system_modstamp = *forced->since;
    }
    struct row {
        std::optional<mapping::mapped_usage> usage;
        std::string record_id;
        std::vector<std::string> problems;
    };
    std::vector<row> rows;
    // A batch ends once it holds usage_batch_rows records: the page after that is declined, which ends
    // the query (errc::stopped_by_caller); `reached` is then the cursor after the last accepted page.
    std::size_t batch_limit = options_.usage_batch_rows;
    bool batch_full = false;
    salesforce::sync_cursor reached = from;
    auto on_page = [&](salesforce::query_page& page) {
        if (batch_full) {
            return false;
        }
        for (const auto& v : page.records) {
            const auto& record = v.as_object();
            (void)salesforce::advance_cursor(reached, record);  // poll_changes checked every record already
            if (!m.matches(record)) {
                continue;
            }
            row r;
            r.record_id = text_of(record, "Id");
            auto mapped = m.apply(record, apply_);
            if (mapped.usage) {
                r.usage = std::move(mapped.usage);
            } else {
                for (const auto& p : mapped.problems) {
                    r.problems.push_back(p.to_string());
                }
            }
            rows.push_back(std::move(r));
        }
        batch_full = rows.size() >= batch_limit;
        return true;
    };
    // Stores the rows and, when given, moves the cursor to what they cover: one transaction per batch.
    // By value: the coroutine starts only when awaited, after a temporary argument would be gone.
    auto store_rows = [&](std::optional<salesforce::sync_cursor> cursor) -> awaitable<void> {
        report.counts.fetched += rows.size();
        log_.debug(
            "usage batch read",
            {{"job", "sync"}, {"mapping", m.name()}, {"records", std::to_string(rows.size())}}
        );
        const instant seen = now_();
        auto write = [&](store::sqlite_store& db) {
            store::plan_store plans(db);
            store::transaction tx(db);
            for (auto& r : rows) {
                if (r.usage) {
                    try {
                        store::usage_row u;
                        u.external_id = r.usage->external_id;
                        u.plan_id = r.usage->plan_id;
                        u.item_key = r.usage->item_key;
                        u.occurred_at = r.usage->occurred_at;
                        u.date = r.usage->date;
                        u.quantity = r.usage->quantity;
                        u.unique_key = r.usage->unique_key;
                        if (plans.put_usage(u, seen) != store::put_outcome::unchanged) {
                            ++report.counts.usage;
                        }
                        plans.release(m.object(), r.record_id);
                        continue;
                    } catch (const store::store_error& e) {
                        r.problems = {m.object() + " " + r.record_id + ": " + e.what()};
                    }
                }
                plans.quarantine(m.object(), r.record_id, m.name(), r.problems, seen);
                ++report.counts.quarantined;
                note(report, m.object() + " " + r.record_id + ": quarantined: " + r.problems.front());
            }
            if (cursor) {
                store::sync_cursor_info c;
                c.object_name = key;
                c.last_system_modstamp = cursor->last_system_modstamp;
                c.last_record_id = cursor->last_record_id;
                c.updated_at = seen;
                c.mapping_digest = digest;
                db.put_sync_cursor(c);
            }
            tx.commit();
        };
        co_await on_store_(write);
        rows.clear();
    };

    salesforce::incremental_query q;
    q.object = m.object();
    q.fields = m.select_fields();
    for (bool first_batch = true;; first_batch = false) {
        batch_full = false;
        reached = from;
        auto poll = sf_.poll_changes(q, from, on_page);
        auto polled = co_await std::move(poll);
        const bool more = batch_full;
        if (!polled && !(more && polled.error().code == salesforce::errc::stopped_by_caller)) {
            report.errors.push_back(
                m.name() + ": polling " + m.object() + " failed: " + polled.error().describe()
            );
            co_return;  // the batches stored so far keep their cursor
        }
        const salesforce::sync_cursor next = polled ? *polled : reached;
        auto stored_batch = store_rows(next);
        co_await std::move(stored_batch);
        if (!more) {
            break;
        }
        // The next batch starts at the stamp the stored one reached, without the overlap window: the records
        // before it are stored. Records sharing that stamp are read again (harmless: stored unchanged).
        // Should a whole batch share one stamp, starting there again would read the same batch forever:
        // then the rest is read in one batch, as before batches existed.
        if (!first_batch && next.last_system_modstamp == from.last_system_modstamp) {
            batch_limit = std::numeric_limits<std::size_t>::max();
        }
        from = next;
        q.overlap = std::chrono::milliseconds{0};
    }
    // Quarantined usage records again (their plan may have arrived since): by id, with the same fields.
    std::vector<std::string> retry;
    auto list_quarantined = [&](store::sqlite_store& db) {
        retry = quarantined_ids(db, m.object(), m.name());
    };
    co_await on_store_(list_quarantined);
    batch_limit = std::numeric_limits<std::size_t>::max();
    batch_full = false;
    for (std::size_t first = 0; first < retry.size(); first += ids_per_query) {
        const std::span<const std::string> chunk(
            retry.data() + first, std::min(retry.size() - first, ids_per_query)
        );
        auto q_retry = sf_.query(m.soql_by_ids(chunk), on_page);
        if (auto r = co_await std::move(q_retry); !r) {
            report.errors.push_back(
                m.name() + ": re-reading quarantined records failed: " + r.error().describe()
            );
            break;
        }
        auto stored_retry = store_rows(std::nullopt);
        co_await std::move(stored_retry);
    }
}

}  // namespace fakturad::daemon
