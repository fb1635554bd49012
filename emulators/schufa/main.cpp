// schufa-emulator: a deterministic local SCHUFA gateway for tests and the demo.  See schufa_emulator.hpp
// for the endpoints and README.md for the trigger words.

#include "fakturad/net/http_server.hpp"
#include "fakturad/net/serve.hpp"
#include "schufa_emulator.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include <csignal>
#include <fstream>
#include <iostream>

namespace {

std::string first_line_of(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
    }
    return line;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "schufa-emulator: a deterministic local SCHUFA gateway (fakturad's assumed contract)",
        "schufa-emulator"};
    std::string listen = "127.0.0.1:0";
    std::string port_file;
    std::string tls_cert;
    std::string tls_key;
    std::string client_ca;
    std::string participant = "fakturad";
    std::string password_file;
    std::vector<std::string> products;
    app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)");
    app.add_option("--port-file", port_file, "write the bound port to this file once listening");
    app.add_option("--tls-cert", tls_cert, "serve HTTPS with this PEM certificate chain")->required();
    app.add_option("--tls-key", tls_key, "and this PEM private key")->required();
    app.add_option("--client-ca", client_ca, "require client certificates issued by this PEM CA (mutual TLS)")
        ->required();
    app.add_option("--participant", participant, "the participant id the client must send");
    app.add_option("--password-file", password_file, "file whose first line is the participant's password");
    app.add_option(
        "--products",
        products,
        "contracted products (default all: KURZ KOMPAKT VOLL BONITAETSAUSKUNFT IDENTITAETSCHECK)"
    );
    CLI11_PARSE(app, argc, argv);

    try {
        fakturad::emulators::schufa::emulator_options options;
        options.participant_id = participant;
        if (!password_file.empty()) {
            options.password = first_line_of(password_file);
        }
        if (!products.empty()) {
            options.contracted_products = products;
        }
        boost::asio::io_context ioc;
        fakturad::emulators::schufa::emulator emulator(options);
        fakturad::net::http_server_options server_options;
        server_options.server_header = "schufa-emulator";
        server_options.tls = fakturad::net::http_tls_files{tls_cert, tls_key};
        server_options.client_ca_file = client_ca;
        auto handler = [&emulator](fakturad::net::http_request r) { return emulator.handle(std::move(r)); };
        fakturad::net::http_server server(ioc.get_executor(), handler, server_options);
        const auto address = fakturad::net::parse_listen_address(listen);
        const auto port = server.listen(address.host, address.port);
        server.start();
        std::cout << "schufa-emulator listening on https://" << address.host << ":" << port << std::endl;
        if (!port_file.empty()) {
            std::ofstream(port_file) << port << '\n';
        }
        fakturad::net::run_until_signal(ioc, server);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "schufa-emulator: " << e.what() << '\n';
        return 1;
    }
}
