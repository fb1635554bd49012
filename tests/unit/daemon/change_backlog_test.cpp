#include "change_backlog.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace fakturad::daemon {
namespace {

salesforce::change_event event(std::string_view payload, bool own_write = false) {
    salesforce::change_event e;
    e.payload = boost::json::parse(payload).as_object();
    e.kind = salesforce::classify_change(e.payload);
    e.own_write = own_write;
    return e;
}

TEST(ChangeBacklog, RegularAndGapEventsNameRecordsOverflowNamesTheObject) {
    change_backlog b;
    EXPECT_TRUE(b.empty());
    EXPECT_TRUE(b.add(event(
        R"({"ChangeEventHeader":{"entityName":"Opportunity","changeType":"UPDATE","recordIds":["006A"]},"StageName":"x"})"
    )));
    EXPECT_TRUE(b.add(event(
        R"({"ChangeEventHeader":{"entityName":"OpportunityLineItem","changeType":"GAP_UPDATE","recordIds":["00kA","00kB"]}})"
    )));
    EXPECT_TRUE(b.add(
        event(R"({"ChangeEventHeader":{"entityName":"Usage__c","changeType":"GAP_OVERFLOW","recordIds":[]}})")
    ));
    EXPECT_TRUE(b.add(event(
        R"({"ChangeEventHeader":{"entityName":"Account","changeType":"GAP_UPDATE","recordIds":["001*"]}})"
    )));
    EXPECT_FALSE(b.add(event(
        R"({"ChangeEventHeader":{"entityName":"Invoice__c","changeType":"CREATE","recordIds":["a01A"]}})",
        true
    ))) << "own writes ask for nothing";
    EXPECT_FALSE(b.add(event(R"({"Name":"no header"})")));

    EXPECT_EQ(b.ids().size(), 2U);
    EXPECT_EQ(b.ids().at("Opportunity"), (std::set<std::string>{"006A"}));
    EXPECT_EQ(b.ids().at("OpportunityLineItem"), (std::set<std::string>{"00kA", "00kB"}));
    EXPECT_EQ(b.polls(), (std::set<std::string>{"Account", "Usage__c"}));
    EXPECT_FALSE(b.polls_everything());
}

TEST(ChangeBacklog, AFailedBacklogMergesBackAndALostReplayPollsEverything) {
    change_backlog failed;
    failed.add(event(
        R"({"ChangeEventHeader":{"entityName":"Opportunity","changeType":"GAP_DELETE","recordIds":["006A"]}})"
    ));
    change_backlog now;
    now.add(event(
        R"({"ChangeEventHeader":{"entityName":"Opportunity","changeType":"UPDATE","recordIds":["006B"]}})"
    ));
    now.merge(failed);
    EXPECT_EQ(now.ids().at("Opportunity"), (std::set<std::string>{"006A", "006B"}));
    change_backlog lost;
    EXPECT_TRUE(lost.empty());
    lost.poll_everything();
    EXPECT_FALSE(lost.empty());
    now.merge(lost);
    EXPECT_TRUE(now.polls_everything());
}

}  // namespace
}  // namespace fakturad::daemon
