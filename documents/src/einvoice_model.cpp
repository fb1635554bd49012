#include "einvoice_model.hpp"

#include "fakturad/billing/vat.hpp"
#include "fakturad/core/money_error.hpp"

#include <algorithm>

namespace fakturad::documents::detail {
namespace {

bool german(const billing::invoice& doc) { return doc.language == "de"; }

// Texts that state a category's reason on their own; an exempt supply (E) must name its legal basis.
std::string default_exemption_text(std::string_view category, bool de) {
    if (category == "AE") {
        return de ? "Steuerschuldnerschaft des Leistungsempfängers" : "Reverse charge";
    }
    if (category == "K") {
        return de ? "Steuerfreie innergemeinschaftliche Lieferung" : "Intra-community supply";
    }
    if (category == "G") {
        return de ? "Steuerfreie Ausfuhrlieferung" : "Export outside the EU";
    }
    if (category == "O") {
        return de ? "Nicht steuerbarer Umsatz" : "Not subject to VAT";
    }
    return {};
}

// BT-146 such that quantity x price stays within one cent of the line net (PEPPOL-EN16931-R120 allows
// 0.02): the unit price when it reproduces the net, else the net divided by the quantity with as many
// places as needed (a prorated line: 12/31 of a month's price).
decimal net_price_of(const billing::invoice_line& l, int places) {
    if (l.quantity.is_zero()) {
        return l.unit_price;
    }
    if (auto exact = multiply(l.quantity, l.unit_price, places, commercial_rounding);
        exact && *exact == l.net) {
        return l.unit_price;
    }
    const decimal cent = decimal::from_parts(1, 2).value();
    for (int scale = 2; scale <= 12; ++scale) {
        auto price = divide(l.net, l.quantity, scale, commercial_rounding);
        if (!price) {
            break;
        }
        auto product = multiply(l.quantity, *price);
        if (!product) {
            continue;
        }
        if ((*product - l.net).abs() <= cent) {
            return price->trimmed();
        }
    }
    return l.unit_price;
}

bool same_charge(
    const line& candidate, const billing::invoice_line& source, const billing::invoice_line& discount
) {
    return source.kind == billing::line_kind::charge && source.plan_id == discount.plan_id &&
           source.item_key == discount.item_key && source.vat == discount.vat &&
           source.period == discount.period && candidate.adjustments.empty();
}

std::string date_text(civil_date d) { return format_iso_date(d); }

void check_party(
    const billing::party& p, std::string_view role, bool xrechnung, std::vector<std::string>& problems
) {
    const std::string who(role);
    if (p.name.empty()) {
        problems.push_back(who + " has no name");
    }
    if (p.country.empty()) {
        problems.push_back(who + " has no country (BT-40/BT-55 are mandatory)");
    }
    if (xrechnung) {
        if (p.city.empty()) {
            problems.push_back(who + " has no city (XRechnung BR-DE-3/BR-DE-8): set `city`");
        }
        if (p.postcode.empty()) {
            problems.push_back(who + " has no post code (XRechnung BR-DE-4/BR-DE-9): set `postcode`");
        }
        if (!p.endpoint) {
            problems.push_back(
                who +
                " has no electronic address (XRechnung PEPPOL-EN16931-R010/R020): set `electronic_address`"
            );
        }
    }
}

}  // namespace

std::string plain_text(decimal value) { return to_string(value.trimmed()); }

std::string date_102(civil_date d) {
    std::string iso = format_iso_date(d);
    iso.erase(std::remove(iso.begin(), iso.end(), '-'), iso.end());
    return iso;
}

std::string amount_text(decimal value, const model& m, std::vector<std::string>& problems) {
    const int places = std::min(m.doc->cur.minor_units(), 2);
    const decimal t = value.trimmed();
    if (t.scale() > 2) {
        problems.push_back(
            "amount " + to_string(value) + " " + m.currency +
            " has more than 2 decimal places, which EN 16931 does not allow (BR-DEC-*)"
        );
    }
    auto r = rescale(t, std::max<int>(places, std::min<int>(t.scale(), 2)), commercial_rounding);
    return to_string(r ? *r : t);
}

model build_model(
    const billing::invoice& doc,
    bool xrechnung,
    const xml_options& options,
    std::vector<std::string>& problems
) {
    model m;
    m.doc = &doc;
    m.xrechnung = xrechnung;
    m.credit = billing::is_credit_document(doc.type);
    m.type_code = std::string(billing::untdid_1001_code(doc.type));
    m.currency = std::string(doc.cur.code());
    const bool de = german(doc);

    m.id = doc.number.empty() ? options.document_id : doc.number;
    if (m.id.empty()) {
        problems.push_back(
            doc.type == billing::document_type::pro_forma
                ? "a pro-forma document has no number: pass its document id (BT-1)"
                : "the document has no number: finalize it first"
        );
    }
    if (!doc.issue_date) {
        problems.push_back("the document has no issue date: finalize it first");
    } else {
        m.issue_date = *doc.issue_date;
    }
    if (doc.lines.empty()) {
        problems.push_back("the document has no lines");
    }
    check_party(doc.seller, "the seller", xrechnung, problems);
    check_party(doc.bill_to, "the buyer", xrechnung, problems);
    // The account is written as the deliver-to party (BG-13/15): BR-57 wants its country, XRechnung its
    // city and post code (BR-DE-10/11).
    if (!(doc.account == doc.bill_to)) {
        if (doc.account.country.empty()) {
            problems.push_back("the customer account has no country (deliver-to country, BR-57)");
        }
        if (xrechnung && (doc.account.city.empty() || doc.account.postcode.empty())) {
            problems.push_back("the customer account needs city and post code (XRechnung BR-DE-10/11)");
        }
    }
    if (doc.seller.vat_id.empty() && doc.seller.registration_id.empty()) {
        problems.push_back(
            "the seller needs a VAT id or a legal registration id (BR-CO-26): set vat_id or registration_id"
        );
    }

    // Lines: item discounts become line allowances of their charge line, invoice discounts document
    // allowances; everything else is a line of its own.
    const int places = doc.cur.minor_units();
    std::vector<const billing::invoice_line*> sources;
    for (const auto& l : doc.lines) {
        const bool discount = l.kind == billing::line_kind::discount;
        if (discount && l.item_key.empty()) {
            allowance_charge ac;
            ac.charge = l.net.is_negative() ? false : true;
            ac.amount = l.net.abs();
            ac.reason = l.description;
            ac.reason_code = ac.charge ? "" : "95";
            ac.category = l.vat.category;
            ac.rate = l.vat.rate;
            m.document_adjustments.push_back(std::move(ac));
            continue;
        }
        if (discount && !m.lines.empty() && same_charge(m.lines.back(), *sources.back(), l)) {
            line& target = m.lines.back();
            allowance_charge ac;
            ac.charge = !l.net.is_negative();
            ac.amount = l.net.abs();
            ac.reason = l.description;
            ac.reason_code = ac.charge ? "" : "95";
            target.adjustments.push_back(std::move(ac));
            target.net = target.net + l.net;
            continue;
        }
        line out;
        out.id = std::to_string(m.lines.size() + 1);
        out.name = l.description;
        out.quantity = l.quantity;
        out.unit = l.unit_code;
        out.net_price = net_price_of(l, places);
        out.net = l.net;
        out.category = l.vat.category;
        out.rate = l.vat.rate;
        out.period = l.period;
        m.lines.push_back(std::move(out));
        sources.push_back(&l);
    }

    // Totals exactly as billing stated them.
    m.line_total = decimal{};
    for (const auto& l : m.lines) {
        m.line_total = m.line_total + l.net;
    }
    m.allowance_total = m.charge_total = decimal{};
    for (const auto& ac : m.document_adjustments) {
        (ac.charge ? m.charge_total : m.allowance_total) =
            (ac.charge ? m.charge_total : m.allowance_total) + ac.amount;
    }
    m.tax_basis = doc.totals.net;
    m.tax_total = doc.totals.tax;
    m.grand_total = doc.totals.gross;
    m.prepaid = doc.totals.prepaid;
    m.payable = doc.totals.due;
    if (m.line_total - m.allowance_total + m.charge_total != m.tax_basis) {
        problems.push_back(
            "line nets minus allowances plus charges (" +
            to_string(m.line_total - m.allowance_total + m.charge_total) +
            ") differ from the stated net total " + to_string(m.tax_basis) + ": recompute the totals"
        );
    }
    // A German seller states VAT of a foreign-currency invoice also in EUR (§ 16 Abs. 6 UStG, UStAE 14.5
    // Abs. 18): BT-6 = EUR with BT-111.
    if (doc.seller.country == "DE" && doc.cur.code() != "EUR" && !doc.totals.tax.is_zero() &&
        !(doc.vat_currency && doc.vat_currency->cur.code() == "EUR")) {
        problems.push_back(
            "a German seller must state the VAT of a " + m.currency +
            " invoice also in EUR (UStAE 14.5): give the draft a vat_currency {code: EUR, rate}"
        );
    }
    if (auto converted = billing::vat_total_in_accounting_currency(doc)) {
        m.tax_total_accounting = *converted;
        if (doc.vat_currency && doc.vat_currency->cur.code() == doc.cur.code()) {
            problems.push_back(
                "the VAT accounting currency must differ from the invoice currency (PEPPOL-EN16931-R005)"
            );
        }
    } else {
        problems.push_back(converted.error().message);
    }

    // VAT breakdown with exemption reasons.
    bool has_o = false;
    bool has_other = false;
    for (const auto& s : doc.totals.breakdown) {
        tax_group g;
        g.category = s.category;
        g.rate = s.rate;
        g.taxable = s.taxable;
        g.tax = s.tax;
        const bool needs_reason = billing::vat_exemption_required(s.category).value_or(false);
        if (needs_reason) {
            auto it = std::find_if(doc.vat_exemptions.begin(), doc.vat_exemptions.end(), [&](const auto& e) {
                return e.category == s.category;
            });
            if (it != doc.vat_exemptions.end()) {
                g.exemption_code = it->code;
                g.exemption_text = it->text;
            } else {
                g.exemption_code = std::string(billing::default_vatex_code(s.category));
                g.exemption_text = default_exemption_text(s.category, de);
            }
            if (g.exemption_code.empty() && g.exemption_text.empty()) {
                problems.push_back(
                    "VAT category " + s.category +
                    " needs an exemption reason (BR-E-10): add vat_exemptions with its legal basis"
                );
            }
        }
        has_o = has_o || s.category == "O";
        has_other = has_other || s.category != "O";
        const bool seller_id = !doc.seller.vat_id.empty() || !doc.seller.tax_number.empty();
        if (s.category == "AE" && (!seller_id || doc.bill_to.vat_id.empty())) {
            problems.push_back("reverse charge (AE) needs the seller's and the buyer's VAT id (BR-AE-02/04)");
        }
        if (s.category == "K" && (doc.seller.vat_id.empty() || doc.bill_to.vat_id.empty())) {
            problems.push_back(
                "an intra-community supply (K) needs the seller's and the buyer's VAT id (BR-IC-02/04)"
            );
        }
        if (s.category == "K" && !doc.service_period) {
            problems.push_back("an intra-community supply (K) needs a delivery or service period (BR-IC-11)");
        }
        if (s.category == "G" && doc.seller.vat_id.empty()) {
            problems.push_back("an export (G) needs the seller's VAT id (BR-G-02)");
        }
        if ((s.category == "S" || s.category == "Z" || s.category == "E" || s.category == "L" ||
             s.category == "M") &&
            !seller_id) {
            problems.push_back(
                "VAT category " + s.category + " needs the seller's VAT id or tax number (BR-" + s.category +
                "-02)"
            );
        }
        m.taxes.push_back(std::move(g));
    }
    if (has_o && has_other) {
        problems.push_back(
            "a document with category O (not subject to VAT) may hold no other category (BR-O-11)"
        );
    }
    m.omit_vat_ids = has_o;

    // Notes: the engine's notes, the deducted advances of a final invoice, the corrected document.
    m.notes = doc.notes;
    if (doc.corrects) {
        m.preceding.push_back(*doc.corrects);
    }
    for (const auto& d : doc.deductions) {
        m.preceding.push_back(d.document);
        std::string note = de ? "Abzüglich " : "Less ";
        note += d.document.number;
        if (d.document.issue_date) {
            note += (de ? " vom " : " of ") + date_text(*d.document.issue_date);
        }
        note += ": " + to_string(d.gross) + " " + m.currency;
        m.notes.push_back(std::move(note));
    }

    // Payment terms (BT-20) and the payment instructions XRechnung requires (BR-DE-1).
    if (!doc.terms.note.empty()) {
        m.payment_terms = doc.terms.note;
    } else if (doc.type == billing::document_type::pro_forma) {
        m.payment_terms = de ? "Proformarechnung, keine Zahlungsaufforderung"
                             : "Pro-forma invoice, not a request for payment";
    } else if (m.credit) {
        m.payment_terms = de ? "Der Betrag wird erstattet." : "The amount will be refunded.";
    } else {
        m.payment_terms =
            de ? "Zahlbar innerhalb von " + std::to_string(doc.terms.net_days) + " Tagen ohne Abzug."
               : "Payable within " + std::to_string(doc.terms.net_days) + " days without deduction.";
    }
    if (doc.payment) {
        using billing::payment_means_code;
        if (doc.payment->code == payment_means_code::credit_transfer &&
            (!doc.seller.bank || doc.seller.bank->iban.empty())) {
            problems.push_back(
                "a credit transfer needs the seller's IBAN (BR-61): set the bank_account of the legal entity"
            );
        }
        if (doc.payment->code == payment_means_code::direct_debit &&
            (doc.payment->mandate_reference.empty() || doc.payment->debtor_iban.empty() ||
             doc.seller.creditor_id.empty())) {
            problems.push_back(
                "a direct debit needs mandate reference, debtor IBAN and the seller's creditor id "
                "(BR-DE-29/30/31)"
            );
        }
        if (doc.payment->code == payment_means_code::card && doc.payment->card_last_digits.empty()) {
            problems.push_back("a card payment needs the card's last digits (BT-87)");
        }
    } else if (xrechnung) {
        problems.push_back("XRechnung needs payment instructions (BR-DE-1): set the plan's payment_means");
    }

    if (xrechnung) {
        if (doc.references.buyer_reference.empty()) {
            problems.push_back(
                "XRechnung needs a buyer reference (BR-DE-15): set buyer_reference (the Leitweg-ID for "
                "public buyers)"
            );
        }
        const auto& c = doc.seller.invoice_contact;
        if (c.name.empty() || c.phone.empty() || c.email.empty()) {
            problems.push_back(
                "XRechnung needs the seller contact's name, phone and e-mail (BR-DE-2/5/6/7): set contact"
            );
        }
    }
    return m;
}

}  // namespace fakturad::documents::detail
