// VAT-ID checks as evidence: append-only, each with its write-back intent, and the accounts due for a check.
#include "fakturad/store/vat_check_store.hpp"

#include "store_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace fakturad::store {
namespace {

using namespace test_support;
using std::chrono::days;
using std::chrono::hours;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string upper_without_blanks(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c != ' ') {
            out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        }
    }
    return out;
}

class vat_check_store_test : public ::testing::Test {
protected:
    void SetUp() override {
        store_.emplace(sqlite_store::open({.path = dir_.file("fakturad.sqlite")}, log_));
        const std::string t(ts);
        for (int i = 1; i <= 5; ++i) {
            static const char* vat[] = {
                "", "de 136695976", "FR40303265045", "ATU13585627", "NL004495445B01", "IT00743110157"};
            store_->execute_for_test(
                "INSERT INTO accounts (id, sf_id, name, vat_id, raw_data, sf_system_modstamp, synced_at) "
                "VALUES (" +
                std::to_string(i) + ", '00100000000000" + std::to_string(i) + "AAA', 'Account " +
                std::to_string(i) + "', '" + vat[i] + "', '{}', " + t + ", " + t + ")"
            );
        }
        store_->execute_for_test(
            "INSERT INTO accounts (id, sf_id, name, raw_data, sf_system_modstamp, synced_at) VALUES (6,"
            " '001000000000006AAA', 'No VAT ID', '{}', " +
            t + ", " + t + ")"
        );
    }

    vat_check_record check(std::string vat_id, std::int64_t account, std::string verdict, instant at) {
        vat_check_record c;
        c.vat_id = std::move(vat_id);
        c.account_id = account;
        c.verdict = std::move(verdict);
        c.source = "vies";
        c.detail = "test";
        c.checked_at = at;
        return c;
    }

    temp_dir dir_;
    capturing_logger log_;
    std::optional<sqlite_store> store_;
};

TEST_F(vat_check_store_test, a_check_is_kept_as_evidence_with_its_write_back_intent) {
    vat_check_store checks(*store_);
    auto c = check("DE136695976", 1, "valid", t0);
    c.trader_name = "Muster GmbH";
    c.consultation_number = "WAPIAAAAYpq2aBcD";
    c.request_date = "2026-11-27+01:00";
    const auto id = checks.record(c, std::string_view("001000000000001AAA"));
    const auto latest = checks.latest("DE136695976");
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->id, id);
    EXPECT_EQ(latest->check.consultation_number, "WAPIAAAAYpq2aBcD");
    EXPECT_EQ(latest->check.checked_at, t0);

    const auto outbox = store_->query_for_test("SELECT kind, idempotency_key, payload FROM outbox");
    ASSERT_EQ(outbox.size(), 1u);
    EXPECT_EQ(*outbox[0][0], "salesforce.account_vat_check");
    EXPECT_EQ(*outbox[0][1], "vat_check:" + std::to_string(id));
    EXPECT_THAT(*outbox[0][2], HasSubstr(R"("consultation_number":"WAPIAAAAYpq2aBcD")"));
    EXPECT_THAT(*outbox[0][2], HasSubstr(R"("account_id":"001000000000001AAA")"));

    checks.record(check("DE136695976", 1, "unconfirmed", t0 + hours{1}), std::nullopt);
    EXPECT_EQ(checks.latest("DE136695976")->check.verdict, "unconfirmed");
    EXPECT_EQ(checks.latest_valid("DE136695976")->id, id);
    EXPECT_EQ(store_->query_for_test("SELECT count(*) FROM outbox")[0][0], "1")
        << "an ad-hoc check writes nothing back";

    EXPECT_THROW(store_->execute_for_test("UPDATE vat_checks SET verdict = 'invalid'"), store_error);
    EXPECT_THROW(store_->execute_for_test("DELETE FROM vat_checks"), store_error);
}

TEST_F(vat_check_store_test, due_accounts_are_the_unchecked_the_changed_the_stale_and_the_unconfirmed) {
    vat_check_store checks(*store_);
    const instant now = t0 + days{60};
    // 1: DE checked valid 10 days ago -> not due (re-check after 30 days).
    checks.record(check("DE136695976", 1, "valid", now - days{10}), std::nullopt);
    // 2: FR checked 40 days ago -> due.
    checks.record(check("FR40303265045", 2, "valid", now - days{40}), std::nullopt);
    // 3: AT unconfirmed 2 hours ago -> due (retry after 1 hour).
    checks.record(check("ATU13585627", 3, "unconfirmed", now - hours{2}), std::nullopt);
    // 4: the account's VAT ID changed: the check of its old number does not count -> due, never checked.
    checks.record(check("NL999999999B01", 4, "valid", now - days{1}), std::nullopt);
    // 5: never checked -> due. 6: no VAT ID -> never due.
    const auto due = checks.due_accounts(
        now, days{30}, hours{1}, 100, +[](std::string_view v) { return upper_without_blanks(v); }
    );
    std::vector<std::int64_t> ids;
    for (const auto& a : due) {
        ids.push_back(a.account_id);
    }
    // Never checked first (4, 5 in id order), then the oldest check (2: 40 days, 3: 2 hours).
    EXPECT_THAT(ids, ElementsAre(4, 5, 2, 3));
    EXPECT_EQ(due[0].sf_id, "001000000000004AAA");
    EXPECT_EQ(due[0].vat_id, "NL004495445B01");
    EXPECT_EQ(
        checks
            .due_accounts(
                now, days{30}, hours{1}, 1, +[](std::string_view v) { return upper_without_blanks(v); }
            )
            .size(),
        1u
    );
}

}  // namespace
}  // namespace fakturad::store
