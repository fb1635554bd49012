#include "fakturad/salesforce/bulk.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

namespace fakturad::salesforce {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// One page read by a fresh reader for `object`, the last page unless `locator` says otherwise.
boost::system::result<bulk_results_page, call_error> read_one(
    std::string_view csv, std::string_view object = "Account", std::string_view locator = "null"
) {
    bulk_result_reader reader{std::string(object)};
    return reader.read_page(csv, locator, std::nullopt);
}

TEST(BulkRequests, CreateAsksForCommaSeparatedCsvWithLf) {
    const auto r = build_bulk_query_create("v62.0", "SELECT Id FROM Account", false);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, "/services/data/v62.0/jobs/query");
    EXPECT_EQ(
        json::parse(r.body),
        json::parse(R"({"operation":"query","query":"SELECT Id FROM Account","contentType":"CSV",)"
                    R"("columnDelimiter":"COMMA","lineEnding":"LF"})")
    );
    EXPECT_EQ(json::parse(build_bulk_query_create("v62.0", "x", true).body).at("operation"), "queryAll");
}

TEST(BulkRequests, StatusResultsAbortDelete) {
    EXPECT_EQ(build_bulk_query_status("v62.0", "750x").path, "/services/data/v62.0/jobs/query/750x");
    EXPECT_EQ(build_bulk_query_status("v62.0", "750x").method, "GET");
    const auto first = build_bulk_query_results("v62.0", "750x", 500, std::nullopt);
    EXPECT_EQ(first.path, "/services/data/v62.0/jobs/query/750x/results?maxRecords=500");
    ASSERT_EQ(first.headers.size(), 1U);
    EXPECT_EQ(first.headers[0], (std::pair<std::string, std::string>{"Accept", "text/csv"}));
    const auto next = build_bulk_query_results("v62.0", "750x", 500, std::string("MTAw+/="));
    EXPECT_EQ(next.path, "/services/data/v62.0/jobs/query/750x/results?maxRecords=500&locator=MTAw%2B%2F%3D");
    const auto abort = build_bulk_query_abort("v62.0", "750x");
    EXPECT_EQ(abort.method, "PATCH");
    EXPECT_EQ(json::parse(abort.body), json::parse(R"({"state":"Aborted"})"));
    EXPECT_EQ(build_bulk_query_delete("v62.0", "750x").method, "DELETE");
    EXPECT_EQ(build_bulk_query_delete("v62.0", "750x").path, "/services/data/v62.0/jobs/query/750x");
}

TEST(BulkJobStatus, ParsesStatesCountsAndErrorMessage) {
    const auto created = parse_bulk_job(
        R"({"id":"750R0000000zlh9IAA","operation":"query","object":"Account","state":"UploadComplete",)"
        R"("concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0})"
    );
    ASSERT_TRUE(created.has_value()) << created.error().describe();
    EXPECT_EQ(created->id, "750R0000000zlh9IAA");
    EXPECT_EQ(created->object, "Account");
    EXPECT_EQ(created->state, bulk_job_state::upload_complete);
    EXPECT_FALSE(is_terminal(created->state));

    const auto running = parse_bulk_job(R"({"id":"750a","state":"InProgress","numberRecordsProcessed":0})");
    ASSERT_TRUE(running.has_value());
    EXPECT_EQ(running->state, bulk_job_state::in_progress);
    EXPECT_FALSE(is_terminal(running->state));

    const auto done = parse_bulk_job(R"({"id":"750a","state":"JobComplete","numberRecordsProcessed":12345})");
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->state, bulk_job_state::job_complete);
    EXPECT_EQ(done->records_processed, 12345U);
    EXPECT_TRUE(is_terminal(done->state));

    const auto failed = parse_bulk_job(
        R"({"id":"750a","state":"Failed","errorMessage":"INVALID_FIELD: No such column 'Foo' on entity 'Account'"})"
    );
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->state, bulk_job_state::failed);
    EXPECT_EQ(failed->error_message, "INVALID_FIELD: No such column 'Foo' on entity 'Account'");
    EXPECT_TRUE(is_terminal(failed->state));
    EXPECT_TRUE(is_terminal(parse_bulk_job(R"({"id":"750a","state":"Aborted"})")->state));

    for (const char* bad :
         {"",
          "[]",
          R"({"state":"JobComplete"})",
          R"({"id":"750a"})",
          R"({"id":"","state":"JobComplete"})",
          R"({"id":"750a","state":"Sleeping"})"}) {
        const auto r = parse_bulk_job(bad);
        ASSERT_FALSE(r.has_value()) << bad;
        EXPECT_EQ(r.error().code, errc::bad_response) << bad;
    }
}

TEST(BulkJobStatus, PollWaitsDoubleUpToTheCap) {
    EXPECT_EQ(bulk_poll_delay(1, 500ms, 8s), 500ms);
    EXPECT_EQ(bulk_poll_delay(2, 500ms, 8s), 1000ms);
    EXPECT_EQ(bulk_poll_delay(4, 500ms, 8s), 4000ms);
    EXPECT_EQ(bulk_poll_delay(5, 500ms, 8s), 8000ms);
    EXPECT_EQ(bulk_poll_delay(6, 500ms, 8s), 8000ms);
    EXPECT_EQ(bulk_poll_delay(1000, 500ms, 8s), 8000ms);
}

TEST(BulkJobStatus, ObjectOfTheFromClause) {
    EXPECT_EQ(soql_from_object("SELECT Id, Name FROM Account WHERE Name = 'x'"), "Account");
    EXPECT_EQ(soql_from_object("select id from invoice__c"), "invoice__c");
    EXPECT_EQ(soql_from_object("SELECT Id FROM\n  Contact"), "Contact");
    // FROM inside a literal or a subquery is not the query's own.
    EXPECT_EQ(soql_from_object("SELECT Id, (SELECT Id FROM Contacts) FROM Account"), "Account");
    EXPECT_EQ(soql_from_object("SELECT Id FROM Lead WHERE Name = 'x FROM Account'"), "Lead");
    EXPECT_EQ(soql_from_object("SELECT Fromage__c FROM Cheese__c"), "Cheese__c");
    EXPECT_EQ(soql_from_object("SELECT Id"), "");
}

TEST(BulkCsv, QuotedFieldsWithCommasDoubledQuotesAndLineBreaks) {
    const auto page = read_one(
        "\"Id\",\"Name\",\"Description\"\n"
        "\"001A\",\"Müller, Schmidt & Co\",\"said \"\"hello\"\"\"\n"
        "\"001B\",\"two\nlines\",\"crlf\r\ninside\"\n"
    );
    ASSERT_TRUE(page.has_value()) << page.error().describe();
    ASSERT_EQ(page->records.size(), 2U);
    EXPECT_EQ(
        page->records[0],
        json::parse(R"({"attributes":{"type":"Account"},"Id":"001A","Name":"Müller, Schmidt & Co",)"
                    R"("Description":"said \"hello\""})")
    );
    EXPECT_EQ(page->records[1].at("Name"), "two\nlines");
    EXPECT_EQ(page->records[1].at("Description"), "crlf\r\ninside");
    EXPECT_FALSE(page->next_locator.has_value());
}

TEST(BulkCsv, CrlfAndLfLineEndsAndUnquotedValuesReadAlike) {
    const char* variants[] = {
        "\"Id\",\"Name\"\r\n\"001A\",\"Acme\"\r\n\"001B\",\"Beta\"\r\n",
        "Id,Name\n001A,Acme\n001B,Beta\n",
        "Id,Name\n001A,Acme\n001B,Beta",  // no line end after the last record
        "\xEF\xBB\xBFId,Name\r\n001A,Acme\n001B,\"Beta\"",
    };
    for (const char* csv : variants) {
        const auto page = read_one(csv);
        ASSERT_TRUE(page.has_value()) << csv << ": " << page.error().describe();
        ASSERT_EQ(page->records.size(), 2U) << csv;
        EXPECT_EQ(page->records[0].at("Id"), "001A") << csv;
        EXPECT_EQ(page->records[0].at("Name"), "Acme") << csv;
        EXPECT_EQ(page->records[1].at("Name"), "Beta") << csv;
    }
}

TEST(BulkCsv, EmptyFieldsAreNullAndValuesStayStrings) {
    const auto page = read_one(
        "\"Id\",\"AnnualRevenue\",\"IsActive__c\",\"Phone\",\"Fax\"\n"
        "\"001A\",\"1200.50\",\"true\",,\"\"\n"
        "\"001B\",,\"false\",\"+49 30 1234\",\n"
    );
    ASSERT_TRUE(page.has_value()) << page.error().describe();
    ASSERT_EQ(page->records.size(), 2U);
    EXPECT_EQ(page->records[0].at("AnnualRevenue"), "1200.50");
    EXPECT_EQ(page->records[0].at("IsActive__c"), "true");
    EXPECT_TRUE(page->records[0].at("Phone").is_null());
    EXPECT_TRUE(page->records[0].at("Fax").is_null());
    EXPECT_TRUE(page->records[1].at("AnnualRevenue").is_null());
    EXPECT_TRUE(page->records[1].at("Fax").is_null());  // an empty last field
    // A single column of null is an empty line, not the end of the page.
    const auto single = read_one("\"Phone\"\n\n\"+1\"\n");
    ASSERT_TRUE(single.has_value()) << single.error().describe();
    ASSERT_EQ(single->records.size(), 2U);
    EXPECT_TRUE(single->records[0].at("Phone").is_null());
}

TEST(BulkCsv, ParentPathsBecomeNestedObjects) {
    const auto page = read_one(
        "\"Id\",\"Account.Name\",\"Account.Owner.Username\",\"Account.Id\"\n"
        "\"006A\",\"Acme\",\"ops@acme.example\",\"001A\"\n"
        "\"006B\",\"Beta\",,\"001B\"\n"
        "\"006C\",,,\n",
        "Opportunity"
    );
    ASSERT_TRUE(page.has_value()) << page.error().describe();
    ASSERT_EQ(page->records.size(), 3U);
    EXPECT_EQ(
        page->records[0],
        json::parse(R"({"attributes":{"type":"Opportunity"},"Id":"006A",)"
                    R"("Account":{"Name":"Acme","Owner":{"Username":"ops@acme.example"},"Id":"001A"}})")
    );
    // An empty lookup is null, as in REST answers.
    EXPECT_TRUE(page->records[1].at("Account").at("Owner").is_null());
    EXPECT_EQ(page->records[1].at("Account").at("Name"), "Beta");
    EXPECT_TRUE(page->records[2].at("Account").is_null());
}

TEST(BulkCsv, PagesMustRepeatTheFirstHeader) {
    bulk_result_reader reader("Account");
    const auto first = reader.read_page("\"Id\",\"Name\"\n\"001A\",\"Acme\"\n", "MTA", "1");
    ASSERT_TRUE(first.has_value()) << first.error().describe();
    EXPECT_EQ(first->next_locator, std::optional<std::string>("MTA"));
    EXPECT_EQ(reader.columns(), (std::vector<std::string>{"Id", "Name"}));
    const auto second = reader.read_page("\"Id\",\"Name\"\n\"001B\",\"Beta\"\n", "MjA", "1");
    ASSERT_TRUE(second.has_value()) << second.error().describe();
    EXPECT_EQ(second->records.at(0).at("Name"), "Beta");
    const auto third = reader.read_page("\"Name\",\"Id\"\n\"Gamma\",\"001C\"\n", "null", "1");
    ASSERT_FALSE(third.has_value());
    EXPECT_EQ(third.error().code, errc::bad_response);
    EXPECT_NE(third.error().message.find("differs"), std::string::npos) << third.error().message;
    EXPECT_NE(third.error().request.find("page 3"), std::string::npos) << third.error().request;
}

TEST(BulkCsv, MalformedPagesAreRejectedWithTheLine) {
    const struct {
        const char* csv;
        const char* says;
    } cases[] = {
        {"\"Id\",\"Name\"\n\"001A\",\"open\n", "line 2: a quoted field is not closed"},
        {"\"Id\",\"Name\"\n\"001A\",\"ab\"c\n", "line 2: text after the closing quote"},
        {"\"Id\",\"Name\"\n\"001A\",a\"b\n", "line 2: a quote inside an unquoted field"},
        {"\"Id\",\"Name\"\n\"001A\"\n", "record 1 has 1 fields, the header 2"},
        {"\"Id\",\"Name\"\n\"001A\",\"x\",\"y\"\n", "record 1 has 3 fields"},
        {"\"Id\",\"Id\"\n\"001A\",\"001A\"\n", "occurs twice"},
        {"\"Account\",\"Account.Name\"\n\"x\",\"y\"\n", "nests in a column"},
        {"\"Id\",\"Account..Name\"\n\"x\",\"y\"\n", "unusable column name"},
    };
    for (const auto& c : cases) {
        const auto page = read_one(c.csv);
        ASSERT_FALSE(page.has_value()) << c.csv;
        EXPECT_EQ(page.error().code, errc::bad_response);
        EXPECT_NE(page.error().message.find(c.says), std::string::npos)
            << c.csv << " -> " << page.error().message;
    }
}

TEST(BulkCsv, LocatorAndRecordCountHeaders) {
    bulk_result_reader reader("Account");
    const char* csv = "\"Id\"\n\"001A\"\n\"001B\"\n";
    EXPECT_FALSE(reader.read_page(csv, std::nullopt, "2").has_value());  // Salesforce always sends one
    EXPECT_FALSE(reader.read_page(csv, "", "2").has_value());
    const auto wrong_count = reader.read_page(csv, "null", "3");
    ASSERT_FALSE(wrong_count.has_value());
    EXPECT_NE(wrong_count.error().message.find("Sforce-NumberOfRecords says 3"), std::string::npos);
    EXPECT_FALSE(reader.read_page(csv, "null", "two").has_value());
    const auto last = reader.read_page(csv, "null", "2");
    ASSERT_TRUE(last.has_value()) << last.error().describe();
    EXPECT_FALSE(last->next_locator.has_value());
    // A job without records: the header alone.
    const auto none = read_one("\"Id\",\"Name\"\n");
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->records.empty());
}

}  // namespace
}  // namespace fakturad::salesforce
