#include "plan_document_json.hpp"

#include "json_codec.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace fakturad::store::detail {
namespace {

using billing::billing_plan;
using billing::plan_item;

constexpr std::string_view column = "billing_plans.plan_document";

constexpr std::array all_charge_types{
    billing::charge_type::recurring, billing::charge_type::one_time, billing::charge_type::usage};
constexpr std::array all_timings{billing::billing_timing::in_advance, billing::billing_timing::in_arrears};
constexpr std::array all_models{
    billing::pricing_model::flat_fee,
    billing::pricing_model::per_unit,
    billing::pricing_model::tiered,
    billing::pricing_model::volume,
    billing::pricing_model::stairstep,
    billing::pricing_model::package,
    billing::pricing_model::percentage,
};
constexpr std::array all_aggregations{
    billing::usage_aggregation::sum,
    billing::usage_aggregation::count,
    billing::usage_aggregation::max,
    billing::usage_aggregation::last,
    billing::usage_aggregation::unique_count,
};
constexpr std::array all_alignments{period_alignment::anniversary, period_alignment::calendar};
constexpr std::array all_discount_kinds{billing::discount_kind::percent, billing::discount_kind::amount};

// ---- writing --------------------------------------------------------------------------------------------

void put_optional_decimal(json::object& o, std::string_view key, const std::optional<decimal>& value) {
    if (value) {
        put_decimal(o, key, *value);
    }
}

json::object pricing_json(const billing::pricing& p) {
    json::array prices;
    for (const auto& cp : p.prices) {
        json::array tiers;
        for (const auto& t : cp.tiers) {
            json::object tier{{"unit_price", to_string(t.unit_price)}, {"flat_fee", to_string(t.flat_fee)}};
            put_optional_decimal(tier, "up_to", t.up_to);
            tiers.emplace_back(std::move(tier));
        }
        json::object o{
            {"currency", cp.cur.code()},
            {"price", to_string(cp.price)},
            {"tiers", std::move(tiers)},
            {"per_transaction_fee", to_string(cp.per_transaction_fee)},
        };
        put_optional_decimal(o, "minimum", cp.minimum);
        put_optional_decimal(o, "maximum", cp.maximum);
        prices.emplace_back(std::move(o));
    }
    return {
        {"model", billing::to_string(p.model)},
        {"package_size", to_string(p.package_size)},
        {"percent", to_string(p.percent)},
        {"prices", std::move(prices)},
    };
}

json::array discounts_json(const std::vector<billing::discount>& list) {
    json::array out;
    for (const auto& d : list) {
        json::object o{{"kind", enum_name(d.kind)}, {"value", to_string(d.value)}};
        put_date(o, "valid_from", d.valid_from);
        put_date(o, "valid_to", d.valid_to);
        put_text(o, "description", d.description);
        out.emplace_back(std::move(o));
    }
    return out;
}

json::object item_json(const plan_item& item) {
    json::object o{
        {"key", item.key},
        {"description", item.description},
        {"unit_code", item.unit_code},
        {"type", billing::to_string(item.type)},
        {"timing", billing::to_string(item.timing)},
        {"price", pricing_json(item.price)},
        {"quantity", to_string(item.quantity)},
        {"aggregation", billing::to_string(item.aggregation)},
        {"vat", vat_json(item.vat)},
    };
    put_text(o, "product_code", item.product_code);
    if (!item.changes.empty()) {
        json::array changes;
        for (const auto& c : item.changes) {
            changes.emplace_back(json::object{
                {"effective", format_iso_date(c.effective)}, {"quantity", to_string(c.quantity)}});
        }
        o["changes"] = std::move(changes);
    }
    put_optional_decimal(o, "tier_quantity", item.tier_quantity);
    if (item.tier_aggregation) {
        o["tier_aggregation"] = billing::to_string(*item.tier_aggregation);
    }
    if (item.tax) {
        o["tax"] = json::object{{"supply", item.tax->supply}, {"product_class", item.tax->product_class}};
    }
    if (item.commitment) {
        o["commitment"] = json::object{{"covers", text_array(item.commitment->covers)}};
    }
    put_date(o, "start", item.start);
    put_date(o, "end", item.end);
    if (item.period) {
        o["period"] = to_string(*item.period);
    }
    if (!item.discounts.empty()) {
        o["discounts"] = discounts_json(item.discounts);
    }
    return o;
}

// ---- reading --------------------------------------------------------------------------------------------

billing::pricing read_pricing(const json_reader& r) {
    billing::pricing p;
    p.model = r.named("model", all_models);
    p.package_size = r.number("package_size");
    p.percent = r.number("percent");
    r.each("prices", [&](const json_reader& e) {
        billing::currency_prices cp;
        cp.cur = e.currency_code("currency");
        cp.price = e.number("price");
        e.each("tiers", [&](const json_reader& t) {
            cp.tiers.push_back({t.optional_number("up_to"), t.number("unit_price"), t.number("flat_fee")});
        });
        cp.per_transaction_fee = e.number("per_transaction_fee");
        cp.minimum = e.optional_number("minimum");
        cp.maximum = e.optional_number("maximum");
        p.prices.push_back(std::move(cp));
    });
    return p;
}

std::vector<billing::discount> read_discounts(const json_reader& r, std::string_view key) {
    std::vector<billing::discount> out;
    r.each(key, [&](const json_reader& e) {
        billing::discount d;
        d.kind = e.named("kind", all_discount_kinds);
        d.value = e.number("value");
        d.valid_from = e.date("valid_from");
        d.valid_to = e.date("valid_to");
        d.description = e.text("description");
        out.push_back(std::move(d));
    });
    return out;
}

plan_item read_item(const json_reader& r) {
    plan_item item;
    item.key = r.text("key", true);
    item.description = r.text("description", true);
    item.product_code = r.text("product_code");
    item.unit_code = r.text("unit_code", true);
    item.type = r.named("type", all_charge_types);
    item.timing = r.named("timing", all_timings);
    item.price = read_pricing(r.required_object("price"));
    item.quantity = r.number("quantity");
    r.each("changes", [&](const json_reader& e) {
        item.changes.push_back({e.required_date("effective"), e.number("quantity")});
    });
    item.tier_quantity = r.optional_number("tier_quantity");
    item.aggregation = r.named("aggregation", all_aggregations);
    if (r.find("tier_aggregation") != nullptr) {
        item.tier_aggregation = r.named("tier_aggregation", all_aggregations);
    }
    item.vat = read_vat(r.required_object("vat"));
    if (auto t = r.object("tax")) {
        item.tax = billing::item_tax{t->text("supply", true), t->text("product_class", true)};
    }
    if (auto c = r.object("commitment")) {
        item.commitment = billing::commitment_terms{c->texts("covers")};
    }
    item.start = r.date("start");
    item.end = r.date("end");
    if (r.find("period") != nullptr) {
        item.period = r.period("period");
    }
    item.discounts = read_discounts(r, "discounts");
    return item;
}

}  // namespace

std::string pricing_to_json(const billing::pricing& pricing) {
    return json::serialize(pricing_json(pricing));
}

std::string plan_to_json(const billing_plan& plan) {
    json::object o;
    o["format"] = 1;
    o["id"] = plan.id;
    o["account"] = party_json(plan.account);
    if (plan.bill_to) {
        o["bill_to"] = party_json(*plan.bill_to);
    }
    o["currency"] = plan.cur.code();
    o["language"] = plan.language;
    o["payment_terms"] = payment_terms_json(plan.terms);
    o["seller"] = party_json(plan.seller);
    o["start"] = format_iso_date(plan.start);
    put_date(o, "end", plan.end);
    json::object renewal{
        {"auto_renew", plan.renewal.auto_renew},
        {"term", to_string(plan.renewal.term)},
        {"notice", to_string(plan.renewal.notice)},
    };
    put_date(renewal, "notice_received", plan.renewal.notice_received);
    o["renewal"] = std::move(renewal);
    o["period"] = to_string(plan.period);
    o["alignment"] = to_string(plan.alignment);
    put_date(o, "anchor", plan.anchor);
    o["vat_rounding"] = enum_name(plan.rounding);
    o["buyer_tax"] = json::object{
        {"business", plan.buyer_tax.business}, {"vat_id_confirmed", plan.buyer_tax.vat_id_confirmed}};
    json::array items;
    for (const auto& item : plan.items) {
        items.emplace_back(item_json(item));
    }
    o["items"] = std::move(items);
    if (!plan.invoice_discounts.empty()) {
        o["invoice_discounts"] = discounts_json(plan.invoice_discounts);
    }
    put_text(o, "contract_id", plan.contract_id);
    if (!plan.milestones.empty()) {
        json::array milestones;
        for (const auto& m : plan.milestones) {
            json::object mo{{"key", m.key}, {"type", to_string(m.type)}};
            put_optional_decimal(mo, "percent", m.percent);
            put_optional_decimal(mo, "amount", m.amount);
            put_date(mo, "due", m.due);
            put_text(mo, "label", m.label);
            milestones.emplace_back(std::move(mo));
        }
        o["milestones"] = std::move(milestones);
    }
    put_document_terms(o, plan.references, plan.payment, plan.vat_exemptions);
    return json::serialize(o);
}

billing_plan plan_from_json(std::string_view text) {
    json::value root;
    const json_reader r = json_reader::parse(text, root, "plan", column, 1);
    billing_plan plan;
    plan.id = r.text("id", true);
    plan.account = read_party(r.required_object("account"));
    if (auto b = r.object("bill_to")) {
        plan.bill_to = read_party(*b);
    }
    plan.cur = r.currency_code("currency");
    plan.language = r.text("language", true);
    plan.terms = read_payment_terms(r.required_object("payment_terms"));
    plan.seller = read_party(r.required_object("seller"));
    plan.start = r.required_date("start");
    plan.end = r.date("end");
    const json_reader renewal = r.required_object("renewal");
    plan.renewal.auto_renew = renewal.boolean("auto_renew", false);
    plan.renewal.term = renewal.period("term");
    plan.renewal.notice = renewal.period("notice");
    plan.renewal.notice_received = renewal.date("notice_received");
    plan.period = r.period("period");
    plan.alignment = r.named("alignment", all_alignments);
    plan.anchor = r.date("anchor");
    plan.rounding = r.named("vat_rounding", all_vat_roundings);
    const json_reader tax = r.required_object("buyer_tax");
    plan.buyer_tax = {tax.boolean("business", true), tax.boolean("vat_id_confirmed", false)};
    r.each("items", [&](const json_reader& e) { plan.items.push_back(read_item(e)); });
    plan.invoice_discounts = read_discounts(r, "invoice_discounts");
    plan.contract_id = r.text("contract_id");
    r.each("milestones", [&](const json_reader& e) {
        billing::milestone m;
        m.key = e.text("key", true);
        const auto type = billing::parse_milestone_type(e.text("type", true));
        if (!type) {
            e.fail("type", "expected advance, progress or final");
        }
        m.type = *type;
        m.percent = e.optional_number("percent");
        m.amount = e.optional_number("amount");
        m.due = e.date("due");
        m.label = e.text("label");
        plan.milestones.push_back(std::move(m));
    });
    read_document_terms(r, plan.references, plan.payment, plan.vat_exemptions);
    return plan;
}

}  // namespace fakturad::store::detail
