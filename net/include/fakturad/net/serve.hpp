#pragma once
// What every server program of the project (the emulators) does around its http_server: read the
// --listen address and serve until it is told to stop.

#include "fakturad/net/http_server.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace fakturad::net {

struct listen_address {
    std::string host;
    std::uint16_t port = 0;  // 0: any free port
};

// "HOST:PORT". Throws std::invalid_argument saying what is wrong with `text`.
[[nodiscard]] listen_address parse_listen_address(std::string_view text);

// Runs `ioc` until SIGINT or SIGTERM arrives, then stops `server` and returns once `ioc` has stopped.
void run_until_signal(boost::asio::io_context& ioc, http_server& server);

}  // namespace fakturad::net
