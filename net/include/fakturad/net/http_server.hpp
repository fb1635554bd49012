#pragma once
// A small HTTP/1.1 server on Beast for emulators and local endpoints: one listener (plain TCP or TLS),
// keep-alive sessions, header/body limits, a deadline per I/O phase, and a coroutine handler that sees the
// whole request and returns the whole response.  Beast and OpenSSL stay inside http_server.cpp.
//
// Threading: every member function and every session runs on the executor given to the constructor; the
// executor must be single-threaded (one io_context on one thread, STYLE A2).  The handler is called on that
// executor, once per request, in request order per connection (no pipelining in parallel).
//
// Lifetime: sessions share ownership of the server's internals, so destroying the http_server object while
// sessions still run is safe; they are cancelled (terminal) by the destructor and finish on the next turns
// of the io_context.  For an orderly stop call stop() and then co_await wait_stopped().

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fakturad::net {

// One header line; names keep the spelling the peer sent (compare them case-insensitively).
struct http_header {
    std::string name;
    std::string value;
};

struct http_request {
    std::string method;  // as sent, e.g. "GET", "PATCH"
    std::string target;  // origin-form request target, path plus query, not decoded
    std::vector<http_header> headers;
    std::string body;
    std::string remote_address;  // peer IP address, for logs and tests
    std::string
        client_subject;  // mutual TLS: the verified client certificate's subject (one line), else empty

    // The first header named `name` (ASCII case-insensitive), or nullopt.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

struct http_response {
    unsigned status = 200;
    std::vector<http_header> headers;  // Content-Length is computed by the server; do not set it
    std::string body;
    // Close the connection after writing this response (e.g. to emulate a server that drops the client).
    bool close_connection = false;
    // Close the connection without writing anything: emulates a dropped connection.
    bool drop_without_response = false;

    // Appends a header (no replacement: call once per name).
    http_response& set(std::string name, std::string value) {
        headers.push_back({std::move(name), std::move(value)});
        return *this;
    }
};

// Called once per request.  An exception escaping the handler is answered with 500 and a plain-text body
// naming the exception (the session then closes); cancellation at shutdown ends the session silently.
using http_handler = std::function<boost::asio::awaitable<http_response>(http_request)>;

struct http_tls_files {
    std::filesystem::path certificate_chain;  // PEM, leaf first
    std::filesystem::path private_key;        // PEM, unencrypted
};

struct http_server_options {
    std::size_t header_limit = 16 * 1024;                 // request line + headers; over it: 431 and close
    std::size_t body_limit = 64 * 1024 * 1024;            // over it: 413 and close
    std::chrono::milliseconds handshake_timeout{10'000};  // TLS handshake
    std::chrono::milliseconds idle_timeout{60'000};       // waiting for the first byte of the next request
    std::chrono::milliseconds read_timeout{30'000};       // reading one whole request after its first byte
    std::chrono::milliseconds write_timeout{30'000};      // writing one response
    // No deadline on the handler itself: emulated long polls legitimately hold a request for minutes.
    std::optional<http_tls_files> tls;  // serve HTTPS when set
    // Mutual TLS (with `tls` only): every client must present a certificate issued by a CA in this PEM
    // bundle; the handshake fails otherwise and no request is read.
    std::optional<std::filesystem::path> client_ca_file;
    std::string server_header = "fakturad";  // value of the Server header on every response
};

class http_server {
public:
    // Throws std::runtime_error when the TLS files cannot be loaded (message names the file).
    http_server(boost::asio::any_io_executor exec, http_handler handler, http_server_options options);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Binds host:port (a numeric address; port 0 picks a free port) and returns the bound port.  Call once,
    // before start().  Throws std::runtime_error naming host:port and the reason when binding fails.
    std::uint16_t listen(const std::string& host, std::uint16_t port);

    // Spawns the accept loop.  Sessions run until the peer closes, a deadline passes or stop().
    void start();

    // Stops accepting and cancels every session (terminal cancellation: in-flight handlers see
    // operation_aborted at their next suspension point).  Idempotent.
    void stop();

    // Completes once the accept loop and every session have finished.  Call after stop().
    boost::asio::awaitable<void> wait_stopped();

    // Connections currently open (sessions not yet finished).
    [[nodiscard]] std::size_t session_count() const;

    [[nodiscard]] std::uint16_t port() const;
    [[nodiscard]] bool tls() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace fakturad::net
