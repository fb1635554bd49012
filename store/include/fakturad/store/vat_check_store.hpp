#pragma once
// VAT-ID checks in the store: the evidence of each check, and which accounts are due for one.
//
// `record` appends a check and, in the same transaction, the outbox intent to write it to the Account in
// Salesforce (kind "salesforce.account_vat_check", idempotency key "vat_check:<id>"): the result reaches
// the Account exactly once even if the daemon dies right after the check (DESIGN.md, outbox).
//
// `due_accounts` is what the daemon's VAT-ID job checks next: accounts (not deleted) with a VAT ID whose
// latest check recorded for that account and that very VAT ID is missing (a new account, or the VAT ID
// changed) or older than the re-check interval; an "unconfirmed" answer is retried after
// `retry_unconfirmed` (sooner than a re-check). Whether another account's recent check of the same number
// can be reused is the caller's decision (latest_valid and the cache TTL).

#include "fakturad/core/clock.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::store {

struct vat_check_record {
    std::string vat_id;  // normalised, with the VIES country code ("DE136695976", "EL094259216")
    std::optional<std::int64_t> account_id;
    std::string verdict;  // "valid", "invalid", "unconfirmed"
    std::string source;   // "offline" (format/check digits) or "vies"
    std::optional<std::string> trader_name;
    std::optional<std::string> trader_address;
    std::optional<std::string> request_date;
    std::optional<std::string> consultation_number;
    std::string detail;
    instant checked_at{};
};

struct stored_vat_check {
    std::int64_t id = 0;
    vat_check_record check;
};

struct due_account {
    std::int64_t account_id = 0;
    std::string sf_id;
    std::string vat_id;  // as synced (not normalised)
};

class vat_check_store {
public:
    explicit vat_check_store(sqlite_store& store) noexcept : store_(&store) {}

    // Appends the check and its write-back intent (see above); returns the check's id. Runs inside the
    // caller's transaction when there is one.
    std::int64_t record(const vat_check_record& check, std::optional<std::string_view> account_sf_id);

    [[nodiscard]] std::optional<stored_vat_check> latest(std::string_view vat_id);
    [[nodiscard]] std::optional<stored_vat_check> latest_valid(std::string_view vat_id);

    // Accounts needing a check at `now` (see above), oldest need first, at most `limit`. `normalise` maps
    // the synced VAT ID text to the stored form ("de 136 695 976" -> "DE136695976"); it is the caller's
    // (core/vat_id.hpp), so the store stays free of VAT-ID rules.
    [[nodiscard]] std::vector<due_account> due_accounts(
        instant now,
        std::chrono::milliseconds recheck_interval,
        std::chrono::milliseconds retry_unconfirmed,
        std::size_t limit,
        std::string (*normalise)(std::string_view)
    );

private:
    sqlite_store* store_;
};

}  // namespace fakturad::store
