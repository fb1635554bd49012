#pragma once
// A store with the legal entities DE01 and AT01 and three synced accounts, for the plan_store and invoice
// run tests; plans are built in code and put through plan_store like the sync puts them.

#include "fakturad/billing/plan.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/store/invoice_store.hpp"
#include "fakturad/store/plan_store.hpp"
#include "fakturad/store/sqlite_store.hpp"
#include "invoice_store_support.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace fakturad::store::test_support {

inline constexpr std::string_view account_a = "001000000000001AAA";
inline constexpr std::string_view account_b = "001000000000002AAA";
inline constexpr std::string_view account_c = "001000000000003AAA";

// "800000000000NNNAAA": an 18-character Contract Id.
inline std::string contract_id(int n) {
    std::string digits = std::to_string(n);
    return "800000000000" + std::string(3 - digits.size(), '0') + digits + "AAA";
}

// A monthly plan in advance from 2026-01-01 for `account`: one item "seats", 10.00 x 2, 19 % VAT.
inline billing::billing_plan simple_plan(const std::string& id, std::string_view account) {
    billing::billing_plan plan;
    plan.id = id;
    plan.account.id = std::string(account);
    plan.account.name = "Kunde " + std::string(account.substr(12, 3));
    plan.account.country = "DE";
    plan.seller.id = "DE01";
    plan.seller.name = "Muster Software GmbH";
    plan.seller.country = "DE";
    plan.seller.vat_id = "DE123456789";
    plan.start = day("2026-01-01");
    plan.contract_id = id;
    billing::plan_item item;
    item.key = "seats";
    item.description = "Seats";
    item.quantity = dec("2");
    item.price.model = billing::pricing_model::per_unit;
    billing::currency_prices eur;
    eur.cur = currency("EUR");
    eur.price = dec("10.00");
    billing::currency_prices chf;
    chf.cur = currency("CHF");
    chf.price = dec("11.00");
    item.price.prices = {eur, chf};
    item.vat = {"S", dec("19")};
    plan.items.push_back(item);
    return plan;
}

inline plan_record record_of(billing::billing_plan plan, std::string_view mapping = "contracts") {
    plan_record r;
    r.plan = std::move(plan);
    r.source_object = "Contract";
    r.mapping_name = std::string(mapping);
    r.source_json = R"({"Id":")" + r.plan.id + R"(","Status":"Activated"})";
    r.system_modstamp = t0;
    return r;
}

class plan_store_fixture : public ::testing::Test {
protected:
    void SetUp() override {
        store_.emplace(sqlite_store::open({.path = dir_.file("fakturad.sqlite")}, log_));
        invoices_.emplace(*store_);
        plans_.emplace(*store_);
        invoices_->put_legal_entity({"DE01", "Muster Software GmbH", "DE", "DE123456789", ""}, t0);
        invoices_->put_legal_entity({"AT01", "Muster Software GesmbH", "AT", "ATU12345678", ""}, t0);
        for (const auto id : {account_a, account_b, account_c}) {
            account_record account;
            account.sf_id = std::string(id);
            account.name = "Kunde " + std::string(id.substr(12, 3));
            account.billing_country = "DE";
            account.raw_json = R"({"Id":")" + std::string(id) + R"("})";
            account.system_modstamp = t0;
            plans_->put_account(account, t0);
        }
    }

    std::string scalar(std::string_view sql) {
        auto rows = store_->query_for_test(sql);
        return rows.empty() || rows.front().empty() || !rows.front().front() ? "NULL" : *rows.front().front();
    }

    temp_dir dir_;
    capturing_logger log_;
    std::optional<sqlite_store> store_;
    std::optional<invoice_store> invoices_;
    std::optional<plan_store> plans_;
};

}  // namespace fakturad::store::test_support
