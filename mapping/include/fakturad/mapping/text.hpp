#pragma once
// Small text helpers of the mapping that callers need too: SOQL literals, Salesforce ids, country names.

#include <optional>
#include <string>
#include <string_view>

namespace fakturad::mapping {

// A SOQL string literal with quotes: \ ' " and the control characters \n \r \t \b \f escaped
// ("O'Brien" -> 'O\'Brien').
[[nodiscard]] std::string soql_quote(std::string_view text);

// 15 or 18 ASCII letters and digits (the 18-character form's suffix is checked).
[[nodiscard]] bool is_salesforce_id(std::string_view text) noexcept;

// ISO 3166-1 alpha-2 code: two letters are kept (upper-cased); English and German names of the EU-27,
// CH, GB, NO, US, CA and AU ("Germany", "Deutschland", "USA", "Österreich") give their code; nullopt else.
[[nodiscard]] std::optional<std::string> country_code(std::string_view text);

}  // namespace fakturad::mapping
