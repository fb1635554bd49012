// The SCHUFA connector against the SCHUFA emulator over loopback with mutual TLS: every product, hit / no
// hit / ambiguous identity, negative entries, every error code, the legitimate-interest refusal before
// sending, credentials and certificates, and the monitoring cycle on the wire.
#include "fakturad/net/http_client.hpp"
#include "fakturad/net/http_server.hpp"
#include "fakturad/schufa/client.hpp"
#include "mtls_files.hpp"
#include "schufa_emulator.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <random>

namespace fakturad::schufa {
namespace {

namespace asio = boost::asio;

class SchufaContract : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("fakturad-schufa-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        files_ = test::write_mtls_files(dir_);
        net::http_server_options so;
        so.tls = net::http_tls_files{files_.server_certificate, files_.server_key};
        so.client_ca_file = files_.ca;
        emulators::schufa::emulator_options eo;
        eo.password = "s3cret";
        eo.contracted_products = {"KURZ", "KOMPAKT", "VOLL", "BONITAETSAUSKUNFT", "IDENTITAETSCHECK"};
        emulator_ = std::make_unique<emulators::schufa::emulator>(eo);
        server_ = std::make_unique<net::http_server>(
            ioc_.get_executor(), [this](net::http_request r) { return emulator_->handle(std::move(r)); }, so
        );
        port_ = server_->listen("127.0.0.1", 0);
        server_->start();
    }
    void TearDown() override {
        // Sessions that finished (failed handshakes) may still be in the server's list: stop() skips them.
        server_->stop();
        ioc_.restart();
        ioc_.run_for(std::chrono::milliseconds(50));
        std::filesystem::remove_all(dir_);
    }

    net::http_client_options trusted(bool with_client_certificate = true) const {
        net::http_client_options o;
        o.use_system_ca = false;
        o.ca_file = files_.ca;
        if (with_client_certificate) {
            o.client_certificate = files_.client_certificate;
            o.client_private_key = files_.client_key;
        }
        return o;
    }

    client_options options(std::string password = "s3cret") const {
        client_options o;
        o.base_url = "https://127.0.0.1:" + std::to_string(port_);
        o.participant_id = "fakturad";
        o.password = secret<std::string>(std::move(password));
        o.timeout = std::chrono::milliseconds(5000);
        o.max_attempts = 2;
        o.retry_base = std::chrono::milliseconds(10);
        return o;
    }

    template <typename T>
    T run(asio::awaitable<T> op) {
        auto f = asio::co_spawn(ioc_, std::move(op), asio::use_future);
        ioc_.restart();
        while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            ioc_.run_one_for(std::chrono::milliseconds(100));
        }
        return f.get();
    }

    static report_request company(product p, std::string name, interest i = interest::contract_initiation) {
        report_request r;
        r.which = p;
        r.envelope.customer_reference = "fkd-test-1";
        r.envelope.legitimate_interest = i;
        r.envelope.requested_by = "test";
        r.company.name = std::move(name);
        r.company.street = "Hauptstrasse";
        r.company.house_number = "1";
        r.company.postal_code = "10115";
        r.company.city = "Berlin";
        return r;
    }

    static report_request person(product p, std::string last_name, interest i) {
        report_request r;
        r.which = p;
        r.envelope.customer_reference = "fkd-test-2";
        r.envelope.legitimate_interest = i;
        r.person.first_name = "Erika";
        r.person.last_name = std::move(last_name);
        r.person.birth_date = "1980-05-17";
        r.person.postal_code = "10115";
        r.person.city = "Berlin";
        return r;
    }

    asio::io_context ioc_;
    std::filesystem::path dir_;
    test::mtls_files files_;
    std::unique_ptr<emulators::schufa::emulator> emulator_;
    std::unique_ptr<net::http_server> server_;
    std::uint16_t port_ = 0;
};

TEST_F(SchufaContract, EveryB2bProductHits) {
    net::http_client http(ioc_.get_executor(), trusted());
    client c(http, options());
    for (const auto p : {product::b2b_short, product::b2b_compact, product::b2b_full}) {
        const auto r = run(c.request_report(company(p, "Acme GmbH")));
        ASSERT_TRUE(r.ok()) << to_string(r.failure.code) << " " << r.failure.message;
        EXPECT_EQ(r.report->status, hit_status::hit);
        EXPECT_FALSE(r.report->request_id.empty());
        ASSERT_TRUE(r.report->score);
        EXPECT_GE(*r.report->score, 100);
        EXPECT_LE(*r.report->score, 600);
        EXPECT_GE(r.report->risk_class, 1);
        EXPECT_LE(r.report->risk_class, 6);
        ASSERT_TRUE(r.report->probability_of_default);
        EXPECT_EQ(r.report->subject_id.substr(0, 2), "SC");
        EXPECT_TRUE(r.report->negative_features.empty());
        EXPECT_EQ(r.report->credit_limit_eur.has_value(), p == product::b2b_full) << "VOLL only";
        EXPECT_EQ(r.raw_body.find("officers") != std::string::npos, p != product::b2b_short)
            << "KOMPAKT and VOLL name the officers";
    }
    // Deterministic: the same subject gets the same score again.
    const auto a = run(c.request_report(company(product::b2b_short, "Acme GmbH")));
    const auto b = run(c.request_report(company(product::b2b_short, "Acme GmbH")));
    EXPECT_EQ(a.report->score, b.report->score);
    EXPECT_NE(a.report->request_id, b.report->request_id);
}

TEST_F(SchufaContract, NoHitAmbiguousAndNegativeEntries) {
    net::http_client http(ioc_.get_executor(), trusted());
    client c(http, options());
    const auto none = run(c.request_report(company(product::b2b_short, "Phantom NOHIT GmbH")));
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none.report->status, hit_status::no_hit);
    EXPECT_FALSE(none.report->score);
    const auto ambiguous = run(c.request_report(company(product::b2b_compact, "Doppel AMBIG GmbH")));
    ASSERT_TRUE(ambiguous.ok());
    EXPECT_EQ(ambiguous.report->status, hit_status::ambiguous);
    ASSERT_EQ(ambiguous.report->candidates.size(), 2u);
    // Naming the company id resolves the ambiguity.
    auto resolved = company(product::b2b_compact, "Doppel AMBIG GmbH");
    resolved.company.schufa_company_id = ambiguous.report->candidates[0].schufa_company_id;
    const auto one = run(c.request_report(resolved));
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(one.report->status, hit_status::hit);
    EXPECT_EQ(one.report->subject_id, ambiguous.report->candidates[0].schufa_company_id);
    const auto insolvent = run(c.request_report(company(product::b2b_full, "Pleite INSOLVENZ GmbH")));
    ASSERT_TRUE(insolvent.ok());
    EXPECT_EQ(insolvent.report->risk_class, 6);
    EXPECT_EQ(insolvent.report->traffic_light, "RED");
    ASSERT_EQ(insolvent.report->negative_features.size(), 1u);
    EXPECT_EQ(insolvent.report->negative_features[0].category, "INSOLVENCY_PROCEEDINGS");
    const auto collection = run(c.request_report(company(product::b2b_short, "Saeumig NEGATIV GmbH")));
    ASSERT_TRUE(collection.ok());
    ASSERT_EQ(collection.report->negative_features.size(), 1u);
    EXPECT_EQ(collection.report->negative_features[0].category, "COLLECTION_CASE");
    ASSERT_TRUE(collection.report->negative_features[0].amount_eur);
    EXPECT_EQ(to_string(*collection.report->negative_features[0].amount_eur), "1250.00");
}

TEST_F(SchufaContract, B2cReportAndIdentityCheck) {
    net::http_client http(ioc_.get_executor(), trusted());
    client c(http, options());
    const auto b2c = run(c.request_report(person(product::b2c, "Mustermann", interest::credit_application)));
    ASSERT_TRUE(b2c.ok()) << b2c.failure.message;
    EXPECT_EQ(b2c.report->status, hit_status::hit);
    ASSERT_TRUE(b2c.report->score);
    EXPECT_GE(*b2c.report->score, 100);
    EXPECT_LE(*b2c.report->score, 999);
    EXPECT_TRUE(b2c.report->decision_support_only);
    ASSERT_TRUE(b2c.report->identity);
    EXPECT_TRUE(b2c.report->identity->matched);
    const auto moved =
        run(c.request_report(person(product::b2c, "ALTADRESSE", interest::contract_initiation)));
    ASSERT_TRUE(moved.ok());
    EXPECT_TRUE(moved.report->identity->found_with_previous_address);
    auto id = person(product::identity, "Mustermann", interest::identity_age_verification);
    id.identity_variant = "AGE_18";
    const auto ident = run(c.request_report(id));
    ASSERT_TRUE(ident.ok()) << ident.failure.message;
    EXPECT_TRUE(ident.report->identity->matched);
    EXPECT_EQ(ident.report->identity->age_verified, true);
    EXPECT_EQ(ident.report->identity->match_address, "FULL");
    id.person.birth_date = "2012-01-01";
    EXPECT_EQ(run(c.request_report(id)).report->identity->age_verified, false);
    const auto unknown =
        run(c.request_report(person(product::identity, "NOHIT", interest::identity_age_verification)));
    ASSERT_TRUE(unknown.ok());
    EXPECT_FALSE(unknown.report->identity->matched);
}

TEST_F(SchufaContract, EveryErrorCode) {
    net::http_client http(ioc_.get_executor(), trusted());
    client c(http, options());
    struct expectation {
        const char* name;
        error_code code;
        unsigned attempts;
    };
    for (const auto& e : {
             expectation{"Wartung UNAVAIL GmbH", error_code::service_unavailable, 2},
             expectation{"Langsam TIMEOUT GmbH", error_code::timeout, 2},
             expectation{"Viel RATELIMIT GmbH", error_code::rate_limited, 2},
             expectation{"Kaputt INVALIDREQ GmbH", error_code::invalid_request, 1},
             expectation{"Extra NOTCONTRACTED GmbH", error_code::product_not_contracted, 1},
         }) {
        const auto r = run(c.request_report(company(product::b2b_short, e.name)));
        EXPECT_FALSE(r.ok()) << e.name;
        EXPECT_EQ(r.failure.code, e.code) << e.name << ": " << r.failure.message;
        EXPECT_EQ(r.attempts, e.attempts) << e.name << ": temporary failures are tried max_attempts times";
        EXPECT_EQ(retryable(r.failure.code), e.attempts > 1);
    }
    // The emulator refuses a disallowed interest itself too, for a client that skips the check.
    net::http_client_request raw;
    raw.method = "POST";
    raw.url = options().base_url + "/v1/b2b/reports";
    raw.headers.emplace_back("Authorization", basic_authorization("fakturad", "s3cret"));
    raw.body =
        R"({"customerReference":"x","legitimateInterest":"IDENTITY_AGE_VERIFICATION","product":"KURZ","company":{"name":"Acme"}})";
    const auto answer = run(http.send(raw));
    EXPECT_EQ(
        parse_report_response(product::b2b_short, answer.response.status, answer.response.body, std::nullopt)
            .failure.code,
        error_code::legitimate_interest_invalid
    );
    raw.body = R"({"customerReference":"x","product":"KURZ","company":{"name":"Acme"}})";
    const auto missing = run(http.send(raw));
    EXPECT_EQ(
        failure_of(missing.response.status, missing.response.body, std::nullopt).code,
        error_code::legitimate_interest_invalid
    );
    // Wrong password: UNAUTHORIZED, not retried.
    client wrong(http, options("guess"));
    const auto denied = run(wrong.request_report(company(product::b2b_short, "Acme GmbH")));
    EXPECT_EQ(denied.failure.code, error_code::unauthorized);
    EXPECT_EQ(denied.attempts, 1u);
}

TEST_F(SchufaContract, NoRequestLeavesWithoutAFittingInterest) {
    net::http_client http(ioc_.get_executor(), trusted());
    client c(http, options());
    const auto r =
        run(c.request_report(company(product::b2b_full, "Acme GmbH", interest::identity_age_verification)));
    EXPECT_EQ(r.failure.code, error_code::legitimate_interest_invalid);
    EXPECT_EQ(r.attempts, 0u);
    const auto m = run(c.request_report(company(product::b2b_short, "Acme GmbH", interest::monitoring)));
    EXPECT_EQ(m.failure.code, error_code::legitimate_interest_invalid);
    EXPECT_EQ(http.connections_opened(), 0u) << "nothing was sent";
}

TEST_F(SchufaContract, MutualTlsIsRequired) {
    // Without a client certificate, or with one from another CA, the handshake fails: no answer at all.
    net::http_client bare(ioc_.get_executor(), trusted(false));
    client c(bare, options());
    const auto r = run(c.request_report(company(product::b2b_short, "Acme GmbH")));
    EXPECT_EQ(r.failure.code, error_code::transport) << r.failure.message;
    auto stranger_options = trusted(false);
    stranger_options.client_certificate = files_.stranger_certificate;
    stranger_options.client_private_key = files_.stranger_key;
    net::http_client stranger(ioc_.get_executor(), stranger_options);
    client s(stranger, options());
    EXPECT_EQ(
        run(s.request_report(company(product::b2b_short, "Acme GmbH"))).failure.code, error_code::transport
    );
    // A client certificate without its key is refused when the client is built.
    auto half = trusted(false);
    half.client_certificate = files_.client_certificate;
    EXPECT_THROW(net::http_client(ioc_.get_executor(), half), std::runtime_error);
}

TEST_F(SchufaContract, MonitoringCycleOnTheWire) {
    net::http_client http(ioc_.get_executor(), trusted());
    client c(http, options());
    const auto first = run(c.request_report(company(product::b2b_compact, "Acme GmbH")));
    ASSERT_TRUE(first.ok());
    request_envelope env;
    env.customer_reference = "fkd-sub";
    env.legitimate_interest = interest::contract_initiation;
    const auto wrong = run(c.subscribe(env, subject_type::company, first.report->subject_id));
    EXPECT_EQ(wrong.failure.code, error_code::legitimate_interest_invalid) << "subscriptions need MONITORING";
    env.legitimate_interest = interest::monitoring;
    const auto sub = run(c.subscribe(env, subject_type::company, first.report->subject_id));
    ASSERT_TRUE(sub.ok()) << sub.failure.message;
    EXPECT_EQ(run(c.events("", 10)).events.size(), 0u);
    // The test hook injects a change: score -150 and a new collection case.
    net::http_client_request inject;
    inject.method = "POST";
    inject.url = options().base_url + "/v1/_sim/events";
    inject.body = R"({"subscriptionId":")" + sub.subscription_id +
                  R"(","scoreDelta":-150,"addNegative":"COLLECTION_CASE"})";
    ASSERT_EQ(run(http.send(inject)).response.status, 201u);
    const auto page = run(c.events("", 10));
    ASSERT_EQ(page.events.size(), 1u);
    EXPECT_EQ(page.events[0].type, "NEGATIVE_FEATURE_ADDED");
    EXPECT_EQ(page.events[0].subscription_id, sub.subscription_id);
    // At least once: until acknowledged, the event comes again.
    EXPECT_EQ(run(c.events("", 10)).events.size(), 1u);
    EXPECT_EQ(run(c.acknowledge(page.next_cursor)).code, error_code::none);
    EXPECT_EQ(run(c.events("", 10)).events.size(), 0u);
    // The next report of the subject shows the change, and the comparison says it is worse.
    auto again = company(product::b2b_compact, "Acme GmbH", interest::existing_relationship_review);
    again.company.schufa_company_id = first.report->subject_id;
    const auto second = run(c.request_report(again));
    ASSERT_TRUE(second.ok());
    const auto cmp = compare(&*first.report, *second.report, worsening_rule{});
    EXPECT_TRUE(cmp.worsened) << cmp.summary();
    EXPECT_EQ(cmp.negatives_added.size(), 1u);
    EXPECT_EQ(run(c.unsubscribe(env, sub.subscription_id)).code, error_code::none);
    EXPECT_EQ(run(c.unsubscribe(env, sub.subscription_id)).code, error_code::none) << "gone either way";
}

}  // namespace
}  // namespace fakturad::schufa
