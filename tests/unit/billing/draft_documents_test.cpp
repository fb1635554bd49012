// The e-invoice keys of the plan file (parties, references, payment means, exemptions) and document chains
// in `drafts:` (advance, final, cancellation, credit note, finalization), with located errors.
#include "fakturad/billing/draft_documents.hpp"

#include "fakturad/billing/plan_yaml.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fakturad::billing {
namespace {

const std::string head = R"(legal_entities:
  - code: DE01
    name: Muster GmbH
    country: DE
    postcode: "10115"
    city: Berlin
    contact: {name: Erika Muster, phone: "+49 30 123", email: r@muster.example}
    electronic_address: {scheme: EM, value: r@muster.example}
    bank_account: {iban: DE02 1203 0000 0000 2020 51, bic: BYLADEM1001}
plans:
  - id: P-1
    account: {id: K-1, name: Kunde AG, country: DE, postcode: "80331", city: München}
    currency: EUR
    legal_entity: DE01
    start: 2026-01-01
    items: []
)";

std::string errors_of(const plan_file_result& r) {
    std::string out;
    for (const auto& e : r.errors) {
        out += e.to_string() + "\n";
    }
    return out;
}

TEST(DraftDocuments, PartyAndPlanKeysForEInvoices) {
    const auto r = parse_plan_file(
        head + R"(    buyer_reference: 04011000-12345-67
    order_reference: PO-1
    payment_means: {type: credit_transfer}
    vat_exemptions: [{category: AE, code: VATEX-EU-AE}]
)",
        "p.yaml"
    );
    ASSERT_TRUE(r.ok()) << errors_of(r);
    const auto& plan = r.file->plans[0];
    EXPECT_EQ(plan.seller.city, "Berlin");
    EXPECT_EQ(plan.seller.invoice_contact.phone, "+49 30 123");
    ASSERT_TRUE(plan.seller.endpoint);
    EXPECT_EQ(plan.seller.endpoint->scheme, "EM");
    ASSERT_TRUE(plan.seller.bank);
    EXPECT_EQ(plan.seller.bank->bic, "BYLADEM1001");
    EXPECT_EQ(plan.references.buyer_reference, "04011000-12345-67");
    ASSERT_TRUE(plan.payment);
    EXPECT_EQ(plan.payment->code, payment_means_code::credit_transfer);
    ASSERT_EQ(plan.vat_exemptions.size(), 1U);
    EXPECT_EQ(plan.vat_exemptions[0].code, "VATEX-EU-AE");
}

TEST(DraftDocuments, IbanAndPaymentMeansErrorsAreLocated) {
    std::string text = head;
    text.replace(text.find("DE02 1203 0000 0000 2020 51"), 27, "DE03 1203 0000 0000 2020 51");
    const auto r =
        parse_plan_file(text + "    payment_means: {type: direct_debit, mandate_reference: M-1}\n", "p.yaml");
    ASSERT_FALSE(r.ok());
    const std::string all = errors_of(r);
    EXPECT_NE(all.find("p.yaml:9:26: legal_entities[0].bank_account.iban: IBAN 'DE03"), std::string::npos)
        << all;
    EXPECT_NE(all.find("plans[0].payment_means.debtor_iban: missing required key"), std::string::npos) << all;
    EXPECT_NE(all.find("SEPA creditor id"), std::string::npos) << all;
}

TEST(DraftDocuments, ExemptionOnlyForExemptCategories) {
    const auto r = parse_plan_file(head + "    vat_exemptions: [{category: S, text: nope}]\n", "p.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(
        errors_of(r).find("plans[0].vat_exemptions[0].category: category 'S' takes no exemption reason"),
        std::string::npos
    ) << errors_of(r);
}

const std::string chain = R"(drafts:
  - id: A1
    plan: P-1
    type: advance
    lines: &agreed
      - {description: Projekt, quantity: 1, unit_price: 1000.00, vat: {category: S, rate: 19}}
      - {description: Bücher, quantity: 2, unit_price: 50.00, vat: {category: S, rate: 7}}
    share: {percent: 50}
    finalize: {number: A1, issue_date: 2026-02-01}
  - id: F1
    plan: P-1
    type: final
    lines: *agreed
    finalize: {number: F1, issue_date: 2026-03-01}
  - id: S1
    plan: P-1
    type: cancellation
    corrects: F1
    finalize: {number: S1, issue_date: 2026-03-05}
  - id: R1
    plan: P-1
    lines: [{description: Nachtrag, quantity: 4, unit_price: 25.00, vat: {category: S, rate: 19}}]
    finalize: {number: R1, issue_date: 2026-03-06}
  - id: G1
    plan: P-1
    type: credit_note
    corrects: R1
    credit: {reason: Teilgutschrift, lines: [{line: 1, quantity: 1}]}
    finalize: {number: G1, issue_date: 2026-03-07}
)";

TEST(DraftDocuments, ChainOfAdvanceFinalCancellationAndCreditNote) {
    const auto r = parse_plan_file(head + chain, "p.yaml");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    const auto built = build_draft_documents(*r.file, "p.yaml");
    ASSERT_TRUE(built.ok()) << built.errors.front().to_string();
    ASSERT_EQ(built.documents.size(), 5U);
    const auto& advance = built.documents[0].doc;
    const auto& final_doc = built.documents[1].doc;
    EXPECT_EQ(advance.type, document_type::advance);
    EXPECT_EQ(advance.status, invoice_status::finalized);
    // 50 % of 1,000 @ 19 % and 100 @ 7 %: 595.00 + 53.50 = 648.50 gross.
    EXPECT_EQ(advance.totals.gross, parse_decimal("648.50").value());
    EXPECT_EQ(final_doc.type, document_type::final_invoice);
    EXPECT_EQ(final_doc.totals.prepaid, advance.totals.gross);
    EXPECT_EQ(final_doc.totals.due, final_doc.totals.gross - advance.totals.gross);
    // The cancellation mirrored the final invoice and marked it cancelled.
    EXPECT_EQ(built.documents[1].doc.status, invoice_status::cancelled);
    EXPECT_EQ(built.documents[2].doc.type, document_type::cancellation);
    EXPECT_EQ(built.documents[2].doc.totals.gross, final_doc.totals.gross);
    ASSERT_TRUE(built.documents[2].doc.corrects);
    EXPECT_EQ(built.documents[2].doc.corrects->number, "F1");
    // One of four units credited: 25.00 + 19 % = 29.75.
    EXPECT_EQ(built.documents[4].doc.type, document_type::credit_note);
    EXPECT_EQ(built.documents[4].doc.totals.gross, parse_decimal("29.75").value());
}

TEST(DraftDocuments, ChainErrorsNameTheDraft) {
    std::string text = head + chain;
    text.replace(text.find("{line: 1, quantity: 1}"), 22, "{line: 1, quantity: 5}");
    const auto r = parse_plan_file(text, "p.yaml");
    ASSERT_TRUE(r.ok()) << errors_of(r);
    const auto built = build_draft_documents(*r.file, "p.yaml");
    ASSERT_EQ(built.errors.size(), 1U);
    EXPECT_EQ(built.errors[0].path, "drafts[4]");
    EXPECT_EQ(built.errors[0].line, 40);  // "- id: G1"
    EXPECT_NE(built.errors[0].message.find("credit"), std::string::npos) << built.errors[0].message;
    EXPECT_EQ(built.documents.size(), 4U);
}

TEST(DraftDocuments, CorrectionsNeedAnEarlierDraft) {
    const auto r = parse_plan_file(
        head + R"(drafts:
  - plan: P-1
    type: cancellation
    corrects: X9
  - plan: P-1
    type: credit_note
    corrects: X9
    lines: [{description: a, unit_price: 1, vat: {category: S, rate: 19}}]
)",
        "p.yaml"
    );
    ASSERT_FALSE(r.ok());
    const std::string all = errors_of(r);
    EXPECT_NE(all.find("p.yaml:20:15: drafts[0].corrects: no earlier draft with id 'X9'"), std::string::npos)
        << all;
    EXPECT_NE(all.find("drafts[1].credit: missing required key (credit note)"), std::string::npos) << all;
    EXPECT_NE(all.find("takes its lines from `corrects`"), std::string::npos) << all;
}

}  // namespace
}  // namespace fakturad::billing
