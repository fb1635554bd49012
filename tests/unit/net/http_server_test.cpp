#include "fakturad/net/http_server.hpp"

#include "self_signed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

namespace fakturad::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

using client_request = http::request<http::string_body>;
using client_response = http::response<http::string_body>;

// Runs a server on its own io_context thread; every call into the server happens on that thread.
class running_server {
public:
    running_server(http_handler handler, http_server_options options) {
        server_ = std::make_unique<http_server>(ioc_.get_executor(), std::move(handler), std::move(options));
        port_ = server_->listen("127.0.0.1", 0);
        server_->start();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~running_server() {
        work_.reset();
        ioc_.stop();
        thread_.join();
    }
    running_server(const running_server&) = delete;
    running_server& operator=(const running_server&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }

    // Stops the server and reports whether every session finished within `limit`.
    bool stop_within(std::chrono::milliseconds limit) {
        std::promise<void> done;
        auto finished = done.get_future();
        asio::post(ioc_, [this, &done] {
            server_->stop();
            auto wait = [this, &done]() -> asio::awaitable<void> {
                co_await server_->wait_stopped();
                done.set_value();
            };
            asio::co_spawn(ioc_, wait, asio::detached);
        });
        return finished.wait_for(limit) == std::future_status::ready;
    }

    std::size_t session_count() {
        std::promise<std::size_t> count;
        auto result = count.get_future();
        asio::post(ioc_, [this, &count] { count.set_value(server_->session_count()); });
        return result.get();
    }

private:
    asio::io_context ioc_;
    // Keeps run() going after the server has stopped, so that later posts still execute.
    asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
    std::unique_ptr<http_server> server_;
    std::uint16_t port_ = 0;
    std::thread thread_;
};

struct exchange_result {
    std::vector<client_response> responses;
    boost::system::error_code error;  // first failure, if any
    int connections_opened = 0;
};

// Sends `requests` one after the other on one connection (TLS when `ctx` is set), with a deadline per step.
template <typename Stream>
asio::awaitable<void> run_exchange(
    Stream& stream, std::vector<client_request> requests, exchange_result& out
) {
    beast::flat_buffer buffer;
    for (auto& req : requests) {
        beast::get_lowest_layer(stream).expires_after(5s);
        co_await http::async_write(stream, req, asio::use_awaitable);
        client_response res;
        beast::get_lowest_layer(stream).expires_after(5s);
        co_await http::async_read(stream, buffer, res, asio::use_awaitable);
        out.responses.push_back(std::move(res));
    }
}

exchange_result exchange(
    std::uint16_t port, std::vector<client_request> requests, asio::ssl::context* ctx = nullptr
) {
    asio::io_context ioc;
    exchange_result out;
    auto client = [&]() -> asio::awaitable<void> {
        beast::tcp_stream tcp_stream(ioc);
        tcp_stream.expires_after(5s);
        co_await tcp_stream.async_connect(
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable
        );
        ++out.connections_opened;
        if (ctx == nullptr) {
            co_await run_exchange(tcp_stream, std::move(requests), out);
        } else {
            beast::ssl_stream<beast::tcp_stream> tls(std::move(tcp_stream), *ctx);
            co_await tls.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
            co_await run_exchange(tls, std::move(requests), out);
        }
    };
    asio::co_spawn(ioc, client, [&](const std::exception_ptr& e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const boost::system::system_error& err) {
                out.error = err.code();
            }
        }
    });
    ioc.run_for(20s);
    return out;
}

client_request make_request(http::verb verb, std::string target, std::string body = {}) {
    client_request req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

http_handler echo_handler() {
    return [](http_request req) -> asio::awaitable<http_response> {
        http_response res;
        res.status = 201;
        res.set("Content-Type", "text/plain");
        res.set("X-Method", req.method);
        res.set("X-Target", req.target);
        res.set("X-Probe", std::string(req.header("x-PROBE").value_or("absent")));
        res.set("X-Remote", req.remote_address);
        res.body = req.body;
        co_return res;
    };
}

TEST(HttpServer, PlainRequestsShareOneKeepAliveConnection) {
    running_server server(echo_handler(), {});
    ASSERT_NE(server.port(), 0);
    auto first = make_request(http::verb::post, "/a/b?x=1%202", "hello");
    first.set("X-Probe", "yes");
    auto result = exchange(server.port(), {first, make_request(http::verb::patch, "/second", "again")});
    ASSERT_FALSE(result.error) << result.error.message();
    ASSERT_EQ(result.responses.size(), 2U);
    EXPECT_EQ(result.connections_opened, 1);
    const auto& r1 = result.responses[0];
    EXPECT_EQ(r1.result_int(), 201U);
    EXPECT_EQ(r1.body(), "hello");
    EXPECT_EQ(r1["X-Method"], "POST");
    EXPECT_EQ(r1["X-Target"], "/a/b?x=1%202");
    EXPECT_EQ(r1["X-Probe"], "yes");
    EXPECT_EQ(r1["X-Remote"], "127.0.0.1");
    EXPECT_EQ(r1[http::field::server], "fakturad");
    EXPECT_TRUE(r1.keep_alive());
    EXPECT_EQ(result.responses[1]["X-Method"], "PATCH");
    EXPECT_EQ(result.responses[1]["X-Probe"], "absent");
}

TEST(HttpServer, BodyOverLimitIs413) {
    http_server_options options;
    options.body_limit = 10;
    running_server server(echo_handler(), options);
    auto result = exchange(server.port(), {make_request(http::verb::post, "/", std::string(11, 'x'))});
    ASSERT_EQ(result.responses.size(), 1U) << result.error.message();
    EXPECT_EQ(result.responses[0].result_int(), 413U);
    EXPECT_FALSE(result.responses[0].keep_alive());
}

TEST(HttpServer, HeadersOverLimitAre431) {
    http_server_options options;
    options.header_limit = 1024;
    running_server server(echo_handler(), options);
    auto req = make_request(http::verb::get, "/");
    req.set("X-Big", std::string(2048, 'h'));
    auto result = exchange(server.port(), {req});
    ASSERT_EQ(result.responses.size(), 1U) << result.error.message();
    EXPECT_EQ(result.responses[0].result_int(), 431U);
}

TEST(HttpServer, HandlerExceptionIs500AndNamesIt) {
    http_handler failing = [](http_request) -> asio::awaitable<http_response> {
        throw std::runtime_error("boom in handler");
        co_return http_response{};
    };
    running_server server(failing, {});
    auto result = exchange(server.port(), {make_request(http::verb::get, "/")});
    ASSERT_EQ(result.responses.size(), 1U) << result.error.message();
    EXPECT_EQ(result.responses[0].result_int(), 500U);
    EXPECT_NE(result.responses[0].body().find("boom in handler"), std::string::npos);
}

TEST(HttpServer, CloseConnectionEndsKeepAlive) {
    http_handler closing = [](http_request) -> asio::awaitable<http_response> {
        http_response res;
        res.close_connection = true;
        co_return res;
    };
    running_server server(closing, {});
    auto result =
        exchange(server.port(), {make_request(http::verb::get, "/"), make_request(http::verb::get, "/")});
    ASSERT_EQ(result.responses.size(), 1U);
    EXPECT_FALSE(result.responses[0].keep_alive());
    EXPECT_TRUE(result.error);  // the second request finds the connection closed
}

TEST(HttpServer, IdleConnectionTimesOut) {
    http_server_options options;
    options.idle_timeout = 200ms;
    running_server server(echo_handler(), options);
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    // The server closes an idle connection: a read then ends with EOF instead of blocking for ever.
    std::array<char, 16> buf{};
    boost::system::error_code ec;
    socket.read_some(asio::buffer(buf), ec);
    EXPECT_EQ(ec, asio::error::eof);
}

TEST(HttpServer, StopCancelsAHangingHandler) {
    std::atomic<bool> entered{false};
    http_handler hanging = [&entered](http_request) -> asio::awaitable<http_response> {
        entered = true;
        asio::steady_timer forever(co_await asio::this_coro::executor, std::chrono::hours(1));
        co_await forever.async_wait(asio::use_awaitable);
        co_return http_response{};
    };
    running_server server(hanging, {});
    std::thread client([&] { (void)exchange(server.port(), {make_request(http::verb::get, "/hang")}); });
    for (int i = 0; i < 500 && !entered; ++i) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(entered);
    EXPECT_EQ(server.session_count(), 1U);
    EXPECT_TRUE(server.stop_within(5s));
    EXPECT_EQ(server.session_count(), 0U);
    client.join();
}

TEST(HttpServer, ServesTlsWithTheGivenCertificate) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("fakturad-http-server-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto pem = test::write_self_signed(dir);
    http_server_options options;
    options.tls = http_tls_files{pem.certificate, pem.key};
    running_server server(echo_handler(), options);

    asio::ssl::context trusting(asio::ssl::context::tls_client);
    trusting.load_verify_file(pem.certificate.string());
    trusting.set_verify_mode(asio::ssl::verify_peer);
    auto result = exchange(
        server.port(),
        {make_request(http::verb::post, "/secure", "over tls"), make_request(http::verb::get, "/again")},
        &trusting
    );
    ASSERT_FALSE(result.error) << result.error.message();
    ASSERT_EQ(result.responses.size(), 2U);
    EXPECT_EQ(result.responses[0].body(), "over tls");
    EXPECT_EQ(result.connections_opened, 1);

    // A client that does not trust the certificate fails the handshake: TLS is really on.
    asio::ssl::context strict(asio::ssl::context::tls_client);
    strict.set_verify_mode(asio::ssl::verify_peer);
    auto refused = exchange(server.port(), {make_request(http::verb::get, "/")}, &strict);
    EXPECT_TRUE(refused.error);
    EXPECT_TRUE(refused.responses.empty());
    std::filesystem::remove_all(dir);
}

TEST(HttpServer, MissingTlsKeyFileIsReported) {
    asio::io_context ioc;
    http_server_options options;
    options.tls = http_tls_files{"/nonexistent/cert.pem", "/nonexistent/key.pem"};
    try {
        http_server server(ioc.get_executor(), echo_handler(), options);
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos);
    }
}

}  // namespace
}  // namespace fakturad::net
