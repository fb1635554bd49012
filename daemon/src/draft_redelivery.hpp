#pragma once
// A draft awaiting approval is sent to Salesforce once, for a clerk to check. Its intent is sent again only
// when the outcome of the first delivery is unknown (a crash before it was marked done, a failed call).
// By then the clerk may have edited the draft (order reference, notes, line texts) or set it to Approved or
// Discarded; sending the stored draft again must not undo that, or the approval would be lost and the clerk
// would have to decide again. So on records that already exist, the package leaves out the status field
// and every field the clerk may edit; records that do not exist yet are sent whole.

#include "fakturad/mapping/bound_mapping.hpp"
#include "invoice_writeback.hpp"

#include <set>
#include <string>

namespace fakturad::daemon {

struct existing_draft_records {
    bool invoice = false;
    std::set<std::string> lines;  // external ids of the line records that exist
};

// SOQL for the draft's invoice record by its external id; empty when the package has no invoice record.
[[nodiscard]] std::string existing_invoice_query(const invoice_package& pkg);
// SOQL for the package's line records by their external ids; empty without lines.
[[nodiscard]] std::string existing_lines_query(const invoice_package& pkg);

// Removes the approval status and the editable fields from the records that exist.
void keep_clerk_changes(
    invoice_package& pkg, const mapping::bound_approval& approval, const existing_draft_records& existing
);

}  // namespace fakturad::daemon
