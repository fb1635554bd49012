#pragma once
// An asynchronous HTTP/1.1 client on Beast and Asio SSL for every outbound call fakturad makes (VIES,
// later Salesforce): absolute http:// and https:// URLs, a keep-alive connection pool per scheme+host+port,
// one deadline per call covering resolve, connect, TLS handshake, write and read, and a retry hook that
// leaves the decision (which outcomes, what delay) to the caller's policy.  Beast and OpenSSL stay inside
// http_client.cpp.
//
// TLS: peers are verified against the system CA store (and/or `ca_file`), with host-name verification
// (RFC 6125 via OpenSSL) and SNI.  There is no switch to turn verification off.
//
// Threading: the client and every call run on the executor given to the constructor, which must be
// single-threaded (one io_context on one thread, STYLE A2).  Calls may run concurrently; each uses its own
// connection (taken from the pool or newly opened), so the pool never has more than `max_idle_per_host`
// idle connections per host but may have any number in use.
//
// Cancellation: send() honours the cancellation slot of the awaiting coroutine (total or terminal); the
// connection in use is then closed, never returned to the pool.  Destroying the client while calls run is
// a bug (the owner awaits them first).
//
// Errors: a response of any status is a success at this layer (result.error is empty); transport failures
// are values (http_client_errc in result.error, plus the low-level text in result.detail), never
// exceptions.  A reused keep-alive connection that the server closed before answering is retried once on
// a fresh connection, because the request never reached the application.

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
#include <system_error>
#include <utility>
#include <vector>

namespace fakturad::net {

enum class http_client_errc {
    bad_url = 1,     // not an absolute http/https URL
    resolve_failed,  // DNS
    connect_failed,  // TCP
    tls_failed,      // handshake, certificate or host name
    timeout,         // the call's deadline passed
    send_failed,     // writing the request
    receive_failed,  // reading the response (incl. a peer that closed mid-answer)
    body_too_large,  // response body over `body_limit`
    cancelled,       // the awaiting coroutine was cancelled
};

[[nodiscard]] const std::error_category& http_client_category() noexcept;
[[nodiscard]] std::error_code make_error_code(http_client_errc e) noexcept;

using http_header_list = std::vector<std::pair<std::string, std::string>>;

struct http_client_options {
    bool use_system_ca = true;                     // trust the system store (/etc/ssl/certs)
    std::optional<std::filesystem::path> ca_file;  // PEM bundle trusted in addition (tests, private CAs)
    // Mutual TLS: the certificate chain (PEM, leaf first) and its unencrypted private key (PEM) this client
    // presents when a server asks for one.  Both or neither.
    std::optional<std::filesystem::path> client_certificate;
    std::optional<std::filesystem::path> client_private_key;
    std::size_t max_idle_per_host = 4;
    std::chrono::milliseconds idle_timeout{30'000};  // idle pooled connections older than this are closed
    std::size_t body_limit = 16 * 1024 * 1024;
    std::string user_agent = "fakturad";
};

struct http_client_request {
    std::string method = "GET";
    std::string url;           // absolute: https://host[:port]/path?query
    http_header_list headers;  // Host, User-Agent and Content-Length are set by the client
    std::string body;
    std::chrono::milliseconds timeout{30'000};  // deadline for the whole call, from its start
};

struct http_client_response {
    unsigned status = 0;
    http_header_list headers;
    std::string body;

    // The first header named `name` (ASCII case-insensitive), or nullopt.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

struct http_client_result {
    std::error_code error;  // empty when a response arrived
    std::string detail;     // low-level reason for people (OpenSSL/asio message), empty on success
    http_client_response response;
    bool reused_connection = false;  // the response came over a pooled connection
    unsigned attempts = 1;           // calls made by send_with_retry

    [[nodiscard]] bool ok() const noexcept { return !error; }
};

// The retry hook: called after every attempt (1-based) with its result; returns whether to try again and
// after which delay.  Only retry idempotent calls or calls the remote side deduplicates (STYLE A7).
struct retry_decision {
    bool retry = false;
    std::chrono::milliseconds delay{0};
};
using retry_policy = std::function<retry_decision(unsigned attempt, const http_client_result& result)>;

class http_client {
public:
    // Throws std::runtime_error naming the file when `ca_file` or the client certificate or key cannot be
    // loaded, or only one of the two client files is given.
    http_client(boost::asio::any_io_executor exec, http_client_options options);
    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    // One HTTP exchange (plus at most one silent re-send after a stale pooled connection).
    boost::asio::awaitable<http_client_result> send(http_client_request request);

    // send() until `policy` says stop; the waits between attempts honour cancellation.
    boost::asio::awaitable<http_client_result> send_with_retry(
        http_client_request request, retry_policy policy
    );

    // Idle pooled connections (all hosts) and connections opened so far; for tests and metrics.
    [[nodiscard]] std::size_t idle_connections() const;
    [[nodiscard]] std::uint64_t connections_opened() const;

    // Closes every idle pooled connection.
    void close_idle();

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace fakturad::net

template <>
struct std::is_error_code_enum<fakturad::net::http_client_errc> : std::true_type {};
