#pragma once
// The daemon's HTTP/1.1 listener: the control socket (UNIX stream socket) and, optionally, a loopback TCP
// port for /healthz and /metrics.  Beast stays inside control_server.cpp.

#include "fakturad/core/logger.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace fakturad::daemon {

class task_group;

enum class listener_kind { control_socket, loopback_tcp };

struct control_request {
    listener_kind via;
    std::string method;
    std::string target;
    std::string body;
};

struct control_response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
};

using request_handler = std::function<boost::asio::awaitable<control_response>(control_request)>;

class control_server {
public:
    // `tasks` owns every session so that shutdown can cancel and await them.
    control_server(
        boost::asio::any_io_executor exec,
        request_handler handler,
        task_group& tasks,
        logger& log,
        std::chrono::milliseconds request_timeout
    );
    ~control_server();
    control_server(const control_server&) = delete;
    control_server& operator=(const control_server&) = delete;

    // Binds the control socket with file mode `mode`.  A stale socket file (nobody accepting) is replaced;
    // a live one means another daemon owns it: throws std::runtime_error saying so.
    void listen_unix(const std::filesystem::path& path, unsigned mode);

    // Binds host:port (port 0 picks a free one) and returns the bound port.
    std::uint16_t listen_tcp(const std::string& host, std::uint16_t port);

    // Spawns one accept loop per bound listener into the task group; they run until close() or
    // cancellation.  Call once, after the listen_* calls.
    void start();

    // Stops accepting; sessions in progress finish (or are cancelled through the task group).  Removes the
    // socket file.  Idempotent.
    void close();

    void set_request_timeout(std::chrono::milliseconds timeout);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace fakturad::daemon
