#pragma once
// The org's daily API allocation as every REST response reports it (`Sforce-Limit-Info:
// api-usage=18/15000`, reference §2.5), and the guard that keeps fakturad below a configured share of
// it so that the org's other integrations keep working.  Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fakturad::salesforce {

struct api_usage {
    std::uint64_t used = 0;
    std::uint64_t max = 0;
};

// The api-usage part of a Sforce-Limit-Info value (other parts such as api-bursts are ignored); nullopt
// when there is none or it is malformed.
[[nodiscard]] std::optional<api_usage> parse_limit_info(std::string_view header_value);

// Refuses calls once `used` reaches `share` (0 < share <= 1) of `max`.
class api_budget {
public:
    explicit api_budget(double share) : share_(share) {}

    // Remembers the newest figures (responses may arrive out of order; the higher use wins within the
    // same max).
    void observe(api_usage usage);

    // Whether one more call stays within the share; true as long as no figures were seen yet.
    [[nodiscard]] bool allows_call() const;

    // Why calls are refused, for the error message ("used 12000 of 15000 daily API requests, ...").
    [[nodiscard]] std::string refusal_reason() const;

    [[nodiscard]] std::optional<api_usage> last() const { return last_; }
    [[nodiscard]] double share() const { return share_; }

private:
    double share_;
    std::optional<api_usage> last_;
};

}  // namespace fakturad::salesforce
