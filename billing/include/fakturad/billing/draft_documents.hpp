#pragma once
// The documents a plan file's `drafts:` section stands for, built in file order (plan_yaml.hpp):
//   invoice, pro_forma, partial   make_manual_draft (explicit lines and/or plan items for a period)
//   advance, progress             make_agreed_share of the agreed total given as the draft's `lines`,
//                                 counting the earlier drafts of the same contract
//   final                         make_final_invoice of the agreed total, deducting every earlier
//                                 finalized advance/progress draft of the contract
//   cancellation, credit_note     make_cancellation / make_credit_note of the earlier draft named by
//                                 `corrects` (it must be finalized), counting earlier corrections of it
// then `finalize` (number, issue date) when given; a finalized cancellation marks its original cancelled.
// The notes and the VAT accounting currency of the draft are set on the document. Pure: no I/O.
//
// Every problem names the draft's position in the file ("file:line:column: drafts[3]: ...").

#include "fakturad/billing/invoice.hpp"
#include "fakturad/billing/plan_yaml.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing {

struct built_document {
    std::string id;  // the draft's id, else "drafts[i]"
    std::size_t draft_index = 0;
    invoice doc;
};

struct built_documents {
    std::vector<built_document> documents;  // one per draft that could be built, in file order
    std::vector<plan_file_error> errors;

    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

[[nodiscard]] built_documents build_draft_documents(const plan_file& file, std::string_view file_name);

}  // namespace fakturad::billing
