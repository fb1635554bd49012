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

// Whether the category needs an exemption reason (BT-120/121): true for E, AE, K, G, O; false for S, Z, L,
// M (where one is forbidden: BR-S-10, BR-Z-10, BR-AF-10, BR-AG-10); nullopt for an unknown code.
[[nodiscard]] std::optional<bool> vat_exemption_required(std::string_view category) noexcept;

// The VATEX code that states the category's reason on its own (AE "VATEX-EU-AE", K "VATEX-EU-IC",
// G "VATEX-EU-G", O "VATEX-EU-O"), or empty: an exempt supply (E) names its own legal basis.
[[nodiscard]] std::string_view default_vatex_code(std::string_view category) noexcept;

}  // namespace fakturad::billing
