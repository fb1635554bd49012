// SCHUFA credit checks end to end: fakturactl -> fakturad -> schufa-emulator (mutual TLS) -> the report
// and its PDF on the Account in the Salesforce emulator; follow-up monitoring from an injected change to a
// new report with its comparison and a Task for the account owner; the audit log; B2C personal data kept
// out of every log and deleted after the retention period; and the CLI's refusal without a legitimate
// interest before anything is sent.
#include "../daemon/process.hpp"
#include "../daemon/sf_rest.hpp"
#include "fakturad/core/logger.hpp"
#include "fakturad/net/http_client.hpp"
#include "fakturad/store/sqlite_store.hpp"
#include "mtls_files.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>

namespace fakturad {
namespace {

using namespace std::chrono_literals;
using testing::child_process;
using testing::eventually;
using testing::field;
using testing::read_file;
using testing::run_to_end;
using testing::sf_call;
using testing::soql;

const std::string bin = std::string(FAKTURAD_BINARY_DIR) + "/bin/";

class credit_checks_e2e_test : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("fakturad-credit-e2e-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        if (HasFailure()) {
            std::cerr << "logs and store kept in " << dir_.string() << '\n';
            return;
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    testing::run_result ctl(std::vector<std::string> args) const {
        std::vector<std::string> argv{bin + "fakturactl", "--socket", (dir_ / "fakturad.sock").string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_to_end(argv, dir_);
    }

    std::filesystem::path dir_;
    null_logger log_;
};

TEST_F(credit_checks_e2e_test, CliRefusesWithoutAFittingInterestBeforeAnythingIsSent) {
    // No daemon runs at all: the refusal must come before fakturactl looks for one.
    const auto missing = ctl({"credit-check", "001000000000001AAA", "--product", "b2b-short"});
    EXPECT_EQ(missing.exit_status, 2) << missing.output;
    EXPECT_NE(missing.output.find("no legitimate interest"), std::string::npos) << missing.output;
    for (const char* code :
         {"CREDIT_APPLICATION",
          "CONTRACT_INITIATION",
          "EXISTING_RELATIONSHIP_REVIEW",
          "RECEIVABLE_COLLECTION",
          "IDENTITY_AGE_VERIFICATION",
          "MONITORING"}) {
        EXPECT_NE(missing.output.find(code), std::string::npos) << "lists " << code;
    }
    const auto unknown =
        ctl({"credit-check", "001000000000001AAA", "--product", "b2b-short", "--interest", "CURIOSITY"});
    EXPECT_EQ(unknown.exit_status, 2);
    EXPECT_NE(unknown.output.find("unknown legitimate-interest code 'CURIOSITY'"), std::string::npos)
        << unknown.output;
    const auto wrong = ctl(
        {"credit-check", "001000000000001AAA", "--product", "b2b-full", "--interest", "RECEIVABLE_COLLECTION"}
    );
    EXPECT_EQ(wrong.exit_status, 2);
    EXPECT_NE(wrong.output.find("does not allow the product b2b-full"), std::string::npos) << wrong.output;
    const auto person =
        ctl({"credit-check", "001000000000001AAA", "--product", "b2c", "--interest", "CREDIT_APPLICATION"});
    EXPECT_EQ(person.exit_status, 2);
    EXPECT_NE(person.output.find("--birth-date"), std::string::npos) << person.output;
    // A fitting request does look for the daemon: exit 3 (unreachable), not 2.
    const auto fine = ctl(
        {"credit-check", "001000000000001AAA", "--product", "b2b-short", "--interest", "CONTRACT_INITIATION"}
    );
    EXPECT_EQ(fine.exit_status, 3) << fine.output;
}

TEST_F(credit_checks_e2e_test, CheckMonitorAndRetention) {
    const auto certs = test::write_mtls_files(dir_);
    std::ofstream(dir_ / "schufa-password") << "emulator-pw-e2e\n";
    auto sf = testing::start_sf_emulator(dir_ / "sf.log");
    auto schufa = child_process::start(
        {bin + "schufa-emulator",
         "--listen",
         "127.0.0.1:0",
         "--port-file",
         (dir_ / "schufa.port").string(),
         "--tls-cert",
         certs.server_certificate.string(),
         "--tls-key",
         certs.server_key.string(),
         "--client-ca",
         certs.ca.string(),
         "--password-file",
         (dir_ / "schufa-password").string()},
        dir_ / "schufa.log"
    );
    std::string sf_port;
    std::string schufa_port;
    ASSERT_TRUE(eventually([&] {
        schufa_port = read_file(dir_ / "schufa.port");
        sf_port = testing::sf_port_in(dir_ / "sf.log");
        return !schufa_port.empty() && schufa_port.back() == '\n' && !sf_port.empty();
    })) << read_file(dir_ / "sf.log")
        << read_file(dir_ / "schufa.log");
    schufa_port.pop_back();

    std::map<std::string, std::string> id_of;
    for (const auto& r : soql(sf_port, "SELECT Id, Name FROM Account")) {
        id_of[field(r, "Name")] = field(r, "Id");
    }
    ASSERT_TRUE(id_of.contains("Acme GmbH") && id_of.contains("Globex SARL"));
    const std::string acme = id_of["Acme GmbH"];
    const std::string globex = id_of["Globex SARL"];
    const auto created = sf_call(
        sf_port,
        "POST",
        "/services/data/v62.0/sobjects/Account",
        R"({"Name":"Wartung UNAVAIL GmbH","BillingCity":"Berlin"})"
    );
    ASSERT_TRUE(created.is_object() && created.as_object().contains("id")) << boost::json::serialize(created);
    const std::string unavailable = std::string(created.as_object().at("id").as_string());

    const auto config = dir_ / "fakturad.yaml";
    std::ofstream(config) << "store:\n  path: fakturad.sqlite\n"
                             "control:\n  socket: fakturad.sock\n"
                             "salesforce:\n"
                             "  instance_url: http://127.0.0.1:"
                          << sf_port
                          << "\n"
                             "  login_url: http://127.0.0.1:"
                          << sf_port
                          << "\n"
                             "  auth:\n"
                             "    flow: client_credentials\n"
                             "    client_id: fakturad-demo-consumer-key\n"
                             "    client_secret_env: FAKTURAD_E2E_SF_SECRET\n"
                             "schufa:\n"
                             "  url: https://127.0.0.1:"
                          << schufa_port
                          << "\n"
                             "  participant_id: fakturad\n"
                             "  password_file: schufa-password\n"
                             "  client_certificate: client.pem\n"
                             "  client_key: client-key.pem\n"
                             "  ca_file: ca.pem\n"
                             "  max_attempts: 2\n"
                             "  monitoring_poll_interval: 1s\n"
                             "  b2c_retention: 3s\n";
    const std::map<std::string, std::string> env{{"FAKTURAD_E2E_SF_SECRET", "fakturad-demo-consumer-secret"}};
    auto start_daemon = [&] {
        return child_process::start(
            {bin + "fakturad", "--config", config.string()}, dir_ / "fakturad.log", env
        );
    };
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(dir_ / "fakturad.sock"); }))
        << read_file(dir_ / "fakturad.log");

    // 1. A B2B check from the CLI ends as a Credit_Report__c and a PDF on the Account.
    const auto check =
        ctl({"credit-check", acme, "--product", "b2b-compact", "--interest", "CONTRACT_INITIATION"});
    ASSERT_EQ(check.exit_status, 0) << check.output << read_file(dir_ / "fakturad.log");
    EXPECT_NE(check.output.find("b2b-compact HIT"), std::string::npos) << check.output;
    boost::json::array reports;
    ASSERT_TRUE(eventually(
        [&] {
            reports = soql(
                sf_port,
                "SELECT Fakturad_Key__c, Account__c, Product__c, Status__c, Score__c, Risk_Class__c,"
                " Legitimate_Interest__c, Request_Reference__c FROM Credit_Report__c"
            );
            return reports.size() == 1;
        },
        30s
    )) << read_file(dir_ / "fakturad.log");
    EXPECT_EQ(field(reports[0], "Account__c"), acme);
    EXPECT_EQ(field(reports[0], "Product__c"), "b2b-compact");
    EXPECT_EQ(field(reports[0], "Status__c"), "HIT");
    EXPECT_EQ(field(reports[0], "Legitimate_Interest__c"), "CONTRACT_INITIATION");
    EXPECT_FALSE(field(reports[0], "Score__c").empty());
    const std::string first_reference = field(reports[0], "Request_Reference__c");
    EXPECT_EQ(first_reference.rfind("SIM-", 0), 0u);
    boost::json::array files;
    ASSERT_TRUE(eventually([&] {
        files = soql(sf_port, "SELECT Id, PathOnClient, FirstPublishLocationId, Title FROM ContentVersion");
        return files.size() == 1;
    })) << read_file(dir_ / "fakturad.log");
    EXPECT_EQ(field(files[0], "FirstPublishLocationId"), acme);
    EXPECT_EQ(field(files[0], "PathOnClient"), "schufa/schufa-1.pdf");
    auto account = soql(
        sf_port,
        "SELECT Credit_Score__c, Credit_Risk_Class__c, Credit_Comparison__c FROM Account WHERE Id = '" +
            acme + "'"
    );
    ASSERT_EQ(account.size(), 1u);
    EXPECT_EQ(field(account[0], "Credit_Score__c"), field(reports[0], "Score__c"));
    EXPECT_NE(field(account[0], "Credit_Comparison__c").find("first report"), std::string::npos);

    const store::sqlite_options worker{.path = dir_ / "fakturad.sqlite", .recover_in_flight = false};
    auto db = store::sqlite_store::open(worker, log_);
    auto audit = db.query_for_test(
        "SELECT account_sf_id, action, product, interest, outcome, result_reference, result_code, "
        "requested_by,"
        " subject_hash FROM credit_audit ORDER BY id"
    );
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0][0], acme);
    EXPECT_EQ(audit[0][1], "report");
    EXPECT_EQ(audit[0][2], "b2b-compact");
    EXPECT_EQ(audit[0][3], "CONTRACT_INITIATION");
    EXPECT_EQ(audit[0][4], "ok");
    EXPECT_EQ(audit[0][5], first_reference);
    EXPECT_EQ(audit[0][6], "HIT");
    EXPECT_FALSE(audit[0][7]->empty());

    // 2. SCHUFA in maintenance: the check fails, the audit entry says so.
    const auto failed =
        ctl({"credit-check", unavailable, "--product", "b2b-short", "--interest", "CREDIT_APPLICATION"});
    EXPECT_EQ(failed.exit_status, 1) << failed.output;
    EXPECT_NE(failed.output.find("SERVICE_UNAVAILABLE"), std::string::npos) << failed.output;
    audit = db.query_for_test("SELECT outcome, result_code, result_reference FROM credit_audit ORDER BY id");
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[1][0], "failed");
    EXPECT_EQ(audit[1][1], "SERVICE_UNAVAILABLE");
    EXPECT_FALSE(audit[1][2]);

    // 3. Monitoring: a change at SCHUFA becomes a new report, a comparison and a Task for the owner.
    const auto on = ctl({"credit-monitor", "on", acme});
    ASSERT_EQ(on.exit_status, 0) << on.output << read_file(dir_ / "fakturad.log");
    const auto sub = db.query_for_test("SELECT subscription_id FROM credit_monitoring WHERE active = 1");
    ASSERT_EQ(sub.size(), 1u);
    // The operator sees SCHUFA in the status: the monitored account and how the newest request ended.
    const auto status = ctl({"status"});
    ASSERT_EQ(status.exit_status, 0) << status.output;
    EXPECT_NE(status.output.find("1 account(s) monitored; last subscribe"), std::string::npos)
        << status.output;
    EXPECT_NE(status.output.find(": ok (SUBSCRIBED)"), std::string::npos) << status.output;
    {
        boost::asio::io_context ioc;
        net::http_client_options o;
        o.use_system_ca = false;
        o.ca_file = certs.ca;
        o.client_certificate = certs.client_certificate;
        o.client_private_key = certs.client_key;
        net::http_client http(ioc.get_executor(), o);
        net::http_client_request inject;
        inject.method = "POST";
        inject.url = "https://127.0.0.1:" + schufa_port + "/v1/_sim/events";
        inject.body =
            R"({"subscriptionId":")" + *sub[0][0] + R"(","scoreDelta":-200,"addNegative":"COLLECTION_CASE"})";
        auto f = boost::asio::co_spawn(ioc, http.send(inject), boost::asio::use_future);
        ioc.run();
        ASSERT_EQ(f.get().response.status, 201u);
    }
    ASSERT_TRUE(eventually(
        [&] {
            return db.query_for_test("SELECT count(*) FROM credit_reports WHERE worsened = 1")[0][0] == "1";
        },
        30s
    )) << read_file(dir_ / "fakturad.log");
    boost::json::array tasks;
    ASSERT_TRUE(eventually(
        [&] {
            tasks = soql(
                sf_port,
                "SELECT Id, Subject, WhatId, OwnerId, Priority, ActivityDate FROM Task WHERE WhatId = '" +
                    acme + "'"
            );
            return tasks.size() == 1;
        },
        30s
    )) << read_file(dir_ / "fakturad.log");
    EXPECT_NE(field(tasks[0], "Subject").find("Credit standing worsened (SCHUFA) [SIM-"), std::string::npos);
    EXPECT_FALSE(field(tasks[0], "OwnerId").empty());
    EXPECT_FALSE(field(tasks[0], "ActivityDate").empty());
    account = soql(
        sf_port, "SELECT Credit_Worsened__c, Credit_Comparison__c FROM Account WHERE Id = '" + acme + "'"
    );
    EXPECT_EQ(field(account[0], "Credit_Worsened__c"), "true");
    EXPECT_NE(field(account[0], "Credit_Comparison__c").find("+COLLECTION_CASE"), std::string::npos)
        << field(account[0], "Credit_Comparison__c");
    EXPECT_EQ(soql(sf_port, "SELECT Id FROM Credit_Report__c WHERE Account__c = '" + acme + "'").size(), 2u);
    EXPECT_EQ(db.query_for_test("SELECT count(*) FROM credit_monitoring_events")[0][0], "1");

    // 4. A B2C report: personal data kept apart, never logged.
    const auto b2c = ctl(
        {"credit-check",
         globex,
         "--product",
         "b2c",
         "--interest",
         "CREDIT_APPLICATION",
         "--first-name",
         "Erika",
         "--last-name",
         "Mustermann",
         "--birth-date",
         "1980-05-17"}
    );
    ASSERT_EQ(b2c.exit_status, 0) << b2c.output << read_file(dir_ / "fakturad.log");
    EXPECT_EQ(db.query_for_test("SELECT count(*) FROM credit_personal_data")[0][0], "1");
    const auto off = ctl({"credit-monitor", "off", acme});
    EXPECT_EQ(off.exit_status, 0) << off.output;
    ASSERT_TRUE(eventually(
        [&] { return db.query_for_test("SELECT count(*) FROM outbox WHERE state <> 'done'")[0][0] == "0"; },
        30s
    )) << read_file(dir_ / "fakturad.log");
    audit = db.query_for_test("SELECT action, outcome FROM credit_audit ORDER BY id");
    ASSERT_EQ(audit.size(), 6u) << "check, failed check, subscribe, monitoring report, b2c, unsubscribe";
    EXPECT_EQ(audit[2][0], "subscribe");
    EXPECT_EQ(audit[5][0], "unsubscribe");
    for (const auto& row :
         db.query_for_test("SELECT subject_hash FROM credit_audit WHERE subject_hash IS NOT NULL")) {
        EXPECT_EQ(row[0]->size(), 64u) << "a hash, not the person";
    }

    // 5. Retention: after b2c_retention the maintenance pass (also at start-up) deletes the personal data.
    daemon.send_signal(SIGTERM);
    ASSERT_EQ(daemon.wait_for_exit(20s), 0) << read_file(dir_ / "fakturad.log");
    std::this_thread::sleep_for(3s);
    auto again = start_daemon();
    ASSERT_TRUE(eventually(
        [&] { return db.query_for_test("SELECT count(*) FROM credit_personal_data")[0][0] == "0"; }, 20s
    )) << read_file(dir_ / "fakturad.log");
    EXPECT_EQ(db.query_for_test("SELECT count(*) FROM credit_reports")[0][0], "3") << "the reports stay";

    // 6. Two companies match: the CLI lists the candidates; checking again with one of them gives its report.
    const auto nordlicht_created = sf_call(
        sf_port,
        "POST",
        "/services/data/v62.0/sobjects/Account",
        R"({"Name":"Nordlicht AMBIG GmbH","BillingCity":"Kiel"})"
    );
    ASSERT_TRUE(nordlicht_created.is_object() && nordlicht_created.as_object().contains("id"));
    const std::string nordlicht = std::string(nordlicht_created.as_object().at("id").as_string());
    const auto ambiguous =
        ctl({"credit-check", nordlicht, "--product", "b2b-short", "--interest", "CONTRACT_INITIATION"});
    ASSERT_EQ(ambiguous.exit_status, 0) << ambiguous.output << read_file(dir_ / "fakturad.log");
    EXPECT_NE(ambiguous.output.find("b2b-short AMBIGUOUS"), std::string::npos) << ambiguous.output;
    EXPECT_NE(ambiguous.output.find("check again with --company-id"), std::string::npos) << ambiguous.output;
    const auto listed = ambiguous.output.find("\n    SC");
    ASSERT_NE(listed, std::string::npos) << ambiguous.output;
    const std::string candidate = ambiguous.output.substr(listed + 5, 10);  // "SC" and 8 hex digits
    const auto chosen = ctl(
        {"credit-check",
         nordlicht,
         "--product",
         "b2b-short",
         "--interest",
         "CONTRACT_INITIATION",
         "--company-id",
         candidate}
    );
    ASSERT_EQ(chosen.exit_status, 0) << chosen.output << read_file(dir_ / "fakturad.log");
    EXPECT_NE(chosen.output.find("b2b-short HIT"), std::string::npos) << chosen.output;
    EXPECT_EQ(
        db.query_for_test(
            "SELECT subject_id FROM credit_reports WHERE account_sf_id = '" + nordlicht +
            "' AND status = 'HIT'"
        )[0][0],
        candidate
    );
    const auto person_with_company = ctl(
        {"credit-check",
         nordlicht,
         "--product",
         "b2c",
         "--interest",
         "CREDIT_APPLICATION",
         "--first-name",
         "X",
         "--last-name",
         "Y",
         "--birth-date",
         "1990-01-01",
         "--company-id",
         candidate}
    );
    EXPECT_NE(person_with_company.exit_status, 0);
    EXPECT_NE(
        person_with_company.output.find("--company-id belongs to the b2b products only"), std::string::npos
    ) << person_with_company.output;
    again.send_signal(SIGTERM);
    EXPECT_EQ(again.wait_for_exit(20s), 0);

    // No personal data and no secret in any log.
    for (const auto* log : {"fakturad.log", "schufa.log", "sf.log"}) {
        const std::string text = read_file(dir_ / log);
        for (const char* needle :
             {"Mustermann", "Erika", "1980-05-17", "emulator-pw-e2e", "fakturad-demo-consumer-secret"}) {
            EXPECT_EQ(text.find(needle), std::string::npos) << needle << " in " << log;
        }
    }
    EXPECT_NE(read_file(dir_ / "fakturad.log").find("B2C personal data deleted"), std::string::npos);
    schufa.send_signal(SIGTERM);
    schufa.wait_for_exit(10s);
    sf.send_signal(SIGTERM);
    sf.wait_for_exit(10s);
}

}  // namespace
}  // namespace fakturad
