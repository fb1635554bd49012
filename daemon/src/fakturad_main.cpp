// fakturad — the billing daemon.  `fakturad --config PATH`.

#include "daemon_app.hpp"
#include "fakturad/core/version.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    using namespace fakturad::daemon;  // NOLINT(google-build-using-namespace) exit codes read better
                                       // unqualified

    CLI::App app{"fakturad — billing and invoicing daemon beside a Salesforce org", "fakturad"};
    std::string config_path;
    bool show_version = false;
    bool check_only = false;
    bool print_only = false;
    app.add_option("-c,--config", config_path, "configuration file (YAML)");
    app.add_flag("--version", show_version, "print the version and exit");
    app.add_flag("--check-config", check_only, "validate the configuration, print every problem, and exit");
    app.add_flag("--print-config", print_only, "print the effective configuration (secrets as ***) and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_ok : exit_usage;
    }

    if (show_version) {
        std::cout << "fakturad " << fakturad::version() << " (" << fakturad::source_revision() << ")\n";
        return exit_ok;
    }
    if (config_path.empty()) {
        std::cerr << "fakturad: --config PATH is required (for example /etc/fakturad/fakturad.yaml)\n";
        return exit_usage;
    }
    if (check_only && print_only) {
        std::cerr << "fakturad: --check-config and --print-config exclude each other\n";
        return exit_usage;
    }
    if (check_only) {
        return check_config(config_path);
    }
    if (print_only) {
        return print_config(config_path);
    }
    return run_daemon(config_path);
}
