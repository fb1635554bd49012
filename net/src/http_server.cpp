#include "fakturad/net/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <list>
#include <stdexcept>

namespace fakturad::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

tcp::socket& lowest_socket(beast::tcp_stream& s) { return s.socket(); }

// The subject of the certificate the client presented (mutual TLS), one line; empty without one.
std::string peer_subject(SSL* ssl) {
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) {
        return {};
    }
    char line[512];
    X509_NAME_oneline(X509_get_subject_name(cert), line, sizeof line);
    X509_free(cert);
    return line;
}
tcp::socket& lowest_socket(beast::ssl_stream<beast::tcp_stream>& s) { return s.next_layer().socket(); }
beast::tcp_stream& lowest_stream(beast::tcp_stream& s) { return s; }
beast::tcp_stream& lowest_stream(beast::ssl_stream<beast::tcp_stream>& s) { return s.next_layer(); }

http::response<http::string_body> plain_error(unsigned status, std::string text) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(text);
    res.keep_alive(false);
    res.prepare_payload();
    return res;
}

}  // namespace

std::optional<std::string_view> http_request::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (beast::iequals(h.name, name)) {
            return std::string_view(h.value);
        }
    }
    return std::nullopt;
}

struct http_server::impl : std::enable_shared_from_this<impl> {
    impl(asio::any_io_executor e, http_handler h, http_server_options o)
        : exec(std::move(e)),
          handler(std::move(h)),
          options(std::move(o)),
          acceptor(exec),
          all_done(exec, asio::steady_timer::time_point::max()) {}

    asio::any_io_executor exec;
    http_handler handler;
    http_server_options options;
    std::optional<asio::ssl::context> ssl_ctx;
    tcp::acceptor acceptor;
    // One per running coroutine (accept loop and sessions). `done` is set when the coroutine has finished:
    // its entry leaves the list a turn later, and stop() in between must not emit into the finished
    // operation's cancellation state (it no longer exists).
    struct tracked {
        asio::cancellation_signal signal;
        bool done = false;
    };
    std::list<tracked> signals;
    std::size_t running = 0;
    std::size_t sessions = 0;
    asio::steady_timer all_done;  // its waits are cancelled whenever `running` drops to zero
    bool stopped = false;
    bool started = false;
    std::uint16_t bound_port = 0;

    template <typename Awaitable>
    void spawn_tracked(Awaitable op) {
        auto it = signals.emplace(signals.end());
        ++running;
        auto self = shared_from_this();
        auto on_done = [self, it](const std::exception_ptr&) {
            // The slot still belongs to the finishing operation while this runs: erase it a turn later.
            it->done = true;
            asio::post(self->exec, [self, it] {
                self->signals.erase(it);
                if (--self->running == 0) {
                    self->all_done.cancel();
                }
            });
        };
        asio::co_spawn(
            exec, std::move(op), asio::bind_cancellation_slot(it->signal.slot(), std::move(on_done))
        );
    }

    template <typename Stream>
    asio::awaitable<void> write_raw(Stream& stream, http::response<http::string_body>& res) {
        lowest_stream(stream).expires_after(options.write_timeout);
        auto [ec, n] = co_await http::async_write(stream, res, tuple_awaitable);
        (void)ec;
        (void)n;
    }

    template <typename Stream>
    asio::awaitable<void> serve_requests(
        Stream& stream, const std::string& remote, const std::string& client_subject = {}
    ) {
        beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
            parser.body_limit(static_cast<std::uint64_t>(options.body_limit));
            lowest_stream(stream).expires_after(options.idle_timeout);
            auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, tuple_awaitable);
            if (hec) {
                if (hec == http::error::header_limit) {
                    auto res = plain_error(431, "request header fields too large\n");
                    co_await write_raw(stream, res);
                } else if (hec == http::error::body_limit) {
                    // A Content-Length over the limit is caught while the header is parsed.
                    auto res = plain_error(413, "request body too large\n");
                    co_await write_raw(stream, res);
                } else if (hec != http::error::end_of_stream && hec != beast::error::timeout && hec != asio::error::eof && hec != asio::error::operation_aborted && hec != asio::error::connection_reset) {
                    auto res = plain_error(400, "malformed HTTP request: " + hec.message() + "\n");
                    co_await write_raw(stream, res);
                }
                co_return;
            }
            if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
                http::response<http::empty_body> go_on{http::status::continue_, 11};
                lowest_stream(stream).expires_after(options.write_timeout);
                auto [cec, cn] = co_await http::async_write(stream, go_on, tuple_awaitable);
                if (cec) {
                    co_return;
                }
            }
            if (!parser.is_done()) {
                lowest_stream(stream).expires_after(options.read_timeout);
                auto [bec, bn] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
                if (bec) {
                    if (bec == http::error::body_limit) {
                        auto res = plain_error(413, "request body too large\n");
                        co_await write_raw(stream, res);
                    }
                    co_return;
                }
            }
            lowest_stream(stream).expires_never();
            auto req = parser.release();
            http_request request;
            request.method = std::string(req.method_string());
            request.target = std::string(req.target());
            for (const auto& field : req) {
                request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
            }
            request.body = std::move(req.body());
            request.remote_address = remote;
            request.client_subject = client_subject;

            http_response reply;
            std::string failure;
            try {
                // Awaiting a named awaitable: GCC 12 destroys the result of `co_await f(temporary)` twice.
                auto pending = handler(std::move(request));
                reply = co_await std::move(pending);
            } catch (const boost::system::system_error& e) {
                if (e.code() == asio::error::operation_aborted) {
                    throw;
                }
                failure = e.what();
            } catch (const std::exception& e) {
                failure = e.what();
            }
            if (!failure.empty()) {
                auto res = plain_error(500, "handler failed: " + failure + "\n");
                co_await write_raw(stream, res);
                co_return;
            }
            if (reply.drop_without_response) {
                co_return;
            }
            http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
            res.set(http::field::server, options.server_header);
            for (const auto& h : reply.headers) {
                res.insert(h.name, h.value);
            }
            res.body() = std::move(reply.body);
            res.keep_alive(req.keep_alive() && !reply.close_connection && !stopped);
            res.prepare_payload();
            lowest_stream(stream).expires_after(options.write_timeout);
            auto [wec, wn] = co_await http::async_write(stream, res, tuple_awaitable);
            if (wec || !res.keep_alive()) {
                co_return;
            }
        }
    }

    asio::awaitable<void> run_plain_session(tcp::socket socket, std::string remote) {
        ++sessions;
        beast::tcp_stream stream(std::move(socket));
        try {
            co_await serve_requests(stream, remote);
        } catch (const boost::system::system_error&) {
            // Cancelled at shutdown or a write failed after the peer left: nothing to answer.
        }
        boost::system::error_code ignored;
        lowest_socket(stream).shutdown(tcp::socket::shutdown_send, ignored);
        lowest_socket(stream).close(ignored);
        --sessions;
    }

    asio::awaitable<void> run_tls_session(tcp::socket socket, std::string remote) {
        ++sessions;
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *ssl_ctx);
        try {
            lowest_stream(stream).expires_after(options.handshake_timeout);
            auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, tuple_awaitable);
            if (!hec) {
                co_await serve_requests(stream, remote, peer_subject(stream.native_handle()));
                lowest_stream(stream).expires_after(options.write_timeout);
                auto [sec] = co_await stream.async_shutdown(tuple_awaitable);
                (void)sec;
            }
        } catch (const boost::system::system_error&) {
            // As for plain sessions: cancellation or a vanished peer.
        }
        boost::system::error_code ignored;
        lowest_socket(stream).close(ignored);
        --sessions;
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(tuple_awaitable);
            if (stopped || ec == asio::error::operation_aborted) {
                co_return;
            }
            if (ec) {
                // EMFILE and friends: keep the connections we have and try again shortly.
                asio::steady_timer pause(exec, std::chrono::milliseconds(100));
                co_await pause.async_wait(tuple_awaitable);
                continue;
            }
            boost::system::error_code rec;
            const auto endpoint = socket.remote_endpoint(rec);
            std::string remote = rec ? std::string() : endpoint.address().to_string();
            if (ssl_ctx) {
                spawn_tracked(run_tls_session(std::move(socket), std::move(remote)));
            } else {
                spawn_tracked(run_plain_session(std::move(socket), std::move(remote)));
            }
        }
    }

    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        boost::system::error_code ignored;
        acceptor.close(ignored);
        for (auto& t : signals) {
            if (!t.done) {
                t.signal.emit(asio::cancellation_type::terminal);
            }
        }
    }
};

http_server::http_server(asio::any_io_executor exec, http_handler handler, http_server_options options)
    : impl_(std::make_shared<impl>(std::move(exec), std::move(handler), std::move(options))) {
    if (impl_->options.tls) {
        const auto& files = *impl_->options.tls;
        auto& ctx = impl_->ssl_ctx.emplace(asio::ssl::context::tls_server);
        ctx.set_options(
            asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1
        );
        boost::system::error_code ec;
        ctx.use_certificate_chain_file(files.certificate_chain.string(), ec);
        if (ec) {
            throw std::runtime_error(
                "cannot load TLS certificate chain " + files.certificate_chain.string() + ": " + ec.message()
            );
        }
        ctx.use_private_key_file(files.private_key.string(), asio::ssl::context::pem, ec);
        if (ec) {
            throw std::runtime_error(
                "cannot load TLS private key " + files.private_key.string() + ": " + ec.message()
            );
        }
        if (const auto& client_ca = impl_->options.client_ca_file) {
            ctx.load_verify_file(client_ca->string(), ec);
            if (ec) {
                throw std::runtime_error(
                    "cannot load client CA file " + client_ca->string() + ": " + ec.message()
                );
            }
            ctx.set_verify_mode(
                asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert |
                asio::ssl::verify_client_once
            );
        }
    }
}

http_server::~http_server() {
    if (impl_) {
        impl_->stop();
    }
}

std::uint16_t http_server::listen(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) {
        throw std::runtime_error(
            "cannot listen on " + host + ":" + std::to_string(port) + ": not a numeric address"
        );
    }
    const tcp::endpoint endpoint(address, port);
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        throw std::runtime_error(
            "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message()
        );
    }
    impl_->bound_port = acceptor.local_endpoint().port();
    return impl_->bound_port;
}

void http_server::start() {
    if (impl_->started || impl_->stopped) {
        return;
    }
    impl_->started = true;
    impl_->spawn_tracked(impl_->accept_loop());
}

void http_server::stop() { impl_->stop(); }

asio::awaitable<void> http_server::wait_stopped() {
    auto self = impl_;
    while (self->running > 0) {
        auto [ec] = co_await self->all_done.async_wait(tuple_awaitable);
        (void)ec;
        const auto state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none) {
            co_return;
        }
    }
}

std::size_t http_server::session_count() const { return impl_->sessions; }

std::uint16_t http_server::port() const { return impl_->bound_port; }

bool http_server::tls() const { return impl_->ssl_ctx.has_value(); }

}  // namespace fakturad::net
