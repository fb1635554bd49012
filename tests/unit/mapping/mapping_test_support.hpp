#pragma once
// Shared by the mapping tests: the demo org's describe fixtures (tests/data/mapping/*.describe.json, in the
// shape the Salesforce emulator answers) and parse+bind in one step.

#include "fakturad/mapping/bound_mapping.hpp"
#include "fakturad/mapping/mapping_file.hpp"
#include "fakturad/mapping/schema.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fakturad::mapping::test {

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Every object of the demo org fixture.
inline const org_schema& demo_org() {
    static const org_schema org = [] {
        org_schema o;
        const std::filesystem::path dir = std::filesystem::path(FAKTURAD_SOURCE_DIR) / "tests/data/mapping";
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            if (entry.path().string().ends_with(".describe.json")) {
                auto r = parse_describe(read_text(entry.path()));
                if (auto* error = std::get_if<std::string>(&r)) {
                    ADD_FAILURE() << entry.path() << ": " << *error;
                    continue;
                }
                o.add(std::get<object_schema>(std::move(r)));
            }
        }
        return o;
    }();
    return org;
}

inline parse_result parse_one(const std::string& name, const std::string& text) {
    const std::vector<std::pair<std::string, std::string>> files{{name, text}};
    return parse_mappings(files);
}

inline std::string problems_text(const std::vector<mapping_problem>& problems) {
    std::string out;
    for (const auto& p : problems) {
        out += p.to_string() + "\n";
    }
    return out;
}

// Parses and binds; fails the test (and returns an empty set) on any problem.
inline bound_set bind_ok(const std::string& text) {
    auto parsed = parse_one("test.yaml", text);
    EXPECT_TRUE(parsed.ok()) << problems_text(parsed.problems);
    if (!parsed.ok()) {
        return {};
    }
    auto bound = bind(*parsed.set, demo_org());
    EXPECT_TRUE(bound.ok()) << problems_text(bound.problems);
    return bound.ok() ? std::move(*bound.set) : bound_set{};
}

inline boost::json::object json_object(std::string_view text) { return boost::json::parse(text).as_object(); }

// The Opportunity mapping of the SOQL and apply tests (the shipped example has more comments, more targets).
inline const std::string opportunity_mapping =
    "plans:\n"
    "  - name: opportunity-products\n"
    "    object: Opportunity\n"
    "    where:\n"
    "      - {field: StageName, equals: Closed Won}\n"
    "      - {field: Billing_Start__c, is_null: false}\n"
    "    plan:\n"
    "      account_id: {field: AccountId, required: true}\n"
    "      start: {field: Billing_Start__c, required: true}\n"
    "      end: {field: Billing_End__c}\n"
    "      period: {field: Billing_Period__c, map: {Monthly: P1M, Quarterly: P3M, Yearly: P1Y}}\n"
    "      currency: {field: Billing_Currency__c, default: EUR}\n"
    "      seller: {field: Legal_Entity__c, default: DE01}\n"
    "      language: {field: Account.Invoice_Language__c, map: {German: de, English: en, French: fr}, "
    "default: de}\n"
    "      order_reference: {field: Order_Reference__c}\n"
    "    buyer:\n"
    "      name: {field: Account.Name, required: true}\n"
    "      vat_id: {field: Account.VAT_Number__c}\n"
    "      country: {field: Account.BillingCountry, required: true}\n"
    "      street: {field: Account.BillingStreet}\n"
    "      postcode: {field: Account.BillingPostalCode}\n"
    "      city: {field: Account.BillingCity}\n"
    "      email: {field: Account.Invoice_Email__c}\n"
    "    items:\n"
    "      from: OpportunityLineItems\n"
    "      where:\n"
    "        - {field: Quantity, greater: 0}\n"
    "      fields:\n"
    "        key: {field: Id}\n"
    "        description: {field: Product2.Name}\n"
    "        product_code: {field: Product2.ProductCode}\n"
    "        type: {field: Product2.Charge_Type__c, map: {Recurring: recurring, One-Time: one_time, Usage: "
    "usage},"
    " default: recurring}\n"
    "        quantity: {field: Quantity}\n"
    "        unit_price: {field: UnitPrice}\n"
    "        start: {field: ServiceDate}\n";

}  // namespace fakturad::mapping::test
