// apply(): one record (REST query JSON) -> a billing plan or a usage record, collecting every problem.

#include "values.hpp"

#include <algorithm>
#include <map>

namespace fakturad::mapping {
namespace json = boost::json;
using detail::typed;

std::string record_problem::to_string() const {
    std::string out = object + " " + (record_id.empty() ? "(no Id)" : record_id) + ": ";
    if (!field.empty() || !target.empty()) {
        out += field.empty() ? target : (target.empty() ? field : field + " -> " + target);
        out += ": ";
    }
    out += message;
    if (!mapping_location.empty()) {
        out += " (mapping " + mapping_location + ")";
    }
    return out;
}

namespace {

std::string text_of(const json::object& record, std::string_view key) {
    if (const auto* v = record.if_contains(key); v != nullptr && v->is_string()) {
        return std::string(v->get_string());
    }
    return {};
}

// The values of one section of one record, by target name.
class section_values {
public:
    std::map<std::string_view, typed> values;
    std::map<std::string_view, bool> mapped;

    [[nodiscard]] bool has(std::string_view name) const {
        auto it = values.find(name);
        return it != values.end() && !std::holds_alternative<std::monostate>(it->second);
    }
    [[nodiscard]] bool is_mapped(std::string_view name) const { return mapped.count(name) != 0; }
    [[nodiscard]] std::string text(std::string_view name, std::string fallback = {}) const {
        auto it = values.find(name);
        if (it != values.end()) {
            if (const auto* s = std::get_if<std::string>(&it->second)) {
                return *s;
            }
        }
        return fallback;
    }
    [[nodiscard]] std::optional<decimal> number(std::string_view name) const {
        auto it = values.find(name);
        if (it != values.end()) {
            if (const auto* d = std::get_if<decimal>(&it->second)) {
                return *d;
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] std::optional<civil_date> date(std::string_view name) const {
        auto it = values.find(name);
        if (it != values.end()) {
            if (const auto* d = std::get_if<civil_date>(&it->second)) {
                return *d;
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] std::optional<bool> flag(std::string_view name) const {
        auto it = values.find(name);
        if (it != values.end()) {
            if (const auto* b = std::get_if<bool>(&it->second)) {
                return *b;
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] std::optional<billing_period> period(std::string_view name) const {
        if (!has(name)) {
            return std::nullopt;
        }
        auto p = parse_billing_period(text(name));
        if (const auto* bp = std::get_if<billing_period>(&p)) {
            return *bp;  // finalize() checked the text
        }
        return std::nullopt;
    }
};

std::vector<std::string> split_list(std::string_view text, std::string_view separators) {
    std::vector<std::string> out;
    std::string current;
    auto flush = [&] {
        const auto first = current.find_first_not_of(" \t\r");
        const auto last = current.find_last_not_of(" \t\r");
        if (first != std::string::npos) {
            out.push_back(current.substr(first, last - first + 1));
        }
        current.clear();
    };
    for (const char c : text) {
        if (separators.find(c) != std::string_view::npos) {
            flush();
        } else {
            current += c;
        }
    }
    flush();
    return out;
}

class record_reader {
public:
    record_reader(
        std::string object,
        std::string record_id,
        const apply_context& ctx,
        std::vector<record_problem>& problems
    )
        : object_(std::move(object)), record_id_(std::move(record_id)), ctx_(ctx), problems_(problems) {}

    void problem(std::string field, std::string target, std::string message, std::string location) {
        record_problem p;
        p.object = object_;
        p.record_id = record_id_;
        p.field = std::move(field);
        p.target = std::move(target);
        p.message = std::move(message);
        p.mapping_location = std::move(location);
        problems_.push_back(std::move(p));
    }

    typed get(const bound_value& v, const json::object& record, const std::string& prefix) {
        const target_info& target = *v.spec.target;
        const std::string target_name = std::string(target.section) + "." + std::string(target.name);
        const std::string field = v.source ? prefix + v.source->text : std::string();
        const std::function<civil_date(instant)>* zone = &ctx_.to_civil_date;
        bool failed = false;
        auto fail = [&](const std::string& message) {
            failed = true;
            problem(field, target_name, message, v.spec.at.to_string());
            return typed{};
        };
        auto final = [&](const typed& t) {
            auto r = detail::finalize(target, t, zone);
            if (auto* message = std::get_if<std::string>(&r)) {
                return fail(*message);
            }
            return std::get<typed>(r);
        };
        auto fallback = [&]() -> typed {
            if (v.spec.default_value) {
                return final(typed{*v.spec.default_value});
            }
            return typed{};
        };
        typed out;
        if (!v.source) {
            out = final(typed{*v.spec.constant});
        } else {
            const json::value* raw = detail::value_at(record, v.source->steps);
            const bool null =
                raw == nullptr || raw->is_null() || (raw->is_string() && raw->get_string().empty());
            if (null) {
                out = fallback();
            } else if (v.spec.has_map) {
                const std::string key = detail::lookup_text(*raw);
                const auto it = std::find_if(v.spec.map.begin(), v.spec.map.end(), [&](const map_entry& e) {
                    return e.from == key;
                });
                if (it != v.spec.map.end()) {
                    out = final(typed{it->to});
                } else if (v.spec.default_value) {
                    out = fallback();
                } else {
                    std::string allowed;
                    for (const auto& e : v.spec.map) {
                        allowed += (allowed.empty() ? "'" : ", '") + e.from + "'";
                    }
                    return fail(
                        "value '" + key.substr(0, 60) + "' is not in the map (mapped: " + allowed +
                        "); add it to map: or give a default:"
                    );
                }
            } else {
                auto r = detail::read_json(*raw, v.kind);
                if (auto* message = std::get_if<std::string>(&r)) {
                    return fail(*message);
                }
                out = final(std::get<typed>(r));
            }
        }
        // A target the plan cannot be built without (start, seller, ...) is required whatever the spec says.
        if ((v.spec.required || target.required) && std::holds_alternative<std::monostate>(out) && !failed) {
            problem(
                field,
                target_name,
                "required but empty" + std::string(v.source ? "" : " constant"),
                v.spec.at.to_string()
            );
        }
        return out;
    }

    section_values read(
        const std::vector<bound_value>& values, const json::object& record, const std::string& prefix
    ) {
        section_values out;
        for (const auto& v : values) {
            typed t = get(v, record, prefix);
            out.values[v.spec.target->name] = std::move(t);
            out.mapped[v.spec.target->name] = true;
        }
        return out;
    }

    [[nodiscard]] const apply_context& ctx() const { return ctx_; }
    [[nodiscard]] const std::string& object() const { return object_; }
    [[nodiscard]] const std::string& record_id() const { return record_id_; }

private:
    std::string object_;
    std::string record_id_;
    const apply_context& ctx_;
    std::vector<record_problem>& problems_;
};

billing::party buyer_party(
    const section_values& b, const std::string& account_id, record_reader& r, const source_location& at
) {
    billing::party p;
    p.id = b.text("id", account_id);
    p.name = b.text("name");
    p.vat_id = b.text("vat_id");
    p.country = b.text("country");
    p.address = split_list(b.text("street"), "\n");
    p.postcode = b.text("postcode");
    p.city = b.text("city");
    p.subdivision = b.text("subdivision");
    p.registration_id = b.text("registration_id");
    p.invoice_contact.name = b.text("contact_name");
    p.invoice_contact.phone = b.text("contact_phone");
    p.invoice_contact.email = b.text("contact_email");
    p.emails = split_list(b.text("email"), ";,");
    if (b.has("endpoint")) {
        billing::electronic_address e;
        e.value = b.text("endpoint");
        e.scheme = b.text("endpoint_scheme");
        if (e.scheme.empty()) {
            if (e.value.find('@') != std::string::npos) {
                e.scheme = "EM";
            } else {
                r.problem(
                    "",
                    "buyer.endpoint_scheme",
                    "endpoint '" + e.value.substr(0, 60) +
                        "' is no e-mail address, so its scheme is needed (map endpoint_scheme, e.g. 0204 for "
                        "a "
                        "Leitweg-ID)",
                    at.to_string()
                );
            }
        }
        p.endpoint = std::move(e);
    }
    return p;
}

}  // namespace

plan_result bound_plan_mapping::apply(const json::object& record, const apply_context& ctx) const {
    plan_result result;
    const std::string record_id = text_of(record, "Id");
    record_reader r(b_.object, record_id, ctx, result.problems);
    const section_values pv = r.read(b_.plan, record, "");
    const section_values bv = r.read(b_.buyer, record, "");

    billing::billing_plan plan;
    plan.id = pv.text("id", record_id);
    const std::string account_id = pv.text("account_id");
    plan.account = buyer_party(bv, account_id, r, b_.at);
    if (pv.has("currency")) {
        plan.cur = currency(pv.text("currency"));  // finalize() checked the code
    }
    plan.language = pv.text("language", plan.language);
    if (auto p = pv.period("period")) {
        plan.period = *p;
    }
    if (pv.has("alignment")) {
        plan.alignment = *parse_period_alignment(pv.text("alignment"));
    }
    if (auto d = pv.date("start")) {
        plan.start = *d;
    }
    plan.end = pv.date("end");
    plan.anchor = pv.date("anchor");
    if (auto days = pv.number("payment_terms_days")) {
        const decimal t = days->trimmed();
        if (t.mantissa() < 0 || t.mantissa() > 3650) {
            r.problem(
                "",
                "plan.payment_terms_days",
                "expected 0..3650 days, got " + to_string(*days),
                b_.at.to_string()
            );
        } else {
            plan.terms.net_days = static_cast<std::int32_t>(t.mantissa());
        }
    }
    plan.terms.note = pv.text("payment_terms_note");
    plan.references.buyer_reference = pv.text("buyer_reference");
    plan.references.order_reference = pv.text("order_reference");
    plan.references.contract_reference = pv.text("contract_reference");
    plan.contract_id = pv.text("contract_id");
    plan.renewal.auto_renew = pv.flag("auto_renew").value_or(false);
    if (auto p = pv.period("renewal_term")) {
        plan.renewal.term = *p;
    }
    if (auto p = pv.period("notice_period")) {
        plan.renewal.notice = *p;
    }
    plan.buyer_tax.business = pv.flag("buyer_business").value_or(true);
    if (pv.has("payment_means")) {
        billing::payment_means means;
        means.code = *billing::parse_payment_means_code(pv.text("payment_means"));
        means.mandate_reference = pv.text("mandate_reference");
        means.debtor_iban = pv.text("debtor_iban");
        plan.payment = std::move(means);
    }
    if (pv.has("bill_to_email")) {
        billing::party bill_to = plan.account;
        bill_to.emails = split_list(pv.text("bill_to_email"), ";,");
        plan.bill_to = std::move(bill_to);
    }
    if (const std::string code = pv.text("seller"); !code.empty()) {
        const billing::party* seller = ctx.legal_entity ? ctx.legal_entity(code) : nullptr;
        if (seller == nullptr) {
            const auto spec = std::find_if(b_.plan.begin(), b_.plan.end(), [](const bound_value& v) {
                return v.spec.target->name == "seller";
            });
            r.problem(
                spec != b_.plan.end() && spec->source ? spec->source->text : std::string(),
                "plan.seller",
                "unknown legal entity code '" + code.substr(0, 40) + "' (configure it under legal_entities)",
                spec != b_.plan.end() ? spec->spec.at.to_string() : b_.at.to_string()
            );
        } else {
            plan.seller = *seller;
        }
    }

    if (b_.items) {
        const items_binding& ib = *b_.items;
        auto add_item = [&](const json::object& rec, const std::string& prefix) {
            const section_values iv = r.read(ib.fields, rec, prefix);
            billing::plan_item item;
            item.key = iv.text("key", text_of(rec, "Id"));
            item.description = iv.text("description");
            item.product_code = iv.text("product_code");
            item.unit_code = iv.text("unit_code", item.unit_code);
            if (iv.has("type")) {
                item.type = *billing::parse_charge_type(iv.text("type"));
            }
            if (iv.has("model")) {
                item.price.model = *billing::parse_pricing_model(iv.text("model"));
            }
            const bool arrears = item.type == billing::charge_type::usage ||
                                 item.price.model == billing::pricing_model::percentage;
            item.timing = iv.has("timing") ? *billing::parse_billing_timing(iv.text("timing"))
                                           : (arrears ? billing::billing_timing::in_arrears
                                                      : billing::billing_timing::in_advance);
            billing::currency_prices prices;
            prices.cur = plan.cur;
            prices.price = iv.number("unit_price").value_or(decimal{});
            item.price.prices.push_back(prices);
            item.price.percent = iv.number("percent").value_or(decimal{});
            item.quantity = iv.number("quantity").value_or(decimal{1});
            item.start = iv.date("start");
            item.end = iv.date("end");
            item.period = iv.period("period");
            if (iv.has("aggregation")) {
                item.aggregation = *billing::parse_usage_aggregation(iv.text("aggregation"));
            }
            if (iv.is_mapped("tax_supply") || iv.is_mapped("tax_class")) {
                billing::item_tax tax;
                tax.supply = iv.text("tax_supply", tax.supply);
                tax.product_class = iv.text("tax_class", tax.product_class);
                item.tax = std::move(tax);
            } else {
                item.vat.category = iv.text("vat_category", "S");
                item.vat.rate =
                    iv.number("vat_rate").value_or(item.vat.category == "S" ? decimal{19} : decimal{});
            }
            if (auto d = iv.number("discount_percent"); d && d->signum() > 0) {
                billing::discount discount;
                discount.kind = billing::discount_kind::percent;
                discount.value = *d;
                item.discounts.push_back(std::move(discount));
            }
            plan.items.push_back(std::move(item));
        };
        if (ib.self) {
            add_item(record, "");
        } else if (const json::value* children = detail::value_at(record, std::span(&ib.relationship, 1));
                   children != nullptr && children->is_object()) {
            const json::object& set = children->get_object();
            const json::value* done = set.if_contains("done");
            if (done != nullptr && done->is_bool() && !done->get_bool()) {
                r.problem(
                    ib.relationship,
                    "items",
                    "more child records than one query page; fetch the rest (nextRecordsUrl) and pass them "
                    "all",
                    b_.at.to_string()
                );
            }
            const json::value* records = set.if_contains("records");
            if (records != nullptr && records->is_array()) {
                const auto& list = records->get_array();
                for (std::size_t i = 0; i < list.size(); ++i) {
                    if (!list[i].is_object()) {
                        continue;
                    }
                    const json::object& child = list[i].get_object();
                    const bool wanted = std::all_of(
                        ib.conditions.begin(),
                        ib.conditions.end(),
                        [&](const bound_condition& c) { return detail::evaluate(c, child); }
                    );
                    if (wanted) {
                        add_item(child, ib.relationship + "[" + std::to_string(i) + "].");
                    }
                }
            }
        }
    }

    for (std::size_t i = 0; i < b_.milestones.size(); ++i) {
        const std::string prefix = "milestones[" + std::to_string(i) + "].";
        const section_values mv = r.read(b_.milestones[i], record, prefix);
        billing::milestone m;
        m.key = mv.text("key");
        m.type = billing::parse_milestone_type(mv.text("type")).value_or(billing::milestone_type::advance);
        m.percent = mv.number("percent");
        m.amount = mv.number("amount");
        m.due = mv.date("due");
        m.label = mv.text("label");
        plan.milestones.push_back(std::move(m));
    }
    if (!plan.milestones.empty() && plan.contract_id.empty()) {
        plan.contract_id = plan.id;  // the advances and the final invoice of one project
    }

    if (result.problems.empty()) {
        // billing's own rules; problems above would only repeat here as "no id" and the like.
        for (auto& message : billing::check_plan(plan)) {
            r.problem("", "", std::move(message), b_.at.to_string());
        }
    }
    if (result.problems.empty()) {
        result.plan = std::move(plan);
    }
    return result;
}

usage_result bound_usage_mapping::apply(const json::object& record, const apply_context& ctx) const {
    usage_result result;
    const std::string record_id = text_of(record, "Id");
    record_reader r(b_.object, record_id, ctx, result.problems);
    const section_values uv = r.read(b_.fields, record, "");
    mapped_usage u;
    u.external_id = uv.text("id", record_id);
    u.plan_id = uv.text("plan_id");
    u.item_key = uv.text("item_key");
    u.quantity = uv.number("quantity").value_or(decimal{});
    u.unique_key = uv.text("unique_key");
    if (auto it = uv.values.find("occurred_at"); it != uv.values.end()) {
        if (const auto* at = std::get_if<instant>(&it->second)) {
            u.occurred_at = *at;
            if (ctx.to_civil_date) {
                u.date = ctx.to_civil_date(*at);
            } else {
                r.problem(
                    "",
                    "usage.occurred_at",
                    "a datetime needs the org time zone (no to_civil_date given)",
                    b_.at.to_string()
                );
            }
        } else if (const auto* day = std::get_if<civil_date>(&it->second)) {
            // A date field is a civil date already: no zone, midnight UTC as the instant.
            u.date = *day;
            u.occurred_at = instant{std::chrono::sys_days{*day}};
        }
    }
    if (u.external_id.empty()) {
        r.problem("Id", "usage.id", "the record has no id", b_.at.to_string());
    }
    if (result.problems.empty()) {
        result.usage = std::move(u);
    }
    return result;
}

}  // namespace fakturad::mapping
