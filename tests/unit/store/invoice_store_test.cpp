// The invoice repository: drafts with their billed periods, numbering in the finalizing transaction,
// cancellation releasing periods, and the plan state the engine continues from.
#include "invoice_store_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fakturad::store {
namespace {

using namespace test_support;
using ::testing::HasSubstr;

using invoice_store_test = invoice_store_fixture;

TEST_F(invoice_store_test, a_run_on_the_stored_state_continues_after_the_billed_periods) {
    const auto plan = licence_plan();
    auto january = run_on_store(*invoices_, plan, "2026-01-01");
    ASSERT_EQ(january.size(), 1u);
    const invoice_id id = invoices_->save_draft(january.front(), std::nullopt, t0);

    const billing::plan_state state = invoices_->load_plan_state(plan.id);
    ASSERT_EQ(state.items.size(), 1u);
    EXPECT_EQ(state.items[0].item_key, "licences");
    EXPECT_EQ(state.items[0].billed_through, day("2026-01-31"));
    ASSERT_EQ(state.items[0].charges.size(), 1u);
    EXPECT_EQ(to_string(state.items[0].charges[0].billed_net), "50");  // canonical text: 50.00 -> 50
    EXPECT_EQ(state.items[0].charges[0].billed_net, dec("50.00"));

    EXPECT_TRUE(run_on_store(*invoices_, plan, "2026-01-01").empty())
        << "the same run twice bills nothing new";
    auto catch_up = run_on_store(*invoices_, plan, "2026-03-01");
    ASSERT_EQ(catch_up.size(), 1u);
    EXPECT_EQ(catch_up.front().billed.size(), 2u) << "February and March";

    const auto stored = invoices_->load(id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->document.status, billing::invoice_status::draft);
    EXPECT_EQ(to_string(stored->document.totals.gross), "59.50");
    EXPECT_EQ(stored->document.lines.size(), january.front().lines.size());
    EXPECT_EQ(stored->document.lines[0].description, january.front().lines[0].description);
    EXPECT_EQ(stored->document.account.id, account_sf_id);
}

TEST_F(invoice_store_test, a_period_is_billed_once_by_the_unique_key_not_by_a_check) {
    const auto plan = licence_plan();
    auto drafts = run_on_store(*invoices_, plan, "2026-01-01");
    ASSERT_EQ(drafts.size(), 1u);
    invoices_->save_draft(drafts.front(), std::nullopt, t0);
    // The same draft again, as a second daemon that read the state before the first committed would write it.
    try {
        invoices_->save_draft(drafts.front(), std::nullopt, t0);
        FAIL() << "a period was billed twice";
    } catch (const already_billed& e) {
        EXPECT_THAT(
            e.what(), HasSubstr("item licences period from 2026-01-01 is billed already by draft invoice 1")
        );
        EXPECT_THAT(e.what(), HasSubstr("nothing of this draft was stored"));
    }
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices"), "1");
    EXPECT_EQ(scalar("SELECT count(*) FROM invoice_lines"), std::to_string(drafts.front().lines.size()));
}

TEST_F(invoice_store_test, finalizing_draws_the_next_number_inside_the_transaction) {
    const auto plan = licence_plan();
    const invoice_id jan =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-01-01").front(), std::nullopt, t0);
    const invoice_id feb =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-02-01").front(), std::nullopt, t0);

    const auto first = invoices_->finalize(jan, invoice_range(), day("2026-01-02"), t0);
    const auto second = invoices_->finalize(feb, invoice_range(), day("2026-02-02"), t0);
    EXPECT_EQ(first.document.number, "RE-2026-000001");
    EXPECT_EQ(second.document.number, "RE-2026-000002");
    EXPECT_EQ(first.document.due_date, day("2026-01-16")) << "issue date + 14 days";
    EXPECT_EQ(scalar("SELECT next_value FROM number_ranges"), "3");
    EXPECT_EQ(scalar("SELECT number FROM invoices WHERE id = 1"), "RE-2026-000001");

    const auto loaded = invoices_->find_by_number("DE01", "RE-2026-000002");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->id, feb);
    EXPECT_EQ(loaded->document.status, billing::invoice_status::finalized);

    EXPECT_THROW(invoices_->finalize(jan, invoice_range(), day("2026-01-03"), t0), store_error);
    EXPECT_THAT(
        [&] {
            try {
                store_->execute_for_test("UPDATE invoices SET document = '{}' WHERE id = 1");
            } catch (const store_error& e) {
                return std::string(e.what());
            }
            return std::string("updated");
        }(),
        HasSubstr("a finalized invoice is immutable")
    );
}

TEST_F(invoice_store_test, a_yearly_range_starts_again_in_the_new_year_and_a_changed_pattern_is_refused) {
    const auto plan = licence_plan();
    const invoice_id jan =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-01-01").front(), std::nullopt, t0);
    const invoice_id feb =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-02-01").front(), std::nullopt, t0);
    const invoice_id mar =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-03-01").front(), std::nullopt, t0);
    EXPECT_EQ(
        invoices_->finalize(jan, invoice_range(), day("2026-12-31"), t0).document.number, "RE-2026-000001"
    );
    EXPECT_EQ(
        invoices_->finalize(feb, invoice_range(), day("2027-01-02"), t0).document.number, "RE-2027-000001"
    );

    auto changed = invoice_range();
    changed.pattern = "R{YYYY}/{seq:06}";
    try {
        invoices_->finalize(mar, changed, day("2027-01-03"), t0);
        FAIL() << "a second pattern for the same range was accepted";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("has the pattern \"RE-{YYYY}-{seq:06}\" in the store"));
    }
    EXPECT_EQ(scalar("SELECT status FROM invoices WHERE id = 3"), "draft") << "rolled back as a whole";
    EXPECT_EQ(scalar("SELECT next_value FROM number_ranges WHERE period_key = '2027'"), "2");
}

TEST_F(invoice_store_test, a_pro_forma_gets_no_number_and_bills_no_period) {
    const auto plan = licence_plan();
    billing::manual_draft_input input;
    input.type = billing::document_type::pro_forma;
    input.from_plan = billing::manual_plan_lines{{}, {day("2026-01-01"), day("2026-01-31")}};
    auto draft = billing::make_manual_draft(plan, input);
    ASSERT_TRUE(draft) << draft.error().message;
    const invoice_id id = invoices_->save_draft(*draft, std::nullopt, t0);
    const auto done = invoices_->finalize(id, invoice_range(), day("2026-01-02"), t0);
    EXPECT_TRUE(done.document.number.empty());
    EXPECT_EQ(scalar("SELECT count(*) FROM number_ranges"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM billed_periods"), "0");
    EXPECT_EQ(run_on_store(*invoices_, plan, "2026-01-01").size(), 1u) << "January is still due";
}

TEST_F(invoice_store_test, a_finalized_cancellation_releases_the_periods_for_re_billing) {
    const auto plan = licence_plan();
    const invoice_id jan =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-01-01").front(), std::nullopt, t0);
    const auto original = invoices_->finalize(jan, invoice_range(), day("2026-01-02"), t0);

    auto cancellation = billing::make_cancellation(original.document, invoices_->corrections_of(jan));
    ASSERT_TRUE(cancellation) << cancellation.error().message;
    const invoice_id storno = invoices_->save_draft(*cancellation, std::nullopt, t0);
    EXPECT_EQ(invoices_->load_plan_state(plan.id).items.size(), 1u)
        << "a draft cancellation releases nothing yet";

    const auto done = invoices_->finalize(storno, credit_range(), day("2026-01-05"), t0);
    EXPECT_EQ(done.document.number, "GS-2026-0001");
    ASSERT_TRUE(done.document.corrects);
    EXPECT_EQ(done.document.corrects->number, "RE-2026-000001");
    EXPECT_EQ(invoices_->load(jan)->document.status, billing::invoice_status::cancelled);
    EXPECT_EQ(scalar("SELECT count(*) FROM billed_periods"), "0");
    EXPECT_TRUE(invoices_->load_plan_state(plan.id).items.empty());

    auto again = run_on_store(*invoices_, plan, "2026-01-01");
    ASSERT_EQ(again.size(), 1u);
    invoices_->save_draft(again.front(), std::nullopt, t0);

    auto twice = billing::make_cancellation(invoices_->load(jan)->document, invoices_->corrections_of(jan));
    EXPECT_FALSE(twice) << "a cancelled invoice cannot be cancelled again";
    auto of_cancellation = billing::make_cancellation(done.document, {});
    EXPECT_FALSE(of_cancellation) << "a cancellation of a cancellation is refused";
}

TEST_F(invoice_store_test, a_quantity_change_credits_the_billed_snapshot_and_the_credit_is_stored) {
    auto plan = licence_plan();
    invoices_->save_draft(run_on_store(*invoices_, plan, "2026-01-01").front(), std::nullopt, t0);
    // From Jan 17 (15 of 31 days left) 3 instead of 5 licences: credit 50.00 x 15/31 = 24.19, charge 30.00
    // x 15/31 = 14.52 (hand computed: 750/31 = 24.193..., 450/31 = 14.516...).
    plan.items[0].changes.push_back({day("2026-01-17"), dec("3")});
    auto change = run_on_store(*invoices_, plan, "2026-01-20");
    ASSERT_EQ(change.size(), 1u);
    std::vector<std::string> nets;
    for (const auto& l : change.front().lines) {
        nets.push_back(to_string(l.net));
    }
    EXPECT_EQ(nets, (std::vector<std::string>{"-24.19", "14.52"}));
    invoices_->save_draft(change.front(), std::nullopt, t0);

    const auto state = invoices_->load_plan_state(plan.id);
    ASSERT_EQ(state.items.size(), 1u);
    ASSERT_EQ(state.items[0].charges.size(), 2u);
    EXPECT_EQ(state.items[0].charges[0].credited, dec("24.19"));
    EXPECT_EQ(state.items[0].charges[0].credited_from, day("2026-01-17"));
    EXPECT_EQ(state.items[0].billed_through, day("2026-01-31"))
        << "an adjustment segment is not a regular period";
    EXPECT_TRUE(run_on_store(*invoices_, plan, "2026-01-20").empty()) << "the change is billed once";
}

TEST_F(invoice_store_test, deleting_a_draft_releases_its_periods_and_a_finalized_one_cannot_be_deleted) {
    const auto plan = licence_plan();
    const invoice_id id =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-01-01").front(), std::nullopt, t0);
    invoices_->delete_draft(id);
    EXPECT_EQ(scalar("SELECT count(*) FROM billed_periods"), "0");
    const invoice_id again =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-01-01").front(), std::nullopt, t0);
    invoices_->finalize(again, invoice_range(), day("2026-01-02"), t0);
    EXPECT_THROW(invoices_->delete_draft(again), store_error);
}

TEST_F(invoice_store_test, a_revised_draft_keeps_its_amounts_and_the_finalized_one_carries_the_revision) {
    const auto plan = licence_plan();
    const invoice_id id =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-01-01").front(), std::nullopt, t0);
    const std::string gross = scalar("SELECT total_gross FROM invoices WHERE id = 1");
    billing::draft_revision revision;
    revision.order_reference = "PO-4711";
    revision.due_date = day("2026-02-05");
    revision.line_descriptions = {{0, "Licences, January (as agreed)"}};
    invoices_->revise_draft(id, revision, day("2026-01-06"), t0);
    EXPECT_EQ(
        scalar("SELECT description FROM invoice_lines WHERE position = 1"), "Licences, January (as agreed)"
    );
    EXPECT_EQ(scalar("SELECT total_gross FROM invoices WHERE id = 1"), gross);

    const auto done = invoices_->finalize(id, invoice_range(), day("2026-01-06"), t0);
    EXPECT_EQ(done.document.references.order_reference, "PO-4711");
    EXPECT_EQ(done.document.due_date, day("2026-02-05"));
    EXPECT_EQ(done.document.lines.front().description, "Licences, January (as agreed)");

    billing::draft_revision late;
    late.order_reference = "PO-4712";
    EXPECT_THROW(invoices_->revise_draft(id, late, day("2026-01-07"), t0), store_error);
    billing::draft_revision bad;
    bad.line_descriptions = {{0, " "}};
    const invoice_id feb =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-02-01").front(), std::nullopt, t0);
    EXPECT_THAT(
        [&] {
            try {
                invoices_->revise_draft(feb, bad, day("2026-02-02"), t0);
            } catch (const store_error& e) {
                return std::string(e.what());
            }
            return std::string("revised");
        }(),
        HasSubstr("line 1: the description cannot be empty")
    );
}

TEST_F(invoice_store_test, a_milestone_is_billed_once_and_its_documents_come_back_with_the_plan_state) {
    // The licence plan as a project: 5 x 10.00 = 50.00 agreed, 40 % in advance, then the final invoice.
    auto plan = licence_plan();
    plan.items.front().type = billing::charge_type::one_time;
    plan.milestones = {
        {"order", billing::milestone_type::advance, dec("40"), std::nullopt, day("2026-01-05"), "On order"},
        {"acceptance",
         billing::milestone_type::final_invoice,
         std::nullopt,
         std::nullopt,
         day("2026-02-10"),
         ""},
    };
    const auto advance = run_on_store(*invoices_, plan, "2026-01-31");
    ASSERT_EQ(advance.size(), 1U);
    EXPECT_EQ(advance.front().totals.net, dec("20.00"));
    const invoice_id id = invoices_->save_draft(advance.front(), std::nullopt, t0);
    EXPECT_EQ(scalar("SELECT milestone_key FROM billed_milestones WHERE invoice_id = 1"), "order");
    EXPECT_THROW(invoices_->save_draft(advance.front(), std::nullopt, t0), already_billed);
    EXPECT_TRUE(run_on_store(*invoices_, plan, "2026-01-31").empty()) << "the store remembers the milestone";

    // The final invoice waits for the advance to be issued, then deducts it.
    EXPECT_TRUE(run_on_store(*invoices_, plan, "2026-02-28").empty());
    invoices_->finalize(id, invoice_range(), day("2026-01-06"), t0);
    const auto state = invoices_->load_plan_state(plan.id);
    ASSERT_EQ(state.contract_documents.size(), 1U);
    EXPECT_EQ(state.contract_documents.front().milestone, "order");
    const auto final_invoice = run_on_store(*invoices_, plan, "2026-02-28");
    ASSERT_EQ(final_invoice.size(), 1U);
    EXPECT_EQ(final_invoice.front().type, billing::document_type::final_invoice);
    EXPECT_EQ(final_invoice.front().totals.gross, dec("59.50"));
    EXPECT_EQ(final_invoice.front().totals.prepaid, dec("23.80"));
    EXPECT_EQ(final_invoice.front().totals.due, dec("35.70"));
    invoices_->save_draft(final_invoice.front(), std::nullopt, t0);
    EXPECT_EQ(scalar("SELECT count(*) FROM billed_milestones"), "2");
}

TEST_F(invoice_store_test, a_void_is_logged_only_for_a_drawn_number) {
    const auto plan = licence_plan();
    const invoice_id id =
        invoices_->save_draft(run_on_store(*invoices_, plan, "2026-01-01").front(), std::nullopt, t0);
    invoices_->finalize(id, invoice_range(), day("2026-01-02"), t0);
    EXPECT_THROW(
        invoices_->void_number("DE01", "invoice", "2026", 2, "RE-2026-000002", "never drawn", t0), store_error
    );
    invoices_->void_number("DE01", "invoice", "2026", 1, "RE-2026-000001", "test of the void log", t0);
    EXPECT_EQ(scalar("SELECT reason FROM number_voids"), "test of the void log");
    EXPECT_THROW(
        invoices_->void_number("DE01", "invoice", "2025", 1, "RE-2025-000001", "no range", t0), store_error
    );
}

TEST_F(invoice_store_test, a_draft_of_an_unknown_account_or_entity_names_what_is_missing) {
    auto plan = licence_plan();
    plan.account.id = "001000000000009ZZZ";
    auto drafts = run_on_store(*invoices_, plan, "2026-01-01");
    ASSERT_EQ(drafts.size(), 1u);
    try {
        invoices_->save_draft(drafts.front(), std::nullopt, t0);
        FAIL();
    } catch (const store_error& e) {
        EXPECT_THAT(
            e.what(), HasSubstr("account 001000000000009ZZZ (Kunde AG) is not in the store; sync it first")
        );
    }
    plan = licence_plan();
    plan.seller.id = "AT01";
    drafts = run_on_store(*invoices_, plan, "2026-01-01");
    EXPECT_THROW(invoices_->save_draft(drafts.front(), std::nullopt, t0), store_error);
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices"), "0");
}

TEST_F(invoice_store_test, the_snapshot_keeps_parties_references_and_payment_means) {
    auto plan = licence_plan();
    auto drafts = run_on_store(*invoices_, plan, "2026-01-01");
    ASSERT_EQ(drafts.size(), 1u);
    billing::invoice draft = drafts.front();
    draft.account.address = {"Hauptstraße 5", "Hinterhaus"};
    draft.account.postcode = "80331";
    draft.account.city = "München";
    draft.seller.bank =
        billing::bank_account{"DE02120300000000202051", "BYLADEM1001", "Muster Software GmbH"};
    draft.seller.endpoint = billing::electronic_address{"EM", "rechnung@muster.example"};
    draft.references.buyer_reference = "04011000-12345-67";
    draft.payment = billing::payment_means{
        billing::payment_means_code::direct_debit, "MANDATE-1", "DE89370400440532013000", "", "", "", "VISA"};
    draft.notes = {"Vielen Dank."};
    draft.vat_currency = billing::vat_accounting_currency{currency("CHF"), dec("0.9312")};
    draft.vat_exemptions = {{"AE", "VATEX-EU-AE", "Reverse charge"}};
    draft.tax_decisions = {"item licences, tax point 2026-01-31: AE 0 % by eu_b2b_services_reverse_charge"};
    const invoice_id id = invoices_->save_draft(draft, std::nullopt, t0);
    const auto loaded = invoices_->load(id)->document;
    EXPECT_EQ(loaded.account, draft.account);
    EXPECT_EQ(loaded.seller, draft.seller);
    EXPECT_EQ(loaded.references, draft.references);
    EXPECT_EQ(loaded.payment, draft.payment);
    EXPECT_EQ(loaded.notes, draft.notes);
    ASSERT_TRUE(loaded.vat_currency);
    EXPECT_EQ(loaded.vat_currency->cur.code(), "CHF");
    EXPECT_TRUE(identical(loaded.vat_currency->rate, dec("0.9312")));
    EXPECT_EQ(loaded.vat_exemptions, draft.vat_exemptions);
    EXPECT_EQ(loaded.tax_decisions, draft.tax_decisions);
    ASSERT_EQ(loaded.billed.size(), draft.billed.size());
    EXPECT_EQ(loaded.billed[0].key, draft.billed[0].key);
    EXPECT_TRUE(identical(loaded.lines[0].unit_price, draft.lines[0].unit_price)) << "the scale is kept";
    EXPECT_EQ(loaded.totals.breakdown.size(), draft.totals.breakdown.size());
    EXPECT_EQ(loaded.totals.breakdown[0].tax, draft.totals.breakdown[0].tax);
}

}  // namespace
}  // namespace fakturad::store
