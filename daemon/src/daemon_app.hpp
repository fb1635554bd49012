#pragma once
// The composition root of `fakturad`: config → logger → store → control API → background jobs, on one
// io_context thread for network I/O and a thread pool for blocking work (STYLE A2, L5).

#include <filesystem>

namespace fakturad::daemon {

// Process exit codes (sysexits.h where one fits, so that systemd's RestartPreventExitStatus can use them).
enum exit_code : int {
    exit_ok = 0,
    exit_failure = 1,  // start-up failed (store, socket, lock) or a fatal error while running
    exit_usage = 2,    // bad command line
    exit_config = 78,  // EX_CONFIG: the configuration is invalid
};

// Loads the configuration and runs the daemon until SIGTERM or SIGINT; returns the exit code.
int run_daemon(const std::filesystem::path& config_path);

// --check-config: loads the file, prints every problem to stderr; exit_ok or exit_config.
int check_config(const std::filesystem::path& config_path);

// --print-config: prints the effective configuration (defaults filled in, secrets as ***).
int print_config(const std::filesystem::path& config_path);

}  // namespace fakturad::daemon
