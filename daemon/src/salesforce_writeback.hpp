#pragma once
// The outbox's Salesforce writes (DESIGN.md: every call that leaves the machine is committed to the outbox
// first, with an idempotency key). This file turns outbox messages into Salesforce records and decides what
// happens to a message after its write; the daemon's write-back loop claims the messages and calls the
// connector.
//
// Kinds handled:
//   salesforce.account_vat_check  -> VAT_Check__c upserted by Fakturad_Key__c = the idempotency key, linked
//                                   to the Account (Account__c), with verdict, source, VIES name, address,
//                                   request date and consultation number (salesforce/ metadata).
// An upsert by the idempotency key makes a repeated write (after a crash between the call and mark_done)
// update the same record instead of creating a second one.

#include "fakturad/core/clock.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fakturad::daemon {

inline constexpr std::string_view vat_check_kind = "salesforce.account_vat_check";
inline constexpr std::string_view vat_check_object = "VAT_Check__c";
inline constexpr std::string_view external_id_field = "Fakturad_Key__c";

// The VAT_Check__c record for an outbox message of vat_check_kind; nullopt with `problem` set when the
// payload is not one this version wrote.
[[nodiscard]] std::optional<boost::json::object> vat_check_sobject(
    const store::outbox_message& message, std::string& problem
);

// When a failed write is tried again: capped exponential backoff by attempts (1 min, 2, 4, ... 1 h);
// nullopt after `max_attempts` or for a permanent failure (an operator must look: `fakturactl status`
// counts failed messages).
[[nodiscard]] std::optional<instant> retry_time(
    const store::outbox_message& message, bool permanent, instant now, unsigned max_attempts = 12
);

}  // namespace fakturad::daemon
