#include "fakturad/vies/protocol.hpp"

#include "shared_files.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <string>

namespace fakturad::vies {
namespace {

std::optional<std::string> sample(const std::string& relative) {
    return test::read_file(test::vies_dir() / "ours" / relative);
}

#define FAKTURAD_SAMPLE_OR_SKIP(var, relative)                                             \
    const auto var = sample(relative);                                                     \
    if (!(var)) {                                                                          \
        GTEST_SKIP() << "shared conformance material not found under " << test::vies_dir() \
                     << " (set FAKTURAD_SHARED_DIR to the folder holding conformance/)";   \
    }

TEST(SoapParse, ValidAnswerWithUndisclosedData) {
    FAKTURAD_SAMPLE_OR_SKIP(body, "checkVat-response-valid.xml");
    const auto r = parse_soap_response(200, *body);
    ASSERT_TRUE(r.answer) << r.problem;
    EXPECT_FALSE(r.fault);
    EXPECT_EQ(r.answer->country, "DE");
    EXPECT_EQ(r.answer->number, "136695976");
    EXPECT_TRUE(r.answer->valid);
    EXPECT_EQ(r.answer->request_date, "2026-03-02+01:00");
    EXPECT_FALSE(r.answer->name.value);
    EXPECT_TRUE(r.answer->name.undisclosed);
    EXPECT_TRUE(r.answer->address.undisclosed);
    EXPECT_FALSE(r.answer->request_identifier);
    const auto o = outcome_of(r);
    EXPECT_EQ(o.result, verdict::valid);
    EXPECT_EQ(o.step, next_step::final);
}

TEST(SoapParse, ValidAnswerWithNameAndMultiLineAddress) {
    FAKTURAD_SAMPLE_OR_SKIP(body, "checkVat-response-valid-with-name.xml");
    const auto r = parse_soap_response(200, *body);
    ASSERT_TRUE(r.answer) << r.problem;
    EXPECT_EQ(r.answer->name.value, "SOCIETE EXEMPLE SAS");
    EXPECT_EQ(r.answer->address.value, "12 RUE DE L EXEMPLE\n75001 PARIS");
    EXPECT_FALSE(r.answer->address.undisclosed);
}

TEST(SoapParse, InvalidAnswerIsInvalidNotAFault) {
    FAKTURAD_SAMPLE_OR_SKIP(body, "checkVat-response-invalid.xml");
    const auto r = parse_soap_response(200, *body);
    ASSERT_TRUE(r.answer) << r.problem;
    EXPECT_FALSE(r.answer->valid);
    EXPECT_EQ(outcome_of(r).result, verdict::invalid);
}

TEST(SoapParse, ApproxValidKeepsTheConsultationNumber) {
    FAKTURAD_SAMPLE_OR_SKIP(body, "checkVatApprox-response-valid.xml");
    const auto r = parse_soap_response(200, *body);
    ASSERT_TRUE(r.answer) << r.problem;
    EXPECT_TRUE(r.answer->valid);
    EXPECT_EQ(r.answer->request_identifier, "WAPIAAAAZ0EXAMPLE");
    EXPECT_EQ(r.answer->name.value, "SOCIETE EXEMPLE SAS");
    EXPECT_TRUE(r.answer->company_type.undisclosed);  // "---" breaks the WSDL pattern; accepted
    EXPECT_EQ(r.answer->name_match, match_code::invalid);
    EXPECT_EQ(r.answer->postcode_match, match_code::valid);
    EXPECT_EQ(r.answer->city_match, match_code::valid);
    EXPECT_EQ(r.answer->street_match, match_code::absent);
    const auto o = outcome_of(r);
    EXPECT_EQ(o.result, verdict::valid);
    EXPECT_NE(o.detail.find("WAPIAAAAZ0EXAMPLE"), std::string::npos);
}

TEST(SoapParse, ApproxInvalidWithEmptyElements) {
    FAKTURAD_SAMPLE_OR_SKIP(body, "checkVatApprox-response-invalid.xml");
    const auto r = parse_soap_response(200, *body);
    ASSERT_TRUE(r.answer) << r.problem;
    EXPECT_FALSE(r.answer->valid);
    EXPECT_FALSE(r.answer->request_identifier);
    EXPECT_FALSE(r.answer->name.value);
    EXPECT_FALSE(r.answer->name.undisclosed);
    EXPECT_TRUE(r.answer->company_type.undisclosed);
}

struct fault_case {
    const char* code;
    fault expected;
    verdict result;
    next_step step;
};

TEST(SoapParse, EveryFaultIsClassifiedByMeaning) {
    const fault_case cases[] = {
        {"INVALID_INPUT", fault::invalid_input, verdict::invalid, next_step::final},
        {"INVALID_REQUESTER_INFO",
         fault::invalid_requester_info,
         verdict::unconfirmed,
         next_step::stop_config},
        {"SERVICE_UNAVAILABLE", fault::service_unavailable, verdict::unconfirmed, next_step::retry_global},
        {"MS_UNAVAILABLE", fault::ms_unavailable, verdict::unconfirmed, next_step::retry_member_state},
        {"TIMEOUT", fault::timeout, verdict::unconfirmed, next_step::retry_member_state},
        {"VAT_BLOCKED", fault::vat_blocked, verdict::unconfirmed, next_step::final},
        {"IP_BLOCKED", fault::ip_blocked, verdict::unconfirmed, next_step::stop_all},
        {"GLOBAL_MAX_CONCURRENT_REQ",
         fault::global_max_concurrent_req,
         verdict::unconfirmed,
         next_step::retry_global},
        {"GLOBAL_MAX_CONCURRENT_REQ_TIME",
         fault::global_max_concurrent_req_time,
         verdict::unconfirmed,
         next_step::retry_global},
        {"MS_MAX_CONCURRENT_REQ",
         fault::ms_max_concurrent_req,
         verdict::unconfirmed,
         next_step::retry_member_state},
        {"MS_MAX_CONCURRENT_REQ_TIME",
         fault::ms_max_concurrent_req_time,
         verdict::unconfirmed,
         next_step::retry_member_state},
    };
    int seen = 0;
    for (const auto& c : cases) {
        const auto body = sample(std::string("fault-") + c.code + ".xml");
        if (!body) {
            GTEST_SKIP() << "shared conformance material not found under " << test::vies_dir();
        }
        const auto r = parse_soap_response(500, *body);
        ASSERT_TRUE(r.fault) << c.code << ": " << r.problem;
        EXPECT_FALSE(r.answer);
        EXPECT_EQ(r.fault->code, c.expected) << c.code;
        EXPECT_EQ(r.fault->raw_code, c.code);
        EXPECT_EQ(r.fault->message, "env:Server");
        EXPECT_EQ(to_string(r.fault->code), c.code);
        const auto o = outcome_of(r);
        EXPECT_EQ(o.result, c.result) << c.code;
        EXPECT_EQ(o.step, c.step) << c.code;
        EXPECT_EQ(o.fault_code, c.expected);
        EXPECT_FALSE(o.detail.empty());
        ++seen;
    }
    EXPECT_EQ(seen, 11);
}

TEST(SoapParse, PrefixesDoNotMatterNamespacesDo) {
    const std::string other_prefixes =
        R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>)"
        R"(<checkVatResponse xmlns="urn:ec.europa.eu:taxud:vies:services:checkVat:types"><countryCode>AT</countryCode>)"
        R"(<vatNumber>U13585627</vatNumber><requestDate>2026-03-02</requestDate><valid>true</valid><name>X</name>)"
        R"(<address></address></checkVatResponse></soap:Body></soap:Envelope>)";
    const auto r = parse_soap_response(200, other_prefixes);
    ASSERT_TRUE(r.answer) << r.problem;
    EXPECT_EQ(r.answer->number, "U13585627");
    EXPECT_EQ(r.answer->name.value, "X");
    EXPECT_FALSE(r.answer->address.value);

    const std::string wrong_namespace =
        R"(<env:Envelope xmlns:env="urn:not-soap"><env:Body><env:Fault><faultstring>IP_BLOCKED</faultstring>)"
        R"(</env:Fault></env:Body></env:Envelope>)";
    const auto w = parse_soap_response(500, wrong_namespace);
    EXPECT_FALSE(w.answer);
    EXPECT_FALSE(w.fault);
    EXPECT_FALSE(w.problem.empty());
}

TEST(SoapParse, GarbageIsRetriedNeverInvalid) {
    for (const char* body : {"", "<html>502 Bad Gateway</html>", "not xml at all <", "<a/>"}) {
        const auto r = parse_soap_response(502, body);
        EXPECT_FALSE(r.answer);
        EXPECT_FALSE(r.fault);
        const auto o = outcome_of(r);
        EXPECT_EQ(o.result, verdict::unconfirmed) << body;
        EXPECT_EQ(o.step, next_step::retry_global) << body;
    }
    const auto unknown = parse_soap_response(
        500,
        R"(<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault>)"
        R"(<faultcode>e:Server</faultcode><faultstring>SERVER_BUSY</faultstring></e:Fault></e:Body></e:Envelope>)"
    );
    ASSERT_TRUE(unknown.fault);
    EXPECT_EQ(unknown.fault->code, fault::unknown);
    EXPECT_EQ(outcome_of(unknown).result, verdict::unconfirmed);
    EXPECT_EQ(outcome_of(unknown).step, next_step::retry_global);
}

TEST(SoapBuild, CheckVatMatchesTheSampleRequest) {
    check_request req{{"DE", "136695976"}, std::nullopt, "", "", "", "", ""};
    const auto call = build_soap_check(req);
    EXPECT_EQ(call.method, "POST");
    EXPECT_NE(call.body.find("<urn:checkVat><urn:countryCode>DE</urn:countryCode>"), std::string::npos)
        << call.body;
    EXPECT_NE(call.body.find("<urn:vatNumber>136695976</urn:vatNumber>"), std::string::npos);
    EXPECT_EQ(call.body.find("requester"), std::string::npos);
}

TEST(SoapBuild, ApproxCarriesRequesterAndEscapesText) {
    check_request req{
        {"FR", "40303265045"}, vat_id{"DE", "136695976"}, "A & B <GmbH>", "", "", "75001", "PARIS"};
    const auto call = build_soap_check(req);
    EXPECT_NE(call.body.find("<urn:checkVatApprox>"), std::string::npos) << call.body;
    EXPECT_NE(call.body.find("<urn:traderName>A &amp; B &lt;GmbH&gt;</urn:traderName>"), std::string::npos);
    EXPECT_NE(call.body.find("<urn:requesterCountryCode>DE</urn:requesterCountryCode>"), std::string::npos);
    EXPECT_NE(
        call.body.find("<urn:requesterVatNumber>136695976</urn:requesterVatNumber>"), std::string::npos
    );
    // The WSDL sequence: trader fields before requester fields.
    EXPECT_LT(call.body.find("traderCity"), call.body.find("requesterCountryCode"));
}

// The elements under the SOAP Body as "{namespace}local=text" lines, prefixes resolved: two requests
// that differ only in prefixes, whitespace or the XML declaration compare equal.
std::string canonical_body(const std::string& xml) {
    pugi::xml_document doc;
    if (!doc.load_string(xml.c_str())) {
        return "not XML";
    }
    auto ns_of = [](pugi::xml_node n) {
        const std::string q = n.name();
        const auto colon = q.find(':');
        const std::string attr = colon == std::string::npos ? "xmlns" : "xmlns:" + q.substr(0, colon);
        for (auto p = n; p; p = p.parent()) {
            if (auto a = p.attribute(attr.c_str())) {
                return std::string(a.value());
            }
        }
        return std::string();
    };
    auto local = [](pugi::xml_node n) {
        const std::string q = n.name();
        const auto colon = q.find(':');
        return colon == std::string::npos ? q : q.substr(colon + 1);
    };
    std::string out;
    for (auto body : doc.document_element().children()) {
        if (local(body) != "Body" || ns_of(body) != soap_envelope_ns) {
            continue;
        }
        for (auto op : body.children()) {
            out += "{" + ns_of(op) + "}" + local(op) + "\n";
            for (auto field : op.children()) {
                out += "  {" + ns_of(field) + "}" + local(field) + "=" + field.text().get() + "\n";
            }
        }
    }
    return out;
}

TEST(SoapBuild, EquivalentToTheSampleRequests) {
    FAKTURAD_SAMPLE_OR_SKIP(plain, "checkVat-request.xml");
    check_request req{{"DE", "136695976"}, std::nullopt, "", "", "", "", ""};
    EXPECT_EQ(canonical_body(build_soap_check(req).body), canonical_body(*plain));
    EXPECT_NE(canonical_body(*plain).find("checkVat\n"), std::string::npos);

    const auto approx = sample("checkVatApprox-request.xml");
    ASSERT_TRUE(approx);
    check_request a{
        {"FR", "40303265045"}, vat_id{"DE", "136695976"}, "SOCIETE EXEMPLE", "", "", "75001", "PARIS"};
    EXPECT_EQ(canonical_body(build_soap_check(a).body), canonical_body(*approx));
}

TEST(RestBuild, EquivalentToTheSampleRequest) {
    FAKTURAD_SAMPLE_OR_SKIP(body, "rest/check-vat-number.request.json");
    check_request a{
        {"FR", "40303265045"}, vat_id{"DE", "136695976"}, "SOCIETE EXEMPLE", "", "", "75001", "PARIS"};
    EXPECT_EQ(boost::json::parse(build_rest_check(a).body), boost::json::parse(*body));
}

TEST(RestParse, ValidAndInvalidBodies) {
    FAKTURAD_SAMPLE_OR_SKIP(valid, "rest/check-vat-number.response-valid.json");
    const auto r = parse_rest_response(200, *valid);
    ASSERT_TRUE(r.answer) << r.problem;
    EXPECT_TRUE(r.answer->valid);
    EXPECT_EQ(r.answer->request_identifier, "WAPIAAAAZ0EXAMPLE");
    EXPECT_EQ(r.answer->address.value, "12 RUE DE L EXEMPLE\n75001 PARIS");
    EXPECT_EQ(r.answer->name_match, match_code::invalid);
    EXPECT_EQ(r.answer->city_match, match_code::valid);
    EXPECT_EQ(r.answer->street_match, match_code::not_processed);
    EXPECT_TRUE(r.answer->street.undisclosed);
    EXPECT_EQ(outcome_of(r).result, verdict::valid);

    const auto invalid = sample("rest/check-vat-number.response-invalid.json");
    ASSERT_TRUE(invalid);
    const auto i = parse_rest_response(200, *invalid);
    ASSERT_TRUE(i.answer) << i.problem;
    EXPECT_FALSE(i.answer->valid);
    EXPECT_FALSE(i.answer->request_identifier);
    EXPECT_TRUE(i.answer->name.undisclosed);
    EXPECT_EQ(outcome_of(i).result, verdict::invalid);
}

TEST(RestParse, ErrorBodiesAreFaultsWhateverTheStatus) {
    FAKTURAD_SAMPLE_OR_SKIP(busy, "rest/error.MS_MAX_CONCURRENT_REQ.json");
    for (unsigned status : {200U, 400U, 500U}) {
        const auto r = parse_rest_response(status, *busy);
        ASSERT_TRUE(r.fault) << status;
        EXPECT_EQ(r.fault->code, fault::ms_max_concurrent_req);
        EXPECT_NE(r.fault->message.find("maximum number of concurrent requests"), std::string::npos);
        EXPECT_EQ(outcome_of(r).step, next_step::retry_member_state);
        EXPECT_EQ(outcome_of(r).result, verdict::unconfirmed);
    }
    const auto down = sample("rest/error.MS_UNAVAILABLE.json");
    ASSERT_TRUE(down);
    const auto d = parse_rest_response(500, *down);
    ASSERT_TRUE(d.fault);
    EXPECT_EQ(d.fault->code, fault::ms_unavailable);
    EXPECT_TRUE(d.fault->message.empty());
}

TEST(RestParse, WebUiEndpointShapeIsNotMistakenForAnAnswer) {
    // GET /ms/{cc}/vat/{n} uses isValid/userError; we never call it, and must not read it as "invalid".
    FAKTURAD_SAMPLE_OR_SKIP(body, "rest/ms-vat-get.response.json");
    const auto r = parse_rest_response(200, *body);
    EXPECT_FALSE(r.answer);
    EXPECT_EQ(outcome_of(r).result, verdict::unconfirmed);
}

TEST(RestParse, StatusDocument) {
    FAKTURAD_SAMPLE_OR_SKIP(body, "rest/check-status.response.json");
    const auto s = parse_rest_status(*body);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->vow_available);
    ASSERT_EQ(s->countries.size(), 6U);
    EXPECT_EQ(s->countries[2].country, "DE");
    EXPECT_EQ(s->countries[2].state, availability::unavailable);
    EXPECT_EQ(s->countries[4].state, availability::monitoring_disabled);
    EXPECT_EQ(s->countries[0].state, availability::available);
    EXPECT_FALSE(parse_rest_status("{}"));
    EXPECT_FALSE(parse_rest_status("[]"));
}

TEST(RestBuild, RequestCarriesRequesterOnlyWhenGiven) {
    check_request req{
        {"FR", "40303265045"}, vat_id{"DE", "136695976"}, "SOCIETE EXEMPLE", "", "", "75001", "PARIS"};
    const auto call = build_rest_check(req);
    EXPECT_EQ(call.path, "/check-vat-number");
    const auto r = parse_rest_response(200, call.body);  // not an answer, but must be JSON
    EXPECT_FALSE(r.answer);
    EXPECT_NE(call.body.find(R"("requesterMemberStateCode":"DE")"), std::string::npos) << call.body;
    EXPECT_NE(call.body.find(R"("requesterNumber":"136695976")"), std::string::npos);
    EXPECT_NE(call.body.find(R"("traderPostalCode":"75001")"), std::string::npos);
    EXPECT_EQ(call.body.find("traderStreet"), std::string::npos);
    check_request plain{{"DE", "136695976"}, std::nullopt, "", "", "", "", ""};
    EXPECT_EQ(build_rest_check(plain).body.find("requester"), std::string::npos);
    EXPECT_EQ(build_rest_status().method, "GET");
    EXPECT_EQ(build_rest_status().path, "/check-status");
}

}  // namespace
}  // namespace fakturad::vies
