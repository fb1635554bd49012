#pragma once
// Internal: the engine's line and note texts in the document language (German or English; other languages
// get English until the documents module brings translations). Per-customer language is a legal matter
// in some countries (Lago #177), so the texts are chosen per plan, not per installation.

#include "fakturad/core/calendar.hpp"
#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace fakturad::billing::detail {

struct labels {
    bool german;
    std::string_view prorated;       // "prorated" / "anteilig"
    std::string_view days;           // "days" / "Tage"
    std::string_view unused_credit;  // "refund for unused days" / "Erstattung nicht genutzter Tage"
    std::string_view of_billed;      // "of" / "von"
    std::string_view billed;         // "billed" / "berechnet"
    std::string_view discount;       // "Discount" / "Rabatt"
    std::string_view on;             // "on" / "auf"
    std::string_view true_up;        // "Minimum commitment true-up" / "Ausgleich Mindestbetrag"
    std::string_view capped;         // "capped at maximum" / "begrenzt auf Höchstbetrag"
    std::string_view minimum;        // "minimum" / "Mindestbetrag"
    std::string_view transactions;   // "transactions" / "Transaktionen"
    std::string_view of;             // "of" / "von"
    std::string_view vat;            // "VAT" / "USt."
};

[[nodiscard]] const labels& labels_for(std::string_view language) noexcept;

// ", 2026-01-20..2026-01-31"
void append_range(std::string& out, const date_range& r);
// decimal in the language's notation, at its own scale: "2,5" / "2.5"
void append_number(std::string& out, decimal value, const labels& l);
// amount with currency: "1.234,56 EUR" / "1,234.56 EUR" (at least the currency's minor units)
void append_amount(std::string& out, decimal amount, currency cur, const labels& l);
// ", prorated 12/31 days"
void append_proration(std::string& out, std::int64_t days, std::int64_t period_days, const labels& l);

}  // namespace fakturad::billing::detail
