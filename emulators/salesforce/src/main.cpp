// sf-emulator: serves an emulated Salesforce org on a loopback port for tests and the demo.
#include "fakturad/net/http_server.hpp"
#include "fakturad/net/serve.hpp"
#include "fakturad/sf_emulator/emulator.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"Local Salesforce org emulator (REST API and OAuth token endpoint)"};
    std::string listen = "127.0.0.1:0";
    std::string org_file;
    std::string static_token;
    std::string tls_cert;
    std::string tls_key;
    std::string persist;
    app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port)");
    app.add_option("--org", org_file, "org file (YAML)")->required();
    app.add_option("--static-token", static_token, "an access token accepted without OAuth");
    app.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS");
    app.add_option("--tls-key", tls_key, "PEM private key for --tls-cert");
    app.add_option("--persist", persist, "load records from FILE when it exists; save them there on exit");
    CLI11_PARSE(app, argc, argv);
    if (tls_cert.empty() != tls_key.empty()) {
        std::cerr << "sf-emulator: --tls-cert and --tls-key go together\n";
        return 2;
    }
    fakturad::net::listen_address address;
    try {
        address = fakturad::net::parse_listen_address(listen);
    } catch (const std::invalid_argument& e) {
        std::cerr << "sf-emulator: " << e.what() << "\n";
        return 2;
    }
    const std::string& host = address.host;
    try {
        fakturad::sf_emulator::emulator_options options;
        options.org_file = org_file;
        if (!static_token.empty()) {
            options.static_token = static_token;
        }
        if (!persist.empty()) {
            options.persist_file = persist;
        }
        fakturad::sf_emulator::emulator org(options);
        boost::asio::io_context ioc;
        fakturad::net::http_server_options server_options;
        server_options.server_header = "sf-emulator";
        if (!tls_cert.empty()) {
            server_options.tls = fakturad::net::http_tls_files{tls_cert, tls_key};
        }
        fakturad::net::http_server server(ioc.get_executor(), org.handler(), server_options);
        const auto bound = server.listen(host, address.port);
        org.set_instance_url(
            std::string(tls_cert.empty() ? "http://" : "https://") + host + ":" + std::to_string(bound)
        );
        server.start();
        std::cout << "listening on " << host << ":" << bound << std::endl;
        fakturad::net::run_until_signal(ioc, server);
        if (!persist.empty()) {
            org.save();
        }
    } catch (const std::exception& e) {
        std::cerr << "sf-emulator: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
