// The CII and UBL writers on documents built by billing from drafts files: codes, amounts, the credit
// note, prepaid amounts, allowances, VAT categories and what a profile refuses to write.
#include "fakturad/billing/draft_documents.hpp"
#include "fakturad/billing/plan_yaml.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/documents/einvoice.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <string>
#include <vector>

namespace fakturad::documents {
namespace {

const std::string seller = R"(
legal_entities:
  - code: DE01
    name: Muster Software GmbH
    country: DE
    address: [Hauptstraße 1]
    postcode: "10115"
    city: Berlin
    vat_id: DE123456789
    contact: {name: Erika Muster, phone: +49 30 1234567, email: rechnung@muster.example}
    electronic_address: {scheme: EM, value: rechnung@muster.example}
    bank_account: {iban: DE02120300000000202051, bic: BYLADEM1001}
    creditor_id: DE98ZZZ09999999999
)";

// A plan for buyer `account` (YAML lines at the plan's indentation) plus `extra` plan keys and drafts.
std::string file_text(const std::string& plan_keys, const std::string& drafts) {
    return seller + R"(
plans:
  - id: P-1
    contract: C-1
    account:
      id: K-1
      name: Beispiel Handel AG
      country: DE
      postcode: "80331"
      city: München
      vat_id: DE987654321
      electronic_address: {scheme: EM, value: ap@beispiel.example}
    currency: EUR
    legal_entity: DE01
    start: 2026-01-01
    items: []
)" + plan_keys +
           "\ndrafts:\n" + drafts;
}

std::vector<billing::built_document> build(const std::string& text) {
    auto parsed = billing::parse_plan_file(text, "test.yaml");
    std::string errors;
    for (const auto& e : parsed.errors) {
        errors += e.to_string() + "\n";
    }
    EXPECT_TRUE(parsed.ok()) << errors;
    if (!parsed.ok()) {
        return {};
    }
    auto built = billing::build_draft_documents(*parsed.file, "test.yaml");
    for (const auto& e : built.errors) {
        ADD_FAILURE() << e.to_string();
    }
    return built.documents;
}

struct xml {
    pugi::xml_document doc;
    explicit xml(const std::string& text) { EXPECT_TRUE(doc.load_string(text.c_str())) << text; }
    [[nodiscard]] std::string text(const char* xpath) const {
        return doc.select_node(xpath).node().text().get();
    }
    [[nodiscard]] std::size_t count(const char* xpath) const { return doc.select_nodes(xpath).size(); }
};

decimal d(const std::string& text) { return parse_decimal(text).value(); }

const std::string invoice_with_discounts = R"(
  - id: RE-1
    plan: P-1
    lines:
      - {description: Lizenzen, quantity: 25, unit_price: 12.50, vat: {category: S, rate: 19}, period: {from: 2026-03-10, to: 2026-03-31}}
      - {description: Rabatt, quantity: -1, unit_price: 20.00, vat: {category: S, rate: 19}}
      - {description: Handbücher, quantity: 3, unit_price: 19.99, vat: {category: S, rate: 7}}
    finalize: {number: RE-1, issue_date: 2026-04-01}
)";

TEST(EinvoiceWriter, CiiStatesLinesTaxAndTotalsAsBilled) {
    const auto docs = build(file_text(
        "    buyer_reference: B-1\n    payment_means: {type: credit_transfer}", invoice_with_discounts
    ));
    ASSERT_EQ(docs.size(), 1U);
    const auto& doc = docs[0].doc;
    const auto r = write_cii(doc, cii_profile::en16931);
    ASSERT_TRUE(r.ok()) << r.problems.front();
    const xml x(r.xml);
    EXPECT_EQ(x.text("//rsm:ExchangedDocument/ram:TypeCode"), "380");
    EXPECT_EQ(x.text("//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"), "urn:cen.eu:en16931:2017");
    EXPECT_EQ(x.count("//ram:IncludedSupplyChainTradeLineItem"), 3U);
    // 25 x 12.50 = 312.50; -20.00 (a negative line, BR-27: price stays positive); 3 x 19.99 = 59.97
    EXPECT_EQ(x.text("(//ram:LineTotalAmount)[2]"), "-20.00");
    EXPECT_EQ(x.text("(//ram:BilledQuantity)[2]"), "-1");
    EXPECT_EQ(x.text("(//ram:NetPriceProductTradePrice/ram:ChargeAmount)[2]"), "20");
    const std::string sum = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/";
    EXPECT_EQ(x.text((sum + "ram:LineTotalAmount").c_str()), "352.47");
    EXPECT_EQ(x.text((sum + "ram:TaxBasisTotalAmount").c_str()), "352.47");
    // VAT per group: 292.50 x 19 % = 55.575 -> 55.58; 59.97 x 7 % = 4.1979 -> 4.20
    EXPECT_EQ(x.text((sum + "ram:TaxTotalAmount[@currencyID='EUR']").c_str()), "59.78");
    EXPECT_EQ(x.text((sum + "ram:GrandTotalAmount").c_str()), "412.25");
    EXPECT_EQ(x.text((sum + "ram:DuePayableAmount").c_str()), "412.25");
    EXPECT_EQ(x.count("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"), 2U);
    EXPECT_EQ(
        x.text("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax[ram:RateApplicablePercent='7']/"
               "ram:CalculatedAmount"),
        "4.20"
    );
    EXPECT_EQ(x.text("//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"), "58");
    EXPECT_EQ(x.text("//ram:PayeePartyCreditorFinancialAccount/ram:IBANID"), "DE02120300000000202051");
    EXPECT_EQ(x.text("//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"), "20260415");
    EXPECT_EQ(doc.totals.gross, d("412.25"));
}

TEST(EinvoiceWriter, ItemAndInvoiceDiscountsBecomeLineAndDocumentAllowances) {
    const std::string plan = R"(    buyer_reference: B-1
    payment_means: {type: credit_transfer}
    discounts: [{amount: 50.00, description: Willkommensrabatt}]
)";
    std::string text = file_text(plan, R"(
  - id: RE-2
    plan: P-1
    period: {from: 2026-03-01, to: 2026-03-31}
    finalize: {number: RE-2, issue_date: 2026-04-01}
)");
    // One item with a 10 % item discount.
    const std::string items = R"(    items:
      - key: lic
        description: Lizenzen
        quantity: 10
        vat: {category: S, rate: 19}
        pricing: {model: per_unit, price: 30.00}
        discounts: [{percent: 10, description: Mengenrabatt}]
)";
    text.replace(text.find("    items: []\n"), 14, items);
    const auto docs = build(text);
    ASSERT_EQ(docs.size(), 1U);
    const auto r = write_ubl(docs[0].doc, ubl_profile::xrechnung);
    ASSERT_TRUE(r.ok()) << r.problems.front();
    const xml x(r.xml);
    // The item discount merged into its charge line: 300.00 - 30.00 = 270.00.
    EXPECT_EQ(x.count("//cac:InvoiceLine"), 1U);
    EXPECT_EQ(x.text("//cac:InvoiceLine/cac:AllowanceCharge/cbc:Amount"), "30.00");
    EXPECT_EQ(x.text("//cac:InvoiceLine/cac:AllowanceCharge/cbc:ChargeIndicator"), "false");
    EXPECT_EQ(x.text("//cac:InvoiceLine/cbc:LineExtensionAmount"), "270.00");
    // The invoice discount: a document-level allowance with its VAT category.
    EXPECT_EQ(x.text("/*/cac:AllowanceCharge/cbc:Amount"), "50.00");
    EXPECT_EQ(x.text("/*/cac:AllowanceCharge/cac:TaxCategory/cbc:Percent"), "19");
    EXPECT_EQ(x.text("//cac:LegalMonetaryTotal/cbc:LineExtensionAmount"), "270.00");
    EXPECT_EQ(x.text("//cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount"), "50.00");
    EXPECT_EQ(x.text("//cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"), "220.00");
    EXPECT_EQ(x.text("//cac:TaxSubtotal/cbc:TaxableAmount"), "220.00");
}

TEST(EinvoiceWriter, CancellationIsAUblCreditNoteReferencingTheOriginal) {
    const auto docs = build(file_text(
        "    buyer_reference: B-1\n    payment_means: {type: credit_transfer}", invoice_with_discounts + R"(
  - id: GS-1
    plan: P-1
    type: cancellation
    corrects: RE-1
    finalize: {number: GS-1, issue_date: 2026-04-05}
)"
    ));
    ASSERT_EQ(docs.size(), 2U);
    const auto r = write_ubl(docs[1].doc, ubl_profile::en16931);
    ASSERT_TRUE(r.ok()) << r.problems.front();
    const xml x(r.xml);
    EXPECT_EQ(std::string(x.doc.document_element().name()), "CreditNote");
    EXPECT_EQ(x.text("//cbc:CreditNoteTypeCode"), "381");
    EXPECT_EQ(x.count("//cac:CreditNoteLine"), 3U);
    EXPECT_EQ(x.text("(//cac:CreditNoteLine/cbc:CreditedQuantity)[1]"), "25");
    EXPECT_EQ(x.text("//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"), "RE-1");
    EXPECT_EQ(x.text("//cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate"), "2026-04-01");
    EXPECT_EQ(x.text("//cac:LegalMonetaryTotal/cbc:PayableAmount"), "412.25");  // positive: 381 is the sign
    EXPECT_EQ(x.count("/*/cbc:DueDate"), 0U);                                   // not in a CreditNote
    const auto cii = write_cii(docs[1].doc, cii_profile::xrechnung);
    ASSERT_TRUE(cii.ok()) << cii.problems.front();
    const xml c(cii.xml);
    EXPECT_EQ(c.text("//rsm:ExchangedDocument/ram:TypeCode"), "381");
    EXPECT_EQ(c.text("//ram:InvoiceReferencedDocument/ram:IssuerAssignedID"), "RE-1");
    EXPECT_EQ(
        c.text("//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString"), "20260401"
    );
}

const std::string advances_and_final = R"(
  - id: AR-1
    plan: P-1
    type: advance
    lines: &agreed
      - {description: Projekt, quantity: 1, unit_price: 10000.00, vat: {category: S, rate: 19}}
      - {description: Handbücher, quantity: 10, unit_price: 50.00, vat: {category: S, rate: 7}}
    share: {percent: 30}
    finalize: {number: AR-1, issue_date: 2026-02-01}
  - id: AR-2
    plan: P-1
    type: advance
    lines: *agreed
    share: {amount: 2000.00}
    finalize: {number: AR-2, issue_date: 2026-03-01}
  - id: SR-1
    plan: P-1
    type: final
    lines: *agreed
    finalize: {number: SR-1, issue_date: 2026-06-30}
)";

TEST(EinvoiceWriter, FinalInvoiceStatesPrepaidAmountAndReferencesItsAdvances) {
    const auto docs = build(
        file_text("    buyer_reference: B-1\n    payment_means: {type: credit_transfer}", advances_and_final)
    );
    ASSERT_EQ(docs.size(), 3U);
    const auto& final_doc = docs[2].doc;
    const decimal prepaid = docs[0].doc.totals.gross + docs[1].doc.totals.gross;
    ASSERT_EQ(final_doc.totals.prepaid, prepaid);

    const auto advance = write_cii(docs[0].doc, cii_profile::xrechnung);
    ASSERT_TRUE(advance.ok()) << advance.problems.front();
    EXPECT_EQ(xml(advance.xml).text("//rsm:ExchangedDocument/ram:TypeCode"), "386");

    const auto ubl = write_ubl(final_doc, ubl_profile::xrechnung);
    ASSERT_TRUE(ubl.ok()) << ubl.problems.front();
    const xml u(ubl.xml);
    EXPECT_EQ(u.text("//cbc:InvoiceTypeCode"), "380");
    EXPECT_EQ(u.count("//cac:BillingReference"), 2U);
    EXPECT_EQ(u.text("(//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID)[2]"), "AR-2");
    EXPECT_EQ(d(u.text("//cac:LegalMonetaryTotal/cbc:PrepaidAmount")), prepaid);
    EXPECT_EQ(
        d(u.text("//cac:LegalMonetaryTotal/cbc:PayableAmount")),
        d(u.text("//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")) - prepaid
    );
    // 10,000 + 500 net; VAT 1,900 + 35 -> 12,435.00 gross.
    EXPECT_EQ(u.text("//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"), "12435.00");

    const auto cii = write_cii(final_doc, cii_profile::en16931);
    ASSERT_TRUE(cii.ok()) << cii.problems.front();
    const xml c(cii.xml);
    EXPECT_EQ(d(c.text("//ram:TotalPrepaidAmount")), prepaid);
    EXPECT_EQ(c.count("//ram:IncludedNote"), 2U);  // one note per deducted advance (CII holds one BG-3)
}

TEST(EinvoiceWriter, NotSubjectToVatHasNoLineRateAndNoVatIds) {
    const auto docs =
        build(file_text("    buyer_reference: B-1\n    payment_means: {type: credit_transfer}", R"(
  - id: RE-O
    plan: P-1
    lines:
      - {description: Service abroad, quantity: 2, unit_price: 100.00, vat: {category: O}, period: {from: 2026-01-01, to: 2026-01-31}}
    finalize: {number: RE-O, issue_date: 2026-02-01}
)"));
    ASSERT_EQ(docs.size(), 1U);
    const auto r = write_cii(docs[0].doc, cii_profile::xrechnung);
    ASSERT_TRUE(r.ok()) << r.problems.front();
    const xml x(r.xml);
    EXPECT_EQ(
        x.count("//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"), 0U
    );
    EXPECT_EQ(
        x.text("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent"), "0"
    );
    EXPECT_EQ(
        x.text("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReasonCode"),
        "VATEX-EU-O"
    );
    EXPECT_EQ(x.count("//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"), 0U);
}

TEST(EinvoiceWriter, ExemptionReasonsComeFromThePlanOrTheCategory) {
    const std::string lines = R"(
  - id: RE-E
    plan: P-1
    lines:
      - {description: Kurs, quantity: 1, unit_price: 500.00, vat: {category: E}, period: {from: 2026-01-01, to: 2026-01-31}}
    finalize: {number: RE-E, issue_date: 2026-02-01}
)";
    // E without a stated legal basis is refused ...
    auto docs =
        build(file_text("    buyer_reference: B-1\n    payment_means: {type: credit_transfer}", lines));
    ASSERT_EQ(docs.size(), 1U);
    auto r = write_ubl(docs[0].doc, ubl_profile::en16931);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.xml.empty());
    EXPECT_NE(r.problems.front().find("BR-E-10"), std::string::npos) << r.problems.front();
    // ... and written with the plan's text.
    docs = build(file_text(
        "    buyer_reference: B-1\n    payment_means: {type: credit_transfer}\n    vat_exemptions: "
        "[{category: E, text: "
        "Steuerfrei nach § 4 Nr. 21 UStG}]",
        lines
    ));
    r = write_ubl(docs[0].doc, ubl_profile::en16931);
    ASSERT_TRUE(r.ok()) << r.problems.front();
    EXPECT_EQ(
        xml(r.xml).text("//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason"),
        "Steuerfrei nach § 4 Nr. 21 UStG"
    );
}

TEST(EinvoiceWriter, XRechnungRefusesDocumentsWithoutItsMandatoryData) {
    const auto docs = build(file_text("", invoice_with_discounts));
    ASSERT_EQ(docs.size(), 1U);
    const auto x = write_cii(docs[0].doc, cii_profile::xrechnung);
    ASSERT_FALSE(x.ok());
    std::string all;
    for (const auto& p : x.problems) {
        all += p + "\n";
    }
    EXPECT_NE(all.find("BR-DE-15"), std::string::npos) << all;  // buyer reference
    EXPECT_NE(all.find("BR-DE-1)"), std::string::npos) << all;  // payment instructions
    // Plain EN 16931 needs neither.
    EXPECT_TRUE(write_cii(docs[0].doc, cii_profile::en16931).ok());
}

TEST(EinvoiceWriter, ThirdDecimalOfBhdIsRefusedNotRounded) {
    std::string text = file_text("    payment_means: {type: credit_transfer}", R"(
  - id: RE-B
    plan: P-1
    lines:
      - {description: Gerät, quantity: 1, unit_price: 10.125, vat: {category: G}, period: {from: 2026-01-01, to: 2026-01-01}}
    finalize: {number: RE-B, issue_date: 2026-02-01}
)");
    text.replace(text.find("currency: EUR"), 13, "currency: BHD");
    const auto docs = build(text);
    ASSERT_EQ(docs.size(), 1U);
    const auto r = write_cii(docs[0].doc, cii_profile::en16931);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.problems.front().find("BR-DEC"), std::string::npos) << r.problems.front();
}

TEST(EinvoiceWriter, VatAccountingCurrencyAddsTheVatTotalInIt) {
    std::string text = file_text("    payment_means: {type: credit_transfer}", R"(
  - id: RE-C
    plan: P-1
    lines:
      - {description: Beratung, quantity: 3, unit_price: 185.00, vat: {category: S, rate: 19}, period: {from: 2026-01-01, to: 2026-01-31}}
    vat_currency: {code: EUR, rate: 1.0642}
    finalize: {number: RE-C, issue_date: 2026-02-01}
)");
    text.replace(text.find("currency: EUR"), 13, "currency: CHF");
    const auto docs = build(text);
    ASSERT_EQ(docs.size(), 1U);
    // VAT 555.00 x 19 % = 105.45 CHF; x 1.0642 = 112.220... -> 112.22 EUR.
    const auto cii = write_cii(docs[0].doc, cii_profile::en16931);
    ASSERT_TRUE(cii.ok()) << cii.problems.front();
    const xml c(cii.xml);
    EXPECT_EQ(c.text("//ram:TaxCurrencyCode"), "EUR");
    EXPECT_EQ(c.text("//ram:TaxTotalAmount[@currencyID='CHF']"), "105.45");
    EXPECT_EQ(c.text("//ram:TaxTotalAmount[@currencyID='EUR']"), "112.22");
    const auto ubl = write_ubl(docs[0].doc, ubl_profile::en16931);
    ASSERT_TRUE(ubl.ok()) << ubl.problems.front();
    const xml u(ubl.xml);
    EXPECT_EQ(u.count("/*/cac:TaxTotal"), 2U);
    EXPECT_EQ(u.text("/*/cac:TaxTotal[cbc:TaxAmount/@currencyID='EUR']/cbc:TaxAmount"), "112.22");
    EXPECT_EQ(u.count("/*/cac:TaxTotal[cbc:TaxAmount/@currencyID='EUR']/cac:TaxSubtotal"), 0U);
}

TEST(EinvoiceWriter, GermanSellerMustStateForeignCurrencyVatInEuro) {
    std::string text = file_text("    payment_means: {type: credit_transfer}", R"(
  - id: RE-U
    plan: P-1
    lines:
      - {description: Beratung, quantity: 1, unit_price: 100.00, vat: {category: S, rate: 19}, period: {from: 2026-01-01, to: 2026-01-31}}
    finalize: {number: RE-U, issue_date: 2026-02-01}
)");
    text.replace(text.find("currency: EUR"), 13, "currency: USD");
    const auto docs = build(text);
    ASSERT_EQ(docs.size(), 1U);
    const auto r = write_ubl(docs[0].doc, ubl_profile::en16931);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.problems.front().find("UStAE 14.5"), std::string::npos) << r.problems.front();
}

TEST(EinvoiceWriter, DirectDebitAndCardPaymentMeans) {
    const std::string drafts = R"(
  - id: RE-D
    plan: P-1
    lines:
      - {description: Speicher, quantity: 1, unit_price: 90.00, vat: {category: S, rate: 19}, period: {from: 2026-01-01, to: 2026-03-31}}
    finalize: {number: RE-D, issue_date: 2026-01-01}
)";
    auto docs = build(file_text(
        "    payment_means: {type: direct_debit, mandate_reference: M-7, debtor_iban: "
        "DE75512108001245126199}",
        drafts
    ));
    ASSERT_EQ(docs.size(), 1U);
    auto r = write_cii(docs[0].doc, cii_profile::en16931);
    ASSERT_TRUE(r.ok()) << r.problems.front();
    xml c(r.xml);
    EXPECT_EQ(c.text("//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"), "59");
    EXPECT_EQ(c.text("//ram:CreditorReferenceID"), "DE98ZZZ09999999999");
    EXPECT_EQ(c.text("//ram:DirectDebitMandateID"), "M-7");
    EXPECT_EQ(c.text("//ram:PayerPartyDebtorFinancialAccount/ram:IBANID"), "DE75512108001245126199");
    r = write_ubl(docs[0].doc, ubl_profile::en16931);
    ASSERT_TRUE(r.ok());
    const xml u(r.xml);
    EXPECT_EQ(u.text("//cac:PaymentMandate/cbc:ID"), "M-7");
    EXPECT_EQ(
        u.text("//cac:AccountingSupplierParty//cac:PartyIdentification/cbc:ID[@schemeID='SEPA']"),
        "DE98ZZZ09999999999"
    );

    docs = build(file_text(
        "    payment_means: {type: card, card_last_digits: \"4242\", card_network: VISA, card_holder: M. "
        "Rossi}",
        drafts
    ));
    r = write_ubl(docs[0].doc, ubl_profile::en16931);
    ASSERT_TRUE(r.ok());
    const xml card(r.xml);
    EXPECT_EQ(card.text("//cac:PaymentMeans/cbc:PaymentMeansCode"), "48");
    EXPECT_EQ(card.text("//cac:CardAccount/cbc:PrimaryAccountNumberID"), "4242");
    EXPECT_EQ(card.text("//cac:CardAccount/cbc:NetworkID"), "VISA");
}

TEST(EinvoiceWriter, ProFormaNeedsADocumentIdAndIsNoPaymentRequest) {
    const auto docs = build(file_text("    payment_means: {type: credit_transfer}", R"(
  - id: PF-1
    plan: P-1
    type: pro_forma
    lines:
      - {description: Muster, quantity: 1, unit_price: 10.00, vat: {category: S, rate: 19}, period: {from: 2026-01-01, to: 2026-01-01}}
    finalize: {issue_date: 2026-01-02}
)"));
    ASSERT_EQ(docs.size(), 1U);
    EXPECT_FALSE(write_cii(docs[0].doc, cii_profile::en16931).ok());
    xml_options options;
    options.document_id = "PF-1";
    const auto r = write_cii(docs[0].doc, cii_profile::en16931, options);
    ASSERT_TRUE(r.ok()) << r.problems.front();
    const xml x(r.xml);
    EXPECT_EQ(x.text("//rsm:ExchangedDocument/ram:ID"), "PF-1");
    EXPECT_EQ(x.text("//rsm:ExchangedDocument/ram:TypeCode"), "325");
    EXPECT_EQ(x.count("//ram:DueDateDateTime"), 0U);
}

TEST(EinvoiceWriter, ProfilesNameTheirSpecification) {
    const auto docs = build(file_text(
        "    buyer_reference: B-1\n    payment_means: {type: credit_transfer}", invoice_with_discounts
    ));
    ASSERT_EQ(docs.size(), 1U);
    for (auto p : {cii_profile::en16931, cii_profile::extended, cii_profile::xrechnung}) {
        const auto r = write_cii(docs[0].doc, p);
        ASSERT_TRUE(r.ok()) << r.problems.front();
        EXPECT_EQ(
            xml(r.xml).text("//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"), specification_id(p)
        );
    }
    EXPECT_EQ(
        specification_id(cii_profile::extended),
        "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"
    );
    EXPECT_EQ(
        xml(write_ubl(docs[0].doc, ubl_profile::xrechnung).xml).text("//cbc:CustomizationID"),
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    );
}

}  // namespace
}  // namespace fakturad::documents
