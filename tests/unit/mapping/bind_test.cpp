#include "mapping_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fakturad::mapping {
namespace {

using test::demo_org;
using test::parse_one;
using test::problems_text;

// A complete, valid Opportunity mapping; each case replaces one line.
std::string opportunity(
    const std::string& plan_extra,
    const std::string& buyer_extra = "",
    const std::string& item_extra = "",
    const std::string& where = ""
) {
    return "plans:\n"
           "  - name: opp\n"
           "    object: Opportunity\n" +
           where +
           "    plan:\n"
           "      account_id: {field: AccountId}\n"
           "      start: {field: Billing_Start__c}\n"
           "      seller: {value: DE01}\n" +
           plan_extra +
           "    buyer:\n"
           "      name: {field: Account.Name}\n"
           "      country: {field: Account.BillingCountry}\n" +
           buyer_extra +
           "    items:\n"
           "      from: OpportunityLineItems\n"
           "      fields:\n"
           "        description: {field: Product2.Name}\n" +
           item_extra;
}

std::vector<mapping_problem> bind_problems(const std::string& text) {
    auto parsed = parse_one("test.yaml", text);
    EXPECT_TRUE(parsed.ok()) << problems_text(parsed.problems);
    if (!parsed.ok()) {
        return {};
    }
    auto bound = bind(*parsed.set, demo_org());
    EXPECT_EQ(bound.set.has_value(), bound.problems.empty());
    return bound.problems;
}

struct bind_case {
    const char* name;
    std::string text;
    std::string expected;  // a problem's to_string() starts with this
};

class bind_errors : public ::testing::TestWithParam<bind_case> {};

TEST_P(bind_errors, name_the_salesforce_field) {
    const auto problems = bind_problems(GetParam().text);
    const bool found = std::any_of(problems.begin(), problems.end(), [&](const mapping_problem& p) {
        return p.to_string().rfind(GetParam().expected, 0) == 0;
    });
    EXPECT_TRUE(found) << "expected\n  " << GetParam().expected << "\ngot\n" << problems_text(problems);
}

INSTANTIATE_TEST_SUITE_P(
    mapping,
    bind_errors,
    ::testing::Values(
        bind_case{
            "unknown_field_with_hint",
            opportunity("      end: {field: Billing_Ende__c}\n"),
            "test.yaml:8:12: plans[0].plan.end: unknown field 'Billing_Ende__c' on Opportunity (did you mean "
            "'Billing_End__c'?) (Salesforce field Opportunity.Billing_Ende__c)"},
        bind_case{
            "unknown_relationship_with_hint",
            opportunity("", "      city: {field: Acount.BillingCity}\n"),
            "test.yaml:11:13: plans[0].buyer.city: unknown relationship 'Acount' on Opportunity (did you "
            "mean "
            "'Account'?) (Salesforce field Opportunity.Acount.BillingCity)"},
        bind_case{
            "path_through_a_non_reference",
            opportunity("      order_reference: {field: StageName.Name}\n"),
            "test.yaml:8:24: plans[0].plan.order_reference: 'StageName' on Opportunity is a picklist field, "
            "not a "
            "relationship: a path cannot go through it (Salesforce field Opportunity.StageName.Name)"},
        bind_case{
            "path_through_the_lookup_field",
            opportunity("      order_reference: {field: AccountId.Name}\n"),
            "test.yaml:8:24: plans[0].plan.order_reference: 'AccountId' is a lookup field; a path goes "
            "through its "
            "relationship name 'Account'"},
        bind_case{
            "polymorphic_reference",
            opportunity("      contract_id: {field: Owner.Name}\n"),
            "test.yaml:8:20: plans[0].plan.contract_id: 'Owner' is polymorphic"},
        bind_case{
            "boolean_field_for_a_date",
            opportunity("      end: {field: IsClosed}\n"),
            "test.yaml:8:12: plans[0].plan.end: a boolean field cannot give plan.end, which takes a date "
            "(Salesforce field Opportunity.IsClosed)"},
        bind_case{
            "text_field_for_a_quantity",
            opportunity("", "", "        quantity: {field: Description}\n"),
            "test.yaml:15:19: plans[0].items.fields.quantity: a string field cannot give items.quantity, "
            "which takes "
            "a number (a text field holding a number needs convert: number) (Salesforce field "
            "OpportunityLineItem.Description)"},
        bind_case{
            "condition_literal_of_wrong_type",
            opportunity("", "", "", "    where:\n      - {field: Amount, greater: lots}\n"),
            "test.yaml:5:9: plans[0].where[0]: a currency field compares with a number"},
        bind_case{
            "restricted_picklist_map_key",
            opportunity(
                "",
                "",
                "        type: {field: Product2.Charge_Type__c, map: {Recurring: recurring, OneTime: "
                "one_time}}\n"
            ),
            "test.yaml:15:76: plans[0].items.fields.type.map: 'OneTime' is not a value of the restricted "
            "picklist "
            "(values: Recurring, One-Time, Usage) (Salesforce field "
            "OpportunityLineItem.Product2.Charge_Type__c)"},
        bind_case{
            "missing_required_target",
            "plans:\n  - name: opp\n    object: Opportunity\n    plan:\n      account_id: {field: "
            "AccountId}\n"
            "      start: {field: Billing_Start__c}\n    buyer:\n      name: {field: Account.Name}\n"
            "      country: {field: Account.BillingCountry}\n",
            "test.yaml:2:5: plans[0].plan.seller: missing required target seller"},
        bind_case{
            "unknown_child_relationship",
            opportunity("").replace(opportunity("").find("OpportunityLineItems"), 20, "OpportunityLineItem"),
            "test.yaml:12:7: plans[0].items.from: unknown child relationship 'OpportunityLineItem' of "
            "Opportunity "
            "(did you mean 'OpportunityLineItems'?)"},
        bind_case{
            "unknown_object",
            opportunity("").replace(opportunity("").find("object: Opportunity"), 19, "object: Oportunity"),
            "test.yaml:2:5: plans[0].object: unknown object Oportunity (did you mean 'Opportunity'?)"},
        bind_case{
            "writeback_field_not_updateable",
            opportunity("") + "writeback:\n  plan_source:\n    Opportunity: {IsClosed: plan_status}\n",
            "test.yaml:17:19: writeback.plan_source.Opportunity.IsClosed: IsClosed is not updateable"},
        bind_case{
            "writeback_type_mismatch",
            opportunity("") +
                "writeback:\n  plan_source:\n    Opportunity: {Order_Reference__c: billed_through}\n",
            "test.yaml:17:19: writeback.plan_source.Opportunity.Order_Reference__c: a string field cannot "
            "take "
            "billed_through, which is a date (date field)"},
        bind_case{
            "writeback_unknown_field",
            opportunity("") +
                "writeback:\n  invoice:\n    object: Invoice__c\n    external_id: Fakturad_Key__c\n"
                "    fields: {Fakturad_Key__c: key, Net_Amount_c: net_amount}\n",
            "test.yaml:19:36: writeback.invoice.fields.Net_Amount_c: unknown field 'Net_Amount_c' on "
            "Invoice__c (did "
            "you mean 'Net_Amount__c'?)"},
        bind_case{
            "writeback_external_id_not_external",
            opportunity("") +
                "writeback:\n  invoice:\n    object: Invoice__c\n    external_id: Document_Number__c\n"
                "    fields: {Document_Number__c: number}\n",
            "test.yaml:18:18: writeback.invoice.external_id: Document_Number__c is not an external id field"},
        bind_case{
            "writeback_relationship_key_not_external",
            opportunity("") +
                "writeback:\n  invoice_line:\n    object: Invoice_Line__c\n    external_id: Fakturad_Key__c\n"
                "    fields: {Fakturad_Key__c: key, Invoice__r.Document_Number__c: invoice_key}\n",
            "test.yaml:19:36: writeback.invoice_line.fields.Invoice__r.Document_Number__c: "
            "Invoice__c.Document_Number__c is not an external id"},
        bind_case{
            "approval_value_not_in_picklist",
            opportunity("") +
                "writeback:\n  invoice:\n    object: Invoice__c\n    external_id: Fakturad_Key__c\n"
                "    fields: {Fakturad_Key__c: key, Status__c: status, Note__c: note}\n" +
                "  approval: {status_field: Status__c, approve: Approve, editable: {invoice: [note]}}\n",
            "test.yaml:20:48: writeback.approval: 'Approve' is not a value of the restricted picklist "
            "(values: "
            "Draft, Approved, Discarded, Issued, Paid, Cancelled, Credited); add it to the picklist "
            "(Salesforce field Invoice__c.Status__c)"},
        bind_case{
            "approval_editable_not_mapped",
            opportunity("") +
                "writeback:\n  invoice:\n    object: Invoice__c\n    external_id: Fakturad_Key__c\n"
                "    fields: {Fakturad_Key__c: key, Status__c: status, Note__c: note}\n" +
                "  approval: {status_field: Status__c, approve: Approved, editable: {invoice: "
                "[order_reference]}}\n",
            "test.yaml:20:79: writeback.approval.editable.invoice[0]: map a field to order_reference in "
            "writeback.invoice.fields: the clerk edits it there"},
        bind_case{
            "approval_status_field_not_mapped_to_status",
            opportunity("") +
                "writeback:\n  invoice:\n    object: Invoice__c\n    external_id: Fakturad_Key__c\n"
                "    fields: {Fakturad_Key__c: key, Note__c: note}\n"
                "  approval: {status_field: Status__c, approve: Approved}\n",
            "test.yaml:20:28: writeback.approval.status_field: map Status__c: status in "
            "writeback.invoice.fields, "
            "so drafts show their status"},
        bind_case{
            "plan_source_without_plan_mapping",
            opportunity("") +
                "writeback:\n  plan_source:\n    Subscription__c: {Billed_Through__c: billed_through}\n",
            "test.yaml:17:5: writeback.plan_source.Subscription__c: no plan mapping reads Subscription__c"}
    ),
    [](const auto& test_info) { return std::string(test_info.param.name); }
);

TEST(bind, accepts_a_text_quantity_with_convert_number) {
    EXPECT_TRUE(bind_problems(opportunity("", "", "        quantity: {field: Description, convert: number}\n")
    )
                    .empty());
}

TEST(bind, resolves_paths_to_canonical_names) {
    auto parsed = parse_one("test.yaml", opportunity("", "      city: {field: account.billingcity}\n"));
    ASSERT_TRUE(parsed.ok()) << problems_text(parsed.problems);
    auto bound = bind(*parsed.set, demo_org());
    ASSERT_TRUE(bound.ok()) << problems_text(bound.problems);
    const auto& b = bound.set->plans.front().binding();
    EXPECT_EQ(b.buyer.back().source->text, "Account.BillingCity");
    EXPECT_EQ(b.buyer.back().source->field.type, "string");
    EXPECT_EQ(b.items->child_object, "OpportunityLineItem");
    EXPECT_EQ(b.items->parent_field, "OpportunityId");
}

TEST(objects_to_describe, walks_relationships_as_the_schema_grows) {
    auto parsed = parse_one("test.yaml", opportunity(""));
    ASSERT_TRUE(parsed.ok());
    org_schema known;
    EXPECT_EQ(objects_to_describe(*parsed.set, known), std::vector<std::string>{"Opportunity"});
    known.add(*demo_org().find("Opportunity"));
    EXPECT_EQ(
        objects_to_describe(*parsed.set, known), (std::vector<std::string>{"Account", "OpportunityLineItem"})
    );
    known.add(*demo_org().find("Account"));
    known.add(*demo_org().find("OpportunityLineItem"));
    EXPECT_EQ(objects_to_describe(*parsed.set, known), std::vector<std::string>{"Product2"});
    known.add(*demo_org().find("Product2"));
    EXPECT_TRUE(objects_to_describe(*parsed.set, known).empty());
}

TEST(parse_describe, reads_the_emulator_shape_and_rejects_malformed_answers) {
    const auto* opp = demo_org().find("opportunity");
    ASSERT_NE(opp, nullptr);
    const auto* account = opp->relationship("account");
    ASSERT_NE(account, nullptr);
    EXPECT_EQ(account->name, "AccountId");
    EXPECT_EQ(account->reference_to, std::vector<std::string>{"Account"});
    ASSERT_NE(opp->child("OpportunityLineItems"), nullptr);
    EXPECT_TRUE(opp->field("StageName")->restricted_picklist);
    auto bad = parse_describe(R"({"name": "X", "fields": [{"type": "string"}]})");
    ASSERT_TRUE(std::holds_alternative<std::string>(bad));
    EXPECT_EQ(std::get<std::string>(bad), "fields[0]: 'name' is missing or not a string");
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_describe("not json")));
}

}  // namespace
}  // namespace fakturad::mapping
