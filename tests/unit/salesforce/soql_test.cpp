#include "fakturad/salesforce/soql.hpp"

#include "fakturad/salesforce/incremental.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace fakturad::salesforce {
namespace {

std::string quoted(std::string_view v) {
    auto r = soql_quote(v);
    EXPECT_TRUE(r.has_value()) << v;
    return r ? *r : std::string();
}

TEST(SoqlQuote, EscapesEverySpecialCharacter) {
    struct row {
        std::string_view in;
        std::string_view out;
    };
    const row rows[] = {
        {"Acme", "'Acme'"},
        {"O'Brien", R"('O\'Brien')"},
        {R"(C:\temp)", R"('C:\\temp')"},
        {R"(say "hi")", R"('say \"hi\"')"},
        {"line1\nline2", R"('line1\nline2')"},
        {"a\rb\tc", R"('a\rb\tc')"},
        {"\b\f", R"('\b\f')"},
        {"\x01", R"('\u0001')"},
        {"\x7f", R"('\u007f')"},
        {"100%_off", "'100%_off'"},
        {"", "''"},
        {R"(\')", R"('\\\'')"},
        {"' OR Name != '", R"('\' OR Name != \'')"},
    };
    for (const auto& r : rows) {
        EXPECT_EQ(quoted(r.in), r.out) << r.in;
    }
}

TEST(SoqlQuote, PassesUnicodeThroughUnchanged) {
    EXPECT_EQ(quoted("Müller & Söhne"), "'Müller & Söhne'");
    EXPECT_EQ(quoted("東京"), "'東京'");
    EXPECT_EQ(quoted("emoji \xF0\x9F\x98\x80"), "'emoji \xF0\x9F\x98\x80'");
}

TEST(SoqlQuote, RefusesInvalidUtf8AndNul) {
    for (const std::string_view bad :
         {std::string_view("\xC3"),
          std::string_view("a\xFF"),
          std::string_view("\xC0\xAF"),
          std::string_view("\xED\xA0\x80"),
          std::string_view("a\0b", 3)}) {
        auto r = soql_quote(bad);
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, errc::bad_input);
        EXPECT_NE(r.error().message.find("fix the source data"), std::string::npos);
    }
}

TEST(SoqlQuote, LikeEscapesWildcards) {
    EXPECT_EQ(*soql_quote_like("100%_off"), R"('100\%\_off')");
    EXPECT_EQ(*soql_quote_like("O'B%"), R"('O\'B\%')");
}

TEST(SoqlDatetime, IsUtcWithMillisecondsUnquoted) {
    const instant t = std::chrono::sys_days(std::chrono::year{2024} / 3 / 1) + std::chrono::hours(10) +
                      std::chrono::milliseconds(15'250);
    EXPECT_EQ(soql_datetime(t), "2024-03-01T10:00:15.250Z");
}

TEST(SalesforceDatetime, ParsesApiAndIsoForms) {
    const instant t = std::chrono::sys_days(std::chrono::year{2013} / 5 / 20) + std::chrono::hours(20) +
                      std::chrono::minutes(49) + std::chrono::seconds(32);
    EXPECT_EQ(parse_salesforce_datetime("2013-05-20T20:49:32.000+0000"), t);
    EXPECT_EQ(parse_salesforce_datetime("2013-05-20T20:49:32Z"), t);
    EXPECT_EQ(parse_salesforce_datetime("2013-05-20T22:49:32.000+02:00"), t);
    EXPECT_EQ(parse_salesforce_datetime("2013-05-20T19:49:32.000-0100"), t);
    EXPECT_EQ(parse_salesforce_datetime("2013-05-20T20:49:32.123Z"), t + std::chrono::milliseconds(123));
    EXPECT_FALSE(parse_salesforce_datetime("2013-05-20"));
    EXPECT_FALSE(parse_salesforce_datetime("2013-02-30T00:00:00Z"));
    EXPECT_FALSE(parse_salesforce_datetime("2013-05-20T20:49:32.000 0000"));
}

TEST(SoqlIdentifier, AcceptsApiNamesOnly) {
    for (const auto* ok : {"Account", "Fakturad_Key__c", "Account.Owner.Username", "Invoice__r.Name"}) {
        EXPECT_TRUE(is_soql_identifier(ok)) << ok;
    }
    for (const auto* bad : {"", "1Account", "Name,Id", "Name FROM User", "a..b", ".a", "a.", "Name'"}) {
        EXPECT_FALSE(is_soql_identifier(bad)) << bad;
    }
}

TEST(IncrementalQuery, FirstPollHasNoStampCondition) {
    incremental_query q{"Account", {"Name", "Id"}, {}, std::chrono::minutes(5)};
    auto soql = build_incremental_soql(q, {});
    ASSERT_TRUE(soql.has_value());
    EXPECT_EQ(*soql, "SELECT Id, SystemModstamp, Name FROM Account ORDER BY SystemModstamp ASC, Id ASC");
}

TEST(IncrementalQuery, LaterPollsStartAnOverlapBeforeTheCursor) {
    incremental_query q{"Opportunity", {"Amount"}, "IsWon = true", std::chrono::minutes(5)};
    sync_cursor c;
    c.last_system_modstamp = std::chrono::sys_days(std::chrono::year{2026} / 3 / 10) + std::chrono::hours(12);
    auto soql = build_incremental_soql(q, c);
    ASSERT_TRUE(soql.has_value());
    EXPECT_EQ(
        *soql,
        "SELECT Id, SystemModstamp, Amount FROM Opportunity WHERE SystemModstamp >= 2026-03-10T11:55:00.000Z "
        "AND "
        "(IsWon = true) ORDER BY SystemModstamp ASC, Id ASC"
    );
}

TEST(IncrementalQuery, RefusesNamesThatAreNotIdentifiers) {
    incremental_query q{"Account", {"Name FROM User --"}, {}, std::chrono::minutes(5)};
    auto soql = build_incremental_soql(q, {});
    ASSERT_FALSE(soql.has_value());
    EXPECT_EQ(soql.error().code, errc::bad_input);
    q.fields.clear();
    q.object = "Account.Owner";
    EXPECT_FALSE(build_incremental_soql(q, {}).has_value());
}

TEST(IncrementalCursor, MovesToTheNewestStampThenGreatestId) {
    sync_cursor c;
    auto rec = [](const char* id, const char* stamp) {
        return boost::json::parse(std::string(R"({"Id":")") + id + R"(","SystemModstamp":")" + stamp + "\"}")
            .as_object();
    };
    ASSERT_TRUE(advance_cursor(c, rec("001B", "2026-03-10T12:00:00.000+0000")).has_value());
    ASSERT_TRUE(advance_cursor(c, rec("001A", "2026-03-10T12:00:00.000+0000")).has_value());
    EXPECT_EQ(c.last_record_id, "001B");
    ASSERT_TRUE(advance_cursor(c, rec("001C", "2026-03-10T12:00:00.000+0000")).has_value());
    EXPECT_EQ(c.last_record_id, "001C");
    ASSERT_TRUE(advance_cursor(c, rec("001Z", "2026-03-10T11:00:00.000+0000")).has_value());
    EXPECT_EQ(c.last_record_id, "001C");
    EXPECT_EQ(c.last_system_modstamp, parse_salesforce_datetime("2026-03-10T12:00:00Z"));
    auto no_stamp = advance_cursor(c, boost::json::parse(R"({"Id":"001D"})").as_object());
    ASSERT_FALSE(no_stamp.has_value());
    EXPECT_EQ(no_stamp.error().code, errc::bad_response);
}

}  // namespace
}  // namespace fakturad::salesforce
