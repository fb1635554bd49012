#include "control_server.hpp"

#include "fakturad/core/version.hpp"
#include "task_group.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <list>
#include <optional>
#include <stdexcept>

namespace fakturad::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using local_stream = asio::local::stream_protocol;
using asio::ip::tcp;

namespace {

constexpr std::uint32_t max_body_bytes = 1024 * 1024;
constexpr std::uint32_t max_header_bytes = 16 * 1024;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// True when `ec` only says that the peer went away or we are shutting down: no log line needed.
bool is_quiet_end(const boost::system::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == beast::error::timeout;
}

}  // namespace

struct control_server::impl {
    asio::any_io_executor exec;
    request_handler handler;
    task_group& tasks;
    logger& log;
    std::chrono::milliseconds request_timeout;
    std::optional<local_stream::acceptor> unix_acceptor;
    std::filesystem::path socket_path;
    std::optional<tcp::acceptor> tcp_acceptor;
    bool closed = false;

    // Sessions that may be closed by close(); entries are removed when their session ends.
    struct idle_closer {
        std::function<void()> close;
        bool waiting = false;
    };
    std::list<idle_closer> idle_closers;

    struct closer_registration {
        impl* owner;
        std::list<idle_closer>::iterator it;
        closer_registration(impl* o, std::list<idle_closer>::iterator i) : owner(o), it(i) {}
        closer_registration(const closer_registration&) = delete;
        closer_registration& operator=(const closer_registration&) = delete;
        ~closer_registration() { owner->idle_closers.erase(it); }
    };

    std::unique_ptr<closer_registration> register_idle_closer(std::function<void()> close) {
        idle_closers.push_back(idle_closer{std::move(close), false});
        return std::make_unique<closer_registration>(this, std::prev(idle_closers.end()));
    }

    template <typename Protocol>
    asio::awaitable<void> serve_session(typename Protocol::socket socket, listener_kind via) {
        beast::basic_stream<Protocol> stream(std::move(socket));
        beast::flat_buffer buffer;
        // While the session waits for a request it holds no work worth finishing, so close() ends it at
        // once: an idle keep-alive connection must not hold a stop up for the grace period.  (Beast 1.81's
        // composed read honours only terminal cancellation, which comes after the grace period.)
        auto registration = register_idle_closer([&stream] {
            boost::system::error_code ignored;
            stream.socket().close(ignored);
        });
        for (;;) {
            if (closed) {
                break;  // close() ran before this session got to wait: nothing to serve
            }
            registration->it->waiting = true;
            http::request_parser<http::string_body> parser;
            parser.body_limit(max_body_bytes);
            parser.header_limit(max_header_bytes);
            stream.expires_after(request_timeout);
            auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
            if (read_ec) {
                if (!closed && !is_quiet_end(read_ec)) {
                    log.warn("control request rejected", {{"err", read_ec.message()}});
                    http::response<http::string_body> bad{http::status::bad_request, 11};
                    bad.set(http::field::content_type, "application/json");
                    bad.body() = R"({"error":"malformed HTTP request: )" + read_ec.message() + "\"}";
                    bad.keep_alive(false);
                    bad.prepare_payload();
                    stream.expires_after(request_timeout);
                    co_await http::async_write(stream, bad, tuple_awaitable);
                }
                break;
            }
            registration->it->waiting = false;
            auto request = parser.release();
            control_request creq{
                via,
                std::string(request.method_string()),
                std::string(request.target()),
                std::move(request.body()),
            };
            // Awaiting a named awaitable: GCC 12 destroys the result of `co_await f(temporary)` twice.
            auto pending = handler(std::move(creq));
            control_response cres = co_await std::move(pending);

            http::response<http::string_body> response{
                static_cast<http::status>(cres.status), request.version()};
            response.set(http::field::server, "fakturad/" + std::string(version()));
            response.set(http::field::content_type, cres.content_type);
            response.keep_alive(request.keep_alive() && !closed);
            response.body() = cres.body;
            response.prepare_payload();
            stream.expires_after(request_timeout);
            auto [write_ec, write_n] = co_await http::async_write(stream, response, tuple_awaitable);
            if (write_ec || !response.keep_alive()) {
                break;
            }
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(asio::socket_base::shutdown_send, ignored);
    }

    template <typename Acceptor>
    asio::awaitable<void> accept_loop(Acceptor& acceptor, listener_kind via) {
        using protocol = typename Acceptor::protocol_type;
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(tuple_awaitable);
            if (ec == asio::error::operation_aborted || closed) {
                co_return;
            }
            if (ec) {
                // EMFILE and friends: keep serving the connections we have; try again shortly.
                log.warn("control accept failed", {{"err", ec.message()}});
                asio::steady_timer pause(exec, std::chrono::milliseconds(100));
                co_await pause.async_wait(tuple_awaitable);
                continue;
            }
            asio::co_spawn(
                exec,
                serve_session<protocol>(std::move(socket), via),
                tasks.adapt([this](std::exception_ptr e) {
                    if (e) {
                        try {
                            std::rethrow_exception(e);
                        } catch (const std::exception& ex) {
                            log.error("control session failed", {{"err", ex.what()}});
                        }
                    }
                })
            );
        }
    }
};

control_server::control_server(
    asio::any_io_executor exec,
    request_handler handler,
    task_group& tasks,
    logger& log,
    std::chrono::milliseconds request_timeout
)
    : impl_(std::make_unique<impl>(impl{
          exec, std::move(handler), tasks, log, request_timeout, {}, {}, {}, false, {}})) {}

control_server::~control_server() { close(); }

void control_server::set_request_timeout(std::chrono::milliseconds timeout) {
    impl_->request_timeout = timeout;
}

void control_server::listen_unix(const std::filesystem::path& path, unsigned mode) {
    // A socket file may be left by a daemon that was killed.  If something still accepts on it, another
    // daemon is running and we must not steal its socket.
    std::error_code fs_ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(path, fs_ec))) {
        local_stream::socket probe(impl_->exec);
        boost::system::error_code ec;
        probe.connect(local_stream::endpoint(path.string()), ec);
        if (!ec) {
            throw std::runtime_error(
                "another fakturad is already listening on " + path.string() +
                "; stop it first (systemctl stop fakturad)"
            );
        }
        std::filesystem::remove(path, fs_ec);
    }
    if (path.has_parent_path() && !std::filesystem::is_directory(path.parent_path(), fs_ec)) {
        throw std::runtime_error(
            "cannot create control socket " + path.string() + ": directory " + path.parent_path().string() +
            " does not exist; create it or change control.socket"
        );
    }
    auto& acceptor = impl_->unix_acceptor.emplace(impl_->exec);
    boost::system::error_code ec;
    acceptor.open(local_stream(), ec);
    if (!ec) {
        acceptor.bind(local_stream::endpoint(path.string()), ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        impl_->unix_acceptor.reset();
        throw std::runtime_error("cannot listen on control socket " + path.string() + ": " + ec.message());
    }
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
        const int err = errno;
        throw std::runtime_error(
            "cannot set mode of control socket " + path.string() + ": " + std::strerror(err)
        );
    }
    impl_->socket_path = path;
}

std::uint16_t control_server::listen_tcp(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    tcp::resolver resolver(impl_->exec);
    auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve control.http_listen host " + host + ": " + ec.message());
    }
    const tcp::endpoint endpoint = results.begin()->endpoint();
    auto& acceptor = impl_->tcp_acceptor.emplace(impl_->exec);
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
        impl_->tcp_acceptor.reset();
        throw std::runtime_error(
            "cannot listen on " + host + ":" + std::to_string(port) +
            " (control.http_listen): " + ec.message()
        );
    }
    return acceptor.local_endpoint().port();
}

void control_server::start() {
    auto on_done = [this](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                impl_->log.error("control listener failed", {{"err", ex.what()}});
            }
        }
    };
    if (impl_->unix_acceptor) {
        asio::co_spawn(
            impl_->exec,
            impl_->accept_loop(*impl_->unix_acceptor, listener_kind::control_socket),
            impl_->tasks.adapt(on_done)
        );
    }
    if (impl_->tcp_acceptor) {
        asio::co_spawn(
            impl_->exec,
            impl_->accept_loop(*impl_->tcp_acceptor, listener_kind::loopback_tcp),
            impl_->tasks.adapt(on_done)
        );
    }
}

void control_server::close() {
    if (!impl_ || impl_->closed) {
        return;
    }
    impl_->closed = true;
    boost::system::error_code ec;
    if (impl_->unix_acceptor) {
        impl_->unix_acceptor->close(ec);
    }
    if (impl_->tcp_acceptor) {
        impl_->tcp_acceptor->close(ec);
    }
    for (auto& session : impl_->idle_closers) {
        if (session.waiting) {
            session.close();
        }
    }
    if (!impl_->socket_path.empty()) {
        std::error_code fs_ec;
        std::filesystem::remove(impl_->socket_path, fs_ec);
    }
}

}  // namespace fakturad::daemon
