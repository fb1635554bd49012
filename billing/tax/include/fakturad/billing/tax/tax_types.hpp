#pragma once
// The inputs and the output of tax determination (determine.hpp).
//
// Inputs describe facts, never conclusions: where seller and buyer are, what the seller is registered for,
// whether the buyer is a business and whether its VAT ID was confirmed (the VIES result arrives from the
// VAT checker as an input), what is supplied, when and where it goes. The rules in determine.cpp draw the
// conclusion: EN 16931 VAT category, rate, exemption reason, invoice notes and the reason the rule applied.
//
// Country codes are ISO 3166-1 alpha-2 in upper case ("DE", "GR" for Greece; "EL" appears only as the
// prefix of a Greek VAT ID). Regions are ISO 3166-2 subdivision codes without the country prefix ("ON",
// "QC" for Canada; "WA", "NY" for the United States) and matter only for Canada and the United States.
//
// All types are plain values; nothing here allocates beyond its strings and vectors.

#include "fakturad/core/decimal.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing::tax {

// EN 16931 BT-118/BT-151 VAT category codes (UNTDID 5305 subset used by EN 16931).
enum class vat_category : std::uint8_t {
    standard_rate,        // S
    zero_rated,           // Z
    exempt,               // E
    reverse_charge,       // AE
    intra_community,      // K  (intra-community supply of goods, VAT exempt)
    export_outside_eu,    // G  (free export item, VAT not charged)
    not_subject,          // O  (services outside scope of tax)
    canary_islands_igic,  // L
    ceuta_melilla_ipsi,   // M
};

// "S", "Z", "E", "AE", "K", "G", "O", "L", "M". The view refers to static storage, so it may be kept in an
// invoice_totals_line (core/rounding.hpp) for as long as the program runs.
[[nodiscard]] std::string_view category_code(vat_category c) noexcept;

// ---- inputs --------------------------------------------------------------------------------------------

// How the seller is taxed in its home country.
enum class vat_status : std::uint8_t {
    registered,      // charges VAT normally
    small_business,  // §19 UStG Kleinunternehmer (Germany only): supplies with German place are exempt
};

// Canadian registrations of the seller (a Canadian business, or a non-resident registered under the
// Excise Tax Act, e.g. for digital services to Canadian consumers).
struct canada_registration {
    bool gst_hst = false;                 // GST/HST registrant: charges GST or HST
    bool qst = false;                     // registered for the Quebec QST
    std::vector<std::string> provincial;  // provinces whose PST/RST it collects: "BC", "SK", "MB"
};

struct seller_profile {
    std::string country;  // home country, where the business is established
    std::string region;   // province/state for CA and US sellers (informational; place rules use the buyer)
    vat_status status = vat_status::registered;
    // Registered for the EU One-Stop-Shop (union scheme) and therefore taxing B2C distance sales of goods
    // and B2C electronic/telecom/broadcasting services at the destination rate (§3c, §3a Abs. 5 UStG,
    // §18j UStG). false means the seller stays below the 10,000 EUR EU-wide threshold (§3a Abs. 5 S. 3,
    // §3c Abs. 4 UStG) and has not opted for destination taxation: those supplies carry home VAT.
    // Tracking that threshold is the operator's job; this flag is the operator's statement of it.
    bool oss_registered = false;
    canada_registration canada;
};

enum class buyer_kind : std::uint8_t {
    business,  // an entrepreneur or legal person acting as such (B2B)
    consumer,  // a private person or non-business body (B2C)
};

enum class vat_id_check : std::uint8_t {
    unchecked,  // not (yet) confirmed: treated as not confirmed
    valid,      // confirmed valid (VIES qualified confirmation, §18e UStG)
    invalid,    // confirmed invalid
};

struct buyer_profile {
    std::string country;
    std::string region;  // province/state: required for CA and US places of supply
    buyer_kind kind = buyer_kind::consumer;
    std::string vat_id;  // as printed, with its country prefix ("FR12345678901", "EL123456789"); may be empty
    vat_id_check vat_id_status = vat_id_check::unchecked;
    // §13b Abs. 5 S. 2 and S. 5 UStG: the recipient itself supplies construction services / building
    // cleaning sustainably (evidenced by form USt 1 TG). Only read for those supply kinds.
    bool provides_construction_services = false;
    bool provides_building_cleaning = false;
};

enum class supply_kind : std::uint8_t {
    goods,                  // supply of goods with transport (§3 Abs. 1, Abs. 6 UStG)
    services,               // services under the general rules (§3a Abs. 1, Abs. 2 UStG)
    electronic_services,    // electronically supplied, telecom, broadcasting (§3a Abs. 5 UStG, Art. 58 VAT
                            // Dir.)
    construction_services,  // services on land in Germany (§3a Abs. 3 Nr. 1, §13b Abs. 2 Nr. 4 UStG)
    building_cleaning,      // cleaning of buildings in Germany (§13b Abs. 2 Nr. 8 UStG)
    scrap_metal,            // goods of Anlage 3 UStG, scrap and waste (§13b Abs. 2 Nr. 7 UStG)
};

// How the product is taxed, decided by the operator per product (tax_rules_yaml.hpp), never guessed.
enum class rate_kind : std::uint8_t {
    standard,       // the country's standard rate
    reduced,        // the country's highest reduced rate (DE 7 %, FR 10 %)
    reduced_2,      // the country's second reduced rate (FR 5.5 %, IT 5 %)
    super_reduced,  // a rate below 5 % (FR 2.1 %, IT 4 %, ES 4 %)
    parking,        // the parking rate (AT, BE, IE, LU)
    zero,           // zero rated: category Z, e.g. §12 Abs. 3 UStG photovoltaic systems
    exempt,         // exempt (e.g. §4 Nr. 14, Nr. 21 UStG): category E with the class's exemption reason
    explicit_rate,  // a named percentage; must be one of the country's rates on the supply date
};

struct localized_text {
    std::string de;
    std::string en;

    friend bool operator==(const localized_text&, const localized_text&) = default;
};

// A product tax class: the operator's statement of how one kind of product is taxed.
struct product_tax_class {
    std::string name;
    rate_kind kind = rate_kind::standard;
    decimal rate;                     // explicit_rate only
    localized_text exemption_reason;  // exempt only: BT-120 text, e.g. "Steuerfrei nach § 4 Nr. 21 UStG"
    std::string exemption_code;       // exempt only: BT-121, e.g. "VATEX-EU-132"; may be empty
    struct country_override {
        std::string country;
        rate_kind kind = rate_kind::standard;
        decimal rate;  // explicit_rate only
    };
    std::vector<country_override> overrides;  // per destination country (OSS), e.g. e-books
    // Canada: whether the provincial tax (PST/RST/QST) applies to this product; GST/HST does regardless.
    bool canada_provincial_taxable = true;
};

// One row of the operator's US sales tax table (the seller collects in these states only).
struct us_sales_tax_rate {
    std::string state;  // "WA"
    std::chrono::year_month_day valid_from;
    std::optional<std::chrono::year_month_day> valid_to;  // inclusive; nullopt = open
    decimal rate;                                         // percent, combined as the operator collects it
    bool goods = true;
    bool services = false;
    bool electronic_services = false;
};

// A place: country and, for CA and US, province or state.
struct place {
    std::string country;
    std::string region;
};

struct supply {
    supply_kind kind = supply_kind::services;
    std::string product_class = "standard";  // name of a configured product_tax_class
    std::chrono::year_month_day date;        // date of supply (§13 UStG: tax point), selects the rate
    // Goods: where the transport ends (EN 16931 BT-80); land-related services: where the land lies.
    // nullopt: the buyer's country and region.
    std::optional<place> delivery;
};

// ---- output --------------------------------------------------------------------------------------------

// The rule that decided the outcome; stable codes for the invoice record (rule_code()).
enum class tax_rule : std::uint8_t {
    domestic,                                      // supply taxed in the seller's home EU country
    de_small_business,                             // §19 UStG
    de_reverse_charge_13b,                         // §13b UStG domestic reverse charge
    eu_b2b_services_reverse_charge,                // §3a Abs. 2 UStG / Art. 44, 196 VAT Directive
    eu_intra_community_supply,                     // §4 Nr. 1 Buchst. b, §6a UStG
    eu_intra_community_supply_unconfirmed_vat_id,  // §6a Abs. 1 Nr. 4 UStG not met: home VAT
    eu_distance_sale_destination,                  // §3c Abs. 1 UStG, OSS §18j
    eu_distance_sale_origin,                       // §3c Abs. 4 UStG (below threshold)
    eu_b2c_electronic_services_destination,        // §3a Abs. 5 UStG, OSS §18j
    eu_b2c_electronic_services_origin,             // §3a Abs. 5 S. 3 UStG (below threshold)
    eu_b2c_services_origin,                        // §3a Abs. 1 UStG
    eu_export_goods,                               // §4 Nr. 1 Buchst. a, §6 UStG
    eu_services_third_country_business,            // §3a Abs. 2 UStG, place outside the EU
    eu_services_third_country_consumer,            // §3a Abs. 4 UStG, place outside the EU
    ca_gst_hst,         // Excise Tax Act, place of supply in a province (Schedule IX)
    ca_not_registered,  // place of supply in Canada, seller not a GST/HST registrant
    us_sales_tax,       // the operator's US table: collects in that state
    us_not_collected,   // the operator's US table: not collecting there or not taxable
};

// "domestic", "de_small_business", ... (the enumerator's name).
[[nodiscard]] std::string_view rule_code(tax_rule r) noexcept;

// One tax charged on a line. EU VAT has one component; Canada has GST or HST plus PST/RST/QST; the US has
// the state sales tax of the operator's table.
struct tax_component {
    std::string name;          // "VAT", "GST", "HST", "PST", "RST", "QST", "SALES_TAX"
    std::string jurisdiction;  // "DE", "FR", "CA", "CA-BC", "US-WA"
    decimal rate;              // percent

    friend bool operator==(const tax_component&, const tax_component&) = default;
};

struct tax_determination {
    vat_category category = vat_category::standard_rate;
    // BT-152 in percent: the VAT rate; 0 for Z, E, AE, K, G, O. With several components (Canada GST + PST)
    // the sum of their rates, for the EN 16931 line; the amounts come from each component separately
    // (subtotals.hpp), because each tax is rounded on its own.
    decimal rate;
    std::string exemption_code;  // BT-121 (VATEX-EU-AE, VATEX-EU-IC, VATEX-EU-G, VATEX-EU-O), may be empty
    localized_text exemption_reason;    // BT-120; empty for S, Z, L, M (BR-S-10, BR-Z-10)
    std::vector<localized_text> notes;  // legally required invoice notes (BT-22), in order
    tax_rule rule = tax_rule::domestic;
    std::string legal_basis;  // e.g. "§ 13b Abs. 2 Nr. 4, Abs. 5 S. 2 UStG"
    std::string tax_country;  // where the supply is taxed (place of supply): "DE", "FR", "CA", "US"
    std::string tax_region;   // province/state for CA/US, else empty
    std::vector<tax_component> components;  // empty when no tax is charged
    bool oss = false;                       // to be declared through the EU One-Stop-Shop (§18j UStG)
    bool buyer_vat_id_required =
        false;                    // AE, K: the buyer's VAT ID must be on the invoice (BR-AE-02, BR-IC-02)
    std::string rate_data_as_of;  // state date of the rate data used ("2025-08-01"), empty for config data
    // The facts that decided, for the invoice record beside rule_code(rule): semicolon-separated
    // key=value pairs in a fixed order, e.g. "seller=DE;status=registered;oss=true;buyer=FR;
    // buyer_kind=business;vat_id=valid:FR;supply=services;place=FR;class=standard;date=2025-03-01".
    std::string decision_inputs;

    // category_code(category).
    [[nodiscard]] std::string_view code() const noexcept { return category_code(category); }
};

}  // namespace fakturad::billing::tax
