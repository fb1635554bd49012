#include "mapping_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fakturad::mapping {
namespace {

using test::parse_one;
using test::problems_text;

struct parse_error_case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> files;
    std::string expected;  // one problem's to_string() must start with this
};

class parse_errors : public ::testing::TestWithParam<parse_error_case> {};

TEST_P(parse_errors, are_located) {
    const auto& c = GetParam();
    const auto r = parse_mappings(c.files);
    EXPECT_FALSE(r.set.has_value());
    const bool found = std::any_of(r.problems.begin(), r.problems.end(), [&](const mapping_problem& p) {
        return p.to_string().rfind(c.expected, 0) == 0;
    });
    EXPECT_TRUE(found) << "expected a problem starting with\n  " << c.expected << "\ngot\n"
                       << problems_text(r.problems);
}

const std::string plan_head =
    "plans:\n"
    "  - name: opp\n"
    "    object: Opportunity\n";

INSTANTIATE_TEST_SUITE_P(
    mapping,
    parse_errors,
    ::testing::Values(
        parse_error_case{
            "unknown_key_with_hint",
            {{"test.yaml", "plans:\n  - name: opp\n    objct: Opportunity\n"}},
            "test.yaml:3:5: plans[0]: unknown key 'objct' (did you mean 'object'?)"},
        parse_error_case{
            "duplicate_key",
            {{"test.yaml", plan_head + "    object: Account\n"}},
            "test.yaml:4:5: plans[0].object: duplicate key (first at line 3)"},
        parse_error_case{
            "field_and_value",
            {{"test.yaml",
              plan_head + "    plan:\n      start: {field: Billing_Start__c, value: 2026-01-01}\n"}},
            "test.yaml:5:14: plans[0].plan.start: give either field or value, not both"},
        parse_error_case{
            "neither_field_nor_value",
            {{"test.yaml", plan_head + "    plan:\n      start: {required: true}\n"}},
            "test.yaml:5:14: plans[0].plan.start: give field: (a Salesforce path) or value: (a constant)"},
        parse_error_case{
            "unknown_target_with_hint",
            {{"test.yaml", plan_head + "    buyer:\n      contry: {field: Account.BillingCountry}\n"}},
            "test.yaml:5:7: plans[0].buyer: unknown target 'contry' (did you mean 'country'?)"},
        parse_error_case{
            "bad_condition_op",
            {{"test.yaml", plan_head + "    where:\n      - {field: StageName, equal: Closed Won}\n"}},
            "test.yaml:5:28: plans[0].where[0]: unknown key 'equal' (did you mean 'equals'?)"},
        parse_error_case{
            "condition_without_op",
            {{"test.yaml", plan_head + "    where:\n      - {field: StageName}\n"}},
            "test.yaml:5:9: plans[0].where[0]: a condition needs one operator: equals, not_equals"},
        parse_error_case{
            "condition_with_two_ops",
            {{"test.yaml", plan_head + "    where:\n      - {field: Amount, greater: 1, less: 5}\n"}},
            "test.yaml:5:9: plans[0].where[0]: a condition takes exactly one operator, got 2"},
        parse_error_case{
            "two_writeback_sections",
            {{"a.yaml", "writeback:\n  files: {attach_to: account, formats: [pdf]}\n"},
             {"b.yaml", "# second\nwriteback:\n  files: {attach_to: source, formats: [pdf]}\n"}},
            "b.yaml:2:1: writeback: a second writeback section (the first is at a.yaml:1:1)"},
        parse_error_case{
            "duplicate_names_across_files",
            {{"a.yaml", plan_head}, {"b.yaml", "usage:\n  - name: opp\n    object: Usage_Record__c\n"}},
            "b.yaml:2:11: usage[0].name: mapping name 'opp' is already used at a.yaml:2:11"},
        parse_error_case{
            "invalid_yaml",
            {{"test.yaml", "plans:\n  - name: [opp\n    object: Opportunity\n"}},
            "test.yaml:3:11: invalid YAML: "},
        parse_error_case{
            "constant_of_wrong_choice",
            {{"test.yaml", plan_head + "    plan:\n      alignment: calender\n"}},
            "test.yaml:5:18: plans[0].plan.alignment: unknown value 'calender' (expected one of "
            "calendar,anniversary"},
        parse_error_case{
            "map_value_not_a_period",
            {{"test.yaml",
              plan_head + "    plan:\n      period: {field: Billing_Period__c, map: {Monthly: monthly}}\n"}},
            "test.yaml:5:57: plans[0].plan.period.map.Monthly: invalid billing period 'monthly': expected an "
            "ISO 8601"},
        parse_error_case{
            "unknown_conversion",
            {{"test.yaml", plan_head + "    plan:\n      start: {field: Start__c, convert: dat}\n"}},
            "test.yaml:5:41: plans[0].plan.start.convert: unknown conversion 'dat' (did you mean 'date'?)"},
        parse_error_case{
            "path_too_deep",
            {{"test.yaml", plan_head + "    plan:\n      end: {field: A.B.C.D.E.F.G}\n"}},
            "test.yaml:5:20: plans[0].plan.end.field: 'A.B.C.D.E.F.G' goes through 6 relationships; SOQL "
            "allows at most 5"},
        parse_error_case{
            "bad_mapping_name",
            {{"test.yaml", "plans:\n  - name: Opp_1\n"}},
            "test.yaml:2:11: plans[0].name: 'Opp_1' is not a mapping name (lower-case letters, digits and "
            "'-')"},
        parse_error_case{
            "unknown_result_with_hint",
            {{"test.yaml",
              "writeback:\n  invoice:\n    object: Invoice__c\n    external_id: Fakturad_Key__c\n"
              "    fields: {Fakturad_Key__c: key, Net_Amount__c: net_amout}\n"}},
            "test.yaml:5:51: writeback.invoice.fields.Net_Amount__c: unknown invoice result 'net_amout' (did "
            "you mean "
            "'net_amount'?)"},
        parse_error_case{
            "external_id_not_mapped",
            {{"test.yaml",
              "writeback:\n  invoice:\n    object: Invoice__c\n    external_id: Fakturad_Key__c\n"
              "    fields: {Net_Amount__c: net_amount}\n"}},
            "test.yaml:4:18: writeback.invoice.external_id: the external id field Fakturad_Key__c must be "
            "among fields"},
        parse_error_case{
            "approval_amount_not_editable",
            {{"test.yaml",
              "writeback:\n  approval:\n    status_field: Status__c\n    approve: Approved\n"
              "    editable: {invoice: [note, gross_amount]}\n"}},
            "test.yaml:5:32: writeback.approval.editable.invoice[1]: 'gross_amount' cannot be edited on a "
            "draft; amounts come from the plan (allowed: buyer_reference, order_reference, note, due_date)"},
        parse_error_case{
            "approval_without_approve_value",
            {{"test.yaml", "writeback:\n  approval:\n    status_field: Status__c\n"}},
            "test.yaml:3:5: writeback.approval.approve: missing required key"},
        parse_error_case{
            "top_level_unknown",
            {{"test.yaml", "plan:\n  - name: x\n"}},
            "test.yaml:1:1: unknown key 'plan' (did you mean 'plans'?)"}
    ),
    [](const auto& test_info) { return std::string(test_info.param.name); }
);

TEST(parse_mappings, reads_value_specs_conditions_and_items) {
    const auto r = parse_one(
        "test.yaml",
        plan_head +
            "    where:\n"
            "      - {field: StageName, in: [Closed Won, Signed]}\n"
            "      - {field: Billing_Start__c, is_null: false}\n"
            "    plan:\n"
            "      account_id: {field: AccountId, required: true}\n"
            "      alignment: anniversary\n"
            "      period: {field: Billing_Period__c, map: {Monthly: P1M, Yearly: P1Y}, default: P1M}\n"
            "    buyer:\n"
            "      country: {field: Account.BillingCountry, convert: country}\n"
            "    items:\n"
            "      from: OpportunityLineItems\n"
            "      fields:\n"
            "        unit_price: {field: UnitPrice}\n"
    );
    ASSERT_TRUE(r.ok()) << problems_text(r.problems);
    ASSERT_EQ(r.set->plans.size(), 1u);
    const plan_mapping& p = r.set->plans.front();
    EXPECT_EQ(p.name, "opp");
    EXPECT_EQ(p.object, "Opportunity");
    ASSERT_EQ(p.conditions.size(), 2u);
    EXPECT_EQ(p.conditions[0].op, condition_op::in);
    EXPECT_EQ(p.conditions[0].values, (std::vector<std::string>{"Closed Won", "Signed"}));
    EXPECT_EQ(p.conditions[1].op, condition_op::is_null);
    ASSERT_EQ(p.plan.size(), 3u);
    EXPECT_EQ(p.plan[0].target->name, "account_id");
    EXPECT_TRUE(p.plan[0].required);
    EXPECT_EQ(p.plan[1].constant, "anniversary");
    EXPECT_EQ(p.plan[2].map.size(), 2u);
    EXPECT_EQ(p.plan[2].map[1].from, "Yearly");
    EXPECT_EQ(p.plan[2].default_value, "P1M");
    EXPECT_EQ(p.plan[2].at.to_string(), "test.yaml:10:15");
    EXPECT_EQ(p.buyer[0].convert, conversion::country);
    ASSERT_TRUE(p.items.has_value());
    EXPECT_EQ(p.items->from, "OpportunityLineItems");
    EXPECT_EQ(p.items->fields[0].field, "UnitPrice");
}

TEST(parse_mappings, an_empty_file_maps_nothing) {
    const auto r = parse_one("empty.yaml", "# nothing yet\n");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.set->plans.empty());
    EXPECT_FALSE(r.set->writeback.has_value());
}

TEST(vocabulary, every_target_and_result_is_unique) {
    const auto targets = target_table();
    for (std::size_t i = 0; i < targets.size(); ++i) {
        EXPECT_EQ(find_target(targets[i].section, targets[i].name), &targets[i]) << targets[i].name;
    }
    const auto results = result_table();
    for (std::size_t i = 0; i < results.size(); ++i) {
        EXPECT_EQ(find_result(results[i].target, results[i].name), &results[i]) << results[i].name;
    }
}

}  // namespace
}  // namespace fakturad::mapping
