#pragma once
// `fakturactl mapping check [FILE...]` and `fakturactl mapping preview RECORD_ID [--date D]`: run without a
// daemon, straight against the org of the configuration's `salesforce` section.
//   check    reads the mapping files (default: the config's `mappings`), describes every object they
//            name and prints every problem as "file:line:column: path: message (Salesforce field X)";
//   preview  finds the record under the plan and usage mappings, prints the billing plan (or usage record)
//            it becomes and the invoice lines an invoice run on --date (default today) would bill for it
//            if nothing had been billed yet. Writes nothing, in Salesforce or locally.
// Exit codes: 0 fine, 1 problems found, 2 bad arguments, 3 the org cannot be reached.

#include "fakturad/config/settings.hpp"

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace fakturad::daemon {

int run_mapping_check(
    const config::settings& cfg,
    std::vector<std::filesystem::path> files,
    std::ostream& out,
    std::ostream& err
);

int run_mapping_preview(
    const config::settings& cfg,
    const std::string& record_id,
    const std::string& date,
    std::ostream& out,
    std::ostream& err
);

}  // namespace fakturad::daemon
