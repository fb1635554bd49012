#include "status_report.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace fakturad::daemon {
namespace {

using std::chrono::milliseconds;

instant at(long long ms) { return instant(milliseconds(ms)); }

status_snapshot sample() {
    status_snapshot s;
    s.version = "0.1.0";
    s.revision = "abc1234";
    s.pid = 4242;
    s.state = "running";
    s.started_at = at(1'795'786'288'000);  // 2026-11-27T13:31:28Z
    s.uptime = milliseconds(3'723'000);
    s.config_path = "/etc/fakturad/fakturad.yaml";
    s.config_loaded_at = s.started_at;
    s.reloads_ok = 2;
    s.reloads_failed = 1;
    s.last_reload_error = "1 error(s), first: f.yaml:3:1: YAML syntax error: end of map not found";
    s.store_backend = "sqlite";
    s.store_path = "/var/lib/fakturad/fakturad.sqlite";
    s.store_schema_version = 1;
    s.store_journal_mode = "wal";
    s.store_file_bytes = 98'304;
    s.outbox_pending = 7;
    s.outbox_in_flight = 2;
    s.sync.state = "running";
    s.sync.detail = "last pass: fetched 3, created 1";
    s.sync.quarantined = 1;
    s.sync.quarantine.push_back("Opportunity 006000000000001AAA: value 'Fortnightly' is not in the map");
    s.connectors.push_back({"salesforce", "not configured", "no salesforce section in the configuration"});
    return s;
}

TEST(StatusReport, JsonCarriesEveryField) {
    const auto json = to_json(sample());
    for (const char* part : {
             R"("version":"0.1.0")",
             R"("pid":4242)",
             R"("state":"running")",
             R"("started_at":"2026-11-27T13:31:28.000Z")",
             R"("uptime_seconds":3723)",
             R"("reloads_failed":1)",
             R"("schema_version":1)",
             R"("outbox_pending":7)",
             R"("outbox_in_flight":2)",
             R"("quarantined":1)",
             R"("last_sync":null)",
             R"("last_run":null)",
         }) {
        EXPECT_NE(json.find(part), std::string::npos) << part << " missing in " << json;
    }
}

TEST(StatusReport, TextRenderingForPeople) {
    auto s = sample();
    s.last_sync = last_sync_status{"Opportunity", at(1'795'786'300'000)};
    s.last_run =
        last_run_status{"17", "2026-12-01", "finished", at(1'795'786'301'000), at(1'795'786'302'500)};
    EXPECT_EQ(
        render_status_text(to_json(s)),
        "fakturad    0.1.0 (abc1234)\n"
        "state       running, pid 4242, up 1h2m3s since 2026-11-27T13:31:28.000Z\n"
        "config      /etc/fakturad/fakturad.yaml, loaded 2026-11-27T13:31:28.000Z, reloads 2 ok / 1 failed\n"
        "            last reload failed: 1 error(s), first: f.yaml:3:1: YAML syntax error: end of map not "
        "found\n"
        "store       sqlite /var/lib/fakturad/fakturad.sqlite, schema v1, wal, 96.0 KiB, outbox pending 7, "
        "in "
        "flight 2, failed 0\n"
        "salesforce  not configured — no salesforce section in the configuration\n"
        "last sync   Opportunity at 2026-11-27T13:31:40.000Z\n"
        "sync        running — last pass: fetched 3, created 1\n"
        "quarantine  1 record(s)\n"
        "            Opportunity 006000000000001AAA: value 'Fortnightly' is not in the map\n"
        "last run    17, cutoff 2026-12-01, finished, finished 2026-11-27T13:31:42.500Z\n"
    );
}

TEST(StatusReport, RejectsSomethingElse) {
    EXPECT_THROW((void)render_status_text("<html>"), std::runtime_error);
    EXPECT_THROW((void)render_status_text("[1,2]"), std::runtime_error);
}

}  // namespace
}  // namespace fakturad::daemon
