// Invoice runs in the store, and what invoice_store offers a run: its drafts and documents, finalization
// with the write-back intents in the same transaction, and the finalized documents in finalization order.
#include "fakturad/store/invoice_run_store.hpp"

#include "fakturad/billing/numbering.hpp"
#include "fakturad/billing/run.hpp"
#include "plan_store_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

namespace fakturad::store {
namespace {

using namespace test_support;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class invoice_run_store_test : public plan_store_fixture {
protected:
    run_request request(std::string_view cutoff, std::string_view by = "schedule") {
        run_request r;
        r.cutoff = day(cutoff);
        r.started_by = std::string(by);
        return r;
    }

    // Drafts of a run at `cutoff` over every stored plan, saved with `run_id`.
    std::vector<invoice_id> bill(std::string_view cutoff, std::optional<std::int64_t> run_id) {
        billing::run_options options;
        options.cutoff = day(cutoff);
        std::vector<billing::billing_plan> plans;
        std::vector<billing::plan_state> states;
        plans_->for_each_plan({}, [&](const billing::billing_plan& p) {
            plans.push_back(p);
            states.push_back(invoices_->load_plan_state(p.id));
            return true;
        });
        std::vector<invoice_id> ids;
        for (auto& d : billing::run_all(plans, states, {}, options).drafts) {
            ids.push_back(invoices_->save_draft(d, run_id, t0));
        }
        return ids;
    }

    static billing::number_range_spec range() {
        return {"DE01", "invoice", "RE-{YYYY}-{seq:06}", billing::number_reset::yearly, 1};
    }
};

TEST_F(invoice_run_store_test, a_run_is_started_advanced_and_finished) {
    invoice_run_store runs(*store_);
    EXPECT_FALSE(runs.running());
    EXPECT_FALSE(runs.scheduled_run_exists(day("2026-12-01")));

    run_request r = request("2026-12-01");
    r.selection = {billing::selection_kind::account, std::string(account_a)};
    r.finalize = true;
    const std::int64_t id = runs.start(r, 12, t0);
    EXPECT_TRUE(runs.scheduled_run_exists(day("2026-12-01")));
    EXPECT_FALSE(runs.scheduled_run_exists(day("2027-01-01")));
    runs.progress(id, 5, 3, 2, 1);

    const auto running = runs.running();
    ASSERT_TRUE(running) << "a run left running is found for resuming";
    EXPECT_EQ(running->id, id);
    EXPECT_EQ(running->state, "running");
    EXPECT_EQ(running->request.cutoff, day("2026-12-01"));
    EXPECT_EQ(running->request.selection.kind, billing::selection_kind::account);
    EXPECT_EQ(running->request.selection.id, account_a);
    EXPECT_FALSE(running->request.dry_run);
    EXPECT_TRUE(running->request.finalize);
    EXPECT_EQ(running->request.started_by, "schedule");
    EXPECT_EQ(running->started_at, t0);
    EXPECT_FALSE(running->finished_at);
    EXPECT_EQ(running->plans_selected, 12);
    EXPECT_EQ(running->progress_done, 5);
    EXPECT_EQ(running->drafts_created, 3);
    EXPECT_EQ(running->invoices_finalized, 2);
    EXPECT_EQ(running->plans_failed, 1);
    EXPECT_EQ(store_->status().last_run->invoices_created, 3) << "the status page counts the drafts";

    EXPECT_THROW(runs.finish(id, "done", std::nullopt, t0), store_error);
    runs.finish(id, "failed", "Salesforce unreachable", t0 + std::chrono::minutes{5});
    EXPECT_FALSE(runs.running());
    const auto loaded = runs.load(id);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->state, "failed");
    EXPECT_EQ(loaded->error, "Salesforce unreachable");
    EXPECT_EQ(loaded->finished_at, t0 + std::chrono::minutes{5});
    EXPECT_FALSE(runs.load(id + 1));
    try {
        runs.progress(id, 6, 3, 2, 1);
        FAIL() << "an ended run takes no progress";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("invoice run 1 is not running"));
    }
    EXPECT_THROW(runs.finish(id, "finished", std::nullopt, t0), store_error) << "ended once";

    run_request manual = request("2026-12-15", "manual");
    manual.dry_run = true;
    const std::int64_t second = runs.start(manual, 0, t0 + std::chrono::hours{1});
    EXPECT_FALSE(runs.scheduled_run_exists(day("2026-12-15"))) << "a manual run is not the scheduled one";
    runs.finish(second, "finished", std::nullopt, t0 + std::chrono::hours{2});
    const auto recent = runs.recent(10);
    ASSERT_EQ(recent.size(), 2u);
    EXPECT_EQ(recent[0].id, second) << "newest first";
    EXPECT_TRUE(recent[0].request.dry_run);
    EXPECT_EQ(recent[0].request.selection.kind, billing::selection_kind::all);
    EXPECT_FALSE(recent[0].error);
    EXPECT_EQ(runs.recent(1).size(), 1u);
    EXPECT_THROW(runs.start(request("2026-12-01", "cron"), 0, t0), store_error);
}

TEST_F(invoice_run_store_test, finalize_enqueues_its_intents_in_the_same_transaction) {
    plans_->put_plan(record_of(simple_plan(contract_id(1), account_a)), t0);
    plans_->put_plan(record_of(simple_plan(contract_id(2), account_b)), t0);
    invoice_run_store runs(*store_);
    const std::int64_t run = runs.start(request("2026-01-01"), 2, t0);
    const auto drafts = bill("2026-01-01", run);
    ASSERT_EQ(drafts.size(), 2u);
    const auto manual = bill("2026-02-01", std::nullopt);
    ASSERT_EQ(manual.size(), 2u);
    EXPECT_EQ(invoices_->drafts_of_run(run), drafts);

    const std::array intents{
        outbox_intent{"salesforce.upsert_invoice", "invoice:" + std::to_string(drafts[1]), R"({"n":1})"},
        outbox_intent{"salesforce.attach_pdf", "pdf:" + std::to_string(drafts[1]), R"({"n":2})"}};
    const auto finalized = invoices_->finalize(drafts[1], range(), day("2026-01-02"), t0, intents);
    EXPECT_EQ(finalized.document.number, "RE-2026-000001");
    EXPECT_EQ(
        scalar("SELECT group_concat(kind || '=' || payload, ' ') FROM (SELECT * FROM outbox ORDER BY id)"),
        R"(salesforce.upsert_invoice={"n":1} salesforce.attach_pdf={"n":2})"
    );

    // A finalization that fails leaves no intent (the draft is finalized already).
    const std::array again{outbox_intent{"salesforce.upsert_invoice", "invoice:again", "{}"}};
    EXPECT_THROW(invoices_->finalize(drafts[1], range(), day("2026-01-02"), t0, again), store_error);
    EXPECT_EQ(scalar("SELECT count(*) FROM outbox WHERE idempotency_key = 'invoice:again'"), "0");
    // An intent that cannot be enqueued (key used by another kind) rolls the finalization back.
    const std::array clash{outbox_intent{"other.kind", "invoice:" + std::to_string(drafts[1]), "{}"}};
    EXPECT_THROW(invoices_->finalize(drafts[0], range(), day("2026-01-02"), t0, clash), store_error);
    EXPECT_EQ(invoices_->load(drafts[0])->document.status, billing::invoice_status::draft);
    EXPECT_EQ(
        invoices_->finalize(drafts[0], range(), day("2026-01-02"), t0).document.number, "RE-2026-000002"
    ) << "the rolled-back finalization drew no number";

    EXPECT_TRUE(invoices_->drafts_of_run(run).empty());
    EXPECT_THAT(invoices_->invoices_of_run(run), ElementsAre(drafts[0], drafts[1]));
    EXPECT_TRUE(invoices_->invoices_of_run(run + 1).empty());
}

TEST_F(invoice_run_store_test, finalized_since_follows_the_order_of_finalization) {
    plans_->put_plan(record_of(simple_plan(contract_id(1), account_a)), t0);
    plans_->put_plan(record_of(simple_plan(contract_id(2), account_b)), t0);
    plans_->put_plan(record_of(simple_plan(contract_id(3), account_c)), t0);
    const auto ids = bill("2026-01-01", std::nullopt);
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_TRUE(invoices_->finalized_since(0, 10).empty());
    invoices_->finalize(ids[2], range(), day("2026-01-02"), t0);
    invoices_->finalize(ids[0], range(), day("2026-01-02"), t0);
    EXPECT_THAT(invoices_->finalized_since(0, 10), ElementsAre(ids[2], ids[0]));
    EXPECT_THAT(invoices_->finalized_since(0, 1), ElementsAre(ids[2]));
    // A reader that paged up to ids[2] must still see ids[0], which is older but finalized later.
    EXPECT_THAT(invoices_->finalized_since(ids[2], 10), ElementsAre(ids[0]));
    invoices_->finalize(ids[1], range(), day("2026-01-02"), t0);
    EXPECT_THAT(invoices_->finalized_since(ids[0], 10), ElementsAre(ids[1]));
    EXPECT_TRUE(invoices_->finalized_since(ids[1], 10).empty());
    EXPECT_THROW((void)invoices_->finalized_since(999, 10), store_error);
}

}  // namespace
}  // namespace fakturad::store
