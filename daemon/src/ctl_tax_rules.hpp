#pragma once
// `--tax-rules CODE=FILE` of the offline fakturactl commands: reads each legal entity's tax rules file
// (billing/tax/README.md, example config/examples/tax/tax-rules.yaml) into the engine's vat_resolver.
// Every problem is written to `err` as "FILE:LINE:COLUMN: key.path: message"; nullopt then.

#include "fakturad/billing/tax/tax_rules_resolver.hpp"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::daemon {

[[nodiscard]] std::optional<billing::tax::tax_rules_resolver> load_tax_rules(
    const std::vector<std::string>& specs, std::ostream& err
);

}  // namespace fakturad::daemon
