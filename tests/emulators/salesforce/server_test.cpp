#include "self_signed.hpp"
#include "test_org.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
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

TEST(EmulatorBinary, PrintsTheBoundPortFirstAndServes) {
    const auto binary = std::filesystem::path(FAKTURAD_BINARY_DIR) / "bin" / "sf-emulator";
    ASSERT_TRUE(std::filesystem::exists(binary)) << binary;
    const auto org = source_dir() / "emulators/salesforce/orgs/demo.yaml";
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
