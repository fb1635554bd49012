#pragma once
// Test fixture shared by the contract test files: one sf-emulator process per test and a connector client
// talking to it over TLS with JWT bearer.

#include "emulator_process.hpp"
#include "fakturad/net/http_client.hpp"
#include "fakturad/salesforce/client.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace fakturad::salesforce::test {

// Fixed jitter: always the middle of the allowed window, so runs repeat exactly.
class fixed_random final : public random_source {
public:
    std::uint64_t below(std::uint64_t n) override { return n / 2; }
};

class system_clock_for_test final : public fakturad::clock {
public:
    [[nodiscard]] instant now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
    [[nodiscard]] std::chrono::steady_clock::time_point monotonic() const override {
        return std::chrono::steady_clock::now();
    }
};

inline std::string accounts_yaml(int n) {
    std::string out = "  Account:\n";
    for (int i = 1; i <= n; ++i) {
        out += "    - {_key: a" + std::to_string(i) + ", Name: Account " + std::to_string(i) +
               ", Fakturad_Customer_Key__c: CUST-" + std::to_string(i) + "}\n";
    }
    return out;
}

class SalesforceContract : public ::testing::Test {
protected:
    void start(const org_settings& org, double max_share = 0.8) {
        emulator = std::make_unique<emulator_process>(
            ::testing::UnitTest::GetInstance()->current_test_info()->name(), org
        );
        net::http_client_options http_options;
        http_options.use_system_ca = false;
        http_options.ca_file = emulator->ca_file();
        http = std::make_unique<net::http_client>(ioc.get_executor(), http_options);
        options.credentials = jwt_bearer_credentials{
            emulator->token_url(),
            emulator_process::consumer_key,
            emulator_process::username,
            "https://login.salesforce.com",
            secret<std::string>(emulator->app_private_key()),
            std::chrono::seconds(180)};
        options.client_name = "fakturad-contract";
        options.backoff = backoff_policy{std::chrono::milliseconds(4), std::chrono::milliseconds(20), 8};
        options.query_batch_size = 200;
        options.max_api_share = max_share;
        options.call_timeout = std::chrono::milliseconds(10'000);
        make_client();
    }

    void make_client() { connector = std::make_unique<client>(*http, options, clock, random); }

    std::vector<json::object> invoices(int from, int to, const std::string& account_id) {
        std::vector<json::object> out;
        for (int i = from; i <= to; ++i) {
            out.push_back(json::object{
                {"Fakturad_Key__c", "INV-" + std::to_string(i)},
                {"Account__c", account_id},
                {"Invoice_Date__c", "2026-03-01"},
                {"Net_Amount__c", 100 + i},
                {"Status__c", "Issued"}});
        }
        return out;
    }

    std::string account_id(const std::string& key) {
        auto r = emulator->soql(ioc, "SELECT Id FROM Account WHERE Fakturad_Customer_Key__c = '" + key + "'");
        return std::string(r.at("records").at(0).at("Id").as_string());
    }

    std::uint64_t count(const std::string& object, const std::string& where = "") {
        auto r =
            emulator->soql(ioc, "SELECT COUNT() FROM " + object + (where.empty() ? "" : " WHERE " + where));
        return r.at("totalSize").to_number<std::uint64_t>();
    }

    asio::io_context ioc;
    std::unique_ptr<emulator_process> emulator;
    std::unique_ptr<net::http_client> http;
    client_options options;
    system_clock_for_test clock;
    fixed_random random;
    std::unique_ptr<client> connector;
};

}  // namespace fakturad::salesforce::test
