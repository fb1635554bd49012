#pragma once
// Invoices for the PDF tests and the documents benchmark: a German seller, buyers in Germany, France and
// the US, every document type, 1 to 120 lines. Names carry umlauts, ß, € and letters outside Latin-1 (Ł, ř)
// so that the font subsets, the CID font path and text extraction are exercised.

#include "fakturad/billing/invoice.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"

#include <stdexcept>
#include <string>
#include <variant>

namespace fakturad::documents::test {

inline civil_date day(int y, unsigned m, unsigned d) {
    return civil_date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

inline decimal dec(std::string_view text) { return parse_decimal_or_throw(text); }

inline billing::party seller() {
    billing::party p;
    p.id = "DE01";
    p.name = "Musterfirma GmbH";
    p.address = {"Hauptstraße 5"};
    p.postcode = "10115";
    p.city = "Berlin";
    p.country = "DE";
    p.vat_id = "DE123456789";
    p.tax_number = "30/123/45678";
    p.registration_id = "HRB 123456 B";
    p.legal_registration = "Amtsgericht Berlin-Charlottenburg";
    p.invoice_contact = {"Jörg Weiß", "+49 30 1234567", "rechnung@musterfirma.example"};
    p.endpoint = billing::electronic_address{"EM", "rechnung@musterfirma.example"};
    p.bank = billing::bank_account{"DE02120300000000202051", "BYLADEM1001", "Musterfirma GmbH"};
    p.creditor_id = "DE98ZZZ09999999999";
    return p;
}

inline billing::party buyer_de() {
    billing::party p;
    p.id = "K-10042";
    p.name = "Bäckerei Müller & Söhne KG";
    p.address = {"Große Straße 12"};
    p.postcode = "80331";
    p.city = "München";
    p.country = "DE";
    p.vat_id = "DE987654321";
    p.invoice_contact = {"Frau Özlem Çelik", "+49 89 7654321", "buchhaltung@mueller.example"};
    p.endpoint = billing::electronic_address{"EM", "buchhaltung@mueller.example"};
    return p;
}

inline billing::party buyer_fr() {
    billing::party p;
    p.id = "K-20007";
    p.name = "Société Générale d’Informatique SARL";
    p.address = {"12 rue de l’Église"};
    p.postcode = "75004";
    p.city = "Paris";
    p.country = "FR";
    p.vat_id = "FR40303265045";
    p.endpoint = billing::electronic_address{"EM", "factures@sgi.example"};
    return p;
}

inline billing::party buyer_us() {
    billing::party p;
    p.id = "K-30011";
    p.name = "Dvořák Analytics Inc.";
    p.address = {"500 Market Street", "Suite 1200"};
    p.postcode = "94105";
    p.city = "San Francisco";
    p.subdivision = "CA";
    p.country = "US";
    p.endpoint = billing::electronic_address{"EM", "ap@dvorak.example"};
    return p;
}

// A line whose net is quantity x price (exact at the currency's places for the prices used here).
inline billing::invoice_line line(
    std::string description, std::string_view qty, std::string_view price, billing::vat_treatment vat
) {
    billing::invoice_line l;
    l.kind = billing::line_kind::manual;
    l.description = std::move(description);
    l.quantity = dec(qty);
    l.unit_price = dec(price);
    l.vat = std::move(vat);
    l.net = rescale(l.quantity * l.unit_price, 2, commercial_rounding).value();
    l.period = date_range{day(2026, 10, 1), day(2026, 10, 31)};
    return l;
}

inline void totals(billing::invoice& doc) {
    if (auto s = billing::compute_totals(doc); !s) {
        throw std::runtime_error("test invoice totals: " + s.error().message);
    }
}

// Descriptions as billing writes them; every sixth wraps to three lines in the table.
inline std::string description(std::size_t i) {
    static const char* const items[] = {
        "Lizenz „Kassensystem Pro“, Oktober 2026",
        "Wartung & Support (Stufe Gold)",
        "Schulung vor Ort, Trainer: Łukasz Wójcik",
        "Cloud-Speicher 500 GB",
        "Einrichtung Filiale Straßburg",
        "Anpassung der Schnittstelle zur Warenwirtschaft inkl. Datenübernahme aus dem Altsystem, Test "
        "und Dokumentation für alle Filialen der Region Süd",
    };
    return std::string(items[i % 6]) + " #" + std::to_string(i + 1);
}

// A German B2B invoice with n lines at 19 % and 7 %, finalized, credit transfer.
inline billing::invoice german_invoice(std::size_t n, std::string language = "de") {
    billing::invoice doc;
    doc.type = billing::document_type::invoice;
    doc.status = billing::invoice_status::finalized;
    doc.number = "RE-2026-00042";
    doc.issue_date = day(2026, 11, 2);
    doc.due_date = day(2026, 11, 16);
    doc.seller = seller();
    doc.account = buyer_de();
    doc.bill_to = buyer_de();
    doc.language = std::move(language);
    doc.terms.net_days = 14;
    doc.references.order_reference = "PO-4711";
    doc.payment = billing::payment_means{};
    for (std::size_t i = 0; i < n; ++i) {
        const bool reduced = i % 5 == 4;
        doc.lines.push_back(line(
            description(i),
            i % 3 == 0 ? "3" : "1.5",
            i % 2 == 0 ? "129.90" : "1249.00",
            {"S", reduced ? dec("7") : dec("19")}
        ));
    }
    totals(doc);
    return doc;
}

// Reverse charge to a French business customer, English.
inline billing::invoice reverse_charge_invoice() {
    billing::invoice doc = german_invoice(0, "en");
    doc.number = "RE-2026-00043";
    doc.account = buyer_fr();
    doc.bill_to = buyer_fr();
    doc.lines.push_back(
        line("Software licence “Kassensystem Pro”, October 2026", "10", "49.00", {"AE", dec("0")})
    );
    doc.lines.push_back(line("Remote support, 6 hours", "6", "95.00", {"AE", dec("0")}));
    doc.lines.back().unit_code = "HUR";
    doc.vat_exemptions.push_back({"AE", "VATEX-EU-AE", "Reverse charge"});
    totals(doc);
    return doc;
}

// Export of services to the US in USD, English.
inline billing::invoice export_invoice() {
    billing::invoice doc = german_invoice(0, "en");
    doc.number = "RE-2026-00044";
    doc.cur = currency("USD");
    doc.account = buyer_us();
    doc.bill_to = buyer_us();
    doc.lines.push_back(line("Consulting, data migration", "12", "180.00", {"O", dec("0")}));
    doc.lines.back().unit_code = "HUR";
    doc.vat_exemptions.push_back({"O", "VATEX-EU-O", "Not subject to VAT in Germany"});
    totals(doc);
    return doc;
}

inline billing::invoice of_type(billing::document_type type, std::string language = "de") {
    billing::invoice doc = german_invoice(4, std::move(language));
    doc.type = type;
    switch (type) {
        case billing::document_type::pro_forma:
            doc.number.clear();
            break;
        case billing::document_type::advance:
        case billing::document_type::progress:
        case billing::document_type::partial:
            doc.number = "AR-2026-00007";
            break;
        case billing::document_type::final_invoice: {
            doc.number = "SR-2026-00003";
            billing::deduction d;
            d.document = {"AR-2026-00007", day(2026, 9, 1), billing::document_type::advance};
            billing::vat_subtotal v;
            v.category = "S";
            v.rate = dec("19");
            v.taxable = dec("1000.00");
            v.tax = dec("190.00");
            d.amounts.push_back(v);
            d.gross = dec("1190.00");
            doc.deductions.push_back(d);
            break;
        }
        case billing::document_type::cancellation:
        case billing::document_type::credit_note:
            doc.number = "GS-2026-00005";
            doc.corrects = billing::document_reference{
                "RE-2026-00040", day(2026, 10, 1), billing::document_type::invoice};
            break;
        case billing::document_type::invoice:
            break;
    }
    totals(doc);
    return doc;
}

}  // namespace fakturad::documents::test
