// Outbox messages as Salesforce records, and when a failed write is tried again.
#include "salesforce_writeback.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace fakturad::daemon {
namespace {

const instant now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};

store::outbox_message message(std::string payload, std::int64_t attempts = 1) {
    store::outbox_message m;
    m.id = 9;
    m.kind = std::string(vat_check_kind);
    m.idempotency_key = "vat_check:42";
    m.payload = std::move(payload);
    m.attempts = attempts;
    return m;
}

TEST(salesforce_writeback_test, a_vat_check_becomes_a_vat_check_record_keyed_by_the_idempotency_key) {
    std::string problem;
    const auto record = vat_check_sobject(
        message(
            R"({"account_id":"0015g00000AbCdEAAZ","vat_id":"DE136695976","verdict":"valid","source":"vies",)"
            R"("detail":"VIES: valid","checked_at":"2026-11-27T09:00:00.000Z","trader_name":"MUSTER GMBH",)"
            R"("consultation_number":"WAPIAAAAY"})"
        ),
        problem
    );
    ASSERT_TRUE(record) << problem;
    EXPECT_EQ(
        boost::json::serialize(*record),
        R"({"Fakturad_Key__c":"vat_check:42","Account__c":"0015g00000AbCdEAAZ","VAT_Number__c":"DE136695976",)"
        R"("Verdict__c":"valid","Valid__c":true,"Source__c":"vies","Checked_At__c":"2026-11-27T09:00:00.000Z",)"
        R"("Trader_Name__c":"MUSTER GMBH","Request_Identifier__c":"WAPIAAAAY","Detail__c":"VIES: valid"})"
    );
}

TEST(salesforce_writeback_test, long_texts_are_cut_on_a_character_boundary_and_bad_payloads_are_named) {
    std::string problem;
    std::string name(254, 'A');
    name += "ü";  // bytes 255 and 256: cutting at 255 would split it
    const auto record = vat_check_sobject(
        message(
            R"({"account_id":"a","vat_id":"DE136695976","verdict":"invalid","source":"offline","checked_at":"x",)"
            R"("trader_name":")" +
            name + R"("})"
        ),
        problem
    );
    ASSERT_TRUE(record);
    EXPECT_EQ(record->at("Trader_Name__c").as_string().size(), 254u);
    EXPECT_FALSE(vat_check_sobject(message("[1]"), problem));
    EXPECT_EQ(problem, "payload is not a JSON object");
    EXPECT_FALSE(vat_check_sobject(message(R"({"account_id":"a"})"), problem));
    EXPECT_EQ(problem, "payload lacks account_id, vat_id, verdict, source or checked_at");
}

TEST(salesforce_writeback_test, failed_writes_back_off_and_end_with_an_operator) {
    EXPECT_EQ(retry_time(message("{}", 1), false, now), now + std::chrono::minutes{1});
    EXPECT_EQ(retry_time(message("{}", 3), false, now), now + std::chrono::minutes{4});
    EXPECT_EQ(retry_time(message("{}", 9), false, now), now + std::chrono::hours{1}) << "capped";
    EXPECT_FALSE(retry_time(message("{}", 12), false, now)) << "attempts exhausted";
    EXPECT_FALSE(retry_time(message("{}", 1), true, now)) << "permanent";
}

}  // namespace
}  // namespace fakturad::daemon
