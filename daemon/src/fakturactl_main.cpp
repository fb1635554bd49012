// fakturactl — the control CLI.  Talks to the running daemon over its UNIX socket; the commands that
// need no daemon (config check) run on their own.

#include "control_client.hpp"
#include "ctl_credit_check.hpp"
#include "ctl_invoice_render.hpp"
#include "ctl_invoice_run.hpp"
#include "ctl_mapping.hpp"
#include "ctl_plan_preview.hpp"
#include "ctl_vat_check.hpp"
#include "daemon_app.hpp"
#include "fakturad/config/loader.hpp"
#include "fakturad/core/units.hpp"
#include "fakturad/core/version.hpp"
#include "fakturad/daemon/control_protocol.hpp"
#include "status_report.hpp"

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>

namespace {

using namespace fakturad::daemon;  // NOLINT(google-build-using-namespace) one-file program

// Exit codes of fakturactl (documented in the README).
enum : int {
    ctl_ok = 0,
    ctl_failed = 1,       // the daemon answered with an error, or a check found problems
    ctl_usage = 2,        // bad command line
    ctl_unreachable = 3,  // no daemon to talk to (report_daemon_failure returns it)
};

struct global_options {
    std::string socket;
    std::string config;
    std::string timeout = "10s";
};

// --socket wins, then --config's control.socket, then $FAKTURAD_SOCKET, then the packaged default.
std::optional<std::filesystem::path> resolve_socket(const global_options& g, int& exit_code) {
    if (!g.socket.empty()) {
        return std::filesystem::path(g.socket);
    }
    if (!g.config.empty()) {
        auto loaded = fakturad::config::load_file(g.config, fakturad::config::environment::process());
        if (!loaded.ok()) {
            for (const auto& d : loaded.errors) {
                std::cerr << d.to_string() << '\n';
            }
            std::cerr << "fakturactl: cannot read the socket path from " << g.config << '\n';
            exit_code = ctl_usage;
            return std::nullopt;
        }
        return loaded.config->control.socket;
    }
    if (const char* env = std::getenv(std::string(control_socket_env).c_str());
        env != nullptr && *env != '\0') {
        return std::filesystem::path(env);
    }
    return std::filesystem::path(std::string(default_control_socket));
}

std::string error_of(const control_reply& reply) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(reply.body, ec);
    if (!ec && doc.is_object()) {
        if (const auto* e = doc.get_object().if_contains("error"); e != nullptr && e->is_string()) {
            return std::string(e->get_string());
        }
    }
    return reply.body;
}

int run_status(const global_options& g, bool as_json) {
    int code = ctl_ok;
    const auto socket = resolve_socket(g, code);
    if (!socket) {
        return code;
    }
    const auto timeout = fakturad::parse_duration(g.timeout);
    if (std::holds_alternative<std::string>(timeout)) {
        std::cerr << "fakturactl: --timeout: " << std::get<std::string>(timeout) << '\n';
        return ctl_usage;
    }
    try {
        const auto reply =
            control_call(*socket, "GET", status_endpoint, "", std::get<std::chrono::milliseconds>(timeout));
        if (reply.status != 200) {
            std::cerr << "fakturactl: fakturad answered " << reply.status << ": " << error_of(reply) << '\n';
            return ctl_failed;
        }
        if (as_json) {
            std::cout << reply.body << '\n';
        } else {
            std::cout << render_status_text(reply.body);
        }
        return ctl_ok;
    } catch (const std::exception&) {
        return report_daemon_failure(std::cerr);
    }
}

// The socket and timeout every daemon command needs; nullopt (and `code` set) when they cannot be had.
std::optional<std::pair<std::filesystem::path, std::chrono::milliseconds>> daemon_target(
    const global_options& g, int& code
) {
    const auto socket = resolve_socket(g, code);
    if (!socket) {
        return std::nullopt;
    }
    const auto timeout = fakturad::parse_duration(g.timeout);
    if (std::holds_alternative<std::string>(timeout)) {
        std::cerr << "fakturactl: --timeout: " << std::get<std::string>(timeout) << '\n';
        code = ctl_usage;
        return std::nullopt;
    }
    return std::make_pair(*socket, std::get<std::chrono::milliseconds>(timeout));
}

// The configuration the standalone Salesforce commands need (--config).
std::optional<fakturad::config::settings> load_config(
    const global_options& g, std::string_view command, int& code
) {
    if (g.config.empty()) {
        std::cerr << "fakturactl: " << command
                  << " needs the configuration (--config PATH): its salesforce section and mappings\n";
        code = ctl_usage;
        return std::nullopt;
    }
    auto loaded = fakturad::config::load_file(g.config, fakturad::config::environment::process());
    if (!loaded.ok()) {
        for (const auto& d : loaded.errors) {
            std::cerr << d.to_string() << '\n';
        }
        code = ctl_usage;
        return std::nullopt;
    }
    return std::move(*loaded.config);
}

int run_config_check(const std::string& path) {
    if (path.empty()) {
        std::cerr
            << "fakturactl: config check needs a file: fakturactl config check PATH (or --config PATH)\n";
        return ctl_usage;
    }
    const int code = check_config(path);
    return code == exit_ok ? ctl_ok : ctl_failed;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fakturactl — control the fakturad billing daemon", "fakturactl"};
    app.require_subcommand(1);
    global_options g;
    app.add_option(
        "--socket",
        g.socket,
        "control socket of the daemon (default: $FAKTURAD_SOCKET or /run/fakturad/control.sock)"
    );
    app.add_option("-c,--config", g.config, "read the control socket path from this configuration file");
    app.add_option("--timeout", g.timeout, "how long to wait for the daemon (e.g. 10s)");
    app.set_version_flag("--version", "fakturactl " + std::string(fakturad::version()));

    bool as_json = false;
    auto* status =
        app.add_subcommand("status", "show version, uptime, config, store, connectors, last sync and run");
    status->add_flag("--json", as_json, "print the daemon's JSON answer unchanged");

    auto* config_cmd = app.add_subcommand("config", "work with configuration files (no daemon needed)");
    config_cmd->require_subcommand(1);
    std::string check_path;
    auto* config_check =
        config_cmd->add_subcommand("check", "validate a configuration file and print every problem");
    config_check->add_option("file", check_path, "configuration file (default: --config)");

    auto* plan_cmd = app.add_subcommand("plan", "work with YAML plan files (no daemon needed)");
    plan_cmd->require_subcommand(1);
    std::string plan_file;
    std::string plan_date;
    auto* plan_preview = plan_cmd->add_subcommand(
        "preview", "print the draft invoices an invoice run on --date would produce for a plan file"
    );
    plan_preview->add_option("file", plan_file, "plan file (YAML, see billing/README.md)")->required();
    plan_preview->add_option("--date", plan_date, "cutoff date of the run, YYYY-MM-DD")->required();
    std::vector<std::string> plan_tax_rules;
    plan_preview->add_option(
        "--tax-rules", plan_tax_rules, "LEGAL_ENTITY=FILE: tax rules for items with tax: (repeatable)"
    );

    auto* invoice_cmd = app.add_subcommand("invoice", "work with invoice documents (no daemon needed)");
    invoice_cmd->require_subcommand(1);
    invoice_render_options render;
    auto* invoice_render = invoice_cmd->add_subcommand(
        "render", "write the e-invoice or PDF of a document from the drafts of a plan file"
    );
    invoice_render->add_option("file", render.file, "plan file with drafts (YAML, see billing/README.md)")
        ->required();
    invoice_render
        ->add_option("--format", render.format, "xrechnung-cii, xrechnung-ubl, cii, ubl, facturx or pdf")
        ->required();
    invoice_render->add_option("--out", render.out, "output file (with --all: output folder)")->required();
    invoice_render->add_option("--draft", render.draft, "id of the draft to render (default: the last)");
    invoice_render->add_flag("--all", render.all, "render every draft into the --out folder");
    invoice_render->add_option(
        "--template", render.template_file, "PDF template of the seller (pdf, facturx)"
    );
    invoice_render->add_option(
        "--profile", render.profile, "facturx: en16931 (default), extended or xrechnung"
    );
    invoice_render->add_option("--icc-profile", render.icc_profile, "sRGB ICC profile embedded in PDFs");

    vat_check_options vat;
    std::string vat_api = "soap";
    std::string vat_timeout = "30s";
    auto* vat_check = app.add_subcommand(
        "vat-check", "check VAT identification numbers (offline: format and check digits; online: VIES)"
    );
    vat_check->add_flag("--offline", vat.offline, "format and check digits only; no network");
    vat_check->add_option("numbers", vat.numbers, "VAT IDs; without any, one per line from standard input");
    vat_check->add_option("--api", vat_api, "VIES interface: soap or rest")
        ->check(CLI::IsMember({"soap", "rest"}));
    vat_check->add_option(
        "--url", vat.url, "VIES service URL (SOAP endpoint or REST base; default: the EC's)"
    );
    vat_check->add_option("--status-url", vat.status_url, "VIES REST base for /check-status");
    vat_check->add_option(
        "--requester", vat.requester, "our own VAT ID, so VIES returns a consultation number"
    );
    vat_check->add_option("--ca-file", vat.ca_file, "extra trusted CA bundle (PEM)");
    vat_check->add_option("--request-timeout", vat_timeout, "deadline of one VIES request (e.g. 30s)");
    vat_check
        ->add_option("--per-member-state", vat.per_member_state, "VIES requests in flight per member state")
        ->check(CLI::Range(1U, 2U));
    vat_check->add_option("--attempts", vat.attempts, "tries per number before it is reported unconfirmed")
        ->check(CLI::Range(1U, 10U));

    credit_check_args credit;
    auto* credit_check = app.add_subcommand(
        "credit-check", "request a SCHUFA report for a Salesforce Account through the daemon"
    );
    credit_check->add_option("account_id", credit.account_id, "Salesforce Account Id")->required();
    credit_check->add_option("--product", credit.product, "b2b-short, b2b-compact, b2b-full, b2c or identity")
        ->required();
    credit_check->add_option(
        "--interest", credit.interest, "legitimate-interest code (the GDPR basis), e.g. CONTRACT_INITIATION"
    );
    credit_check->add_option("--note", credit.note, "why, in a few words (kept in the request)");
    credit_check->add_option("--first-name", credit.first_name, "b2c/identity: the person's first name");
    credit_check->add_option("--last-name", credit.last_name, "b2c/identity: the person's last name");
    credit_check->add_option("--birth-date", credit.birth_date, "b2c/identity: YYYY-MM-DD");
    credit_check->add_option("--gender", credit.gender, "b2c/identity: m, w, d or u")
        ->check(CLI::IsMember({"m", "w", "d", "u"}));
    credit_check->add_option(
        "--company-id",
        credit.company_id,
        "b2b: the SCHUFA company id of a candidate after an ambiguous answer"
    );
    credit_check->add_option("--variant", credit.variant, "identity: STANDARD, AGE_18 or PREMIUM")
        ->check(CLI::IsMember({"STANDARD", "AGE_18", "PREMIUM"}));
    std::string monitor_switch;
    std::string monitor_account;
    auto* credit_monitor = app.add_subcommand(
        "credit-monitor", "switch SCHUFA follow-up monitoring (Nachmeldeservice) on or off for an Account"
    );
    credit_monitor->add_option("switch", monitor_switch, "on or off")
        ->required()
        ->check(CLI::IsMember({"on", "off"}));
    credit_monitor->add_option("account_id", monitor_account, "Salesforce Account Id")->required();

    invoice_run_args run_args;
    bool run_finalize = false;
    bool run_no_finalize = false;
    auto* invoice_run = app.add_subcommand("invoice-run", "start an invoice run in the daemon and follow it");
    invoice_run->add_option("--date", run_args.date, "cutoff (and issue) date YYYY-MM-DD; default today");
    invoice_run->add_option("--account", run_args.account, "only the plans of this account (Salesforce Id)");
    invoice_run->add_option("--plan", run_args.plan, "only this plan (its source record Id)");
    invoice_run->add_flag("--dry-run", run_args.dry_run, "show the drafts the run would make; write nothing");
    invoice_run->add_flag("--finalize", run_finalize, "number and issue the invoices at once");
    invoice_run->add_flag("--no-finalize", run_no_finalize, "leave the invoices as drafts");

    resync_args resync;
    auto* resync_cmd = app.add_subcommand("resync", "re-read records from Salesforce now (idempotent)");
    resync_cmd->add_option("--object", resync.object, "only the mappings of this source object");
    resync_cmd->add_option("--id", resync.id, "only this record");
    resync_cmd->add_option("--since", resync.since, "only records changed since (2026-11-01T00:00:00Z)");

    auto* mapping_cmd =
        app.add_subcommand("mapping", "check mapping files against the org (no daemon needed)");
    mapping_cmd->require_subcommand(1);
    std::vector<std::string> mapping_files;
    auto* mapping_check = mapping_cmd->add_subcommand(
        "check", "describe the org and print every problem of the mapping files with its location"
    );
    mapping_check->add_option("files", mapping_files, "mapping files (default: the config's mappings)");
    std::string preview_id;
    std::string preview_date;
    auto* mapping_preview = mapping_cmd->add_subcommand(
        "preview", "show the billing plan a record becomes and what it would bill; writes nothing"
    );
    mapping_preview->add_option("record_id", preview_id, "Salesforce record Id")->required();
    mapping_preview->add_option("--date", preview_date, "bill as of this date (default today)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "fakturactl: " << e.what() << "\nRun 'fakturactl --help' for the list of commands.\n";
        return ctl_usage;
    }

    if (status->parsed()) {
        return run_status(g, as_json);
    }
    if (invoice_render->parsed()) {
        return run_invoice_render(render, std::cout, std::cerr);
    }
    if (plan_preview->parsed()) {
        return run_plan_preview(plan_file, plan_date, plan_tax_rules, std::cout, std::cerr);
    }
    if (vat_check->parsed()) {
        vat.api = vat_api == "rest" ? fakturad::vies::api::rest : fakturad::vies::api::soap;
        const auto timeout = fakturad::parse_duration(vat_timeout);
        if (std::holds_alternative<std::string>(timeout)) {
            std::cerr << "fakturactl: --request-timeout: " << std::get<std::string>(timeout) << '\n';
            return ctl_usage;
        }
        vat.timeout = std::get<std::chrono::milliseconds>(timeout);
        return run_vat_check(vat, std::cin, std::cout, std::cerr);
    }
    if (credit_check->parsed() || credit_monitor->parsed()) {
        // The basis of the request is checked before the daemon is asked (or even looked for).
        if (credit_check->parsed()) {
            if (const auto problem = credit_check_problem(credit); !problem.empty()) {
                std::cerr << "fakturactl: credit-check: " << problem << (problem.back() == '\n' ? "" : "\n");
                return ctl_usage;
            }
        }
        int code = ctl_ok;
        const auto target = daemon_target(g, code);
        if (!target) {
            return code;
        }
        if (credit_check->parsed()) {
            return run_credit_check(target->first, target->second, credit, std::cout, std::cerr);
        }
        return run_credit_monitor(
            target->first, target->second, monitor_switch == "on", monitor_account, std::cout, std::cerr
        );
    }
    if (invoice_run->parsed() || resync_cmd->parsed()) {
        int code = ctl_ok;
        const auto target = daemon_target(g, code);
        if (!target) {
            return code;
        }
        if (resync_cmd->parsed()) {
            return run_resync(target->first, target->second, resync, std::cout, std::cerr);
        }
        if (run_finalize && run_no_finalize) {
            std::cerr << "fakturactl: --finalize and --no-finalize exclude each other\n";
            return ctl_usage;
        }
        if (run_finalize || run_no_finalize) {
            run_args.finalize = run_finalize;
        }
        return run_invoice_run(
            target->first, target->second, run_args, ::isatty(STDOUT_FILENO) == 1, std::cout, std::cerr
        );
    }
    if (mapping_check->parsed() || mapping_preview->parsed()) {
        int code = ctl_ok;
        const auto cfg = load_config(g, mapping_check->parsed() ? "mapping check" : "mapping preview", code);
        if (!cfg) {
            return code;
        }
        try {
            if (mapping_check->parsed()) {
                return run_mapping_check(
                    *cfg,
                    std::vector<std::filesystem::path>(mapping_files.begin(), mapping_files.end()),
                    std::cout,
                    std::cerr
                );
            }
            return run_mapping_preview(*cfg, preview_id, preview_date, std::cout, std::cerr);
        } catch (const std::exception& e) {
            std::cerr << "fakturactl: " << e.what() << '\n';
            return ctl_failed;
        }
    }
    if (config_check->parsed()) {
        return run_config_check(check_path.empty() ? g.config : check_path);
    }
    std::cerr << "fakturactl: no command given; run 'fakturactl --help'\n";
    return ctl_usage;
}
