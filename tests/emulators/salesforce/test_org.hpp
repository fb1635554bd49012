#pragma once
// Shared helpers for the emulator tests: a temporary org file, requests, and JSON access.

#include "fakturad/sf_emulator/emulator.hpp"
#include "fakturad/test/shared_files.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fakturad::sf_emulator::test {

namespace json = boost::json;

inline std::filesystem::path source_dir() { return FAKTURAD_SOURCE_DIR; }

// The shared folder (tests/support), or empty when its Salesforce material is absent.
inline std::filesystem::path shared_dir() {
    return fakturad::test::shared_subdir("conformance/salesforce").empty() ? std::filesystem::path()
                                                                           : fakturad::test::shared_dir();
}

inline std::filesystem::path temp_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("fakturad-sfemu-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir;
}

// Writes an org file with the project's metadata, one connected app and `records_yaml` (indented under
// `records:`), and returns its path.
inline std::filesystem::path write_org(
    const std::filesystem::path& dir,
    const std::string& records_yaml,
    const std::string& extra = "",
    int daily_api_requests = 15000
) {
    auto file = dir / "org.yaml";
    std::ofstream out(file);
    out << "org_id: 00D5g0000000TST\n"
        << "user_id: 0055g0000000TST\n"
        << "username: integration@test.example\n"
        << "metadata: " << (source_dir() / "salesforce/force-app/main/default").string() << "\n"
        << "daily_api_requests: " << daily_api_requests << "\n"
        << "session_seconds: 600\n"
        << "connected_apps:\n"
        << "  - consumer_key: test-key\n"
        << "    consumer_secret: test-secret\n"
        << "    run_as: integration@test.example\n"
        << extra << "records:\n"
        << records_yaml;
    return file;
}

inline net::http_request make_request(std::string method, std::string target, std::string body = "") {
    net::http_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers.push_back({"Authorization", "Bearer test-token"});
    r.headers.push_back({"Content-Type", "application/json"});
    return r;
}

inline json::value body_of(const net::http_response& r) {
    return r.body.empty() ? json::value(nullptr) : json::parse(r.body);
}

inline std::string header_of(const net::http_response& r, const std::string& name) {
    for (const auto& h : r.headers) {
        if (h.name == name) {
            return h.value;
        }
    }
    return {};
}

inline std::string url_encode(const std::string& s) {
    std::string out;
    const char* hex = "0123456789ABCDEF";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[static_cast<unsigned>(c) >> 4U];
            out += hex[static_cast<unsigned>(c) & 15U];
        }
    }
    return out;
}

// An emulator over a fresh org whose clock is pinned at 2026-03-10T12:00:00Z.
class emulator_test : public ::testing::Test {
protected:
    void SetUp() override { start(default_records()); }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    static std::string default_records() {
        return "  Account:\n"
               "    - {_key: acme, Name: Acme GmbH, Industry: Manufacturing, BillingCity: Berlin, "
               "Fakturad_Customer_Key__c: ACME-1, AnnualRevenue: 5000000}\n"
               "    - {_key: globex, Name: Globex SARL, Industry: Technology, BillingCity: Paris, "
               "Fakturad_Customer_Key__c: DUP-1}\n"
               "    - {Name: Initech Ltd, Fakturad_Customer_Key__c: DUP-1}\n"
               "  Contact:\n"
               "    - {FirstName: Erika, LastName: Mustermann, Email: erika@acme.example, AccountId: "
               "\"@acme\"}\n"
               "    - {LastName: O'Brien, AccountId: \"@acme\"}\n"
               "  Opportunity:\n"
               "    - {Name: Big deal, AccountId: \"@acme\", StageName: Closed Won, CloseDate: "
               "\"2026-03-01\", "
               "Amount: 1200.5}\n"
               "    - {Name: Small deal, AccountId: \"@globex\", StageName: Prospecting, CloseDate: "
               "\"2026-06-30\", "
               "Amount: 99}\n";
    }

    void start(const std::string& records) {
        dir_ = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
        emulator_options options;
        options.org_file = write_org(dir_, records);
        options.static_token = "test-token";
        options.instance_url = "https://127.0.0.1:8443";
        options.pinned_time = time_point(std::chrono::milliseconds(1'773'144'000'000));  // 2026-03-10T12:00Z
        org_ = std::make_unique<emulator>(options);
    }

    net::http_response call(std::string method, std::string target, std::string body = "") {
        return org_->handle(make_request(std::move(method), "/services/data/v59.0" + target, std::move(body))
        );
    }

    net::http_response query(const std::string& soql, const std::string& resource = "query") {
        return call("GET", "/" + resource + "?q=" + url_encode(soql));
    }

    std::filesystem::path dir_;
    std::unique_ptr<emulator> org_;
};

}  // namespace fakturad::sf_emulator::test
