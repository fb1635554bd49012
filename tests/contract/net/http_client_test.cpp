// net::http_client against net::http_server on loopback: keep-alive pooling, deadlines, stale pooled
// connections, the retry hook, TLS with a private CA and host-name verification.

#include "fakturad/net/http_client.hpp"

#include "../../unit/net/self_signed.hpp"
#include "fakturad/net/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <random>

namespace fakturad::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct server_fixture {
    explicit server_fixture(http_server_options options = {}, std::string listen_host = "127.0.0.1")
        : host(std::move(listen_host)),
          server(
              ioc.get_executor(), [this](http_request r) { return handle(std::move(r)); }, std::move(options)
          ) {
        port = server.listen(host, 0);
        server.start();
    }

    asio::awaitable<http_response> handle(http_request r) {
        ++requests;
        last = r;
        http_response out;
        if (r.target == "/slow") {
            asio::steady_timer t(ioc, 2s);
            co_await t.async_wait(asio::use_awaitable);
        }
        if (r.target == "/flaky" && requests < 3) {
            out.status = 503;
            co_return out;
        }
        out.set("Content-Type", "text/plain");
        out.body = r.method + " " + r.target + " " + r.body;
        co_return out;
    }

    std::string url(const std::string& path) const {
        return std::string(server.tls() ? "https" : "http") + "://" + host + ":" + std::to_string(port) +
               path;
    }

    http_client_result call(http_client& client, http_client_request request) {
        std::optional<http_client_result> out;
        auto done = [&](std::exception_ptr, http_client_result r) { out = std::move(r); };
        asio::co_spawn(ioc, client.send(std::move(request)), std::move(done));
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (!out && std::chrono::steady_clock::now() < deadline) {
            ioc.run_one_for(100ms);
        }
        EXPECT_TRUE(out) << "call did not finish in 30 s";
        return out ? std::move(*out) : http_client_result{};
    }

    void idle_for(std::chrono::milliseconds d) {
        const auto until = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < until) {
            ioc.run_one_for(10ms);
        }
    }

    std::string host;
    asio::io_context ioc;
    http_server server;
    std::uint16_t port = 0;
    int requests = 0;
    http_request last;
};

http_client_request get(std::string url) {
    http_client_request r;
    r.url = std::move(url);
    r.timeout = 5s;
    return r;
}

TEST(HttpClient, KeepAliveReusesOneConnection) {
    server_fixture s;
    http_client client(s.ioc.get_executor(), {});
    for (int i = 0; i < 3; ++i) {
        auto req = get(s.url("/echo?i=" + std::to_string(i)));
        req.method = "POST";
        req.body = "hello";
        req.headers = {{"Content-Type", "text/plain"}, {"X-Test", "1"}};
        const auto r = s.call(client, req);
        ASSERT_TRUE(r.ok()) << r.error.message() << ": " << r.detail;
        EXPECT_EQ(r.response.status, 200U);
        EXPECT_EQ(r.response.body, "POST /echo?i=" + std::to_string(i) + " hello");
        EXPECT_EQ(r.response.header("content-type"), "text/plain");
        EXPECT_EQ(r.reused_connection, i > 0);
    }
    EXPECT_EQ(client.connections_opened(), 1U);
    EXPECT_EQ(client.idle_connections(), 1U);
    EXPECT_EQ(s.last.header("x-test"), "1");
    EXPECT_EQ(s.last.header("host"), "127.0.0.1:" + std::to_string(s.port));
}

TEST(HttpClient, EveryCallHasADeadline) {
    server_fixture s;
    http_client client(s.ioc.get_executor(), {});
    auto req = get(s.url("/slow"));
    req.timeout = 200ms;
    const auto started = std::chrono::steady_clock::now();
    const auto r = s.call(client, req);
    EXPECT_EQ(r.error, http_client_errc::timeout) << r.error.message() << ": " << r.detail;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
    EXPECT_EQ(client.idle_connections(), 0U) << "a timed-out connection is never pooled";
}

TEST(HttpClient, StalePooledConnectionIsReplacedSilently) {
    http_server_options o;
    o.idle_timeout = 100ms;  // the server drops idle keep-alive connections quickly
    server_fixture s(o);
    http_client client(s.ioc.get_executor(), {});
    ASSERT_TRUE(s.call(client, get(s.url("/a"))).ok());
    s.idle_for(400ms);
    const auto r = s.call(client, get(s.url("/b")));
    ASSERT_TRUE(r.ok()) << r.error.message() << ": " << r.detail;
    EXPECT_EQ(r.response.body, "GET /b ");
    EXPECT_EQ(client.connections_opened(), 2U);
}

TEST(HttpClient, TransportErrorsAreValues) {
    server_fixture s;
    http_client client(s.ioc.get_executor(), {});
    EXPECT_EQ(s.call(client, get("ftp://127.0.0.1/x")).error, http_client_errc::bad_url);
    EXPECT_EQ(s.call(client, get("not a url")).error, http_client_errc::bad_url);
    const auto refused = s.call(client, get("http://127.0.0.1:1/"));
    EXPECT_EQ(refused.error, http_client_errc::connect_failed) << refused.detail;
    EXPECT_FALSE(refused.detail.empty());
}

TEST(HttpClient, RetryHookDecidesAndCounts) {
    server_fixture s;
    http_client client(s.ioc.get_executor(), {});
    std::vector<unsigned> seen;
    retry_policy policy = [&](unsigned attempt, const http_client_result& r) {
        seen.push_back(attempt);
        return retry_decision{r.ok() && r.response.status == 503 && attempt < 5, 10ms};
    };
    std::optional<http_client_result> out;
    auto done = [&](std::exception_ptr, http_client_result r) { out = std::move(r); };
    asio::co_spawn(s.ioc, client.send_with_retry(get(s.url("/flaky")), policy), std::move(done));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!out && std::chrono::steady_clock::now() < deadline) {
        s.ioc.run_one_for(100ms);
    }
    ASSERT_TRUE(out);
    EXPECT_EQ(out->response.status, 200U);
    EXPECT_EQ(out->attempts, 3U);
    EXPECT_EQ(seen, (std::vector<unsigned>{1, 2, 3}));
}

std::filesystem::path temp_dir() {
    auto dir = std::filesystem::temp_directory_path() /
               ("fakturad-http-client-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    return dir;
}

TEST(HttpClient, TlsVerifiesTheCertificateAndTheHostName) {
    const auto dir = temp_dir();
    const auto pem = fakturad::test::write_self_signed(dir);
    http_server_options o;
    o.tls = http_tls_files{pem.certificate, pem.key};
    server_fixture s(o);

    http_client_options trusted;
    trusted.use_system_ca = false;
    trusted.ca_file = pem.certificate;
    http_client good(s.ioc.get_executor(), trusted);
    const auto r = s.call(good, get(s.url("/secure")));
    ASSERT_TRUE(r.ok()) << r.error.message() << ": " << r.detail;
    EXPECT_EQ(r.response.body, "GET /secure ");

    // The system store does not know our throwaway CA.
    http_client stranger(s.ioc.get_executor(), {});
    const auto untrusted = s.call(stranger, get(s.url("/secure")));
    EXPECT_EQ(untrusted.error, http_client_errc::tls_failed) << untrusted.detail;

    // Trusted CA, but the certificate names 127.0.0.1/localhost, not 127.0.0.2 (still loopback).
    server_fixture other(o, "127.0.0.2");
    http_client verifier(other.ioc.get_executor(), trusted);
    const auto wrong_name = other.call(verifier, get(other.url("/secure")));
    EXPECT_EQ(wrong_name.error, http_client_errc::tls_failed) << wrong_name.detail;

    http_client_options missing_ca;
    missing_ca.use_system_ca = false;
    missing_ca.ca_file = dir / "missing.pem";
    EXPECT_THROW(http_client(s.ioc.get_executor(), missing_ca), std::runtime_error);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fakturad::net
