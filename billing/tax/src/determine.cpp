#include "fakturad/billing/tax/determine.hpp"

#include "fakturad/billing/tax/geography.hpp"
#include "fakturad/billing/tax/rate_tables.hpp"

#include <algorithm>
#include <array>

namespace fakturad::billing::tax {
namespace {

using std::chrono::year_month_day;

constexpr std::string_view vatex_reverse_charge = "VATEX-EU-AE";
constexpr std::string_view vatex_intra_community = "VATEX-EU-IC";
constexpr std::string_view vatex_export = "VATEX-EU-G";
constexpr std::string_view vatex_not_subject = "VATEX-EU-O";
constexpr std::string_view directive = "Richtlinie 2006/112/EG (MwStSystRL)";

// The German law applies to a German seller; others get the Directive reference alone.
std::string legal(std::string_view home, std::string_view ustg, std::string_view directive_articles) {
    std::string out;
    if (home == "DE") {
        out = std::string(ustg) + "; ";
    }
    return out + std::string(directive_articles) + " " + std::string(directive);
}

tax_determination make(vat_category c, tax_rule rule, std::string legal_basis, std::string tax_country) {
    tax_determination d;
    d.category = c;
    d.rule = rule;
    d.legal_basis = std::move(legal_basis);
    d.tax_country = std::move(tax_country);
    return d;
}

// An exemption whose reason is also the invoice note (§14 Abs. 4 Nr. 8 UStG: "Hinweis auf die
// Steuerbefreiung").
void exempt_with(tax_determination& d, std::string_view code, localized_text reason) {
    d.exemption_code = std::string(code);
    d.notes.push_back(reason);
    d.exemption_reason = std::move(reason);
}

const localized_text reverse_charge_reason{"Steuerschuldnerschaft des Leistungsempfängers", "Reverse charge"};

// ---- product classes -----------------------------------------------------------------------------------

const std::array<product_tax_class, 6>& builtin_classes() {
    static const std::array<product_tax_class, 6> classes = [] {
        std::array<product_tax_class, 6> c;
        const std::array<std::pair<const char*, rate_kind>, 6> kinds{{
            {"standard", rate_kind::standard},
            {"reduced", rate_kind::reduced},
            {"reduced_2", rate_kind::reduced_2},
            {"super_reduced", rate_kind::super_reduced},
            {"parking", rate_kind::parking},
            {"zero", rate_kind::zero},
        }};
        for (std::size_t i = 0; i < kinds.size(); ++i) {
            c[i].name = kinds[i].first;
            c[i].kind = kinds[i].second;
        }
        return c;
    }();
    return classes;
}

std::string_view kind_name(rate_kind k) {
    switch (k) {
        case rate_kind::standard:
            return "standard";
        case rate_kind::reduced:
            return "reduced";
        case rate_kind::reduced_2:
            return "reduced_2";
        case rate_kind::super_reduced:
            return "super_reduced";
        case rate_kind::parking:
            return "parking";
        case rate_kind::zero:
            return "zero";
        case rate_kind::exempt:
            return "exempt";
        case rate_kind::explicit_rate:
            return "explicit rate";
    }
    return "?";
}

// The class's rate kind for `country`, after per-country overrides.
std::pair<rate_kind, decimal> kind_for(const product_tax_class& cls, std::string_view country) {
    for (const auto& o : cls.overrides) {
        if (o.country == country) {
            return {o.kind, o.rate};
        }
    }
    return {cls.kind, cls.rate};
}

struct rate_choice {
    vat_category category = vat_category::standard_rate;
    decimal rate;
};

std::string rate_list(const eu_vat_rates& r) {
    std::string out = to_canonical_string(r.standard);
    for (const auto& x : r.reduced) {
        out += ", " + to_canonical_string(x);
    }
    if (r.super_reduced) {
        out += ", " + to_canonical_string(*r.super_reduced);
    }
    if (r.parking) {
        out += ", " + to_canonical_string(*r.parking) + " (parking)";
    }
    return out;
}

// EU VAT rate of the class in `country` on `date`. Exempt classes are answered by the caller.
tax_result<rate_choice> eu_rate(const product_tax_class& cls, std::string_view country, year_month_day date) {
    auto rates = eu_rates_on(country, date);
    if (!rates) {
        return rates.error();
    }
    const eu_vat_rates& r = **rates;
    const auto [kind, explicit_value] = kind_for(cls, country);
    std::optional<decimal> chosen;
    switch (kind) {
        case rate_kind::standard:
            chosen = r.standard;
            break;
        case rate_kind::reduced:
            if (!r.reduced.empty()) {
                chosen = r.reduced[0];
            }
            break;
        case rate_kind::reduced_2:
            if (r.reduced.size() > 1) {
                chosen = r.reduced[1];
            }
            break;
        case rate_kind::super_reduced:
            chosen = r.super_reduced;
            break;
        case rate_kind::parking:
            chosen = r.parking;
            break;
        case rate_kind::zero:
            return rate_choice{vat_category::zero_rated, decimal{}};
        case rate_kind::exempt:
            return rate_choice{vat_category::exempt, decimal{}};
        case rate_kind::explicit_rate: {
            const bool known =
                explicit_value == r.standard ||
                std::find(r.reduced.begin(), r.reduced.end(), explicit_value) != r.reduced.end() ||
                (r.super_reduced && *r.super_reduced == explicit_value) ||
                (r.parking && *r.parking == explicit_value);
            if (!known) {
                return make_tax_error(
                    tax_errc::no_such_rate,
                    "product tax class " + quote_input(cls.name) + " names " +
                        to_canonical_string(explicit_value) + " %, which is not a VAT rate of " +
                        std::string(country) + " on " + format_date(date) + " (rates: " + rate_list(r) + ")"
                );
            }
            chosen = explicit_value;
            break;
        }
    }
    if (!chosen) {
        return make_tax_error(
            tax_errc::no_such_rate,
            "product tax class " + quote_input(cls.name) + " asks for the " + std::string(kind_name(kind)) +
                " rate, which " + std::string(country) + " does not have on " + format_date(date) +
                " (rates: " + rate_list(r) + "); add an override for " + std::string(country) +
                " to the class"
        );
    }
    return rate_choice{vat_category::standard_rate, *chosen};
}

// ---- building blocks -----------------------------------------------------------------------------------

// A supply taxed in EU member state `country` at the class's rate there.
tax_result<tax_determination> eu_taxed(
    const product_tax_class& cls,
    std::string_view country,
    year_month_day date,
    tax_rule rule,
    std::string legal_basis
) {
    auto choice = eu_rate(cls, country, date);
    if (!choice) {
        return choice.error();
    }
    tax_determination d = make(choice->category, rule, std::move(legal_basis), std::string(country));
    d.rate = choice->rate;
    d.rate_data_as_of = std::string(eu_vat_rates_as_of());
    if (d.category == vat_category::standard_rate) {
        d.components.push_back({"VAT", std::string(country), choice->rate});
    } else if (d.category == vat_category::exempt) {
        exempt_with(d, cls.exemption_code, cls.exemption_reason);
    }
    return d;
}

tax_determination small_business(const supply& s) {
    tax_determination d = make(vat_category::exempt, tax_rule::de_small_business, "§ 19 Abs. 1 UStG", "DE");
    // Since 2025-01-01 (Jahressteuergesetz 2024) the small business's supplies are exempt; before, the tax
    // was "not levied". Either way no VAT is shown, and the invoice must say why.
    if (s.date >= year_month_day{std::chrono::year{2025}, std::chrono::January, std::chrono::day{1}}) {
        d.legal_basis += ", § 34a UStDV";
        exempt_with(
            d,
            "",
            {"Steuerbefreiung für Kleinunternehmer nach § 19 Abs. 1 UStG",
             "Exempt under the small business scheme (section 19 (1) German VAT Act, UStG)"}
        );
    } else {
        exempt_with(
            d,
            "",
            {"Gemäß § 19 Abs. 1 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmer)",
             "No VAT charged: small business scheme (section 19 (1) German VAT Act, UStG)"}
        );
    }
    return d;
}

tax_determination reverse_charge(
    tax_rule rule, std::string legal_basis, std::string tax_country, localized_text note
) {
    tax_determination d =
        make(vat_category::reverse_charge, rule, std::move(legal_basis), std::move(tax_country));
    d.exemption_code = std::string(vatex_reverse_charge);
    d.exemption_reason = reverse_charge_reason;
    d.notes.push_back(std::move(note));
    d.buyer_vat_id_required = true;
    return d;
}

// The member state of a VAT ID the buyer may rely on: a business, an ID, confirmed valid, EU prefix.
std::optional<std::string_view> confirmed_vat_id_country(const buyer_profile& b) {
    if (b.kind != buyer_kind::business || b.vat_id.empty() || b.vat_id_status != vat_id_check::valid) {
        return std::nullopt;
    }
    return vat_id_country(b.vat_id);
}

tax_error unknown_country(std::string_view what, std::string_view code) {
    return make_tax_error(
        tax_errc::unknown_country,
        "unknown " + std::string(what) + " country " + quote_input(code) +
            ": expected an ISO 3166-1 alpha-2 code in upper case (e.g. DE, FR, GR, US, CA)"
    );
}

// ---- North America -------------------------------------------------------------------------------------

tax_result<tax_determination> canada(
    const seller_profile& seller, const place& where, const supply& s, const product_tax_class& cls
) {
    if (where.region.empty()) {
        return make_tax_error(
            tax_errc::missing_region,
            "a Canadian place of supply needs a province or territory (one of " +
                std::string(canadian_province_list()) + ")"
        );
    }
    auto rates = ca_rates_on(where.region, s.date);
    if (!rates) {
        return rates.error();
    }
    if (!seller.canada.gst_hst) {
        tax_determination d = make(
            vat_category::not_subject,
            tax_rule::ca_not_registered,
            "Excise Tax Act (Canada) s. 148, s. 240",
            "CA"
        );
        d.tax_region = where.region;
        d.exemption_reason = {
            "Keine GST/HST: der Leistende ist nicht für die GST/HST registriert",
            "No GST/HST charged: the supplier is not a GST/HST registrant"};
        d.notes.push_back(d.exemption_reason);
        return d;
    }
    const ca_sales_tax_rates& r = **rates;
    const auto [kind, explicit_value] = kind_for(cls, "CA");
    tax_determination d = make(
        vat_category::standard_rate,
        tax_rule::ca_gst_hst,
        "Excise Tax Act (Canada) Part IX s. 165, Schedule IX (place of supply)",
        "CA"
    );
    d.tax_region = where.region;
    d.rate_data_as_of = std::string(ca_sales_tax_rates_as_of());
    if (kind == rate_kind::zero) {
        d.category = vat_category::zero_rated;
        d.legal_basis += ", Schedule VI (zero-rated supplies)";
        return d;
    }
    if (kind == rate_kind::exempt) {
        d.category = vat_category::exempt;
        d.legal_basis += ", Schedule V (exempt supplies)";
        exempt_with(d, cls.exemption_code, cls.exemption_reason);
        return d;
    }
    if (kind != rate_kind::standard) {
        return make_tax_error(
            tax_errc::no_such_rate,
            "product tax class " + quote_input(cls.name) + " asks for the " + std::string(kind_name(kind)) +
                " rate; Canadian GST/HST has only taxable (standard), zero-rated and exempt supplies: add an "
                "override for CA to the class"
        );
    }
    if (r.hst) {
        d.components.push_back({"HST", "CA-" + r.province, *r.hst});
    } else {
        d.components.push_back({"GST", "CA", *r.gst});
        const bool registered_provincially =
            r.provincial_name == "QST"
                ? seller.canada.qst
                : std::find(seller.canada.provincial.begin(), seller.canada.provincial.end(), r.province) !=
                      seller.canada.provincial.end();
        if (r.provincial_rate && cls.canada_provincial_taxable && registered_provincially) {
            d.components.push_back({r.provincial_name, "CA-" + r.province, *r.provincial_rate});
            d.legal_basis += "; " + r.provincial_name + " of " + r.province;
        }
    }
    decimal total;
    for (const auto& c : d.components) {
        total = total + c.rate;
    }
    d.rate = total;
    return d;
}

tax_result<tax_determination> united_states(
    const place& where,
    const supply& s,
    const product_tax_class& cls,
    std::span<const us_sales_tax_rate> table
) {
    if (where.region.empty()) {
        return make_tax_error(
            tax_errc::missing_region, "a US place of supply needs a state code (e.g. WA, NY)"
        );
    }
    if (!is_us_state(where.region)) {
        return make_tax_error(
            tax_errc::unknown_region,
            "unknown US state " + quote_input(where.region) +
                " (expected a USPS state code such as CA, NY, WA; DC and PR, GU, VI, AS, MP are accepted)"
        );
    }
    const us_sales_tax_rate* row = nullptr;
    for (const auto& r : table) {
        if (r.state == where.region && r.valid_from <= s.date && (!r.valid_to || s.date <= *r.valid_to)) {
            row = &r;
            break;
        }
    }
    const bool taxable_kind =
        row != nullptr &&
        ((s.kind == supply_kind::goods && row->goods) || (s.kind == supply_kind::services && row->services) ||
         (s.kind == supply_kind::electronic_services && row->electronic_services));
    const std::string jurisdiction = "US-" + where.region;
    const auto [kind, explicit_value] = kind_for(cls, "US");
    if (!taxable_kind || kind == rate_kind::zero || kind == rate_kind::exempt) {
        tax_determination d = make(
            vat_category::not_subject,
            tax_rule::us_not_collected,
            "operator's US sales tax table (tax rules)",
            "US"
        );
        d.tax_region = where.region;
        if (row == nullptr) {
            d.exemption_reason = {
                "Keine US-Umsatzsteuer: in " + jurisdiction + " wird am " + format_date(s.date) +
                    " keine erhoben",
                "No sales tax: the seller does not collect in " + jurisdiction + " on " +
                    format_date(s.date)};
        } else {
            d.exemption_reason = {
                "Keine US-Umsatzsteuer: die Leistung ist in " + jurisdiction + " nicht steuerbar",
                "No sales tax: this supply is not taxable in " + jurisdiction};
        }
        return d;
    }
    if (kind != rate_kind::standard) {
        return make_tax_error(
            tax_errc::no_such_rate,
            "product tax class " + quote_input(cls.name) + " asks for the " + std::string(kind_name(kind)) +
                " rate; the US table has one rate per state: add an override for US to the class"
        );
    }
    tax_determination d = make(
        vat_category::standard_rate,
        tax_rule::us_sales_tax,
        "sales tax of " + jurisdiction + " (operator's table)",
        "US"
    );
    d.tax_region = where.region;
    d.rate = row->rate;
    d.components.push_back({"SALES_TAX", jurisdiction, row->rate});
    return d;
}

// ---- EU sellers ----------------------------------------------------------------------------------------

tax_result<tax_determination> eu_seller(
    const seller_profile& seller,
    const buyer_profile& buyer,
    const supply& s,
    const product_tax_class& cls,
    std::span<const us_sales_tax_rate> us_table
) {
    const std::string& home = seller.country;
    const bool small = seller.status == vat_status::small_business;
    if (small && home != "DE") {
        return make_tax_error(
            tax_errc::unsupported,
            "vat_status small_business means § 19 UStG and applies to German sellers only; the small "
            "business "
            "scheme of " +
                home + " is not determined by fakturad"
        );
    }
    const bool business = buyer.kind == buyer_kind::business;
    const auto id_country = confirmed_vat_id_country(buyer);
    const bool id_from_other_state = id_country && *id_country != home;

    // Whatever has its place in Germany is exempt for a § 19 seller; other places follow the general rules.
    auto home_taxed = [&](tax_rule rule, std::string legal_basis) -> tax_result<tax_determination> {
        if (small) {
            return small_business(s);
        }
        return eu_taxed(cls, home, s.date, rule, std::move(legal_basis));
    };
    auto domestic = [&]() {
        return home_taxed(tax_rule::domestic, legal(home, "§ 1 Abs. 1 Nr. 1, § 12 UStG", "Art. 2, 96-99"));
    };

    switch (s.kind) {
        case supply_kind::goods:
        case supply_kind::scrap_metal: {
            const place to = s.delivery.value_or(place{buyer.country, buyer.region});
            if (!is_iso_country(to.country)) {
                return unknown_country("delivery", to.country);
            }
            if (to.country == home && in_eu_vat_territory(to.country, to.region)) {
                if (s.kind == supply_kind::scrap_metal && home == "DE" && !small && business) {
                    return reverse_charge(
                        tax_rule::de_reverse_charge_13b,
                        "§ 13b Abs. 2 Nr. 7, Abs. 5 S. 1 UStG (Anlage 3); § 14a Abs. 5 UStG",
                        "DE",
                        {"Steuerschuldnerschaft des Leistungsempfängers (§ 13b UStG)",
                         "Reverse charge: the recipient is liable for the VAT (section 13b UStG)"}
                    );
                }
                return domestic();
            }
            if (in_eu_vat_territory(to.country, to.region)) {
                if (small) {
                    return small_business(s);
                }
                if (business && id_from_other_state) {
                    tax_determination d = make(
                        vat_category::intra_community,
                        tax_rule::eu_intra_community_supply,
                        legal(home, "§ 4 Nr. 1 Buchst. b, § 6a UStG; § 14a Abs. 3 UStG", "Art. 138"),
                        to.country
                    );
                    exempt_with(
                        d,
                        vatex_intra_community,
                        {"Steuerfreie innergemeinschaftliche Lieferung",
                         "Exempt intra-community supply of goods (Article 138 Directive 2006/112/EC)"}
                    );
                    d.buyer_vat_id_required = true;
                    return d;
                }
                if (business) {
                    return eu_taxed(
                        cls,
                        home,
                        s.date,
                        tax_rule::eu_intra_community_supply_unconfirmed_vat_id,
                        legal(
                            home,
                            "§ 6a Abs. 1 Nr. 4 UStG nicht erfüllt (keine bestätigte USt-IdNr. eines anderen "
                            "Mitgliedstaats), § 3 Abs. 6 UStG",
                            "Art. 138 (1) (b) not met, Art. 32"
                        )
                    );
                }
                if (seller.oss_registered) {
                    tax_result<tax_determination> d = eu_taxed(
                        cls,
                        to.country,
                        s.date,
                        tax_rule::eu_distance_sale_destination,
                        legal(home, "§ 3c Abs. 1 UStG, § 18j UStG (OSS)", "Art. 33 (a), 369a-369k")
                    );
                    if (d) {
                        auto out = std::move(d).value();
                        out.oss = true;
                        return out;
                    }
                    return d;
                }
                return eu_taxed(
                    cls,
                    home,
                    s.date,
                    tax_rule::eu_distance_sale_origin,
                    legal(home, "§ 3c Abs. 4 UStG (unter 10.000 EUR)", "Art. 59c")
                );
            }
            // The goods leave the EU VAT territory.
            if (small) {
                return small_business(s);
            }
            tax_determination d = make(
                vat_category::export_outside_eu,
                tax_rule::eu_export_goods,
                legal(home, "§ 4 Nr. 1 Buchst. a, § 6 UStG", "Art. 146"),
                home
            );
            exempt_with(
                d,
                vatex_export,
                {"Steuerfreie Ausfuhrlieferung",
                 "Exempt export of goods outside the EU (Article 146 Directive 2006/112/EC)"}
            );
            return d;
        }

        case supply_kind::construction_services:
        case supply_kind::building_cleaning: {
            const place land = s.delivery.value_or(place{buyer.country, buyer.region});
            if (!is_iso_country(land.country)) {
                return unknown_country("property", land.country);
            }
            if (land.country != home) {
                return make_tax_error(
                    tax_errc::unsupported,
                    "services connected with land in " + land.country +
                        " are taxed where the land lies (§ 3a Abs. 3 Nr. 1 UStG, Art. 47 Directive "
                        "2006/112/EC) "
                        "under that country's rules, which fakturad does not determine"
                );
            }
            const bool construction = s.kind == supply_kind::construction_services;
            const bool recipient_qualifies = business && (construction ? buyer.provides_construction_services
                                                                       : buyer.provides_building_cleaning);
            if (home == "DE" && !small && recipient_qualifies) {
                return reverse_charge(
                    tax_rule::de_reverse_charge_13b,
                    construction ? "§ 13b Abs. 2 Nr. 4, Abs. 5 S. 2 UStG; § 14a Abs. 5 UStG"
                                 : "§ 13b Abs. 2 Nr. 8, Abs. 5 S. 5 UStG; § 14a Abs. 5 UStG",
                    "DE",
                    {"Steuerschuldnerschaft des Leistungsempfängers (§ 13b UStG)",
                     "Reverse charge: the recipient is liable for the VAT (section 13b UStG)"}
                );
            }
            auto d = domestic();
            if (d && home == "DE" && !business) {
                // § 14 Abs. 4 Nr. 9 UStG: a private recipient of a service connected with land must be told
                // of the two-year retention duty of § 14b Abs. 1 S. 5 UStG.
                auto out = std::move(d).value();
                out.notes.push_back(
                    {"Der Leistungsempfänger ist verpflichtet, diese Rechnung zwei Jahre aufzubewahren (§ "
                     "14b Abs. 1 "
                     "S. 5 UStG).",
                     "The recipient must keep this invoice for two years (section 14b (1) sentence 5 UStG)."}
                );
                out.legal_basis += "; § 14 Abs. 4 Nr. 9 UStG";
                return out;
            }
            return d;
        }

        case supply_kind::services:
        case supply_kind::electronic_services:
            break;
    }

    // Services: the place is where the recipient is (B2B, § 3a Abs. 2) or where the supplier is (B2C,
    // § 3a Abs. 1) except electronic services to consumers (§ 3a Abs. 5) and third-country consumers of
    // electronic services (§ 3a Abs. 4).
    if (!is_iso_country(buyer.country)) {
        return unknown_country("buyer", buyer.country);
    }
    if (buyer.country == home && in_eu_vat_territory(buyer.country, buyer.region)) {
        return domestic();
    }
    const bool buyer_in_eu = in_eu_vat_territory(buyer.country, buyer.region);
    if (buyer_in_eu) {
        if (business && id_from_other_state) {
            return reverse_charge(
                tax_rule::eu_b2b_services_reverse_charge,
                legal(home, "§ 3a Abs. 2 UStG; § 14a Abs. 1 UStG", "Art. 44, 196"),
                buyer.country,
                {"Steuerschuldnerschaft des Leistungsempfängers",
                 "Reverse charge: VAT to be accounted for by the recipient (Article 196 Directive "
                 "2006/112/EC)"}
            );
        }
        // A buyer without a confirmed VAT ID is treated as a consumer (Art. 18 (2) Implementing Regulation
        // (EU) No 282/2011).
        if (s.kind == supply_kind::electronic_services) {
            if (seller.oss_registered) {
                auto d = eu_taxed(
                    cls,
                    buyer.country,
                    s.date,
                    tax_rule::eu_b2c_electronic_services_destination,
                    legal(home, "§ 3a Abs. 5 UStG, § 18j UStG (OSS)", "Art. 58, 369a-369k")
                );
                if (d) {
                    auto out = std::move(d).value();
                    out.oss = true;
                    return out;
                }
                return d;
            }
            return home_taxed(
                tax_rule::eu_b2c_electronic_services_origin,
                legal(home, "§ 3a Abs. 5 S. 3 UStG (unter 10.000 EUR)", "Art. 59c")
            );
        }
        return home_taxed(tax_rule::eu_b2c_services_origin, legal(home, "§ 3a Abs. 1 UStG", "Art. 45"));
    }

    // Outside the EU VAT territory. A seller registered there charges that country's tax.
    if (buyer.country == "CA" && seller.canada.gst_hst) {
        return canada(seller, place{buyer.country, buyer.region}, s, cls);
    }
    if (buyer.country == "US" && !us_table.empty()) {
        auto d = united_states(place{buyer.country, buyer.region}, s, cls, us_table);
        if (!d || d->rule == tax_rule::us_sales_tax) {
            return d;
        }
    }
    if (business) {
        tax_determination d = make(
            vat_category::not_subject,
            tax_rule::eu_services_third_country_business,
            legal(home, "§ 3a Abs. 2 UStG", "Art. 44"),
            buyer.country
        );
        exempt_with(
            d,
            vatex_not_subject,
            {"Nicht im Inland steuerbare Leistung (Leistungsort im Drittland, § 3a Abs. 2 UStG)",
             "Not subject to VAT: place of supply outside the EU (Article 44 Directive 2006/112/EC)"}
        );
        return d;
    }
    if (s.kind == supply_kind::electronic_services) {
        tax_determination d = make(
            vat_category::not_subject,
            tax_rule::eu_services_third_country_consumer,
            legal(home, "§ 3a Abs. 4 UStG", "Art. 59"),
            buyer.country
        );
        exempt_with(
            d,
            vatex_not_subject,
            {"Nicht im Inland steuerbare Leistung (Leistungsort im Drittland, § 3a Abs. 4 UStG)",
             "Not subject to VAT: place of supply outside the EU (Article 59 Directive 2006/112/EC)"}
        );
        return d;
    }
    return home_taxed(tax_rule::eu_b2c_services_origin, legal(home, "§ 3a Abs. 1 UStG", "Art. 45"));
}

place place_of_supply(const buyer_profile& buyer, const supply& s) {
    if (s.kind == supply_kind::goods || s.kind == supply_kind::scrap_metal ||
        s.kind == supply_kind::construction_services || s.kind == supply_kind::building_cleaning) {
        return s.delivery.value_or(place{buyer.country, buyer.region});
    }
    return place{buyer.country, buyer.region};
}

}  // namespace

const product_tax_class* tax_rules::find_class(std::string_view name) const {
    for (const auto& c : product_classes) {
        if (c.name == name) {
            return &c;
        }
    }
    for (const auto& c : builtin_classes()) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

tax_result<tax_determination> determine_tax(
    const tax_rules& rules, const buyer_profile& buyer, const supply& s
) {
    const product_tax_class* cls = rules.find_class(s.product_class);
    if (cls == nullptr) {
        return make_tax_error(
            tax_errc::unknown_product_class,
            "unknown product tax class " + quote_input(s.product_class) +
                ": configure it under product_classes or use a built-in class (standard, reduced, reduced_2, "
                "super_reduced, parking, zero)"
        );
    }
    return determine_tax(rules.seller, buyer, s, *cls, rules.us_sales_tax);
}

namespace {

std::string_view supply_name(supply_kind k) {
    switch (k) {
        case supply_kind::goods:
            return "goods";
        case supply_kind::services:
            return "services";
        case supply_kind::electronic_services:
            return "electronic_services";
        case supply_kind::construction_services:
            return "construction_services";
        case supply_kind::building_cleaning:
            return "building_cleaning";
        case supply_kind::scrap_metal:
            return "scrap_metal";
    }
    return "?";
}

std::string decision_inputs(
    const seller_profile& seller, const buyer_profile& buyer, const supply& s, const product_tax_class& cls
) {
    const place where = place_of_supply(buyer, s);
    std::string id = "none";
    if (!buyer.vat_id.empty()) {
        const auto country = vat_id_country(buyer.vat_id);
        id = std::string(
                 buyer.vat_id_status == vat_id_check::valid     ? "valid"
                 : buyer.vat_id_status == vat_id_check::invalid ? "invalid"
                                                                : "unchecked"
             ) +
             ":" + std::string(country.value_or(buyer.vat_id.substr(0, 2)));
    }
    std::string out = "seller=" + seller.country;
    out += ";status=" +
           std::string(seller.status == vat_status::small_business ? "small_business" : "registered");
    out += ";oss=" + std::string(seller.oss_registered ? "true" : "false");
    out += ";buyer=" + buyer.country + (buyer.region.empty() ? "" : "-" + buyer.region);
    out += ";buyer_kind=" + std::string(buyer.kind == buyer_kind::business ? "business" : "consumer");
    out += ";vat_id=" + id;
    out += ";supply=" + std::string(supply_name(s.kind));
    out += ";place=" + where.country + (where.region.empty() ? "" : "-" + where.region);
    out += ";class=" + cls.name;
    out += ";date=" + format_date(s.date);
    return out;
}

tax_result<tax_determination> determine_unrecorded(
    const seller_profile& seller,
    const buyer_profile& buyer,
    const supply& s,
    const product_tax_class& product_class,
    std::span<const us_sales_tax_rate> us_sales_tax
) {
    if (!is_iso_country(seller.country)) {
        return unknown_country("seller", seller.country);
    }
    if (!is_iso_country(buyer.country)) {
        return unknown_country("buyer", buyer.country);
    }
    if (buyer.kind == buyer_kind::consumer && buyer.vat_id_status == vat_id_check::valid) {
        return make_tax_error(
            tax_errc::invalid_input,
            "the buyer is a consumer but has a VAT ID confirmed valid: a buyer with a VAT ID acting as such "
            "is a "
            "business (kind: business)"
        );
    }
    if (product_class.kind == rate_kind::exempt && product_class.exemption_reason.de.empty()) {
        return make_tax_error(
            tax_errc::invalid_input,
            "exempt product tax class " + quote_input(product_class.name) + " has no exemption reason"
        );
    }
    if (is_eu_member(seller.country)) {
        if (!in_eu_vat_territory(seller.country, seller.region)) {
            return make_tax_error(
                tax_errc::unsupported,
                "sellers in the Canary Islands, Ceuta or Melilla (categories L, M: IGIC, IPSI) are not "
                "determined"
            );
        }
        return eu_seller(seller, buyer, s, product_class, us_sales_tax);
    }
    if (seller.status == vat_status::small_business) {
        return make_tax_error(
            tax_errc::invalid_input,
            "vat_status small_business means § 19 UStG and applies to German sellers only"
        );
    }
    const place where = place_of_supply(buyer, s);
    if (!is_iso_country(where.country)) {
        return unknown_country("delivery", where.country);
    }
    if (seller.country == "CA") {
        if (where.country != "CA") {
            return make_tax_error(
                tax_errc::unsupported,
                "supplies by a Canadian seller with a place of supply outside Canada (" + where.country +
                    ") are not determined (zero-rated exports, ETA Schedule VI Part V, need case-by-case "
                    "review)"
            );
        }
        return canada(seller, where, s, product_class);
    }
    if (seller.country == "US") {
        if (where.country != "US") {
            return make_tax_error(
                tax_errc::unsupported,
                "supplies by a US seller with a place of supply outside the United States (" + where.country +
                    ") are not determined"
            );
        }
        return united_states(where, s, product_class, us_sales_tax);
    }
    return make_tax_error(
        tax_errc::unsupported,
        "seller country " + seller.country +
            ": fakturad determines tax for sellers established in the EU, Canada or the United States"
    );
}

}  // namespace

tax_result<tax_determination> determine_tax(
    const seller_profile& seller,
    const buyer_profile& buyer,
    const supply& s,
    const product_tax_class& product_class,
    std::span<const us_sales_tax_rate> us_sales_tax
) {
    if (!s.date.ok()) {
        return make_tax_error(tax_errc::invalid_input, "the supply date is not a valid calendar date");
    }
    auto result = determine_unrecorded(seller, buyer, s, product_class, us_sales_tax);
    if (!result) {
        return result;
    }
    tax_determination d = std::move(result).value();
    d.decision_inputs = decision_inputs(seller, buyer, s, product_class);
    return d;
}

}  // namespace fakturad::billing::tax
