#pragma once
// `fakturactl credit-check ACCOUNT_ID --product P --interest CODE` and
// `fakturactl credit-monitor on|off ACCOUNT_ID`: SCHUFA requests through the running daemon.
//
// The product and the legitimate interest are checked here first (connectors/schufa/catalogue.hpp),
// before the daemon is contacted: a missing or unknown code, or one that does not allow the product,
// ends with the list of valid codes on `err` and exit code 2, also when no daemon runs.  B2C products
// need the person (--first-name, --last-name, --birth-date); their data goes to the daemon over the
// control socket only and is never printed.
//
// Exit codes (fakturactl's): 0 the report is stored (or monitoring switched); 1 the daemon or SCHUFA
// refused or failed; 2 bad options; 3 no daemon.

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <string>

namespace fakturad::daemon {

struct credit_check_args {
    std::string account_id;
    std::string product;
    std::string interest;
    std::string note;
    std::string first_name;
    std::string last_name;
    std::string birth_date;
    std::string gender;
    std::string variant;     // identity: STANDARD | AGE_18 | PREMIUM
    std::string company_id;  // b2b: a candidate's schufaCompanyId after an AMBIGUOUS answer
};

// Empty when the options may be sent; otherwise the message (with the valid codes where it helps).
[[nodiscard]] std::string credit_check_problem(const credit_check_args& args);

// Who asks, for the audit log: the login name of the calling user.
[[nodiscard]] std::string requesting_user();

int run_credit_check(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    const credit_check_args& args,
    std::ostream& out,
    std::ostream& err
);

int run_credit_monitor(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    bool on,
    const std::string& account_id,
    std::ostream& out,
    std::ostream& err
);

}  // namespace fakturad::daemon
