#pragma once
// A local stand-in for the EU VIES service, speaking both interfaces on one port:
//   SOAP  POST .../checkVatService      (checkVat, checkVatApprox; SOAP 1.1 faults, HTTP 500)
//         POST .../checkVatTestService  (the EC test service: 100 valid, 200 invalid, 201.. faults)
//   REST  POST .../rest-api/check-vat-number, POST .../rest-api/check-vat-test-service,
//         GET  .../rest-api/check-status
//   own   GET  /emulator/stats (JSON: requests, faults, peak in-flight per country), POST /emulator/reset
// Answers come from a data file; faults and latency can be injected per country or per number, and a
// per-country concurrency cap answers MS_MAX_CONCURRENT_REQ like the real service does under load.
// It shares no code with connectors/vies: the two meet only on the wire.
//
// Data file: UTF-8, one number per line, TAB-separated, '#' starts a comment line:
//   COUNTRY  NUMBER  ANSWER  [NAME  [ADDRESS  [LATENCY_MS]]]
// ANSWER is `valid`, `invalid` or `fault=CODE` (any VIES fault code).  NAME/ADDRESS default to "---"
// (undisclosed); "\n" in ADDRESS is a line break.  Numbers not in the file get `unknown_answer`.
//
// Threading: construct, configure and serve on one single-threaded executor.

#include "fakturad/net/http_server.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace fakturad::emulators::vies {

struct record {
    bool valid = false;
    std::string fault;  // non-empty: answer with this fault code instead
    std::string name = "---";
    std::string address = "---";
    std::chrono::milliseconds latency{0};
};

// Fault injected with a probability for every number of a country ("*" = all countries).
struct fault_rule {
    std::string country;
    std::string code;
    unsigned percent = 100;
};

struct emulator_options {
    std::map<std::string, record> records;   // key: COUNTRY + NUMBER, e.g. "DE136695976"
    std::string unknown_answer = "invalid";  // for numbers not in records: valid | invalid | fault=CODE
    std::vector<fault_rule> faults;
    std::map<std::string, std::chrono::milliseconds> latency;  // per country ("*" = default)
    unsigned max_concurrent_per_country = 0;                   // 0 = unlimited
    std::vector<std::string> unavailable;                      // reported by check-status and MS_UNAVAILABLE
    std::uint64_t seed = 1;
};

// Reads a data file into options.records; throws std::runtime_error with file:line on a bad line.
void load_records(const std::filesystem::path& file, emulator_options& options);

struct country_stats {
    std::uint64_t requests = 0;
    unsigned in_flight = 0;
    unsigned peak_in_flight = 0;  // highest number of simultaneous requests seen (rejected ones included)
};

class emulator {
public:
    explicit emulator(emulator_options options);

    // The request handler to give to net::http_server.
    boost::asio::awaitable<net::http_response> handle(net::http_request request);

    [[nodiscard]] const std::map<std::string, country_stats>& stats() const { return stats_; }
    [[nodiscard]] const std::map<std::string, std::uint64_t>& faults_sent() const { return faults_sent_; }
    [[nodiscard]] std::uint64_t requests() const { return requests_; }
    [[nodiscard]] std::string stats_json() const;
    void reset_stats();

    emulator_options& options() { return options_; }

private:
    struct lookup {
        bool valid = false;
        std::string fault;
        std::string name;
        std::string address;
        std::chrono::milliseconds latency{0};
    };
    struct query {
        std::string country;
        std::string number;
        bool approx = false;
        bool requester_given = false;
        std::string requester_country;
        std::string requester_number;
        bool test_service = false;
    };

    lookup decide(const query& q);
    boost::asio::awaitable<lookup> serve(const query& q);

    emulator_options options_;
    std::mt19937_64 random_;
    std::map<std::string, country_stats> stats_;
    std::map<std::string, std::uint64_t> faults_sent_;
    std::uint64_t requests_ = 0;
    std::uint64_t consultations_ = 0;
};

}  // namespace fakturad::emulators::vies
