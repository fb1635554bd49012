#include "fakturad/mapping/text.hpp"
#include "mapping_test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace fakturad::mapping {
namespace {

using test::bind_ok;
using test::json_object;

const std::string opportunity_select =
    "SELECT Id, SystemModstamp, AccountId, Billing_Start__c, Billing_End__c, Billing_Period__c, "
    "Billing_Currency__c, Legal_Entity__c, Account.Invoice_Language__c, Order_Reference__c, Account.Name, "
    "Account.VAT_Number__c, Account.BillingCountry, Account.BillingStreet, Account.BillingPostalCode, "
    "Account.BillingCity, Account.Invoice_Email__c, StageName, (SELECT Id, Product2.Name, "
    "Product2.ProductCode, "
    "Product2.Charge_Type__c, Quantity, UnitPrice, ServiceDate FROM OpportunityLineItems WHERE Quantity > 0) "
    "FROM Opportunity";

TEST(soql, all_records_of_the_opportunity_mapping) {
    const bound_set set = bind_ok(test::opportunity_mapping);
    ASSERT_EQ(set.plans.size(), 1u);
    EXPECT_EQ(
        set.plans.front().soql_all(),
        opportunity_select + " WHERE StageName = 'Closed Won' AND Billing_Start__c != null"
    );
}

TEST(soql, by_ids_without_the_conditions) {
    const bound_set set = bind_ok(test::opportunity_mapping);
    ASSERT_EQ(set.plans.size(), 1u);
    const std::vector<std::string> ids{"006000000000001AAA", "006000000000002"};
    EXPECT_EQ(
        set.plans.front().soql_by_ids(ids),
        opportunity_select + " WHERE Id IN ('006000000000001AAA', '006000000000002')"
    );
    const std::vector<std::string> injected{"006000000000001' OR Name != '"};
    EXPECT_THROW((void)set.plans.front().soql_by_ids(injected), std::invalid_argument);
    const std::vector<std::string> bad_suffix{"006000000000001AAB"};
    EXPECT_THROW((void)set.plans.front().soql_by_ids(bad_suffix), std::invalid_argument);
    EXPECT_THROW((void)set.plans.front().soql_by_ids({}), std::invalid_argument);
}

TEST(soql, watched_objects_are_the_source_and_the_child) {
    const bound_set set = bind_ok(test::opportunity_mapping);
    ASSERT_EQ(set.plans.size(), 1u);
    const auto watched = set.plans.front().watched_objects();
    ASSERT_EQ(watched.size(), 2u);
    EXPECT_EQ(watched[0].object, "Opportunity");
    EXPECT_EQ(watched[0].parent_id_field, "Id");
    EXPECT_EQ(watched[1].object, "OpportunityLineItem");
    EXPECT_EQ(watched[1].parent_id_field, "OpportunityId");
}

TEST(soql, literals_are_escaped) {
    EXPECT_EQ(soql_quote("O'Brien"), "'O\\'Brien'");
    EXPECT_EQ(soql_quote("a\\b\"c\nd\re\tf"), "'a\\\\b\\\"c\\nd\\re\\tf'");
    const bound_set set = bind_ok(
        "plans:\n  - name: opp\n    object: Opportunity\n    where:\n"
        "      - {field: Name, equals: \"O'Brien \\\\ Söhne\"}\n"
        "      - {field: Name, like: \"100\\\\%\"}\n"
        "      - {field: Amount, at_least: 10.50}\n"
        "      - {field: CloseDate, less: 2026-01-01}\n"
        "      - {field: IsClosed, equals: TRUE}\n"
        "      - {field: StageName, not_in: [Closed Lost, Prospecting]}\n"
        "    plan:\n      account_id: {field: AccountId}\n      start: {field: CloseDate}\n      seller: "
        "DE01\n"
        "    buyer:\n      name: {field: Account.Name}\n      country: DE\n"
    );
    ASSERT_EQ(set.plans.size(), 1u);
    const std::string soql = set.plans.front().soql_all();
    EXPECT_EQ(
        soql.substr(soql.find(" WHERE ")),
        " WHERE Name = 'O\\'Brien \\\\ Söhne' AND Name LIKE '100\\%' AND Amount >= 10.50 AND CloseDate < "
        "2026-01-01"
        " AND IsClosed = true AND StageName NOT IN ('Closed Lost', 'Prospecting')"
    );
}

struct match_case {
    const char* name;
    std::string condition;  // the YAML flow mapping
    std::string record;     // JSON
    bool expected;
};

class matches_op : public ::testing::TestWithParam<match_case> {};

TEST_P(matches_op, agrees_with_soql) {
    const auto& c = GetParam();
    const bound_set set = bind_ok(
        "plans:\n  - name: opp\n    object: Opportunity\n    where:\n      - " + c.condition +
        "\n    plan:\n      account_id: {field: AccountId}\n      start: {field: CloseDate}\n      seller: "
        "DE01\n"
        "    buyer:\n      name: {field: Account.Name}\n      country: DE\n"
    );
    ASSERT_EQ(set.plans.size(), 1u);
    EXPECT_EQ(set.plans.front().matches(json_object(c.record)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    mapping,
    matches_op,
    ::testing::Values(
        match_case{
            "equals_ignores_case",
            "{field: StageName, equals: closed won}",
            R"({"StageName": "Closed Won"})",
            true},
        match_case{
            "equals_other",
            "{field: StageName, equals: Closed Won}",
            R"({"StageName": "Closed Lost"})",
            false},
        match_case{"equals_null", "{field: StageName, equals: Closed Won}", R"({"StageName": null})", false},
        match_case{"equals_absent", "{field: StageName, equals: Closed Won}", R"({})", false},
        match_case{
            "not_equals_null", "{field: StageName, not_equals: Closed Won}", R"({"StageName": null})", true},
        match_case{
            "not_equals_same",
            "{field: StageName, not_equals: Closed Won}",
            R"({"StageName": "CLOSED WON"})",
            false},
        match_case{
            "in_ignores_case",
            "{field: StageName, in: [Prospecting, Closed Won]}",
            R"({"StageName": "closed won"})",
            true},
        match_case{
            "in_null", "{field: StageName, in: [Prospecting, Closed Won]}", R"({"StageName": null})", false},
        match_case{
            "not_in_null", "{field: StageName, not_in: [Prospecting]}", R"({"StageName": null})", true},
        match_case{
            "not_in_member",
            "{field: StageName, not_in: [Prospecting]}",
            R"({"StageName": "Prospecting"})",
            false},
        match_case{"greater_number", "{field: Amount, greater: 100}", R"({"Amount": 100.5})", true},
        match_case{"greater_equal", "{field: Amount, greater: 100}", R"({"Amount": 100})", false},
        match_case{"greater_null", "{field: Amount, greater: -1}", R"({"Amount": null})", false},
        match_case{"at_least_equal", "{field: Amount, at_least: 100.00}", R"({"Amount": 100.0})", true},
        match_case{"less_number", "{field: Amount, less: 100}", R"({"Amount": 99.99})", true},
        match_case{"at_most_above", "{field: Amount, at_most: 100}", R"({"Amount": 100.01})", false},
        match_case{
            "greater_date",
            "{field: CloseDate, greater: 2026-01-01}",
            R"({"CloseDate": "2026-01-02"})",
            true},
        match_case{
            "at_most_date",
            "{field: CloseDate, at_most: 2026-01-01}",
            R"({"CloseDate": "2026-01-02"})",
            false},
        match_case{
            "greater_datetime_with_offset",
            "{field: SystemModstamp, greater: 2026-01-01T00:00:00Z}",
            R"({"SystemModstamp": "2026-01-01T00:30:00.000+0100"})",
            false},
        match_case{
            "less_datetime",
            "{field: SystemModstamp, less: 2026-01-01T00:00:00.000+0000}",
            R"({"SystemModstamp": "2025-12-31T23:59:59.999Z"})",
            true},
        match_case{
            "is_null_true_on_null",
            "{field: Billing_Start__c, is_null: true}",
            R"({"Billing_Start__c": null})",
            true},
        match_case{
            "is_null_true_on_empty",
            "{field: Order_Reference__c, is_null: true}",
            R"({"Order_Reference__c": ""})",
            true},
        match_case{
            "is_null_false_on_value",
            "{field: Billing_Start__c, is_null: false}",
            R"({"Billing_Start__c": "2026-01-01"})",
            true},
        match_case{"is_null_false_on_null", "{field: Billing_Start__c, is_null: false}", R"({})", false},
        match_case{
            "like_prefix_ignores_case", "{field: Name, like: acme%}", R"({"Name": "ACME GmbH"})", true},
        match_case{"like_one_character", "{field: Name, like: _cme}", R"({"Name": "Acme"})", true},
        match_case{
            "like_needs_the_character", "{field: Name, like: \"%_GmbH\"}", R"({"Name": "GmbH"})", false},
        match_case{
            "like_escaped_percent", "{field: Name, like: \"100\\\\%\"}", R"({"Name": "100 units"})", false},
        match_case{"like_null", "{field: Name, like: \"%\"}", R"({"Name": null})", false},
        match_case{"boolean_equals", "{field: IsClosed, equals: true}", R"({"IsClosed": true})", true},
        match_case{
            "boolean_not_equals", "{field: IsClosed, not_equals: true}", R"({"IsClosed": false})", true},
        match_case{
            "id_15_matches_18",
            "{field: AccountId, equals: 001000000000001}",
            R"({"AccountId": "001000000000001AAA"})",
            true},
        match_case{
            "parent_path", "{field: Account.Name, equals: acme}", R"({"Account": {"Name": "Acme"}})", true},
        match_case{
            "parent_path_null_parent",
            "{field: Account.Name, not_equals: acme}",
            R"({"Account": null})",
            true}
    ),
    [](const auto& test_info) { return std::string(test_info.param.name); }
);

}  // namespace
}  // namespace fakturad::mapping
