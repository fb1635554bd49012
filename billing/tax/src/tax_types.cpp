#include "fakturad/billing/tax/tax_types.hpp"

namespace fakturad::billing::tax {

std::string_view category_code(vat_category c) noexcept {
    switch (c) {
        case vat_category::standard_rate:
            return "S";
        case vat_category::zero_rated:
            return "Z";
        case vat_category::exempt:
            return "E";
        case vat_category::reverse_charge:
            return "AE";
        case vat_category::intra_community:
            return "K";
        case vat_category::export_outside_eu:
            return "G";
        case vat_category::not_subject:
            return "O";
        case vat_category::canary_islands_igic:
            return "L";
        case vat_category::ceuta_melilla_ipsi:
            return "M";
    }
    return "";
}

std::string_view rule_code(tax_rule r) noexcept {
    switch (r) {
        case tax_rule::domestic:
            return "domestic";
        case tax_rule::de_small_business:
            return "de_small_business";
        case tax_rule::de_reverse_charge_13b:
            return "de_reverse_charge_13b";
        case tax_rule::eu_b2b_services_reverse_charge:
            return "eu_b2b_services_reverse_charge";
        case tax_rule::eu_intra_community_supply:
            return "eu_intra_community_supply";
        case tax_rule::eu_intra_community_supply_unconfirmed_vat_id:
            return "eu_intra_community_supply_unconfirmed_vat_id";
        case tax_rule::eu_distance_sale_destination:
            return "eu_distance_sale_destination";
        case tax_rule::eu_distance_sale_origin:
            return "eu_distance_sale_origin";
        case tax_rule::eu_b2c_electronic_services_destination:
            return "eu_b2c_electronic_services_destination";
        case tax_rule::eu_b2c_electronic_services_origin:
            return "eu_b2c_electronic_services_origin";
        case tax_rule::eu_b2c_services_origin:
            return "eu_b2c_services_origin";
        case tax_rule::eu_export_goods:
            return "eu_export_goods";
        case tax_rule::eu_services_third_country_business:
            return "eu_services_third_country_business";
        case tax_rule::eu_services_third_country_consumer:
            return "eu_services_third_country_consumer";
        case tax_rule::ca_gst_hst:
            return "ca_gst_hst";
        case tax_rule::ca_not_registered:
            return "ca_not_registered";
        case tax_rule::us_sales_tax:
            return "us_sales_tax";
        case tax_rule::us_not_collected:
            return "us_not_collected";
    }
    return "";
}

}  // namespace fakturad::billing::tax
