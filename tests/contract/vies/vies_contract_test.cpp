// The VIES connector against the VIES emulator, over real HTTP on loopback.

#include "../../unit/net/self_signed.hpp"
#include "emulator_fixture.hpp"
#include "fakturad/core/vat_id.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace fakturad::vies {
namespace {

using namespace std::chrono_literals;
using test::emulator_fixture;
using test::request;

emulators::vies::emulator_options with_records() {
    emulators::vies::emulator_options o;
    o.records["DE136695976"] = {true, "", "---", "---", 0ms};
    o.records["FR40303265045"] = {true, "", "SOCIETE EXEMPLE SAS", "12 RUE DE L EXEMPLE\n75001 PARIS", 0ms};
    o.records["DE999999999"] = {false, "", "---", "---", 0ms};
    return o;
}

struct fault_expectation {
    const char* code;
    verdict result;
    next_step step;
};

const fault_expectation every_fault[] = {
    {"INVALID_INPUT", verdict::invalid, next_step::final},
    {"INVALID_REQUESTER_INFO", verdict::unconfirmed, next_step::stop_config},
    {"SERVICE_UNAVAILABLE", verdict::unconfirmed, next_step::retry_global},
    {"MS_UNAVAILABLE", verdict::unconfirmed, next_step::retry_member_state},
    {"TIMEOUT", verdict::unconfirmed, next_step::retry_member_state},
    {"VAT_BLOCKED", verdict::unconfirmed, next_step::final},
    {"IP_BLOCKED", verdict::unconfirmed, next_step::stop_all},
    {"GLOBAL_MAX_CONCURRENT_REQ", verdict::unconfirmed, next_step::retry_global},
    {"GLOBAL_MAX_CONCURRENT_REQ_TIME", verdict::unconfirmed, next_step::retry_global},
    {"MS_MAX_CONCURRENT_REQ", verdict::unconfirmed, next_step::retry_member_state},
    {"MS_MAX_CONCURRENT_REQ_TIME", verdict::unconfirmed, next_step::retry_member_state},
};

class BothApis : public ::testing::TestWithParam<api> {};

TEST_P(BothApis, ValidInvalidAndDisclosedData) {
    emulator_fixture f(with_records());
    net::http_client http(f.ioc.get_executor(), {});
    client c(http, f.options(GetParam()));
    const auto valid = f.run(c.check(request("DE", "136695976")));
    EXPECT_EQ(valid.result, verdict::valid) << valid.detail;
    ASSERT_TRUE(valid.answer);
    EXPECT_TRUE(valid.answer->name.undisclosed);
    EXPECT_FALSE(valid.answer->request_date.empty());

    const auto named = f.run(c.check(request("FR", "40303265045")));
    EXPECT_EQ(named.result, verdict::valid) << named.detail;
    ASSERT_TRUE(named.answer);
    EXPECT_EQ(named.answer->name.value, "SOCIETE EXEMPLE SAS");
    EXPECT_EQ(named.answer->address.value, "12 RUE DE L EXEMPLE\n75001 PARIS");

    const auto invalid = f.run(c.check(request("DE", "999999999")));
    EXPECT_EQ(invalid.result, verdict::invalid) << invalid.detail;
    EXPECT_EQ(invalid.step, next_step::final);
    EXPECT_EQ(http.connections_opened(), 1U) << "keep-alive: one connection for three calls";
}

TEST_P(BothApis, RequesterGetsAConsultationNumber) {
    emulator_fixture f(with_records());
    net::http_client http(f.ioc.get_executor(), {});
    auto o = f.options(GetParam());
    o.requester = vat_id{"DE", "136695976"};
    client c(http, o);
    const auto r = f.run(c.check(request("FR", "40303265045")));
    EXPECT_EQ(r.result, verdict::valid) << r.detail;
    ASSERT_TRUE(r.answer);
    ASSERT_TRUE(r.answer->request_identifier);
    EXPECT_EQ(r.answer->request_identifier->rfind("WAPIEMU", 0), 0U);
    EXPECT_FALSE(r.answer->request_date.empty());
    const auto invalid = f.run(c.check(request("DE", "999999999")));
    EXPECT_EQ(invalid.result, verdict::invalid);
    ASSERT_TRUE(invalid.answer);
    EXPECT_FALSE(invalid.answer->request_identifier);
}

TEST_P(BothApis, EveryFaultCodeIsClassifiedByMeaning) {
    emulator_fixture f(with_records());
    net::http_client http(f.ioc.get_executor(), {});
    client c(http, f.options(GetParam()));
    for (const auto& e : every_fault) {
        f.emulator.options().faults = {{"DE", e.code, 100}};
        const auto r = f.run(c.check(request("DE", "136695976")));
        EXPECT_EQ(r.result, e.result) << e.code << ": " << r.detail;
        EXPECT_EQ(r.step, e.step) << e.code;
        ASSERT_TRUE(r.fault_code) << e.code << ": " << r.detail;
        EXPECT_EQ(to_string(*r.fault_code), e.code);
        EXPECT_FALSE(r.answer);
        EXPECT_EQ(c.ip_blocked(), e.step == next_step::stop_all) << e.code;
        c.clear_ip_block();  // the breaker would otherwise (rightly) stop the rest of this loop
    }
    EXPECT_EQ(f.emulator.faults_sent().size(), 11U);
}

INSTANTIATE_TEST_SUITE_P(Vies, BothApis, ::testing::Values(api::soap, api::rest), [](const auto& param_info) {
    return param_info.param == api::soap ? std::string("Soap") : std::string("Rest");
});

TEST(ViesContract, SoapTestServiceMagicNumbers) {
    emulator_fixture f({});
    net::http_client http(f.ioc.get_executor(), {});
    auto o = f.options();
    o.soap_url = f.base() + "/taxation_customs/vies/services/checkVatTestService";
    client c(http, o);
    EXPECT_EQ(f.run(c.check(request("DE", "100"))).result, verdict::valid);
    EXPECT_EQ(f.run(c.check(request("DE", "200"))).result, verdict::invalid);
    const std::map<std::string, const char*> numbers = {
        {"201", "INVALID_INPUT"},
        {"202", "INVALID_REQUESTER_INFO"},
        {"300", "SERVICE_UNAVAILABLE"},
        {"301", "MS_UNAVAILABLE"},
        {"302", "TIMEOUT"},
        {"400", "VAT_BLOCKED"},
        {"401", "IP_BLOCKED"},
        {"500", "GLOBAL_MAX_CONCURRENT_REQ"},
        {"501", "GLOBAL_MAX_CONCURRENT_REQ_TIME"},
        {"600", "MS_MAX_CONCURRENT_REQ"},
        {"601", "MS_MAX_CONCURRENT_REQ_TIME"},
        {"999", "SERVICE_UNAVAILABLE"},
    };
    for (const auto& [number, code] : numbers) {
        const auto r = f.run(c.check(request("DE", number.c_str())));
        ASSERT_TRUE(r.fault_code) << number << ": " << r.detail;
        EXPECT_EQ(to_string(*r.fault_code), code) << number;
        EXPECT_NE(r.result, verdict::valid) << number;
        if (std::string(code) != "INVALID_INPUT") {
            EXPECT_EQ(r.result, verdict::unconfirmed) << number;
        }
        c.clear_ip_block();
    }
}

TEST(ViesContract, UnreachableServiceIsUnconfirmedNeverInvalid) {
    emulator_fixture f({});
    net::http_client http(f.ioc.get_executor(), {});
    auto o = f.options();
    o.soap_url = f.base() + "/no/such/service";  // 404 page, not SOAP
    client c(http, o);
    const auto r = f.run(c.check(request("DE", "136695976")));
    EXPECT_EQ(r.result, verdict::unconfirmed);
    EXPECT_EQ(r.step, next_step::retry_global);
    // A port nobody listens on: transport error.
    o.soap_url = "http://127.0.0.1:1/checkVatService";
    client gone(http, o);
    const auto t = f.run(gone.check(request("DE", "136695976")));
    EXPECT_EQ(t.result, verdict::unconfirmed);
    EXPECT_NE(t.detail.find("not reached"), std::string::npos) << t.detail;
}

TEST(ViesContract, OverTlsWithAPrivateCa) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("fakturad-vies-tls-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    const auto pem = fakturad::test::write_self_signed(dir);
    net::http_server_options so;
    so.tls = net::http_tls_files{pem.certificate, pem.key};
    emulator_fixture f(with_records(), so);
    ASSERT_TRUE(f.server.tls());
    for (const auto which : {api::soap, api::rest}) {
        net::http_client_options trusted;
        trusted.ca_file = pem.certificate;
        net::http_client http(f.ioc.get_executor(), trusted);
        client c(http, f.options(which));
        EXPECT_EQ(f.run(c.check(request("DE", "136695976"))).result, verdict::valid);
        // Without our CA the peer is not trusted: unconfirmed, never invalid.
        net::http_client strict(f.ioc.get_executor(), {});
        client untrusting(strict, f.options(which));
        const auto r = f.run(untrusting.check(request("DE", "136695976")));
        EXPECT_EQ(r.result, verdict::unconfirmed);
        EXPECT_NE(r.detail.find("TLS"), std::string::npos) << r.detail;
    }
    std::filesystem::remove_all(dir);
}

std::vector<check_request> thousand_numbers() {
    // 1,000 distinct, offline-valid numbers across eight member states (DE numbers built with the
    // ISO 7064 check digit so that the batch looks like real input).
    std::vector<check_request> out;
    const char* states[] = {"DE", "DE", "DE", "FR", "IT", "NL", "AT", "PL", "ES", "BE"};
    for (int i = 0; out.size() < 1000; ++i) {
        const char* cc = states[i % 10];
        out.push_back(request(cc, std::to_string(100000000 + i).c_str()));
    }
    return out;
}

TEST(ViesContract, ThousandNumbersWithConcurrencyFaultsAllResolveWithinTheLimit) {
    emulators::vies::emulator_options eo;
    eo.unknown_answer = "valid";
    eo.faults = {{"*", "MS_MAX_CONCURRENT_REQ", 20}};
    eo.latency["*"] = 1ms;
    eo.max_concurrent_per_country = 2;  // the emulator also enforces the cap itself
    eo.seed = 7;
    emulator_fixture f(eo);
    net::http_client http(f.ioc.get_executor(), {});
    client c(http, f.options(api::soap));

    batch_options bo;
    bo.limits = {2, 8};
    bo.backoff = {1ms, 16ms, 25};
    bo.check_status_first = false;
    seeded_random random(42);
    const auto report = f.run(c.check_batch(thousand_numbers(), bo, random), 120s);

    ASSERT_EQ(report.results.size(), 1000U);
    std::size_t valid = 0;
    unsigned retried = 0;
    for (const auto& r : report.results) {
        EXPECT_TRUE(r.resolved);
        valid += r.outcome.result == verdict::valid ? 1 : 0;
        retried += r.attempts > 1 ? 1 : 0;
    }
    EXPECT_EQ(valid, 1000U) << "temporary faults must be retried, never turned into a verdict";
    EXPECT_GT(retried, 100U) << "the injected faults should have forced retries";
    EXPECT_EQ(report.halted, halt_reason::none);
    EXPECT_LE(report.peak_per_member_state, 2U);
    // The emulator's own record of what reached it.
    ASSERT_FALSE(f.emulator.stats().empty());
    for (const auto& [cc, s] : f.emulator.stats()) {
        EXPECT_LE(s.peak_in_flight, 2U) << cc;
        EXPECT_EQ(s.in_flight, 0U) << cc;
    }
    EXPECT_GT(f.emulator.faults_sent().at("MS_MAX_CONCURRENT_REQ"), 100U);
}

TEST(ViesContract, ConnectorLimitAboveTheServiceCapStillResolvesEverything) {
    emulators::vies::emulator_options eo;
    eo.unknown_answer = "valid";
    eo.latency["*"] = 2ms;
    eo.max_concurrent_per_country = 1;  // tighter than the connector: real MS_MAX_CONCURRENT_REQ answers
    emulator_fixture f(eo);
    net::http_client http(f.ioc.get_executor(), {});
    client c(http, f.options(api::rest));
    batch_options bo;
    bo.limits = {2, 6};
    bo.backoff = {1ms, 8ms, 40};
    bo.check_status_first = false;
    seeded_random random(3);
    auto items = thousand_numbers();
    items.resize(200);
    const auto report = f.run(c.check_batch(items, bo, random), 120s);
    for (const auto& r : report.results) {
        EXPECT_EQ(r.outcome.result, verdict::valid) << r.outcome.detail;
    }
    for (const auto& [cc, s] : f.emulator.stats()) {
        EXPECT_LE(s.peak_in_flight, 2U) << cc;
    }
}

TEST(ViesContract, StatusFirstParksUnavailableMemberStates) {
    emulators::vies::emulator_options eo;
    eo.unknown_answer = "valid";
    eo.unavailable = {"IT"};
    emulator_fixture f(eo);
    net::http_client http(f.ioc.get_executor(), {});
    client c(http, f.options());
    batch_options bo;
    bo.backoff = {1ms, 4ms, 3};
    seeded_random random(1);
    const auto report = f.run(c.check_batch(
        {request("DE", "100000001"), request("IT", "00743110157"), request("FR", "40303265045")}, bo, random
    ));
    EXPECT_EQ(report.results[0].outcome.result, verdict::valid);
    EXPECT_EQ(report.results[1].outcome.result, verdict::unconfirmed);
    EXPECT_EQ(report.results[1].attempts, 0U) << "parked, not sent";
    EXPECT_EQ(report.results[2].outcome.result, verdict::valid);
    EXPECT_EQ(f.emulator.stats().count("IT"), 0U);
}

TEST(ViesContract, IpBlockedStopsAllTraffic) {
    emulators::vies::emulator_options eo;
    eo.unknown_answer = "valid";
    eo.faults = {{"FR", "IP_BLOCKED", 100}};
    eo.latency["*"] = 1ms;
    emulator_fixture f(eo);
    net::http_client http(f.ioc.get_executor(), {});
    client c(http, f.options());
    batch_options bo;
    bo.limits = {1, 1};  // strictly one at a time, so the order is known
    bo.check_status_first = false;
    seeded_random random(1);
    std::vector<check_request> items = {request("DE", "100000001"), request("FR", "40303265045")};
    for (int i = 0; i < 50; ++i) {
        items.push_back(request("DE", std::to_string(200000000 + i).c_str()));
    }
    const auto report = f.run(c.check_batch(items, bo, random));
    EXPECT_EQ(report.halted, halt_reason::ip_blocked);
    EXPECT_EQ(report.results[0].outcome.result, verdict::valid);
    for (std::size_t i = 1; i < items.size(); ++i) {
        EXPECT_EQ(report.results[i].outcome.result, verdict::unconfirmed) << i;
        EXPECT_TRUE(report.results[i].resolved);
    }
    EXPECT_EQ(f.emulator.requests(), 2U) << "nothing is sent after IP_BLOCKED";
    // The breaker stays open for later calls until an operator clears it.
    EXPECT_TRUE(c.ip_blocked());
    const auto later = f.run(c.check(request("DE", "100000001")));
    EXPECT_EQ(later.result, verdict::unconfirmed);
    EXPECT_EQ(f.emulator.requests(), 2U);
    f.emulator.options().faults.clear();
    c.clear_ip_block();
    EXPECT_EQ(f.run(c.check(request("DE", "100000001"))).result, verdict::valid);
}

}  // namespace
}  // namespace fakturad::vies
