// UN/CEFACT CII D16B (CrossIndustryInvoice) in the element order of the uncoupled schema.
#include "einvoice_model.hpp"
#include "fakturad/documents/einvoice.hpp"
#include "xml_text.hpp"

#include <pugixml.hpp>

namespace fakturad::documents {
namespace {

using detail::model;

class cii_writer {
public:
    cii_writer(const model& m, bool extended, std::vector<std::string>& problems)
        : m_(m), doc_(*m.doc), extended_(extended), problems_(problems) {}

    std::string write(std::string_view guideline) {
        pugi::xml_document xml;
        auto decl = xml.append_child(pugi::node_declaration);
        decl.append_attribute("version") = "1.0";
        decl.append_attribute("encoding") = "UTF-8";
        auto root = xml.append_child("rsm:CrossIndustryInvoice");
        root.append_attribute("xmlns:rsm") = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
        root.append_attribute("xmlns:ram") =
            "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
        root.append_attribute("xmlns:qdt") = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";
        root.append_attribute("xmlns:udt") = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";

        auto context = root.append_child("rsm:ExchangedDocumentContext");
        detail::add(
            context.append_child("ram:BusinessProcessSpecifiedDocumentContextParameter"),
            "ram:ID",
            "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
        );
        detail::add(
            context.append_child("ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", guideline
        );

        auto header = root.append_child("rsm:ExchangedDocument");
        detail::add(header, "ram:ID", m_.id);
        detail::add(header, "ram:TypeCode", m_.type_code);
        date_time(header, "ram:IssueDateTime", m_.issue_date, "udt:DateTimeString");
        for (const auto& note : m_.notes) {
            detail::add(header.append_child("ram:IncludedNote"), "ram:Content", note);
        }

        auto transaction = root.append_child("rsm:SupplyChainTradeTransaction");
        for (const auto& l : m_.lines) {
            write_line(transaction, l);
        }
        write_agreement(transaction.append_child("ram:ApplicableHeaderTradeAgreement"));
        write_delivery(transaction.append_child("ram:ApplicableHeaderTradeDelivery"));
        write_settlement(transaction.append_child("ram:ApplicableHeaderTradeSettlement"));
        return detail::to_text(xml);
    }

private:
    std::string amount(decimal v) { return detail::amount_text(v, m_, problems_); }

    static void date_time(pugi::xml_node parent, const char* name, civil_date d, const char* inner) {
        auto s = parent.append_child(name).append_child(inner);
        s.append_attribute("format") = "102";
        s.text().set(detail::date_102(d).c_str());
    }

    static void period(pugi::xml_node parent, const date_range& r) {
        auto p = parent.append_child("ram:BillingSpecifiedPeriod");
        date_time(p, "ram:StartDateTime", r.first, "udt:DateTimeString");
        date_time(p, "ram:EndDateTime", r.last, "udt:DateTimeString");
    }

    void tax(pugi::xml_node parent, std::string_view category, decimal rate, bool with_rate) {
        detail::add(parent, "ram:TypeCode", "VAT");
        // EXTENDED matches lines to their breakdown by the exemption reason too (BR-FXEXT-*-08rev), so the
        // lines repeat it there; EN 16931 has no line-level reason.
        const detail::tax_group* group = extended_ ? group_of(category, rate) : nullptr;
        if (group != nullptr) {
            detail::add_if(parent, "ram:ExemptionReason", group->exemption_text);
        }
        detail::add(parent, "ram:CategoryCode", category);
        if (group != nullptr) {
            detail::add_if(parent, "ram:ExemptionReasonCode", group->exemption_code);
        }
        if (with_rate && category != "O") {
            detail::add(parent, "ram:RateApplicablePercent", detail::plain_text(rate));
        }
    }

    [[nodiscard]] const detail::tax_group* group_of(std::string_view category, decimal rate) const {
        for (const auto& g : m_.taxes) {
            if (g.category == category && g.rate == rate) {
                return &g;
            }
        }
        return nullptr;
    }

    void adjustment(pugi::xml_node parent, const detail::allowance_charge& ac, bool document_level) {
        auto n = parent.append_child("ram:SpecifiedTradeAllowanceCharge");
        detail::add(n.append_child("ram:ChargeIndicator"), "udt:Indicator", ac.charge ? "true" : "false");
        detail::add(n, "ram:ActualAmount", amount(ac.amount));
        detail::add_if(n, "ram:ReasonCode", ac.reason_code);
        detail::add_if(n, "ram:Reason", ac.reason);
        if (document_level) {
            tax(n.append_child("ram:CategoryTradeTax"), ac.category, ac.rate, true);
        }
    }

    void write_line(pugi::xml_node transaction, const detail::line& l) {
        auto item = transaction.append_child("ram:IncludedSupplyChainTradeLineItem");
        detail::add(item.append_child("ram:AssociatedDocumentLineDocument"), "ram:LineID", l.id);
        detail::add(item.append_child("ram:SpecifiedTradeProduct"), "ram:Name", l.name);
        auto price = item.append_child("ram:SpecifiedLineTradeAgreement")
                         .append_child("ram:NetPriceProductTradePrice");
        detail::add(price, "ram:ChargeAmount", detail::plain_text(l.net_price));
        auto quantity =
            item.append_child("ram:SpecifiedLineTradeDelivery").append_child("ram:BilledQuantity");
        quantity.append_attribute("unitCode") = l.unit.c_str();
        quantity.text().set(detail::plain_text(l.quantity).c_str());
        auto settlement = item.append_child("ram:SpecifiedLineTradeSettlement");
        tax(settlement.append_child("ram:ApplicableTradeTax"), l.category, l.rate, true);
        if (l.period) {
            period(settlement, *l.period);
        }
        for (const auto& ac : l.adjustments) {
            adjustment(settlement, ac, false);
        }
        detail::add(
            settlement.append_child("ram:SpecifiedTradeSettlementLineMonetarySummation"),
            "ram:LineTotalAmount",
            amount(l.net)
        );
    }

    void address(pugi::xml_node parent, const billing::party& p) {
        auto a = parent.append_child("ram:PostalTradeAddress");
        detail::add_if(a, "ram:PostcodeCode", p.postcode);
        static constexpr const char* line_names[] = {"ram:LineOne", "ram:LineTwo", "ram:LineThree"};
        for (std::size_t i = 0; i < p.address.size() && i < 3; ++i) {
            detail::add_if(a, line_names[i], p.address[i]);
        }
        detail::add_if(a, "ram:CityName", p.city);
        detail::add(a, "ram:CountryID", p.country);
        detail::add_if(a, "ram:CountrySubDivisionName", p.subdivision);
    }

    void party(pugi::xml_node n, const billing::party& p, bool seller) {
        detail::add(n, "ram:Name", p.name);
        if (seller) {
            detail::add_if(n, "ram:Description", p.legal_registration);
        }
        if (!p.registration_id.empty()) {
            detail::add(n.append_child("ram:SpecifiedLegalOrganization"), "ram:ID", p.registration_id);
        }
        const auto& c = p.invoice_contact;
        if (!c.name.empty() || !c.phone.empty() || !c.email.empty()) {
            auto contact = n.append_child("ram:DefinedTradeContact");
            detail::add_if(contact, "ram:PersonName", c.name);
            if (!c.phone.empty()) {
                detail::add(
                    contact.append_child("ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", c.phone
                );
            }
            if (!c.email.empty()) {
                detail::add(contact.append_child("ram:EmailURIUniversalCommunication"), "ram:URIID", c.email);
            }
        }
        address(n, p);
        if (p.endpoint) {
            auto uri = n.append_child("ram:URIUniversalCommunication").append_child("ram:URIID");
            uri.append_attribute("schemeID") = p.endpoint->scheme.c_str();
            uri.text().set(p.endpoint->value.c_str());
        }
        if (!p.vat_id.empty() && !m_.omit_vat_ids) {
            auto id = n.append_child("ram:SpecifiedTaxRegistration").append_child("ram:ID");
            id.append_attribute("schemeID") = "VA";
            id.text().set(p.vat_id.c_str());
        }
        if (seller && !p.tax_number.empty()) {
            auto id = n.append_child("ram:SpecifiedTaxRegistration").append_child("ram:ID");
            id.append_attribute("schemeID") = "FC";
            id.text().set(p.tax_number.c_str());
        }
    }

    void write_agreement(pugi::xml_node agreement) {
        detail::add_if(agreement, "ram:BuyerReference", doc_.references.buyer_reference);
        party(agreement.append_child("ram:SellerTradeParty"), doc_.seller, true);
        party(agreement.append_child("ram:BuyerTradeParty"), doc_.bill_to, false);
        if (!doc_.references.order_reference.empty()) {
            detail::add(
                agreement.append_child("ram:BuyerOrderReferencedDocument"),
                "ram:IssuerAssignedID",
                doc_.references.order_reference
            );
        }
        if (!doc_.references.contract_reference.empty()) {
            detail::add(
                agreement.append_child("ram:ContractReferencedDocument"),
                "ram:IssuerAssignedID",
                doc_.references.contract_reference
            );
        }
    }

    // The customer (the account) receives the supply; the element must not stay empty (PEPPOL R008).
    void write_delivery(pugi::xml_node delivery) {
        auto ship_to = delivery.append_child("ram:ShipToTradeParty");
        detail::add(ship_to, "ram:Name", doc_.account.name);
        address(ship_to, doc_.account);
    }

    void write_payment_means(pugi::xml_node settlement) {
        if (!doc_.payment) {
            return;
        }
        const auto& pm = *doc_.payment;
        auto means = settlement.append_child("ram:SpecifiedTradeSettlementPaymentMeans");
        detail::add(means, "ram:TypeCode", billing::untdid_4461_code(pm.code));
        switch (pm.code) {
            case billing::payment_means_code::card: {
                auto card = means.append_child("ram:ApplicableTradeSettlementFinancialCard");
                detail::add(card, "ram:ID", pm.card_last_digits);
                detail::add_if(card, "ram:CardholderName", pm.card_holder);
                break;
            }
            case billing::payment_means_code::direct_debit:
                detail::add(
                    means.append_child("ram:PayerPartyDebtorFinancialAccount"), "ram:IBANID", pm.debtor_iban
                );
                break;
            case billing::payment_means_code::credit_transfer:
                if (doc_.seller.bank) {
                    const auto& bank = *doc_.seller.bank;
                    auto account = means.append_child("ram:PayeePartyCreditorFinancialAccount");
                    detail::add(account, "ram:IBANID", detail::compact(bank.iban));
                    detail::add_if(account, "ram:AccountName", bank.account_name);
                    if (!bank.bic.empty()) {
                        detail::add(
                            means.append_child("ram:PayeeSpecifiedCreditorFinancialInstitution"),
                            "ram:BICID",
                            bank.bic
                        );
                    }
                }
                break;
        }
    }

    void write_settlement(pugi::xml_node settlement) {
        if (doc_.payment && doc_.payment->code == billing::payment_means_code::direct_debit) {
            detail::add(settlement, "ram:CreditorReferenceID", doc_.seller.creditor_id);
        }
        if (doc_.payment) {
            detail::add(
                settlement,
                "ram:PaymentReference",
                doc_.payment->remittance.empty() ? m_.id : doc_.payment->remittance
            );
        }
        if (doc_.vat_currency) {
            detail::add(settlement, "ram:TaxCurrencyCode", doc_.vat_currency->cur.code());
        }
        detail::add(settlement, "ram:InvoiceCurrencyCode", m_.currency);
        write_payment_means(settlement);
        for (const auto& g : m_.taxes) {
            auto t = settlement.append_child("ram:ApplicableTradeTax");
            detail::add(t, "ram:CalculatedAmount", amount(g.tax));
            detail::add(t, "ram:TypeCode", "VAT");
            detail::add_if(t, "ram:ExemptionReason", g.exemption_text);
            detail::add(t, "ram:BasisAmount", amount(g.taxable));
            detail::add(t, "ram:CategoryCode", g.category);
            detail::add_if(t, "ram:ExemptionReasonCode", g.exemption_code);
            detail::add(t, "ram:RateApplicablePercent", detail::plain_text(g.rate));
        }
        if (doc_.service_period) {
            period(settlement, *doc_.service_period);
        }
        for (const auto& ac : m_.document_adjustments) {
            adjustment(settlement, ac, true);
        }
        auto terms = settlement.append_child("ram:SpecifiedTradePaymentTerms");
        detail::add(terms, "ram:Description", m_.payment_terms);
        if (doc_.due_date && !m_.credit && doc_.type != billing::document_type::pro_forma) {
            date_time(terms, "ram:DueDateDateTime", *doc_.due_date, "udt:DateTimeString");
        }
        if (doc_.payment && doc_.payment->code == billing::payment_means_code::direct_debit) {
            detail::add(terms, "ram:DirectDebitMandateID", doc_.payment->mandate_reference);
        }

        auto sum = settlement.append_child("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
        detail::add(sum, "ram:LineTotalAmount", amount(m_.line_total));
        if (!m_.document_adjustments.empty()) {
            detail::add(sum, "ram:ChargeTotalAmount", amount(m_.charge_total));
            detail::add(sum, "ram:AllowanceTotalAmount", amount(m_.allowance_total));
        }
        detail::add(sum, "ram:TaxBasisTotalAmount", amount(m_.tax_basis));
        auto tax_total = sum.append_child("ram:TaxTotalAmount");
        tax_total.append_attribute("currencyID") = m_.currency.c_str();
        tax_total.text().set(amount(m_.tax_total).c_str());
        if (m_.tax_total_accounting && doc_.vat_currency) {
            auto accounting = sum.append_child("ram:TaxTotalAmount");
            const std::string code(doc_.vat_currency->cur.code());
            accounting.append_attribute("currencyID") = code.c_str();
            accounting.text().set(amount(*m_.tax_total_accounting).c_str());
        }
        detail::add(sum, "ram:GrandTotalAmount", amount(m_.grand_total));
        if (!m_.prepaid.is_zero()) {
            detail::add(sum, "ram:TotalPrepaidAmount", amount(m_.prepaid));
        }
        detail::add(sum, "ram:DuePayableAmount", amount(m_.payable));

        // CII holds one preceding invoice (BG-3): the corrected one. A final invoice lists its deducted
        // advances in notes instead.
        if (doc_.corrects) {
            auto ref = settlement.append_child("ram:InvoiceReferencedDocument");
            detail::add(ref, "ram:IssuerAssignedID", doc_.corrects->number);
            if (doc_.corrects->issue_date) {
                date_time(
                    ref, "ram:FormattedIssueDateTime", *doc_.corrects->issue_date, "qdt:DateTimeString"
                );
            }
        }
    }

    const model& m_;
    const billing::invoice& doc_;
    bool extended_ = false;
    std::vector<std::string>& problems_;
};

}  // namespace

std::string_view specification_id(cii_profile p) noexcept {
    switch (p) {
        case cii_profile::en16931:
            return "urn:cen.eu:en16931:2017";
        case cii_profile::extended:
            return "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended";
        case cii_profile::xrechnung:
            return "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
    }
    return {};
}

xml_result write_cii(const billing::invoice& doc, cii_profile profile, const xml_options& options) {
    xml_result result;
    const model m = detail::build_model(doc, profile == cii_profile::xrechnung, options, result.problems);
    if (!result.problems.empty()) {
        return result;
    }
    cii_writer writer(m, profile == cii_profile::extended, result.problems);
    std::string xml = writer.write(specification_id(profile));
    if (result.problems.empty()) {
        result.xml = std::move(xml);
    }
    return result;
}

}  // namespace fakturad::documents
