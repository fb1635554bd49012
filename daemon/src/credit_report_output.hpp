#pragma once
// What a SCHUFA report becomes outside the connector: the stored JSON (no personal data), the readable
// report PDF (documents/report_pdf.hpp), and the Salesforce write-back of outbox kind
// "salesforce.credit_report" — the Credit_Report__c record (upserted by Fakturad_Key__c), the Account's
// credit fields with the comparison to the previous report, the PDF as a file on the Account, and, when
// the credit standing worsened, a Task for the account owner.  Every step of the delivery is idempotent
// (upserts by key, files by PathOnClient, the Task looked up by its subject first), so a repeated message
// after a crash changes nothing.

#include "fakturad/config/settings.hpp"
#include "fakturad/documents/report_pdf.hpp"
#include "fakturad/salesforce/client.hpp"
#include "fakturad/schufa/report.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace fakturad::daemon {

inline constexpr std::string_view credit_report_object = "Credit_Report__c";

// "company" (B2B), "person" (B2C credit report) or "identity" (identity check): reports are compared only
// with earlier ones of the same kind.
[[nodiscard]] std::string_view subject_kind_of(schufa::product p);

[[nodiscard]] boost::json::object report_json(const schufa::credit_report& r);
// nullopt when the text is not a report this version wrote.
[[nodiscard]] std::optional<schufa::credit_report> report_from_json(std::string_view text);

// Facts around a report that the PDF and the Salesforce record show.
struct report_context {
    std::string account_sf_id;
    std::string account_name;
    std::string owner_id;  // the account owner (Task assignee)
    std::string interest_code;
    std::string requested_by;
    std::string requested_at;  // ISO 8601 UTC
    std::int64_t audit_id = 0;
};

[[nodiscard]] documents::report_document report_document_of(
    const schufa::credit_report& r,
    const report_context& ctx,
    const schufa::report_comparison& comparison,
    std::string_view raw_answer
);

// The outbox payload of kind "salesforce.credit_report".
[[nodiscard]] boost::json::object credit_writeback_payload(
    const schufa::credit_report& r,
    const report_context& ctx,
    const schufa::report_comparison& comparison,
    const documents::rendered_pdf& pdf,
    const config::schufa_settings& settings
);

// Performs one outbox message of kind "salesforce.credit_report"; returns an empty string when every step
// succeeded, otherwise what failed (the message is then retried later).
boost::asio::awaitable<std::string> deliver_credit_report(
    salesforce::client& sf, const store::outbox_message& message
);

}  // namespace fakturad::daemon
