#include "control_client.hpp"

#include "fakturad/core/units.hpp"
#include "fakturad/core/version.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <optional>

namespace fakturad::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using local_stream = asio::local::stream_protocol;

namespace {

std::string unreachable_message(const std::filesystem::path& socket, const boost::system::error_code& ec) {
    const std::string where = "cannot reach fakturad at " + socket.string() + ": ";
    if (ec == asio::error::not_found || ec == boost::system::errc::no_such_file_or_directory) {
        return where +
               "no control socket there; is the daemon running (systemctl status fakturad)? "
               "Use --socket or --config to point at another one";
    }
    if (ec == asio::error::connection_refused) {
        return where + "nobody is listening (a stale socket of a daemon that stopped); start fakturad";
    }
    if (ec == asio::error::access_denied || ec == boost::system::errc::permission_denied) {
        return where +
               "permission denied; add your user to the daemon's group (usermod -aG fakturad USER) "
               "and log in again";
    }
    if (ec == beast::error::timeout) {
        return where + "no answer in time; the daemon may be overloaded or stuck (journalctl -u fakturad)";
    }
    return where + ec.message();
}

}  // namespace

control_reply control_call(
    const std::filesystem::path& socket,
    std::string_view method,
    std::string_view target,
    std::string_view body,
    std::chrono::milliseconds timeout
) {
    asio::io_context ioc;
    std::optional<control_reply> reply;
    std::optional<boost::system::error_code> failure;
    bool connected = false;

    auto exchange = [&]() -> asio::awaitable<void> {
        constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
        beast::basic_stream<local_stream> stream(ioc);
        stream.expires_after(timeout);
        auto [connect_ec] =
            co_await stream.async_connect(local_stream::endpoint(socket.string()), tuple_awaitable);
        if (connect_ec) {
            failure = connect_ec;
            co_return;
        }
        connected = true;
        http::request<http::string_body> request{http::string_to_verb(method), target, 11};
        request.set(http::field::host, "localhost");
        request.set(http::field::user_agent, "fakturactl/" + std::string(version()));
        if (!body.empty()) {
            request.set(http::field::content_type, "application/json");
            request.body() = std::string(body);
        }
        request.keep_alive(false);
        request.prepare_payload();
        auto [write_ec, written] = co_await http::async_write(stream, request, tuple_awaitable);
        if (write_ec) {
            failure = write_ec;
            co_return;
        }
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
        if (read_ec) {
            failure = read_ec;
            co_return;
        }
        auto response = parser.release();
        reply = control_reply{
            response.result_int(),
            std::string(response[http::field::content_type]),
            std::move(response.body()),
        };
    };
    asio::co_spawn(ioc, exchange, asio::detached);
    ioc.run();

    if (reply) {
        return *reply;
    }
    if (failure && (!connected || *failure == beast::error::timeout)) {
        throw daemon_unreachable(unreachable_message(socket, *failure));
    }
    throw std::runtime_error(
        "fakturad at " + socket.string() +
        " broke off the answer: " + (failure ? failure->message() : "no reply")
    );
}

std::optional<boost::json::object> json_answer(const control_reply& reply, std::ostream& err) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(reply.body, ec);
    if (ec || !doc.is_object()) {
        err << "fakturactl: the daemon answered " << reply.status << " with something that is not JSON\n";
        return std::nullopt;
    }
    if (reply.status >= 300) {
        const auto* message = doc.as_object().if_contains("error");
        err << "fakturactl: fakturad answered " << reply.status << ": "
            << (message != nullptr && message->is_string() ? std::string(message->as_string()) : reply.body)
            << '\n';
        return std::nullopt;
    }
    return std::move(doc.as_object());
}

int report_daemon_failure(std::ostream& err) {
    try {
        throw;
    } catch (const daemon_unreachable& e) {
        err << "fakturactl: " << e.what() << '\n';
        return 3;
    } catch (const std::exception& e) {
        err << "fakturactl: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace fakturad::daemon
