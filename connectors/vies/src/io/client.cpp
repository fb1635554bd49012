#include "fakturad/vies/client.hpp"

#include "fakturad/net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <exception>
#include <memory>

namespace fakturad::vies {

namespace asio = boost::asio;

namespace {

// State shared between the batch driver and the requests it spawned; shared so that a request finishing
// after the driver gave up (an exception, a cancellation) still has somewhere to write.
struct batch_mailbox {
    explicit batch_mailbox(const asio::any_io_executor& exec) : wake(exec) {}
    std::deque<batch_event::completed> completed;
    std::optional<std::optional<status_answer>> status;
    asio::steady_timer wake;
    std::size_t running = 0;

    void notify() { wake.cancel(); }
};

}  // namespace

client::client(net::http_client& http, client_options options) : http_(http), options_(std::move(options)) {}

asio::awaitable<check_outcome> client::check(check_request request) {
    if (ip_blocked_) {
        check_outcome stopped;
        stopped.step = next_step::stop_all;
        stopped.fault_code = fault::ip_blocked;
        stopped.detail = "not sent: VIES traffic is stopped since VIES answered IP_BLOCKED";
        co_return stopped;
    }
    if (!request.requester && options_.requester) {
        request.requester = options_.requester;
    }
    const bool rest = options_.which == api::rest;
    const auto call = rest ? build_rest_check(request) : build_soap_check(request);
    net::http_client_request req;
    req.method = call.method;
    req.url = (rest ? options_.rest_url : options_.soap_url) + call.path;
    req.headers = call.headers;
    req.body = call.body;
    req.timeout = options_.timeout;
    auto op = http_.send(std::move(req));
    auto result = co_await std::move(op);
    if (!result.ok()) {
        co_return outcome_of_transport_error(result.error.message() + ": " + result.detail);
    }
    const auto parsed = rest ? parse_rest_response(result.response.status, result.response.body)
                             : parse_soap_response(result.response.status, result.response.body);
    auto outcome = outcome_of(parsed);
    if (outcome.step == next_step::stop_all) {
        ip_blocked_ = true;
    }
    co_return outcome;
}

asio::awaitable<std::optional<status_answer>> client::status() {
    const auto call = build_rest_status();
    net::http_client_request req;
    req.method = call.method;
    req.url = options_.rest_url + call.path;
    req.headers = call.headers;
    req.timeout = options_.timeout;
    auto op = http_.send(std::move(req));
    auto result = co_await std::move(op);
    if (!result.ok() || result.response.status != 200) {
        co_return std::nullopt;
    }
    co_return parse_rest_status(result.response.body);
}

asio::awaitable<batch_report> client::check_batch(
    std::vector<check_request> items, batch_options options, random_source& random
) {
    const auto exec = co_await asio::this_coro::executor;
    for (auto& item : items) {
        if (!item.requester && options_.requester) {
            item.requester = options_.requester;
        }
    }
    batch_scheduler scheduler(std::move(items), options, random);
    auto mailbox = std::make_shared<batch_mailbox>(exec);
    using clock = std::chrono::steady_clock;
    batch_report report;

    auto action = scheduler.resume(batch_event::start{}, clock::now());
    for (;;) {
        switch (action.what) {
            case batch_action::kind::check_status: {
                ++mailbox->running;
                auto fetch = status();
                // Named first: GCC 12 mishandles lambda temporaries inside co_spawn expressions.
                auto on_status = [mailbox](std::exception_ptr e, std::optional<status_answer> answer) {
                    --mailbox->running;
                    mailbox->status = e ? std::nullopt : std::move(answer);
                    mailbox->notify();
                };
                asio::co_spawn(exec, std::move(fetch), std::move(on_status));
                action = scheduler.resume(batch_event::tick{}, clock::now());
                break;
            }
            case batch_action::kind::send: {
                const std::size_t index = action.item;
                ++mailbox->running;
                auto one = check(scheduler.items()[index]);
                auto on_done = [mailbox, index](std::exception_ptr e, check_outcome outcome) {
                    --mailbox->running;
                    if (e) {
                        outcome = outcome_of_transport_error("internal error in the VIES request");
                    }
                    mailbox->completed.push_back(batch_event::completed{index, std::move(outcome)});
                    mailbox->notify();
                };
                asio::co_spawn(exec, std::move(one), std::move(on_done));
                action = scheduler.resume(batch_event::tick{}, clock::now());
                break;
            }
            case batch_action::kind::halt:
                report.halted = action.reason;
                action = scheduler.resume(batch_event::tick{}, clock::now());
                break;
            case batch_action::kind::done:
                report.results = scheduler.results();
                report.peak_per_member_state = scheduler.limiter().peak_per_member_state();
                co_return report;
            case batch_action::kind::wait: {
                if (mailbox->status) {
                    auto answer = std::move(*mailbox->status);
                    mailbox->status.reset();
                    action = scheduler.resume(batch_event::status{std::move(answer)}, clock::now());
                    break;
                }
                if (!mailbox->completed.empty()) {
                    auto done = std::move(mailbox->completed.front());
                    mailbox->completed.pop_front();
                    action = scheduler.resume(done, clock::now());
                    break;
                }
                // Sleep until the next retry is due; a finishing request cancels the timer to wake us.
                if (action.until == time_point::max()) {
                    mailbox->wake.expires_after(std::chrono::hours(24));
                } else {
                    mailbox->wake.expires_at(action.until);
                }
                co_await mailbox->wake.async_wait(asio::as_tuple(asio::use_awaitable));
                action = scheduler.resume(batch_event::tick{}, clock::now());
                break;
            }
        }
    }
}

}  // namespace fakturad::vies
