// Document lifecycle and every document type: finalization, pro-forma, cancellation (Storno), partial
// credit notes, advance / progress / final invoices. Figures computed by hand beside each check.

#include "fakturad/billing/lifecycle.hpp"

#include "billing_test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fakturad::billing {
namespace {

using test::date_of;
using test::dec;
using test::str;

// Item a: 1 x 100.00 at 19 %, item b: 2 x 25.00 at 7 %, January 2026 in advance.
// Nets 100.00 + 50.00 = 150.00; VAT 19.00 + 3.50 = 22.50; gross 172.50.
billing_plan two_rates() {
    billing_plan plan = test::plan_with(
        "P-1",
        "2026-01-01",
        {test::recurring("a", "1", test::per_unit("100.00"), test::vat19()),
         test::recurring("b", "2", test::per_unit("25.00"), test::vat7())}
    );
    plan.terms.net_days = 14;
    return plan;
}

invoice finalized_invoice(std::string number = "RE-2026-000001") {
    auto r = test::run_one(two_rates(), {}, "2026-01-01");
    EXPECT_EQ(r.drafts.size(), 1U);
    invoice doc = r.drafts.front();
    EXPECT_TRUE(finalize(doc, {std::move(number), date_of("2026-01-02")}).has_value());
    return doc;
}

TEST(Lifecycle, FinalizeNumbersDatesAndFreezes) {
    invoice doc = finalized_invoice();
    EXPECT_EQ(doc.status, invoice_status::finalized);
    EXPECT_EQ(doc.number, "RE-2026-000001");
    EXPECT_EQ(format_iso_date(doc.issue_date.value()), "2026-01-02");
    EXPECT_EQ(format_iso_date(doc.due_date.value()), "2026-01-16");  // 14 days net
    EXPECT_EQ(doc.totals.net, dec("150.00"));
    EXPECT_EQ(doc.totals.tax, dec("22.50"));
    EXPECT_EQ(doc.totals.gross, dec("172.50"));
    // Immutable from now on.
    auto again = finalize(doc, {"RE-2026-000002", date_of("2026-01-03")});
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code, billing_errc::invalid_state);
    auto edit = add_line(doc, doc.lines.front());
    ASSERT_FALSE(edit.has_value());
    EXPECT_EQ(edit.error().code, billing_errc::invalid_state);
    EXPECT_EQ(
        edit.error().message,
        "invoice RE-2026-000001 is finalized: a finalized document is immutable; correct it with a "
        "cancellation "
        "or credit note"
    );
    EXPECT_FALSE(remove_line(doc, 0).has_value());
}

TEST(Lifecycle, DraftEditsRecomputeTotalsAndReleaseKeys) {
    auto r = test::run_one(two_rates(), {}, "2026-01-01");
    invoice doc = r.drafts.front();
    ASSERT_EQ(doc.billed.size(), 2U);
    ASSERT_TRUE(remove_line(doc, 0).has_value());  // drop item a (100.00 at 19 %)
    EXPECT_EQ(doc.totals.net, dec("50.00"));
    EXPECT_EQ(doc.totals.gross, dec("53.50"));  // 50.00 + 3.50
    ASSERT_EQ(doc.billed.size(), 1U);           // its period is released with it
    EXPECT_EQ(doc.billed.front().key.item_key, "b");
    EXPECT_EQ(doc.billed.front().line_index, 0U);
    auto line = make_manual_line("Setup", dec("1"), dec("99.00"), test::vat19(), doc.cur);
    ASSERT_TRUE(line.has_value());
    ASSERT_TRUE(add_line(doc, *line).has_value());
    EXPECT_EQ(doc.totals.gross, dec("171.31"));  // 149.00 net; 18.81 + 3.50 VAT
    auto bad = make_manual_line("Bad", dec("1"), dec("-5.00"), test::vat19(), doc.cur);
    EXPECT_FALSE(bad.has_value());
}

TEST(Lifecycle, NumberRulesPerType) {
    auto r = test::run_one(two_rates(), {}, "2026-01-01");
    invoice doc = r.drafts.front();
    auto missing = finalize(doc, {"", date_of("2026-01-02")});
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(missing.error().message, "a document of type invoice needs a number to be finalized");
    doc.type = document_type::pro_forma;
    auto numbered = finalize(doc, {"PF-1", date_of("2026-01-02")});
    ASSERT_FALSE(numbered.has_value());
    EXPECT_EQ(numbered.error().message, "a pro-forma invoice gets no legal number");
    ASSERT_TRUE(finalize(doc, {"", date_of("2026-01-02")}).has_value());
    EXPECT_TRUE(doc.number.empty());
    EXPECT_EQ(untdid_1001_code(doc.type), "325");
    // A pro-forma bills no period.
    plan_state state;
    state.plan_id = "P-1";
    apply_to_state(doc, state);
    EXPECT_TRUE(state.items.empty());
}

TEST(Lifecycle, TypeCodes) {
    EXPECT_EQ(untdid_1001_code(document_type::invoice), "380");
    EXPECT_EQ(untdid_1001_code(document_type::advance), "386");
    EXPECT_EQ(untdid_1001_code(document_type::progress), "326");
    EXPECT_EQ(untdid_1001_code(document_type::partial), "326");
    EXPECT_EQ(untdid_1001_code(document_type::final_invoice), "380");
    EXPECT_EQ(untdid_1001_code(document_type::cancellation), "381");
    EXPECT_EQ(untdid_1001_code(document_type::credit_note), "381");
    EXPECT_EQ(to_string(document_type::final_invoice), "final");
    EXPECT_EQ(parse_document_type("credit_note"), document_type::credit_note);
}

TEST(Lifecycle, CancellationMirrorsExactlyAndReleasesPeriods) {
    invoice original = finalized_invoice();
    auto cancellation = make_cancellation(original, {});
    ASSERT_TRUE(cancellation.has_value());
    invoice& storno = *cancellation;
    EXPECT_EQ(storno.type, document_type::cancellation);
    EXPECT_EQ(storno.corrects.value().number, "RE-2026-000001");
    EXPECT_EQ(storno.lines.size(), original.lines.size());
    EXPECT_EQ(storno.totals.gross, original.totals.gross);
    EXPECT_EQ(storno.totals.breakdown.size(), 2U);
    EXPECT_EQ(storno.released.size(), 2U);
    EXPECT_TRUE(storno.billed.empty());
    EXPECT_EQ(storno.notes.front(), "Cancellation of invoice RE-2026-000001 of 2026-01-02");
    ASSERT_TRUE(finalize(storno, {"GS-2026-000001", date_of("2026-01-10")}).has_value());
    // original + cancellation = 0
    EXPECT_EQ(signed_total(original) + signed_total(storno), dec("0"));
    ASSERT_TRUE(mark_cancelled(original, storno).has_value());
    EXPECT_EQ(original.status, invoice_status::cancelled);

    // The periods are free again: the same run bills January once more.
    plan_state state;
    state.plan_id = "P-1";
    apply_to_state(original, state);
    EXPECT_TRUE(test::run_one(two_rates(), state, "2026-01-01").drafts.empty());
    apply_to_state(storno, state);
    auto rerun = test::run_one(two_rates(), state, "2026-01-01");
    EXPECT_EQ(test::nets(rerun), (std::vector<std::string>{"100.00", "50.00"}));
}

struct refusal_case {
    const char* name;
    invoice doc;
    std::vector<invoice> corrections;
    const char* message;
};

TEST(Lifecycle, CancellationRefusals) {
    invoice original = finalized_invoice();
    invoice storno = make_cancellation(original, {}).value();
    ASSERT_TRUE(finalize(storno, {"GS-2026-000001", date_of("2026-01-10")}).has_value());
    invoice draft = test::run_one(two_rates(), {}, "2026-01-01").drafts.front();
    invoice pro_forma = draft;
    pro_forma.type = document_type::pro_forma;
    ASSERT_TRUE(finalize(pro_forma, {"", date_of("2026-01-02")}).has_value());
    invoice credited = finalized_invoice("RE-2026-000002");
    credit_request part;
    part.lines = {{0, std::nullopt, dec("10.00")}};
    invoice credit = make_credit_note(credited, {}, part).value();
    ASSERT_TRUE(finalize(credit, {"GS-2026-000002", date_of("2026-01-11")}).has_value());

    const std::vector<refusal_case> cases{
        {"cancellation of a cancellation",
         storno,
         {},
         "cancellation GS-2026-000001: a cancellation cannot be cancelled; issue a new invoice instead"},
        {"twice", original, {storno}, "invoice RE-2026-000001: already cancelled by GS-2026-000001"},
        {"draft", draft, {}, "invoice: a draft is deleted, not cancelled"},
        {"pro-forma",
         pro_forma,
         {},
         "pro_forma: a pro-forma invoice has no legal effect and is not cancelled"},
        {"partly credited",
         credited,
         {credit},
         "invoice RE-2026-000002: partly credited by GS-2026-000002; a full cancellation would credit more "
         "than "
         "is creditable: credit the remainder instead"},
        {"credit note",
         credit,
         {},
         "credit_note GS-2026-000002: a credit note cannot be cancelled; issue a new invoice for the amount "
         "instead"},
    };
    for (const auto& c : cases) {
        auto r = make_cancellation(c.doc, c.corrections);
        ASSERT_FALSE(r.has_value()) << c.name;
        EXPECT_EQ(r.error().code, billing_errc::not_cancellable) << c.name;
        EXPECT_EQ(r.error().message, c.message) << c.name;
    }
    // mark_cancelled needs a finalized cancellation of exactly this document.
    invoice other = finalized_invoice("RE-2026-000003");
    EXPECT_FALSE(mark_cancelled(other, storno).has_value());
}

TEST(Lifecycle, PartialCreditsAreCappedByWhatIsCreditable) {
    const invoice original = finalized_invoice();
    std::vector<invoice> corrections;
    auto credit = [&](const credit_request& request, const char* number) {
        auto r = make_credit_note(original, corrections, request);
        if (r) {
            EXPECT_TRUE(finalize(*r, {number, date_of("2026-02-01")}).has_value());
            corrections.push_back(*r);
        }
        return r;
    };
    // 60.00 of line 1 (100.00 at 19 %): VAT 11.40.
    auto first = credit({{{0, std::nullopt, dec("60.00")}}, "service outage"}, "GS-1");
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->totals.net, dec("60.00"));
    EXPECT_EQ(first->totals.tax, dec("11.40"));
    EXPECT_EQ(first->notes.front(), "Credit note for invoice RE-2026-000001 of 2026-01-02: service outage");
    // 50.00 more: only 40.00 left.
    auto over = credit({{{0, std::nullopt, dec("50.00")}}, ""}, "GS-x");
    ASSERT_FALSE(over.has_value());
    EXPECT_EQ(over.error().code, billing_errc::over_credit);
    EXPECT_EQ(over.error().message, "line 1: credit 50.00 exceeds the creditable 40.00");
    // The remainder (no amount given): 40.00, VAT 7.60 — together exactly the original's 100.00 / 19.00.
    auto rest = credit({{{0, std::nullopt, std::nullopt}}, ""}, "GS-2");
    ASSERT_TRUE(rest.has_value());
    EXPECT_EQ(rest->totals.net, dec("40.00"));
    EXPECT_EQ(rest->totals.tax, dec("7.60"));
    // Line 2 by quantity: 1 of 2 x 25.00 -> 25.00, VAT 1.75.
    auto by_quantity = credit({{{1, dec("1"), std::nullopt}}, ""}, "GS-3");
    ASSERT_TRUE(by_quantity.has_value());
    EXPECT_EQ(by_quantity->totals.gross, dec("26.75"));
    // Nothing left on line 1.
    auto nothing = credit({{{0, std::nullopt, std::nullopt}}, ""}, "GS-y");
    ASSERT_FALSE(nothing.has_value());
    EXPECT_EQ(nothing.error().message, "line 1: nothing left to credit");
    auto creditable = creditable_per_line(original, corrections).value();
    EXPECT_EQ(str(creditable[0]), "0.00");
    EXPECT_EQ(str(creditable[1]), "25.00");
}

TEST(Lifecycle, PartialCreditVatNeverExceedsTheOriginal) {
    // Two lines of 0.03 at 19 %: base 0.06, VAT round(0.0114) = 0.01.
    billing_plan plan = test::plan_with(
        "P-1",
        "2026-01-01",
        {test::recurring("a", "1", test::per_unit("0.03")), test::recurring("b", "1", test::per_unit("0.03"))}
    );
    invoice original = test::run_one(plan, {}, "2026-01-01").drafts.front();
    ASSERT_TRUE(finalize(original, {"RE-9", date_of("2026-01-02")}).has_value());
    ASSERT_EQ(original.totals.tax, dec("0.01"));
    std::vector<invoice> corrections;
    // Line 1 alone: round(0.03 x 19 %) = round(0.0057) = 0.01, within the 0.01 still creditable.
    invoice c1 = make_credit_note(original, corrections, {{{0, std::nullopt, std::nullopt}}, ""}).value();
    EXPECT_EQ(c1.totals.tax, dec("0.01"));
    ASSERT_TRUE(finalize(c1, {"GS-1", date_of("2026-01-03")}).has_value());
    corrections.push_back(c1);
    // Line 2 alone would again be 0.01, but no VAT is left; it exhausts the base, so it takes the rest: 0.00.
    invoice c2 = make_credit_note(original, corrections, {{{1, std::nullopt, std::nullopt}}, ""}).value();
    EXPECT_EQ(c2.totals.tax, dec("0.00"));
    EXPECT_EQ(c2.totals.gross, dec("0.03"));
    // original + credits = 0
    EXPECT_EQ(signed_total(original) + signed_total(c1) + signed_total(c2), dec("0"));
}

// ---- advance, progress, final ----------------------------------------------------------------------------

agreed_total project() {
    agreed_total t;
    t.contract_id = "C-7";
    t.lines = {
        {"Implementierung", dec("1"), dec("10000.00"), test::vat19(), "C62"},
        {"Schulung", dec("1"), dec("2000.00"), test::vat7(), "C62"},
    };
    return t;
}

TEST(Lifecycle, AdvanceProgressAndFinalInvoice) {
    billing_plan header = two_rates();
    header.language = "de";
    std::vector<invoice> docs;
    // Advance 30 %: 3,000.00 at 19 % + 600.00 at 7 %; VAT 570.00 + 42.00; gross 4,212.00.
    auto advance =
        make_agreed_share(header, project(), docs, {document_type::advance, dec("30"), std::nullopt, ""});
    ASSERT_TRUE(advance.has_value());
    EXPECT_EQ(untdid_1001_code(advance->type), "386");
    EXPECT_EQ(advance->totals.gross, dec("4212.00"));
    EXPECT_EQ(
        advance->lines.front().description,
        "Anzahlung: 30 % der vereinbarten Nettosumme 12.000,00 EUR (USt. S 19 %)"
    );
    ASSERT_TRUE(finalize(*advance, {"AR-1", date_of("2026-02-01")}).has_value());
    docs.push_back(*advance);
    // Progress invoice of 2,400.00 net: split 10,000 : 2,000 -> 2,000.00 + 400.00; VAT 380 + 28; gross 2,808.
    auto progress = make_agreed_share(
        header, project(), docs, {document_type::progress, std::nullopt, dec("2400.00"), ""}
    );
    ASSERT_TRUE(progress.has_value());
    EXPECT_EQ(progress->totals.gross, dec("2808.00"));
    ASSERT_TRUE(finalize(*progress, {"AR-2", date_of("2026-03-01")}).has_value());
    docs.push_back(*progress);
    // 80 % more would exceed the agreed 10,000.00 at 19 % (5,000 invoiced + 8,000).
    auto over =
        make_agreed_share(header, project(), docs, {document_type::progress, dec("80"), std::nullopt, ""});
    ASSERT_FALSE(over.has_value());
    EXPECT_EQ(over.error().code, billing_errc::over_advance);
    EXPECT_EQ(
        over.error().message, "VAT S 19 %: 5000.00 invoiced before + 8000.00 exceeds the agreed 10000.00"
    );
    // Final invoice: 12,000.00 net, VAT 1,900 + 140 = 2,040, gross 14,040.00; minus 4,212 + 2,808 = 7,020.
    auto final_invoice = make_final_invoice(header, project(), docs);
    ASSERT_TRUE(final_invoice.has_value());
    const auto& t = final_invoice->totals;
    EXPECT_EQ(t.gross, dec("14040.00"));
    EXPECT_EQ(t.prepaid, dec("7020.00"));
    EXPECT_EQ(t.due, dec("7020.00"));
    ASSERT_EQ(t.breakdown.size(), 2U);
    // Sorted by rate: 7 % then 19 %. Deducted per rate: 7 %: 600 + 400 = 1,000 / VAT 70; 19 %: 5,000 / 950.
    EXPECT_EQ(t.breakdown[0].rate, dec("7"));
    EXPECT_EQ(t.breakdown[0].deducted_taxable, dec("1000.00"));
    EXPECT_EQ(t.breakdown[0].deducted_tax, dec("70.00"));
    EXPECT_EQ(t.breakdown[1].deducted_taxable, dec("5000.00"));
    EXPECT_EQ(t.breakdown[1].deducted_tax, dec("950.00"));
    EXPECT_EQ(final_invoice->deductions.size(), 2U);
    EXPECT_EQ(final_invoice->deductions[1].document.number, "AR-2");

    // The progress invoice is cancelled: only the advance is deducted; due 14,040 - 4,212 = 9,828.00.
    invoice storno = make_cancellation(docs[1], {}).value();
    ASSERT_TRUE(finalize(storno, {"GS-1", date_of("2026-03-05")}).has_value());
    ASSERT_TRUE(mark_cancelled(docs[1], storno).has_value());
    auto after = make_final_invoice(header, project(), docs);
    EXPECT_EQ(after->totals.due, dec("9828.00"));
}

TEST(Lifecycle, FinalInvoiceAfterTwoAdvancesAtDifferentVatRates) {
    // German temporary rate cut (H2 2020): advance 1 at 19 % (June), advance 2 at 16 % (August), supply
    // completed in 2021 at 19 %.
    billing_plan header = two_rates();
    agreed_total at19{"C-9", {{"Anlage", dec("1"), dec("10000.00"), test::vat19(), "C62"}}};
    agreed_total at16{"C-9", {{"Anlage", dec("1"), dec("10000.00"), {"S", dec("16")}, "C62"}}};
    std::vector<invoice> docs;
    // Advance 1: 30 % at 19 %: 3,000.00 + 570.00 = 3,570.00.
    invoice a1 =
        make_agreed_share(header, at19, docs, {document_type::advance, dec("30"), std::nullopt, ""}).value();
    ASSERT_TRUE(finalize(a1, {"AR-1", date_of("2020-06-15")}).has_value());
    EXPECT_EQ(a1.totals.gross, dec("3570.00"));
    docs.push_back(a1);
    // Advance 2: 5,000.00 at 16 %: VAT 800.00, gross 5,800.00.
    invoice a2 =
        make_agreed_share(header, at16, docs, {document_type::advance, std::nullopt, dec("5000.00"), ""})
            .value();
    ASSERT_TRUE(finalize(a2, {"AR-2", date_of("2020-08-15")}).has_value());
    EXPECT_EQ(a2.totals.gross, dec("5800.00"));
    docs.push_back(a2);
    // Final: 10,000.00 at 19 % -> VAT 1,900.00, gross 11,900.00; prepaid 3,570 + 5,800 = 9,370; due 2,530.00
    // (= 2,000.00 net still open + 1,900 - 570 - 800 = 530.00 VAT still owed).
    invoice fin = make_final_invoice(header, at19, docs).value();
    EXPECT_EQ(fin.totals.gross, dec("11900.00"));
    EXPECT_EQ(fin.totals.prepaid, dec("9370.00"));
    EXPECT_EQ(fin.totals.due, dec("2530.00"));
    ASSERT_EQ(fin.totals.breakdown.size(), 2U);
    // S 16: nothing supplied at 16 % in the final invoice, 5,000 / 800 deducted.
    EXPECT_EQ(fin.totals.breakdown[0].rate, dec("16"));
    EXPECT_EQ(fin.totals.breakdown[0].taxable, dec("0.00"));
    EXPECT_EQ(fin.totals.breakdown[0].deducted_taxable, dec("5000.00"));
    EXPECT_EQ(fin.totals.breakdown[0].deducted_tax, dec("800.00"));
    EXPECT_EQ(fin.totals.breakdown[1].tax, dec("1900.00"));
    EXPECT_EQ(fin.totals.breakdown[1].deducted_tax, dec("570.00"));
    ASSERT_TRUE(finalize(fin, {"RE-2021-000001", date_of("2021-03-01")}).has_value());
    // A cancellation of the final invoice mirrors the deductions too.
    invoice storno = make_cancellation(fin, {}).value();
    EXPECT_EQ(storno.totals.due, dec("2530.00"));
    EXPECT_EQ(storno.deductions.size(), 2U);
}

TEST(Lifecycle, ManualDraftsFromLinesAndFromAPlan) {
    billing_plan plan = two_rates();
    manual_draft_input input;
    input.type = document_type::partial;
    input.lines.push_back(
        make_manual_line("Beratung", dec("2.5"), dec("120.00"), test::vat19(), plan.cur).value()
    );
    input.from_plan = manual_plan_lines{{"a"}, {date_of("2026-02-01"), date_of("2026-02-14")}};
    auto draft = make_manual_draft(plan, input);
    ASSERT_TRUE(draft.has_value()) << draft.error().message;
    ASSERT_EQ(draft->lines.size(), 2U);
    // Item a for Feb 1..14: 100.00 x 14/28 = 50.00; Beratung 2.5 x 120.00 = 300.00.
    EXPECT_EQ(draft->lines[0].net, dec("50.00"));
    EXPECT_EQ(draft->lines[0].description, "a, 2026-02-01..2026-02-14, prorated 14/28 days");
    EXPECT_EQ(draft->lines[1].net, dec("300.00"));
    EXPECT_TRUE(draft->billed.empty());  // a manual draft consumes no period
    EXPECT_EQ(untdid_1001_code(draft->type), "326");
    input.type = document_type::credit_note;
    EXPECT_FALSE(make_manual_draft(plan, input).has_value());
    input.type = document_type::invoice;
    input.from_plan->item_keys = {"zz"};
    EXPECT_EQ(make_manual_draft(plan, input).error().message, "plan P-1 has no item 'zz'");
}

// ---- review (approval flow) ------------------------------------------------------------------------------

invoice unfinalized_draft() {
    auto r = test::run_one(two_rates(), {}, "2026-01-01");
    EXPECT_EQ(r.drafts.size(), 1U);
    return r.drafts.front();
}

TEST(Lifecycle, RevisionChangesTextsAndTermsButNotAmounts) {
    invoice doc = unfinalized_draft();
    doc.references.buyer_reference = "04011000-12345-67";
    const auto totals = doc.totals;
    draft_revision r;
    r.buyer_reference = "  04011000-12345-68 ";
    r.order_reference = "PO-7781";
    r.notes = std::vector<std::string>{"Thank you for your order.", "  "};
    r.due_date = date_of("2026-02-01");
    r.line_descriptions = {{1, "Support hours, January"}};
    ASSERT_TRUE(revise_draft(doc, r, date_of("2026-01-02")).has_value());
    EXPECT_EQ(doc.references.buyer_reference, "04011000-12345-68");
    EXPECT_EQ(doc.references.order_reference, "PO-7781");
    EXPECT_EQ(doc.notes, std::vector<std::string>{"Thank you for your order."});
    EXPECT_EQ(doc.terms.net_days, 30);  // 2026-01-02 + 30 days = 2026-02-01
    EXPECT_EQ(doc.lines[1].description, "Support hours, January");
    EXPECT_EQ(doc.totals.gross, totals.gross);
    ASSERT_TRUE(finalize(doc, {"RE-2026-000001", date_of("2026-01-02")}).has_value());
    EXPECT_EQ(format_iso_date(doc.due_date.value()), "2026-02-01");
}

TEST(Lifecycle, RevisionRefusesWhatWouldBreakTheDocumentAndChangesNothing) {
    invoice doc = unfinalized_draft();
    doc.references.buyer_reference = "04011000-12345-67";
    const invoice before = doc;
    auto refused = [&](const draft_revision& r) -> std::string {
        auto s = revise_draft(doc, r, date_of("2026-01-10"));
        EXPECT_FALSE(s.has_value());
        EXPECT_EQ(doc.references.buyer_reference, before.references.buyer_reference);
        EXPECT_EQ(doc.lines[0].description, before.lines[0].description);
        return s ? std::string() : s.error().message;
    };
    draft_revision clear;
    clear.buyer_reference = " ";
    EXPECT_EQ(
        refused(clear),
        "buyer reference: the plan gives \"04011000-12345-67\" (for a public buyer the Leitweg-ID, "
        "BR-DE-15); it "
        "can be corrected but not removed"
    );
    draft_revision early;
    early.due_date = date_of("2026-01-09");
    early.line_descriptions = {{0, "changed"}};
    EXPECT_EQ(
        refused(early),
        "due date 2026-01-09 is before the issue date 2026-01-10; set a later due date or clear it for the "
        "plan's "
        "payment terms"
    );
    draft_revision empty_line;
    empty_line.line_descriptions = {{0, "\t"}};
    EXPECT_EQ(refused(empty_line), "line 1: the description cannot be empty");
    draft_revision missing_line;
    missing_line.line_descriptions = {{2, "third"}};
    EXPECT_EQ(refused(missing_line), "line 3: the draft has 2 lines");
    draft_revision long_po;
    long_po.order_reference = std::string(201, 'x');
    EXPECT_EQ(refused(long_po), "order reference: 201 characters, at most 200 are allowed");

    invoice final_doc = finalized_invoice();
    draft_revision any;
    any.order_reference = "PO-1";
    auto s = revise_draft(final_doc, any, date_of("2026-01-10"));
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, billing_errc::invalid_state);
}

}  // namespace
}  // namespace fakturad::billing
