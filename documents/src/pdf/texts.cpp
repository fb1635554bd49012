#include "texts.hpp"

#include <array>
#include <string>

namespace fakturad::documents::detail {
namespace {

constexpr texts german{
    "Rechnungsnummer",
    "Rechnungsdatum",
    "Leistungszeitraum",
    "Leistungsdatum",
    "Kundennummer",
    "Ihre USt-IdNr.",
    "Ihre Bestellung",
    "Ihr Zeichen / Leitweg-ID",
    "Vertrag",
    "Fällig am",
    "ENTWURF – nicht gültig",
    "Pos.",
    "Beschreibung",
    "Menge",
    "Einzelpreis",
    "USt.",
    "Betrag",
    "Übertrag",
    "Übertrag von Seite",
    "Summe netto",
    "USt. {rate} auf {base}",
    "USt.",
    "Gesamtbetrag",
    "USt. in {cur} (Kurs {rate})",
    "abzüglich",
    "netto",
    "Zahlbetrag",
    "Gutschriftbetrag",
    "Storno zur Rechnung",
    "Korrektur zur Rechnung",
    "vom",
    "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
    "Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1b i. V. m. § 6a UStG).",
    "Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1a i. V. m. § 6 UStG).",
    "Nicht im Inland steuerbare Leistung.",
    "Steuerfreie Leistung.",
    "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet.",
    "Die Umsatzsteuer entsteht mit Eingang der Zahlung.",
    "Bitte überweisen Sie {amount} bis zum {date} auf das unten genannte Konto.",
    "Bitte überweisen Sie {amount} auf das unten genannte Konto.",
    "Der Betrag von {amount} wird zum {date} per SEPA-Lastschrift von Ihrem Konto {iban} eingezogen.",
    "Der Betrag von {amount} wurde mit Ihrer Karte {card} bezahlt.",
    "Der Rechnungsbetrag ist durch die Anzahlungen vollständig beglichen.",
    "Der Betrag von {amount} wird Ihnen erstattet oder mit offenen Rechnungen verrechnet.",
    "Proformarechnung: keine Rechnung im Sinne des § 14 UStG und keine Zahlungsaufforderung.",
    "Kontoinhaber",
    "Verwendungszweck",
    "Mandatsreferenz",
    "Gläubiger-ID",
    "GiroCode: mit der Banking-App scannen",
    "USt-IdNr.",
    "Steuernummer",
    "Telefon",
    "E-Mail",
    "Seite {page} von {pages}",
};

constexpr texts english{
    "Invoice number",
    "Invoice date",
    "Service period",
    "Date of supply",
    "Customer number",
    "Your VAT ID",
    "Your order",
    "Your reference",
    "Contract",
    "Due date",
    "DRAFT – not valid",
    "No.",
    "Description",
    "Quantity",
    "Unit price",
    "VAT",
    "Amount",
    "Carried forward",
    "Brought forward from page",
    "Total net",
    "VAT {rate} on {base}",
    "VAT",
    "Total",
    "VAT in {cur} (exchange rate {rate})",
    "less",
    "net",
    "Amount due",
    "Amount credited",
    "Cancellation of invoice",
    "Correction of invoice",
    "of",
    "Reverse charge: VAT is to be accounted for by the recipient (Art. 196 Directive 2006/112/EC).",
    "VAT-exempt intra-community supply (Art. 138 Directive 2006/112/EC).",
    "VAT-exempt export outside the EU (Art. 146 Directive 2006/112/EC).",
    "Not subject to VAT in Germany (outside the scope of VAT).",
    "VAT-exempt supply.",
    "No VAT is charged: small business under § 19 UStG (German VAT Act).",
    "The VAT becomes due when the payment is received.",
    "Please transfer {amount} by {date} to the account below.",
    "Please transfer {amount} to the account below.",
    "The amount of {amount} will be collected by SEPA direct debit from your account {iban} on {date}.",
    "The amount of {amount} has been paid with your card {card}.",
    "The invoice amount has been settled in full by the advance payments.",
    "The amount of {amount} will be refunded or set off against open invoices.",
    "Pro forma invoice: not a VAT invoice and not a request for payment.",
    "Account holder",
    "Payment reference",
    "Mandate reference",
    "Creditor ID",
    "GiroCode: scan with your banking app",
    "VAT ID",
    "Tax number",
    "Phone",
    "Email",
    "Page {page} of {pages}",
};

}  // namespace

const texts& texts_for(language lang) noexcept { return lang == language::de ? german : english; }

std::string_view document_title(billing::document_type type, language lang) noexcept {
    const bool de = lang == language::de;
    switch (type) {
        case billing::document_type::invoice:
            return de ? "Rechnung" : "Invoice";
        case billing::document_type::pro_forma:
            return de ? "Proformarechnung" : "Pro forma invoice";
        case billing::document_type::advance:
            return de ? "Anzahlungsrechnung" : "Advance payment invoice";
        case billing::document_type::progress:
            return de ? "Abschlagsrechnung" : "Progress invoice";
        case billing::document_type::partial:
            return de ? "Teilrechnung" : "Partial invoice";
        case billing::document_type::final_invoice:
            return de ? "Schlussrechnung" : "Final invoice";
        case billing::document_type::cancellation:
            return de ? "Stornorechnung" : "Cancellation invoice";
        case billing::document_type::credit_note:
            // "Gutschrift" alone would read as self-billing (§ 14 Abs. 2 UStG); the correction is named.
            return de ? "Gutschrift (Rechnungskorrektur)" : "Credit note";
    }
    return de ? "Rechnung" : "Invoice";
}

std::string_view unit_name(std::string_view code, language lang) noexcept {
    struct unit {
        std::string_view code;
        std::string_view de;
        std::string_view en;
    };
    static constexpr std::array<unit, 12> units{{
        {"C62", "Stk.", "pcs"},
        {"H87", "Stk.", "pcs"},
        {"HUR", "Std.", "h"},
        {"DAY", "Tage", "days"},
        {"WEE", "Wochen", "weeks"},
        {"MON", "Monate", "months"},
        {"ANN", "Jahre", "years"},
        {"KGM", "kg", "kg"},
        {"MTR", "m", "m"},
        {"LTR", "l", "l"},
        {"LS", "pauschal", "lump sum"},
        {"E48", "Leistung", "service"},
    }};
    for (const unit& u : units) {
        if (u.code == code) {
            return lang == language::de ? u.de : u.en;
        }
    }
    return {};
}

std::string fill(std::string_view pattern, std::string_view key, std::string_view value) {
    std::string out;
    const std::string token = "{" + std::string(key) + "}";
    std::size_t pos = 0;
    while (true) {
        const std::size_t hit = pattern.find(token, pos);
        if (hit == std::string_view::npos) {
            out.append(pattern.substr(pos));
            return out;
        }
        out.append(pattern.substr(pos, hit - pos));
        out.append(value);
        pos = hit + token.size();
    }
}

}  // namespace fakturad::documents::detail
