#include "mapping_test_support.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <map>

namespace fakturad::mapping {
namespace {

using namespace std::chrono;

const std::string writeback_mapping = test::opportunity_mapping +
                                      "writeback:\n"
                                      "  invoice:\n"
                                      "    object: Invoice__c\n"
                                      "    external_id: Fakturad_Key__c\n"
                                      "    fields:\n"
                                      "      Fakturad_Key__c: key\n"
                                      "      Account__c: account_id\n"
                                      "      Document_Number__c: number\n"
                                      "      Net_Amount__c: net_amount\n"
                                      "      Gross_Amount__c: gross_amount\n"
                                      "      Invoice_Date__c: issue_date\n"
                                      "      Issued_At__c: issued_at\n"
                                      "  invoice_line:\n"
                                      "    object: Invoice_Line__c\n"
                                      "    external_id: Fakturad_Key__c\n"
                                      "    fields:\n"
                                      "      Fakturad_Key__c: key\n"
                                      "      Invoice__r.Fakturad_Key__c: invoice_key\n"
                                      "      Quantity__c: quantity\n"
                                      "      Unit_Price__c: unit_price\n"
                                      "  plan_source:\n"
                                      "    Opportunity: {Billed_Through__c: billed_through}\n"
                                      "  files: {attach_to: account, formats: [pdf, xrechnung]}\n";

TEST(writeback, renders_nested_keys_exact_decimals_and_null) {
    const bound_set set = test::bind_ok(writeback_mapping);
    ASSERT_TRUE(set.writeback.has_value());
    const bound_writeback& w = *set.writeback;
    std::map<std::string, writeback_value> values{
        {"key", std::string("INV-2026-0001")},
        {"account_id", std::string("001000000000001AAA")},
        {"number", writeback_value{}},
        {"net_amount", parse_decimal_or_throw("1234567890123.45")},
        {"gross_amount", parse_decimal_or_throw("49.99")},
        {"issue_date", civil_date{year{2026}, month{2}, day{1}}},
        {"issued_at",
         instant{sys_days{civil_date{year{2026}, month{2}, day{1}}} + hours{9} + milliseconds{5}}},
        {"invoice_key", std::string("INV-2026-0001")},
        {"quantity", parse_decimal_or_throw("3.0000")},
        {"unit_price", parse_decimal_or_throw("0.1")},
        {"billed_through", civil_date{year{2026}, month{4}, day{30}}},
    };
    const auto value_of = [&](std::string_view name) { return values.at(std::string(name)); };

    const auto invoice = w.render(writeback_target::invoice, value_of);
    EXPECT_EQ(
        boost::json::serialize(invoice),
        R"({"Fakturad_Key__c":"INV-2026-0001","Account__c":"001000000000001AAA","Document_Number__c":null,)"
        R"("Net_Amount__c":1.23456789012345E12,"Gross_Amount__c":4.999E1,"Invoice_Date__c":"2026-02-01",)"
        R"("Issued_At__c":"2026-02-01T09:00:00.005Z"})"
    );
    // The doubles are the nearest to the exact text: written in shortest form they are that text again.
    EXPECT_EQ(invoice.at("Net_Amount__c").as_double(), 1234567890123.45);
    EXPECT_EQ(invoice.at("Gross_Amount__c").as_double(), 49.99);

    const auto line = w.render(writeback_target::invoice_line, value_of);
    EXPECT_EQ(
        boost::json::serialize(line),
        R"({"Fakturad_Key__c":"INV-2026-0001","Invoice__r":{"Fakturad_Key__c":"INV-2026-0001"},"Quantity__c":3,)"
        R"("Unit_Price__c":1E-1})"
    );
    EXPECT_TRUE(line.at("Quantity__c").is_int64());

    const auto source = w.render(writeback_target::plan_source, value_of, "opportunity");
    EXPECT_EQ(boost::json::serialize(source), R"({"Billed_Through__c":"2026-04-30"})");
    EXPECT_TRUE(w.render(writeback_target::plan_source, value_of, "Subscription__c").empty());
    EXPECT_TRUE(w.render(writeback_target::sync_error, value_of).empty());

    const auto* inv = w.find(writeback_target::invoice);
    ASSERT_NE(inv, nullptr);
    EXPECT_EQ(inv->object, "Invoice__c");
    EXPECT_EQ(inv->external_id, "Fakturad_Key__c");
    ASSERT_TRUE(w.files().has_value());
    EXPECT_EQ(w.files()->to, attach_to::account);
    EXPECT_EQ(w.files()->formats, (std::vector<std::string>{"pdf", "xrechnung"}));
}

}  // namespace
}  // namespace fakturad::mapping
