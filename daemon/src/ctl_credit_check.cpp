#include "ctl_credit_check.hpp"

#include "control_client.hpp"
#include "fakturad/daemon/control_protocol.hpp"
#include "fakturad/schufa/catalogue.hpp"

#include <boost/json.hpp>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <ostream>

namespace fakturad::daemon {

namespace json = boost::json;

namespace {

std::string text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return "-";
    }
    return v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
}

// The reply's JSON object for a success; prints the daemon's error and returns nullopt otherwise.
int call(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    std::string_view endpoint,
    const json::object& body,
    std::ostream& err,
    std::optional<json::object>& answer
) {
    try {
        // A report may wait for SCHUFA's retries: allow at least two minutes.
        const auto reply = control_call(
            socket,
            "POST",
            endpoint,
            json::serialize(body),
            std::max(timeout, std::chrono::milliseconds(120'000))
        );
        answer = json_answer(reply, err);
        return answer ? 0 : 1;
    } catch (const std::exception&) {
        return report_daemon_failure(err);
    }
}

}  // namespace

std::string credit_check_problem(const credit_check_args& args) {
    if (auto basis = schufa::check_request_basis(args.product, args.interest); !basis.empty()) {
        return basis;
    }
    const auto which = *schufa::product_from_cli(args.product);
    if (!schufa::is_b2b(which) &&
        (args.first_name.empty() || args.last_name.empty() || args.birth_date.size() != 10)) {
        return "--product " + args.product +
               " is about a person: give --first-name, --last-name and --birth-date YYYY-MM-DD";
    }
    if (schufa::is_b2b(which) &&
        !(args.first_name.empty() && args.last_name.empty() && args.birth_date.empty())) {
        return "--first-name, --last-name and --birth-date belong to the b2c and identity products only";
    }
    if (!args.company_id.empty() && !schufa::is_b2b(which)) {
        return "--company-id belongs to the b2b products only";
    }
    return {};
}

std::string requesting_user() {
    if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_name != nullptr) {
        return pw->pw_name;
    }
    return "uid " + std::to_string(::getuid());
}

int run_credit_check(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    const credit_check_args& args,
    std::ostream& out,
    std::ostream& err
) {
    json::object body{
        {"account_id", args.account_id},
        {"product", args.product},
        {"interest", args.interest},
        {"note", args.note},
        {"requested_by", requesting_user()},
    };
    if (!args.variant.empty()) {
        body["identity_variant"] = args.variant;
    }
    if (!args.company_id.empty()) {
        body["schufa_company_id"] = args.company_id;
    }
    if (!args.last_name.empty()) {
        body["person"] = json::object{
            {"first_name", args.first_name},
            {"last_name", args.last_name},
            {"birth_date", args.birth_date},
            {"gender", args.gender.empty() ? std::string("u") : args.gender}};
    }
    std::optional<json::object> answer;
    if (const int code = call(socket, timeout, credit_checks_endpoint, body, err, answer); code != 0) {
        return code;
    }
    const auto& a = *answer;
    out << "credit-check: " << text(a, "product") << " " << text(a, "status") << ", SCHUFA reference "
        << text(a, "reference") << ", audit entry " << text(a, "audit_id") << '\n';
    out << "  score " << text(a, "score") << ", risk class " << text(a, "risk_class") << ", PD "
        << text(a, "probability_of_default") << " %, traffic light " << text(a, "traffic_light")
        << ", negative entries " << text(a, "negative_entries") << '\n';
    out << "  " << text(a, "comparison")
        << (a.contains("worsened") && a.at("worsened").is_bool() && a.at("worsened").as_bool() ? " (WORSENED)"
                                                                                               : "")
        << '\n';
    if (const auto* c = a.if_contains("candidates"); c != nullptr && c->is_array()) {
        out << "  ambiguous: SCHUFA found several companies:\n";
        for (const auto& each : c->as_array()) {
            if (each.is_object()) {
                out << "    " << text(each.as_object(), "schufa_company_id") << "  "
                    << text(each.as_object(), "name") << ", " << text(each.as_object(), "city") << '\n';
            }
        }
        out << "  check again with --company-id ID for the right one\n";
    }
    out << "  the report and its PDF go to the Account in Salesforce with the next write-back\n";
    return 0;
}

int run_credit_monitor(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    bool on,
    const std::string& account_id,
    std::ostream& out,
    std::ostream& err
) {
    const json::object body{{"account_id", account_id}, {"on", on}, {"requested_by", requesting_user()}};
    std::optional<json::object> answer;
    if (const int code = call(socket, timeout, credit_monitoring_endpoint, body, err, answer); code != 0) {
        return code;
    }
    out << "credit-monitor: " << (on ? "on" : "off") << " for " << account_id << " (SCHUFA subscription "
        << text(*answer, "subscription_id") << ")\n";
    return 0;
}

}  // namespace fakturad::daemon
