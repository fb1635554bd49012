// A draft's write-back sent again must not undo a clerk's edits or decision in Salesforce.
#include "draft_redelivery.hpp"

#include <gtest/gtest.h>

namespace fakturad::daemon {
namespace {

mapping::bound_approval approval() {
    mapping::bound_approval a;
    a.status_field = "Status__c";
    a.approve = "Approved";
    a.discard = "Discarded";
    a.editable = {
        {mapping::writeback_target::invoice, "order_reference", "Order_Reference__c"},
        {mapping::writeback_target::invoice, "note", "Note__c"},
        {mapping::writeback_target::invoice_line, "description", "Description__c"},
    };
    return a;
}

invoice_package draft_package() {
    invoice_package pkg;
    pkg.number = "draft-7";
    pkg.draft = true;
    pkg.invoice = {
        "Invoice__c",
        "Fakturad_Key__c",
        {{"Fakturad_Key__c", "DE01-7"},
         {"Status__c", "Draft"},
         {"Order_Reference__c", "PO-1"},
         {"Note__c", "n"},
         {"Net_Amount__c", 100}}};
    for (const char* key : {"DE01-7-1", "DE01-7-2"}) {
        pkg.lines.push_back(
            {"Invoice_Line__c",
             "Fakturad_Key__c",
             {{"Fakturad_Key__c", key}, {"Description__c", "Lizenzen"}, {"Amount__c", 50}}}
        );
    }
    return pkg;
}

TEST(DraftRedelivery, QueriesAskForTheRecordsByTheirKeys) {
    const invoice_package pkg = draft_package();
    EXPECT_EQ(
        existing_invoice_query(pkg), "SELECT Fakturad_Key__c FROM Invoice__c WHERE Fakturad_Key__c = 'DE01-7'"
    );
    EXPECT_EQ(
        existing_lines_query(pkg),
        "SELECT Fakturad_Key__c FROM Invoice_Line__c WHERE Fakturad_Key__c IN ('DE01-7-1', 'DE01-7-2')"
    );
}

TEST(DraftRedelivery, ExistingRecordsKeepTheClerksStatusAndEdits) {
    invoice_package pkg = draft_package();
    keep_clerk_changes(pkg, approval(), {true, {"DE01-7-1"}});
    EXPECT_FALSE(pkg.invoice.record.contains("Status__c"));
    EXPECT_FALSE(pkg.invoice.record.contains("Order_Reference__c"));
    EXPECT_FALSE(pkg.invoice.record.contains("Note__c"));
    EXPECT_TRUE(pkg.invoice.record.contains("Net_Amount__c"));  // amounts are the engine's, never the clerk's
    EXPECT_FALSE(pkg.lines[0].record.contains("Description__c"));
    EXPECT_TRUE(pkg.lines[0].record.contains("Amount__c"));
    EXPECT_TRUE(pkg.lines[1].record.contains("Description__c"));  // a line that never arrived is sent whole
}

TEST(DraftRedelivery, RecordsNotInSalesforceYetAreSentWhole) {
    invoice_package pkg = draft_package();
    keep_clerk_changes(pkg, approval(), {});
    EXPECT_EQ(pkg.invoice.record.size(), 5U);
    EXPECT_TRUE(pkg.lines[0].record.contains("Description__c"));
}

}  // namespace
}  // namespace fakturad::daemon
