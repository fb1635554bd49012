#pragma once
// The daemon's VAT-ID checks (issue: VAT-ID validation, "in the daemon"): for the accounts the store says
// are due (vat_check_store::due_accounts: new accounts, changed VAT IDs, stale or unconfirmed checks), the
// offline check first (format and check digits: an impossible number never goes to VIES), then one VIES
// batch for the rest, honouring the per-member-state limits and backoff of connectors/vies. The results
// become store records (evidence + the outbox intent that writes them to the Account).
//
// The store is not touched here: the caller loads the due accounts and records the results on the store's
// strand, so this file only turns accounts into checks.

#include "fakturad/config/settings.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/store/vat_check_store.hpp"
#include "fakturad/vies/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::daemon {

struct vat_check_result {
    store::vat_check_record record;
    std::string account_sf_id;
};

struct vat_check_pass {
    std::vector<vat_check_result> results;  // one per due account
    vies::halt_reason halted = vies::halt_reason::none;
};

// The stored form of a synced VAT ID: normalised when it can be ("de 136 695 976" -> "DE136695976"), else
// upper case without blanks.
[[nodiscard]] std::string normalised_vat_id(std::string_view text);

// Another account's (or an earlier) valid VIES check of the same number younger than `cache_ttl` is reused
// for `account` instead of asking VIES again: the copy keeps the original's VIES data and time.
[[nodiscard]] std::optional<store::vat_check_record> reused_check(
    const store::due_account& account,
    const std::optional<store::stored_vat_check>& latest_valid,
    instant now,
    std::chrono::milliseconds cache_ttl
);

// Whether billing may treat a buyer's VAT ID as confirmed (billing_plan::buyer_tax.vat_id_confirmed, which
// decides reverse charge and intra-community supplies): the latest check says valid; or it says
// unconfirmed (VIES could not answer) and a valid check lies within `accept_recently_valid` (0: never).
// An invalid latest check always wins over an older valid one.
[[nodiscard]] bool vat_id_confirmed(
    const std::optional<store::stored_vat_check>& latest,
    const std::optional<store::stored_vat_check>& latest_valid,
    instant now,
    std::chrono::milliseconds accept_recently_valid
);

// VIES batch options from the configuration.
[[nodiscard]] vies::batch_options batch_options_from(const config::vies_settings& settings);

class vat_check_job {
public:
    vat_check_job(vies::client& client, vies::batch_options options, vies::random_source& random)
        : client_(client), options_(options), random_(random) {}

    // Checks every account once; `now` stamps the results.
    boost::asio::awaitable<vat_check_pass> check(std::vector<store::due_account> accounts, instant now);

private:
    vies::client& client_;
    vies::batch_options options_;
    vies::random_source& random_;
};

}  // namespace fakturad::daemon
