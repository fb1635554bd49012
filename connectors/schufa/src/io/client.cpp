#include "fakturad/schufa/client.hpp"

#include "fakturad/net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace fakturad::schufa {

namespace asio = boost::asio;

client::client(net::http_client& http, client_options options) : http_(http), options_(std::move(options)) {}

asio::awaitable<client::answer> client::send(api_call call, bool retry) {
    answer out;
    const unsigned attempts = retry ? std::max(1U, options_.max_attempts) : 1U;
    for (unsigned attempt = 1;; ++attempt) {
        net::http_client_request req;
        req.method = call.method;
        req.url = options_.base_url + call.path;
        req.headers = call.headers;
        req.headers.emplace_back(
            "Authorization", basic_authorization(options_.participant_id, options_.password.expose())
        );
        req.body = call.body;
        req.timeout = options_.timeout;
        auto op = http_.send(std::move(req));
        auto result = co_await std::move(op);
        out = answer{};
        out.attempts = attempt;
        std::optional<std::chrono::milliseconds> wait;
        if (!result.ok()) {
            out.transport = {
                error_code::transport, result.error.message() + ": " + result.detail, std::nullopt};
            wait = std::chrono::milliseconds(0);
        } else {
            out.status = result.response.status;
            out.body = std::move(result.response.body);
            if (const auto h = result.response.header("Retry-After")) {
                out.retry_after = std::string(*h);
            }
            if (out.status >= 300) {
                const auto f = failure_of(out.status, out.body, out.retry_after);
                if (retryable(f.code)) {
                    wait = f.retry_after.value_or(std::chrono::milliseconds(0));
                }
            }
        }
        if (!wait || attempt >= attempts) {
            co_return out;
        }
        const auto backoff = options_.retry_base * (1U << std::min(attempt - 1, 10U));
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(std::max(*wait, backoff));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            co_return out;
        }
    }
}

asio::awaitable<report_outcome> client::request_report(report_request request) {
    if (!allows(request.envelope.legitimate_interest, request.which)) {
        report_outcome refused;
        refused.attempts = 0;
        refused.failure = {
            error_code::legitimate_interest_invalid,
            "not sent: " + std::string(info(request.envelope.legitimate_interest).code) + " does not allow " +
                std::string(info(request.which).cli_name),
            std::nullopt};
        co_return refused;
    }
    auto sending = send(build_report_request(request), true);
    auto a = co_await std::move(sending);
    if (a.transport.code != error_code::none) {
        report_outcome failed;
        failed.failure = std::move(a.transport);
        failed.attempts = a.attempts;
        co_return failed;
    }
    auto outcome = parse_report_response(request.which, a.status, a.body, a.retry_after);
    outcome.attempts = a.attempts;
    co_return outcome;
}

asio::awaitable<subscribe_outcome> client::subscribe(
    request_envelope envelope, subject_type type, std::string subject_id
) {
    auto sending = send(build_subscribe(envelope, type, subject_id), true);
    auto a = co_await std::move(sending);
    subscribe_outcome out;
    if (a.transport.code != error_code::none) {
        out.failure = std::move(a.transport);
        co_return out;
    }
    auto [id, failure] = parse_subscribe_response(a.status, a.body);
    out.subscription_id = std::move(id);
    out.failure = std::move(failure);
    co_return out;
}

asio::awaitable<call_failure> client::unsubscribe(request_envelope envelope, std::string subscription_id) {
    auto sending = send(build_unsubscribe(envelope, subscription_id), true);
    auto a = co_await std::move(sending);
    if (a.transport.code != error_code::none) {
        co_return a.transport;
    }
    if (a.status == 200 || a.status == 204) {
        co_return call_failure{};
    }
    auto f = failure_of(a.status, a.body, a.retry_after);
    if (f.code == error_code::not_found) {
        co_return call_failure{};
    }
    co_return f;
}

asio::awaitable<event_page> client::events(std::string cursor, unsigned limit) {
    auto sending = send(build_events(cursor, limit), true);
    auto a = co_await std::move(sending);
    if (a.transport.code != error_code::none) {
        event_page page;
        page.failure = std::move(a.transport);
        co_return page;
    }
    co_return parse_events_response(a.status, a.body);
}

asio::awaitable<call_failure> client::acknowledge(std::string up_to_cursor) {
    auto sending = send(build_ack(up_to_cursor), true);
    auto a = co_await std::move(sending);
    if (a.transport.code != error_code::none) {
        co_return a.transport;
    }
    if (a.status == 200 || a.status == 204) {
        co_return call_failure{};
    }
    co_return failure_of(a.status, a.body, a.retry_after);
}

}  // namespace fakturad::schufa
