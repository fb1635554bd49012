#pragma once
// `fakturactl plan preview FILE --date D [--tax-rules CODE=FILE]...`: what an invoice run on cutoff date D
// would draft for the plans in a YAML plan file (format: billing/README.md). No daemon, no store: the file's
// plans, their `state:` (what was billed before) and `usage:` go through the same invoice_run code path as
// the real run, and the drafts are printed as a readable table (header, lines, VAT breakdown, totals, the
// billed periods that the store would lock with UNIQUE(item, period_start)). Items with `tax:` get their VAT
// from the tax rules of their legal entity (--tax-rules, ctl_tax_rules.hpp).
//
// Output on `out`; problems on `err`:
//   - every error of the plan file as "FILE:LINE:COLUMN: key.path: message";
//   - every plan that could not be billed as "plan P-1: reason" (the other plans are still shown).
// Exit codes (fakturactl's): 0 drafts printed (possibly none), 1 the file has errors or a plan failed,
// 2 bad arguments (unreadable file, a --date that is not YYYY-MM-DD).

#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::daemon {

int run_plan_preview(
    const std::filesystem::path& file,
    std::string_view date,
    const std::vector<std::string>& tax_rules,
    std::ostream& out,
    std::ostream& err
);

}  // namespace fakturad::daemon
