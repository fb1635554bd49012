// fakturactl — the control CLI.  Talks to the running daemon over its UNIX socket; the commands that
// need no daemon (config check) run on their own.

#include "control_client.hpp"
#include "ctl_invoice_render.hpp"
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
    ctl_unreachable = 3,  // no daemon to talk to
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
    } catch (const daemon_unreachable& e) {
        std::cerr << "fakturactl: " << e.what() << '\n';
        return ctl_unreachable;
    } catch (const std::exception& e) {
        std::cerr << "fakturactl: " << e.what() << '\n';
        return ctl_failed;
    }
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
    if (config_check->parsed()) {
        return run_config_check(check_path.empty() ? g.config : check_path);
    }
    std::cerr << "fakturactl: no command given; run 'fakturactl --help'\n";
    return ctl_usage;
}
