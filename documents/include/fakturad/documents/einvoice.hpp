#pragma once
// E-invoice XML writers: EN 16931 in its two syntaxes, UN/CEFACT CII D16B (CrossIndustryInvoice) and
// OASIS UBL 2.1 (Invoice, CreditNote), with the CIUS and profile variants the project emits:
//
//   cii_profile::en16931    plain EN 16931 CII = Factur-X/ZUGFeRD profile EN 16931 (BT-24
//                           urn:cen.eu:en16931:2017)
//   cii_profile::extended   Factur-X/ZUGFeRD EXTENDED (BT-24 ...#conformant#urn:factur-x.eu:1p0:extended)
//   cii_profile::xrechnung  XRechnung 3.0 CII (BT-24 ...#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0),
//                           also the ZUGFeRD XRECHNUNG profile
//   ubl_profile::en16931 / xrechnung   the same in UBL; credit documents (381) become a UBL CreditNote.
//
// The writers are pure: they take a billing document (billing/invoice.hpp) and return the XML text. They
// write what the document states and never recompute it: line nets, the VAT breakdown and the totals come
// from the engine (which keeps net + VAT = gross exactly), so the EN 16931 sum rules (BR-CO-10...16) hold
// by construction. How billing data maps:
//   - document type BT-3 from billing::untdid_1001_code; credit documents (cancellation, credit note) state
//     positive amounts under 381 and reference the corrected invoice (BG-3).
//   - discount and credit lines (negative quantity, positive price) stay invoice lines with a negative
//     quantity and net (EN 16931 allows negative BT-129/BT-131, forbids negative prices BR-27); the
//     document-level allowance/charge groups (BG-20/21) are not used, because billing computes discounts
//     per VAT group as lines. The XML therefore has BT-107 = BT-108 = 0 and no BG-20/21.
//   - a final invoice states BT-113 prepaid = the gross of its deductions and references each deducted
//     advance/progress invoice (BG-3); BT-115 = BT-112 - BT-113.
//   - exemption reasons (BT-120/121) from invoice.vat_exemptions, else the category's own VATEX code
//     (billing::default_vatex_code); category E without a stated reason is refused.
//   - payment means 58/59/48 with IBAN/BIC, mandate/creditor id/debtor IBAN, card digits; payment terms
//     text BT-20 and due date BT-9.
//   - a VAT accounting currency (invoice.vat_currency) adds BT-6 and BT-111; a German seller's invoice in
//     another currency with VAT needs one in EUR (UStAE 14.5) and is refused without it.
//   - buyer (BG-7) is the invoice recipient (invoice.bill_to); the customer account is the deliver-to
//     party (BG-13/15; the deliver-to country BT-80 that intra-community supplies need). Service periods
//     become the invoicing period BG-14 and line periods BG-26.
//   - CII holds one preceding invoice reference: a correction names the corrected document there; a final
//     invoice names its deducted advances in notes (UBL lists them all in BillingReference).
//   - EXTENDED repeats a category's exemption reason on its lines (BR-FXEXT-*-08rev).
//
// Data a profile requires but the document lacks (XRechnung: buyer reference, seller contact, electronic
// addresses, post codes and cities, payment instructions; every profile: a number and an issue date) is
// reported as problems instead of writing an invalid document: result.xml is empty then.

#include "fakturad/billing/invoice.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::documents {

enum class cii_profile : std::uint8_t { en16931, extended, xrechnung };
enum class ubl_profile : std::uint8_t { en16931, xrechnung };

// BT-24 specification identifier of the profile (CII GuidelineSpecifiedDocumentContextParameter, UBL
// CustomizationID).
[[nodiscard]] std::string_view specification_id(cii_profile p) noexcept;
[[nodiscard]] std::string_view specification_id(ubl_profile p) noexcept;

struct xml_options {
    // BT-1 for a document without a number (a pro-forma never has one): e.g. the draft's id. Required then.
    std::string document_id;
};

struct xml_result {
    std::string xml;                    // UTF-8, with XML declaration; empty when problems is not empty
    std::vector<std::string> problems;  // what is missing or inconsistent, one sentence each

    [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
};

// Preconditions: none (every problem is reported). The document is normally finalized (number, issue and
// due date); a draft without issue date is refused.
[[nodiscard]] xml_result write_cii(
    const billing::invoice& doc, cii_profile profile, const xml_options& options = {}
);
[[nodiscard]] xml_result write_ubl(
    const billing::invoice& doc, ubl_profile profile, const xml_options& options = {}
);

}  // namespace fakturad::documents
