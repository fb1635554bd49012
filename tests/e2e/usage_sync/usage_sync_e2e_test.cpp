// The first load of a usage object in batches (salesforce.sync_batch_rows): fakturad against the demo org
// (sf-emulator, 300 Usage_Record__c) once with batches of 40 records and once with the default, into two
// stores. Both must hold the same usage and quarantine and reach the same cursor, and the small batches
// must really have been read and stored one after another.

#include "../daemon/process.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace fakturad {
namespace {

using namespace std::chrono_literals;
using testing::child_process;
using testing::eventually;
using testing::read_file;

std::string bin(std::string_view name) {
    return std::string(FAKTURAD_BINARY_DIR) + "/bin/" + std::string(name);
}

std::string replace_all(std::string text, std::string_view placeholder, std::string_view value) {
    for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at)) {
        text.replace(at, placeholder.size(), value);
        at += value.size();
    }
    return text;
}

// The demo configuration's mappings and billing files, the state in @DIR@, polling only.
constexpr std::string_view config_template = R"(instance:
  name: fakturad-usage-e2e
  time_zone: Europe/Berlin
log:
  level: debug
  format: text
daemon:
  worker_threads: 2
  shutdown_grace: 1s
store:
  path: @DIR@/fakturad.sqlite
  synchronous: normal
control:
  socket: @DIR@/fakturad.sock
salesforce:
  instance_url: @SF@
  login_url: @SF@
  auth:
    flow: client_credentials
    client_id: fakturad-demo-consumer-key
    client_secret_env: FAKTURAD_DEMO_SF_SECRET
  poll_interval: 1h
  change_events: off
@BATCH@
mappings:
  - @SRC@/config/examples/mappings/opportunity-products.yaml
  - @SRC@/config/examples/mappings/subscriptions.yaml
  - @SRC@/config/examples/mappings/marketplace-commissions.yaml
  - @SRC@/config/examples/mappings/usage-records.yaml
  - @SRC@/config/examples/mappings/project-milestones.yaml
billing:
  legal_entities: @SRC@/config/examples/billing/legal-entities.yaml
  tax_rules: @SRC@/config/examples/tax/tax-rules.yaml
  exchange_rates: @SRC@/config/examples/billing/exchange-rates.yaml
  invoice_numbers: "RE-{YYYY}-{seq:06}"
  credit_note_numbers: "GS-{YYYY}-{seq:06}"
  finalize: immediately
  output_dir: @DIR@/out
)";

class usage_sync_e2e_test : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                ("fakturad-usage-e2e-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(root_);
        emulator_.emplace(child_process::start(
            {bin("sf-emulator"),
             "--listen",
             "127.0.0.1:0",
             "--org",
             std::string(FAKTURAD_SOURCE_DIR) + "/emulators/salesforce/orgs/demo.yaml"},
            root_ / "sf-emulator.log"
        ));
        const bool listening = eventually([&] {
            port_ = testing::listening_port_in(root_ / "sf-emulator.log");
            return !port_.empty();
        });
        ASSERT_TRUE(listening) << read_file(root_ / "sf-emulator.log");
    }

    void TearDown() override {
        if (emulator_) {
            emulator_->send_signal(SIGTERM);
            emulator_->wait_for_exit(20s);
        }
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }

    // Runs fakturad in its own folder until its first sync pass is done, then stops it. batch_rows 0:
    // the default.
    void first_sync(const std::string& name, int batch_rows) {
        const auto dir = root_ / name;
        std::filesystem::create_directories(dir);
        std::string yaml(config_template);
        yaml = replace_all(yaml, "@SRC@", FAKTURAD_SOURCE_DIR);
        yaml = replace_all(yaml, "@DIR@", dir.string());
        yaml = replace_all(yaml, "@SF@", "http://127.0.0.1:" + port_);
        yaml = replace_all(
            yaml, "@BATCH@", batch_rows > 0 ? "  sync_batch_rows: " + std::to_string(batch_rows) : ""
        );
        std::ofstream(dir / "fakturad.yaml") << yaml;
        const std::map<std::string, std::string> env{
            {"FAKTURAD_DEMO_SF_SECRET", "fakturad-demo-consumer-secret"}};
        auto daemon = child_process::start(
            {bin("fakturad"), "--config", (dir / "fakturad.yaml").string()}, dir / "fakturad.log", env
        );
        std::string detail;
        const bool synced = eventually(
            [&] {
                if (daemon.wait_for_exit(0ms)) {
                    return true;
                }
                const auto r = testing::run_to_end(
                    {bin("fakturactl"), "--config", (dir / "fakturad.yaml").string(), "status", "--json"},
                    dir,
                    env
                );
                boost::system::error_code ec;
                const auto doc = boost::json::parse(r.output, ec);
                const auto* d = !ec && doc.is_object() ? doc.as_object().if_contains("sync") : nullptr;
                const auto* text =
                    d != nullptr && d->is_object() ? d->as_object().if_contains("detail") : nullptr;
                detail = text != nullptr && text->is_string() ? std::string(text->as_string()) : "";
                return detail.starts_with("last pass:");
            },
            90s
        );
        daemon.send_signal(SIGTERM);
        daemon.wait_for_exit(20s);
        ASSERT_TRUE(synced && detail.starts_with("last pass:")) << read_file(dir / "fakturad.log");
    }

    std::string sql(const std::string& name, const std::string& query) {
        const auto r = testing::run_to_end(
            {"/usr/bin/sqlite3", (root_ / name / "fakturad.sqlite").string(), query}, root_
        );
        EXPECT_EQ(r.exit_status, 0) << r.output;
        return r.output;
    }

    std::filesystem::path root_;
    std::string port_;
    std::optional<child_process> emulator_;
};

TEST_F(usage_sync_e2e_test, FirstLoadInSmallBatchesStoresWhatOneBatchStores) {
    ASSERT_NO_FATAL_FAILURE(first_sync("batched", 40));
    ASSERT_NO_FATAL_FAILURE(first_sync("whole", 0));

    const std::string usage = "SELECT count(*), total(CAST(quantity AS REAL)) FROM usage_records";
    const std::string whole = sql("whole", usage);
    EXPECT_EQ(sql("batched", usage), whole);
    EXPECT_NE(whole.rfind("0|", 0), 0U) << "the demo org's usage records were not stored: " << whole;
    const std::string quarantine = "SELECT object_name, record_id FROM quarantine ORDER BY 1, 2";
    EXPECT_EQ(sql("batched", quarantine), sql("whole", quarantine));
    const std::string cursors =
        "SELECT object_name, last_system_modstamp, last_record_id FROM sync_cursors "
        "WHERE object_name LIKE 'usage:%' ORDER BY 1";
    EXPECT_EQ(sql("batched", cursors), sql("whole", cursors));

    // 300 records in batches of 40 (a page of the emulator holds 200 of them: a batch ends after the page
    // that fills it): the batched daemon read and stored more than one batch, the other one.
    auto batches = [&](const std::string& name) {
        const std::string log = read_file(root_ / name / "fakturad.log");
        std::size_t n = 0;
        for (auto at = log.find("usage batch read"); at != std::string::npos;
             at = log.find("usage batch read", at + 1)) {
            ++n;
        }
        return n;
    };
    EXPECT_GE(batches("batched"), 3U) << read_file(root_ / "batched" / "fakturad.log");
    EXPECT_LT(batches("whole"), batches("batched"));
}

}  // namespace
}  // namespace fakturad
