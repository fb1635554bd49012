#pragma once
// The CSV files of billing/tax/data, embedded by cmake/embed_tax_data.cmake (generated source).

#include <string_view>

namespace fakturad::billing::tax::detail {

std::string_view eu_vat_rates_csv() noexcept;
std::string_view ca_sales_tax_rates_csv() noexcept;

}  // namespace fakturad::billing::tax::detail
