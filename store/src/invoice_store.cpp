#include "fakturad/store/invoice_store.hpp"

#include "fakturad/billing/lifecycle.hpp"
#include "fakturad/core/decimal.hpp"
#include "invoice_document_json.hpp"
#include "sqlite_store_impl.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace fakturad::store {
namespace {

// Runs an INSERT whose UNIQUE key makes something billable once (a period, a milestone): a violation
// means another document bills it already and becomes already_billed with what() from `describe`.
template <typename Describe>
void insert_once(detail::statement& q, sqlite_store& store, Describe describe) {
    try {
        q.run();
    } catch (const store_error& e) {
        if (e.sqlite_code() != SQLITE_CONSTRAINT_UNIQUE) {
            throw;
        }
        throw already_billed(store.path().string() + ": " + describe(), e.sqlite_code());
    }
}

using detail::date_text;
using detail::instant_text;

// The store's canonical decimal text (store/README.md): trailing fraction zeros removed.
std::string canonical(decimal d) { return to_string(d.trimmed()); }

std::optional<std::string> optional_date(const std::optional<civil_date>& d) {
    return d ? std::optional<std::string>(date_text(*d)) : std::nullopt;
}

std::string describe_key(const billing::charge_key& k) {
    std::string text =
        "plan " + k.plan_id + " item " + k.item_key + " period from " + date_text(k.period_start);
    if (k.revision != 0) {
        text += " (revision " + std::to_string(k.revision) + ")";
    }
    return text;
}

}  // namespace

// The connection behind the public store object (a friend of sqlite_store).
struct invoice_store_access {
    using connection = sqlite_store::impl;
    static connection& of(sqlite_store& s) { return *s.impl_; }
};

namespace {

class repository {
public:
    explicit repository(sqlite_store& store) : store_(store), db_(invoice_store_access::of(store)) {}

    sqlite_store& store() { return store_; }
    sqlite3* db() { return db_.db; }
    statement& sql(std::string_view text) { return db_.cached(text); }

    [[noreturn]] void fail(const std::string& message) const {
        throw store_error(db_.path.string() + ": " + message);
    }

    std::int64_t legal_entity_id(std::string_view code) {
        statement_use q(sql("SELECT id FROM legal_entities WHERE code = ?1"));
        q->bind(1, code);
        if (!q->step()) {
            fail(
                "legal entity \"" + std::string(code) +
                "\" is not in the store; it is written from fakturad.yaml's legal_entities at start"
            );
        }
        return q->int_at(0);
    }

    std::optional<std::int64_t> account_id(std::string_view sf_id) {
        statement_use q(sql("SELECT id FROM accounts WHERE sf_id = ?1"));
        q->bind(1, sf_id);
        return q->step() ? std::optional(q->int_at(0)) : std::nullopt;
    }

    std::optional<std::int64_t> contact_id(std::string_view sf_id) {
        statement_use q(sql("SELECT id FROM contacts WHERE sf_id = ?1"));
        q->bind(1, sf_id);
        return q->step() ? std::optional(q->int_at(0)) : std::nullopt;
    }

    std::int64_t plan_id(std::string_view source_record_id) {
        statement_use q(sql("SELECT id FROM billing_plans WHERE source_record_id = ?1"));
        q->bind(1, source_record_id);
        if (!q->step()) {
            fail("billing plan " + std::string(source_record_id) + " is not in the store; sync it first");
        }
        return q->int_at(0);
    }

    std::int64_t item_id(std::string_view plan, std::string_view item_key) {
        auto& cache = item_ids_[std::string(plan)];
        if (auto it = cache.find(std::string(item_key)); it != cache.end()) {
            return it->second;
        }
        statement_use q(
            sql("SELECT pi.id FROM plan_items pi JOIN billing_plans p ON p.id = pi.plan_id"
                " WHERE p.source_record_id = ?1 AND pi.source_item_key = ?2")
        );
        q->bind(1, plan);
        q->bind(2, item_key);
        if (!q->step()) {
            fail(
                "item " + std::string(item_key) + " of billing plan " + std::string(plan) +
                " is not in the store; sync the plan first"
            );
        }
        const std::int64_t id = q->int_at(0);
        cache.emplace(std::string(item_key), id);
        return id;
    }

    std::optional<std::int64_t> billed_period_id(std::int64_t item, const billing::charge_key& key) {
        statement_use q(
            sql("SELECT id FROM billed_periods WHERE item_id = ?1 AND period_start = ?2 AND revision = ?3")
        );
        q->bind(1, item);
        q->bind(2, date_text(key.period_start));
        q->bind(3, static_cast<std::int64_t>(key.revision));
        return q->step() ? std::optional(q->int_at(0)) : std::nullopt;
    }

    // Who billed a period already, for the already_billed message.
    std::string billed_by(std::int64_t item, const billing::charge_key& key) {
        statement_use q(sql(
            "SELECT i.id, i.status, i.number FROM billed_periods bp JOIN invoices i ON i.id = bp.invoice_id"
            " WHERE bp.item_id = ?1 AND bp.period_start = ?2 AND bp.revision = ?3"
        ));
        q->bind(1, item);
        q->bind(2, date_text(key.period_start));
        q->bind(3, static_cast<std::int64_t>(key.revision));
        if (!q->step()) {
            return "another document";
        }
        const auto number = q->optional_text_at(2);
        return q->text_at(1) + " invoice " + std::to_string(q->int_at(0)) +
               (number ? " (" + *number + ")" : "");
    }

    struct document_row {
        std::int64_t legal_entity_id = 0;
        std::string status;
        std::optional<std::int64_t> corrects;
        billing::invoice document;
    };

    std::optional<document_row> read(invoice_id id) {
        statement_use q(
            sql("SELECT legal_entity_id, status, corrects_invoice_id, document FROM invoices WHERE id = ?1")
        );
        q->bind(1, id);
        if (!q->step()) {
            return std::nullopt;
        }
        document_row row;
        row.legal_entity_id = q->int_at(0);
        row.status = q->text_at(1);
        if (!q->is_null(2)) {
            row.corrects = q->int_at(2);
        }
        if (q->is_null(3)) {
            fail(
                "invoice " + std::to_string(id) +
                " has no document snapshot (written before schema version 2)"
            );
        }
        try {
            row.document = detail::document_from_json(q->text_at(3));
        } catch (const store_error& e) {
            fail("invoice " + std::to_string(id) + ": " + e.what());
        }
        row.document.status = row.status == "draft"       ? billing::invoice_status::draft
                              : row.status == "finalized" ? billing::invoice_status::finalized
                                                          : billing::invoice_status::cancelled;
        return row;
    }

private:
    sqlite_store& store_;
    invoice_store_access::connection& db_;
    std::map<std::string, std::map<std::string, std::int64_t>, std::less<>> item_ids_;
};

}  // namespace

std::int64_t invoice_store::put_legal_entity(const legal_entity_record& entity, instant now) {
    repository repo(*store_);
    statement_use q(repo.sql(
        "INSERT INTO legal_entities (code, name, country, vat_id, tax_number, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, nullif(?4, ''), nullif(?5, ''), ?6, ?6)"
        " ON CONFLICT (code) DO UPDATE SET name = excluded.name, country = excluded.country,"
        " vat_id = excluded.vat_id, tax_number = excluded.tax_number, updated_at = excluded.updated_at"
        " WHERE name IS NOT excluded.name OR country IS NOT excluded.country"
        " OR vat_id IS NOT excluded.vat_id OR tax_number IS NOT excluded.tax_number"
    ));
    q->bind(1, entity.code);
    q->bind(2, entity.name);
    q->bind(3, entity.country);
    q->bind(4, entity.vat_id);
    q->bind(5, entity.tax_number);
    q->bind(6, instant_text(now));
    q->run();
    return repo.legal_entity_id(entity.code);
}

invoice_id invoice_store::save_draft(
    const billing::invoice& draft, std::optional<std::int64_t> run_id, instant now
) {
    repository repo(*store_);
    if (draft.status != billing::invoice_status::draft) {
        repo.fail("save_draft was given a document that is not a draft; finalized documents are immutable");
    }
    own_transaction tx(*store_, repo.db());
    const std::int64_t entity = repo.legal_entity_id(draft.seller.id);
    const auto account = repo.account_id(draft.account.id);
    if (!account) {
        repo.fail(
            "account " + draft.account.id + " (" + draft.account.name + ") is not in the store; sync it first"
        );
    }
    std::optional<std::int64_t> bill_to_account;
    std::optional<std::int64_t> bill_to_contact;
    if (!draft.bill_to.id.empty() && draft.bill_to.id != draft.account.id) {
        bill_to_account = repo.account_id(draft.bill_to.id);
        if (!bill_to_account) {
            bill_to_contact = repo.contact_id(draft.bill_to.id);
        }
        if (!bill_to_account && !bill_to_contact) {
            repo.fail("bill-to " + draft.bill_to.id + " is neither a synced account nor a synced contact");
        }
    }
    std::optional<std::int64_t> plan;
    if (draft.plan_ids.size() == 1) {
        plan = repo.plan_id(draft.plan_ids.front());
    }
    std::optional<std::int64_t> corrects;
    if (draft.corrects) {
        statement_use q(repo.sql("SELECT id FROM invoices WHERE legal_entity_id = ?1 AND number = ?2"));
        q->bind(1, entity);
        q->bind(2, draft.corrects->number);
        if (!q->step()) {
            repo.fail("the corrected document " + draft.corrects->number + " is not in the store");
        }
        corrects = q->int_at(0);
    }

    invoice_id id = 0;
    {
        statement_use q(repo.sql(
            "INSERT INTO invoices (legal_entity_id, account_id, bill_to_account_id, bill_to_contact_id, "
            "plan_id,"
            " run_id, status, type_code, corrects_invoice_id, service_start, service_end, currency, language,"
            " total_net, total_tax, total_gross, created_at, updated_at, document)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'draft', ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, "
            "?17)"
            " RETURNING id"
        ));
        auto bind_optional_id = [&](int index, const std::optional<std::int64_t>& value) {
            if (value) {
                q->bind(index, *value);
            } else {
                q->bind_null(index);
            }
        };
        q->bind(1, entity);
        q->bind(2, *account);
        bind_optional_id(3, bill_to_account);
        bind_optional_id(4, bill_to_contact);
        bind_optional_id(5, plan);
        bind_optional_id(6, run_id);
        q->bind(7, billing::to_string(draft.type));
        bind_optional_id(8, corrects);
        q->bind(
            9, optional_date(draft.service_period ? std::optional(draft.service_period->first) : std::nullopt)
        );
        q->bind(
            10, optional_date(draft.service_period ? std::optional(draft.service_period->last) : std::nullopt)
        );
        q->bind(11, draft.cur.code());
        q->bind(12, draft.language);
        q->bind(13, canonical(draft.totals.net));
        q->bind(14, canonical(draft.totals.tax));
        q->bind(15, canonical(draft.totals.gross));
        q->bind(16, instant_text(now));
        q->bind(17, detail::document_to_json(draft));
        q->step();
        id = q->int_at(0);
    }

    std::vector<std::int64_t> line_ids;
    line_ids.reserve(draft.lines.size());
    for (std::size_t i = 0; i < draft.lines.size(); ++i) {
        const auto& line = draft.lines[i];
        statement_use q(repo.sql(
            "INSERT INTO invoice_lines (invoice_id, position, item_id, description, quantity, unit_code,"
            " unit_price, net_amount, tax_category, tax_rate, period_start, period_end)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id"
        ));
        q->bind(1, id);
        q->bind(2, static_cast<std::int64_t>(i + 1));
        if (!line.item_key.empty() && !line.plan_id.empty()) {
            q->bind(3, repo.item_id(line.plan_id, line.item_key));
        } else {
            q->bind_null(3);
        }
        q->bind(4, line.description);
        q->bind(5, canonical(line.quantity));
        q->bind(6, line.unit_code);
        q->bind(7, canonical(line.unit_price));
        q->bind(8, canonical(line.net));
        q->bind(9, line.vat.category);
        q->bind(10, canonical(line.vat.rate));
        q->bind(11, optional_date(line.period ? std::optional(line.period->first) : std::nullopt));
        q->bind(12, optional_date(line.period ? std::optional(line.period->last) : std::nullopt));
        q->step();
        line_ids.push_back(q->int_at(0));
    }

    const bool credit_note = draft.type == billing::document_type::credit_note;
    if (draft.type != billing::document_type::pro_forma &&
        draft.type != billing::document_type::cancellation && !credit_note) {
        for (const auto& ref : draft.billed) {
            const std::int64_t item = repo.item_id(ref.key.plan_id, ref.key.item_key);
            statement_use q(repo.sql(
                "INSERT INTO billed_periods (item_id, period_start, period_end, revision, regular, quantity,"
                " billed_net, invoice_id, invoice_line_id, created_at)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ));
            q->bind(1, item);
            q->bind(2, date_text(ref.key.period_start));
            q->bind(3, date_text(ref.period_end));
            q->bind(4, static_cast<std::int64_t>(ref.key.revision));
            q->bind(5, std::int64_t{ref.regular ? 1 : 0});
            q->bind(6, canonical(ref.quantity));
            q->bind(7, canonical(ref.billed_net));
            q->bind(8, id);
            if (ref.line_index < line_ids.size()) {
                q->bind(9, line_ids[ref.line_index]);
            } else {
                q->bind_null(9);
            }
            q->bind(10, instant_text(now));
            insert_once(*q, *store_, [&] {
                return describe_key(ref.key) + " is billed already by " + repo.billed_by(item, ref.key) +
                       "; nothing of this draft was stored (run the invoice run again: it continues after "
                       "the "
                       "billed periods)";
            });
        }
    }

    if (!draft.milestone.empty()) {
        if (!plan) {
            repo.fail("milestone " + draft.milestone + " billed by a document of more or less than one plan");
        }
        statement_use q(
            repo.sql("INSERT INTO billed_milestones (plan_id, milestone_key, invoice_id, created_at) VALUES "
                     "(?1, ?2, ?3, ?4)")
        );
        q->bind(1, *plan);
        q->bind(2, draft.milestone);
        q->bind(3, id);
        q->bind(4, instant_text(now));
        insert_once(*q, *store_, [&] {
            return "milestone " + draft.milestone + " of plan " + draft.plan_ids.front() +
                   " is billed already; nothing of this draft was stored";
        });
    }

    if (draft.type != billing::document_type::cancellation) {
        for (std::size_t i = 0; i < draft.lines.size(); ++i) {
            const auto& line = draft.lines[i];
            if (!line.credits) {
                continue;
            }
            const std::int64_t item = repo.item_id(line.credits->plan_id, line.credits->item_key);
            const auto period = repo.billed_period_id(item, *line.credits);
            if (!period) {
                repo.fail(
                    "line " + std::to_string(i + 1) + " credits " + describe_key(*line.credits) +
                    ", which is not billed; recompute the draft from the current plan state"
                );
            }
            statement_use q(
                repo.sql("INSERT INTO billed_period_credits (billed_period_id, invoice_id, credited_from, "
                         "amount, created_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5)")
            );
            q->bind(1, *period);
            q->bind(2, id);
            if (!credit_note && line.period) {
                q->bind(3, date_text(line.period->first));
            } else {
                q->bind_null(3);
            }
            // A credit-for-unused-days line has a negative net; a credit note line states the credit.
            q->bind(4, canonical(credit_note ? line.net : line.net.negated()));
            q->bind(5, instant_text(now));
            q->run();
        }
    }
    tx.commit();
    return id;
}

void invoice_store::delete_draft(invoice_id id) {
    repository repo(*store_);
    own_transaction tx(*store_, repo.db());
    statement_use q(repo.sql("DELETE FROM invoices WHERE id = ?1 AND status = 'draft'"));
    q->bind(1, id);
    q->run();
    if (sqlite3_changes(repo.db()) != 1) {
        repo.fail(
            "invoice " + std::to_string(id) + " is not a draft (or does not exist); only drafts are deleted"
        );
    }
    tx.commit();
}

stored_invoice invoice_store::revise_draft(
    invoice_id id, const billing::draft_revision& revision, civil_date issue_date, instant now
) {
    repository repo(*store_);
    own_transaction tx(*store_, repo.db());
    auto row = repo.read(id);
    if (!row) {
        repo.fail("invoice " + std::to_string(id) + " does not exist");
    }
    if (row->status != "draft") {
        repo.fail("invoice " + std::to_string(id) + " is " + row->status + "; only a draft can be revised");
    }
    billing::invoice doc = std::move(row->document);
    if (auto revised = billing::revise_draft(doc, revision, issue_date); !revised) {
        repo.fail("draft " + std::to_string(id) + " not revised: " + revised.error().message);
    }
    {
        statement_use q(repo.sql("UPDATE invoices SET document = ?2, updated_at = ?3 WHERE id = ?1"));
        q->bind(1, id);
        q->bind(2, detail::document_to_json(doc));
        q->bind(3, instant_text(now));
        q->run();
    }
    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        statement_use line(
            repo.sql("UPDATE invoice_lines SET description = ?3 WHERE invoice_id = ?1 AND position = ?2")
        );
        line->bind(1, id);
        line->bind(2, static_cast<std::int64_t>(i + 1));
        line->bind(3, doc.lines[i].description);
        line->run();
    }
    tx.commit();
    return {id, std::move(doc)};
}

stored_invoice invoice_store::finalize(
    invoice_id id, const billing::number_range_spec& range, civil_date issue_date, instant now
) {
    return finalize(id, range, issue_date, now, {});
}

stored_invoice invoice_store::finalize(
    invoice_id id,
    const billing::number_range_spec& range,
    civil_date issue_date,
    instant now,
    std::span<const outbox_intent> also_enqueue
) {
    repository repo(*store_);
    if (sqlite3_get_autocommit(repo.db()) == 0) {
        repo.fail("finalize runs in a transaction of its own; commit the open one first");
    }
    transaction tx(*store_);
    auto row = repo.read(id);
    if (!row) {
        repo.fail("invoice " + std::to_string(id) + " does not exist");
    }
    if (row->status != "draft") {
        repo.fail("invoice " + std::to_string(id) + " is " + row->status + "; only a draft can be finalized");
    }
    billing::invoice doc = std::move(row->document);

    std::optional<std::int64_t> range_id;
    std::uint64_t value = 0;
    std::string number;
    if (doc.type != billing::document_type::pro_forma) {
        if (range.legal_entity != doc.seller.id) {
            repo.fail(
                "number range of legal entity " + range.legal_entity + " given for a document of " +
                doc.seller.id
            );
        }
        auto parsed = billing::number_range::create(range, "");
        if (!parsed) {
            repo.fail("number range " + range.series + ": " + parsed.error().message);
        }
        const std::string key = billing::period_key(range.reset, issue_date);
        {
            statement_use q(repo.sql(
                "INSERT INTO number_ranges (legal_entity_id, document_type, period_key, pattern, next_value)"
                " VALUES (?1, ?2, ?3, ?4, ?5)"
                " ON CONFLICT (legal_entity_id, document_type, period_key) DO NOTHING"
            ));
            q->bind(1, row->legal_entity_id);
            q->bind(2, range.series);
            q->bind(3, key);
            q->bind(4, range.pattern);
            q->bind(5, static_cast<std::int64_t>(range.first_value));
            q->run();
        }
        std::string pattern;
        {
            statement_use q(
                repo.sql("SELECT id, pattern, next_value FROM number_ranges"
                         " WHERE legal_entity_id = ?1 AND document_type = ?2 AND period_key = ?3")
            );
            q->bind(1, row->legal_entity_id);
            q->bind(2, range.series);
            q->bind(3, key);
            q->step();
            range_id = q->int_at(0);
            pattern = q->text_at(1);
            value = static_cast<std::uint64_t>(q->int_at(2));
        }
        if (pattern != range.pattern) {
            repo.fail(
                "number range " + range.series + " " + (key.empty() ? std::string("(no reset)") : key) +
                " of legal entity " + range.legal_entity + " has the pattern \"" + pattern +
                "\" in the store, the configuration says \"" + range.pattern +
                "\"; a pattern change takes effect with the next reset period"
            );
        }
        auto format = billing::number_pattern::parse(pattern);
        if (!format) {
            repo.fail("stored number pattern \"" + pattern + "\": " + format.error().message);
        }
        number = format->format(value, issue_date);
        statement_use q(repo.sql("UPDATE number_ranges SET next_value = ?2 WHERE id = ?1"));
        q->bind(1, *range_id);
        q->bind(2, static_cast<std::int64_t>(value + 1));
        q->run();
    }

    if (auto done = billing::finalize(doc, {number, issue_date}); !done) {
        repo.fail("invoice " + std::to_string(id) + " cannot be finalized: " + done.error().message);
    }
    {
        statement_use q(repo.sql(
            "UPDATE invoices SET status = 'finalized', number_range_id = ?2, number_value = ?3, number = ?4,"
            " issue_date = ?5, due_date = ?6, finalized_at = ?7, updated_at = ?7, document = ?8,"
            " total_net = ?9, total_tax = ?10, total_gross = ?11,"
            " finalized_seq = (SELECT coalesce(max(finalized_seq), 0) + 1 FROM invoices) WHERE id = ?1"
        ));
        q->bind(1, id);
        if (range_id) {
            q->bind(2, *range_id);
            q->bind(3, static_cast<std::int64_t>(value));
            q->bind(4, number);
        } else {
            q->bind_null(2);
            q->bind_null(3);
            q->bind_null(4);
        }
        q->bind(5, date_text(issue_date));
        q->bind(6, optional_date(doc.due_date));
        q->bind(7, instant_text(now));
        q->bind(8, detail::document_to_json(doc));
        q->bind(9, canonical(doc.totals.net));
        q->bind(10, canonical(doc.totals.tax));
        q->bind(11, canonical(doc.totals.gross));
        q->run();
    }

    if (doc.type == billing::document_type::cancellation) {
        if (!row->corrects) {
            repo.fail("cancellation " + std::to_string(id) + " does not reference the cancelled invoice");
        }
        statement_use cancel(
            repo.sql("UPDATE invoices SET status = 'cancelled', cancelled_at = ?2, updated_at = ?2"
                     " WHERE id = ?1 AND status = 'finalized'")
        );
        cancel->bind(1, *row->corrects);
        cancel->bind(2, instant_text(now));
        cancel->run();
        if (sqlite3_changes(repo.db()) != 1) {
            repo.fail(
                "invoice " + std::to_string(*row->corrects) +
                " is not finalized (already cancelled?); its cancellation was not finalized"
            );
        }
        // The original's own credits are undone with it; then its periods are released.
        statement_use credits(repo.sql("DELETE FROM billed_period_credits WHERE invoice_id = ?1"));
        credits->bind(1, *row->corrects);
        credits->run();
        statement_use milestones(repo.sql("DELETE FROM billed_milestones WHERE invoice_id = ?1"));
        milestones->bind(1, *row->corrects);
        milestones->run();
        statement_use periods(repo.sql("DELETE FROM billed_periods WHERE invoice_id = ?1"));
        periods->bind(1, *row->corrects);
        try {
            periods->run();
        } catch (const store_error& e) {
            repo.fail(
                "the periods of invoice " + doc.corrects->number +
                " were credited in part by a later finalized document; cancel that document first (" +
                e.what() + ")"
            );
        }
    }
    for (const outbox_intent& intent : also_enqueue) {
        store_->enqueue(intent.kind, intent.idempotency_key, intent.payload, now);
    }
    tx.commit();
    return {id, std::move(doc)};
}

void invoice_store::void_number(
    std::string_view legal_entity_code,
    std::string_view series,
    std::string_view period_key,
    std::uint64_t value,
    std::string_view number,
    std::string_view reason,
    instant now
) {
    repository repo(*store_);
    own_transaction tx(*store_, repo.db());
    statement_use q(repo.sql(
        "INSERT INTO number_voids (number_range_id, value, number, reason, voided_at)"
        " SELECT r.id, ?4, ?5, ?6, ?7 FROM number_ranges r JOIN legal_entities e ON e.id = r.legal_entity_id"
        " WHERE e.code = ?1 AND r.document_type = ?2 AND r.period_key = ?3"
    ));
    q->bind(1, legal_entity_code);
    q->bind(2, series);
    q->bind(3, period_key);
    q->bind(4, static_cast<std::int64_t>(value));
    q->bind(5, number);
    q->bind(6, reason);
    q->bind(7, instant_text(now));
    q->run();
    if (sqlite3_changes(repo.db()) != 1) {
        repo.fail(
            "no number range " + std::string(series) + " " + std::string(period_key) + " of legal entity " +
            std::string(legal_entity_code) + "; nothing was voided"
        );
    }
    tx.commit();
}

std::optional<stored_invoice> invoice_store::load(invoice_id id) {
    repository repo(*store_);
    auto row = repo.read(id);
    if (!row) {
        return std::nullopt;
    }
    return stored_invoice{id, std::move(row->document)};
}

std::optional<stored_invoice> invoice_store::find_by_number(
    std::string_view legal_entity_code, std::string_view number
) {
    repository repo(*store_);
    std::int64_t id = 0;
    {
        statement_use q(
            repo.sql("SELECT i.id FROM invoices i JOIN legal_entities e ON e.id = i.legal_entity_id"
                     " WHERE e.code = ?1 AND i.number = ?2")
        );
        q->bind(1, legal_entity_code);
        q->bind(2, number);
        if (!q->step()) {
            return std::nullopt;
        }
        id = q->int_at(0);
    }
    return load(id);
}

billing::plan_state invoice_store::load_plan_state(std::string_view plan_id) {
    repository repo(*store_);
    billing::plan_state state;
    state.plan_id = std::string(plan_id);
    std::map<std::int64_t, std::pair<std::size_t, std::size_t>> where;  // billed period -> (item, charge)
    {
        statement_use q(repo.sql(
            "SELECT pi.source_item_key, bp.id, bp.period_start, bp.period_end, bp.revision, bp.regular,"
            " bp.quantity, bp.billed_net"
            " FROM billed_periods bp JOIN plan_items pi ON pi.id = bp.item_id"
            " JOIN billing_plans p ON p.id = pi.plan_id"
            " WHERE p.source_record_id = ?1 ORDER BY pi.source_item_key, bp.period_start, bp.revision"
        ));
        q->bind(1, plan_id);
        while (q->step()) {
            const std::string item_key = q->text_at(0);
            const auto start = detail::parse_date_text(q->text_at(2));
            const auto end = detail::parse_date_text(q->text_at(3));
            const auto quantity = q->optional_text_at(6);
            const auto net = q->optional_text_at(7);
            if (!start || !end || !quantity || !net) {
                repo.fail(
                    "billed period " + std::to_string(q->int_at(1)) +
                    " has no snapshot (written before schema version 2); re-bill it by hand"
                );
            }
            billing::item_state& item = state.get(item_key);
            billing::billed_charge charge;
            charge.period_start = *start;
            charge.period_end = *end;
            charge.revision = static_cast<std::uint32_t>(q->int_at(4));
            charge.quantity = parse_decimal_or_throw(*quantity);
            charge.billed_net = parse_decimal_or_throw(*net);
            if (q->int_at(5) == 1 && (!item.billed_through || *item.billed_through < *end)) {
                item.billed_through = *end;
            }
            const auto item_index = static_cast<std::size_t>(&item - state.items.data());
            where[q->int_at(1)] = {item_index, item.charges.size()};
            item.charges.push_back(charge);
        }
    }
    statement_use q(repo.sql(
        "SELECT c.billed_period_id, c.amount, c.credited_from FROM billed_period_credits c"
        " JOIN billed_periods bp ON bp.id = c.billed_period_id JOIN plan_items pi ON pi.id = bp.item_id"
        " JOIN billing_plans p ON p.id = pi.plan_id WHERE p.source_record_id = ?1 ORDER BY c.id"
    ));
    q->bind(1, plan_id);
    while (q->step()) {
        const auto at = where.find(q->int_at(0));
        if (at == where.end()) {
            continue;
        }
        billing::billed_charge& charge = state.items[at->second.first].charges[at->second.second];
        charge.credited = charge.credited + parse_decimal_or_throw(q->text_at(1));
        if (const auto from = q->optional_text_at(2)) {
            const auto day = detail::parse_date_text(*from);
            if (day && (!charge.credited_from || *day < *charge.credited_from)) {
                charge.credited_from = *day;
            }
        }
    }
    // Project plans: the billed milestones and the plan's agreed-total documents (advance, progress, final).
    {
        statement_use m(repo.sql(
            "SELECT bm.milestone_key FROM billed_milestones bm JOIN billing_plans p ON p.id = bm.plan_id"
            " WHERE p.source_record_id = ?1 ORDER BY bm.id"
        ));
        m->bind(1, plan_id);
        while (m->step()) {
            state.billed_milestones.push_back(m->text_at(0));
        }
    }
    std::vector<invoice_id> documents;
    {
        statement_use d(
            repo.sql("SELECT i.id FROM invoices i JOIN billing_plans p ON p.id = i.plan_id WHERE "
                     "p.source_record_id = ?1"
                     " AND i.type_code IN ('advance', 'progress', 'final') ORDER BY i.id")
        );
        d->bind(1, plan_id);
        while (d->step()) {
            documents.push_back(d->int_at(0));
        }
    }
    for (const auto id : documents) {
        state.contract_documents.push_back(repo.read(id)->document);
    }
    return state;
}

std::vector<billing::invoice> invoice_store::corrections_of(invoice_id id) {
    repository repo(*store_);
    std::vector<invoice_id> ids;
    {
        statement_use q(repo.sql(
            "SELECT id FROM invoices WHERE corrects_invoice_id = ?1 AND status <> 'draft' ORDER BY id"
        ));
        q->bind(1, id);
        while (q->step()) {
            ids.push_back(q->int_at(0));
        }
    }
    std::vector<billing::invoice> out;
    for (const invoice_id c : ids) {
        out.push_back(repo.read(c)->document);
    }
    return out;
}

std::vector<invoice_id> invoice_store::drafts_of_run(std::int64_t run_id) {
    repository repo(*store_);
    statement_use q(repo.sql("SELECT id FROM invoices WHERE run_id = ?1 AND status = 'draft' ORDER BY id"));
    q->bind(1, run_id);
    std::vector<invoice_id> out;
    while (q->step()) {
        out.push_back(q->int_at(0));
    }
    return out;
}

std::vector<draft_listing> invoice_store::open_drafts() {
    repository repo(*store_);
    statement_use q(
        repo.sql("SELECT i.id, e.code, (SELECT count(*) FROM invoice_lines l WHERE l.invoice_id = i.id)"
                 " FROM invoices i JOIN legal_entities e ON e.id = i.legal_entity_id WHERE i.status = "
                 "'draft' ORDER BY i.id")
    );
    std::vector<draft_listing> out;
    while (q->step()) {
        draft_listing d;
        d.id = q->int_at(0);
        d.legal_entity = q->text_at(1);
        d.lines = static_cast<std::size_t>(q->int_at(2));
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<invoice_id> invoice_store::invoices_of_run(std::int64_t run_id) {
    repository repo(*store_);
    statement_use q(repo.sql("SELECT id FROM invoices WHERE run_id = ?1 ORDER BY id"));
    q->bind(1, run_id);
    std::vector<invoice_id> out;
    while (q->step()) {
        out.push_back(q->int_at(0));
    }
    return out;
}

std::vector<invoice_id> invoice_store::finalized_since(invoice_id after_id, std::size_t limit) {
    repository repo(*store_);
    // The cursor is the finalization order (finalized_seq, 0004): an id cursor would skip an old draft
    // finalized after a younger one.
    std::int64_t after_seq = 0;
    if (after_id != 0) {
        statement_use q(repo.sql("SELECT finalized_seq FROM invoices WHERE id = ?1"));
        q->bind(1, after_id);
        if (!q->step() || q->is_null(0)) {
            repo.fail(
                "invoice " + std::to_string(after_id) +
                " is not finalized; finalized_since pages on from an invoice it returned (or from 0)"
            );
        }
        after_seq = q->int_at(0);
    }
    statement_use q(
        repo.sql("SELECT id FROM invoices WHERE finalized_seq > ?1 AND finalized_seq IS NOT NULL"
                 " ORDER BY finalized_seq LIMIT ?2")
    );
    q->bind(1, after_seq);
    q->bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    std::vector<invoice_id> out;
    while (q->step()) {
        out.push_back(q->int_at(0));
    }
    return out;
}

}  // namespace fakturad::store
