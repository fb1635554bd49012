#pragma once
// Numbers, amounts and dates as a document language prints them. Exact: amounts go through the decimal's
// own text, never through floating point.

#include "fakturad/core/calendar.hpp"
#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"

#include <string>
#include <string_view>

namespace fakturad::documents::detail {

enum class language : unsigned char { de, en };

// "de", "de-DE", "de_AT" -> de; everything else -> en.
[[nodiscard]] language language_of(std::string_view tag) noexcept;

// Grouped number with the language's marks and at least min_places fraction digits (more only when the
// value has significant digits beyond them): de "1.234,50", en "1,234.50".
[[nodiscard]] std::string format_number(decimal value, int min_places, language lang);

// Amount with currency: de "1.234,56 €", en "€1,234.56"; non-breaking space between number and symbol.
[[nodiscard]] std::string format_amount(decimal value, currency cur, language lang);

// Amount without currency symbol at the currency's places: "1.234,56".
[[nodiscard]] std::string format_amount_plain(decimal value, currency cur, language lang);

// A VAT rate: "19 %", "5,5 %" (de), "5.5%" (en).
[[nodiscard]] std::string format_percent(decimal rate, language lang);

// de "27.11.2026", en "27 Nov 2026".
[[nodiscard]] std::string format_date(civil_date d, language lang);

}  // namespace fakturad::documents::detail
