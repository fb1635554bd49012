// Invoice runs over the store, as the daemon runs them (no Salesforce): every plan billed once, numbers
// drawn with their write-back intent, a run resumed after a kill between saving and finalizing a draft, the
// EUR statement of foreign-currency VAT, and a dry run that writes nothing.
#include "invoice_run_job.hpp"

#include "billing_context.hpp"
#include "fakturad/store/vat_check_store.hpp"
#include "plan_store_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace fakturad::daemon {
namespace {

using namespace store::test_support;

class invoice_run_job_test : public plan_store_fixture {
protected:
    void SetUp() override {
        plan_store_fixture::SetUp();
        std::ofstream(dir_.file("entities.yaml"))
            << "legal_entities:\n"
               "  - {code: DE01, name: Muster Software GmbH, country: DE,"
               " vat_id: DE123456789}\n"
               "plans: []\n";
        std::ofstream(dir_.file("rates.yaml")) << "CHF:\n  - {from: 2025-12-01, rate: \"1.0650\"}\n";
        for (const auto& [id, account] :
             {std::pair{contract_id(1), account_a},
              {contract_id(2), account_b},
              {contract_id(3), account_c}}) {
            plans_->put_plan(record_of(simple_plan(id, account)), t0);
        }
    }

    billing_context context(bool with_rates) {
        config::billing_settings s;
        s.legal_entities = dir_.file("entities.yaml");
        s.tax_rules = std::filesystem::path(FAKTURAD_SOURCE_DIR) / "config/examples/tax/tax-rules.yaml";
        s.invoice_numbers = "RE-{YYYY}-{seq:06}";
        s.credit_note_numbers = "GS-{YYYY}-{seq:06}";
        if (with_rates) {
            s.exchange_rates = dir_.file("rates.yaml");
        }
        return billing_context::load(s);
    }

    run_outcome run(
        store::run_request request, std::optional<std::int64_t> resume = std::nullopt, bool with_rates = false
    ) {
        const auto ctx = context(with_rates);
        run_hooks hooks;
        hooks.now = [] { return t0; };
        return execute_invoice_run(*store_, ctx, request, resume, hooks);
    }

    static store::run_request january(bool finalize) {
        store::run_request r;
        r.cutoff = day("2026-01-01");
        r.finalize = finalize;
        r.started_by = "manual";
        return r;
    }
};

TEST_F(invoice_run_job_test, EveryPlanIsInvoicedOnceWithItsWritebackIntent) {
    const auto first = run(january(true));
    EXPECT_EQ(first.state, "finished");
    EXPECT_EQ(first.progress.selected, 3);
    EXPECT_EQ(first.progress.drafts, 3);
    EXPECT_EQ(first.progress.finalized, 3);
    EXPECT_EQ(first.progress.failed, 0);
    EXPECT_EQ(
        scalar("SELECT group_concat(number, ',') FROM (SELECT number FROM invoices ORDER BY number)"),
        "RE-2026-000001,RE-2026-000002,RE-2026-000003"
    );
    EXPECT_EQ(scalar("SELECT count(*) FROM outbox WHERE kind = 'salesforce.invoice'"), "3");
    EXPECT_EQ(
        scalar("SELECT count(*) FROM outbox o JOIN invoices i ON o.idempotency_key = 'invoice:' || i.id"), "3"
    );
    EXPECT_EQ(
        scalar("SELECT state FROM invoice_runs WHERE id = " + std::to_string(first.progress.run_id)),
        "finished"
    );

    // The same cutoff again: every period is billed already.
    const auto second = run(january(true));
    EXPECT_EQ(second.progress.drafts, 0);
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices"), "3");
}

TEST_F(invoice_run_job_test, ARunKilledBetweenDraftAndNumberIsResumedWithoutDuplicates) {
    // The kill: run 1 saved the draft of the first plan and died before finalizing it.
    const auto run_id = store::invoice_run_store(*store_).start(january(true), 3, t0);
    auto only_first = january(false);
    only_first.selection.kind = billing::selection_kind::plan;
    only_first.selection.id = contract_id(1);
    const auto partial = run(only_first, run_id);
    ASSERT_EQ(partial.progress.drafts, 1);
    // ... and never reached the end of the run.
    store_->execute_for_test(
        "UPDATE invoice_runs SET state = 'running', finished_at = NULL WHERE id = " + std::to_string(run_id)
    );
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices WHERE status = 'draft'"), "1");
    EXPECT_EQ(scalar("SELECT count(*) FROM outbox"), "0");

    // The restart resumes run 1: the left-over draft gets its number, the others are billed once.
    const auto resumed = run(january(true), run_id);
    EXPECT_EQ(resumed.progress.finalized, 3);
    EXPECT_EQ(resumed.progress.drafts, 2);
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices"), "3");
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices WHERE status = 'draft'"), "0");
    EXPECT_EQ(scalar("SELECT count(DISTINCT number) FROM invoices"), "3");
    EXPECT_EQ(scalar("SELECT max(number) FROM invoices"), "RE-2026-000003");
    EXPECT_EQ(scalar("SELECT count(*) FROM outbox WHERE kind = 'salesforce.invoice'"), "3");
    EXPECT_EQ(scalar("SELECT count(*) FROM invoice_runs"), "1");
    EXPECT_EQ(
        scalar("SELECT count(*) FROM (SELECT item_id, period_start FROM billed_periods GROUP BY 1, 2 "
               "HAVING count(*) > 1)"),
        "0"
    );
}

TEST_F(invoice_run_job_test, ForeignCurrencyVatIsStatedInEurOrThePlanWaits) {
    auto chf = simple_plan(contract_id(4), account_a);
    chf.cur = currency("CHF");
    chf.account.id = std::string(account_a);
    plans_->put_plan(record_of(chf), t0);
    auto request = january(true);
    request.selection.kind = billing::selection_kind::plan;
    request.selection.id = contract_id(4);

    const auto without = run(request);
    EXPECT_EQ(without.progress.finalized, 0);
    ASSERT_EQ(without.failures.size(), 1u);
    EXPECT_NE(without.failures[0].find("no EUR exchange rate for CHF on 2026-01-01"), std::string::npos)
        << without.failures[0];
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices"), "0");  // nothing billed: the next run retries

    const auto with = run(request, std::nullopt, true);
    ASSERT_EQ(with.progress.finalized, 1);
    const auto stored = store::invoice_store(*store_).find_by_number("DE01", "RE-2026-000001");
    ASSERT_TRUE(stored.has_value());
    ASSERT_TRUE(stored->document.vat_currency.has_value());
    EXPECT_EQ(stored->document.vat_currency->cur.code(), "EUR");
    EXPECT_EQ(stored->document.vat_currency->rate, dec("1.0650"));
}

// Goods to a French business: intra-community supply (K, 0 %) only with a confirmed VAT ID; the evidence
// is the VIES check in the store at the time of the run, not anything the mapping says.
TEST_F(invoice_run_job_test, TheVatIdEvidenceInTheStoreDecidesIntraCommunitySupply) {
    auto goods = simple_plan(contract_id(5), account_b);
    goods.account.country = "FR";
    goods.account.vat_id = "FR40303265045";
    goods.items[0].tax = billing::item_tax{"goods", "standard"};
    plans_->put_plan(record_of(goods), t0);
    auto request = january(false);
    request.selection.kind = billing::selection_kind::plan;
    request.selection.id = contract_id(5);
    request.dry_run = true;
    const auto unconfirmed = run(request);
    ASSERT_EQ(unconfirmed.drafts.size(), 1u);
    EXPECT_EQ(unconfirmed.drafts[0].gross, "23.80");  // German VAT: the VAT ID is not confirmed

    store::vat_check_record valid;
    valid.vat_id = "FR40303265045";
    valid.verdict = "valid";
    valid.source = "vies";
    valid.checked_at = t0;
    store::vat_check_store(*store_).record(valid, account_b);
    const auto confirmed = run(request);
    ASSERT_EQ(confirmed.drafts.size(), 1u);
    EXPECT_EQ(confirmed.drafts[0].gross, "20.00");  // intra-community supply, no VAT
}

TEST_F(invoice_run_job_test, ADryRunWritesNothing) {
    auto request = january(true);
    request.dry_run = true;
    const auto outcome = run(request);
    EXPECT_EQ(outcome.progress.run_id, 0);
    ASSERT_EQ(outcome.drafts.size(), 3u);
    EXPECT_EQ(outcome.drafts[0].net, "20.00");
    EXPECT_EQ(outcome.drafts[0].gross, "23.80");
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM invoice_runs"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM outbox"), "0");
}

}  // namespace
}  // namespace fakturad::daemon
