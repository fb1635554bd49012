#include "fakturad/salesforce/limits.hpp"
#include "fakturad/salesforce/rest.hpp"
#include "fakturad/salesforce/retry.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <deque>

namespace fakturad::salesforce {
namespace {

namespace json = boost::json;

class scripted_random final : public random_source {
public:
    explicit scripted_random(std::deque<std::uint64_t> values) : values_(std::move(values)) {}
    std::uint64_t below(std::uint64_t n) override {
        bounds.push_back(n);
        const auto v = values_.empty() ? n - 1 : values_.front();
        if (!values_.empty()) {
            values_.pop_front();
        }
        return v % n;
    }
    std::vector<std::uint64_t> bounds;

private:
    std::deque<std::uint64_t> values_;
};

TEST(LimitInfo, ParsesApiUsageAmongOtherParts) {
    ASSERT_TRUE(parse_limit_info("api-usage=18/15000").has_value());
    const auto u = parse_limit_info("api-usage=18/15000").value_or(api_usage{});
    EXPECT_EQ(u.used, 18U);
    EXPECT_EQ(u.max, 15000U);
    const auto v = parse_limit_info("api-bursts=1/750; api-usage=10018/100000").value_or(api_usage{});
    EXPECT_EQ(v.used, 10018U);
    EXPECT_EQ(v.max, 100000U);
    EXPECT_FALSE(parse_limit_info("per-app-api-usage=17/250(appName=x)"));
    EXPECT_FALSE(parse_limit_info("api-usage=abc/100"));
    EXPECT_FALSE(parse_limit_info("api-usage=5/0"));
    EXPECT_FALSE(parse_limit_info(""));
}

TEST(ApiBudget, RefusesAtTheConfiguredShare) {
    api_budget b(0.5);
    EXPECT_TRUE(b.allows_call());
    b.observe({49, 100});
    EXPECT_TRUE(b.allows_call());
    b.observe({50, 100});
    EXPECT_FALSE(b.allows_call());
    b.observe({40, 100});  // an older answer arriving late does not lower the figure
    EXPECT_FALSE(b.allows_call());
    EXPECT_NE(b.refusal_reason().find("50 of 100"), std::string::npos) << b.refusal_reason();
    EXPECT_NE(b.refusal_reason().find("50 %"), std::string::npos);
}

TEST(Classify, MapsStatusAndErrorCode) {
    const auto e = [](const char* code, const char* message = "") {
        return std::vector<api_error_item>{{code, message, {}}};
    };
    EXPECT_EQ(classify_response(200, {}), outcome_class::success);
    EXPECT_EQ(classify_response(201, {}), outcome_class::success);
    EXPECT_EQ(classify_response(401, e("INVALID_SESSION_ID")), outcome_class::auth_expired);
    EXPECT_EQ(classify_response(401, e("INVALID_AUTH_HEADER")), outcome_class::permanent);
    EXPECT_EQ(
        classify_response(403, e("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")),
        outcome_class::retryable
    );
    EXPECT_EQ(
        classify_response(403, e("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")),
        outcome_class::daily_limit
    );
    EXPECT_EQ(classify_response(403, e("INSUFFICIENT_ACCESS")), outcome_class::permanent);
    EXPECT_EQ(classify_response(400, e("UNABLE_TO_LOCK_ROW")), outcome_class::retryable);
    EXPECT_EQ(classify_response(400, e("MALFORMED_QUERY")), outcome_class::permanent);
    EXPECT_EQ(classify_response(404, e("NOT_FOUND")), outcome_class::permanent);
    EXPECT_EQ(classify_response(500, e("UNKNOWN_EXCEPTION")), outcome_class::retryable);
    EXPECT_EQ(classify_response(503, e("SERVER_UNAVAILABLE")), outcome_class::retryable);
    EXPECT_EQ(classify_response(502, {}), outcome_class::retryable);
    EXPECT_TRUE(is_retryable_record_error({"UNABLE_TO_LOCK_ROW", "", {}}));
    EXPECT_FALSE(is_retryable_record_error({"REQUIRED_FIELD_MISSING", "", {"Name"}}));
}

TEST(Backoff, FullJitterUnderACappedDoublingCeiling) {
    backoff_policy p{std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 6};
    scripted_random r({50, 1'000'000, 7, 3, 2});
    EXPECT_EQ(backoff_delay(p, 2, r).count(), 50);
    EXPECT_EQ(backoff_delay(p, 3, r).count(), 1'000'000 % 201);
    EXPECT_EQ(backoff_delay(p, 4, r).count(), 7);
    EXPECT_EQ(backoff_delay(p, 5, r).count(), 3);
    EXPECT_EQ(backoff_delay(p, 9, r).count(), 2);  // capped at 1000 ms
    EXPECT_EQ(r.bounds, (std::vector<std::uint64_t>{101, 201, 401, 801, 1001}));
}

TEST(QueryRequest, EncodesTheSoqlAndAsksForABatchSize) {
    auto r = build_query(
        "v59.0", "SELECT Id FROM Account WHERE Name = 'A+B' AND X > 2024-01-01T00:00:00+01:00", false, 500
    );
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(
        r.path,
        "/services/data/v59.0/"
        "query?q=SELECT%20Id%20FROM%20Account%20WHERE%20Name%20%3D%20%27A%2BB%27%20AND%20X%20%"
        "3E%202024-01-01T00%3A00%3A00%2B01%3A00"
    );
    ASSERT_EQ(r.headers.size(), 1U);
    EXPECT_EQ(r.headers[0].second, "batchSize=500");
    EXPECT_TRUE(r.idempotent);
    EXPECT_NE(
        build_query("v59.0", "SELECT Id FROM Task", true, 2000).path.find("/queryAll?q="), std::string::npos
    );
}

TEST(QueryPage, ParsesPagesAndRejectsBrokenOnes) {
    auto p = parse_query_page(
        R"({"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v59.0/query/01g-2","records":[{"attributes":{"type":"Account"},"Id":"001"},{"Id":"002"}]})"
    );
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->total_size, 3U);
    EXPECT_FALSE(p->done);
    EXPECT_EQ(p->records.size(), 2U);
    auto next = build_next_page(p->next_records_url.value_or(std::string()));
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->path, "/services/data/v59.0/query/01g-2");
    EXPECT_FALSE(build_next_page("https://evil.example/services/data/v59.0/query/x").has_value());
    EXPECT_TRUE(parse_query_page(R"({"totalSize":0,"done":true,"records":[]})").has_value());
    EXPECT_FALSE(parse_query_page(R"({"totalSize":1,"done":false,"records":[]})").has_value());
    EXPECT_FALSE(parse_query_page(R"([{"message":"x","errorCode":"MALFORMED_QUERY"}])").has_value());
    EXPECT_FALSE(parse_query_page("<html>").has_value());
}

TEST(CollectionUpsert, PutsTypeOnEveryRecordAndKeyFieldInThePath) {
    std::vector<json::object> records{json::object{{"Fakturad_Key__c", "INV-1"}, {"Status__c", "Issued"}}};
    auto r = build_collection_upsert("v62.0", "Invoice__c", "Fakturad_Key__c", records);
    EXPECT_EQ(r.method, "PATCH");
    EXPECT_EQ(r.path, "/services/data/v62.0/composite/sobjects/Invoice__c/Fakturad_Key__c");
    EXPECT_TRUE(r.idempotent);
    const auto body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("allOrNone"), false);
    const auto& rec = body.at("records").as_array().at(0).as_object();
    EXPECT_EQ(rec.at("attributes").at("type"), "Invoice__c");
    EXPECT_EQ(rec.at("Fakturad_Key__c"), "INV-1");
    EXPECT_FALSE(build_collection_create("v62.0", "ContentVersion", records).idempotent);
}

TEST(SaveResults, ReadsPerRecordErrorsWithStatusCodeAndFields) {
    auto r = parse_save_results(
        R"([{"id":"a01","success":true,"errors":[],"created":true},
            {"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Invoice_Date__c]","fields":["Invoice_Date__c"]}]}])",
        2
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE((*r)[0].success);
    EXPECT_TRUE((*r)[0].created);
    EXPECT_EQ((*r)[0].id, "a01");
    ASSERT_FALSE((*r)[1].success);
    ASSERT_EQ((*r)[1].errors.size(), 1U);
    EXPECT_EQ((*r)[1].errors[0].code, "REQUIRED_FIELD_MISSING");
    EXPECT_EQ((*r)[1].errors[0].fields, std::vector<std::string>{"Invoice_Date__c"});
    EXPECT_FALSE(parse_save_results("[]", 2).has_value());
    EXPECT_FALSE(parse_save_results(R"({"a":1})", 1).has_value());
}

TEST(ErrorBody, ReadsArraysObjectsAndNonJson) {
    auto e =
        parse_error_body(R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
    ASSERT_EQ(e.size(), 1U);
    EXPECT_EQ(e[0].code, "INVALID_SESSION_ID");
    e = parse_error_body("<html>" + std::string(1000, 'x'));
    ASSERT_EQ(e.size(), 1U);
    EXPECT_TRUE(e[0].code.empty());
    EXPECT_LT(e[0].message.size(), 220U);
}

TEST(ContentVersion, JsonCarriesBase64AndTheLink) {
    file_upload f{"INV-1", "INV-1.pdf", "001000000000001AAA", "invoice", "application/pdf", "%PDF-1"};
    const auto rec = content_version_record(f);
    EXPECT_EQ(rec.at("VersionData"), "JVBERi0x");
    EXPECT_EQ(rec.at("FirstPublishLocationId"), "001000000000001AAA");
    EXPECT_EQ(rec.at("PathOnClient"), "INV-1.pdf");
    EXPECT_EQ(base64_encode("a"), "YQ==");
    EXPECT_EQ(base64_encode("ab"), "YWI=");
    EXPECT_EQ(base64_encode(""), "");
}

TEST(ContentVersion, MultipartHasEntityContentThenVersionData) {
    file_upload f{
        "INV-1", "INV-1.pdf", "001000000000001AAA", {}, "application/pdf", std::string("%PDF\0bin", 8)};
    auto r = build_content_version_multipart("v62.0", f, "BOUNDARY");
    EXPECT_EQ(r.path, "/services/data/v62.0/sobjects/ContentVersion");
    EXPECT_EQ(r.headers.at(0).second, "multipart/form-data; boundary=BOUNDARY");
    const auto json_part = r.body.find("name=\"entity_content\"\r\nContent-Type: application/json\r\n\r\n{");
    const auto data_part = r.body.find(
        "name=\"VersionData\"; filename=\"INV-1.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF"
    );
    ASSERT_NE(json_part, std::string::npos);
    ASSERT_NE(data_part, std::string::npos);
    EXPECT_LT(json_part, data_part);
    EXPECT_NE(r.body.find(std::string("%PDF\0bin\r\n--BOUNDARY--\r\n", 22)), std::string::npos);
    EXPECT_FALSE(r.idempotent);
}

TEST(CallError, DescribesRequestStatusCodeAndAttempts) {
    call_error e{
        errc::retries_exhausted,
        "upsert Invoice__c",
        503,
        "SERVER_UNAVAILABLE",
        "Server temporarily unavailable",
        6};
    EXPECT_EQ(
        e.describe(),
        "upsert Invoice__c: gave up after repeated temporary failures (HTTP 503 SERVER_UNAVAILABLE: Server "
        "temporarily unavailable) after 6 attempts"
    );
    EXPECT_EQ(truncate_remote_text(std::string(10, 'a') + "\xC3\xA4", 11), std::string(10, 'a') + "...");
}

}  // namespace
}  // namespace fakturad::salesforce
