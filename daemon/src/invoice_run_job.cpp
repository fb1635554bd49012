#include "invoice_run_job.hpp"

#include "fakturad/billing/run.hpp"
#include "fakturad/store/invoice_store.hpp"
#include "fakturad/store/plan_store.hpp"
#include "fakturad/store/vat_check_store.hpp"
#include "vat_check_job.hpp"

#include <array>

namespace fakturad::daemon {
namespace {

constexpr std::size_t max_listed = 50;
constexpr std::int64_t progress_every = 25;

draft_summary summarize(const billing::invoice& doc) {
    draft_summary s;
    s.account_id = doc.account.id;
    s.account_name = doc.account.name;
    s.currency = std::string(doc.cur.code());
    s.number = doc.number;
    s.lines = doc.lines.size();
    s.net = to_string(doc.totals.net);
    s.gross = to_string(doc.totals.gross);
    return s;
}

class run_sink final : public billing::draft_sink {
public:
    run_sink(
        store::sqlite_store& db,
        const billing_context& ctx,
        const store::run_request& request,
        const run_hooks& hooks,
        run_outcome& out
    )
        : db_(db), ctx_(ctx), request_(request), hooks_(hooks), out_(out) {}

    void on_draft(billing::invoice&& draft) override {
        if (request_.dry_run) {
            ++out_.progress.drafts;
            out_.drafts.push_back(summarize(draft));
            return;
        }
        // A German seller states the VAT of a foreign-currency invoice also in EUR (§ 16 Abs. 6 UStG,
        // UStAE 14.5 Abs. 18), at the rate of the issue date's period.
        if (draft.seller.country == "DE" && draft.cur.code() != "EUR" && !draft.vat_currency) {
            const auto rate = ctx_.eur_rate(draft.cur.code(), request_.cutoff);
            if (!rate) {
                fail(
                    draft.plan_ids.empty() ? "?" : draft.plan_ids.front(),
                    "no EUR exchange rate for " + std::string(draft.cur.code()) + " on " +
                        format_iso_date(request_.cutoff) + ": add one to the file of billing.exchange_rates"
                );
                return;
            }
            billing::vat_accounting_currency vc;
            vc.cur = currency("EUR");
            vc.rate = *rate;
            draft.vat_currency = vc;
        }
        store::invoice_store invoices(db_);
        store::invoice_id id = 0;
        try {
            store::transaction tx(db_);
            id = invoices.save_draft(draft, out_.progress.run_id, hooks_.now());
            if (hooks_.publish_drafts && !request_.finalize) {
                const auto intent = invoice_writeback_intent(id, true);
                db_.enqueue(intent.kind, intent.idempotency_key, intent.payload, hooks_.now());
            }
            tx.commit();
        } catch (const store::already_billed& e) {
            // Another run (or process) billed these periods in the meantime: nothing is lost.
            fail(
                draft.plan_ids.empty() ? "?" : draft.plan_ids.front(),
                std::string("already billed: ") + e.what()
            );
            return;
        }
        ++out_.progress.drafts;
        if (request_.finalize) {
            finalize(id, draft);
        } else if (out_.drafts.size() < max_listed) {
            out_.drafts.push_back(summarize(draft));
        }
    }

    void on_plan_failed(std::string_view plan_id, const billing::billing_error& error) override {
        fail(plan_id, error.message);
    }

    void finalize(store::invoice_id id, const billing::invoice& draft) {
        store::invoice_store invoices(db_);
        const std::array intents{invoice_writeback_intent(id, false)};
        try {
            const auto issue = request_.cutoff;
            auto done = invoices.finalize(id, ctx_.range_for(draft), issue, hooks_.now(), intents);
            ++out_.progress.finalized;
            if (out_.drafts.size() < max_listed) {
                out_.drafts.push_back(summarize(done.document));
            }
        } catch (const store::store_error& e) {
            fail(
                draft.plan_ids.empty() ? "?" : draft.plan_ids.front(),
                std::string("not finalized: ") + e.what()
            );
        }
    }

    void fail(std::string_view plan_id, const std::string& why) {
        ++out_.progress.failed;
        if (out_.failures.size() < max_listed) {
            out_.failures.push_back("plan " + std::string(plan_id) + ": " + why);
        }
    }

private:
    store::sqlite_store& db_;
    const billing_context& ctx_;
    const store::run_request& request_;
    const run_hooks& hooks_;
    run_outcome& out_;
};

}  // namespace

run_outcome execute_invoice_run(
    store::sqlite_store& db,
    const billing_context& ctx,
    const store::run_request& request,
    std::optional<std::int64_t> resume,
    const run_hooks& hooks
) {
    run_outcome out;
    store::plan_store plans(db);
    store::invoice_run_store runs(db);
    store::invoice_store invoices(db);

    // The plan ids first: the statement is finished before any write of the run (one connection).
    std::vector<std::string> ids;
    plans.for_each_plan(request.selection, [&ids](const billing::billing_plan& p) {
        ids.push_back(p.id);
        return true;
    });
    out.progress.selected = static_cast<std::int64_t>(ids.size());

    run_sink sink(db, ctx, request, hooks, out);
    if (!request.dry_run) {
        if (resume) {
            out.progress.run_id = *resume;
            if (request.finalize) {
                for (const auto id : invoices.drafts_of_run(*resume)) {
                    if (auto stored = invoices.load(id)) {
                        sink.finalize(id, stored->document);
                    }
                }
            }
        } else {
            out.progress.run_id = runs.start(request, out.progress.selected, hooks.now());
        }
    }

    billing::run_options options;
    options.cutoff = request.cutoff;
    options.selection = request.selection;
    options.vat = ctx.vat();
    billing::invoice_run run(options, sink);
    auto report = [&] {
        if (!request.dry_run) {
            runs.progress(
                out.progress.run_id,
                out.progress.done,
                out.progress.drafts,
                out.progress.finalized,
                out.progress.failed
            );
        }
        if (hooks.on_progress) {
            hooks.on_progress(out.progress);
        }
    };
    bool cancelled = false;
    for (const auto& id : ids) {
        if (hooks.cancel != nullptr && hooks.cancel->load()) {
            cancelled = true;
            break;
        }
        auto record = plans.load_plan(id);
        if (!record) {
            continue;  // deleted between the listing and now
        }
        if (!record->plan.account.vat_id.empty()) {
            store::vat_check_store checks(db);
            const auto vat_id = normalised_vat_id(record->plan.account.vat_id);
            record->plan.buyer_tax.vat_id_confirmed = vat_id_confirmed(
                checks.latest(vat_id), checks.latest_valid(vat_id), hooks.now(), hooks.accept_recently_valid
            );
        }
        const auto state = invoices.load_plan_state(id);
        const auto usage = plans.load_usage(id, record->plan.start, request.cutoff);
        run.add(record->plan, state, usage);
        ++out.progress.done;
        if (out.progress.done % progress_every == 0) {
            report();
        }
    }
    run.finish();
    report();
    out.state = cancelled ? "cancelled" : "finished";
    if (!request.dry_run) {
        runs.finish(out.progress.run_id, out.state, std::nullopt, hooks.now());
    }
    return out;
}

}  // namespace fakturad::daemon
