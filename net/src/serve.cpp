#include "fakturad/net/serve.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <stdexcept>

namespace fakturad::net {

listen_address parse_listen_address(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        throw std::invalid_argument("--listen wants HOST:PORT, got " + std::string(text));
    }
    const std::string_view digits = text.substr(colon + 1);
    unsigned long port = 0;
    bool ok = !digits.empty() && digits.size() <= 5;
    for (const char c : digits) {
        ok = ok && c >= '0' && c <= '9';
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!ok || port > 65535) {
        throw std::invalid_argument("bad port in --listen " + std::string(text) + " (0 to 65535)");
    }
    return {std::string(text.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

void run_until_signal(boost::asio::io_context& ioc, http_server& server) {
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        server.stop();
        ioc.stop();
    });
    ioc.run();
}

}  // namespace fakturad::net
