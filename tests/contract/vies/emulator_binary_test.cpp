// build/bin/vies-emulator as a process: command line, data file, port file, SOAP and REST answers,
// injected faults and its stats endpoint; stopped with SIGTERM.

#include "fakturad/net/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace fakturad::net {
namespace {

using namespace std::chrono_literals;

class emulator_process {
public:
    explicit emulator_process(std::vector<std::string> args) {
        dir_ = std::filesystem::temp_directory_path() /
               ("fakturad-vies-emulator-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "data.tsv")
            << "# test data\n"
               "DE\t136695976\tvalid\n"
               "FR\t40303265045\tvalid\tSOCIETE EXEMPLE SAS\t12 RUE\\n75001 PARIS\n"
               "DE\t999999999\tinvalid\n";
        const std::string binary = std::string(FAKTURAD_BINARY_DIR) + "/bin/vies-emulator";
        args.insert(
            args.begin(),
            {binary,
             "--listen",
             "127.0.0.1:0",
             "--port-file",
             (dir_ / "port").string(),
             "--data",
             (dir_ / "data.tsv").string()}
        );
        std::vector<char*> argv;
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
            pid_ = -1;
            return;
        }
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited early (bad command line)
                pid_ = -1;
                exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                break;
            }
            std::ifstream in(dir_ / "port");
            unsigned p = 0;
            if (in >> p && p != 0) {
                port_ = static_cast<std::uint16_t>(p);
                break;
            }
            std::this_thread::sleep_for(20ms);
        }
    }
    ~emulator_process() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    emulator_process(const emulator_process&) = delete;
    emulator_process& operator=(const emulator_process&) = delete;

    // Stops the process with SIGTERM and returns its exit status (bounded wait).
    int stop() {
        if (pid_ <= 0) {
            return exit_code_;
        }
        ::kill(pid_, SIGTERM);
        int status = 0;
        for (int i = 0; i < 500; ++i) {
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(10ms);
        }
        return -2;
    }

    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

private:
    std::filesystem::path dir_;
    pid_t pid_ = -1;
    int exit_code_ = -3;
    std::uint16_t port_ = 0;
};

http_client_result call(const std::string& method, const std::string& url, const std::string& body) {
    boost::asio::io_context ioc;
    http_client client(ioc.get_executor(), {});
    http_client_request req;
    req.method = method;
    req.url = url;
    req.body = body;
    req.timeout = 5s;
    std::optional<http_client_result> out;
    auto done = [&](std::exception_ptr, http_client_result r) { out = std::move(r); };
    boost::asio::co_spawn(ioc, client.send(req), std::move(done));
    ioc.run_for(10s);
    return out ? std::move(*out) : http_client_result{};
}

std::string soap_check(const char* cc, const char* number) {
    return std::string(
               R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>)"
               R"(<t:checkVat xmlns:t="urn:ec.europa.eu:taxud:vies:services:checkVat:types"><t:countryCode>)"
           ) +
           cc + "</t:countryCode><t:vatNumber>" + number +
           "</t:vatNumber></t:checkVat></s:Body></s:Envelope>";
}

TEST(ViesEmulatorBinary, AnswersSoapAndRestFromTheDataFileAndInjectsFaults) {
    emulator_process emu({"--fault", "IT:MS_UNAVAILABLE:100", "--unavailable", "PL"});
    ASSERT_NE(emu.port(), 0) << "vies-emulator did not report a port within 10 s";

    const auto valid = call(
        "POST", emu.url("/taxation_customs/vies/services/checkVatService"), soap_check("DE", "136695976")
    );
    ASSERT_TRUE(valid.ok()) << valid.detail;
    EXPECT_EQ(valid.response.status, 200U);
    EXPECT_NE(valid.response.body.find("<ns2:valid>true</ns2:valid>"), std::string::npos)
        << valid.response.body;

    const auto unknown = call(
        "POST", emu.url("/taxation_customs/vies/services/checkVatService"), soap_check("DE", "100000001")
    );
    EXPECT_NE(unknown.response.body.find("<ns2:valid>false</ns2:valid>"), std::string::npos);

    const auto fault = call(
        "POST", emu.url("/taxation_customs/vies/services/checkVatService"), soap_check("IT", "00743110157")
    );
    EXPECT_EQ(fault.response.status, 500U);
    EXPECT_NE(fault.response.body.find("<faultstring>MS_UNAVAILABLE</faultstring>"), std::string::npos);

    const auto rest = call(
        "POST",
        emu.url("/taxation_customs/vies/rest-api/check-vat-number"),
        R"({"countryCode":"FR","vatNumber":"40303265045"})"
    );
    EXPECT_EQ(rest.response.status, 200U);
    EXPECT_NE(rest.response.body.find(R"("address":"12 RUE\n75001 PARIS")"), std::string::npos)
        << rest.response.body;

    const auto status = call("GET", emu.url("/taxation_customs/vies/rest-api/check-status"), "");
    EXPECT_NE(
        status.response.body.find(R"({"countryCode":"PL","availability":"Unavailable"})"), std::string::npos
    );

    const auto stats = call("GET", emu.url("/emulator/stats"), "");
    EXPECT_NE(stats.response.body.find(R"("requests":4)"), std::string::npos) << stats.response.body;
    EXPECT_NE(stats.response.body.find(R"("MS_UNAVAILABLE":1)"), std::string::npos) << stats.response.body;

    EXPECT_EQ(emu.stop(), 0) << "SIGTERM ends the emulator cleanly";
}

TEST(ViesEmulatorBinary, RejectsABadCommandLine) {
    emulator_process emu({"--fault", "nonsense"});
    EXPECT_EQ(emu.port(), 0);
    EXPECT_EQ(emu.stop(), 1);
}

}  // namespace
}  // namespace fakturad::net
