#pragma once
// ISO 4217 currencies: alphabetic code, numeric code and minor units (decimal places of the minor unit).
//
// The table (currency.cpp) is ISO 4217 List One as published by the maintenance agency (SIX) on
// 2026-01-01, every entry that has a numeric minor-unit value, including the fund codes (BOV, CHE, CHW,
// CLF, COU, MXV, USN, UYI, UYW) and the accounting unit XAD. Left out: codes whose minor unit is "N.A."
// (precious metals XAU/XAG/XPD/XPT, XDR, XUA, XSU, the bond-market units XBA..XBD, XTS, XXX): nobody
// invoices in them, and an amount without defined places cannot be rounded.
// Kept although withdrawn, marked withdrawn (credit notes must repeat the currency of the invoice they
// correct): BGN (Bulgaria adopted the euro on 2026-01-01) and ANG (replaced by XCG in 2025).
//
// Where practice differs from ISO, fakturad follows ISO, because EN 16931 documents and Peppol validators
// check amounts against ISO minor units:
//   - HUF (2): no fillér coins exist and cash is rounded to 5 forint; invoices still carry 2 places.
//     Peppol R120 gives HUF a 0.5 slack for that reason.
//   - ISK (0), KRW (0), JPY (0), CLP (0), VND (0), UGX (0): ISO and practice agree on 0 places.
//   - IDR, COP, TWD, PKR, IRR, IQD, LBP, ...: ISO gives 2 (IQD 3) while prices are quoted in whole units;
//     whole-unit prices are exact in either case, so nothing is lost by keeping ISO's places.
//   - CHF (2) is cash-rounded to 0.05 (Rappenrundung); that is payment rounding (EN 16931 BT-114), not a
//     different minor unit, and is not applied here.
// A per-tenant override of minor units is deliberately not offered: it would produce documents that
// validators reject.
//
// Contract: currency is a small value (a pointer into the static table); copies are free, two currencies
// are equal iff their codes are equal, lookups do not allocate, the table is immutable and thread-safe.

#include "fakturad/core/money_error.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace fakturad {

struct currency_info {
    std::string_view code;     // ISO 4217 alphabetic code, three upper-case letters: "EUR"
    std::uint16_t numeric;     // ISO 4217 numeric code: 978
    std::uint8_t minor_units;  // decimal places of the minor unit: EUR 2, JPY 0, BHD 3, CLF 4
    std::string_view name;     // English name as in ISO 4217: "Euro"
    bool withdrawn;            // no longer in List One, kept for documents that refer to it
};

class currency {
public:
    // Throws money_error(unknown_currency) when code is not in the table. For input from outside use
    // lookup_currency(), which returns the error as a value.
    explicit currency(std::string_view code);

    [[nodiscard]] std::string_view code() const noexcept { return info_->code; }
    [[nodiscard]] std::uint16_t numeric() const noexcept { return info_->numeric; }
    [[nodiscard]] int minor_units() const noexcept { return info_->minor_units; }
    [[nodiscard]] const currency_info& info() const noexcept { return *info_; }

    friend bool operator==(currency a, currency b) noexcept { return a.info_ == b.info_; }

private:
    explicit currency(const currency_info* info) noexcept : info_(info) {}
    friend money_result<currency> lookup_currency(std::string_view code) noexcept;
    friend money_result<currency> lookup_currency(std::uint16_t numeric) noexcept;

    const currency_info* info_;  // never null: points into the static table
};

// By alphabetic code; exact match, upper case ("eur" is unknown_currency: codes are case-sensitive in
// EN 16931 and UBL/CII). Errors: unknown_currency.
[[nodiscard]] money_result<currency> lookup_currency(std::string_view code) noexcept;

// By numeric code (978 -> EUR). Errors: unknown_currency. Withdrawn entries are not found by number when
// an active currency took their number (532 -> XCG, not ANG).
[[nodiscard]] money_result<currency> lookup_currency(std::uint16_t numeric) noexcept;

// The whole table, sorted by alphabetic code.
[[nodiscard]] std::span<const currency_info> all_currencies() noexcept;

}  // namespace fakturad
