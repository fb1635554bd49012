#include "self_signed.hpp"
#include "test_org.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <signal.h>

#include <cstdio>
#include <thread>

namespace fakturad::sf_emulator::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

http::response<http::string_body> fetch_tls(
    std::uint16_t port, asio::ssl::context& ctx, http::request<http::string_body> req
) {
    asio::io_context ioc;
    http::response<http::string_body> res;
    auto client = [&]() -> asio::awaitable<void> {
        beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
        beast::get_lowest_layer(stream).expires_after(5s);
        co_await beast::get_lowest_layer(stream).async_connect(
            asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable
        );
        co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        co_await http::async_write(stream, req, asio::use_awaitable);
        beast::flat_buffer buffer;
        co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    };
    asio::co_spawn(ioc, client, [](const std::exception_ptr&) {});
    ioc.run_for(10s);
    return res;
}

TEST(EmulatorServer, AnswersOverTlsInProcess) {
    auto dir = temp_dir("server-tls");
    auto pem = fakturad::test::write_self_signed(dir);
    emulator_options options;
    options.org_file = write_org(dir, "  Account:\n    - {Name: Over TLS}\n");
    options.static_token = "tls-token";
    emulator org(options);

    asio::io_context ioc;
    net::http_server_options server_options;
    server_options.tls = net::http_tls_files{pem.certificate, pem.key};
    net::http_server server(ioc.get_executor(), org.handler(), server_options);
    const auto port = server.listen("127.0.0.1", 0);
    org.set_instance_url("https://127.0.0.1:" + std::to_string(port));
    server.start();
    std::thread runner([&] { ioc.run_for(20s); });

    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(pem.certificate.string());
    ctx.set_verify_mode(asio::ssl::verify_peer);
    http::request<http::string_body> req{
        http::verb::get, "/services/data/v62.0/query?q=SELECT+Name+FROM+Account", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer tls-token");
    auto res = fetch_tls(port, ctx, req);
    asio::post(ioc, [&] {
        server.stop();
        ioc.stop();
    });
    runner.join();
    EXPECT_EQ(res.result_int(), 200U);
    EXPECT_NE(res.body().find("\"Name\":\"Over TLS\""), std::string::npos) << res.body();
    EXPECT_EQ(res["Sforce-Limit-Info"], "api-usage=1/15000");
    std::filesystem::remove_all(dir);
}

// One request on a fresh plain connection, with a deadline.
asio::awaitable<http::response<http::string_body>> post_plain(
    std::uint16_t port, std::string target, std::string body, std::string authorization, std::string cookie
) {
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    stream.expires_after(10s);
    co_await stream.async_connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable
    );
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, authorization);
    req.set(http::field::content_type, "application/json");
    if (!cookie.empty()) {
        req.set(http::field::cookie, cookie);
    }
    req.body() = std::move(body);
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    co_return res;
}

TEST(EmulatorServer, HeldConnectWakesUpOnAChange) {
    auto dir = temp_dir("server-cometd");
    emulator_options options;
    options.org_file = write_org(dir, "  Account:\n    - {Name: A}\n", "cometd_timeout_ms: 3000\n");
    options.static_token = "poll-token";
    emulator org(options);
    asio::io_context server_ioc;
    net::http_server server(server_ioc.get_executor(), org.handler(), {});
    const auto port = server.listen("127.0.0.1", 0);
    server.start();
    std::thread runner([&] { server_ioc.run_for(30s); });

    asio::io_context client_ioc;
    std::string error;
    std::size_t messages_in_poll = 0;
    std::chrono::milliseconds poll_took{0};
    auto scenario = [&]() -> asio::awaitable<void> {
        auto hs_op = post_plain(
            port,
            "/cometd/59.0",
            R"([{"channel":"/meta/handshake","version":"1.0","id":"1"}])",
            "OAuth poll-token",
            ""
        );
        auto hs = co_await std::move(hs_op);
        const std::string cookie(hs[http::field::set_cookie].substr(0, hs[http::field::set_cookie].find(';'))
        );
        const std::string client(json::parse(hs.body()).at(0).at("clientId").as_string());
        auto sub_op = post_plain(
            port,
            "/cometd/59.0",
            R"([{"channel":"/meta/subscribe","clientId":")" + client +
                R"(","subscription":"/data/AccountChangeEvent"}])",
            "OAuth poll-token",
            cookie
        );
        auto sub = co_await std::move(sub_op);
        if (json::parse(sub.body()).at(0).at("successful") != true) {
            error = "subscribe failed: " + sub.body();
            co_return;
        }
        auto writer = [port]() -> asio::awaitable<void> {
            asio::steady_timer pause(co_await asio::this_coro::executor, 300ms);
            co_await pause.async_wait(asio::use_awaitable);
            auto op = post_plain(
                port,
                "/services/data/v59.0/sobjects/Account",
                R"({"Name":"Wake up"})",
                "Bearer poll-token",
                ""
            );
            auto created = co_await std::move(op);
            (void)created;
        };
        asio::co_spawn(co_await asio::this_coro::executor, writer, asio::detached);
        const auto start = std::chrono::steady_clock::now();
        auto poll_op = post_plain(
            port,
            "/cometd/59.0",
            R"([{"channel":"/meta/connect","clientId":")" + client + R"(","connectionType":"long-polling"}])",
            "OAuth poll-token",
            cookie
        );
        auto poll = co_await std::move(poll_op);
        poll_took =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        messages_in_poll = json::parse(poll.body()).as_array().size();
    };
    asio::co_spawn(client_ioc, scenario, [&](const std::exception_ptr& e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                error = ex.what();
            }
        }
    });
    client_ioc.run_for(20s);
    asio::post(server_ioc, [&] {
        server.stop();
        server_ioc.stop();
    });
    runner.join();
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_EQ(messages_in_poll, 2U);  // the Account event and the connect ack
    EXPECT_GE(poll_took.count(), 250);
    EXPECT_LT(poll_took.count(), 2500);  // woken by the change, not by the 3 s timeout
    std::filesystem::remove_all(dir);
}

TEST(EmulatorBinary, PrintsTheBoundPortFirstAndServes) {
    const auto binary = std::filesystem::path(FAKTURAD_BINARY_DIR) / "bin" / "sf-emulator";
    ASSERT_TRUE(std::filesystem::exists(binary)) << binary;
    const auto org = source_dir() / "emulators/salesforce/orgs/test-small.yaml";
    // The shell prints the child's pid; the child prints its first line to a file we read.
    const auto out_file = temp_dir("binary") / "stdout.txt";
    FILE* shell = ::popen(
        (binary.string() + " --listen 127.0.0.1:0 --org " + org.string() + " --static-token bin-token > " +
         out_file.string() + " 2>&1 & echo $!")
            .c_str(),
        "r"
    );
    ASSERT_NE(shell, nullptr);
    int pid = 0;
    ASSERT_EQ(std::fscanf(shell, "%d", &pid), 1);
    ::pclose(shell);
    std::string first_line;
    for (int i = 0; i < 100 && first_line.empty(); ++i) {
        std::this_thread::sleep_for(50ms);
        std::ifstream in(out_file);
        std::getline(in, first_line);
    }
    ::kill(pid, SIGTERM);
    ASSERT_EQ(first_line.rfind("listening on 127.0.0.1:", 0), 0U) << first_line;
    EXPECT_GT(std::stoi(first_line.substr(std::string("listening on 127.0.0.1:").size())), 0);
    std::filesystem::remove_all(out_file.parent_path());
}

}  // namespace
}  // namespace fakturad::sf_emulator::test
