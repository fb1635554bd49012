#include "fakturad/salesforce/describe.hpp"

#include "fakturad/salesforce/retry.hpp"

#include <gtest/gtest.h>

namespace fakturad::salesforce {
namespace {

TEST(Describe, BuildsAnIdempotentGetOfTheObjectsDescribe) {
    const auto r = build_describe("v62.0", "Invoice__c");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.path, "/services/data/v62.0/sobjects/Invoice__c/describe");
    EXPECT_TRUE(r.idempotent);
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(r.what, "describe Invoice__c");
    // Whatever slips past the caller's name check cannot leave the path segment.
    EXPECT_EQ(
        build_describe("v62.0", "A/../x?y").path, "/services/data/v62.0/sobjects/A%2F..%2Fx%3Fy/describe"
    );
}

TEST(Describe, BuildsTheGlobalDescribe) {
    const auto r = build_describe_global("v61.0");
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.path, "/services/data/v61.0/sobjects");
    EXPECT_TRUE(r.idempotent);
}

TEST(Describe, ParsesTheBodyAndKeepsEverythingInIt) {
    const auto d = parse_describe(
        R"({"name":"Account","fields":[{"name":"Id","type":"id"},{"name":"VAT_Number__c","type":"string"}],)"
        R"("childRelationships":[{"childSObject":"Opportunity","relationshipName":"Opportunities"}]})"
    );
    ASSERT_TRUE(d.has_value()) << d.error().describe();
    EXPECT_EQ(d->at("name").as_string(), "Account");
    EXPECT_EQ(d->at("fields").as_array().size(), 2U);
    EXPECT_EQ(
        d->at("childRelationships").as_array().at(0).at("relationshipName").as_string(), "Opportunities"
    );
}

TEST(Describe, RejectsBodiesWithoutNameOrFields) {
    for (const char* body :
         {"",
          "[]",
          R"({"fields":[]})",
          R"({"name":"Account"})",
          R"({"name":1,"fields":[]})",
          R"({"name":"Account","fields":{}})",
          "<html>"}) {
        const auto d = parse_describe(body);
        ASSERT_FALSE(d.has_value()) << body;
        EXPECT_EQ(d.error().code, errc::bad_response) << body;
    }
}

TEST(Describe, GlobalDescribeGivesTheObjectNamesInOrder) {
    const auto names = parse_describe_global(
        R"({"encoding":"UTF-8","maxBatchSize":200,"sobjects":[{"name":"Account","custom":false},)"
        R"({"name":"Invoice__c","custom":true}]})"
    );
    ASSERT_TRUE(names.has_value()) << names.error().describe();
    EXPECT_EQ(*names, (std::vector<std::string>{"Account", "Invoice__c"}));
    EXPECT_EQ(parse_describe_global(R"({"sobjects":[{"label":"x"}]})").error().code, errc::bad_response);
    EXPECT_EQ(parse_describe_global(R"({"encoding":"UTF-8"})").error().code, errc::bad_response);
    EXPECT_EQ(parse_describe_global("not json").error().code, errc::bad_response);
}

TEST(Describe, NotFoundIsItsOwnErrorCode) {
    const auto not_found =
        parse_error_body(R"([{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}])");
    EXPECT_EQ(classify_response(404, not_found), outcome_class::permanent);
    EXPECT_EQ(rejection_code(404, not_found), errc::not_found);
    // Other permanent failures, and a 404 that is not Salesforce's NOT_FOUND (a wrong host's HTML page),
    // stay request_rejected.
    EXPECT_EQ(
        rejection_code(400, parse_error_body(R"([{"errorCode":"INVALID_TYPE","message":"x"}])")),
        errc::request_rejected
    );
    EXPECT_EQ(rejection_code(404, parse_error_body("<html>Not Found</html>")), errc::request_rejected);
    EXPECT_EQ(rejection_code(400, not_found), errc::request_rejected);
    const call_error e{
        errc::not_found, "describe Acount", 404, "NOT_FOUND", "The requested resource does not exist", 1};
    EXPECT_NE(e.describe().find("no such object"), std::string::npos) << e.describe();
    EXPECT_NE(e.describe().find("describe Acount"), std::string::npos) << e.describe();
    EXPECT_NE(make_error_code(errc::not_found).message(), make_error_code(errc::request_rejected).message());
}

}  // namespace
}  // namespace fakturad::salesforce
