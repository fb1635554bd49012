#include "fakturad/billing/tax/tax_rules_resolver.hpp"

#include <optional>
#include <string_view>

namespace fakturad::billing::tax {
namespace {

std::optional<supply_kind> parse_supply(std::string_view text) {
    if (text == "goods") {
        return supply_kind::goods;
    }
    if (text == "services") {
        return supply_kind::services;
    }
    if (text == "electronic_services") {
        return supply_kind::electronic_services;
    }
    if (text == "construction_services") {
        return supply_kind::construction_services;
    }
    if (text == "building_cleaning") {
        return supply_kind::building_cleaning;
    }
    if (text == "scrap_metal") {
        return supply_kind::scrap_metal;
    }
    return std::nullopt;
}

const std::string& in_language(const localized_text& text, std::string_view language) {
    return language == "de" || text.en.empty() ? text.de : text.en;
}

billing_error plan_error(std::string message) { return {billing_errc::invalid_plan, std::move(message)}; }

}  // namespace

billing_result<resolved_vat> tax_rules_resolver::resolve(
    const billing_plan& plan, const plan_item& item, civil_date tax_point
) const {
    const auto rules = rules_.find(plan.seller.id);
    if (rules == rules_.end()) {
        return plan_error("no tax rules are configured for legal entity " + plan.seller.id);
    }
    if (!item.tax) {
        return resolved_vat{item.vat, {}, {}, {}};
    }
    const auto kind = parse_supply(item.tax->supply);
    if (!kind) {
        return plan_error("unknown supply kind '" + item.tax->supply + "'");
    }
    if (plan.account.country.empty()) {
        return plan_error(
            "account " + plan.account.id + " has no country; tax determination needs the buyer's country"
        );
    }
    buyer_profile buyer;
    buyer.country = plan.account.country;
    buyer.region = plan.account.subdivision;
    buyer.kind = plan.buyer_tax.business ? buyer_kind::business : buyer_kind::consumer;
    buyer.vat_id = plan.account.vat_id;
    buyer.vat_id_status = plan.buyer_tax.vat_id_confirmed ? vat_id_check::valid : vat_id_check::unchecked;
    supply s;
    s.kind = *kind;
    s.product_class = item.tax->product_class;
    s.date = tax_point;
    auto determined = determine_tax(rules->second, buyer, s);
    if (!determined) {
        return plan_error(determined.error().message);
    }
    resolved_vat out;
    out.vat = {std::string(determined->code()), determined->rate};
    const std::string& reason = in_language(determined->exemption_reason, plan.language);
    if (!reason.empty() || !determined->exemption_code.empty()) {
        out.exemption = {std::string(determined->code()), determined->exemption_code, reason};
    }
    for (const auto& note : determined->notes) {
        out.notes.push_back(in_language(note, plan.language));
    }
    out.decision = "item " + item.key + ", tax point " + format_iso_date(tax_point) + ": " +
                   out.vat.category + " " + to_string(out.vat.rate.trimmed()) + " % by " +
                   std::string(rule_code(determined->rule)) + " (" + determined->legal_basis + "); " +
                   determined->decision_inputs;
    return out;
}

}  // namespace fakturad::billing::tax
