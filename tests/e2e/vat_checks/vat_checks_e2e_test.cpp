// The daemon's VAT-ID checks end to end: fakturad with a `vies` section against the VIES emulator, accounts
// in its store; every account's VAT ID is checked (offline first, then VIES with our requester, so a valid
// answer carries a consultation number), recorded as evidence with its Account write-back intent, and a
// changed VAT ID is checked again at the next scan.
#include "../daemon/process.hpp"
#include "../daemon/sf_rest.hpp"
#include "fakturad/core/logger.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
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
using testing::soql;

class null_logger final : public logger {
public:
    void write(log_level, std::string_view, std::span<const log_field>) noexcept override {}
    [[nodiscard]] bool enabled(log_level) const noexcept override { return false; }
};

class vat_checks_e2e_test : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("fakturad-vat-e2e-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "vies.tsv")
            << "DE\t136695976\tvalid\tMUSTER GMBH\tHAUPTSTR. 1\\n10115 BERLIN\n"
               "FR\t40303265045\tvalid\tSOCIETE EXEMPLE SAS\t12 RUE\\n75001 PARIS\n"
               "AT\tU13585627\tinvalid\n";
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    // build/bin/vies-emulator on a free port, answering from vies.tsv; its port lands in vies.port.
    child_process start_vies() const {
        return child_process::start(
            {std::string(FAKTURAD_BINARY_DIR) + "/bin/vies-emulator",
             "--listen",
             "127.0.0.1:0",
             "--port-file",
             (dir_ / "vies.port").string(),
             "--data",
             (dir_ / "vies.tsv").string()},
            dir_ / "vies.log"
        );
    }

    std::filesystem::path dir_;
    null_logger log_;
};

std::vector<std::vector<std::optional<std::string>>> rows(store::sqlite_store& db, std::string_view sql) {
    return db.query_for_test(sql);
}

TEST_F(vat_checks_e2e_test, accounts_are_checked_recorded_and_queued_for_the_account) {
    const std::string bin = std::string(FAKTURAD_BINARY_DIR) + "/bin/";
    auto emulator = start_vies();
    std::string port;
    ASSERT_TRUE(eventually([&] {
        port = read_file(dir_ / "vies.port");
        return !port.empty() && port.back() == '\n';
    })) << read_file(dir_ / "vies.log");
    port.pop_back();

    const auto db_path = dir_ / "fakturad.sqlite";
    const store::sqlite_options worker{.path = db_path, .recover_in_flight = false};
    {
        auto db = store::sqlite_store::open(worker, log_);
        const std::string t = "'2026-11-27T09:00:00.000Z'";
        db.execute_for_test(
            "INSERT INTO accounts (sf_id, name, vat_id, raw_data, sf_system_modstamp, synced_at) VALUES"
            " ('001000000000001AAA', 'Muster', 'DE 136 695 976', '{}', " +
            t + ", " + t +
            "),"
            " ('001000000000002AAA', 'Exemple', 'FR40303265045', '{}', " +
            t + ", " + t +
            "),"
            " ('001000000000003AAA', 'Beispiel', 'ATU13585627', '{}', " +
            t + ", " + t +
            "),"
            " ('001000000000004AAA', 'Typo', 'DE136695977', '{}', " +
            t + ", " + t +
            "),"
            " ('001000000000005AAA', 'No VAT ID', NULL, '{}', " +
            t + ", " + t + ")"
        );
    }
    std::ofstream(dir_ / "fakturad.yaml") << "store:\n  path: fakturad.sqlite\n"
                                             "control:\n  socket: fakturad.sock\n"
                                             "vies:\n"
                                             "  api: soap\n"
                                             "  soap_url: http://127.0.0.1:"
                                          << port
                                          << "/taxation_customs/vies/services/checkVatService\n"
                                             "  rest_url: http://127.0.0.1:"
                                          << port
                                          << "/taxation_customs/vies/rest-api\n"
                                             "  requester_vat_id: DE136695976\n"
                                             "  scan_interval: 1s\n"
                                             "  retry:\n    base: 100ms\n    cap: 1s\n";
    auto daemon = child_process::start(
        {bin + "fakturad", "--config", (dir_ / "fakturad.yaml").string()}, dir_ / "fakturad.log"
    );

    auto db = store::sqlite_store::open(worker, log_);
    ASSERT_TRUE(eventually([&] { return rows(db, "SELECT count(*) FROM vat_checks")[0][0] == "4"; }, 30s))
        << read_file(dir_ / "fakturad.log");

    std::map<std::string, std::vector<std::optional<std::string>>> by_account;
    for (auto& r : rows(
             db,
             "SELECT a.sf_id, c.vat_id, c.verdict, c.source, c.trader_name, c.consultation_number, c.detail"
             " FROM vat_checks c JOIN accounts a ON a.id = c.account_id"
         )) {
        by_account[*r[0]] = r;
    }
    ASSERT_EQ(by_account.size(), 4u);
    const auto& de = by_account["001000000000001AAA"];
    EXPECT_EQ(de[1], "DE136695976") << "stored normalised";
    EXPECT_EQ(de[2], "valid");
    EXPECT_EQ(de[3], "vies");
    EXPECT_EQ(de[4], "MUSTER GMBH");
    ASSERT_TRUE(de[5]) << "checkVatApprox with our requester returns a consultation number";
    EXPECT_FALSE(de[5]->empty());
    EXPECT_EQ(by_account["001000000000002AAA"][2], "valid");
    EXPECT_EQ(by_account["001000000000003AAA"][2], "invalid");
    EXPECT_EQ(by_account["001000000000003AAA"][3], "vies");
    const auto& typo = by_account["001000000000004AAA"];
    EXPECT_EQ(typo[2], "invalid");
    EXPECT_EQ(typo[3], "offline") << "a number with a wrong check digit never goes to VIES";
    EXPECT_NE(typo[6]->find("check digit"), std::string::npos) << *typo[6];

    EXPECT_EQ(rows(db, "SELECT count(*) FROM outbox WHERE kind = 'salesforce.account_vat_check'")[0][0], "4")
        << "one write-back intent per check";

    // The VAT ID of the typo account is corrected (as the sync would write it): checked at the next scan.
    db.execute_for_test("UPDATE accounts SET vat_id = 'FR40303265045' WHERE sf_id = '001000000000004AAA'");
    ASSERT_TRUE(eventually([&] { return rows(db, "SELECT count(*) FROM vat_checks")[0][0] == "5"; }, 30s))
        << read_file(dir_ / "fakturad.log");
    const auto corrected = rows(
        db,
        "SELECT verdict, detail FROM vat_checks c JOIN accounts a ON a.id = c.account_id"
        " WHERE a.sf_id = '001000000000004AAA' ORDER BY c.id DESC LIMIT 1"
    );
    EXPECT_EQ(corrected[0][0], "valid");
    EXPECT_NE(corrected[0][1]->find("reused within vies.cache_ttl"), std::string::npos)
        << "the Exemple account's check of the same number an instant ago is reused: " << *corrected[0][1];
    // Nothing else is due: the next scans add nothing.
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(rows(db, "SELECT count(*) FROM vat_checks")[0][0], "5");

    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(20s), 0) << read_file(dir_ / "fakturad.log");
    EXPECT_NE(read_file(dir_ / "fakturad.log").find("VAT-ID checks recorded"), std::string::npos);
    emulator.send_signal(SIGTERM);
    emulator.wait_for_exit(10s);
}

TEST_F(vat_checks_e2e_test, results_are_written_to_the_accounts_in_salesforce) {
    const std::string bin = std::string(FAKTURAD_BINARY_DIR) + "/bin/";
    auto vies = start_vies();
    auto sf = testing::start_sf_emulator(dir_ / "sf.log");
    std::string vies_port;
    std::string sf_port;
    ASSERT_TRUE(eventually([&] {
        vies_port = read_file(dir_ / "vies.port");
        sf_port = testing::sf_port_in(dir_ / "sf.log");
        return !vies_port.empty() && vies_port.back() == '\n' && !sf_port.empty();
    })) << read_file(dir_ / "sf.log");
    vies_port.pop_back();

    // The synced accounts (as the sync would store them): the emulator's Acme and Globex, with VAT IDs the
    // VIES emulator knows.
    std::map<std::string, std::string> id_of;
    for (const auto& r : soql(sf_port, "SELECT Id, Name FROM Account")) {
        id_of[field(r, "Name")] = field(r, "Id");
    }
    ASSERT_TRUE(id_of.contains("Acme GmbH") && id_of.contains("Globex SARL"));
    const auto db_path = dir_ / "fakturad.sqlite";
    const store::sqlite_options worker{.path = db_path, .recover_in_flight = false};
    {
        auto db = store::sqlite_store::open(worker, log_);
        const std::string t = "'2026-11-27T09:00:00.000Z'";
        db.execute_for_test(
            "INSERT INTO accounts (sf_id, name, vat_id, raw_data, sf_system_modstamp, synced_at) VALUES"
            " ('" +
            id_of["Acme GmbH"] + "', 'Acme GmbH', 'DE136695976', '{}', " + t + ", " + t +
            "),"
            " ('" +
            id_of["Globex SARL"] + "', 'Globex SARL', 'ATU13585627', '{}', " + t + ", " + t + ")"
        );
    }
    std::ofstream(dir_ / "fakturad.yaml") << "store:\n  path: fakturad.sqlite\n"
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
                                             "vies:\n"
                                             "  soap_url: http://127.0.0.1:"
                                          << vies_port
                                          << "/taxation_customs/vies/services/checkVatService\n"
                                             "  rest_url: http://127.0.0.1:"
                                          << vies_port
                                          << "/taxation_customs/vies/rest-api\n"
                                             "  requester_vat_id: DE136695976\n"
                                             "  scan_interval: 1s\n";
    auto daemon = child_process::start(
        {bin + "fakturad", "--config", (dir_ / "fakturad.yaml").string()},
        dir_ / "fakturad.log",
        {{"FAKTURAD_E2E_SF_SECRET", "fakturad-demo-consumer-secret"}}
    );

    boost::json::array checks;
    ASSERT_TRUE(eventually(
        [&] {
            checks = soql(
                sf_port,
                "SELECT Fakturad_Key__c, Account__c, VAT_Number__c, Verdict__c, Valid__c, Source__c,"
                " Request_Identifier__c, Trader_Name__c FROM VAT_Check__c"
            );
            return checks.size() == 2;
        },
        30s
    )) << read_file(dir_ / "fakturad.log");
    std::map<std::string, boost::json::value> by_account;
    for (const auto& c : checks) {
        by_account[field(c, "Account__c")] = c;
    }
    const auto& acme = by_account[id_of["Acme GmbH"]];
    EXPECT_EQ(field(acme, "Verdict__c"), "valid");
    EXPECT_EQ(field(acme, "Valid__c"), "true");
    EXPECT_EQ(field(acme, "VAT_Number__c"), "DE136695976");
    EXPECT_EQ(field(acme, "Trader_Name__c"), "MUSTER GMBH");
    EXPECT_FALSE(field(acme, "Request_Identifier__c").empty())
        << "the consultation number reaches the Account";
    EXPECT_EQ(field(acme, "Fakturad_Key__c").rfind("vat_check:", 0), 0u);
    const auto& globex = by_account[id_of["Globex SARL"]];
    EXPECT_EQ(field(globex, "Verdict__c"), "invalid");
    EXPECT_EQ(field(globex, "Valid__c"), "false");

    auto db = store::sqlite_store::open(worker, log_);
    ASSERT_TRUE(eventually([&] {
        return rows(db, "SELECT count(*) FROM outbox WHERE state = 'done'")[0][0] == "2";
    })) << read_file(dir_ / "fakturad.log");
    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(20s), 0) << read_file(dir_ / "fakturad.log");
    const std::string log = read_file(dir_ / "fakturad.log");
    EXPECT_EQ(log.find("fakturad-demo-consumer-secret"), std::string::npos)
        << "the secret never reaches the log";
    sf.send_signal(SIGTERM);
    sf.wait_for_exit(10s);
    vies.send_signal(SIGTERM);
    vies.wait_for_exit(10s);
}

}  // namespace
}  // namespace fakturad
