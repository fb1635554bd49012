// The Salesforce sync and invoice runs end to end, with the real binaries: sf-emulator serving an org that
// each test writes, fakturad with the opportunity-products mapping against it, fakturactl to drive it.
// Outcomes are read where an operator would look: the store (sqlite) and the org (SOQL with the emulator's
// static token). Covered: a Closed Won Opportunity becomes a plan, a numbered invoice, records, files and a
// billed-through date in the org; a quantity change arriving by change event is credited and recharged
// prorated; a change announced only by a gap event or an overflow event (polls an hour apart) still
// reaches the plan; a lost Opportunity ends its plan; a mapping error is quarantined, reported to the org and
// released by a resync; an invoice run killed half way finishes after the restart without duplicates.
#include "../daemon/process.hpp"
#include "fakturad/core/logger.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace fakturad {
namespace {

using namespace std::chrono_literals;
using testing::child_process;
using testing::eventually;
using testing::read_file;
using store_rows = std::vector<std::vector<std::optional<std::string>>>;

constexpr std::string_view sf_token = "billing-sync-e2e-token";
constexpr std::string_view sf_secret = "fakturad-e2e-consumer-secret";  // of org_template's app
constexpr std::string_view api = "/services/data/v62.0";
constexpr std::int64_t licence_cents = 4990;  // the one product's unit price, 49.90 EUR

class null_logger final : public logger {
public:
    void write(log_level, std::string_view, std::span<const log_field>) noexcept override {}
    [[nodiscard]] bool enabled(log_level) const noexcept override { return false; }
};

// ---- values -------------------------------------------------------------------------------------------

// The value at a JSON pointer as text ("" when absent or null; numbers and booleans serialized).
std::string text_at(const boost::json::value& doc, std::string_view pointer) {
    boost::system::error_code ec;
    const auto* v = doc.find_pointer(pointer, ec);
    if (v == nullptr || v->is_null()) {
        return "";
    }
    return v->is_string() ? std::string(v->as_string()) : boost::json::serialize(*v);
}

// Cents of a decimal as the store and the org write it ("149.7", "-19.96", "28.44").
std::int64_t cents(std::string_view text) {
    const bool negative = !text.empty() && text.front() == '-';
    if (negative) {
        text.remove_prefix(1);
    }
    const auto point = text.find('.');
    std::string digits(text.substr(0, point));
    std::string fraction = point == std::string_view::npos ? "" : std::string(text.substr(point + 1));
    if (digits.empty() || fraction.size() > 2) {
        throw std::invalid_argument("not an amount in cents: " + std::string(text));
    }
    fraction.resize(2, '0');
    const std::int64_t value = std::stoll(digits) * 100 + std::stoll(fraction);
    return negative ? -value : value;
}

// Cents of an amount field of a record from the org (a JSON number, 149.7).
std::int64_t cents_at(const boost::json::value& record, std::string_view pointer) {
    boost::system::error_code ec;
    const auto* v = record.find_pointer(pointer, ec);
    if (v == nullptr || !v->is_number()) {
        throw std::invalid_argument(
            "no amount at " + std::string(pointer) + ": " + boost::json::serialize(record)
        );
    }
    return std::llround(v->to_number<double>() * 100);
}

// amount × days / period_days to the cent, half away from zero: the engine's proration by actual days.
std::int64_t prorated(std::int64_t amount_cents, std::int64_t days, std::int64_t period_days) {
    const std::int64_t twice = 2 * amount_cents * days;
    return (twice + (twice < 0 ? -period_days : period_days)) / (2 * period_days);
}

// ---- dates: the real clock, in UTC like the daemon (its config sets instance.time_zone: UTC) ----------

using std::chrono::sys_days;

sys_days today() { return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()); }

sys_days first_of_month(sys_days day) {
    const std::chrono::year_month_day ymd{day};
    return sys_days{ymd.year() / ymd.month() / 1};
}

sys_days last_of_month(sys_days day) {
    const std::chrono::year_month_day ymd{day};
    return sys_days{ymd.year() / ymd.month() / std::chrono::last};
}

std::string iso(sys_days day) {
    const std::chrono::year_month_day ymd{day};
    char text[16];
    std::snprintf(
        text,
        sizeof text,
        "%04d-%02u-%02u",
        static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()),
        static_cast<unsigned>(ymd.day())
    );
    return text;
}

// Days from `first` to `last`, both included.
std::int64_t days_inclusive(sys_days first, sys_days last) { return (last - first).count() + 1; }

// ---- the org -------------------------------------------------------------------------------------------

// A Closed Won Opportunity with an Account of its own and one line: `quantity` monthly licences.
struct opportunity {
    std::string name;
    std::string billing_start;
    std::string billing_period = "Monthly";
    int quantity = 3;
    bool project = false;  // billed by milestones (project-milestones.yaml) instead of periods
};

// The head of an org file (emulators/salesforce/orgs/*.yaml, the demo org's keys; @SRC@ the source tree)
// with the records every test shares: one product, a monthly per-unit licence at 49.90 EUR (services), in
// the standard price book.
constexpr std::string_view org_template = R"(org_id: 00D5g00000E2E01
user_id: 0055g00000E2E01
username: integration@fakturad-e2e.example
metadata: @SRC@/salesforce/force-app/main/default
daily_api_requests: 1000000
session_seconds: 7200
connected_apps:
  - consumer_key: fakturad-e2e-consumer-key
    consumer_secret: fakturad-e2e-consumer-secret
    run_as: integration@fakturad-e2e.example
records:
  Product2:
    - _key: lic
      Name: Cloud Suite Standard user licence
      ProductCode: LIC-STD
      IsActive: true
      Charge_Type__c: Recurring
      Pricing_Model__c: Per Unit
      Billing_Period__c: Monthly
      Unit_Code__c: C62
      Supply_Type__c: Services
  Pricebook2:
    - {_key: standard, Name: "Standard Price Book", IsActive: true}
  PricebookEntry:
    - {_key: pbe_lic, Pricebook2Id: "@standard", Product2Id: "@lic", UnitPrice: 49.9, IsActive: true}
)";

std::string replace_all(std::string text, std::string_view placeholder, std::string_view value) {
    for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at)) {
        text.replace(at, placeholder.size(), value);
        at += value.size();
    }
    return text;
}

// The org file: org_template and the opportunities. The Accounts are German businesses with English
// invoices, so that line texts say "prorated".
std::string org_yaml(const std::vector<opportunity>& opportunities) {
    std::ostringstream y;
    y << replace_all(std::string(org_template), "@SRC@", FAKTURAD_SOURCE_DIR);
    y << "  Account:\n";
    for (std::size_t i = 0; i < opportunities.size(); ++i) {
        y << "    - {_key: acc" << i << ", Name: \"" << opportunities[i].name
          << " GmbH\", BillingStreet: \"Industriestrasse 14\", BillingPostalCode: \"70565\","
             " BillingCity: Stuttgart, BillingCountry: Germany, VAT_Number__c: DE614340368,"
             " Invoice_Email__c: rechnungen@example.com, Invoice_Language__c: English,"
             " Customer_Type__c: Business}\n";
    }
    y << "  Opportunity:\n";
    for (std::size_t i = 0; i < opportunities.size(); ++i) {
        const auto& o = opportunities[i];
        y << "    - {_key: opp" << i << ", Name: \"" << o.name << "\", AccountId: \"@acc" << i
          << "\", StageName: \"Closed Won\", CloseDate: \"2026-10-15\", Type: \"New Customer\","
             " Pricebook2Id: \"@standard\", ";
        if (o.project) {
            y << "Project_Billing__c: true, Advance_Percent__c: 30, Delivery_Percent__c: 40";
        } else {
            y << "Billing_Start__c: \"" << o.billing_start << "\", Billing_Period__c: " << o.billing_period;
        }
        y << ", Billing_Currency__c: EUR, Legal_Entity__c: DE01}\n";
    }
    y << "  OpportunityLineItem:\n";
    for (std::size_t i = 0; i < opportunities.size(); ++i) {
        y << "    - {OpportunityId: \"@opp" << i
          << "\", PricebookEntryId: \"@pbe_lic\", Quantity: " << opportunities[i].quantity
          << ", UnitPrice: 49.9}\n";
    }
    return y.str();
}

std::string url_encoded(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-') {
            out.push_back(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
            out += hex;
        }
    }
    return out;
}

struct http_answer {
    int status = 0;
    std::string body;
};

// One REST call to the emulator with its static token (plain HTTP on loopback, one connection per call).
http_answer sf_call(
    const std::string& port, std::string_view method, std::string_view target, std::string_view body = {}
) {
    boost::asio::ip::tcp::iostream http;
    http.expires_after(30s);
    http.connect("127.0.0.1", port);
    http << method << ' ' << target << " HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " << sf_token
         << "\r\n";
    if (!body.empty()) {
        http << "Content-Type: application/json\r\nContent-Length: " << body.size() << "\r\n";
    }
    http << "\r\n" << body << std::flush;
    const std::string response((std::istreambuf_iterator<char>(http)), std::istreambuf_iterator<char>());
    const auto space = response.find(' ');
    const auto end_of_head = response.find("\r\n\r\n");
    if (space == std::string::npos || end_of_head == std::string::npos) {
        throw std::runtime_error(
            "no HTTP answer from sf-emulator to " + std::string(target) + ": " + response
        );
    }
    return {std::atoi(response.c_str() + space + 1), response.substr(end_of_head + 4)};
}

// fakturad's configuration: config/examples/demo.yaml with the state in the test's directory (@DIR@), the
// emulator as the org (@SF@), the opportunity-products mapping and the example billing files of the
// source tree (@SRC@), no schedule and no HTTP listener.
constexpr std::string_view config_template = R"(instance:
  name: fakturad-billing-e2e
  # The test computes "today" from the real clock in UTC; the daemon dates changes by the same calendar.
  time_zone: UTC
log:
  level: debug
  format: text
daemon:
  worker_threads: 2
  # With change events on, every stop waits this long: the change-events job's held CometD connect does
  # not end on the stop request. 1 s keeps the tear-downs short.
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
    client_id: fakturad-e2e-consumer-key
    client_secret_env: FAKTURAD_E2E_SF_SECRET
  # Change events bring edits in at once; the short poll bounds the wait when one is missed (tests of
  # what the events alone do poll hourly).
  poll_interval: @POLL@
  change_events: on
# The mapping under test. Its writeback section names Subscription__c as a plan source, which binds only
# beside a plan mapping that reads Subscription__c (mapping/README.md, plan_source): subscriptions.yaml,
# which finds no Subscription__c in these orgs.
mappings:
  - @OPPORTUNITY_MAPPING@
  - @SRC@/config/examples/mappings/subscriptions.yaml
  - @SRC@/config/examples/mappings/project-milestones.yaml
billing:
  legal_entities: @SRC@/config/examples/billing/legal-entities.yaml
  tax_rules: @SRC@/config/examples/tax/tax-rules.yaml
  exchange_rates: @SRC@/config/examples/billing/exchange-rates.yaml
  invoice_numbers: "RE-{YYYY}-{seq:06}"
  credit_note_numbers: "GS-{YYYY}-{seq:06}"
  finalize: @FINALIZE@
  output_dir: @DIR@/out
  pdf_template: @SRC@/config/examples/templates/musterfirma/template.yaml
)";

// One line of a stored document (invoices.document): what the tests look at.
struct doc_line {
    std::string kind;
    std::int64_t net = 0;
    std::string first;
    std::string last;
    std::string description;
    std::string prorated_days;
};

// ---- the fixture --------------------------------------------------------------------------------------

class billing_sync_e2e_test : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("fakturad-billing-e2e-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
    }

    void TearDown() override {
        db_.reset();
        stop(daemon_);
        stop(emulator_);
        if (HasFailure()) {
            // The daemon's view of what went wrong; the assertion says what was expected.
            const std::string log = read_file(dir_ / "fakturad.log");
            std::fprintf(
                stderr,
                "---- fakturad.log (last 6000 bytes) ----\n%s\n",
                log.substr(log.size() > 6000 ? log.size() - 6000 : 0).c_str()
            );
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    static void stop(std::optional<child_process>& process) {
        if (process && !process->wait_for_exit(0ms)) {
            process->send_signal(SIGTERM);
            process->wait_for_exit(20s);
            process.reset();  // SIGKILL if it did not stop
        }
    }

    // sf-emulator serving `opportunities` on a free port; its records persist in org.json.
    void start_org(const std::vector<opportunity>& opportunities) {
        std::ofstream(dir_ / "org.yaml") << org_yaml(opportunities);
        emulator_.emplace(child_process::start(
            {bin("sf-emulator"),
             "--listen",
             "127.0.0.1:0",
             "--org",
             (dir_ / "org.yaml").string(),
             "--static-token",
             std::string(sf_token),
             "--persist",
             (dir_ / "org.json").string()},
            dir_ / "sf-emulator.log"
        ));
        // The first stdout line is "listening on 127.0.0.1:PORT".
        const bool listening = eventually([&] {
            sf_port_ = testing::listening_port_in(dir_ / "sf-emulator.log");
            return !sf_port_.empty();
        });
        ASSERT_TRUE(listening) << read_file(dir_ / "sf-emulator.log");
    }

    // The configuration (config_template) for the org started last.
    void write_config() {
        std::string yaml(config_template);
        yaml = replace_all(yaml, "@OPPORTUNITY_MAPPING@", opportunity_mapping_);
        yaml = replace_all(yaml, "@SRC@", FAKTURAD_SOURCE_DIR);
        yaml = replace_all(yaml, "@DIR@", dir_.string());
        yaml = replace_all(yaml, "@SF@", "http://127.0.0.1:" + sf_port_);
        yaml = replace_all(yaml, "@FINALIZE@", finalize_);
        yaml = replace_all(yaml, "@POLL@", poll_interval_);
        std::ofstream(config()) << yaml;
    }

    // fakturad against the org with config_template.
    void start_daemon() {
        write_config();
        daemon_.emplace(child_process::start(
            {bin("fakturad"), "--config", config().string()}, dir_ / "fakturad.log", env()
        ));
    }

    void start_and_wait_for_first_sync(const std::vector<opportunity>& opportunities) {
        ASSERT_NO_FATAL_FAILURE(start_org(opportunities));
        start_daemon();
        std::string state;
        std::string detail;
        const bool synced = eventually_paced(
            [&] {
                if (daemon_->wait_for_exit(0ms)) {
                    return true;  // reported below
                }
                const auto s = status();
                state = text_at(s, "/sync/state");
                detail = text_at(s, "/sync/detail");
                return state == "mapping errors" || detail.starts_with("last pass:");
            },
            90s
        );
        ASSERT_TRUE(synced) << "no sync pass: " << state << ": " << detail;
        ASSERT_FALSE(daemon_->wait_for_exit(0ms)) << "fakturad exited during start-up";
        ASSERT_NE(state, "mapping errors") << detail;
    }

    // Until the write-back queue is empty (what the demo waits for), with no message given up.
    void wait_for_writeback() {
        boost::json::value s;
        const bool drained = eventually_paced(
            [&] {
                s = status();
                return text_at(s, "/store/outbox_pending") == "0" &&
                       text_at(s, "/store/outbox_in_flight") == "0";
            },
            120s
        );
        ASSERT_TRUE(drained) << boost::json::serialize(s);
        EXPECT_EQ(text_at(s, "/store/outbox_failed"), "0");
    }

    testing::run_result ctl(std::vector<std::string> args) {
        args.insert(args.begin(), {bin("fakturactl"), "--config", config().string()});
        return testing::run_to_end(args, dir_, env());
    }

    // `fakturactl status --json`; null while the daemon does not answer.
    boost::json::value status() {
        const auto r = ctl({"status", "--json"});
        boost::system::error_code ec;
        auto doc = boost::json::parse(r.output, ec);
        return r.exit_status == 0 && !ec ? doc : boost::json::value{};
    }

    // Invoice run for `date`, finalized at once; fakturactl follows it to its end.
    testing::run_result invoice_run(const std::string& date) {
        return ctl({"invoice-run", "--date", date, "--finalize"});
    }

    store_rows sql(std::string_view query) {
        if (!db_) {
            // Opened only once the daemon has migrated it; never touches the daemon's outbox leases.
            const store::sqlite_options options{.path = dir_ / "fakturad.sqlite", .recover_in_flight = false};
            db_.emplace(store::sqlite_store::open(options, log_));
        }
        return db_->query_for_test(query);
    }

    // The single value of a one-row, one-column query ("" for NULL or no row).
    std::string sql_value(std::string_view query) {
        const auto rows = sql(query);
        return rows.empty() || !rows[0][0] ? std::string{} : *rows[0][0];
    }

    // Every record a SOQL query selects (following nextRecordsUrl).
    boost::json::array soql(const std::string& query) {
        boost::json::array records;
        std::string target = std::string(api) + "/query?q=" + url_encoded(query);
        while (!target.empty()) {
            const auto answer = sf_call(sf_port_, "GET", target);
            boost::system::error_code ec;
            const auto page = boost::json::parse(answer.body, ec);
            if (answer.status != 200 || ec || !page.is_object() || !page.as_object().contains("records")) {
                throw std::runtime_error(
                    "SOQL " + query + " answered " + std::to_string(answer.status) + ": " + answer.body
                );
            }
            for (const auto& r : page.as_object().at("records").as_array()) {
                records.push_back(r);
            }
            target = text_at(page, "/nextRecordsUrl");
        }
        return records;
    }

    // PATCH of one record through the REST API, as a user's edit: the org emits its change event.
    void sf_update(std::string_view object, const std::string& id, const boost::json::object& fields) {
        const auto answer = sf_call(
            sf_port_,
            "PATCH",
            std::string(api) + "/sobjects/" + std::string(object) + "/" + id,
            boost::json::serialize(fields)
        );
        ASSERT_EQ(answer.status, 204) << answer.body;
    }

    // Opportunity Name -> {Id, AccountId}.
    std::map<std::string, std::pair<std::string, std::string>> opportunities() {
        std::map<std::string, std::pair<std::string, std::string>> out;
        for (const auto& r : soql("SELECT Id, Name, AccountId FROM Opportunity")) {
            out[text_at(r, "/Name")] = {text_at(r, "/Id"), text_at(r, "/AccountId")};
        }
        return out;
    }

    // Until fakturad follows the org's change events (a connect of the emulator's CometD server).
    void wait_for_change_subscription() {
        std::string stats;
        const bool subscribed = eventually_paced(
            [&] {
                stats = sf_call(sf_port_, "GET", "/__emulator/stats").body;
                return text_at(boost::json::parse(stats), "/cometd_subscriptions") != "0";
            },
            30s
        );
        ASSERT_TRUE(subscribed) << stats;
    }

    // The quantity changes of the one plan (JSON array) once there are any; "" when none came in 30 s.
    std::string plan_changes() {
        std::string changes;
        eventually(
            [&] {
                changes =
                    sql_value("SELECT json_extract(plan_document, '$.items[0].changes') FROM billing_plans");
                return !changes.empty() && changes != "[]";
            },
            30s
        );
        return changes == "[]" ? std::string{} : changes;
    }

    // A quantity edit that the org announces only the way `change_events` (the emulator's control body)
    // makes it, with polls an hour apart: what the daemon does with that event alone must bring it in.
    void expect_edit_through_event(std::string_view change_events) {
        const sys_days start = first_of_month(first_of_month(today()) - std::chrono::days{1});
        poll_interval_ = "1h";
        ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync({{"Lindner Feinmechanik", iso(start)}}));
        ASSERT_NO_FATAL_FAILURE(wait_for_change_subscription());
        const auto item_id = line_item_of(opportunities().at("Lindner Feinmechanik").first);
        ASSERT_FALSE(item_id.empty());
        const auto control = sf_call(sf_port_, "POST", "/__emulator/change-events", change_events);
        ASSERT_EQ(control.status, 200) << control.body;
        ASSERT_NO_FATAL_FAILURE(sf_update("OpportunityLineItem", item_id, {{"Quantity", 7}}));
        const auto changes = plan_changes();
        ASSERT_FALSE(changes.empty()) << "the plan never showed the quantity change";
        const auto change = boost::json::parse(changes);
        ASSERT_EQ(change.as_array().size(), 1u) << changes;
        EXPECT_EQ(text_at(change, "/0/quantity"), "7");
        EXPECT_EQ(text_at(change, "/0/effective"), iso(today())) << "effective from the day it was seen";
    }

    std::string line_item_of(const std::string& opportunity_id) {
        const auto r =
            soql("SELECT Id FROM OpportunityLineItem WHERE OpportunityId = '" + opportunity_id + "'");
        return r.size() == 1 ? text_at(r[0], "/Id") : std::string{};
    }

    // The lines of a stored document, from its JSON snapshot (the kind and proration are only there).
    std::vector<doc_line> document_lines(const std::string& invoice_id) {
        std::vector<doc_line> out;
        for (const auto& r :
             sql("SELECT json_extract(l.value, '$.kind'), json_extract(l.value, '$.net'),"
                 " json_extract(l.value, '$.period.first'), json_extract(l.value, '$.period.last'),"
                 " json_extract(l.value, '$.description'), json_extract(l.value, '$.prorated.days')"
                 " FROM invoices i, json_each(i.document, '$.lines') l WHERE i.id = " +
                 invoice_id + " ORDER BY l.key")) {
            out.push_back(
                {r[0].value_or(""),
                 cents(r[1].value_or("0")),
                 r[2].value_or(""),
                 r[3].value_or(""),
                 r[4].value_or(""),
                 r[5].value_or("")}
            );
        }
        return out;
    }

    // Polls a condition that starts a process or calls the org at a pace that leaves the CPU to the
    // daemon (both cores are shared), within the same bound as `eventually`.
    template <typename Condition>
    static bool eventually_paced(Condition condition, std::chrono::milliseconds timeout) {
        return eventually(
            [&] {
                if (condition()) {
                    return true;
                }
                std::this_thread::sleep_for(150ms);
                return false;
            },
            timeout
        );
    }

    static std::string bin(std::string_view name) {
        return std::string(FAKTURAD_BINARY_DIR) + "/bin/" + std::string(name);
    }
    [[nodiscard]] std::filesystem::path config() const { return dir_ / "fakturad.yaml"; }
    [[nodiscard]] std::filesystem::path output_dir() const { return dir_ / "out"; }
    static std::map<std::string, std::string> env() {
        return {{"FAKTURAD_E2E_SF_SECRET", std::string(sf_secret)}};
    }

    std::filesystem::path dir_;
    std::string finalize_ = "immediately";  // billing.finalize
    // The Opportunity mapping file the configuration names (a test may name an edited copy).
    std::string opportunity_mapping_ = "@SRC@/config/examples/mappings/opportunity-products.yaml";
    std::string poll_interval_ = "1s";  // salesforce.poll_interval
    std::string sf_port_;
    std::optional<child_process> emulator_;
    std::optional<child_process> daemon_;
    null_logger log_;
    std::optional<store::sqlite_store> db_;
};

// ---- tests --------------------------------------------------------------------------------------------

TEST_F(billing_sync_e2e_test, ClosedWonOpportunityBecomesInvoiceRecordsAndFiles) {
    ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync({{"Brandt Maschinenbau", "2026-12-01"}}));
    const auto [opp_id, account_id] = opportunities().at("Brandt Maschinenbau");
    ASSERT_EQ(opp_id.size(), 18u);

    const auto plans = sql("SELECT source_object, source_record_id, status FROM billing_plans");
    ASSERT_EQ(plans.size(), 1u);
    EXPECT_EQ(plans[0][0], "Opportunity");
    EXPECT_EQ(plans[0][1], opp_id);
    EXPECT_EQ(plans[0][2], "active");

    const auto run = invoice_run("2026-12-01");
    ASSERT_EQ(run.exit_status, 0) << run.output;

    // December in advance: 3 × 49.90 = 149.70 EUR net, 19 % VAT (German business buyer) = 28.44.
    const auto invoices =
        sql("SELECT id, number, type_code, currency, total_net, total_tax, total_gross, service_start,"
            " service_end FROM invoices WHERE status = 'finalized'");
    ASSERT_EQ(invoices.size(), 1u);
    const auto& inv = invoices[0];
    EXPECT_EQ(inv[1], "RE-2026-000001");
    EXPECT_EQ(inv[2], "invoice");
    EXPECT_EQ(inv[3], "EUR");
    EXPECT_EQ(cents(*inv[4]), 3 * licence_cents);
    EXPECT_EQ(cents(*inv[5]), 2844);
    EXPECT_EQ(cents(*inv[6]), 3 * licence_cents + 2844);
    EXPECT_EQ(inv[7], "2026-12-01");
    EXPECT_EQ(inv[8], "2026-12-31");
    const auto lines =
        sql("SELECT quantity, unit_price, net_amount, tax_category, tax_rate, period_start, period_end"
            " FROM invoice_lines WHERE invoice_id = " +
            *inv[0] + " ORDER BY position");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0][0], "3");
    EXPECT_EQ(cents(*lines[0][1]), licence_cents);
    EXPECT_EQ(lines[0][3], "S");
    EXPECT_EQ(lines[0][4], "19");
    EXPECT_EQ(lines[0][5], "2026-12-01");
    EXPECT_EQ(lines[0][6], "2026-12-31");
    EXPECT_EQ(sql_value("SELECT count(*) FROM invoices WHERE status = 'draft'"), "0");

    ASSERT_NO_FATAL_FAILURE(wait_for_writeback());

    const auto records = soql(
        "SELECT Id, Account__c, Source_Record_Id__c, Net_Amount__c, Gross_Amount__c, Status__c"
        " FROM Invoice__c WHERE Document_Number__c = 'RE-2026-000001'"
    );
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(text_at(records[0], "/Account__c"), account_id);
    EXPECT_EQ(text_at(records[0], "/Source_Record_Id__c"), opp_id);
    EXPECT_EQ(cents_at(records[0], "/Net_Amount__c"), 3 * licence_cents);
    EXPECT_EQ(cents_at(records[0], "/Gross_Amount__c"), 3 * licence_cents + 2844);
    const auto invoice_sf_id = text_at(records[0], "/Id");
    EXPECT_EQ(
        soql("SELECT Id FROM Invoice_Line__c WHERE Invoice__c = '" + invoice_sf_id + "'").size(), lines.size()
    );
    const auto opp = soql("SELECT Billed_Through__c FROM Opportunity WHERE Id = '" + opp_id + "'");
    ASSERT_EQ(opp.size(), 1u);
    EXPECT_EQ(text_at(opp[0], "/Billed_Through__c"), "2026-12-31");
    std::set<std::string> attached;
    for (const auto& f : soql(
             "SELECT PathOnClient FROM ContentVersion WHERE FirstPublishLocationId = '" + account_id + "'"
         )) {
        attached.insert(text_at(f, "/PathOnClient"));
    }
    EXPECT_EQ(attached, (std::set<std::string>{"RE-2026-000001.pdf", "RE-2026-000001.xml"}));

    const std::string pdf = read_file(output_dir() / "DE01" / "RE-2026-000001.pdf");
    const std::string xml = read_file(output_dir() / "DE01" / "RE-2026-000001.xml");
    EXPECT_TRUE(pdf.starts_with("%PDF-")) << "output_dir holds the PDF";
    EXPECT_NE(xml.find("RE-2026-000001"), std::string::npos) << "output_dir holds the XML";
}

TEST_F(billing_sync_e2e_test, QuantityChangeByChangeEventIsProrated) {
    // fakturad dates a change by the day it sees it: the real clock decides the periods.
    const sys_days day = today();
    const sys_days month_start = first_of_month(day);
    const sys_days month_end = last_of_month(day);
    if (day == month_start || day == month_end) {
        GTEST_SKIP() << "today (" << iso(day)
                     << ") is the first or last day of its month: a change today leaves no days of this "
                        "month on both sides of it to credit and recharge prorated";
    }
    const sys_days next_month = month_end + std::chrono::days{1};
    const std::int64_t month_days = days_inclusive(month_start, month_end);
    const std::int64_t changed_days = days_inclusive(day, month_end);

    ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync({{"Kessler Medizintechnik", iso(month_start)}}));
    const auto opp_id = opportunities().at("Kessler Medizintechnik").first;
    const auto item_id = line_item_of(opp_id);
    ASSERT_FALSE(item_id.empty());

    // This month, billed in advance at 3 licences.
    const auto first = invoice_run(iso(month_start));
    ASSERT_EQ(first.exit_status, 0) << first.output;
    ASSERT_EQ(
        cents(sql_value("SELECT total_net FROM invoices WHERE status = 'finalized'")), 3 * licence_cents
    );

    // A user raises the quantity to 5 today; the org's change event (or the 1 s poll) brings it in.
    const auto edited = std::chrono::steady_clock::now();
    ASSERT_NO_FATAL_FAILURE(sf_update("OpportunityLineItem", item_id, {{"Quantity", 5}}));
    const std::string changes = plan_changes();
    ASSERT_FALSE(changes.empty()) << "the plan never showed the quantity change";
    std::printf(
        "[timing] quantity change in the store %lld ms after the edit\n",
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - edited)
                .count()
        )
    );
    const auto change = boost::json::parse(changes);
    ASSERT_EQ(change.as_array().size(), 1u) << changes;
    EXPECT_EQ(text_at(change, "/0/effective"), iso(day)) << "effective from the day it was seen";
    EXPECT_EQ(text_at(change, "/0/quantity"), "5");

    // Next month's run: credit the unused days billed at 3, charge them at 5, then next month at 5.
    const auto second = invoice_run(iso(next_month));
    ASSERT_EQ(second.exit_status, 0) << second.output;
    const auto invoice_id = sql_value("SELECT max(id) FROM invoices WHERE status = 'finalized'");
    const auto lines = document_lines(invoice_id);
    const doc_line* credit = nullptr;
    const doc_line* recharge = nullptr;
    const doc_line* next = nullptr;
    for (const auto& l : lines) {
        if (l.kind == "proration_credit") {
            credit = &l;
        } else if (l.kind == "charge" && l.first == iso(day)) {
            recharge = &l;
        } else if (l.kind == "charge" && l.first == iso(next_month)) {
            next = &l;
        }
    }
    ASSERT_EQ(lines.size(), 3u) << "credit, prorated charge, next month";
    ASSERT_NE(credit, nullptr);
    ASSERT_NE(recharge, nullptr);
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(credit->first, iso(day));
    EXPECT_EQ(credit->last, iso(month_end));
    EXPECT_EQ(credit->net, -prorated(3 * licence_cents, changed_days, month_days));
    EXPECT_EQ(credit->prorated_days, std::to_string(changed_days));
    EXPECT_EQ(recharge->last, iso(month_end));
    EXPECT_EQ(recharge->net, prorated(5 * licence_cents, changed_days, month_days));
    EXPECT_NE(recharge->description.find("prorated"), std::string::npos) << recharge->description;
    EXPECT_EQ(recharge->prorated_days, std::to_string(changed_days));
    EXPECT_EQ(next->last, iso(last_of_month(next_month)));
    EXPECT_EQ(next->net, 5 * licence_cents);
    EXPECT_EQ(next->prorated_days, "") << "a full month is not prorated";
    EXPECT_EQ(
        cents(sql_value("SELECT total_net FROM invoices WHERE id = " + invoice_id)),
        credit->net + recharge->net + next->net
    );
}

// Salesforce could not describe the change: a GAP_UPDATE names the line item and carries none of its fields.
TEST_F(billing_sync_e2e_test, ChangeAnnouncedOnlyByAGapEventReachesThePlan) {
    expect_edit_through_event(R"({"gap_next":1})");
}

// The edit's transaction is past the change threshold: one GAP_OVERFLOW for OpportunityLineItem, no ids.
TEST_F(billing_sync_e2e_test, ChangeInAnOverflowingTransactionReachesThePlan) {
    expect_edit_through_event(R"({"overflow_after":0})");
}

TEST_F(billing_sync_e2e_test, LostOpportunityEndsItsPlan) {
    const sys_days day = today();
    const sys_days month_start = first_of_month(day);
    const sys_days month_end = last_of_month(day);
    const sys_days next_month = month_end + std::chrono::days{1};

    ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync({{"Havelland Solar", iso(month_start)}}));
    const auto opp_id = opportunities().at("Havelland Solar").first;
    const auto first = invoice_run(iso(month_start));
    ASSERT_EQ(first.exit_status, 0) << first.output;
    const auto billed = sql_value("SELECT max(id) FROM invoices WHERE status = 'finalized'");
    ASSERT_FALSE(billed.empty()) << "this month is billed in advance";

    ASSERT_NO_FATAL_FAILURE(sf_update("Opportunity", opp_id, {{"StageName", "Closed Lost"}}));
    store_rows plan;
    ASSERT_TRUE(eventually(
        [&] {
            plan = sql("SELECT status, ended_reason, end_date FROM billing_plans");
            return plan.size() == 1 && plan[0][0] == "ended";
        },
        30s
    )) << "the plan did not end";
    EXPECT_NE(plan[0][1].value_or("").find("no longer matches"), std::string::npos)
        << plan[0][1].value_or("");
    EXPECT_EQ(plan[0][2], iso(day)) << "ends on the day the change was seen";

    // Next month's run bills nothing after the end; it credits the days of this month after it.
    const auto later = invoice_run(iso(next_month));
    ASSERT_EQ(later.exit_status, 0) << later.output;
    EXPECT_EQ(sql_value("SELECT count(*) FROM billed_periods WHERE period_start > '" + iso(day) + "'"), "0")
        << "no period after the end is billed";
    std::int64_t credited = 0;
    for (const auto& row : sql("SELECT id FROM invoices WHERE id > " + billed)) {
        for (const auto& l : document_lines(*row[0])) {
            EXPECT_FALSE(l.kind == "charge" && l.last > iso(day))
                << "charged after the end: " << l.description;
            if (l.kind == "proration_credit") {
                EXPECT_EQ(l.first, iso(day + std::chrono::days{1})) << l.description;
                EXPECT_EQ(l.last, iso(month_end)) << l.description;
                credited += l.net;
            }
        }
    }
    const std::int64_t unused_days = (month_end - day).count();
    EXPECT_EQ(credited, -prorated(3 * licence_cents, unused_days, days_inclusive(month_start, month_end)))
        << "the unused days after the end, as billed";
    EXPECT_EQ(sql_value("SELECT count(*) FROM invoices WHERE status = 'draft'"), "0");
}

TEST_F(billing_sync_e2e_test, MappingErrorIsQuarantinedOthersContinue_ResyncAfterFix) {
    ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync(
        {{"Nordlicht Logistik", "2026-12-01"}, {"Nordlicht fortnightly", "2026-12-01", "Fortnightly"}}
    ));
    const auto ids = opportunities();
    const auto good_id = ids.at("Nordlicht Logistik").first;
    const auto broken_id = ids.at("Nordlicht fortnightly").first;

    EXPECT_EQ(
        sql_value("SELECT count(*) FROM billing_plans WHERE source_record_id = '" + good_id + "'"), "1"
    );
    EXPECT_EQ(
        sql_value("SELECT count(*) FROM billing_plans WHERE source_record_id = '" + broken_id + "'"), "0"
    );
    const auto s = status();
    EXPECT_EQ(text_at(s, "/sync/quarantined"), "1");
    const auto entry = text_at(s, "/sync/quarantine/0");
    EXPECT_NE(entry.find(broken_id), std::string::npos) << entry;
    EXPECT_NE(entry.find("Fortnightly"), std::string::npos) << entry;

    // The admin sees it in Salesforce.
    boost::json::array errors;
    ASSERT_TRUE(eventually_paced(
        [&] {
            errors = soql("SELECT Record_Id__c, Error_Code__c, Message__c FROM Sync_Error__c");
            return !errors.empty();
        },
        30s
    )) << "no Sync_Error__c in the org";
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(text_at(errors[0], "/Record_Id__c"), broken_id);
    EXPECT_EQ(text_at(errors[0], "/Error_Code__c"), "MAPPING_ERROR");
    EXPECT_NE(text_at(errors[0], "/Message__c").find("Fortnightly"), std::string::npos);

    // Fixed in Salesforce: its change event (or the next poll) maps it and takes it out of the quarantine.
    ASSERT_NO_FATAL_FAILURE(sf_update("Opportunity", broken_id, {{"Billing_Period__c", "Monthly"}}));
    boost::json::value after;
    ASSERT_TRUE(eventually_paced(
        [&] {
            after = status();
            return text_at(after, "/sync/quarantined") == "0";
        },
        30s
    )) << boost::json::serialize(after);
    const std::string plan_sql =
        "SELECT billing_period, status FROM billing_plans WHERE source_record_id = '" + broken_id + "'";
    auto plan = sql(plan_sql);
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_EQ(plan[0][0], "P1M");
    EXPECT_EQ(plan[0][1], "active");

    // What an admin runs after a fix: the record is re-read and, already mapped, left as it is.
    const auto resync = ctl({"resync", "--id", broken_id});
    ASSERT_EQ(resync.exit_status, 0) << resync.output;
    EXPECT_NE(resync.output.find("unchanged 1"), std::string::npos) << resync.output;
    EXPECT_NE(resync.output.find("ended 0"), std::string::npos) << resync.output;
    plan = sql(plan_sql);
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_EQ(plan[0][1], "active");
}

TEST_F(billing_sync_e2e_test, KilledMidRunFinishesWithoutDuplicates) {
    // One Account per Opportunity, so every plan is its own invoice. 400 plans take ~0.5 s to bill, so the
    // kill lands well inside the run (its progress is stored every 25 plans).
    constexpr int plans = 400;
    std::vector<opportunity> org;
    for (int i = 1; i <= plans; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "Customer %03d", i);
        org.push_back({name, "2026-12-01"});
    }
    using clock = std::chrono::steady_clock;
    auto ms_since = [](clock::time_point t) {
        return static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t).count()
        );
    };
    const auto t0 = clock::now();
    ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync(org));
    ASSERT_EQ(sql_value("SELECT count(*) FROM billing_plans WHERE status = 'active'"), std::to_string(plans));
    std::printf("[timing] first sync of %d opportunities: %lld ms\n", plans, ms_since(t0));

    // The run as an operator starts it; fakturactl follows it until the daemon is gone.
    const auto t1 = clock::now();
    auto follower = child_process::start(
        {bin("fakturactl"),
         "--config",
         config().string(),
         "invoice-run",
         "--date",
         "2026-12-01",
         "--finalize"},
        dir_ / "invoice-run.out",
        env()
    );
    store_rows run;
    ASSERT_TRUE(eventually(
        [&] {
            run = sql(
                "SELECT id, state, progress_done, plans_selected FROM invoice_runs ORDER BY id DESC LIMIT 1"
            );
            return !run.empty() &&
                   (run[0][1] != "running" || (std::stoll(*run[0][2]) > 0 && std::stoll(*run[0][2]) < plans));
        },
        60s
    )) << read_file(dir_ / "invoice-run.out");
    ASSERT_EQ(run[0][1], "running") << "the run finished before it could be killed; raise the plan count";
    daemon_->send_signal(SIGKILL);
    ASSERT_EQ(daemon_->wait_for_exit(10s), 128 + SIGKILL);
    const auto killed_after = ms_since(t1);
    // fakturactl loses the daemon and gives up; gone before the restart, it cannot follow the resumed run.
    follower.wait_for_exit(30s);
    std::printf(
        "[timing] killed %lld ms into the run at %s/%d plans, %s finalized, %s drafts\n",
        killed_after,
        run[0][2]->c_str(),
        plans,
        sql_value("SELECT count(*) FROM invoices WHERE status = 'finalized'").c_str(),
        sql_value("SELECT count(*) FROM invoices WHERE status = 'draft'").c_str()
    );

    // Restarted, the daemon resumes the run and delivers what the killed one left in the outbox.
    const auto t2 = clock::now();
    daemon_.reset();
    start_daemon();
    const std::string run_id = *run[0][0];
    ASSERT_TRUE(eventually_paced(
        [&] { return sql_value("SELECT state FROM invoice_runs WHERE id = " + run_id) == "finished"; }, 120s
    )) << "the run was not resumed";
    std::printf("[timing] resumed run finished %lld ms after the restart\n", ms_since(t2));
    EXPECT_EQ(sql_value("SELECT count(*) FROM invoice_runs"), "1") << "resumed, not started again";

    // Exactly once in the store: one invoice per plan, numbers without gap or repeat, no period twice.
    EXPECT_EQ(sql_value("SELECT count(*) FROM invoices WHERE status <> 'finalized'"), "0") << "no draft left";
    const auto numbers =
        sql("SELECT number FROM invoices WHERE status = 'finalized' AND type_code = 'invoice'"
            " ORDER BY number_value");
    ASSERT_EQ(numbers.size(), static_cast<std::size_t>(plans));
    for (int i = 0; i < plans; ++i) {
        char expected[32];
        std::snprintf(expected, sizeof expected, "RE-2026-%06d", i + 1);
        ASSERT_EQ(numbers[static_cast<std::size_t>(i)][0], expected);
    }
    EXPECT_EQ(sql_value("SELECT count(*) FROM number_voids"), "0");
    EXPECT_EQ(
        sql_value("SELECT count(*) FROM (SELECT item_id, period_start FROM billed_periods"
                  " GROUP BY item_id, period_start HAVING count(*) > 1)"),
        "0"
    );
    EXPECT_EQ(sql_value("SELECT count(DISTINCT item_id) FROM billed_periods"), std::to_string(plans));
    EXPECT_EQ(sql_value("SELECT count(DISTINCT invoice_id) FROM billed_periods"), std::to_string(plans));

    // The messages the killed daemon left pending are tried at once on the restart, fail while the mappings
    // are still being bound and wait out the one-minute retry delay: hence the minute this takes.
    ASSERT_NO_FATAL_FAILURE(wait_for_writeback());
    std::printf("[timing] write-back drained %lld ms after the restart\n", ms_since(t2));

    // Exactly once in the org: one Invoice__c per invoice, each file once.
    std::set<std::string> keys;
    std::set<std::string> documents;
    const auto records = soql("SELECT Fakturad_Key__c, Document_Number__c FROM Invoice__c");
    for (const auto& r : records) {
        keys.insert(text_at(r, "/Fakturad_Key__c"));
        documents.insert(text_at(r, "/Document_Number__c"));
    }
    EXPECT_EQ(records.size(), static_cast<std::size_t>(plans));
    EXPECT_EQ(keys.size(), static_cast<std::size_t>(plans));
    EXPECT_EQ(documents.size(), static_cast<std::size_t>(plans));
    EXPECT_EQ(soql("SELECT Id FROM Invoice_Line__c").size(), static_cast<std::size_t>(plans));
    std::map<std::string, int> paths;
    for (const auto& f : soql("SELECT PathOnClient FROM ContentVersion")) {
        ++paths[text_at(f, "/PathOnClient")];
    }
    EXPECT_EQ(paths.size(), static_cast<std::size_t>(2 * plans)) << "a PDF and an XML per invoice";
    for (const auto& [path, n] : paths) {
        EXPECT_EQ(n, 1) << path << " uploaded " << n << " times";
    }
}

TEST_F(billing_sync_e2e_test, DraftsAreEditedAndApprovedOrDiscardedInSalesforce) {
    finalize_ = "approval";
    ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync(
        {{"Brandt Maschinenbau", "2026-12-01"},
         {"Ostsee Logistik", "2026-12-01"},
         {"Alpen Kaffee", "2026-12-01"}}
    ));
    const auto opps = opportunities();
    const auto run = ctl({"invoice-run", "--date", "2026-12-01"});
    ASSERT_EQ(run.exit_status, 0) << run.output;
    EXPECT_EQ(sql_value("SELECT count(*) FROM invoices WHERE status = 'draft'"), "3");
    ASSERT_NO_FATAL_FAILURE(wait_for_writeback());

    // The drafts are in Salesforce, without number, files or billed-through date.
    std::map<std::string, std::string> invoice_of;  // Opportunity name -> Invoice__c Id
    for (const auto& r :
         soql("SELECT Id, Source_Record_Id__c, Status__c, Document_Number__c, Net_Amount__c FROM Invoice__c"
         )) {
        EXPECT_EQ(text_at(r, "/Status__c"), "Draft");
        EXPECT_EQ(text_at(r, "/Document_Number__c"), "");
        EXPECT_EQ(cents_at(r, "/Net_Amount__c"), 3 * licence_cents);
        for (const auto& [name, ids] : opps) {
            if (ids.first == text_at(r, "/Source_Record_Id__c")) {
                invoice_of[name] = text_at(r, "/Id");
            }
        }
    }
    ASSERT_EQ(invoice_of.size(), 3u);
    EXPECT_TRUE(soql("SELECT Id FROM ContentVersion").empty());
    EXPECT_EQ(
        text_at(
            soql("SELECT Billed_Through__c FROM Opportunity WHERE Name = 'Brandt Maschinenbau'")[0],
            "/Billed_Through__c"
        ),
        ""
    );
    EXPECT_EQ(text_at(status(), "/sync/awaiting_approval"), "3");

    // A clerk corrects Brandt's draft and approves it, discards Ostsee's, and approves Alpen's with a due
    // date before the issue date.
    const std::string due = iso(today() + std::chrono::days{30});
    const auto brandt_lines = soql(
        "SELECT Id FROM Invoice_Line__c WHERE Invoice__c = '" + invoice_of.at("Brandt Maschinenbau") + "'"
    );
    ASSERT_EQ(brandt_lines.size(), 1u);
    ASSERT_NO_FATAL_FAILURE(sf_update(
        "Invoice_Line__c",
        text_at(brandt_lines[0], "/Id"),
        boost::json::object{{"Description__c", "Cloud Suite licences, 3 users (project Nord)"}}
    ));
    ASSERT_NO_FATAL_FAILURE(sf_update(
        "Invoice__c",
        invoice_of.at("Brandt Maschinenbau"),
        boost::json::object{
            {"Order_Reference__c", "PO-2026-118"},
            {"Note__c", "Delivery address: Werk 2\nAs agreed with Ms Brandt"},
            {"Due_Date__c", due},
            {"Status__c", "Approved"}}
    ));
    ASSERT_NO_FATAL_FAILURE(sf_update(
        "Invoice__c", invoice_of.at("Ostsee Logistik"), boost::json::object{{"Status__c", "Discarded"}}
    ));
    ASSERT_NO_FATAL_FAILURE(sf_update(
        "Invoice__c",
        invoice_of.at("Alpen Kaffee"),
        boost::json::object{{"Due_Date__c", "2020-01-31"}, {"Status__c", "Approved"}}
    ));

    const bool acted = eventually_paced(
        [&] {
            return sql_value("SELECT count(*) FROM invoices WHERE status = 'finalized'") == "1" &&
                   sql_value("SELECT count(*) FROM invoices") == "2";
        },
        60s
    );
    ASSERT_TRUE(acted) << sql_value("SELECT group_concat(id || ':' || status) FROM invoices");
    const std::string brandt_plan = opps.at("Brandt Maschinenbau").first;
    const auto issued =
        sql("SELECT number, due_date, issue_date FROM invoices i JOIN billing_plans p ON p.id = i.plan_id"
            " WHERE i.status = 'finalized' AND p.source_record_id = '" +
            brandt_plan + "'");
    ASSERT_EQ(issued.size(), 1u);
    EXPECT_EQ(issued[0][0], "RE-2026-000001") << "the number is drawn at approval";
    EXPECT_EQ(issued[0][1], due);
    EXPECT_EQ(issued[0][2], iso(today()));
    ASSERT_NO_FATAL_FAILURE(wait_for_writeback());

    const auto brandt = soql(
        "SELECT Status__c, Document_Number__c, Order_Reference__c, Due_Date__c FROM Invoice__c WHERE Id = '" +
        invoice_of.at("Brandt Maschinenbau") + "'"
    );
    ASSERT_EQ(brandt.size(), 1u);
    EXPECT_EQ(text_at(brandt[0], "/Status__c"), "Issued");
    EXPECT_EQ(text_at(brandt[0], "/Document_Number__c"), "RE-2026-000001");
    EXPECT_EQ(text_at(brandt[0], "/Order_Reference__c"), "PO-2026-118");
    EXPECT_EQ(text_at(brandt[0], "/Due_Date__c"), due);
    const std::string xml = read_file(output_dir() / "DE01" / "RE-2026-000001.xml");
    EXPECT_NE(xml.find("PO-2026-118"), std::string::npos) << "the order reference is on the e-invoice";
    EXPECT_NE(xml.find("Cloud Suite licences, 3 users (project Nord)"), std::string::npos);
    EXPECT_NE(xml.find("As agreed with Ms Brandt"), std::string::npos);
    EXPECT_EQ(
        soql(
            "SELECT Id FROM ContentVersion WHERE FirstPublishLocationId = '" +
            opps.at("Brandt Maschinenbau").second + "'"
        )
            .size(),
        2u
    );
    EXPECT_EQ(
        text_at(
            soql("SELECT Billed_Through__c FROM Opportunity WHERE Id = '" + brandt_plan + "'")[0],
            "/Billed_Through__c"
        ),
        "2026-12-31"
    );

    // The refused approval is explained on a sync error for the invoice record; the draft stays.
    const auto errors = soql(
        "SELECT Error_Code__c, Message__c, Mapping__c FROM Sync_Error__c WHERE Record_Id__c = '" +
        invoice_of.at("Alpen Kaffee") + "'"
    );
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(text_at(errors[0], "/Error_Code__c"), "APPROVAL_REFUSED");
    EXPECT_EQ(text_at(errors[0], "/Mapping__c"), "approval");
    EXPECT_NE(
        text_at(errors[0], "/Message__c").find("due date 2020-01-31 is before the issue date"),
        std::string::npos
    ) << text_at(errors[0], "/Message__c");

    // The discarded draft's periods are free again: the next run bills Ostsee anew (a new draft).
    const auto again = ctl({"invoice-run", "--date", "2026-12-01"});
    ASSERT_EQ(again.exit_status, 0) << again.output;
    EXPECT_EQ(sql_value("SELECT count(*) FROM invoices WHERE status = 'draft'"), "2");

    // The clerk clears the wrong due date: the plan's payment terms apply and the draft is issued.
    ASSERT_NO_FATAL_FAILURE(
        sf_update("Invoice__c", invoice_of.at("Alpen Kaffee"), boost::json::object{{"Due_Date__c", nullptr}})
    );
    const bool fixed = eventually_paced(
        [&] { return sql_value("SELECT count(*) FROM invoices WHERE status = 'finalized'") == "2"; }, 60s
    );
    ASSERT_TRUE(fixed);
    EXPECT_EQ(sql_value("SELECT max(number) FROM invoices WHERE status = 'finalized'"), "RE-2026-000002");
    ASSERT_NO_FATAL_FAILURE(wait_for_writeback());
    EXPECT_EQ(text_at(status(), "/sync/awaiting_approval"), "1");
}

TEST_F(billing_sync_e2e_test, ProjectOpportunityGetsAdvanceInvoicesAndAFinalInvoiceAtAcceptance) {
    // Agreed total: 4 licences x 49.90 = 199.60 net. Advance 30 % on order (CloseDate 2026-10-15), 40 % at
    // delivery, the final invoice at acceptance.
    opportunity project{"Nordbau Leitstand", ""};
    project.project = true;
    project.quantity = 4;
    ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync({project}));
    const auto [opp_id, account_id] = opportunities().at("Nordbau Leitstand");
    EXPECT_EQ(sql_value("SELECT mapping_name FROM billing_plans"), "project-milestones");

    auto run = invoice_run("2026-12-01");
    ASSERT_EQ(run.exit_status, 0) << run.output;
    // 30 % of 199.60 = 59.88 net, 19 % VAT 11.38 (11.3772), gross 71.26.
    EXPECT_EQ(
        sql_value(
            "SELECT group_concat(number || ' ' || type_code || ' ' || total_net || ' ' || total_gross, '; ')"
            " FROM invoices"
        ),
        "RE-2026-000001 advance 59.88 71.26"
    );
    run = invoice_run("2026-12-01");
    ASSERT_EQ(run.exit_status, 0) << run.output;
    EXPECT_EQ(sql_value("SELECT count(*) FROM invoices"), "1") << "a milestone is billed once";

    // Delivered: 40 % = 79.84 net, VAT 15.17 (15.1696), gross 95.01.
    ASSERT_NO_FATAL_FAILURE(
        sf_update("Opportunity", opp_id, boost::json::object{{"Delivery_Date__c", "2026-11-20"}})
    );
    const auto plan_has = [&](const std::string& path, const std::string& value) {
        return eventually_paced(
            [&] {
                return sql_value("SELECT json_extract(plan_document, '" + path + "') FROM billing_plans") ==
                       value;
            },
            30s
        );
    };
    ASSERT_TRUE(plan_has("$.milestones[1].due", "2026-11-20"));
    run = invoice_run("2026-12-01");
    ASSERT_EQ(run.exit_status, 0) << run.output;
    EXPECT_EQ(
        sql_value("SELECT number || ' ' || type_code || ' ' || total_net || ' ' || total_gross FROM invoices"
                  " WHERE id = 2"),
        "RE-2026-000002 advance 79.84 95.01"
    );

    // Accepted: the whole 199.60 net + 37.92 VAT = 237.52, less the advances' 71.26 + 95.01 = 166.27 prepaid,
    // 71.25 due.
    ASSERT_NO_FATAL_FAILURE(
        sf_update("Opportunity", opp_id, boost::json::object{{"Acceptance_Date__c", "2026-11-30"}})
    );
    ASSERT_TRUE(plan_has("$.milestones[2].due", "2026-11-30"));
    run = invoice_run("2026-12-01");
    ASSERT_EQ(run.exit_status, 0) << run.output;
    const auto final_rows =
        sql("SELECT number, total_net, total_tax, total_gross, json_extract(document, '$.totals.prepaid'),"
            " json_extract(document, '$.totals.due'), json_array_length(document, '$.deductions')"
            " FROM invoices WHERE type_code = 'final'");
    ASSERT_EQ(final_rows.size(), 1u);
    EXPECT_EQ(final_rows[0][0], "RE-2026-000003");
    EXPECT_EQ(final_rows[0][1], "199.6");  // the store keeps canonical decimals
    EXPECT_EQ(final_rows[0][2], "37.92");
    EXPECT_EQ(final_rows[0][3], "237.52");
    EXPECT_EQ(final_rows[0][4], "166.27");
    EXPECT_EQ(final_rows[0][5], "71.25");
    EXPECT_EQ(final_rows[0][6], "2");
    run = invoice_run("2027-01-01");
    ASSERT_EQ(run.exit_status, 0) << run.output;
    EXPECT_EQ(sql_value("SELECT count(*) FROM invoices"), "3") << "nothing after the final invoice";

    ASSERT_NO_FATAL_FAILURE(wait_for_writeback());
    std::vector<std::string> types;
    for (const auto& r : soql(
             "SELECT Document_Type__c, Document_Number__c FROM Invoice__c WHERE Account__c = '" + account_id +
             "' ORDER BY Document_Number__c"
         )) {
        types.push_back(text_at(r, "/Document_Number__c") + " " + text_at(r, "/Document_Type__c"));
    }
    EXPECT_EQ(
        types,
        (std::vector<std::string>{"RE-2026-000001 advance", "RE-2026-000002 advance", "RE-2026-000003 final"})
    );
    const std::string xml = read_file(output_dir() / "DE01" / "RE-2026-000003.xml");
    EXPECT_NE(xml.find("RE-2026-000001"), std::string::npos)
        << "the final invoice names the advance it deducts";
}

// An admin edits a mapping file and restarts: the plans follow the new mapping at once, without a resync,
// although no record changed in Salesforce (the cursor was reached with the old file's digest).
TEST_F(billing_sync_e2e_test, EditedMappingFileAppliesToExistingPlansAfterARestart) {
    const auto copy = dir_ / "opportunity-products.yaml";
    std::filesystem::copy_file(
        std::string(FAKTURAD_SOURCE_DIR) + "/config/examples/mappings/opportunity-products.yaml", copy
    );
    opportunity_mapping_ = copy.string();
    ASSERT_NO_FATAL_FAILURE(start_and_wait_for_first_sync({{"Brandt Maschinenbau", "2026-12-01"}}));
    EXPECT_EQ(sql_value("SELECT json_extract(plan_document, '$.language') FROM billing_plans"), "en");
    stop(daemon_);

    std::string text = read_file(copy);
    const auto at = text.find("English: en");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, std::string("English: en").size(), "English: de");
    std::ofstream(copy, std::ios::trunc) << text;
    start_daemon();
    EXPECT_TRUE(eventually_paced(
        [&] {
            return sql_value("SELECT json_extract(plan_document, '$.language') FROM billing_plans") == "de";
        },
        60s
    )) << read_file(dir_ / "fakturad.log");
    EXPECT_NE(read_file(dir_ / "fakturad.log").find("mapping file changed"), std::string::npos);
    EXPECT_EQ(sql_value("SELECT count(*) FROM billing_plans"), "1");
}

TEST_F(billing_sync_e2e_test, MappingCheckAndPreviewExplainRecordsAndRefuseBadInput) {
    ASSERT_NO_FATAL_FAILURE(start_org({{"Brandt Maschinenbau", "2026-12-01"}}));
    write_config();
    const auto ok = ctl({"mapping", "check"});
    EXPECT_EQ(ok.exit_status, 0) << ok.output;
    EXPECT_NE(ok.output.find("mappings ok: 3 plan mapping(s)"), std::string::npos) << ok.output;

    std::ofstream(
        dir_ / "typo.yaml"
    ) << "plans:\n  - name: typo\n    object: Opportunity\n    plan:\n      account_id: {field: AccountId}\n"
         "      start: {field: Billing_Strat__c}\n      seller: DE01\n    buyer:\n      name: {field: "
         "Account.Name}\n"
         "      country: {field: Account.BillingCountry}\n";
    const auto typo = ctl({"mapping", "check", (dir_ / "typo.yaml").string()});
    EXPECT_EQ(typo.exit_status, 1) << typo.output;
    EXPECT_NE(
        typo.output.find(
            "typo.yaml:6:14: plans[0].plan.start: unknown field 'Billing_Strat__c' on Opportunity "
            "(did you mean 'Billing_Start__c'?)"
        ),
        std::string::npos
    ) << typo.output;

    const auto [opp_id, account_id] = opportunities().at("Brandt Maschinenbau");
    const auto preview = ctl({"mapping", "preview", opp_id, "--date", "2026-12-01"});
    ASSERT_EQ(preview.exit_status, 0) << preview.output;
    EXPECT_NE(preview.output.find("billing plan " + opp_id), std::string::npos) << preview.output;
    EXPECT_NE(preview.output.find("net 149.70, VAT 28.44, gross 178.14 EUR"), std::string::npos)
        << preview.output;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "fakturad.sqlite")) << "a preview writes nothing";

    const auto not_an_id = ctl({"mapping", "preview", "006-not-an-id"});
    EXPECT_EQ(not_an_id.exit_status, 2);
    EXPECT_NE(not_an_id.output.find("'006-not-an-id' is not a Salesforce record id"), std::string::npos)
        << not_an_id.output;
    const auto unknown = ctl({"mapping", "preview", account_id});
    EXPECT_EQ(unknown.exit_status, 1);
    EXPECT_NE(unknown.output.find("no plan or usage mapping reads a record " + account_id), std::string::npos)
        << unknown.output;
}

}  // namespace
}  // namespace fakturad
