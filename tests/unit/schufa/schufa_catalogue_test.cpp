// The pure parts of the SCHUFA connector: the legitimate-interest table, the refusal messages, the wire
// format (canned bodies of the assumed contract) and the comparison of two reports.
#include "fakturad/schufa/catalogue.hpp"
#include "fakturad/schufa/protocol.hpp"
#include "fakturad/schufa/report.hpp"

#include <gtest/gtest.h>

namespace fakturad::schufa {
namespace {

TEST(SchufaCatalogue, InterestTable) {
    EXPECT_TRUE(allows(interest::contract_initiation, product::identity));
    EXPECT_TRUE(allows(interest::credit_application, product::b2b_full));
    EXPECT_FALSE(allows(interest::credit_application, product::identity));
    EXPECT_TRUE(allows(interest::receivable_collection, product::b2b_compact));
    EXPECT_FALSE(allows(interest::receivable_collection, product::b2b_full));
    EXPECT_TRUE(allows(interest::identity_age_verification, product::identity));
    EXPECT_FALSE(allows(interest::identity_age_verification, product::b2c));
    for (const auto& p : products()) {
        EXPECT_FALSE(allows(interest::monitoring, p.which)) << "MONITORING is for subscriptions only";
        EXPECT_EQ(product_from_cli(p.cli_name), p.which);
    }
    for (const auto& i : interests()) {
        EXPECT_EQ(interest_from_code(i.code), i.which);
    }
    EXPECT_FALSE(interest_from_code("contract_initiation")) << "codes are exact";
}

TEST(SchufaCatalogue, RefusalsNameTheProblemAndListTheCodes) {
    EXPECT_EQ(check_request_basis("b2b-short", "CONTRACT_INITIATION"), "");
    const auto missing = check_request_basis("b2b-short", "");
    EXPECT_NE(missing.find("no legitimate interest"), std::string::npos) << missing;
    for (const auto& i : interests()) {
        EXPECT_NE(missing.find(i.code), std::string::npos) << "lists " << i.code;
    }
    const auto unknown = check_request_basis("b2c", "BECAUSE");
    EXPECT_NE(unknown.find("unknown legitimate-interest code 'BECAUSE'"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("CREDIT_APPLICATION"), std::string::npos);
    const auto wrong = check_request_basis("b2b-full", "RECEIVABLE_COLLECTION");
    EXPECT_NE(wrong.find("does not allow the product b2b-full"), std::string::npos) << wrong;
    const auto product_typo = check_request_basis("b2b", "CONTRACT_INITIATION");
    EXPECT_NE(product_typo.find("b2b-short|b2b-compact|b2b-full|b2c|identity"), std::string::npos)
        << product_typo;
}

TEST(SchufaWire, ReportRequestCarriesTheEnvelope) {
    report_request r;
    r.which = product::b2b_compact;
    r.envelope.customer_reference = "fkd-7";
    r.envelope.legitimate_interest = interest::existing_relationship_review;
    r.company.name = "Acme GmbH";
    const auto call = build_report_request(r);
    EXPECT_EQ(call.method, "POST");
    EXPECT_EQ(call.path, "/v1/b2b/reports");
    EXPECT_NE(call.body.find(R"("legitimateInterest":"EXISTING_RELATIONSHIP_REVIEW")"), std::string::npos);
    EXPECT_NE(call.body.find(R"("product":"KOMPAKT")"), std::string::npos);
    EXPECT_NE(call.body.find(R"("customerReference":"fkd-7")"), std::string::npos);
    r.which = product::identity;
    EXPECT_EQ(build_report_request(r).path, "/v1/b2c/identity-checks");
    r.which = product::b2c;
    EXPECT_EQ(build_report_request(r).path, "/v1/b2c/credit-reports");
}

TEST(SchufaWire, ParsesReportsExactly) {
    const auto r = parse_report_response(
        product::b2b_full,
        200,
        R"({"requestId":"R1","status":"HIT","reportDate":"2026-11-27","company":{"schufaCompanyId":"SC1","name":"Acme"},
            "score":{"value":420,"scale":"SIM-B2B","riskClass":2,"probabilityOfDefault12m":"0.65","trafficLight":"GREEN"},
            "negativeFeatures":[{"code":"C1","category":"COLLECTION_CASE","date":"2026-01-02","amountEur":"99.90","source":"x"}],
            "creditLimitRecommendationEur":"100000.00"})",
        std::nullopt
    );
    ASSERT_TRUE(r.ok()) << r.failure.message;
    EXPECT_EQ(*r.report->score, 420);
    EXPECT_EQ(r.report->risk_class, 2);
    EXPECT_EQ(to_string(*r.report->probability_of_default), "0.65");
    EXPECT_EQ(to_string(*r.report->negative_features[0].amount_eur), "99.90");
    EXPECT_EQ(to_string(*r.report->credit_limit_eur), "100000.00");
    // A percentage as a JSON number would have passed through binary floating point: refused.
    const auto lossy = parse_report_response(
        product::b2b_short,
        200,
        R"({"requestId":"R2","status":"HIT","score":{"value":1,"probabilityOfDefault12m":0.65}})",
        std::nullopt
    );
    EXPECT_EQ(lossy.failure.code, error_code::unreadable);
    EXPECT_EQ(
        parse_report_response(product::b2b_short, 200, "not json", std::nullopt).failure.code,
        error_code::unreadable
    );
    EXPECT_EQ(
        parse_report_response(product::b2b_short, 200, R"({"status":"HIT"})", std::nullopt).failure.code,
        error_code::unreadable
    );
}

TEST(SchufaWire, ClassifiesErrors) {
    const auto limited =
        failure_of(429, R"({"errorCode":"RATE_LIMITED","message":"slow\ndown","retryable":true})", "7");
    EXPECT_EQ(limited.code, error_code::rate_limited);
    EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(7000));
    EXPECT_EQ(limited.message, "slow down") << "remote text is flattened";
    EXPECT_TRUE(retryable(limited.code));
    EXPECT_EQ(failure_of(503, "<html>", std::nullopt).code, error_code::service_unavailable);
    EXPECT_EQ(failure_of(401, "", std::nullopt).code, error_code::unauthorized);
    EXPECT_EQ(failure_of(418, "teapot", std::nullopt).code, error_code::unreadable);
    EXPECT_FALSE(retryable(error_code::legitimate_interest_invalid));
    EXPECT_EQ(basic_authorization("fakturad", "s3cret"), "Basic ZmFrdHVyYWQ6czNjcmV0");
}

TEST(SchufaWire, SubjectHashHidesThePerson) {
    report_request a;
    a.which = product::b2c;
    a.person.first_name = "Erika";
    a.person.last_name = "Mustermann";
    a.person.birth_date = "1980-05-17";
    auto b = a;
    b.person.last_name = "mustermann ";
    const auto h = subject_hash(a);
    EXPECT_EQ(h.size(), 64u);
    EXPECT_EQ(h, subject_hash(b)) << "normalised";
    EXPECT_EQ(h.find("Mustermann"), std::string::npos);
    b.person.birth_date = "1980-05-18";
    EXPECT_NE(h, subject_hash(b));
}

credit_report report(int score, int risk_class, const char* pd, std::vector<std::string> negatives) {
    credit_report r;
    r.status = hit_status::hit;
    r.score = score;
    r.risk_class = risk_class;
    r.probability_of_default = parse_decimal_or_throw(pd);
    for (auto& n : negatives) {
        negative_feature f;
        f.category = n;
        f.code = "X";
        r.negative_features.push_back(f);
    }
    return r;
}

TEST(SchufaCompare, WorseningFollowsTheRule) {
    const worsening_rule rule{50, 1, true};
    const auto before = report(450, 2, "0.60", {});
    const auto first = compare(nullptr, before, rule);
    EXPECT_FALSE(first.has_previous);
    EXPECT_FALSE(first.worsened);
    EXPECT_NE(first.summary().find("first report"), std::string::npos);
    const auto slight = compare(&before, report(420, 2, "0.65", {}), rule);
    EXPECT_FALSE(slight.worsened) << slight.summary();
    EXPECT_EQ(
        slight.summary(),
        "score 450 -> 420 (-30), risk class 2 -> 2, PD 0.60% -> 0.65%, negative entries 0 -> 0"
    );
    const auto drop = compare(&before, report(390, 2, "0.80", {}), rule);
    EXPECT_TRUE(drop.worsened);
    EXPECT_EQ(drop.reasons.front(), "score dropped by 60");
    EXPECT_TRUE(compare(&before, report(445, 3, "1.20", {}), rule).worsened) << "one class worse";
    const auto negative = compare(&before, report(450, 2, "0.60", {"COLLECTION_CASE"}), rule);
    EXPECT_TRUE(negative.worsened);
    EXPECT_EQ(negative.negatives_added.size(), 1u);
    const auto better = compare(&before, report(500, 1, "0.25", {}), rule);
    EXPECT_FALSE(better.worsened);
    EXPECT_FALSE(
        compare(&before, report(450, 2, "0.60", {"COLLECTION_CASE"}), worsening_rule{50, 1, false}).worsened
    );
}

}  // namespace
}  // namespace fakturad::schufa
