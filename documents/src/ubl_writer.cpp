// OASIS UBL 2.1 Invoice and CreditNote in the element order of the UBL 2.1 schemas.
#include "einvoice_model.hpp"
#include "fakturad/documents/einvoice.hpp"
#include "xml_text.hpp"

#include <pugixml.hpp>

namespace fakturad::documents {
namespace {

using detail::model;

constexpr const char* cbc_ns = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
constexpr const char* cac_ns = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";

class ubl_writer {
public:
    ubl_writer(const model& m, std::vector<std::string>& problems)
        : m_(m), doc_(*m.doc), problems_(problems) {}

    std::string write(std::string_view customization) {
        pugi::xml_document xml;
        auto decl = xml.append_child(pugi::node_declaration);
        decl.append_attribute("version") = "1.0";
        decl.append_attribute("encoding") = "UTF-8";
        auto root = xml.append_child(m_.credit ? "CreditNote" : "Invoice");
        root.append_attribute("xmlns") = m_.credit
                                             ? "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
                                             : "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
        root.append_attribute("xmlns:cac") = cac_ns;
        root.append_attribute("xmlns:cbc") = cbc_ns;

        detail::add(root, "cbc:CustomizationID", customization);
        detail::add(root, "cbc:ProfileID", "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0");
        detail::add(root, "cbc:ID", m_.id);
        detail::add(root, "cbc:IssueDate", format_iso_date(m_.issue_date));
        if (!m_.credit && doc_.due_date && doc_.type != billing::document_type::pro_forma) {
            detail::add(root, "cbc:DueDate", format_iso_date(*doc_.due_date));
        }
        detail::add(root, m_.credit ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", m_.type_code);
        for (const auto& note : m_.notes) {
            detail::add(root, "cbc:Note", note);
        }
        detail::add(root, "cbc:DocumentCurrencyCode", m_.currency);
        if (doc_.vat_currency) {
            detail::add(root, "cbc:TaxCurrencyCode", doc_.vat_currency->cur.code());
        }
        detail::add_if(root, "cbc:BuyerReference", doc_.references.buyer_reference);
        if (doc_.service_period) {
            period(root, *doc_.service_period);
        }
        if (!doc_.references.order_reference.empty()) {
            detail::add(root.append_child("cac:OrderReference"), "cbc:ID", doc_.references.order_reference);
        }
        for (const auto& ref : m_.preceding) {
            auto r = root.append_child("cac:BillingReference").append_child("cac:InvoiceDocumentReference");
            detail::add(r, "cbc:ID", ref.number);
            if (ref.issue_date) {
                detail::add(r, "cbc:IssueDate", format_iso_date(*ref.issue_date));
            }
        }
        if (!doc_.references.contract_reference.empty()) {
            detail::add(
                root.append_child("cac:ContractDocumentReference"),
                "cbc:ID",
                doc_.references.contract_reference
            );
        }
        party(root.append_child("cac:AccountingSupplierParty").append_child("cac:Party"), doc_.seller, true);
        party(
            root.append_child("cac:AccountingCustomerParty").append_child("cac:Party"), doc_.bill_to, false
        );
        // The customer (the account) receives the supply (BG-13; BT-80 for intra-community supplies).
        auto delivery = root.append_child("cac:Delivery");
        address(delivery.append_child("cac:DeliveryLocation"), "cac:Address", doc_.account);
        detail::add(
            delivery.append_child("cac:DeliveryParty").append_child("cac:PartyName"),
            "cbc:Name",
            doc_.account.name
        );
        write_payment_means(root);
        detail::add(root.append_child("cac:PaymentTerms"), "cbc:Note", m_.payment_terms);
        for (const auto& ac : m_.document_adjustments) {
            adjustment(root, ac, true);
        }
        write_tax_total(root);
        write_totals(root.append_child("cac:LegalMonetaryTotal"));
        for (const auto& l : m_.lines) {
            write_line(root, l);
        }
        return detail::to_text(xml);
    }

private:
    std::string amount(decimal v) { return detail::amount_text(v, m_, problems_); }

    pugi::xml_node money(pugi::xml_node parent, const char* name, decimal v) {
        auto n = detail::add(parent, name, amount(v));
        n.append_attribute("currencyID") = m_.currency.c_str();
        return n;
    }

    static void period(pugi::xml_node parent, const date_range& r) {
        auto p = parent.append_child("cac:InvoicePeriod");
        detail::add(p, "cbc:StartDate", format_iso_date(r.first));
        detail::add(p, "cbc:EndDate", format_iso_date(r.last));
    }

    static void tax_category(
        pugi::xml_node parent, const char* name, std::string_view category, decimal rate
    ) {
        auto c = parent.append_child(name);
        detail::add(c, "cbc:ID", category);
        if (category != "O") {
            detail::add(c, "cbc:Percent", detail::plain_text(rate));
        }
        detail::add(c.append_child("cac:TaxScheme"), "cbc:ID", "VAT");
    }

    void address(pugi::xml_node parent, const char* name, const billing::party& p) {
        auto a = parent.append_child(name);
        if (!p.address.empty()) {
            detail::add_if(a, "cbc:StreetName", p.address[0]);
        }
        if (p.address.size() > 1) {
            detail::add_if(a, "cbc:AdditionalStreetName", p.address[1]);
        }
        detail::add_if(a, "cbc:CityName", p.city);
        detail::add_if(a, "cbc:PostalZone", p.postcode);
        detail::add_if(a, "cbc:CountrySubentity", p.subdivision);
        if (p.address.size() > 2) {
            detail::add_if(a.append_child("cac:AddressLine"), "cbc:Line", p.address[2]);
        }
        detail::add(a.append_child("cac:Country"), "cbc:IdentificationCode", p.country);
    }

    void party(pugi::xml_node n, const billing::party& p, bool seller) {
        if (p.endpoint) {
            auto id = detail::add(n, "cbc:EndpointID", p.endpoint->value);
            id.append_attribute("schemeID") = p.endpoint->scheme.c_str();
        }
        // BT-90: the SEPA creditor identifier is a party identification of the seller in UBL.
        if (seller && doc_.payment && doc_.payment->code == billing::payment_means_code::direct_debit) {
            auto id = detail::add(n.append_child("cac:PartyIdentification"), "cbc:ID", p.creditor_id);
            id.append_attribute("schemeID") = "SEPA";
        }
        address(n, "cac:PostalAddress", p);
        if (!p.vat_id.empty() && !m_.omit_vat_ids) {
            auto scheme = n.append_child("cac:PartyTaxScheme");
            detail::add(scheme, "cbc:CompanyID", p.vat_id);
            detail::add(scheme.append_child("cac:TaxScheme"), "cbc:ID", "VAT");
        }
        if (seller && !p.tax_number.empty()) {
            auto scheme = n.append_child("cac:PartyTaxScheme");
            detail::add(scheme, "cbc:CompanyID", p.tax_number);
            detail::add(scheme.append_child("cac:TaxScheme"), "cbc:ID", "FC");
        }
        auto legal = n.append_child("cac:PartyLegalEntity");
        detail::add(legal, "cbc:RegistrationName", p.name);
        detail::add_if(legal, "cbc:CompanyID", p.registration_id);
        if (seller) {
            detail::add_if(legal, "cbc:CompanyLegalForm", p.legal_registration);
        }
        const auto& c = p.invoice_contact;
        if (!c.name.empty() || !c.phone.empty() || !c.email.empty()) {
            auto contact = n.append_child("cac:Contact");
            detail::add_if(contact, "cbc:Name", c.name);
            detail::add_if(contact, "cbc:Telephone", c.phone);
            detail::add_if(contact, "cbc:ElectronicMail", c.email);
        }
    }

    void write_payment_means(pugi::xml_node root) {
        if (!doc_.payment) {
            return;
        }
        const auto& pm = *doc_.payment;
        auto means = root.append_child("cac:PaymentMeans");
        detail::add(means, "cbc:PaymentMeansCode", billing::untdid_4461_code(pm.code));
        if (m_.credit && doc_.due_date) {
            detail::add(means, "cbc:PaymentDueDate", format_iso_date(*doc_.due_date));
        }
        detail::add(means, "cbc:PaymentID", pm.remittance.empty() ? m_.id : pm.remittance);
        switch (pm.code) {
            case billing::payment_means_code::card: {
                auto card = means.append_child("cac:CardAccount");
                detail::add(card, "cbc:PrimaryAccountNumberID", pm.card_last_digits);
                detail::add(card, "cbc:NetworkID", pm.card_network);
                detail::add_if(card, "cbc:HolderName", pm.card_holder);
                break;
            }
            case billing::payment_means_code::direct_debit: {
                auto mandate = means.append_child("cac:PaymentMandate");
                detail::add(mandate, "cbc:ID", pm.mandate_reference);
                detail::add(
                    mandate.append_child("cac:PayerFinancialAccount"),
                    "cbc:ID",
                    detail::compact(pm.debtor_iban)
                );
                break;
            }
            case billing::payment_means_code::credit_transfer:
                if (doc_.seller.bank) {
                    const auto& bank = *doc_.seller.bank;
                    auto account = means.append_child("cac:PayeeFinancialAccount");
                    detail::add(account, "cbc:ID", detail::compact(bank.iban));
                    detail::add_if(account, "cbc:Name", bank.account_name);
                    if (!bank.bic.empty()) {
                        detail::add(
                            account.append_child("cac:FinancialInstitutionBranch"), "cbc:ID", bank.bic
                        );
                    }
                }
                break;
        }
    }

    void adjustment(pugi::xml_node parent, const detail::allowance_charge& ac, bool document_level) {
        auto n = parent.append_child("cac:AllowanceCharge");
        detail::add(n, "cbc:ChargeIndicator", ac.charge ? "true" : "false");
        detail::add_if(n, "cbc:AllowanceChargeReasonCode", ac.reason_code);
        detail::add_if(n, "cbc:AllowanceChargeReason", ac.reason);
        money(n, "cbc:Amount", ac.amount);
        if (document_level) {
            tax_category(n, "cac:TaxCategory", ac.category, ac.rate);
        }
    }

    void write_tax_total(pugi::xml_node root) {
        auto total = root.append_child("cac:TaxTotal");
        money(total, "cbc:TaxAmount", m_.tax_total);
        for (const auto& g : m_.taxes) {
            auto sub = total.append_child("cac:TaxSubtotal");
            money(sub, "cbc:TaxableAmount", g.taxable);
            money(sub, "cbc:TaxAmount", g.tax);
            auto c = sub.append_child("cac:TaxCategory");
            detail::add(c, "cbc:ID", g.category);
            detail::add(c, "cbc:Percent", detail::plain_text(g.rate));
            detail::add_if(c, "cbc:TaxExemptionReasonCode", g.exemption_code);
            detail::add_if(c, "cbc:TaxExemptionReason", g.exemption_text);
            detail::add(c.append_child("cac:TaxScheme"), "cbc:ID", "VAT");
        }
        // BT-111: a second TaxTotal without subtotals in the VAT accounting currency (BR-53, R053/R054).
        if (m_.tax_total_accounting && doc_.vat_currency) {
            auto accounting = root.append_child("cac:TaxTotal");
            auto n = detail::add(accounting, "cbc:TaxAmount", amount(*m_.tax_total_accounting));
            const std::string code(doc_.vat_currency->cur.code());
            n.append_attribute("currencyID") = code.c_str();
        }
    }

    void write_totals(pugi::xml_node t) {
        money(t, "cbc:LineExtensionAmount", m_.line_total);
        money(t, "cbc:TaxExclusiveAmount", m_.tax_basis);
        money(t, "cbc:TaxInclusiveAmount", m_.grand_total);
        if (!m_.document_adjustments.empty()) {
            money(t, "cbc:AllowanceTotalAmount", m_.allowance_total);
            money(t, "cbc:ChargeTotalAmount", m_.charge_total);
        }
        if (!m_.prepaid.is_zero()) {
            money(t, "cbc:PrepaidAmount", m_.prepaid);
        }
        money(t, "cbc:PayableAmount", m_.payable);
    }

    void write_line(pugi::xml_node root, const detail::line& l) {
        auto n = root.append_child(m_.credit ? "cac:CreditNoteLine" : "cac:InvoiceLine");
        detail::add(n, "cbc:ID", l.id);
        auto quantity = detail::add(
            n, m_.credit ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", detail::plain_text(l.quantity)
        );
        quantity.append_attribute("unitCode") = l.unit.c_str();
        money(n, "cbc:LineExtensionAmount", l.net);
        if (l.period) {
            period(n, *l.period);
        }
        for (const auto& ac : l.adjustments) {
            adjustment(n, ac, false);
        }
        auto item = n.append_child("cac:Item");
        detail::add(item, "cbc:Name", l.name);
        tax_category(item, "cac:ClassifiedTaxCategory", l.category, l.rate);
        auto price = n.append_child("cac:Price");
        auto p = detail::add(price, "cbc:PriceAmount", detail::plain_text(l.net_price));
        p.append_attribute("currencyID") = m_.currency.c_str();
    }

    const model& m_;
    const billing::invoice& doc_;
    std::vector<std::string>& problems_;
};

}  // namespace

std::string_view specification_id(ubl_profile p) noexcept {
    switch (p) {
        case ubl_profile::en16931:
            return "urn:cen.eu:en16931:2017";
        case ubl_profile::xrechnung:
            return "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
    }
    return {};
}

xml_result write_ubl(const billing::invoice& doc, ubl_profile profile, const xml_options& options) {
    xml_result result;
    const model m = detail::build_model(doc, profile == ubl_profile::xrechnung, options, result.problems);
    if (!result.problems.empty()) {
        return result;
    }
    ubl_writer writer(m, result.problems);
    std::string xml = writer.write(specification_id(profile));
    if (result.problems.empty()) {
        result.xml = std::move(xml);
    }
    return result;
}

}  // namespace fakturad::documents
