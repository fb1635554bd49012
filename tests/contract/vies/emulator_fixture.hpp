#pragma once
// Runs the VIES emulator in-process on 127.0.0.1:0 and the connector on the same io_context; every wait
// is bounded.

#include "fakturad/net/http_client.hpp"
#include "fakturad/net/http_server.hpp"
#include "fakturad/vies/client.hpp"
#include "vies_emulator.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace fakturad::vies::test {

namespace asio = boost::asio;

struct emulator_fixture {
    explicit emulator_fixture(
        emulators::vies::emulator_options options, net::http_server_options server_options = {}
    )
        : emulator(std::move(options)),
          server(
              ioc.get_executor(),
              [this](net::http_request r) { return emulator.handle(std::move(r)); },
              std::move(server_options)
          ) {
        port = server.listen("127.0.0.1", 0);
        server.start();
    }

    [[nodiscard]] std::string base() const {
        return std::string(server.tls() ? "https" : "http") + "://127.0.0.1:" + std::to_string(port);
    }
    [[nodiscard]] client_options options(api which = api::soap) const {
        client_options o;
        o.which = which;
        o.soap_url = base() + "/taxation_customs/vies/services/checkVatService";
        o.rest_url = base() + "/taxation_customs/vies/rest-api";
        o.timeout = std::chrono::seconds(10);
        return o;
    }

    // Runs `op` to completion on the io_context (the emulator serves meanwhile), at most `limit`.
    template <typename T>
    T run(asio::awaitable<T> op, std::chrono::seconds limit = std::chrono::seconds(60)) {
        std::optional<T> out;
        std::exception_ptr failure;
        auto done = [&](std::exception_ptr e, T value) {
            failure = e;
            out = std::move(value);
        };
        asio::co_spawn(ioc, std::move(op), std::move(done));
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!out && std::chrono::steady_clock::now() < deadline) {
            ioc.run_one_for(std::chrono::milliseconds(100));
        }
        if (failure) {
            std::rethrow_exception(failure);
        }
        if (!out) {
            throw std::runtime_error("operation did not finish in time");
        }
        return std::move(*out);
    }

    asio::io_context ioc;
    emulators::vies::emulator emulator;
    net::http_server server;
    std::uint16_t port = 0;
};

inline check_request request(const char* country, const char* number) {
    return check_request{{country, number}, std::nullopt, "", "", "", "", ""};
}

}  // namespace fakturad::vies::test
