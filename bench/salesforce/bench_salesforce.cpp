// Syncs N accounts with their opportunities from a local sf-emulator and writes back N invoices, their
// lines and their PDFs through the Salesforce connector, counting the API calls the emulator saw.
//
//   sync:       one SOQL query over Account with an Opportunities subquery, streamed page by page
//   write-back: Invoice__c upsert by Fakturad_Key__c (collections of 200), Invoice_Line__c upsert (lines
//               point at the invoice Ids the first upsert returned), one PDF per invoice as ContentVersion
//               linked to the Account (collections create, preceded by the PathOnClient lookup that makes
//               repeated uploads harmless)
//
// The emulator runs as a child process (build/bin/sf-emulator next to this program) on plain HTTP over
// loopback with client-credentials OAuth; API calls are read from its /__emulator/stats before and after
// each phase.  Last line: `RESULT sync_calls=A writeback_calls=B sync_s=C writeback_s=D`.
#include "fakturad/net/http_client.hpp"
#include "fakturad/salesforce/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace sf = fakturad::salesforce;
using namespace std::chrono_literals;

class system_clock_adapter final : public fakturad::clock {
public:
    [[nodiscard]] fakturad::instant now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
    [[nodiscard]] std::chrono::steady_clock::time_point monotonic() const override {
        return std::chrono::steady_clock::now();
    }
};

class seeded_random final : public sf::random_source {
public:
    std::uint64_t below(std::uint64_t n) override {
        return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
    }

private:
    std::mt19937_64 engine_{42};
};

template <typename T>
T run_on(asio::io_context& ioc, asio::awaitable<T> work) {
    std::optional<T> out;
    std::exception_ptr failure;
    auto done = [&](const std::exception_ptr& e, T value) {
        failure = e;
        if (!e) {
            out.emplace(std::move(value));
        }
    };
    asio::co_spawn(ioc, std::move(work), done);
    ioc.restart();
    ioc.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
    if (!out) {
        throw std::runtime_error("the connector call did not complete");
    }
    return std::move(*out);
}

struct emulator_child {
    int pid = 0;
    int port = 0;
    ~emulator_child() {
        if (pid > 0) {
            ::kill(pid, SIGTERM);
        }
    }
};

void write_org(const std::filesystem::path& file, const std::filesystem::path& metadata, long accounts) {
    std::ofstream out(file);
    out << "org_id: 00D5g0000000BEN\nuser_id: 0055g0000000BEN\nusername: bench@fakturad.example\n"
        << "metadata: " << metadata.string() << "\n"
        << "daily_api_requests: 1000000\nsession_seconds: 7200\n"
        << "connected_apps:\n  - consumer_key: bench-key\n    consumer_secret: bench-secret\n"
        << "    run_as: bench@fakturad.example\n"
        << "records:\n  Account:\n";
    for (long i = 1; i <= accounts; ++i) {
        out << "    - {_key: a" << i << ", Name: Customer " << i
            << ", BillingCity: Berlin, Fakturad_Customer_Key__c: C-" << i << "}\n";
    }
    out << "  Opportunity:\n";
    for (long i = 1; i <= accounts; ++i) {
        out << "    - {Name: Subscription " << i << ", AccountId: \"@a" << i
            << "\", StageName: Closed Won, CloseDate: \"2026-01-15\", Amount: " << (100 + i % 900) << "}\n";
    }
}

int start_emulator(
    const std::filesystem::path& binary,
    const std::filesystem::path& org,
    const std::filesystem::path& out_file,
    int& pid
) {
    FILE* shell = ::popen(
        (binary.string() + " --listen 127.0.0.1:0 --org " + org.string() + " > " + out_file.string() +
         " 2>&1 & echo $!")
            .c_str(),
        "r"
    );
    if (shell == nullptr || std::fscanf(shell, "%d", &pid) != 1) {
        throw std::runtime_error("could not start " + binary.string());
    }
    ::pclose(shell);
    const std::string prefix = "listening on 127.0.0.1:";
    for (int i = 0; i < 1200; ++i) {
        std::this_thread::sleep_for(100ms);
        std::ifstream in(out_file);
        std::string line;
        std::getline(in, line);
        if (line.rfind(prefix, 0) == 0) {
            return std::stoi(line.substr(prefix.size()));
        }
        if (!line.empty()) {
            throw std::runtime_error("sf-emulator: " + line);
        }
    }
    throw std::runtime_error("sf-emulator did not report its port within 120 s");
}

std::uint64_t api_calls(asio::io_context& ioc, fakturad::net::http_client& http, const std::string& base) {
    fakturad::net::http_client_request req;
    req.url = base + "/__emulator/stats";
    auto res = run_on(ioc, http.send(std::move(req)));
    if (!res.ok() || res.response.status != 200) {
        throw std::runtime_error("GET /__emulator/stats failed");
    }
    return json::parse(res.response.body).at("api_calls").to_number<std::uint64_t>();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    long accounts = 10'000;
    int lines_per_invoice = 2;
    std::size_t pdf_bytes = 20'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--accounts") {
            accounts = std::stol(argv[i + 1]);
        } else if (arg == "--lines") {
            lines_per_invoice = std::stoi(argv[i + 1]);
        } else if (arg == "--pdf-bytes") {
            pdf_bytes = std::stoul(argv[i + 1]);
        } else {
            std::cerr << "usage: bench_salesforce [--accounts N] [--lines L] [--pdf-bytes B]\n";
            return 2;
        }
    }
    try {
        const auto self = std::filesystem::canonical("/proc/self/exe").parent_path();
        const auto source = std::filesystem::path(FAKTURAD_SOURCE_DIR);
        const auto dir =
            std::filesystem::temp_directory_path() / ("fakturad-bench-sf-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        write_org(dir / "org.yaml", source / "salesforce/force-app/main/default", accounts);
        emulator_child child;
        const auto load_start = std::chrono::steady_clock::now();
        child.port = start_emulator(self / "sf-emulator", dir / "org.yaml", dir / "stdout.txt", child.pid);
        std::printf(
            "emulator up with %ld accounts and opportunities in %.1f s\n", accounts, seconds_since(load_start)
        );
        const std::string base = "http://127.0.0.1:" + std::to_string(child.port);

        asio::io_context ioc;
        fakturad::net::http_client http(ioc.get_executor(), {});
        system_clock_adapter clock;
        seeded_random random;
        sf::client_options options;
        options.credentials = sf::client_credentials{
            base + "/services/oauth2/token", "bench-key", fakturad::secret<std::string>("bench-secret")};
        options.max_api_share = 1.0;
        sf::client client(http, options, clock, random);

        // Sync: accounts with their opportunities, page by page; only ids are kept for the write-back.
        std::vector<std::pair<std::string, std::string>> synced;  // account Id, opportunity Id
        synced.reserve(static_cast<std::size_t>(accounts));
        std::uint64_t opportunities = 0;
        auto keep = [&](sf::query_page& page) {
            for (const auto& r : page.records) {
                const auto& o = r.as_object();
                std::string opp;
                if (const auto& children = o.at("Opportunities"); children.is_object()) {
                    const auto& list = children.at("records").as_array();
                    opportunities += list.size();
                    if (!list.empty()) {
                        opp = std::string(list.at(0).at("Id").as_string());
                    }
                }
                synced.emplace_back(std::string(o.at("Id").as_string()), std::move(opp));
            }
            return true;
        };
        const auto sync_before = api_calls(ioc, http, base);
        const auto sync_start = std::chrono::steady_clock::now();
        auto synced_ok = run_on(
            ioc,
            client.query(
                "SELECT Id, Name, BillingCity, Fakturad_Customer_Key__c, (SELECT Id, Name, Amount, "
                "CloseDate, StageName FROM "
                "Opportunities) FROM Account",
                keep
            )
        );
        const double sync_s = seconds_since(sync_start);
        if (!synced_ok) {
            std::cerr << synced_ok.error().describe() << "\n";
            return 1;
        }
        const auto sync_calls = api_calls(ioc, http, base) - sync_before;
        std::printf(
            "sync: %zu accounts, %llu opportunities, %u pages, %llu API calls, %.2f s\n",
            synced.size(),
            static_cast<unsigned long long>(opportunities),
            synced_ok->pages,
            static_cast<unsigned long long>(sync_calls),
            sync_s
        );

        // Write-back.
        const auto wb_before = api_calls(ioc, http, base);
        const auto wb_start = std::chrono::steady_clock::now();
        std::vector<json::object> invoices;
        invoices.reserve(synced.size());
        for (std::size_t i = 0; i < synced.size(); ++i) {
            json::object inv{
                {"Fakturad_Key__c", "INV-" + std::to_string(i + 1)},
                {"Account__c", synced[i].first},
                {"Invoice_Date__c", "2026-03-01"},
                {"Due_Date__c", "2026-03-15"},
                {"Document_Number__c", "2026-" + std::to_string(100000 + i)},
                {"Currency__c", "EUR"},
                {"Net_Amount__c", 100.0},
                {"Tax_Amount__c", 19.0},
                {"Gross_Amount__c", 119.0},
                {"Status__c", "Issued"}};
            if (!synced[i].second.empty()) {
                inv["Opportunity__c"] = synced[i].second;
            }
            invoices.push_back(std::move(inv));
        }
        auto inv_report = run_on(ioc, client.upsert("Invoice__c", "Fakturad_Key__c", std::move(invoices)));
        if (!inv_report || inv_report->failed != 0) {
            std::cerr << (inv_report ? inv_report->records.front().describe("Invoice__c", "Fakturad_Key__c")
                                     : inv_report.error().describe())
                      << "\n";
            return 1;
        }
        std::vector<json::object> lines;
        lines.reserve(synced.size() * static_cast<std::size_t>(lines_per_invoice));
        for (std::size_t i = 0; i < synced.size(); ++i) {
            for (int l = 1; l <= lines_per_invoice; ++l) {
                lines.push_back(json::object{
                    {"Fakturad_Key__c", "INV-" + std::to_string(i + 1) + "-" + std::to_string(l)},
                    {"Invoice__c", inv_report->records[i].id.value_or(std::string())},
                    {"Line_Number__c", l},
                    {"Description__c", "Hosting month " + std::to_string(l)},
                    {"Quantity__c", 1},
                    {"Unit_Price__c", 50.0},
                    {"Net_Amount__c", 50.0}});
            }
        }
        auto line_report = run_on(ioc, client.upsert("Invoice_Line__c", "Fakturad_Key__c", std::move(lines)));
        if (!line_report || line_report->failed != 0) {
            std::cerr << (line_report ? "line failures" : line_report.error().describe()) << "\n";
            return 1;
        }
        std::vector<sf::file_upload> files;
        files.reserve(synced.size());
        std::string pdf = "%PDF-1.7\n";
        pdf.resize(pdf_bytes, 'x');
        for (std::size_t i = 0; i < synced.size(); ++i) {
            files.push_back(sf::file_upload{
                "Invoice INV-" + std::to_string(i + 1),
                "INV-" + std::to_string(i + 1) + ".pdf",
                synced[i].first,
                {},
                "application/pdf",
                pdf});
        }
        auto file_report = run_on(ioc, client.upload_files(std::move(files)));
        const double writeback_s = seconds_since(wb_start);
        if (!file_report || file_report->failed != 0) {
            std::cerr << (file_report ? "file failures" : file_report.error().describe()) << "\n";
            return 1;
        }
        const auto writeback_calls = api_calls(ioc, http, base) - wb_before;
        std::printf(
            "write-back: %zu invoices, %zu lines, %zu PDFs of %zu bytes, %llu API calls, %.2f s\n",
            inv_report->records.size(),
            line_report->records.size(),
            file_report->records.size(),
            pdf_bytes,
            static_cast<unsigned long long>(writeback_calls),
            writeback_s
        );
        std::filesystem::remove_all(dir);
        std::printf(
            "RESULT sync_calls=%llu writeback_calls=%llu sync_s=%.2f writeback_s=%.2f\n",
            static_cast<unsigned long long>(sync_calls),
            static_cast<unsigned long long>(writeback_calls),
            sync_s,
            writeback_s
        );
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "bench_salesforce: " << e.what() << "\n";
        return 1;
    }
}
