#pragma once
// Approval of drafts in Salesforce (billing.finalize: approval; the write-back mapping's `approval:`,
// mapping/README.md). An invoice run sends each draft to Salesforce as an invoice record with status Draft
// (invoice_run_job.hpp, publish_drafts). A billing clerk corrects the editable fields and sets the status to
// the approve value (or the discard value). Each pass of this job — after a change event on the invoice
// object, and at every poll as the safety net — reads the invoice records set to either value since the
// last pass (one incremental query by SystemModstamp from a stored cursor, "approval:<object>") and acts on
// those that are drafts in the store:
//   approved   the edits are read back (invoice fields and line texts), checked by the billing engine
//              (billing::revise_draft: amounts never change) and by the e-invoice writer the write-back will
//              use; then the draft is revised and finalized (number, issue date = today in the org's time
//              zone) with its write-back intent in the same transaction, and the issued invoice replaces
//              the draft in Salesforce;
//   discarded  the draft is deleted; its periods are free again and the next run bills them;
//   refused    (an edit the engine or the e-invoice rules refuse) a sync error is written for the invoice
//              record, the draft stays; correcting the field changes the record, and the next pass tries
//              again.
// Everything it does is idempotent: a draft finalized already is no longer a draft and is not read again, a
// deleted draft is gone, and repeated refusals add no second sync-error intent.

#include "billing_context.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/mapping/bound_mapping.hpp"
#include "sync_job.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fakturad::salesforce {
class client;
}

namespace fakturad::daemon {

struct approval_report {
    std::size_t awaiting = 0;  // drafts in the store
    std::size_t approved = 0;  // finalized this pass
    std::size_t discarded = 0;
    std::size_t refused = 0;
    std::vector<std::string> changes;  // "DE01-12: issued as RE-2026-000004", at most 200
    std::vector<std::string> errors;   // calls that failed; retried next pass
};

class approval_job {
public:
    // `writeback` must have an invoice target and an approval (bind() checked both).
    approval_job(
        salesforce::client& sf,
        store_runner on_store,
        const mapping::bound_writeback& writeback,
        const billing_context& billing,
        std::string time_zone,
        std::function<instant()> now
    );

    boost::asio::awaitable<approval_report> run_pass();

    // The object whose change events may carry an approval (the invoice target's object).
    [[nodiscard]] const std::string& invoice_object() const noexcept { return invoice_object_; }

private:
    salesforce::client& sf_;
    store_runner on_store_;
    const mapping::bound_writeback& writeback_;
    const billing_context& billing_;
    std::string time_zone_;
    std::function<instant()> now_;
    std::string invoice_object_;
    std::map<std::string, std::string> refused_;  // draft key -> the reason last reported
};

}  // namespace fakturad::daemon
