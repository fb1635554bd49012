#include "fakturad/salesforce/cometd.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace fakturad::salesforce {
namespace {

TEST(Bayeux, SubscribeCarriesTheReplayExtension) {
    const auto msg =
        boost::json::parse(build_subscribe("cid", "/data/AccountChangeEvent", 42, 7)).at(0).as_object();
    EXPECT_EQ(msg.at("channel"), "/meta/subscribe");
    EXPECT_EQ(msg.at("clientId"), "cid");
    EXPECT_EQ(msg.at("subscription"), "/data/AccountChangeEvent");
    EXPECT_EQ(msg.at("ext").at("replay").at("/data/AccountChangeEvent"), 42);
    EXPECT_EQ(msg.at("id"), "7");
    const auto hs = boost::json::parse(build_handshake(1)).at(0).as_object();
    EXPECT_EQ(hs.at("supportedConnectionTypes").at(0), "long-polling");
    EXPECT_EQ(boost::json::parse(build_connect("cid", 3)).at(0).at("connectionType"), "long-polling");
}

TEST(Bayeux, ParsesEventsBeforeTheConnectReply) {
    auto batch = parse_bayeux(R"([
        {"channel":"/data/AccountChangeEvent","data":{"schema":"s","payload":{"ChangeEventHeader":
            {"entityName":"Account","changeType":"UPDATE","changeOrigin":"com/salesforce/api/rest/62.0;client=fakturad"},
            "Name":"Acme"},"event":{"replayId":1027}}},
        {"channel":"/meta/connect","clientId":"c1","successful":false,"error":"403::Unknown client",
         "advice":{"interval":0,"reconnect":"handshake"}}])");
    ASSERT_TRUE(batch.has_value());
    ASSERT_EQ(batch->events.size(), 1U);
    EXPECT_EQ(batch->events[0].replay_id, 1027);
    EXPECT_EQ(batch->events[0].payload.at("Name"), "Acme");
    ASSERT_EQ(batch->replies.size(), 1U);
    EXPECT_FALSE(batch->replies[0].successful);
    EXPECT_EQ(batch->replies[0].error, "403::Unknown client");
    EXPECT_EQ(batch->replies[0].reconnect, "handshake");
    EXPECT_TRUE(is_change_from_client(batch->events[0], "fakturad"));
    EXPECT_FALSE(is_change_from_client(batch->events[0], "fakt"));
    EXPECT_FALSE(is_change_from_client(batch->events[0], "other"));
}

TEST(Bayeux, ClassifiesGapAndOverflowEvents) {
    auto batch = parse_bayeux(R"([
        {"channel":"/data/ChangeEvents","data":{"payload":{"ChangeEventHeader":{"entityName":"Account",
            "recordIds":["001ZM000001n4n5YAA"],"changeType":"GAP_CREATE","changeOrigin":""}},
            "event":{"replayId":5}}},
        {"channel":"/data/ChangeEvents","data":{"payload":{"ChangeEventHeader":{"entityName":"Event",
            "recordIds":["00Uxx000000fvRQEAY"],"changeType":"GAP_UPDATE","changeOrigin":""}},
            "event":{"replayId":6}}},
        {"channel":"/data/ChangeEvents","data":{"payload":{"ChangeEventHeader":{"entityName":"Opportunity",
            "recordIds":[],"changeType":"GAP_OVERFLOW"}},"event":{"replayId":7}}},
        {"channel":"/data/ChangeEvents","data":{"payload":{"ChangeEventHeader":{"entityName":"Account",
            "recordIds":["001ZM000001n4n5YAA"],"changeType":"UNDELETE"},"Name":"Back"},"event":{"replayId":8}}},
        {"channel":"/data/ChangeEvents","data":{"payload":{"Name":"no header"},"event":{"replayId":9}}}])");
    ASSERT_TRUE(batch.has_value());
    ASSERT_EQ(batch->events.size(), 5U);
    EXPECT_EQ(batch->events[0].kind, change_kind::gap);
    EXPECT_EQ(batch->events[1].kind, change_kind::gap);
    EXPECT_EQ(batch->events[2].kind, change_kind::overflow);
    EXPECT_EQ(batch->events[3].kind, change_kind::regular);
    EXPECT_EQ(batch->events[4].kind, change_kind::regular);
    EXPECT_FALSE(is_change_from_client(batch->events[0], "fakturad")) << "a gap event has an empty origin";
}

TEST(Bayeux, RejectsWhatIsNotABayeuxArray) {
    EXPECT_FALSE(parse_bayeux(R"({"channel":"/meta/connect"})").has_value());
    EXPECT_FALSE(parse_bayeux(R"([{"channel":"/data/X","data":{"payload":{}}}])").has_value());
}

}  // namespace
}  // namespace fakturad::salesforce
