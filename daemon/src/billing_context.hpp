#pragma once
// What every invoice run and every mapped plan needs from the configuration, loaded and checked once when
// the daemon (or a fakturactl command) starts: the sellers from `billing.legal_entities`, the tax rules of
// `billing.tax_rules` for each of them, and the number ranges from the patterns.

#include "fakturad/billing/numbering.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/tax/tax_rules_resolver.hpp"
#include "fakturad/config/settings.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::daemon {

class billing_context {
public:
    // Reads and checks the files; throws std::runtime_error listing every problem (file:line:column) when
    // a file is unreadable or invalid, a number pattern cannot give unique numbers, or no legal entity is
    // defined.
    [[nodiscard]] static billing_context load(const config::billing_settings& settings);

    // The seller party with this code, or nullptr.
    [[nodiscard]] const billing::party* legal_entity(std::string_view code) const;
    [[nodiscard]] const std::vector<billing::party>& legal_entities() const noexcept { return sellers_; }

    // The vat_resolver for items with `tax:`; nullptr without `billing.tax_rules`.
    [[nodiscard]] const billing::vat_resolver* vat() const noexcept { return tax_ ? &*tax_ : nullptr; }

    // EUR per unit of `code` on `day` (the latest rate from on or before it), or nullopt.
    [[nodiscard]] std::optional<decimal> eur_rate(std::string_view code, civil_date day) const;

    // The range a document of this seller and type draws its number from.
    [[nodiscard]] billing::number_range_spec range_for(const billing::invoice& doc) const;

private:
    std::vector<billing::party> sellers_;
    std::optional<billing::tax::tax_rules_resolver> tax_;
    // currency -> (valid from, EUR per unit), sorted by date
    std::map<std::string, std::vector<std::pair<civil_date, decimal>>, std::less<>> rates_;
    std::string invoice_pattern_;
    std::string credit_note_pattern_;
};

// The reset a pattern implies: monthly with {MM}, yearly with a year, else never.
[[nodiscard]] billing::number_reset reset_of(const billing::number_pattern& pattern) noexcept;

}  // namespace fakturad::daemon
