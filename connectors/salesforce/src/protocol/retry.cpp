#include "fakturad/salesforce/retry.hpp"

#include <algorithm>

namespace fakturad::salesforce {

namespace {

bool has_code(const std::vector<api_error_item>& errors, std::string_view code) {
    return std::any_of(errors.begin(), errors.end(), [code](const api_error_item& e) {
        return e.code == code;
    });
}

}  // namespace

outcome_class classify_response(unsigned http_status, const std::vector<api_error_item>& errors) {
    if (http_status >= 200 && http_status < 300) {
        return outcome_class::success;
    }
    if (http_status == 401) {
        // Only an expired/invalid session is cured by a new token; other 401 bodies are not (reference §1.6).
        return has_code(errors, "INVALID_SESSION_ID") ? outcome_class::auth_expired
                                                      : outcome_class::permanent;
    }
    if (has_code(errors, "REQUEST_LIMIT_EXCEEDED")) {
        // The rolling daily allocation does not come back within a backoff; the concurrency limit does.
        const bool daily = std::any_of(errors.begin(), errors.end(), [](const api_error_item& e) {
            return e.message.find("TotalRequests") != std::string::npos;
        });
        return daily ? outcome_class::daily_limit : outcome_class::retryable;
    }
    if (has_code(errors, "UNABLE_TO_LOCK_ROW")) {
        return outcome_class::retryable;
    }
    if (http_status >= 500 || http_status == 429 || http_status == 420) {
        return outcome_class::retryable;
    }
    return outcome_class::permanent;
}

errc rejection_code(unsigned http_status, const std::vector<api_error_item>& errors) {
    return http_status == 404 && has_code(errors, "NOT_FOUND") ? errc::not_found : errc::request_rejected;
}

bool is_retryable_record_error(const api_error_item& error) { return error.code == "UNABLE_TO_LOCK_ROW"; }

std::chrono::milliseconds backoff_delay(
    const backoff_policy& policy, unsigned next_attempt, random_source& random
) {
    const unsigned doublings = std::min(next_attempt < 2 ? 0U : next_attempt - 2, 30U);
    const auto base = static_cast<std::uint64_t>(std::max<std::int64_t>(policy.base.count(), 0));
    const auto cap = static_cast<std::uint64_t>(std::max<std::int64_t>(policy.cap.count(), 0));
    const std::uint64_t ceiling = std::min(cap, base << doublings);
    return std::chrono::milliseconds(static_cast<std::int64_t>(random.below(ceiling + 1)));
}

}  // namespace fakturad::salesforce
