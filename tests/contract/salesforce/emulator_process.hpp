#pragma once
// Test helper: runs the sf-emulator binary over TLS on a throwaway certificate, with a connected app whose
// JWT certificate is generated here too, and offers the emulator's admin endpoints.  Nothing secret is
// checked in: every key is made at test time.

#include "fakturad/net/http_client.hpp"
#include "self_signed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace fakturad::salesforce::test {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

// Runs `work` on `ioc` until it completes (or 120 s pass) and returns its value.
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
    ioc.run_for(120s);
    if (failure) {
        std::rethrow_exception(failure);
    }
    if (!out) {
        throw std::runtime_error("the coroutine did not finish within 120 s");
    }
    return std::move(*out);
}

// An RSA key and a self-signed certificate for it, as the connected app's JWT signing pair.
struct jwt_key_pair {
    std::string private_pem;
    std::filesystem::path certificate;
};

inline jwt_key_pair make_jwt_key_pair(const std::filesystem::path& dir, const std::string& name) {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24);
    X509_set_pubkey(cert, key);
    X509_NAME* subject = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(
        subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("fakturad-test-app"), -1, -1, 0
    );
    X509_set_issuer_name(cert, subject);
    X509_sign(cert, key, EVP_sha256());
    jwt_key_pair out{{}, dir / (name + "-app-cert.pem")};
    FILE* f = std::fopen(out.certificate.c_str(), "wb");
    PEM_write_X509(f, cert);
    std::fclose(f);
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    out.private_pem.assign(data, static_cast<std::size_t>(n));
    BIO_free(b);
    X509_free(cert);
    EVP_PKEY_free(key);
    return out;
}

struct org_settings {
    std::string records_yaml;
    int daily_api_requests = 100000;
    std::string extra_yaml = "cometd_timeout_ms: 300\n";  // connects without events come back quickly
};

// One sf-emulator process over TLS for one test.
class emulator_process {
public:
    inline static const std::string consumer_key = "contract-consumer-key";
    inline static const std::string consumer_secret = "contract-consumer-secret-value";
    inline static const std::string username = "integration@contract.example";
    inline static const std::string static_token = "contract-static-token";

    explicit emulator_process(const std::string& name, const org_settings& org) {
        dir_ = std::filesystem::temp_directory_path() /
               ("fakturad-sf-contract-" + name + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        tls_ = fakturad::test::write_self_signed(dir_);
        app_ = make_jwt_key_pair(dir_, "app");
        const auto org_file = dir_ / "org.yaml";
        {
            std::ofstream out(org_file);
            out << "org_id: 00D5g0000000CTR\n"
                << "user_id: 0055g0000000CTR\n"
                << "username: " << username << "\n"
                << "metadata: "
                << (std::filesystem::path(FAKTURAD_SOURCE_DIR) / "salesforce/force-app/main/default").string()
                << "\n"
                << "daily_api_requests: " << org.daily_api_requests << "\n"
                << "session_seconds: 3600\n"
                << org.extra_yaml << "connected_apps:\n"
                << "  - consumer_key: " << consumer_key << "\n"
                << "    consumer_secret: " << consumer_secret << "\n"
                << "    certificate: " << app_.certificate.filename().string() << "\n"
                << "    run_as: " << username << "\n"
                << "records:\n"
                << org.records_yaml;
        }
        const auto binary = std::filesystem::path(FAKTURAD_BINARY_DIR) / "bin" / "sf-emulator";
        if (!std::filesystem::exists(binary)) {
            throw std::runtime_error(
                "sf-emulator binary missing at " + binary.string() + "; build target sf-emulator"
            );
        }
        const auto out_file = dir_ / "stdout.txt";
        FILE* shell = ::popen(
            (binary.string() + " --listen 127.0.0.1:0 --org " + org_file.string() + " --static-token " +
             static_token + " --tls-cert " + tls_.certificate.string() + " --tls-key " + tls_.key.string() +
             " > " + out_file.string() + " 2>&1 & echo $!")
                .c_str(),
            "r"
        );
        if (shell == nullptr || std::fscanf(shell, "%d", &pid_) != 1) {
            throw std::runtime_error("could not start sf-emulator");
        }
        ::pclose(shell);
        std::string first_line;
        for (int i = 0; i < 200 && first_line.empty(); ++i) {
            std::this_thread::sleep_for(50ms);
            std::ifstream in(out_file);
            std::getline(in, first_line);
        }
        const std::string prefix = "listening on 127.0.0.1:";
        if (first_line.rfind(prefix, 0) != 0) {
            stop();
            throw std::runtime_error("sf-emulator did not start: " + first_line);
        }
        port_ = std::stoi(first_line.substr(prefix.size()));
    }

    ~emulator_process() {
        stop();
        std::filesystem::remove_all(dir_);
    }
    emulator_process(const emulator_process&) = delete;
    emulator_process& operator=(const emulator_process&) = delete;

    [[nodiscard]] std::string base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] std::string token_url() const { return base_url() + "/services/oauth2/token"; }
    [[nodiscard]] const std::filesystem::path& ca_file() const { return tls_.certificate; }
    [[nodiscard]] const std::string& app_private_key() const { return app_.private_pem; }

    // One request to the emulator (admin endpoints, or REST with the static token); throws on transport
    // errors.
    net::http_client_response call(
        asio::io_context& ioc,
        std::string method,
        const std::string& path,
        std::string body = "",
        bool with_token = false
    ) {
        net::http_client_options options;
        options.use_system_ca = false;
        options.ca_file = tls_.certificate;
        net::http_client http(ioc.get_executor(), options);
        net::http_client_request req;
        req.method = std::move(method);
        req.url = base_url() + path;
        req.body = std::move(body);
        req.headers.emplace_back("Content-Type", "application/json");
        if (with_token) {
            req.headers.emplace_back("Authorization", "Bearer " + static_token);
        }
        auto result = run_on(ioc, http.send(std::move(req)));
        if (!result.ok()) {
            throw std::runtime_error(
                "emulator call " + path + " failed: " + result.error.message() + " " + result.detail
            );
        }
        return result.response;
    }

    json::value admin(
        asio::io_context& ioc, std::string method, const std::string& what, std::string body = ""
    ) {
        auto res = call(ioc, std::move(method), "/__emulator/" + what, std::move(body));
        if (res.status != 200) {
            throw std::runtime_error(
                "emulator admin " + what + " answered " + std::to_string(res.status) + ": " + res.body
            );
        }
        return json::parse(res.body);
    }

    std::uint64_t api_calls(asio::io_context& ioc) {
        return admin(ioc, "GET", "stats").at("api_calls").to_number<std::uint64_t>();
    }

    // Runs a SOQL query with the static token and returns the answer's JSON (one page).
    json::value soql(asio::io_context& ioc, const std::string& q);

private:
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            pid_ = 0;
        }
    }

    std::filesystem::path dir_;
    fakturad::test::pem_files tls_;
    jwt_key_pair app_;
    int pid_ = 0;
    int port_ = 0;
};

}  // namespace fakturad::salesforce::test
