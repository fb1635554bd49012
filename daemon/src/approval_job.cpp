#include "approval_job.hpp"

#include "fakturad/billing/lifecycle.hpp"
#include "fakturad/documents/einvoice.hpp"
#include "fakturad/salesforce/client.hpp"
#include "fakturad/salesforce/incremental.hpp"
#include "fakturad/salesforce/soql.hpp"
#include "fakturad/store/invoice_store.hpp"
#include "fakturad/store/store_error.hpp"
#include "invoice_intents.hpp"
#include "org_calendar.hpp"
#include "sync_error_record.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <variant>

namespace fakturad::daemon {
namespace {

using boost::asio::awaitable;
using mapping::writeback_target;

constexpr std::size_t ids_per_query = 100;  // keeps the SOQL well under its length limit
constexpr std::size_t max_listed = 200;

struct decision {
    std::string key;        // fakturad's invoice key
    std::string record_id;  // the Salesforce record
    store::invoice_id id = 0;
    bool approve = false;
    billing::draft_revision revision;
    std::vector<std::string> problems;  // values that could not be read
};

void note(std::vector<std::string>& list, std::string line) {
    if (list.size() < max_listed) {
        list.push_back(std::move(line));
    }
}

std::optional<std::string> text_of(const boost::json::object& record, const std::string& field) {
    const auto* v = record.if_contains(field);
    if (v == nullptr || v->is_null()) {
        return std::string{};
    }
    if (v->is_string()) {
        return std::string(v->as_string());
    }
    return std::nullopt;
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find('\n', start);
        auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        out.emplace_back(line);
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

// The clerk's edits of the invoice record, as a revision; problems for values of the wrong shape.
void read_invoice_edits(
    const boost::json::object& record, const mapping::bound_approval& approval, decision& d
) {
    for (const auto& e : approval.editable) {
        if (e.target != writeback_target::invoice) {
            continue;
        }
        const auto text = text_of(record, e.sf_field);
        if (!text) {
            d.problems.push_back(e.sf_field + ": expected a text value");
            continue;
        }
        if (e.result == "buyer_reference") {
            d.revision.buyer_reference = *text;
        } else if (e.result == "order_reference") {
            d.revision.order_reference = *text;
        } else if (e.result == "note") {
            d.revision.notes = lines_of(*text);
        } else if (e.result == "due_date" && !text->empty()) {
            const auto date = parse_iso_date(*text);
            if (const auto* day = std::get_if<civil_date>(&date)) {
                d.revision.due_date = *day;
            } else {
                d.problems.push_back(e.sf_field + ": " + std::get<std::string>(date));
            }
        }
    }
}

std::string quoted_list(std::span<const std::string> values) {
    std::string out;
    for (const auto& v : values) {
        auto q = salesforce::soql_quote(v);
        out += (out.empty() ? "" : ", ") + (q ? *q : std::string("''"));
    }
    return out;
}

// What the e-invoice writer would refuse in the document once finalized (the write-back renders it right
// after): refused before a number is drawn, so that no number stands on a document that cannot be sent.
std::vector<std::string> document_problems(billing::invoice preview, civil_date issue) {
    if (auto done = billing::finalize(preview, {"PREVIEW-1", issue}); !done) {
        return {done.error().message};
    }
    const auto profile = preview.references.buyer_reference.empty() ? documents::cii_profile::en16931
                                                                    : documents::cii_profile::xrechnung;
    return documents::write_cii(preview, profile).problems;
}

}  // namespace

approval_job::approval_job(
    salesforce::client& sf,
    store_runner on_store,
    const mapping::bound_writeback& writeback,
    const billing_context& billing,
    std::string time_zone,
    std::function<instant()> now
)
    : sf_(sf),
      on_store_(std::move(on_store)),
      writeback_(writeback),
      billing_(billing),
      time_zone_(std::move(time_zone)),
      now_(std::move(now)) {
    if (const auto* invoice = writeback_.find(writeback_target::invoice)) {
        invoice_object_ = invoice->object;
    }
}

awaitable<approval_report> approval_job::run_pass() {
    approval_report report;
    const auto* invoice = writeback_.find(writeback_target::invoice);
    const auto& approval = writeback_.approval();
    if (invoice == nullptr || !approval) {
        co_return report;
    }
    std::vector<store::draft_listing> drafts;
    auto list = [&drafts](store::sqlite_store& db) { drafts = store::invoice_store(db).open_drafts(); };
    co_await on_store_(list);
    report.awaiting = drafts.size();
    std::map<std::string, const store::draft_listing*> by_key;
    for (const auto& d : drafts) {
        by_key.emplace(d.legal_entity + "-" + std::to_string(d.id), &d);
    }

    // 1. Which drafts the clerks approved or discarded since the last pass, with their invoice-level edits:
    //    one incremental query of the invoice object by SystemModstamp from a stored cursor, so a pass costs
    //    one call however many drafts wait (a refused approval is read again when the clerk changes it).
    if (by_key.empty()) {
        co_return report;
    }
    salesforce::incremental_query q;
    q.object = invoice->object;
    q.fields = {"Id", invoice->external_id, approval->status_field};
    for (const auto& e : approval->editable) {
        if (e.target == writeback_target::invoice) {
            q.fields.push_back(e.sf_field);
        }
    }
    std::vector<std::string> wanted{approval->approve};
    if (!approval->discard.empty()) {
        wanted.push_back(approval->discard);
    }
    q.extra_condition = approval->status_field + " IN (" + quoted_list(wanted) + ")";
    const std::string cursor_key = "approval:" + invoice->object;
    salesforce::sync_cursor from;
    auto read_cursor = [&](store::sqlite_store& db) {
        if (const auto c = db.get_sync_cursor(cursor_key)) {
            from.last_system_modstamp = c->last_system_modstamp;
            from.last_record_id = c->last_record_id;
        }
    };
    co_await on_store_(read_cursor);
    std::vector<decision> decisions;
    auto on_page = [&](salesforce::query_page& page) {
        for (const auto& v : page.records) {
            if (!v.is_object()) {
                continue;
            }
            const auto& record = v.as_object();
            const auto key = text_of(record, invoice->external_id).value_or("");
            const auto status = text_of(record, approval->status_field).value_or("");
            const auto found = by_key.find(key);
            if (found == by_key.end()) {
                continue;  // issued already, or discarded earlier
            }
            decision d;
            d.key = key;
            d.record_id = text_of(record, "Id").value_or("");
            d.id = found->second->id;
            d.approve = status == approval->approve;
            if (d.approve) {
                read_invoice_edits(record, *approval, d);
            }
            decisions.push_back(std::move(d));
        }
        return true;
    };
    auto poll = sf_.poll_changes(q, from, on_page);
    const auto reached = co_await std::move(poll);
    if (!reached) {
        report.errors.push_back("reading the approval status failed: " + reached.error().describe());
        co_return report;
    }

    // 2. The line texts of the approved drafts (line keys are "<invoice key>-<position>").
    const auto* line_target = writeback_.find(writeback_target::invoice_line);
    const auto editable_line =
        std::find_if(approval->editable.begin(), approval->editable.end(), [](const auto& e) {
            return e.target == writeback_target::invoice_line && e.result == "description";
        });
    if (line_target != nullptr && editable_line != approval->editable.end()) {
        std::map<std::string, std::pair<decision*, std::size_t>> line_keys;
        for (auto& d : decisions) {
            if (!d.approve) {
                continue;
            }
            for (std::size_t i = 0; i < by_key.at(d.key)->lines; ++i) {
                line_keys.emplace(d.key + "-" + std::to_string(i + 1), std::pair{&d, i});
            }
        }
        std::vector<std::string> wanted_lines;
        for (const auto& [key, where] : line_keys) {
            wanted_lines.push_back(key);
        }
        for (std::size_t at = 0; at < wanted_lines.size(); at += ids_per_query) {
            const std::span<const std::string> chunk(
                wanted_lines.data() + at, std::min(ids_per_query, wanted_lines.size() - at)
            );
            const std::string soql = "SELECT " + line_target->external_id + ", " + editable_line->sf_field +
                                     " FROM " + line_target->object + " WHERE " + line_target->external_id +
                                     " IN (" + quoted_list(chunk) + ")";
            auto on_line_page = [&](salesforce::query_page& page) {
                for (const auto& v : page.records) {
                    if (!v.is_object()) {
                        continue;
                    }
                    const auto& record = v.as_object();
                    const auto found = line_keys.find(text_of(record, line_target->external_id).value_or(""));
                    if (found == line_keys.end()) {
                        continue;
                    }
                    auto& [d, index] = found->second;
                    if (const auto text = text_of(record, editable_line->sf_field)) {
                        d->revision.line_descriptions.emplace_back(index, *text);
                    } else {
                        d->problems.push_back(
                            "line " + std::to_string(index + 1) + " " + editable_line->sf_field +
                            ": expected a text value"
                        );
                    }
                }
                return true;
            };
            auto lines_query = sf_.query(soql, on_line_page);
            if (auto r = co_await std::move(lines_query); !r) {
                report.errors.push_back("reading the draft lines failed: " + r.error().describe());
                co_return report;
            }
        }
    }

    // 3. Act on each, one transaction per draft.
    for (auto& d : decisions) {
        auto act = [&](store::sqlite_store& db) {
            store::invoice_store invoices(db);
            const instant now = now_();
            auto stored = invoices.load(d.id);
            if (!stored || stored->document.status != billing::invoice_status::draft) {
                return;  // finalized or deleted meanwhile
            }
            if (!d.approve) {
                invoices.delete_draft(d.id);
                ++report.discarded;
                note(
                    report.changes, d.key + ": draft discarded; its periods are billed again by the next run"
                );
                return;
            }
            const civil_date issue = civil_date_in(time_zone_, now);
            auto problems = d.problems;
            if (problems.empty()) {
                billing::invoice preview = stored->document;
                if (auto revised = billing::revise_draft(preview, d.revision, issue); !revised) {
                    problems.push_back(revised.error().message);
                } else {
                    problems = document_problems(std::move(preview), issue);
                }
            }
            if (!problems.empty()) {
                sync_error_facts facts;
                facts.object = invoice->object;
                facts.record_id = d.record_id;
                facts.code = "APPROVAL_REFUSED";
                facts.mapping = "approval";
                for (const auto& p : problems) {
                    facts.problems.push_back(
                        "draft " + d.key + " not issued: " + p + ". Correct the field and leave " +
                        approval->status_field + " at " + approval->approve + " to try again."
                    );
                }
                facts.seen = now;
                if (const auto intent = sync_error_intent(&writeback_, facts)) {
                    db.enqueue(intent->kind, intent->idempotency_key, intent->payload, now);
                }
                ++report.refused;
                // Reported once per reason, not at every pass while the clerk has not corrected it.
                if (auto& last = refused_[d.key]; last != problems.front()) {
                    last = problems.front();
                    note(report.changes, d.key + ": approval refused: " + problems.front());
                }
                return;
            }
            refused_.erase(d.key);
            invoices.revise_draft(d.id, d.revision, issue, now);
            const std::array intents{invoice_writeback_intent(d.id, false)};
            const auto done =
                invoices.finalize(d.id, billing_.range_for(stored->document), issue, now, intents);
            ++report.approved;
            note(report.changes, d.key + ": issued as " + done.document.number);
        };
        try {
            co_await on_store_(act);
        } catch (const store::store_error& e) {
            report.errors.push_back(d.key + ": " + e.what());
        }
    }
    // The cursor moves only when every decision was acted on; otherwise the next pass reads them again.
    if (report.errors.empty()) {
        auto store_cursor = [&](store::sqlite_store& db) {
            store::sync_cursor_info c;
            c.object_name = cursor_key;
            c.last_system_modstamp = reached->last_system_modstamp;
            c.last_record_id = reached->last_record_id;
            c.updated_at = now_();
            db.put_sync_cursor(c);
        };
        co_await on_store_(store_cursor);
    }
    co_return report;
}

}  // namespace fakturad::daemon
