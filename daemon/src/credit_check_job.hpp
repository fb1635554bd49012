#pragma once
// The daemon's SCHUFA credit checks (connectors/schufa/README.md, "In the daemon"): one check for an
// Account on request (fakturactl credit-check), follow-up monitoring on and off (fakturactl
// credit-monitor), the monitoring poll that turns each new event into a new report, and the deletion of
// B2C personal data after its retention period.
//
// Order of every report (so that nothing is lost or doubled by a crash at any point):
//   1. the request's basis is checked: an unknown or missing legitimate interest, or one that does not
//      allow the product, is refused before anything else happens;
//   2. the Account is read from Salesforce (name, billing address, VAT ID, owner);
//   3. the audit entry is committed (outcome pending) — before the request leaves;
//   4. SCHUFA is asked;
//   5. in one store transaction: the audit entry is completed, the report stored with its comparison to
//      the previous report of the Account, B2C personal data kept until its deletion date, the monitoring
//      event (if any) marked handled, and the write-back intent enqueued (credit_report_output.hpp).
// Personal data of a B2C subject is never logged: log lines carry the account, product, interest, audit
// id and SCHUFA's reference only.
//
// Threading: the coroutines run on the daemon's I/O executor; store work goes through `store_runner`
// (the daemon's store strand).  The service and everything it references live as long as the daemon; the
// settings are copied at construction (changes take effect after a restart).

#include "fakturad/config/settings.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/core/logger.hpp"
#include "fakturad/salesforce/client.hpp"
#include "fakturad/schufa/client.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace fakturad::daemon {

using store_runner =
    std::function<boost::asio::awaitable<void>(std::function<void(store::sqlite_store&)> work)>;

struct credit_check_request {
    std::string account_sf_id;
    std::string product;   // b2b-short | b2b-compact | b2b-full | b2c | identity
    std::string interest;  // legitimate-interest code
    std::string note;
    std::string requested_by;
    std::optional<schufa::person_subject> person;  // b2c and identity
    std::string identity_variant = "STANDARD";
    // B2B: the company SCHUFA knows by this id (one of the candidates of an AMBIGUOUS answer): no search.
    std::string schufa_company_id;
};

// A control-API answer: HTTP status and JSON body ({"error": ...} on failure).
struct credit_reply {
    unsigned status = 200;
    boost::json::object body;
};

// Reads the control-API body of POST /v1/credit-checks; nullopt with `problem` for a malformed body.
[[nodiscard]] std::optional<credit_check_request> credit_check_request_of(
    std::string_view body, std::string& problem
);

class credit_check_service {
public:
    credit_check_service(
        schufa::client& schufa,
        salesforce::client& sf,
        const config::schufa_settings& settings,
        const fakturad::clock& clock,
        store_runner on_store,
        logger& log
    );
    ~credit_check_service();

    boost::asio::awaitable<credit_reply> check(credit_check_request request);
    boost::asio::awaitable<credit_reply> monitor(
        std::string account_sf_id, bool on, std::string requested_by
    );

    // One monitoring poll: every new event becomes a new report (and maybe a Task); events are
    // acknowledged once handled.  Returns the number of reports made.
    boost::asio::awaitable<std::size_t> poll_monitoring();

    // Deletes B2C personal data past its deletion date; returns how many reports lost theirs.
    boost::asio::awaitable<std::size_t> delete_expired_personal_data();

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace fakturad::daemon
