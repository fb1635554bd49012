#pragma once
// The VAT treatment of a line as plain data: an EN 16931 VAT category code (BT-151, UNTDID 5305 subset, as
// in core/rounding.hpp) and a rate in percent. Which category and rate apply (domestic, reverse charge,
// OSS, ...) is decided by tax determination (billing/tax, fakturad_billing_tax); the engine only carries
// the result, checks that it is well-formed and sums it per category and rate.
//
// Rules checked (einvoice.md 2.2): S needs a rate > 0; Z, E, AE, K, G and O need rate 0 (O is written
// without a rate in the XML; the engine keeps 0); L and M allow any rate >= 0. An exemption reason for
// E, AE, K, G, O belongs to the document notes and is not checked here.

#include "fakturad/core/decimal.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace fakturad::billing {

struct vat_treatment {
    std::string category = "S";  // "S", "Z", "E", "AE", "K", "G", "O", "L", "M"
    decimal rate;                // percent: 19 means 19 %
    friend bool operator==(const vat_treatment&, const vat_treatment&) = default;
};

// The code as a view into a static table (so that it outlives any line), or an empty view when the code
// is not one of the nine categories. Exact and case-sensitive.
[[nodiscard]] std::string_view canonical_vat_category(std::string_view code) noexcept;

// nullopt when category and rate fit together, else the reason ("category S needs a rate above 0").
[[nodiscard]] std::optional<std::string> check_vat(std::string_view category, decimal rate);

}  // namespace fakturad::billing
