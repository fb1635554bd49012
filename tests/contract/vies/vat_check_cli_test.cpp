// run_vat_check (fakturactl vat-check): offline over stdin, online against the emulator in its own thread.

#include "ctl_vat_check.hpp"
#include "fakturad/net/http_server.hpp"
#include "vies_emulator.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <future>
#include <sstream>
#include <string>
#include <thread>

namespace fakturad::daemon {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        out.push_back(line);
    }
    return out;
}

TEST(VatCheckCli, OfflineReadsStdinAndEchoesNumbersExactly) {
    vat_check_options o;
    o.offline = true;
    std::istringstream in("de 136 695 976\r\n\nDE136695977\nGB980780684\n  ATU13585627\n");
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_vat_check(o, in, out, err), 0);
    const auto l = lines(out.str());
    ASSERT_EQ(l.size(), 4U) << out.str();
    EXPECT_EQ(l[0].substr(0, l[0].find('\t')), "de 136 695 976");
    EXPECT_NE(l[0].find("\tvalid\t"), std::string::npos);
    EXPECT_NE(l[1].find("DE136695977\tinvalid\t"), std::string::npos);
    EXPECT_NE(l[1].find("check digit"), std::string::npos);
    EXPECT_NE(l[2].find("GB980780684\tinvalid\t"), std::string::npos);
    EXPECT_EQ(l[3].rfind("  ATU13585627\tvalid\t", 0), 0U);
    for (const auto& line : l) {
        EXPECT_EQ(std::count(line.begin(), line.end(), '\t'), 2) << line;
    }
    EXPECT_TRUE(err.str().empty());
}

TEST(VatCheckCli, OfflineTakesArgumentsBeforeStdin) {
    vat_check_options o;
    o.offline = true;
    o.numbers = {"FR40303265045"};
    std::istringstream in("DE136695976\n");
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_vat_check(o, in, out, err), 0);
    EXPECT_EQ(lines(out.str()).size(), 1U);
}

// The emulator in a thread of its own: run_vat_check runs its own io_context.
struct threaded_emulator {
    explicit threaded_emulator(emulators::vies::emulator_options options)
        : emulator(std::move(options)),
          server(
              ioc.get_executor(), [this](net::http_request r) { return emulator.handle(std::move(r)); }, {}
          ) {
        port = server.listen("127.0.0.1", 0);
        server.start();
        thread = std::thread([this] { ioc.run_for(60s); });
    }
    ~threaded_emulator() {
        boost::asio::post(ioc, [this] {
            server.stop();
            ioc.stop();
        });
        thread.join();
    }
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }

    boost::asio::io_context ioc;
    emulators::vies::emulator emulator;
    net::http_server server;
    std::uint16_t port = 0;
    std::thread thread;
};

// Reads the emulator's counters on its own thread (bounded wait).
std::uint64_t emu_requests(threaded_emulator& emu, const std::string& country) {
    std::promise<std::uint64_t> result;
    boost::asio::post(emu.ioc, [&] {
        const auto& stats = emu.emulator.stats();
        const auto it = stats.find(country);
        result.set_value(it == stats.end() ? 0 : it->second.requests);
    });
    auto future = result.get_future();
    return future.wait_for(10s) == std::future_status::ready ? future.get() : 0;
}

TEST(VatCheckCli, OnlineAgainstTheEmulator) {
    emulators::vies::emulator_options eo;
    eo.records["DE136695976"] = {true, "", "---", "---", 0ms};
    eo.records["FR40303265045"] = {true, "", "SOCIETE\tEXEMPLE", "12 RUE\n75001 PARIS", 0ms};
    eo.records["IT00743110157"] = {false, "", "---", "---", 0ms};
    eo.faults = {{"AT", "MS_UNAVAILABLE", 100}};
    threaded_emulator emu(eo);

    vat_check_options o;
    o.url = emu.base() + "/taxation_customs/vies/services/checkVatService";
    o.status_url = emu.base() + "/taxation_customs/vies/rest-api";
    o.requester = "DE 136 695 976";
    o.numbers = {
        "DE136695976", "fr 40303265045", "IT00743110157", "DE136695977", "ATU13585627", "DE 136695976"};
    o.attempts = 2;
    o.backoff_base = 1ms;
    o.backoff_cap = 2ms;
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_vat_check(o, in, out, err), 1) << "AT stays unconfirmed";
    const auto l = lines(out.str());
    ASSERT_EQ(l.size(), 6U) << out.str();
    EXPECT_EQ(l[0].rfind("DE136695976\tvalid\t", 0), 0U) << l[0];
    EXPECT_NE(l[0].find("consultation number WAPIEMU"), std::string::npos) << l[0];
    EXPECT_EQ(l[1].rfind("fr 40303265045\tvalid\t", 0), 0U) << l[1];
    EXPECT_NE(l[1].find("12 RUE, 75001 PARIS"), std::string::npos) << l[1];
    EXPECT_EQ(l[2].rfind("IT00743110157\tinvalid\t", 0), 0U) << l[2];
    EXPECT_EQ(l[3].rfind("DE136695977\tinvalid\toffline", 0), 0U) << l[3];
    EXPECT_EQ(l[4].rfind("ATU13585627\tunconfirmed\t", 0), 0U) << l[4];
    EXPECT_NE(l[4].find("MS_UNAVAILABLE"), std::string::npos) << l[4];
    EXPECT_EQ(l[5].rfind("DE 136695976\tvalid\t", 0), 0U) << l[5];
    EXPECT_EQ(emu_requests(emu, "DE"), 1U) << "a number given twice is asked once";
    for (const auto& line : l) {
        EXPECT_EQ(std::count(line.begin(), line.end(), '\t'), 2) << line;
    }
}

TEST(VatCheckCli, OnlineAllCheckedExitsZeroAndRejectsABadRequester) {
    emulators::vies::emulator_options eo;
    eo.unknown_answer = "valid";
    threaded_emulator emu(eo);
    vat_check_options o;
    o.api = vies::api::rest;
    o.url = emu.base() + "/taxation_customs/vies/rest-api";
    o.numbers = {"DE136695976"};
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_vat_check(o, in, out, err), 0) << out.str() << err.str();
    o.requester = "DE123";
    std::ostringstream out2;
    EXPECT_EQ(run_vat_check(o, in, out2, err), 2);
    EXPECT_NE(err.str().find("--requester"), std::string::npos);
}

}  // namespace
}  // namespace fakturad::daemon
