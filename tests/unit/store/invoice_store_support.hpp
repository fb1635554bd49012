#pragma once
// A store with one legal entity, one account and one synced billing plan whose items the tests bill through
// the real engine (billing::run_all), so that what the repository stores is what a run produces.

#include "fakturad/billing/lifecycle.hpp"
#include "fakturad/billing/numbering.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/plan_state.hpp"
#include "fakturad/billing/run.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/logger.hpp"
#include "fakturad/store/invoice_store.hpp"
#include "fakturad/store/sqlite_store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fakturad::store::test_support {

inline constexpr std::string_view account_sf_id = "001000000000001AAA";
inline constexpr std::string_view plan_sf_id = "800000000000001AAA";

inline civil_date day(std::string_view text) {
    auto r = parse_iso_date(text);
    if (auto* err = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << *err;
        return {};
    }
    return std::get<civil_date>(r);
}

inline decimal dec(std::string_view text) { return parse_decimal_or_throw(text); }

// Monthly in advance, calendar months from 2026-01-01: item "licences" 10.00 EUR per unit x 5, 19 % VAT.
inline billing::billing_plan licence_plan() {
    billing::billing_plan plan;
    plan.id = std::string(plan_sf_id);
    plan.account = billing::party{};
    plan.account.id = std::string(account_sf_id);
    plan.account.name = "Kunde AG";
    plan.account.country = "DE";
    plan.seller.id = "DE01";
    plan.seller.name = "Muster Software GmbH";
    plan.seller.country = "DE";
    plan.seller.vat_id = "DE123456789";
    plan.start = day("2026-01-01");
    plan.contract_id = plan.id;
    billing::plan_item item;
    item.key = "licences";
    item.description = "Licences";
    item.quantity = dec("5");
    item.price.model = billing::pricing_model::per_unit;
    billing::currency_prices eur;
    eur.cur = currency("EUR");
    eur.price = dec("10.00");
    item.price.prices.push_back(eur);
    item.vat = {"S", dec("19")};
    plan.items.push_back(item);
    return plan;
}

inline billing::number_range_spec invoice_range() {
    return {"DE01", "invoice", "RE-{YYYY}-{seq:06}", billing::number_reset::yearly, 1};
}

inline billing::number_range_spec credit_range() {
    return {"DE01", "credit_note", "GS-{YYYY}-{seq:04}", billing::number_reset::yearly, 1};
}

// The drafts a run at `cutoff` makes of `plan` on the state the store holds.
inline std::vector<billing::invoice> run_on_store(
    invoice_store& invoices, const billing::billing_plan& plan, std::string_view cutoff
) {
    billing::run_options options;
    options.cutoff = day(cutoff);
    std::vector<billing::billing_plan> plans{plan};
    std::vector<billing::plan_state> states{invoices.load_plan_state(plan.id)};
    billing::run_result result = billing::run_all(plans, states, {}, options);
    for (const auto& failure : result.failures) {
        ADD_FAILURE() << failure.second.message;
    }
    return std::move(result.drafts);
}

class invoice_store_fixture : public ::testing::Test {
protected:
    void SetUp() override {
        store_.emplace(sqlite_store::open({.path = dir_.file("fakturad.sqlite")}, log_));
        invoices_.emplace(*store_);
        invoices_->put_legal_entity({"DE01", "Muster Software GmbH", "DE", "DE123456789", ""}, t0);
        const std::string t(ts);
        store_->execute_for_test(
            "INSERT INTO accounts (sf_id, name, raw_data, sf_system_modstamp, synced_at) VALUES ('" +
            std::string(account_sf_id) + "', 'Kunde AG', '{}', " + t + ", " + t +
            ");"
            "INSERT INTO billing_plans (source_object, source_record_id, account_id, legal_entity_id, "
            "currency,"
            " language, start_date, billing_period, alignment, status, source_data, sf_system_modstamp,"
            " created_at, updated_at) VALUES ('Contract', '" +
            std::string(plan_sf_id) +
            "', 1, 1, 'EUR', 'de', '2026-01-01', 'P1M', 'calendar', 'active', '{}', " + t + ", " + t + ", " +
            t +
            ");"
            "INSERT INTO plan_items (plan_id, source_item_key, description, charge_type, pricing_model,"
            " pricing_data, quantity, start_date, timing, created_at, updated_at) VALUES (1, 'licences',"
            " 'Licences', 'recurring', 'per_unit', '{}', '5', '2026-01-01', 'in_advance', " +
            t + ", " + t + ");"
        );
    }

    std::string scalar(std::string_view sql) {
        auto rows = store_->query_for_test(sql);
        return rows.empty() || rows.front().empty() || !rows.front().front() ? "NULL" : *rows.front().front();
    }

    temp_dir dir_;
    capturing_logger log_;
    std::optional<sqlite_store> store_;
    std::optional<invoice_store> invoices_;
};

}  // namespace fakturad::store::test_support
