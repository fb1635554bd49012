#pragma once
// Reading the operator's tax rules from YAML text (example: config/examples/tax/tax-rules.yaml).
//
// The YAML holds what the operator decides - the seller's registrations, the product tax classes, the US
// sales tax table - and nothing of the law itself (that is code and embedded data). The parser takes text,
// not a file: the library is pure, the caller reads the file.
//
// Like the main config loader (STYLE C1, C2) it checks the whole document and collects every problem with
// its 1-based line and column and the dotted key path; it rejects unknown keys (with a nearest-name hint),
// duplicate keys, wrong types, unknown countries/provinces/states, rates that are not plain decimals.
// `rules` is set exactly when `errors` is empty.

#include "fakturad/billing/tax/determine.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing::tax {

struct tax_rules_diagnostic {
    int line = 0;      // 1-based; 0 when the problem has no position
    int column = 0;    // 1-based; 0 when line is 0
    std::string path;  // dotted key path, e.g. "product_classes.books.kind"
    std::string message;

    // "<file>:<line>:<column>: <path>: <message>" (parts left out as in config::diagnostic).
    [[nodiscard]] std::string to_string(std::string_view file) const;
};

struct tax_rules_load_result {
    std::optional<tax_rules> rules;
    std::vector<tax_rules_diagnostic> errors;

    [[nodiscard]] bool ok() const noexcept { return errors.empty() && rules.has_value(); }
};

[[nodiscard]] tax_rules_load_result parse_tax_rules(std::string_view yaml_text);

}  // namespace fakturad::billing::tax
