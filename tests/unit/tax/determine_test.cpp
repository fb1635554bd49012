// Table-driven tax determination: each row names the legal source of its expectation beside it.
// Rates were read off the embedded data's sources (billing/tax/data/*.csv headers), not computed.

#include "fakturad/billing/tax/determine.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace fakturad::billing::tax {
namespace {

using std::chrono::year_month_day;

constexpr year_month_day d(int y, unsigned m, unsigned day) {
    return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{day}};
}

// ---- fixtures ------------------------------------------------------------------------------------------

seller_profile de_seller(bool oss = true) {
    seller_profile s;
    s.country = "DE";
    s.oss_registered = oss;
    return s;
}

seller_profile de_small() {
    seller_profile s = de_seller(false);
    s.status = vat_status::small_business;
    return s;
}

seller_profile de_seller_registered_in_canada() {
    seller_profile s = de_seller();
    s.canada.gst_hst = true;
    s.canada.qst = true;
    return s;
}

seller_profile ca_seller(bool pst_bc = true, bool qst = true, bool registered = true) {
    seller_profile s;
    s.country = "CA";
    s.region = "ON";
    s.canada.gst_hst = registered;
    s.canada.qst = qst;
    if (pst_bc) {
        s.canada.provincial = {"BC", "MB"};
    }
    return s;
}

seller_profile us_seller() {
    seller_profile s;
    s.country = "US";
    s.region = "WA";
    return s;
}

buyer_profile b2b(std::string country, std::string vat_id = "", vat_id_check check = vat_id_check::valid) {
    buyer_profile b;
    b.country = std::move(country);
    b.kind = buyer_kind::business;
    b.vat_id = std::move(vat_id);
    b.vat_id_status = check;
    return b;
}

buyer_profile b2c(std::string country, std::string region = "") {
    buyer_profile b;
    b.country = std::move(country);
    b.region = std::move(region);
    b.kind = buyer_kind::consumer;
    return b;
}

buyer_profile with_region(buyer_profile b, std::string region) {
    b.region = std::move(region);
    return b;
}

buyer_profile construction_firm() {
    buyer_profile b = b2b("DE", "DE123456789");
    b.provides_construction_services = true;
    return b;
}

buyer_profile cleaning_firm() {
    buyer_profile b = b2b("DE", "DE123456789");
    b.provides_building_cleaning = true;
    return b;
}

supply sup(supply_kind kind, year_month_day date, std::string product_class = "standard") {
    supply s;
    s.kind = kind;
    s.date = date;
    s.product_class = std::move(product_class);
    return s;
}

supply delivered(supply s, std::string country, std::string region = "") {
    s.delivery = place{std::move(country), std::move(region)};
    return s;
}

std::vector<us_sales_tax_rate> us_table() {
    us_sales_tax_rate wa;
    wa.state = "WA";
    wa.valid_from = d(2020, 1, 1);
    wa.rate = decimal{65, 1};
    wa.goods = true;
    wa.electronic_services = true;
    us_sales_tax_rate ny_old;
    ny_old.state = "NY";
    ny_old.valid_from = d(2020, 1, 1);
    ny_old.valid_to = d(2025, 5, 31);
    ny_old.rate = decimal{4};
    ny_old.goods = true;
    us_sales_tax_rate ny_new = ny_old;  // a fictitious change, to test effective dates of the table
    ny_new.valid_from = d(2025, 6, 1);
    ny_new.valid_to.reset();
    ny_new.rate = decimal{45, 1};
    return {wa, ny_old, ny_new};
}

tax_rules rules_for(seller_profile s, bool with_us_table = false) {
    tax_rules r;
    r.seller = std::move(s);
    product_tax_class education;
    education.name = "education";
    education.kind = rate_kind::exempt;
    education.exemption_reason = {"Steuerfrei nach § 4 Nr. 21 UStG", "Exempt under section 4 no. 21 UStG"};
    education.exemption_code = "VATEX-EU-132";
    product_tax_class ebooks;
    ebooks.name = "ebooks";
    ebooks.kind = rate_kind::reduced;
    ebooks.overrides.push_back({"FR", rate_kind::explicit_rate, decimal{55, 1}});
    ebooks.overrides.push_back({"CA", rate_kind::standard, decimal{}});
    product_tax_class software;
    software.name = "software";
    software.canada_provincial_taxable = false;
    r.product_classes = {education, ebooks, software};
    if (with_us_table) {
        r.us_sales_tax = us_table();
    }
    return r;
}

// ---- the table -----------------------------------------------------------------------------------------

struct expected {
    std::string category;  // EN 16931 code
    std::string rate;      // percent, compared as a decimal value
    tax_rule rule;
    std::string exemption_code = "";
    std::string tax_country = "";
    std::vector<tax_component> components = {};
};

struct row {
    std::string name;
    tax_rules rules;
    buyer_profile buyer;
    supply what;
    expected want;
    std::string source;  // the legal basis of the expectation
};

tax_component vat(std::string country, std::string_view rate) {
    return {"VAT", std::move(country), parse_decimal_or_throw(rate)};
}
tax_component comp(std::string name, std::string jurisdiction, std::string_view rate) {
    return {std::move(name), std::move(jurisdiction), parse_decimal_or_throw(rate)};
}

const supply_kind goods = supply_kind::goods;
const supply_kind services = supply_kind::services;
const supply_kind eservices = supply_kind::electronic_services;

std::vector<row> rows() {
    const auto de = rules_for(de_seller());
    const auto de_no_oss = rules_for(de_seller(false));
    const auto small = rules_for(de_small());
    const auto de_ca = rules_for(de_seller_registered_in_canada());
    const auto de_us = rules_for(de_seller(), true);
    const auto ca = rules_for(ca_seller());
    const auto ca_no_pst = rules_for(ca_seller(false, false));
    const auto ca_unregistered = rules_for(ca_seller(false, false, false));
    const auto us = rules_for(us_seller(), true);
    const auto t = d(2025, 3, 1);
    using r = tax_rule;
    return {
        // Germany, domestic
        {"DeB2bServiceStandard",
         de,
         b2b("DE", "DE123456789"),
         sup(services, t),
         {"S", "19", r::domestic, "", "DE", {vat("DE", "19")}},
         "§ 12 Abs. 1 UStG: 19 %"},
        {"DeB2cGoodsReduced",
         de,
         b2c("DE"),
         sup(goods, t, "reduced"),
         {"S", "7", r::domestic, "", "DE", {vat("DE", "7")}},
         "§ 12 Abs. 2 Nr. 1 UStG, Anlage 2: 7 %"},
        {"DeEbookReduced",
         de,
         b2c("DE"),
         sup(eservices, t, "ebooks"),
         {"S", "7", r::domestic, "", "DE", {vat("DE", "7")}},
         "§ 12 Abs. 2 Nr. 14 UStG: e-books 7 %"},
        {"DeZeroRatedPhotovoltaic",
         de,
         b2c("DE"),
         sup(goods, t, "zero"),
         {"Z", "0", r::domestic, "", "DE"},
         "§ 12 Abs. 3 UStG: 0 % for photovoltaic systems"},
        {"DeExemptEducation",
         de,
         b2c("DE"),
         sup(services, t, "education"),
         {"E", "0", r::domestic, "VATEX-EU-132", "DE"},
         "§ 4 Nr. 21 UStG; BR-E-10 needs the reason"},
        {"DeCovidRateFirstDay",
         de,
         b2c("DE"),
         sup(goods, d(2020, 7, 1)),
         {"S", "16", r::domestic, "", "DE", {vat("DE", "16")}},
         "§ 28 Abs. 1 UStG a.F.: 16 % 2020-07-01..12-31"},
        {"DeCovidReducedLastDay",
         de,
         b2c("DE"),
         sup(goods, d(2020, 12, 31), "reduced"),
         {"S", "5", r::domestic, "", "DE", {vat("DE", "5")}},
         "§ 28 Abs. 2 UStG a.F.: 5 % until 2020-12-31"},
        {"DeBeforeCovidRate",
         de,
         b2c("DE"),
         sup(goods, d(2020, 6, 30)),
         {"S", "19", r::domestic, "", "DE", {vat("DE", "19")}},
         "§ 12 Abs. 1 UStG: 19 % until 2020-06-30"},
        {"DeAfterCovidRate",
         de,
         b2c("DE"),
         sup(goods, d(2021, 1, 1)),
         {"S", "19", r::domestic, "", "DE", {vat("DE", "19")}},
         "§ 12 Abs. 1 UStG: 19 % again from 2021-01-01"},
        // § 19 UStG
        {"SmallBusiness2025",
         small,
         b2c("DE"),
         sup(services, t),
         {"E", "0", r::de_small_business, "", "DE"},
         "§ 19 Abs. 1 UStG (from 2025: exempt), § 34a UStDV"},
        {"SmallBusiness2024",
         small,
         b2b("DE", "DE123456789"),
         sup(goods, d(2024, 6, 1)),
         {"E", "0", r::de_small_business, "", "DE"},
         "§ 19 Abs. 1 UStG a.F.: tax not levied"},
        {"SmallBusinessGoodsToNl",
         small,
         b2b("NL", "NL123456789B01"),
         sup(goods, t),
         {"E", "0", r::de_small_business, "", "DE"},
         "§ 19 Abs. 1 UStG: place in DE (§ 3 Abs. 6), exempt"},
        {"SmallBusinessServiceToFrBusiness",
         small,
         b2b("FR", "FR12345678901"),
         sup(services, t),
         {"AE", "0", r::eu_b2b_services_reverse_charge, "VATEX-EU-AE", "FR"},
         "§ 3a Abs. 2 UStG: place in FR"},
        // § 13b UStG
        {"Section13bConstruction",
         de,
         construction_firm(),
         sup(supply_kind::construction_services, t),
         {"AE", "0", r::de_reverse_charge_13b, "VATEX-EU-AE", "DE"},
         "§ 13b Abs. 2 Nr. 4, Abs. 5 S. 2 UStG"},
        {"ConstructionToNonBuilder",
         de,
         b2b("DE", "DE123456789"),
         sup(supply_kind::construction_services, t),
         {"S", "19", r::domestic, "", "DE", {vat("DE", "19")}},
         "§ 13b Abs. 5 S. 2 UStG not met: supplier owes"},
        {"ConstructionToConsumer",
         de,
         b2c("DE"),
         sup(supply_kind::construction_services, t),
         {"S", "19", r::domestic, "", "DE", {vat("DE", "19")}},
         "§ 14 Abs. 4 Nr. 9 UStG: retention note"},
        {"Section13bBuildingCleaning",
         de,
         cleaning_firm(),
         sup(supply_kind::building_cleaning, t),
         {"AE", "0", r::de_reverse_charge_13b, "VATEX-EU-AE", "DE"},
         "§ 13b Abs. 2 Nr. 8, Abs. 5 S. 5 UStG"},
        {"Section13bScrapMetal",
         de,
         b2b("DE", "DE123456789"),
         sup(supply_kind::scrap_metal, t),
         {"AE", "0", r::de_reverse_charge_13b, "VATEX-EU-AE", "DE"},
         "§ 13b Abs. 2 Nr. 7 UStG, Anlage 3"},
        {"ScrapMetalToConsumer",
         de,
         b2c("DE"),
         sup(supply_kind::scrap_metal, t),
         {"S", "19", r::domestic, "", "DE", {vat("DE", "19")}},
         "§ 13b Abs. 5 S. 1 UStG: recipient no entrepreneur"},
        {"SmallBusinessNoSection13b",
         small,
         construction_firm(),
         sup(supply_kind::construction_services, t),
         {"E", "0", r::de_small_business, "", "DE"},
         "§ 13b Abs. 5 UStG: not where § 19 UStG applies to the supplier"},
        // EU B2B services
        {"DeToFrB2bService",
         de,
         b2b("FR", "FR12345678901"),
         sup(services, t),
         {"AE", "0", r::eu_b2b_services_reverse_charge, "VATEX-EU-AE", "FR"},
         "§ 3a Abs. 2 UStG; Art. 196 MwStSystRL"},
        {"DeToFrB2bEService",
         de,
         b2b("FR", "FR12345678901"),
         sup(eservices, t),
         {"AE", "0", r::eu_b2b_services_reverse_charge, "VATEX-EU-AE", "FR"},
         "§ 3a Abs. 2 UStG (B2B first)"},
        {"DeToFrUnconfirmedIdService",
         de,
         b2b("FR", "FR12345678901", vat_id_check::unchecked),
         sup(services, t),
         {"S", "19", r::eu_b2c_services_origin, "", "DE", {vat("DE", "19")}},
         "Art. 18 (2) VO 282/2011: no confirmed ID = consumer; § 3a Abs. 1 UStG"},
        {"DeToFrUnconfirmedIdEService",
         de,
         b2b("FR", "FR12345678901", vat_id_check::invalid),
         sup(eservices, t),
         {"S", "20", r::eu_b2c_electronic_services_destination, "", "FR", {vat("FR", "20")}},
         "Art. 18 (2) VO 282/2011; § 3a Abs. 5 UStG: FR 20 % (CGI art. 278)"},
        // Intra-community supply of goods
        {"DeToNlGoodsValidId",
         de,
         b2b("NL", "NL123456789B01"),
         sup(goods, t),
         {"K", "0", r::eu_intra_community_supply, "VATEX-EU-IC", "NL"},
         "§ 4 Nr. 1 Buchst. b, § 6a UStG"},
        {"DeToNlGoodsUncheckedId",
         de,
         b2b("NL", "NL123456789B01", vat_id_check::unchecked),
         sup(goods, t),
         {"S", "19", r::eu_intra_community_supply_unconfirmed_vat_id, "", "DE", {vat("DE", "19")}},
         "§ 6a Abs. 1 Nr. 4 UStG not met: German VAT"},
        {"DeToNlGoodsInvalidId",
         de,
         b2b("NL", "NL123456789B01", vat_id_check::invalid),
         sup(goods, t),
         {"S", "19", r::eu_intra_community_supply_unconfirmed_vat_id, "", "DE", {vat("DE", "19")}},
         "§ 6a Abs. 1 Nr. 4 UStG not met: German VAT"},
        {"DeToNlGoodsGermanId",
         de,
         b2b("NL", "DE123456789"),
         sup(goods, t),
         {"S", "19", r::eu_intra_community_supply_unconfirmed_vat_id, "", "DE", {vat("DE", "19")}},
         "§ 6a Abs. 1 Nr. 4 UStG: ID of another member state required"},
        {"DeToGrGoodsGreekId",
         de,
         b2b("GR", "EL123456789"),
         sup(goods, t),
         {"K", "0", r::eu_intra_community_supply, "VATEX-EU-IC", "GR"},
         "§ 6a UStG; EL prefix (BR-CO-09)"},
        {"NlBuyerGoodsDeliveredInDe",
         de,
         b2b("NL", "NL123456789B01"),
         delivered(sup(goods, t), "DE"),
         {"S", "19", r::domestic, "", "DE", {vat("DE", "19")}},
         "§ 3 Abs. 6 UStG: no transport abroad"},
        // OSS B2C, destination rates
        {"OssEServiceIt",
         de,
         b2c("IT"),
         sup(eservices, t),
         {"S", "22", r::eu_b2c_electronic_services_destination, "", "IT", {vat("IT", "22")}},
         "§ 3a Abs. 5 UStG, § 18j UStG; IT 22 % (DPR 633/1972 art. 16)"},
        {"OssEServiceAt",
         de,
         b2c("AT"),
         sup(eservices, t),
         {"S", "20", r::eu_b2c_electronic_services_destination, "", "AT", {vat("AT", "20")}},
         "§ 3a Abs. 5 UStG; AT 20 % (§ 10 Abs. 1 UStG 1994)"},
        {"OssEServiceHu",
         de,
         b2c("HU"),
         sup(eservices, t),
         {"S", "27", r::eu_b2c_electronic_services_destination, "", "HU", {vat("HU", "27")}},
         "§ 3a Abs. 5 UStG; HU 27 % (Áfa tv. § 82)"},
        {"OssEbookFrExplicit",
         de,
         b2c("FR"),
         sup(eservices, t, "ebooks"),
         {"S", "5.5", r::eu_b2c_electronic_services_destination, "", "FR", {vat("FR", "5.5")}},
         "FR e-books 5.5 % (CGI art. 278-0 bis); operator override"},
        {"OssDistanceSaleItReducedClass",
         de,
         b2c("IT"),
         sup(goods, t, "reduced"),
         {"S", "10", r::eu_distance_sale_destination, "", "IT", {vat("IT", "10")}},
         "class 'reduced' = IT's highest reduced rate, 10 % (DPR 633/1972, Tabella A parte III)"},
        {"OssGoodsEs",
         de,
         b2c("ES"),
         sup(goods, t),
         {"S", "21", r::eu_distance_sale_destination, "", "ES", {vat("ES", "21")}},
         "§ 3c Abs. 1 UStG; ES 21 %"},
        {"OssGoodsIeParking",
         de,
         b2c("IE"),
         sup(goods, t, "parking"),
         {"S", "13.5", r::eu_distance_sale_destination, "", "IE", {vat("IE", "13.5")}},
         "IE parking rate 13.5 %"},
        {"OssGoodsLuSuperReduced",
         de,
         b2c("LU"),
         sup(goods, t, "super_reduced"),
         {"S", "3", r::eu_distance_sale_destination, "", "LU", {vat("LU", "3")}},
         "LU super-reduced 3 %"},
        {"OssFinland",
         de,
         b2c("FI"),
         sup(eservices, t),
         {"S", "25.5", r::eu_b2c_electronic_services_destination, "", "FI", {vat("FI", "25.5")}},
         "FI 25.5 % since 2024-09-01"},
        {"OssSlovakia2025",
         de,
         b2c("SK"),
         sup(eservices, t),
         {"S", "23", r::eu_b2c_electronic_services_destination, "", "SK", {vat("SK", "23")}},
         "SK 23 % from 2025"},
        {"OssRomaniaBeforeChange",
         de,
         b2c("RO"),
         sup(eservices, d(2025, 7, 31)),
         {"S", "19", r::eu_b2c_electronic_services_destination, "", "RO", {vat("RO", "19")}},
         "RO 19 % until 2025-07-31"},
        {"OssRomaniaAfterChange",
         de,
         b2c("RO"),
         sup(eservices, d(2025, 8, 1)),
         {"S", "21", r::eu_b2c_electronic_services_destination, "", "RO", {vat("RO", "21")}},
         "RO 21 % from 2025-08-01 (Legea 141/2025)"},
        {"OssEstoniaBeforeChange",
         de,
         b2c("EE"),
         sup(eservices, d(2025, 6, 30)),
         {"S", "22", r::eu_b2c_electronic_services_destination, "", "EE", {vat("EE", "22")}},
         "EE 22 % in 2025 H1"},
        {"OssEstoniaAfterChange",
         de,
         b2c("EE"),
         sup(eservices, d(2025, 7, 1)),
         {"S", "24", r::eu_b2c_electronic_services_destination, "", "EE", {vat("EE", "24")}},
         "EE 24 % from 2025-07-01"},
        {"NoOssEServiceIt",
         de_no_oss,
         b2c("IT"),
         sup(eservices, t),
         {"S", "19", r::eu_b2c_electronic_services_origin, "", "DE", {vat("DE", "19")}},
         "§ 3a Abs. 5 S. 3 UStG: below 10,000 EUR, place DE"},
        {"NoOssGoodsAt",
         de_no_oss,
         b2c("AT"),
         sup(goods, t),
         {"S", "19", r::eu_distance_sale_origin, "", "DE", {vat("DE", "19")}},
         "§ 3c Abs. 4 UStG: below threshold"},
        {"B2cGeneralServiceFr",
         de,
         b2c("FR"),
         sup(services, t),
         {"S", "19", r::eu_b2c_services_origin, "", "DE", {vat("DE", "19")}},
         "§ 3a Abs. 1 UStG: place of supplier"},
        // Third countries
        {"ExportGoodsUs",
         de,
         b2c("US", "NY"),
         sup(goods, t),
         {"G", "0", r::eu_export_goods, "VATEX-EU-G", "DE"},
         "§ 4 Nr. 1 Buchst. a, § 6 UStG"},
        {"ExportGoodsCh",
         de,
         b2b("CH", "CHE-123.456.789"),
         sup(goods, t),
         {"G", "0", r::eu_export_goods, "VATEX-EU-G", "DE"},
         "§ 6 Abs. 1 UStG"},
        {"ExportGoodsCanaryIslands",
         de,
         with_region(b2c("ES"), "CN"),
         sup(goods, t),
         {"G", "0", r::eu_export_goods, "VATEX-EU-G", "DE"},
         "Art. 6 (1) (b) MwStSystRL: outside EU VAT territory"},
        {"ServiceToUsBusiness",
         de,
         b2b("US"),
         sup(services, t),
         {"O", "0", r::eu_services_third_country_business, "VATEX-EU-O", "US"},
         "§ 3a Abs. 2 UStG: place in US"},
        {"EServiceToJpConsumer",
         de,
         b2c("JP"),
         sup(eservices, t),
         {"O", "0", r::eu_services_third_country_consumer, "VATEX-EU-O", "JP"},
         "§ 3a Abs. 4 UStG: place in JP"},
        {"GeneralServiceToChConsumer",
         de,
         b2c("CH"),
         sup(services, t),
         {"S", "19", r::eu_b2c_services_origin, "", "DE", {vat("DE", "19")}},
         "§ 3a Abs. 1 UStG"},
        // Canada
        {"CaHstOntario",
         ca,
         b2c("CA", "ON"),
         sup(services, t),
         {"S", "13", r::ca_gst_hst, "", "CA", {comp("HST", "CA-ON", "13")}},
         "ETA s. 165(2), Sch. IX: ON HST 13 %"},
        {"CaGstPstBc",
         ca,
         b2c("CA", "BC"),
         sup(goods, t),
         {"S", "12", r::ca_gst_hst, "", "CA", {comp("GST", "CA", "5"), comp("PST", "CA-BC", "7")}},
         "ETA s. 165(1) GST 5 %; BC Provincial Sales Tax Act s. 37: 7 %"},
        {"CaGstOnlyBcWithoutPstRegistration",
         ca_no_pst,
         b2c("CA", "BC"),
         sup(goods, t),
         {"S", "5", r::ca_gst_hst, "", "CA", {comp("GST", "CA", "5")}},
         "ETA s. 165(1); not a BC PST collector"},
        {"CaPstNotOnSoftwareClass",
         ca,
         b2c("CA", "BC"),
         sup(eservices, t, "software"),
         {"S", "5", r::ca_gst_hst, "", "CA", {comp("GST", "CA", "5")}},
         "operator: class not PST-taxable"},
        {"CaGstQstQuebec",
         ca,
         b2c("CA", "QC"),
         sup(services, t),
         {"S", "14.975", r::ca_gst_hst, "", "CA", {comp("GST", "CA", "5"), comp("QST", "CA-QC", "9.975")}},
         "ETA s. 165(1); Act respecting the QST s. 16: 9.975 %"},
        {"CaGstOnlyAlberta",
         ca,
         b2b("CA"),
         delivered(sup(goods, t), "CA", "AB"),
         {"S", "5", r::ca_gst_hst, "", "CA", {comp("GST", "CA", "5")}},
         "ETA s. 165(1): AB has no PST"},
        {"CaNovaScotiaBefore",
         ca,
         b2c("CA", "NS"),
         sup(services, d(2025, 3, 31)),
         {"S", "15", r::ca_gst_hst, "", "CA", {comp("HST", "CA-NS", "15")}},
         "NS HST 15 % until 2025-03-31"},
        {"CaNovaScotiaAfter",
         ca,
         b2c("CA", "NS"),
         sup(services, d(2025, 4, 1)),
         {"S", "14", r::ca_gst_hst, "", "CA", {comp("HST", "CA-NS", "14")}},
         "NS HST 14 % from 2025-04-01"},
        {"CaManitobaRst2019Before",
         ca,
         b2c("CA", "MB"),
         sup(goods, d(2019, 6, 30)),
         {"S", "13", r::ca_gst_hst, "", "CA", {comp("GST", "CA", "5"), comp("RST", "CA-MB", "8")}},
         "MB RST 8 % until 2019-06-30"},
        {"CaManitobaRst2019After",
         ca,
         b2c("CA", "MB"),
         sup(goods, d(2019, 7, 1)),
         {"S", "12", r::ca_gst_hst, "", "CA", {comp("GST", "CA", "5"), comp("RST", "CA-MB", "7")}},
         "MB RST 7 % from 2019-07-01 (Budget 2019)"},
        {"CaZeroRated",
         ca,
         b2c("CA", "ON"),
         sup(goods, t, "zero"),
         {"Z", "0", r::ca_gst_hst, "", "CA"},
         "ETA Schedule VI: zero-rated"},
        {"CaNotRegistered",
         ca_unregistered,
         b2c("CA", "ON"),
         sup(services, t),
         {"O", "0", r::ca_not_registered, "", "CA"},
         "ETA s. 148: small supplier, no GST/HST"},
        {"DeSellerCaRegisteredEServiceQc",
         de_ca,
         b2c("CA", "QC"),
         sup(eservices, t),
         {"S", "14.975", r::ca_gst_hst, "", "CA", {comp("GST", "CA", "5"), comp("QST", "CA-QC", "9.975")}},
         "ETA s. 211.1 ff. (non-resident digital supplies); QST s. 477.1 ff."},
        {"DeSellerCaRegisteredGoodsStillExport",
         de_ca,
         b2c("CA", "ON"),
         sup(goods, t),
         {"G", "0", r::eu_export_goods, "VATEX-EU-G", "DE"},
         "§ 6 UStG; import GST is collected at the border"},
        // United States
        {"UsWashingtonGoods",
         us,
         b2c("US", "WA"),
         sup(goods, t),
         {"S", "6.5", r::us_sales_tax, "", "US", {comp("SALES_TAX", "US-WA", "6.5")}},
         "operator table: WA 6.5 %"},
        {"UsWashingtonServiceNotTaxable",
         us,
         b2c("US", "WA"),
         sup(services, t),
         {"O", "0", r::us_not_collected, "", "US"},
         "operator table: WA services not taxable"},
        {"UsOregonNotInTable",
         us,
         b2c("US", "OR"),
         sup(goods, t),
         {"O", "0", r::us_not_collected, "", "US"},
         "operator table: no entry for OR"},
        {"UsNewYorkOldRate",
         us,
         b2b("US"),
         delivered(sup(goods, d(2025, 5, 31)), "US", "NY"),
         {"S", "4", r::us_sales_tax, "", "US", {comp("SALES_TAX", "US-NY", "4")}},
         "operator table row until 2025-05-31"},
        {"UsNewYorkNewRate",
         us,
         b2b("US"),
         delivered(sup(goods, d(2025, 6, 1)), "US", "NY"),
         {"S", "4.5", r::us_sales_tax, "", "US", {comp("SALES_TAX", "US-NY", "4.5")}},
         "operator table row from 2025-06-01"},
        {"DeSellerUsTableEServiceWa",
         de_us,
         b2c("US", "WA"),
         sup(eservices, t),
         {"S", "6.5", r::us_sales_tax, "", "US", {comp("SALES_TAX", "US-WA", "6.5")}},
         "§ 3a Abs. 4 UStG: not taxable in DE; WA collects (operator table)"},
        {"DeSellerUsTableServiceNotTaxable",
         de_us,
         with_region(b2b("US"), "WA"),
         sup(services, t),
         {"O", "0", r::eu_services_third_country_business, "VATEX-EU-O", "US"},
         "§ 3a Abs. 2 UStG; WA table: services not taxable, so the EU outcome stands"},
    };
}

std::string row_name(const testing::TestParamInfo<row>& info) { return info.param.name; }

// gtest prints a failing parameter with this instead of a byte dump.
// NOLINTNEXTLINE(readability-identifier-naming): the name gtest looks up
void PrintTo(const row& r, std::ostream* os) { *os << r.name << " (" << r.source << ")"; }

class TaxDetermination : public testing::TestWithParam<row> {};

TEST_P(TaxDetermination, MatchesTheLaw) {
    const row& c = GetParam();
    SCOPED_TRACE("legal source: " + c.source);
    const auto result = determine_tax(c.rules, c.buyer, c.what);
    ASSERT_TRUE(result.has_value()) << result.error().message;
    const tax_determination& got = *result;
    EXPECT_EQ(got.code(), c.want.category);
    EXPECT_EQ(got.rate, parse_decimal_or_throw(c.want.rate)) << to_string(got.rate);
    EXPECT_EQ(rule_code(got.rule), rule_code(c.want.rule));
    EXPECT_EQ(got.exemption_code, c.want.exemption_code);
    EXPECT_EQ(got.tax_country, c.want.tax_country);
    EXPECT_EQ(got.components, c.want.components);
    EXPECT_FALSE(got.legal_basis.empty());
    // EN 16931: a reason is forbidden for S and Z (BR-S-10, BR-Z-10) and required for E, AE, K, G, O
    // (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10); the rate is 0 except for S.
    const bool needs_reason = got.code() != "S" && got.code() != "Z";
    EXPECT_EQ(!got.exemption_reason.de.empty(), needs_reason);
    EXPECT_EQ(!got.exemption_reason.en.empty(), needs_reason);
    if (got.code() != "S") {
        EXPECT_TRUE(got.rate.is_zero());
    }
}

INSTANTIATE_TEST_SUITE_P(Table, TaxDetermination, testing::ValuesIn(rows()), row_name);

// ---- notes and flags that the table does not show ------------------------------------------------------

bool has_note(const tax_determination& d, std::string_view de_text) {
    for (const auto& n : d.notes) {
        if (n.de.find(de_text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

TEST(TaxNotes, ReverseChargeCarriesTheStatutoryWording) {
    // § 14a Abs. 5 UStG: "Steuerschuldnerschaft des Leistungsempfängers".
    const auto r = determine_tax(
        rules_for(de_seller()), construction_firm(), sup(supply_kind::construction_services, d(2025, 3, 1))
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(has_note(*r, "Steuerschuldnerschaft des Leistungsempfängers"));
    EXPECT_EQ(r->exemption_reason.en, "Reverse charge");
    EXPECT_TRUE(r->buyer_vat_id_required);
    EXPECT_NE(r->legal_basis.find("§ 13b Abs. 2 Nr. 4"), std::string::npos);
}

TEST(TaxNotes, EuReverseChargeCitesArticle196) {
    // § 14a Abs. 1 UStG; Art. 226 Nr. 11a MwStSystRL: "Reverse charge" / "Steuerschuldnerschaft ...".
    const auto r =
        determine_tax(rules_for(de_seller()), b2b("FR", "FR12345678901"), sup(services, d(2025, 3, 1)));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(has_note(*r, "Steuerschuldnerschaft des Leistungsempfängers"));
    EXPECT_NE(r->notes.front().en.find("Article 196"), std::string::npos);
}

TEST(TaxNotes, IntraCommunitySupplyNote) {
    // § 14a Abs. 3 UStG, § 14 Abs. 4 Nr. 8 UStG.
    const auto r =
        determine_tax(rules_for(de_seller()), b2b("NL", "NL123456789B01"), sup(goods, d(2025, 3, 1)));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(has_note(*r, "Steuerfreie innergemeinschaftliche Lieferung"));
    EXPECT_TRUE(r->buyer_vat_id_required);
}

TEST(TaxNotes, SmallBusinessNoteDependsOnTheLawInForce) {
    // § 19 UStG from 2025 (JStG 2024): exempt; before: tax not levied.
    const auto r2025 = determine_tax(rules_for(de_small()), b2c("DE"), sup(services, d(2025, 1, 1)));
    const auto r2024 = determine_tax(rules_for(de_small()), b2c("DE"), sup(services, d(2024, 12, 31)));
    ASSERT_TRUE(r2025.has_value());
    ASSERT_TRUE(r2024.has_value());
    EXPECT_TRUE(has_note(*r2025, "Steuerbefreiung für Kleinunternehmer nach § 19 Abs. 1 UStG"));
    EXPECT_TRUE(has_note(*r2024, "wird keine Umsatzsteuer berechnet"));
}

TEST(TaxNotes, ConstructionForConsumerNamesRetentionDuty) {
    // § 14 Abs. 4 Nr. 9 UStG with § 14b Abs. 1 S. 5 UStG.
    const auto r = determine_tax(
        rules_for(de_seller()), b2c("DE"), sup(supply_kind::construction_services, d(2025, 3, 1))
    );
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(has_note(*r, "zwei Jahre aufzubewahren"));
}

TEST(TaxNotes, ExportNoteAndOssFlag) {
    const auto g = determine_tax(rules_for(de_seller()), b2c("US", "NY"), sup(goods, d(2025, 3, 1)));
    ASSERT_TRUE(g.has_value());
    EXPECT_TRUE(has_note(*g, "Steuerfreie Ausfuhrlieferung"));
    EXPECT_FALSE(g->oss);
    const auto oss = determine_tax(rules_for(de_seller()), b2c("IT"), sup(eservices, d(2025, 3, 1)));
    ASSERT_TRUE(oss.has_value());
    EXPECT_TRUE(oss->oss);
    EXPECT_EQ(oss->rate_data_as_of, "2025-08-01");
    const auto home = determine_tax(rules_for(de_seller(false)), b2c("IT"), sup(eservices, d(2025, 3, 1)));
    ASSERT_TRUE(home.has_value());
    EXPECT_FALSE(home->oss);
}

TEST(TaxNotes, ExemptClassReasonIsTheOperators) {
    const auto r =
        determine_tax(rules_for(de_seller()), b2c("DE"), sup(services, d(2025, 3, 1), "education"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->exemption_reason.de, "Steuerfrei nach § 4 Nr. 21 UStG");
    EXPECT_TRUE(has_note(*r, "§ 4 Nr. 21 UStG"));
}

TEST(TaxRecord, DecisionInputsNameTheFactsThatDecided) {
    const auto r =
        determine_tax(rules_for(de_seller()), b2b("FR", "FR12345678901"), sup(services, d(2025, 3, 1)));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(rule_code(r->rule), "eu_b2b_services_reverse_charge");
    EXPECT_EQ(
        r->decision_inputs,
        "seller=DE;status=registered;oss=true;buyer=FR;buyer_kind=business;vat_id=valid:FR;supply=services;"
        "place=FR;class=standard;date=2025-03-01"
    );
    const auto ca = determine_tax(
        rules_for(ca_seller()), b2c("CA", "BC"), delivered(sup(goods, d(2025, 3, 1)), "CA", "AB")
    );
    ASSERT_TRUE(ca.has_value());
    EXPECT_NE(ca->decision_inputs.find(";place=CA-AB;"), std::string::npos) << ca->decision_inputs;
    EXPECT_EQ(ca->tax_region, "AB");
}

// Every member state, supply kind, buyer situation and OSS setting gives an answer that obeys the
// EN 16931 category rules (BR-S-05, BR-S-10, BR-Z-10, BR-E-10, BR-AE-02/10, BR-IC-02/10, BR-O-05/10).
TEST(TaxSweep, AllMemberStatesObeyTheCategoryRules) {
    const char* members[] = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES",
                             "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
                             "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"};
    int checked = 0;
    for (const bool oss : {true, false}) {
        for (const bool small_business : {false, true}) {
            const auto rules = rules_for(small_business ? de_small() : de_seller(oss));
            for (const char* country : members) {
                const std::string id =
                    std::string(std::string_view(country) == "GR" ? "EL" : country) + "999999999";
                const buyer_profile buyers[] = {
                    b2b(country, id), b2b(country, id, vat_id_check::unchecked), b2c(country)};
                for (const auto& buyer : buyers) {
                    for (const auto kind : {goods, services, eservices}) {
                        for (const char* cls : {"standard", "reduced", "zero"}) {
                            const auto r = determine_tax(rules, buyer, sup(kind, d(2025, 8, 1), cls));
                            if (!r.has_value() && std::string_view(country) == "DK" &&
                                std::string_view(cls) == "reduced") {
                                // Denmark has no reduced rate: refused, not guessed (Momsloven § 33).
                                EXPECT_EQ(r.error().code, make_error_code(tax_errc::no_such_rate));
                                ++checked;
                                continue;
                            }
                            ASSERT_TRUE(r.has_value()) << country << ": " << r.error().message;
                            const std::string_view code = r->code();
                            SCOPED_TRACE(
                                std::string(country) + " " + std::string(code) + " " + r->decision_inputs
                            );
                            if (code == "S") {
                                EXPECT_GT(r->rate, decimal{});
                                ASSERT_EQ(r->components.size(), 1U);
                                EXPECT_EQ(r->components[0].rate, r->rate);
                                EXPECT_TRUE(r->exemption_reason.de.empty());
                            } else {
                                EXPECT_TRUE(r->rate.is_zero());
                                EXPECT_TRUE(r->components.empty());
                                EXPECT_EQ(r->exemption_reason.de.empty(), code == "Z");
                            }
                            EXPECT_EQ(r->buyer_vat_id_required, code == "AE" || code == "K");
                            if (small_business) {
                                EXPECT_TRUE(code == "E" || code == "AE" || code == "S") << code;
                            }
                            if (r->oss) {
                                EXPECT_EQ(r->tax_country, country);
                                EXPECT_NE(std::string_view(country), "DE");
                            }
                            ++checked;
                        }
                    }
                }
            }
        }
    }
    EXPECT_EQ(checked, 2 * 2 * 27 * 3 * 3 * 3);
}

// Every province and territory: taxable supplies are S with the components adding up to the rate.
TEST(TaxSweep, AllCanadianProvincesAddUp) {
    const auto rules = rules_for(ca_seller());
    for (const char* p : {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}) {
        for (const auto kind : {goods, services, eservices}) {
            const auto r = determine_tax(rules, b2c("CA", p), sup(kind, d(2025, 8, 1)));
            ASSERT_TRUE(r.has_value()) << p << ": " << r.error().message;
            EXPECT_EQ(r->code(), "S") << p;
            ASSERT_FALSE(r->components.empty()) << p;
            decimal sum;
            for (const auto& c : r->components) {
                sum = sum + c.rate;
            }
            EXPECT_EQ(sum, r->rate) << p;
            // Quebec is the only place with QST (Act respecting the QST); HST and GST never meet.
            EXPECT_EQ(r->components.back().name == "QST", std::string_view(p) == "QC") << p;
            EXPECT_EQ(r->tax_region, p);
        }
    }
}

// ---- errors --------------------------------------------------------------------------------------------

struct error_row {
    std::string name;
    tax_rules rules;
    buyer_profile buyer;
    supply what;
    tax_errc code;
    std::string message_part;  // the message must name the offending input
};

std::vector<error_row> error_rows() {
    const auto de = rules_for(de_seller());
    const auto ca = rules_for(ca_seller());
    const auto us = rules_for(us_seller(), true);
    const auto t = d(2025, 3, 1);
    seller_profile fr_small;
    fr_small.country = "FR";
    fr_small.status = vat_status::small_business;
    seller_profile jp;
    jp.country = "JP";
    return {
        {"UnknownBuyerCountry", de, b2c("XX"), sup(services, t), tax_errc::unknown_country, "'XX'"},
        {"LowerCaseCountry", de, b2c("fr"), sup(services, t), tax_errc::unknown_country, "'fr'"},
        {"UnknownDeliveryCountry",
         de,
         b2c("DE"),
         delivered(sup(goods, t), "ZZ"),
         tax_errc::unknown_country,
         "'ZZ'"},
        {"UnknownProvince", ca, b2c("CA", "ZZ"), sup(services, t), tax_errc::unknown_region, "'ZZ'"},
        {"MissingProvince", ca, b2c("CA"), sup(services, t), tax_errc::missing_region, "province"},
        {"UnknownUsState", us, b2c("US", "XY"), sup(goods, t), tax_errc::unknown_region, "'XY'"},
        {"MissingUsState", us, b2c("US"), sup(goods, t), tax_errc::missing_region, "state"},
        {"OssDateBeforeData",
         de,
         b2c("FR"),
         sup(eservices, d(2024, 12, 31)),
         tax_errc::no_rate_data,
         "from 2025-01-01"},
        {"CanadaDateBeforeData",
         ca,
         b2c("CA", "PE"),
         sup(services, d(2016, 9, 30)),
         tax_errc::no_rate_data,
         "CA-PE"},
        {"NoSecondReducedRateInDe",
         de,
         b2c("DE"),
         sup(goods, t, "reduced_2"),
         tax_errc::no_such_rate,
         "rates: 19, 7"},
        {"NoSuperReducedInDe",
         de,
         b2c("DE"),
         sup(goods, t, "super_reduced"),
         tax_errc::no_such_rate,
         "super_reduced"},
        {"ReducedInCanada",
         ca,
         b2c("CA", "ON"),
         sup(goods, t, "reduced"),
         tax_errc::no_such_rate,
         "Canadian"},
        {"UnknownProductClass",
         de,
         b2c("DE"),
         sup(goods, t, "bookz"),
         tax_errc::unknown_product_class,
         "'bookz'"},
        {"ConsumerWithValidVatId",
         de,
         [] {
             auto b = b2c("FR");
             b.vat_id = "FR12345678901";
             b.vat_id_status = vat_id_check::valid;
             return b;
         }(),
         sup(services, t),
         tax_errc::invalid_input,
         "consumer"},
        {"SmallBusinessOutsideGermany",
         rules_for(fr_small),
         b2c("FR"),
         sup(services, t),
         tax_errc::unsupported,
         "§ 19"},
        {"LandAbroad",
         de,
         construction_firm(),
         delivered(sup(supply_kind::construction_services, t), "FR"),
         tax_errc::unsupported,
         "FR"},
        {"SellerOutsideScope", rules_for(jp), b2c("JP"), sup(services, t), tax_errc::unsupported, "JP"},
        {"CanadianSellerExport", ca, b2c("US", "WA"), sup(goods, t), tax_errc::unsupported, "outside Canada"},
    };
}

std::string error_row_name(const testing::TestParamInfo<error_row>& info) { return info.param.name; }

// NOLINTNEXTLINE(readability-identifier-naming): the name gtest looks up
void PrintTo(const error_row& r, std::ostream* os) { *os << r.name; }

class TaxDeterminationError : public testing::TestWithParam<error_row> {};

TEST_P(TaxDeterminationError, IsReportedWithAClearMessage) {
    const error_row& c = GetParam();
    const auto result = determine_tax(c.rules, c.buyer, c.what);
    ASSERT_FALSE(result.has_value()) << "expected an error, got category " << result->code();
    EXPECT_EQ(result.error().code, make_error_code(c.code)) << result.error().message;
    EXPECT_NE(result.error().message.find(c.message_part), std::string::npos) << result.error().message;
}

INSTANTIATE_TEST_SUITE_P(Table, TaxDeterminationError, testing::ValuesIn(error_rows()), error_row_name);

TEST(TaxDeterminationErrorText, UnknownProvinceListsTheChoices) {
    const auto r = determine_tax(rules_for(ca_seller()), b2c("CA", "ZZ"), sup(services, d(2025, 3, 1)));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(
        r.error().message,
        "unknown Canadian province or territory 'ZZ' (expected one of AB, BC, MB, NB, NL, NS, NT, NU, ON, "
        "PE, QC, "
        "SK, YT)"
    );
}

TEST(TaxDeterminationErrorText, ValueThrowsWithTheMessage) {
    const auto r = determine_tax(rules_for(de_seller()), b2c("XX"), sup(services, d(2025, 3, 1)));
    EXPECT_THROW((void)r.value(), tax_exception);
}

TEST(TaxCategoryCodes, AllNineCodes) {
    EXPECT_EQ(category_code(vat_category::standard_rate), "S");
    EXPECT_EQ(category_code(vat_category::zero_rated), "Z");
    EXPECT_EQ(category_code(vat_category::exempt), "E");
    EXPECT_EQ(category_code(vat_category::reverse_charge), "AE");
    EXPECT_EQ(category_code(vat_category::intra_community), "K");
    EXPECT_EQ(category_code(vat_category::export_outside_eu), "G");
    EXPECT_EQ(category_code(vat_category::not_subject), "O");
    EXPECT_EQ(category_code(vat_category::canary_islands_igic), "L");
    EXPECT_EQ(category_code(vat_category::ceuta_melilla_ipsi), "M");
}

}  // namespace
}  // namespace fakturad::billing::tax
