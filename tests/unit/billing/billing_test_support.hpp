#pragma once
// Helpers for the billing tests: literals for dates and decimals, small plan builders, run shortcuts.

#include "fakturad/billing/lifecycle.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/plan_state.hpp"
#include "fakturad/billing/run.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

namespace fakturad::billing::test {

inline civil_date date_of(std::string_view text) {
    auto r = parse_iso_date(text);
    if (auto* err = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << *err;
        return {};
    }
    return std::get<civil_date>(r);
}

inline decimal dec(std::string_view text) { return parse_decimal_or_throw(text); }

inline billing_period period_of(std::string_view text) {
    return std::get<billing_period>(parse_billing_period(text));
}

// Exact text of a decimal at its own scale, for readable comparisons ("19.35").
inline std::string str(decimal d) { return to_string(d); }

inline vat_treatment vat19() { return {"S", dec("19")}; }
inline vat_treatment vat7() { return {"S", dec("7")}; }

inline pricing per_unit(std::string_view price, std::string_view cur = "EUR") {
    pricing p;
    p.model = pricing_model::per_unit;
    currency_prices c;
    c.cur = currency(cur);
    c.price = dec(price);
    p.prices.push_back(c);
    return p;
}

inline pricing flat(std::string_view price, std::string_view cur = "EUR") {
    pricing p = per_unit(price, cur);
    p.model = pricing_model::flat_fee;
    return p;
}

inline plan_item recurring(
    std::string key, std::string_view qty, pricing price, vat_treatment vat = vat19()
) {
    plan_item item;
    item.description = key;
    item.key = std::move(key);
    item.type = charge_type::recurring;
    item.timing = billing_timing::in_advance;
    item.quantity = dec(qty);
    item.price = std::move(price);
    item.vat = std::move(vat);
    return item;
}

inline plan_item usage_item(
    std::string key, usage_aggregation agg, pricing price, vat_treatment vat = vat19()
) {
    plan_item item = recurring(std::move(key), "1", std::move(price), std::move(vat));
    item.type = charge_type::usage;
    item.timing = billing_timing::in_arrears;
    item.aggregation = agg;
    return item;
}

// A monthly, calendar-aligned plan in EUR, German texts, seller DE01, account A-1.
inline billing_plan plan_with(std::string id, std::string_view start, std::vector<plan_item> items) {
    billing_plan plan;
    plan.id = std::move(id);
    plan.account.id = "A-1";
    plan.account.name = "Kunde AG";
    plan.account.emails = {"rechnung@kunde.example"};
    plan.account.vat_id = "DE999999999";
    plan.account.country = "DE";
    plan.seller.id = "DE01";
    plan.seller.name = "Muster Software GmbH";
    plan.seller.vat_id = "DE123456789";
    plan.seller.country = "DE";
    plan.start = date_of(start);
    plan.period = period_of("P1M");
    plan.alignment = period_alignment::calendar;
    plan.language = "en";
    plan.items = std::move(items);
    plan.contract_id = plan.id;
    return plan;
}

inline usage_record use(
    std::string item, std::string_view date, std::string_view qty, std::string key = "", std::uint64_t seq = 0
) {
    usage_record r;
    r.item_key = std::move(item);
    r.date = date_of(date);
    r.quantity = dec(qty);
    r.unique_key = std::move(key);
    r.sequence = seq;
    return r;
}

// Runs one plan and returns the result (drafts + failures).
inline run_result run_one(
    const billing_plan& plan,
    const plan_state& state,
    std::string_view cutoff,
    std::vector<usage_record> usage = {},
    std::size_t max_periods = 120
) {
    for (auto& u : usage) {
        u.plan_id = plan.id;
    }
    run_options options;
    options.cutoff = date_of(cutoff);
    options.max_periods_per_item = max_periods;
    std::vector<billing_plan> plans{plan};
    std::vector<plan_state> states{state};
    states.front().plan_id = plan.id;
    return run_all(plans, states, usage, options);
}

// Line nets of the only draft, as text.
inline std::vector<std::string> nets(const run_result& r) {
    std::vector<std::string> out;
    if (r.drafts.size() != 1) {
        ADD_FAILURE() << "expected one draft, got " << r.drafts.size()
                      << (r.failures.empty() ? "" : " (failure: " + r.failures.front().second.message + ")");
        return out;
    }
    for (const auto& l : r.drafts.front().lines) {
        out.push_back(str(l.net));
    }
    return out;
}

inline std::vector<std::string> texts(const run_result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.drafts) {
        for (const auto& l : d.lines) {
            out.push_back(l.description);
        }
    }
    return out;
}

}  // namespace fakturad::billing::test
