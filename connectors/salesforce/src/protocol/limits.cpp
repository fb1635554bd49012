#include "fakturad/salesforce/limits.hpp"

#include <charconv>
#include <cmath>

namespace fakturad::salesforce {

namespace {

std::optional<std::uint64_t> to_number(std::string_view s) {
    const std::string text(s);
    std::uint64_t v = 0;
    const char* end = text.c_str() + text.size();
    const auto [ptr, ec] = std::from_chars(text.c_str(), end, v);
    if (ec != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return v;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

std::optional<api_usage> parse_limit_info(std::string_view header_value) {
    // "api-usage=18/15000" possibly followed by "; api-bursts=1/750" or ", per-app-api-usage=..."
    while (!header_value.empty()) {
        const auto sep = header_value.find_first_of(";,");
        const std::string_view part = trim(header_value.substr(0, sep));
        header_value = sep == std::string_view::npos ? std::string_view() : header_value.substr(sep + 1);
        constexpr std::string_view key = "api-usage=";
        if (part.substr(0, key.size()) != key) {
            continue;
        }
        const std::string_view figures = part.substr(key.size());
        const auto slash = figures.find('/');
        if (slash == std::string_view::npos) {
            return std::nullopt;
        }
        const auto used = to_number(figures.substr(0, slash));
        const auto max = to_number(figures.substr(slash + 1));
        if (!used || !max || *max == 0) {
            return std::nullopt;
        }
        return api_usage{*used, *max};
    }
    return std::nullopt;
}

void api_budget::observe(api_usage usage) {
    if (!last_ || last_->max != usage.max || usage.used >= last_->used) {
        last_ = usage;
    }
}

bool api_budget::allows_call() const {
    if (!last_) {
        return true;
    }
    const auto allowed = static_cast<std::uint64_t>(std::floor(share_ * static_cast<double>(last_->max)));
    return last_->used < allowed;
}

std::string api_budget::refusal_reason() const {
    const auto percent = static_cast<int>(std::lround(share_ * 100.0));
    std::string out = "fakturad may use " + std::to_string(percent) + " % of the org's daily API requests";
    if (last_) {
        out += " and Salesforce reports " + std::to_string(last_->used) + " of " +
               std::to_string(last_->max) + " used";
    }
    out += "; wait for the rolling 24 h window or raise the configured share";
    return out;
}

}  // namespace fakturad::salesforce
