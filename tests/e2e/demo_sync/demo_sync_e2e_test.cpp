// The sync against the demo org (sf-emulator with emulators/salesforce/orgs/demo.yaml: subscriptions with
// items, 300 Usage_Record__c):
//   - the first load of usage in batches (salesforce.sync_batch_rows) stores what one batch stores;
//   - an item deleted from a subscription, which leaves the subscription unchanged, still reaches its plan.

#include "../daemon/process.hpp"
#include "../daemon/sf_rest.hpp"

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
  name: fakturad-demo-sync-e2e
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
  poll_interval: @POLL@
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

class demo_sync_e2e_test : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                ("fakturad-demo-sync-e2e-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(root_);
        emulator_.emplace(child_process::start(
            {bin("sf-emulator"),
             "--listen",
             "127.0.0.1:0",
             "--org",
             std::string(FAKTURAD_SOURCE_DIR) + "/emulators/salesforce/orgs/demo.yaml",
             "--static-token",
             "e2e-token"},
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
        auto daemon = start_synced(name, batch_rows, "1h");
        daemon.send_signal(SIGTERM);
        daemon.wait_for_exit(20s);
    }

    // fakturad in its own folder, once its first sync pass is done (a failed expectation otherwise).
    child_process start_synced(const std::string& name, int batch_rows, const std::string& poll) {
        const auto dir = root_ / name;
        std::filesystem::create_directories(dir);
        std::string yaml(config_template);
        yaml = replace_all(yaml, "@SRC@", FAKTURAD_SOURCE_DIR);
        yaml = replace_all(yaml, "@DIR@", dir.string());
        yaml = replace_all(yaml, "@SF@", "http://127.0.0.1:" + port_);
        yaml = replace_all(
            yaml, "@BATCH@", batch_rows > 0 ? "  sync_batch_rows: " + std::to_string(batch_rows) : ""
        );
        yaml = replace_all(yaml, "@POLL@", poll);
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
        EXPECT_TRUE(synced && detail.starts_with("last pass:")) << read_file(dir / "fakturad.log");
        return daemon;
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

TEST_F(demo_sync_e2e_test, FirstLoadInSmallBatchesStoresWhatOneBatchStores) {
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

// A subscription item deleted in Salesforce: the subscription record does not change, so its poll never
// sees it. The poll of the items reads deleted ones too (queryAll) and re-reads their subscription; the plan
// then carries the item only up to its removal. The emulator's clock jumps ahead first and another item
// changes, so that the polls' overlap window no longer re-reads every seed record (which would find the
// deletion by accident).
TEST_F(demo_sync_e2e_test, DeletedSubscriptionItemReachesItsPlan) {
    auto daemon = start_synced("deletion", 0, "1s");
    if (HasFailure()) {
        return;
    }
    auto item_id = [&](const std::string& condition) {
        const auto found = testing::sf_call(
            port_,
            "GET",
            "/services/data/v62.0/query?q=SELECT+Id+FROM+Subscription_Item__c+WHERE+" + condition
        );
        const auto* records = found.is_object() ? found.as_object().if_contains("records") : nullptr;
        return records != nullptr && records->as_array().size() == 1
                   ? std::string(records->as_array()[0].as_object().at("Id").as_string())
                   : std::string();
    };
    const std::string item = item_id("Quantity__c+=+12+AND+Unit_Price__c+=+85");
    const std::string other = item_id("Quantity__c+=+20+AND+Unit_Price__c+=+129");
    ASSERT_FALSE(item.empty() || other.empty());
    const std::string end_of_item =
        "SELECT ifnull(json_extract(j.value, '$.end'), 'open') FROM billing_plans, "
        "json_each(billing_plans.plan_document, '$.items') j WHERE json_extract(j.value, '$.key') = '" +
        item + "'";
    EXPECT_EQ(sql("deletion", end_of_item), "open\n");

    (void)testing::sf_call(port_, "POST", "/__emulator/clock", R"({"set":"2030-01-01T00:00:00Z"})");
    (void)testing::sf_call(
        port_, "PATCH", "/services/data/v62.0/sobjects/Subscription_Item__c/" + other, R"({"Quantity__c":21})"
    );
    const auto subscription = testing::sf_call(
        port_,
        "GET",
        "/services/data/v62.0/query?q=SELECT+Id+FROM+Subscription__c+WHERE+Name+=+'SUB-1002+Data+platform'"
    );
    ASSERT_TRUE(subscription.is_object() && subscription.as_object().at("records").as_array().size() == 1);
    const std::string sub02(
        subscription.as_object().at("records").as_array()[0].as_object().at("Id").as_string()
    );
    (void)testing::sf_call(
        port_, "PATCH", "/services/data/v62.0/sobjects/Subscription__c/" + sub02, R"({"Auto_Renew__c":true})"
    );
    // Both polls of the subscriptions mapping (subscriptions, items) have moved past the seed records.
    const std::string moved_cursors =
        "SELECT count(*) FROM sync_cursors WHERE object_name IN ('plan:subscriptions:Subscription__c', "
        "'plan:subscriptions:Subscription_Item__c') AND last_system_modstamp LIKE '2030-%'";
    ASSERT_TRUE(eventually([&] { return sql("deletion", moved_cursors) == "2\n"; }, 30s))
        << read_file(root_ / "deletion" / "fakturad.log");

    (void)testing::sf_call(port_, "DELETE", "/services/data/v62.0/sobjects/Subscription_Item__c/" + item);
    std::string end;
    EXPECT_TRUE(eventually(
        [&] {
            end = sql("deletion", end_of_item);
            return !end.empty() && end != "open\n";
        },
        30s
    )) << read_file(root_ / "deletion" / "fakturad.log");
    EXPECT_EQ(end.size(), 11U) << end;  // YYYY-MM-DD and a line end: the day of the removal
    daemon.send_signal(SIGTERM);
    daemon.wait_for_exit(20s);
}

}  // namespace
}  // namespace fakturad
