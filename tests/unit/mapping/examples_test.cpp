// Every shipped example mapping parses and binds against the demo org's describe fixture.

#include "mapping_test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace fakturad::mapping {
namespace {

TEST(examples, all_files_parse_and_bind_together) {
    const std::filesystem::path dir = std::filesystem::path(FAKTURAD_SOURCE_DIR) / "config/examples/mappings";
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".yaml") {
            files.emplace_back(entry.path().filename().string(), test::read_text(entry.path()));
        }
    }
    std::sort(files.begin(), files.end());
    ASSERT_GE(files.size(), 4u);
    const auto parsed = parse_mappings(files);
    ASSERT_TRUE(parsed.ok()) << test::problems_text(parsed.problems);
    org_schema known;
    for (int round = 0; round < 8; ++round) {
        const auto missing = objects_to_describe(*parsed.set, known);
        if (missing.empty()) {
            break;
        }
        for (const auto& name : missing) {
            const auto* o = test::demo_org().find(name);
            ASSERT_NE(o, nullptr) << name << " is not in the fixture";
            known.add(*o);
        }
    }
    EXPECT_TRUE(objects_to_describe(*parsed.set, known).empty());
    const auto bound = bind(*parsed.set, known);
    ASSERT_TRUE(bound.ok()) << test::problems_text(bound.problems);
    for (const char* name :
         {"opportunity-products", "subscriptions", "marketplace-commissions", "project-milestones"}) {
        EXPECT_NE(bound.set->find_plan(name), nullptr) << name;
    }
    ASSERT_TRUE(bound.set->writeback.has_value());
    EXPECT_FALSE(bound.set->usage.empty());
    const auto& approval = bound.set->writeback->approval();
    ASSERT_TRUE(approval.has_value());
    EXPECT_EQ(approval->status_field, "Status__c");
    EXPECT_EQ(approval->approve, "Approved");
    EXPECT_EQ(approval->discard, "Discarded");
    std::vector<std::string> editable;
    for (const auto& e : approval->editable) {
        editable.push_back(std::string(to_string(e.target)) + "." + e.result + "=" + e.sf_field);
    }
    EXPECT_EQ(
        editable,
        (std::vector<std::string>{
            "invoice.buyer_reference=Buyer_Reference__c",
            "invoice.order_reference=Order_Reference__c",
            "invoice.note=Note__c",
            "invoice.due_date=Due_Date__c",
            "invoice_line.description=Description__c"})
    );
}

}  // namespace
}  // namespace fakturad::mapping
