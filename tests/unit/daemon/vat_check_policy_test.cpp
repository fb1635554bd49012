// The decisions of the VAT-ID job that need no network: which stored form a synced VAT ID has, when an
// earlier check is reused, and when billing may treat a VAT ID as confirmed.
#include "vat_check_job.hpp"

#include <gtest/gtest.h>

namespace fakturad::daemon {
namespace {

using std::chrono::days;
using std::chrono::hours;

const instant now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};

store::stored_vat_check check(std::int64_t id, std::string verdict, instant at, std::string source = "vies") {
    store::stored_vat_check c;
    c.id = id;
    c.check.vat_id = "FR40303265045";
    c.check.verdict = std::move(verdict);
    c.check.source = std::move(source);
    c.check.consultation_number = "WAPIAAAA";
    c.check.checked_at = at;
    return c;
}

TEST(vat_check_policy_test, synced_vat_ids_are_stored_normalised) {
    EXPECT_EQ(normalised_vat_id("de 136 695 976"), "DE136695976");
    EXPECT_EQ(normalised_vat_id("GR094259216"), "EL094259216") << "Greece is EL at VIES";
    EXPECT_EQ(normalised_vat_id(" de 13669597x "), "DE13669597X") << "an invalid input keeps its characters";
}

TEST(vat_check_policy_test, a_recent_valid_vies_check_is_reused_with_its_evidence) {
    const store::due_account account{7, "001000000000007AAA", "FR 40303265045"};
    const auto reused = reused_check(account, check(3, "valid", now - hours{20}), now, days{7});
    ASSERT_TRUE(reused);
    EXPECT_EQ(reused->account_id, 7);
    EXPECT_EQ(reused->consultation_number, "WAPIAAAA");
    EXPECT_EQ(reused->checked_at, now - hours{20}) << "the evidence keeps the time of the VIES answer";
    EXPECT_EQ(reused->detail, "VIES: valid (check 3 reused within vies.cache_ttl)");
    EXPECT_FALSE(reused_check(account, check(3, "valid", now - days{8}), now, days{7})) << "too old";
    EXPECT_FALSE(reused_check(account, check(3, "valid", now - hours{1}, "offline"), now, days{7}))
        << "an offline check is no VIES confirmation";
    EXPECT_FALSE(reused_check(account, std::nullopt, now, days{7}));
}

TEST(vat_check_policy_test, billing_treats_a_vat_id_as_confirmed_only_on_evidence) {
    const auto valid = check(1, "valid", now - days{3});
    const auto unconfirmed = check(2, "unconfirmed", now - hours{1});
    const auto invalid = check(3, "invalid", now - hours{1});
    EXPECT_TRUE(vat_id_confirmed(valid, valid, now, days{0}));
    EXPECT_FALSE(vat_id_confirmed(std::nullopt, std::nullopt, now, days{30})) << "never checked";
    EXPECT_FALSE(vat_id_confirmed(unconfirmed, valid, now, days{0})) << "accept_recently_valid 0s: never";
    EXPECT_TRUE(vat_id_confirmed(unconfirmed, valid, now, days{7})) << "valid 3 days ago, window 7 days";
    EXPECT_FALSE(vat_id_confirmed(unconfirmed, valid, now, days{2})) << "valid 3 days ago, window 2 days";
    EXPECT_FALSE(vat_id_confirmed(invalid, valid, now, days{30})) << "invalid now beats valid before";
}

}  // namespace
}  // namespace fakturad::daemon
