#pragma once
// Country and region facts the tax rules need: ISO 3166-1 alpha-2 codes, the 27 EU member states and the
// parts of them outside the EU VAT territory, Canadian provinces and territories, US states, and the
// country of a VAT ID prefix. Static tables; lookups do not allocate and are thread-safe.

#include <optional>
#include <string_view>

namespace fakturad::billing::tax {

// An assigned ISO 3166-1 alpha-2 code (upper case), e.g. "DE", "GR", "US". "EL" and "XI" are not countries.
[[nodiscard]] bool is_iso_country(std::string_view code) noexcept;

// One of the 27 EU member states (as of the rate data: 2025), by ISO code ("GR", not "EL").
[[nodiscard]] bool is_eu_member(std::string_view country) noexcept;

// In the EU VAT territory (Art. 6 Directive 2006/112/EC): a member state, except the Canary Islands
// ("ES"/"CN"), Ceuta ("ES"/"CE") and Melilla ("ES"/"ML"). The French overseas departments and Åland have
// their own ISO codes (GP, MQ, GF, RE, YT, AX) and are therefore already outside.
[[nodiscard]] bool in_eu_vat_territory(std::string_view country, std::string_view region) noexcept;

// A Canadian province or territory code: AB BC MB NB NL NS NT NU ON PE QC SK YT.
[[nodiscard]] bool is_canadian_province(std::string_view code) noexcept;

// A US state, DC, or an inhabited territory (PR, GU, VI, AS, MP).
[[nodiscard]] bool is_us_state(std::string_view code) noexcept;

// The member state that issued a VAT ID, from its prefix ("EL123..." -> "GR", "FR..." -> "FR"); nullopt
// when the prefix is not an EU member state's (e.g. "GB", "XI" Northern Ireland is not handled here).
[[nodiscard]] std::optional<std::string_view> vat_id_country(std::string_view vat_id) noexcept;

// Comma-separated lists for error messages.
[[nodiscard]] std::string_view canadian_province_list() noexcept;

}  // namespace fakturad::billing::tax
