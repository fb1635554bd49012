#pragma once
// Owns spawned coroutines so that shutdown can cancel them and wait until every one has finished.
// After Boost.Beast's advanced_server_flex_awaitable example (develop branch), for Boost 1.81.
//
// Used from the io_context thread only (STYLE A2); the mutex keeps it correct should that change.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/consign.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <list>
#include <mutex>
#include <utility>

namespace fakturad::daemon {

class task_group {
public:
    explicit task_group(boost::asio::any_io_executor exec)
        : timer_(std::move(exec), boost::asio::steady_timer::time_point::max()) {}

    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;

    // Wraps a completion token so that the operation is tracked and receives this group's cancellations.
    template <typename CompletionToken>
    auto adapt(CompletionToken&& token) {
        std::lock_guard lock(mutex_);
        auto signal = signals_.emplace(signals_.end());

        class remover {
        public:
            remover(task_group* group, std::list<boost::asio::cancellation_signal>::iterator it)
                : group_(group), it_(it) {}
            remover(remover&& other) noexcept
                : group_(std::exchange(other.group_, nullptr)), it_(other.it_) {}
            remover(const remover&) = delete;
            remover& operator=(const remover&) = delete;
            remover& operator=(remover&&) = delete;
            ~remover() {
                if (group_ != nullptr) {
                    std::lock_guard lock(group_->mutex_);
                    group_->signals_.erase(it_);
                    if (group_->signals_.empty()) {
                        group_->timer_.cancel();
                    }
                }
            }

        private:
            task_group* group_;
            std::list<boost::asio::cancellation_signal>::iterator it_;
        };

        return boost::asio::bind_cancellation_slot(
            signal->slot(), boost::asio::consign(std::forward<CompletionToken>(token), remover{this, signal})
        );
    }

    // Delivers a cancellation of `type` to every tracked operation.
    void emit(boost::asio::cancellation_type type) {
        std::lock_guard lock(mutex_);
        for (auto& signal : signals_) {
            signal.emit(type);
        }
    }

    [[nodiscard]] std::size_t size() const {
        std::lock_guard lock(mutex_);
        return signals_.size();
    }

    // Completes when no operation is tracked any more.
    template <typename CompletionToken>
    auto async_wait(CompletionToken&& token) {
        return boost::asio::async_compose<CompletionToken, void(boost::system::error_code)>(
            [this, scheduled = false](auto&& self, boost::system::error_code ec = {}) mutable {
                if (!scheduled) {
                    self.reset_cancellation_state(boost::asio::enable_total_cancellation());
                }
                if (!self.cancelled() && ec == boost::asio::error::operation_aborted) {
                    ec = {};
                }
                {
                    std::lock_guard lock(mutex_);
                    if (!signals_.empty() && !ec) {
                        scheduled = true;
                        return timer_.async_wait(std::move(self));
                    }
                }
                if (!std::exchange(scheduled, true)) {
                    return boost::asio::post(boost::asio::append(std::move(self), ec));
                }
                self.complete(ec);
            },
            token,
            timer_
        );
    }

private:
    mutable std::mutex mutex_;
    boost::asio::steady_timer timer_;
    std::list<boost::asio::cancellation_signal> signals_;
};

}  // namespace fakturad::daemon
