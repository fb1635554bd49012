#include "fakturad/billing/tax/geography.hpp"

#include <algorithm>

namespace fakturad::billing::tax {
namespace {

// ISO 3166-1 alpha-2, officially assigned codes (249), space-separated pairs in alphabetical order.
constexpr std::string_view iso_countries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV "
    "BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES "
    "ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE "
    "IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU "
    "NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM "
    "SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE "
    "VG VI VN VU WF WS YE YT ZA ZM ZW";

constexpr std::string_view eu_members =
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK";

constexpr std::string_view ca_provinces = "AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, QC, SK, YT";

constexpr std::string_view us_states =
    "AK AL AR AS AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI MN MO MP MS MT NC ND NE NH "
    "NJ NM NV NY OH OK OR PA PR RI SC SD TN TX UT VA VI VT WA WI WV WY";

// Two upper-case ASCII letters found as a whole word in a space/comma-separated list.
bool in_list(std::string_view list, std::string_view code) noexcept {
    if (code.size() != 2 ||
        !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        return false;
    }
    for (std::size_t pos = list.find(code); pos != std::string_view::npos; pos = list.find(code, pos + 1)) {
        const bool start_ok = pos == 0 || list[pos - 1] == ' ';
        const bool end_ok = pos + 2 == list.size() || list[pos + 2] == ' ' || list[pos + 2] == ',';
        if (start_ok && end_ok) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool is_iso_country(std::string_view code) noexcept { return in_list(iso_countries, code); }

bool is_eu_member(std::string_view country) noexcept { return in_list(eu_members, country); }

bool in_eu_vat_territory(std::string_view country, std::string_view region) noexcept {
    if (!is_eu_member(country)) {
        return false;
    }
    // Art. 6 (1) (b), (2) (b) Directive 2006/112/EC: Ceuta, Melilla and the Canary Islands are outside.
    return !(country == "ES" && (region == "CN" || region == "CE" || region == "ML"));
}

bool is_canadian_province(std::string_view code) noexcept { return in_list(ca_provinces, code); }

bool is_us_state(std::string_view code) noexcept { return in_list(us_states, code); }

std::optional<std::string_view> vat_id_country(std::string_view vat_id) noexcept {
    if (vat_id.size() < 3) {
        return std::nullopt;
    }
    const std::string_view prefix = vat_id.substr(0, 2);
    if (prefix == "EL") {
        return std::string_view("GR");
    }
    if (prefix == "GR" || !is_eu_member(prefix)) {
        // "GR" is not a VAT ID prefix: Greek VAT IDs start with EL (BR-CO-09).
        return std::nullopt;
    }
    const std::size_t at = eu_members.find(prefix);
    return eu_members.substr(at, 2);
}

std::string_view canadian_province_list() noexcept { return ca_provinces; }

}  // namespace fakturad::billing::tax
