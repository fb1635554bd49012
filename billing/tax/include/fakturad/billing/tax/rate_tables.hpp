#pragma once
// The rate data compiled into the library (billing/tax/data/*.csv, embedded at build time; no run-time
// file access). Each table states its source and the date of its state in the CSV header; the same date is
// returned here and copied into every determination that used it (tax_determination::rate_data_as_of).
//
// Contract: lookups are by country/province and supply date; a date outside every row of that place is
// tax_errc::no_rate_data, never the nearest row. The tables are parsed once, on first use, thread-safely;
// a malformed embedded table is a build defect and throws std::logic_error on first use (the unit tests
// load every table, so such a build does not pass).

#include "fakturad/billing/tax/tax_error.hpp"
#include "fakturad/core/decimal.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing::tax {

// The VAT rates of one EU member state for one period.
struct eu_vat_rates {
    std::string country;  // ISO code, "GR" for Greece
    std::chrono::year_month_day valid_from;
    std::optional<std::chrono::year_month_day> valid_to;  // inclusive; nullopt = open
    decimal standard;
    std::vector<decimal> reduced;  // highest first: reduced[0] is rate_kind::reduced, [1] reduced_2
    std::optional<decimal> super_reduced;
    std::optional<decimal> parking;
};

// Canadian sales tax rates of one province or territory for one period.
struct ca_sales_tax_rates {
    std::string province;  // "ON"
    std::chrono::year_month_day valid_from;
    std::optional<std::chrono::year_month_day> valid_to;
    std::optional<decimal> hst;   // set in HST provinces
    std::optional<decimal> gst;   // set elsewhere
    std::string provincial_name;  // "PST", "RST", "QST" or empty
    std::optional<decimal> provincial_rate;
};

[[nodiscard]] std::span<const eu_vat_rates> eu_vat_rate_table();
[[nodiscard]] std::span<const ca_sales_tax_rates> ca_sales_tax_rate_table();

// "2025-08-01": the "State of the data" date written in each CSV header.
[[nodiscard]] std::string_view eu_vat_rates_as_of();
[[nodiscard]] std::string_view ca_sales_tax_rates_as_of();

// The row in force on `date`. Errors: unknown_country (not an EU member state), no_rate_data.
[[nodiscard]] tax_result<const eu_vat_rates*> eu_rates_on(
    std::string_view country, std::chrono::year_month_day date
);

// Errors: unknown_region (not a province or territory), no_rate_data.
[[nodiscard]] tax_result<const ca_sales_tax_rates*> ca_rates_on(
    std::string_view province, std::chrono::year_month_day date
);

// "2025-03-01".
[[nodiscard]] std::string format_date(std::chrono::year_month_day date);
// Parses exactly YYYY-MM-DD into a valid civil date.
[[nodiscard]] std::optional<std::chrono::year_month_day> parse_date(std::string_view text) noexcept;

}  // namespace fakturad::billing::tax
