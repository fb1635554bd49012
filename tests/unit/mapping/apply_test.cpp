#include "fakturad/mapping/text.hpp"
#include "mapping_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace fakturad::mapping {
namespace {

using namespace std::chrono;
using test::bind_ok;
using test::json_object;

constexpr civil_date day(int y, unsigned m, unsigned d) {
    return civil_date{year{y}, month{m}, std::chrono::day{d}};
}

billing::party legal_entity_de01() {
    billing::party p;
    p.id = "DE01";
    p.name = "Fakturad Demo GmbH";
    p.country = "DE";
    p.vat_id = "DE999999999";
    return p;
}

// Europe/Berlin in winter: UTC+1. The real zone lookup is the caller's.
apply_context context() {
    static const billing::party seller = legal_entity_de01();
    apply_context ctx;
    ctx.to_civil_date = [](instant at) { return civil_date{floor<days>(at + hours{1})}; };
    ctx.legal_entity = [](std::string_view code) -> const billing::party* {
        return code == "DE01" ? &seller : nullptr;
    };
    return ctx;
}

const char* const full_record = R"({
  "attributes": {"type": "Opportunity", "url": "/services/data/v60.0/sobjects/Opportunity/006000000000001AAA"},
  "Id": "006000000000001AAA",
  "SystemModstamp": "2026-01-10T09:00:00.000+0000",
  "AccountId": "001000000000001AAA",
  "StageName": "Closed Won",
  "Billing_Start__c": "2026-02-01",
  "Billing_End__c": "2027-01-31",
  "Billing_Period__c": "Quarterly",
  "Billing_Currency__c": null,
  "Legal_Entity__c": "DE01",
  "Order_Reference__c": "PO-4711",
  "Account": {
    "attributes": {"type": "Account"},
    "Name": "Acme GmbH",
    "Invoice_Language__c": "English",
    "VAT_Number__c": "DE123456789",
    "BillingCountry": "Deutschland",
    "BillingStreet": "Hauptstr. 1\r\nHinterhaus",
    "BillingPostalCode": "10115",
    "BillingCity": "Berlin",
    "Invoice_Email__c": "ap@acme.example; billing@acme.example"
  },
  "OpportunityLineItems": {"totalSize": 3, "done": true, "records": [
    {"attributes": {"type": "OpportunityLineItem"}, "Id": "00k000000000001AAA", "Quantity": 3.0, "UnitPrice": 49.99,
     "ServiceDate": null,
     "Product2": {"Name": "Seat licence", "ProductCode": "SEAT", "Charge_Type__c": "Recurring"}},
    {"attributes": {"type": "OpportunityLineItem"}, "Id": "00k000000000002AAA", "Quantity": 1, "UnitPrice": 1500.0,
     "ServiceDate": "2026-02-15",
     "Product2": {"Name": "Onboarding", "ProductCode": "ONB", "Charge_Type__c": "One-Time"}},
    {"attributes": {"type": "OpportunityLineItem"}, "Id": "00k000000000003AAA", "Quantity": 0, "UnitPrice": 10,
     "ServiceDate": null, "Product2": null}
  ]}
})";

TEST(apply_plan, builds_the_plan_of_a_full_opportunity) {
    const bound_set set = bind_ok(test::opportunity_mapping);
    ASSERT_EQ(set.plans.size(), 1u);
    const auto& m = set.plans.front();
    const auto record = json_object(full_record);
    ASSERT_TRUE(m.matches(record));
    const plan_result r = m.apply(record, context());
    ASSERT_TRUE(r.problems.empty()) << r.problems.front().to_string();
    ASSERT_TRUE(r.plan.has_value());
    const billing::billing_plan& p = *r.plan;
    EXPECT_EQ(p.id, "006000000000001AAA");
    EXPECT_EQ(p.account.id, "001000000000001AAA");
    EXPECT_EQ(p.account.name, "Acme GmbH");
    EXPECT_EQ(p.account.country, "DE");
    EXPECT_EQ(p.account.vat_id, "DE123456789");
    EXPECT_EQ(p.account.address, (std::vector<std::string>{"Hauptstr. 1", "Hinterhaus"}));
    EXPECT_EQ(p.account.postcode, "10115");
    EXPECT_EQ(p.account.city, "Berlin");
    EXPECT_EQ(p.account.emails, (std::vector<std::string>{"ap@acme.example", "billing@acme.example"}));
    EXPECT_EQ(p.cur.code(), "EUR");
    EXPECT_EQ(p.language, "en");
    EXPECT_EQ(p.seller, legal_entity_de01());
    EXPECT_EQ(p.start, day(2026, 2, 1));
    EXPECT_EQ(p.end, day(2027, 1, 31));
    EXPECT_EQ(p.period, (billing_period{3, period_unit::month}));
    EXPECT_EQ(p.references.order_reference, "PO-4711");
    EXPECT_TRUE(p.buyer_tax.business);
    ASSERT_EQ(p.items.size(), 2u);  // the line with quantity 0 fails the items' where
    const auto& seats = p.items[0];
    EXPECT_EQ(seats.key, "00k000000000001AAA");
    EXPECT_EQ(seats.description, "Seat licence");
    EXPECT_EQ(seats.product_code, "SEAT");
    EXPECT_EQ(seats.type, billing::charge_type::recurring);
    EXPECT_EQ(seats.timing, billing::billing_timing::in_advance);
    EXPECT_EQ(seats.price.model, billing::pricing_model::per_unit);
    ASSERT_EQ(seats.price.prices.size(), 1u);
    EXPECT_EQ(to_string(seats.price.prices[0].price), "49.99");
    EXPECT_EQ(seats.price.prices[0].cur.code(), "EUR");
    EXPECT_EQ(to_string(seats.quantity), "3");
    EXPECT_EQ(seats.vat.category, "S");
    EXPECT_EQ(to_string(seats.vat.rate), "19");
    EXPECT_FALSE(seats.start.has_value());
    EXPECT_EQ(seats.unit_code, "C62");
    const auto& onboarding = p.items[1];
    EXPECT_EQ(onboarding.type, billing::charge_type::one_time);
    EXPECT_EQ(to_string(onboarding.price.prices[0].price), "1500");
    EXPECT_EQ(onboarding.start, day(2026, 2, 15));
    EXPECT_TRUE(billing::check_plan(p).empty());
}

TEST(apply_plan, reports_every_problem_of_a_record) {
    const bound_set set = bind_ok(test::opportunity_mapping);
    ASSERT_EQ(set.plans.size(), 1u);
    auto record = json_object(full_record);
    record["Billing_Period__c"] = "Weekly";           // not in the map, no default
    record["Account"].as_object()["Name"] = nullptr;  // required
    record["Billing_Start__c"] = "2026-02-30";        // no such day
    const plan_result r = set.plans.front().apply(record, context());
    EXPECT_FALSE(r.plan.has_value());
    ASSERT_EQ(r.problems.size(), 3u);
    const auto find = [&](std::string_view target) {
        return std::find_if(r.problems.begin(), r.problems.end(), [&](const record_problem& p) {
            return p.target == target;
        });
    };
    const auto period = find("plan.period");
    ASSERT_NE(period, r.problems.end());
    EXPECT_EQ(period->object, "Opportunity");
    EXPECT_EQ(period->record_id, "006000000000001AAA");
    EXPECT_EQ(period->field, "Billing_Period__c");
    EXPECT_EQ(period->mapping_location, "test.yaml:11:15");
    EXPECT_EQ(
        period->to_string(),
        "Opportunity 006000000000001AAA: Billing_Period__c -> plan.period: value 'Weekly' is not in the map "
        "(mapped: 'Monthly', 'Quarterly', 'Yearly'); add it to map: or give a default: (mapping "
        "test.yaml:11:15)"
    );
    const auto name = find("buyer.name");
    ASSERT_NE(name, r.problems.end());
    EXPECT_EQ(name->field, "Account.Name");
    EXPECT_EQ(name->message, "required but empty");
    EXPECT_EQ(name->mapping_location, "test.yaml:17:13");
    const auto start = find("plan.start");
    ASSERT_NE(start, r.problems.end());
    EXPECT_EQ(start->field, "Billing_Start__c");
    EXPECT_NE(start->message.find("February 2026 has 28 days"), std::string::npos) << start->message;
    EXPECT_EQ(start->mapping_location, "test.yaml:9:14");
}

TEST(apply_plan, names_the_child_record_of_an_item_problem) {
    const bound_set set = bind_ok(test::opportunity_mapping);
    ASSERT_EQ(set.plans.size(), 1u);
    auto record = json_object(full_record);
    auto& lines = record["OpportunityLineItems"].as_object()["records"].as_array();
    lines[1].as_object()["Product2"].as_object()["Charge_Type__c"] = "Rental";  // mapped with a default: fine
    lines[1].as_object()["Product2"].as_object()["Name"] = nullptr;             // description is required
    record["Legal_Entity__c"] = "FR01";
    const plan_result r = set.plans.front().apply(record, context());
    ASSERT_EQ(r.problems.size(), 2u) << r.problems.front().to_string();
    EXPECT_EQ(r.problems[0].field, "Legal_Entity__c");
    EXPECT_EQ(r.problems[0].message, "unknown legal entity code 'FR01' (configure it under legal_entities)");
    EXPECT_EQ(r.problems[1].field, "OpportunityLineItems[1].Product2.Name");
    EXPECT_EQ(r.problems[1].target, "items.description");
}

TEST(apply_plan, more_child_records_than_one_page_is_a_problem) {
    const bound_set set = bind_ok(test::opportunity_mapping);
    ASSERT_EQ(set.plans.size(), 1u);
    auto record = json_object(full_record);
    record["OpportunityLineItems"].as_object()["done"] = false;
    const plan_result r = set.plans.front().apply(record, context());
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].field, "OpportunityLineItems");
    EXPECT_NE(r.problems[0].message.find("more child records than one query page"), std::string::npos);
}

TEST(apply_plan, check_plan_problems_become_record_problems) {
    const bound_set set = bind_ok(test::opportunity_mapping);
    ASSERT_EQ(set.plans.size(), 1u);
    auto record = json_object(full_record);
    record["Billing_End__c"] = "2026-01-01";  // before the start
    const plan_result r = set.plans.front().apply(record, context());
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].message, "end lies before start");
    EXPECT_EQ(r.problems[0].mapping_location, "test.yaml:2:5");
}

TEST(apply_plan, country_names_and_items_from_self) {
    const bound_set set = bind_ok(
        "plans:\n  - name: subs\n    object: Subscription__c\n"
        "    plan:\n      account_id: {field: Account__c}\n      start: {field: Start_Date__c}\n"
        "      seller: DE01\n      alignment: anniversary\n      auto_renew: {field: Auto_Renew__c}\n"
        "      end: {field: End_Date__c}\n"
        "    buyer:\n      name: {field: Account__r.Name}\n      country: {field: "
        "Account__r.BillingCountry}\n"
        "      endpoint: {field: Account__r.Leitweg_ID__c}\n      endpoint_scheme: \"0204\"\n"
        "    items:\n      from: self\n      fields:\n        description: {field: Name}\n"
        "        model: flat_fee\n        unit_price: {value: \"99.90\"}\n        tax_supply: "
        "electronic_services\n"
    );
    ASSERT_EQ(set.plans.size(), 1u);
    const auto record = json_object(R"({"Id": "a01000000000001AAA", "Account__c": "001000000000001AAA",
        "Start_Date__c": "2026-03-15", "End_Date__c": "2027-03-14", "Auto_Renew__c": true, "Name": "Platform",
        "Account__r": {"Name": "Wien AG", "BillingCountry": "Österreich", "Leitweg_ID__c": "991-12345-67"}})"
    );
    const plan_result r = set.plans.front().apply(record, context());
    ASSERT_TRUE(r.problems.empty()) << r.problems.front().to_string();
    EXPECT_EQ(r.plan->account.country, "AT");
    ASSERT_TRUE(r.plan->account.endpoint.has_value());
    EXPECT_EQ(r.plan->account.endpoint->scheme, "0204");
    EXPECT_TRUE(r.plan->renewal.auto_renew);
    EXPECT_EQ(r.plan->alignment, period_alignment::anniversary);
    ASSERT_EQ(r.plan->items.size(), 1u);
    EXPECT_EQ(r.plan->items[0].key, "a01000000000001AAA");
    EXPECT_EQ(to_string(r.plan->items[0].price.prices[0].price), "99.90");
    ASSERT_TRUE(r.plan->items[0].tax.has_value());
    EXPECT_EQ(r.plan->items[0].tax->supply, "electronic_services");
    EXPECT_EQ(r.plan->items[0].tax->product_class, "standard");

    auto unknown = record;
    unknown["Account__r"].as_object()["BillingCountry"] = "Atlantis";
    const plan_result bad = set.plans.front().apply(unknown, context());
    ASSERT_EQ(bad.problems.size(), 1u);
    EXPECT_EQ(bad.problems[0].field, "Account__r.BillingCountry");
    EXPECT_NE(bad.problems[0].message.find("unknown country 'Atlantis'"), std::string::npos);
}

TEST(country_code, names_in_english_and_german) {
    EXPECT_EQ(country_code("Germany"), "DE");
    EXPECT_EQ(country_code("deutschland"), "DE");
    EXPECT_EQ(country_code("United States"), "US");
    EXPECT_EQ(country_code("USA"), "US");
    EXPECT_EQ(country_code("Österreich"), "AT");
    EXPECT_EQ(country_code("ÖSTERREICH"), "AT");
    EXPECT_EQ(country_code(" Schweiz "), "CH");
    EXPECT_EQ(country_code("UK"), "GB");
    EXPECT_EQ(country_code("fr"), "FR");
    EXPECT_EQ(country_code("Nowhere"), std::nullopt);
}

const std::string usage_mapping =
    "usage:\n"
    "  - name: api-calls\n"
    "    object: Usage_Record__c\n"
    "    where:\n"
    "      - {field: Quantity__c, greater: 0}\n"
    "    fields:\n"
    "      id: {field: Usage_Key__c}\n"
    "      plan_id: {field: Subscription_Item__r.Subscription__c, required: true}\n"
    "      item_key: {field: Subscription_Item__c, required: true}\n"
    "      quantity: {field: Quantity__c, required: true}\n"
    "      occurred_at: {field: Occurred_At__c, required: true}\n"
    "      unique_key: {field: Unique_Key__c}\n";

TEST(apply_usage, converts_the_instant_through_the_org_zone) {
    const bound_set set = bind_ok(usage_mapping);
    ASSERT_EQ(set.usage.size(), 1u);
    const auto& m = set.usage.front();
    EXPECT_EQ(
        m.soql_all(),
        "SELECT Id, SystemModstamp, Usage_Key__c, Subscription_Item__r.Subscription__c, "
        "Subscription_Item__c, "
        "Quantity__c, Occurred_At__c, Unique_Key__c FROM Usage_Record__c WHERE Quantity__c > 0"
    );
    EXPECT_EQ(m.watched().object, "Usage_Record__c");
    const auto record = json_object(R"({"Id": "a03000000000001AAA", "Usage_Key__c": "evt-1",
        "Subscription_Item__c": "a02000000000001AAA", "Quantity__c": 1234.5678,
        "Occurred_At__c": "2026-01-31T23:30:00.000+0000", "Unique_Key__c": "user-7",
        "Subscription_Item__r": {"Subscription__c": "a01000000000001AAA"}})");
    ASSERT_TRUE(m.matches(record));
    const usage_result r = m.apply(record, context());
    ASSERT_TRUE(r.problems.empty()) << r.problems.front().to_string();
    EXPECT_EQ(r.usage->external_id, "evt-1");
    EXPECT_EQ(r.usage->plan_id, "a01000000000001AAA");
    EXPECT_EQ(r.usage->item_key, "a02000000000001AAA");
    EXPECT_EQ(to_string(r.usage->quantity), "1234.5678");
    EXPECT_EQ(format_instant(r.usage->occurred_at), "2026-01-31T23:30:00.000Z");
    EXPECT_EQ(r.usage->date, day(2026, 2, 1));  // 00:30 in Berlin
    EXPECT_EQ(r.usage->unique_key, "user-7");

    auto missing = record;
    missing["Quantity__c"] = nullptr;
    missing["Occurred_At__c"] = "yesterday";
    const usage_result bad = m.apply(missing, context());
    ASSERT_EQ(bad.problems.size(), 2u);
    EXPECT_EQ(bad.problems[0].target, "usage.quantity");
    EXPECT_EQ(bad.problems[1].target, "usage.occurred_at");
    EXPECT_EQ(bad.problems[1].record_id, "a03000000000001AAA");
}

TEST(carry_removed_items, keeps_removed_items_until_the_removal_day) {
    billing::billing_plan before;
    before.start = day(2026, 1, 1);
    before.items.resize(3);
    before.items[0].key = "kept";
    before.items[1].key = "removed";
    before.items[2].key = "future";
    before.items[2].start = day(2026, 6, 1);
    billing::billing_plan after = before;
    after.items.resize(1);
    const auto carried = carry_removed_items(before, after, day(2026, 3, 15));
    ASSERT_EQ(carried.items.size(), 2u);
    EXPECT_EQ(carried.items[0].key, "kept");
    EXPECT_FALSE(carried.items[0].end.has_value());
    EXPECT_EQ(carried.items[1].key, "removed");
    EXPECT_EQ(carried.items[1].end, day(2026, 3, 15));

    before.items[1].end = day(2026, 2, 28);  // ended earlier already: stays
    EXPECT_EQ(carry_removed_items(before, after, day(2026, 3, 15)).items[1].end, day(2026, 2, 28));
}

TEST(carry_plan_history, a_quantity_change_becomes_an_effective_dated_change) {
    billing::billing_plan before;
    before.start = day(2026, 11, 1);
    before.items.resize(2);
    before.items[0].key = "licences";
    before.items[0].quantity = decimal(5);
    before.items[1].key = "later";
    before.items[1].start = day(2027, 1, 1);
    before.items[1].quantity = decimal(2);

    billing::billing_plan after = before;
    after.items[0].quantity = decimal(8);
    after.items[1].quantity = decimal(3);
    auto first = carry_plan_history(before, after, day(2026, 11, 27));
    EXPECT_EQ(first.items[0].quantity, decimal(5));
    ASSERT_EQ(first.items[0].changes.size(), 1u);
    EXPECT_EQ(first.items[0].changes[0].effective, day(2026, 11, 27));
    EXPECT_EQ(first.items[0].changes[0].quantity, decimal(8));
    // Not started yet: the new quantity holds from its start, no history.
    EXPECT_EQ(first.items[1].quantity, decimal(3));
    EXPECT_TRUE(first.items[1].changes.empty());

    // Seen again unchanged: the history stays as it is.
    billing::billing_plan again = before;
    again.items[0].quantity = decimal(8);
    auto second = carry_plan_history(first, again, day(2026, 12, 3));
    EXPECT_EQ(second.items[0].quantity, decimal(5));
    ASSERT_EQ(second.items[0].changes.size(), 1u);

    // A further change is appended after the earlier ones.
    billing::billing_plan third_source = before;
    third_source.items[0].quantity = decimal(10);
    auto third = carry_plan_history(second, third_source, day(2027, 1, 10));
    ASSERT_EQ(third.items[0].changes.size(), 2u);
    EXPECT_EQ(third.items[0].changes[1].effective, day(2027, 1, 10));
    EXPECT_EQ(third.items[0].changes[1].quantity, decimal(10));
}

}  // namespace
}  // namespace fakturad::mapping
