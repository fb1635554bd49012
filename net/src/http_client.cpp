#include "fakturad/net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <tuple>

namespace fakturad::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
using steady = std::chrono::steady_clock;

class client_category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "fakturad.http_client"; }
    [[nodiscard]] std::string message(int ev) const override {
        switch (static_cast<http_client_errc>(ev)) {
            case http_client_errc::bad_url:
                return "not an absolute http or https URL";
            case http_client_errc::resolve_failed:
                return "host name could not be resolved";
            case http_client_errc::connect_failed:
                return "TCP connection failed";
            case http_client_errc::tls_failed:
                return "TLS handshake or certificate verification failed";
            case http_client_errc::timeout:
                return "deadline passed";
            case http_client_errc::send_failed:
                return "sending the request failed";
            case http_client_errc::receive_failed:
                return "receiving the response failed";
            case http_client_errc::body_too_large:
                return "response body over the limit";
            case http_client_errc::cancelled:
                return "cancelled";
        }
        return "unknown http client error";
    }
};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

struct target_url {
    bool tls = false;
    std::string host;
    std::string port;
    std::string target;
    std::string key() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

std::optional<target_url> split_url(std::string_view url) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) {
        return std::nullopt;
    }
    target_url t;
    const auto scheme = parsed->scheme();
    if (iequals(scheme, "https")) {
        t.tls = true;
    } else if (!iequals(scheme, "http")) {
        return std::nullopt;
    }
    t.host = std::string(parsed->encoded_host());
    if (t.host.empty()) {
        return std::nullopt;
    }
    // An IPv6 literal arrives bracketed; the resolver wants it bare.
    if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') {
        t.host = t.host.substr(1, t.host.size() - 2);
    }
    t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
    t.target = std::string(parsed->encoded_path());
    if (t.target.empty()) {
        t.target = "/";
    }
    if (parsed->has_query()) {
        t.target += "?" + std::string(parsed->encoded_query());
    }
    return t;
}

bool is_stale_connection_error(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == ssl::error::stream_truncated;
}

}  // namespace

const std::error_category& http_client_category() noexcept {
    static const client_category category;
    return category;
}

std::error_code make_error_code(http_client_errc e) noexcept {
    return {static_cast<int>(e), http_client_category()};
}

std::optional<std::string_view> http_client_response::header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

struct connection {
    bool tls = false;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    steady::time_point idle_since{};

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*secure) : *plain; }
    void close() {
        boost::system::error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
    }
};

struct http_client::impl {
    asio::any_io_executor exec;
    http_client_options options;
    ssl::context tls_context{ssl::context::tls_client};
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle;
    std::uint64_t opened = 0;

    std::unique_ptr<connection> take_idle(const std::string& key) {
        auto it = idle.find(key);
        if (it == idle.end()) {
            return nullptr;
        }
        auto& list = it->second;
        const auto now = steady::now();
        while (!list.empty()) {
            auto c = std::move(list.back());
            list.pop_back();
            if (now - c->idle_since <= options.idle_timeout && c->lowest().socket().is_open()) {
                return c;
            }
            c->close();
        }
        return nullptr;
    }

    void give_back(const std::string& key, std::unique_ptr<connection> c) {
        auto& list = idle[key];
        if (list.size() >= options.max_idle_per_host) {
            c->close();
            return;
        }
        c->idle_since = steady::now();
        list.push_back(std::move(c));
    }

    struct open_result {
        std::unique_ptr<connection> conn;
        std::error_code error;
        std::string detail;
    };

    asio::awaitable<open_result> open(target_url url, steady::time_point deadline) {
        open_result out;
        tcp::resolver resolver(exec);
        asio::steady_timer timer(exec, deadline);
        // Resolving has no expiry of its own: race it against the deadline (STYLE A5).
        auto group = asio::experimental::make_parallel_group(
            resolver.async_resolve(url.host, url.port, asio::deferred), timer.async_wait(asio::deferred)
        );
        auto op = group.async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
        auto raced = co_await std::move(op);
        const auto& order = std::get<0>(raced);
        const auto& resolve_ec = std::get<1>(raced);
        if (order[0] == 1) {
            out.error = http_client_errc::timeout;
            out.detail = "resolving " + url.host + " took too long";
            co_return out;
        }
        if (resolve_ec) {
            out.error = http_client_errc::resolve_failed;
            out.detail = url.host + ": " + resolve_ec.message();
            co_return out;
        }
        const auto& endpoints = std::get<2>(raced);

        auto c = std::make_unique<connection>();
        c->tls = url.tls;
        if (url.tls) {
            c->secure.emplace(exec, tls_context);
        } else {
            c->plain.emplace(exec);
        }
        c->lowest().expires_at(deadline);
        auto [connect_ec, endpoint] = co_await c->lowest().async_connect(endpoints, tuple_awaitable);
        if (connect_ec) {
            out.error = connect_ec == beast::error::timeout ? http_client_errc::timeout
                                                            : http_client_errc::connect_failed;
            out.detail = url.host + ":" + url.port + ": " + connect_ec.message();
            co_return out;
        }
        ++opened;
        if (url.tls) {
            auto& stream = *c->secure;
            // SNI; OpenSSL copies the name.
            if (SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()) != 1) {
                out.error = http_client_errc::tls_failed;
                out.detail = "cannot set the TLS server name " + url.host;
                co_return out;
            }
            stream.set_verify_mode(ssl::verify_peer);
            stream.set_verify_callback(ssl::host_name_verification(url.host));
            auto [hs_ec] = co_await stream.async_handshake(ssl::stream_base::client, tuple_awaitable);
            if (hs_ec) {
                out.error =
                    hs_ec == beast::error::timeout ? http_client_errc::timeout : http_client_errc::tls_failed;
                out.detail = url.host + ": " + hs_ec.message();
                co_return out;
            }
        }
        out.conn = std::move(c);
        co_return out;
    }

    template <typename Stream>
    static asio::awaitable<std::pair<boost::system::error_code, bool>> exchange(
        Stream& stream,
        beast::flat_buffer& buffer,
        http::request<http::string_body>& request,
        http::response_parser<http::string_body>& parser
    ) {
        auto [write_ec, written] = co_await http::async_write(stream, request, tuple_awaitable);
        if (write_ec) {
            co_return std::make_pair(write_ec, true);
        }
        auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
        co_return std::make_pair(read_ec, false);
    }
};

http_client::http_client(asio::any_io_executor exec, http_client_options options)
    : impl_(std::make_unique<impl>()) {
    impl_->exec = std::move(exec);
    impl_->options = std::move(options);
    auto& ctx = impl_->tls_context;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3);
    if (impl_->options.use_system_ca) {
        ctx.set_default_verify_paths();
    }
    if (impl_->options.ca_file) {
        boost::system::error_code ec;
        ctx.load_verify_file(impl_->options.ca_file->string(), ec);
        if (ec) {
            throw std::runtime_error(
                "cannot load CA file " + impl_->options.ca_file->string() + ": " + ec.message()
            );
        }
    }
    const auto& cert = impl_->options.client_certificate;
    const auto& key = impl_->options.client_private_key;
    if (cert.has_value() != key.has_value()) {
        throw std::runtime_error("a client certificate needs its private key and a key needs its certificate"
        );
    }
    if (cert) {
        boost::system::error_code ec;
        ctx.use_certificate_chain_file(cert->string(), ec);
        if (ec) {
            throw std::runtime_error(
                "cannot load client certificate " + cert->string() + ": " + ec.message()
            );
        }
        ctx.use_private_key_file(key->string(), ssl::context::pem, ec);
        if (ec) {
            throw std::runtime_error("cannot load client private key " + key->string() + ": " + ec.message());
        }
    }
    ctx.set_verify_mode(ssl::verify_peer);
}

http_client::~http_client() { close_idle(); }

asio::awaitable<http_client_result> http_client::send(http_client_request request) {
    http_client_result result;
    const auto url = split_url(request.url);
    if (!url) {
        result.error = http_client_errc::bad_url;
        result.detail = "cannot use URL '" + request.url.substr(0, 200) + "'";
        co_return result;
    }
    const auto deadline = steady::now() + request.timeout;
    const auto key = url->key();

    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(url->target);
    req.version(11);
    const bool default_port = url->port == (url->tls ? "443" : "80");
    req.set(http::field::host, default_port ? url->host : url->host + ":" + url->port);
    req.set(http::field::user_agent, impl_->options.user_agent);
    for (const auto& [name, value] : request.headers) {
        req.set(name, value);
    }
    req.body() = std::move(request.body);
    req.keep_alive(true);
    req.prepare_payload();

    for (int attempt = 0; attempt < 2; ++attempt) {
        auto conn = impl_->take_idle(key);
        const bool reused = conn != nullptr;
        if (!conn) {
            auto opening = impl_->open(*url, deadline);
            auto opened = co_await std::move(opening);
            if (opened.error) {
                result.error = opened.error;
                result.detail = std::move(opened.detail);
                co_return result;
            }
            conn = std::move(opened.conn);
        }
        conn->lowest().expires_at(deadline);
        http::response_parser<http::string_body> parser;
        parser.body_limit(impl_->options.body_limit);
        std::pair<boost::system::error_code, bool> outcome;
        if (conn->tls) {
            auto op = impl::exchange(*conn->secure, conn->buffer, req, parser);
            outcome = co_await std::move(op);
        } else {
            auto op = impl::exchange(*conn->plain, conn->buffer, req, parser);
            outcome = co_await std::move(op);
        }
        const auto& [ec, while_writing] = outcome;
        if (ec) {
            conn->close();
            // A pooled connection the server had already closed: the request never arrived; send it again.
            if (reused && attempt == 0 && is_stale_connection_error(ec) && !parser.got_some()) {
                continue;
            }
            if (ec == beast::error::timeout) {
                result.error = http_client_errc::timeout;
            } else if (ec == asio::error::operation_aborted) {
                result.error = http_client_errc::cancelled;
            } else if (ec == http::error::body_limit) {
                result.error = http_client_errc::body_too_large;
            } else {
                result.error =
                    while_writing ? http_client_errc::send_failed : http_client_errc::receive_failed;
            }
            result.detail = ec.message();
            result.reused_connection = reused;
            co_return result;
        }
        auto response = parser.release();
        result.response.status = response.result_int();
        for (const auto& field : response) {
            result.response.headers.emplace_back(
                std::string(field.name_string()), std::string(field.value())
            );
        }
        result.response.body = std::move(response.body());
        result.reused_connection = reused;
        if (response.keep_alive()) {
            conn->lowest().expires_never();
            impl_->give_back(key, std::move(conn));
        } else {
            conn->close();
        }
        co_return result;
    }
    result.error = http_client_errc::receive_failed;
    result.detail = "connection closed before the response";
    co_return result;
}

asio::awaitable<http_client_result> http_client::send_with_retry(
    http_client_request request, retry_policy policy
) {
    for (unsigned attempt = 1;; ++attempt) {
        auto op = send(request);
        auto result = co_await std::move(op);
        result.attempts = attempt;
        const auto decision = policy ? policy(attempt, result) : retry_decision{};
        if (!decision.retry) {
            co_return result;
        }
        asio::steady_timer pause(impl_->exec, decision.delay);
        auto [ec] = co_await pause.async_wait(tuple_awaitable);
        if (ec) {
            result.error = http_client_errc::cancelled;
            result.detail = "cancelled while waiting to retry";
            co_return result;
        }
    }
}

std::size_t http_client::idle_connections() const {
    std::size_t n = 0;
    for (const auto& [key, list] : impl_->idle) {
        n += list.size();
    }
    return n;
}

std::uint64_t http_client::connections_opened() const { return impl_->opened; }

void http_client::close_idle() {
    for (auto& [key, list] : impl_->idle) {
        for (auto& c : list) {
            c->close();
        }
        list.clear();
    }
}

}  // namespace fakturad::net
