// vies-emulator: a local VIES (SOAP + REST) for tests and the demo.  See vies_emulator.hpp for the
// endpoints and the data file format.

#include "fakturad/net/http_server.hpp"
#include "fakturad/net/serve.hpp"
#include "vies_emulator.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <csignal>
#include <fstream>
#include <iostream>

namespace {

namespace emu = fakturad::emulators::vies;

// "CC:CODE[:PERCENT]"
emu::fault_rule parse_fault(const std::string& text) {
    emu::fault_rule rule;
    const auto a = text.find(':');
    if (a == std::string::npos) {
        throw std::runtime_error("--fault wants COUNTRY:CODE[:PERCENT], got " + text);
    }
    rule.country = text.substr(0, a);
    const auto b = text.find(':', a + 1);
    rule.code = text.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
    if (b != std::string::npos) {
        rule.percent = static_cast<unsigned>(std::stoul(text.substr(b + 1)));
    }
    return rule;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "vies-emulator: a local EU VIES (SOAP and REST) answering from a data file", "vies-emulator"};
    std::string listen = "127.0.0.1:0";
    std::string port_file;
    std::string data;
    std::string unknown = "invalid";
    std::vector<std::string> faults;
    std::vector<std::string> latencies;
    std::vector<std::string> unavailable;
    unsigned max_concurrent = 0;
    std::uint64_t seed = 1;
    std::string tls_cert;
    std::string tls_key;
    app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)");
    app.add_option("--port-file", port_file, "write the bound port to this file once listening");
    app.add_option(
        "--data",
        data,
        "data file: COUNTRY<TAB>NUMBER<TAB>valid|invalid|fault=CODE[<TAB>NAME<TAB>ADDRESS<TAB>MS]"
    );
    app.add_option(
        "--unknown", unknown, "answer for numbers not in the data file: valid, invalid or fault=CODE"
    );
    app.add_option("--fault", faults, "inject a fault: COUNTRY:CODE[:PERCENT] (COUNTRY * = all), repeatable");
    app.add_option(
        "--latency", latencies, "answer latency: COUNTRY:MILLISECONDS (COUNTRY * = all), repeatable"
    );
    app.add_option(
        "--max-concurrent-per-country",
        max_concurrent,
        "answer MS_MAX_CONCURRENT_REQ above this many requests in flight per country (0 = no limit)"
    );
    app.add_option(
        "--unavailable", unavailable, "member state reported Unavailable (MS_UNAVAILABLE), repeatable"
    );
    app.add_option("--seed", seed, "seed for the fault dice");
    app.add_option("--tls-cert", tls_cert, "serve HTTPS with this PEM certificate chain");
    app.add_option("--tls-key", tls_key, "and this PEM private key");
    CLI11_PARSE(app, argc, argv);

    try {
        emu::emulator_options options;
        if (!data.empty()) {
            emu::load_records(data, options);
        }
        options.unknown_answer = unknown;
        for (const auto& f : faults) {
            options.faults.push_back(parse_fault(f));
        }
        for (const auto& l : latencies) {
            const auto colon = l.find(':');
            if (colon == std::string::npos) {
                throw std::runtime_error("--latency wants COUNTRY:MILLISECONDS, got " + l);
            }
            options.latency[l.substr(0, colon)] = std::chrono::milliseconds(std::stoll(l.substr(colon + 1)));
        }
        options.max_concurrent_per_country = max_concurrent;
        options.unavailable = unavailable;
        options.seed = seed;

        boost::asio::io_context ioc;
        emu::emulator emulator(options);
        fakturad::net::http_server_options server_options;
        server_options.server_header = "vies-emulator";
        if (!tls_cert.empty() || !tls_key.empty()) {
            server_options.tls = fakturad::net::http_tls_files{tls_cert, tls_key};
        }
        auto handler = [&emulator](fakturad::net::http_request r) { return emulator.handle(std::move(r)); };
        fakturad::net::http_server server(ioc.get_executor(), handler, server_options);
        const auto address = fakturad::net::parse_listen_address(listen);
        const auto port = server.listen(address.host, address.port);
        server.start();
        std::cout << "vies-emulator listening on " << (server.tls() ? "https" : "http") << "://"
                  << address.host << ":" << port << std::endl;
        if (!port_file.empty()) {
            std::ofstream(port_file) << port << '\n';
        }
        fakturad::net::run_until_signal(ioc, server);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "vies-emulator: " << e.what() << '\n';
        return 1;
    }
}
