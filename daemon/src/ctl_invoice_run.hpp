#pragma once
// `fakturactl invoice-run --date D [--account ID] [--plan ID] [--dry-run] [--finalize | --no-finalize]` and
// `fakturactl resync [--object NAME] [--id RECORD_ID] [--since TIME]`: the control API's invoice runs and
// re-reads. An invoice run shows a progress bar on a terminal and a progress line every few seconds
// otherwise, and ends with a summary. Exit codes: 0 done without failures, 1 failures or an error answer,
// 2 bad arguments, 3 no daemon.

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace fakturad::daemon {

struct invoice_run_args {
    std::string date;  // YYYY-MM-DD; empty: today in the org's zone (the daemon decides)
    std::string account;
    std::string plan;
    bool dry_run = false;
    std::optional<bool> finalize;  // empty: billing.finalize of the daemon's config
};

int run_invoice_run(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    const invoice_run_args& args,
    bool terminal,
    std::ostream& out,
    std::ostream& err
);

struct resync_args {
    std::string object;
    std::string id;
    std::string since;
};

int run_resync(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    const resync_args& args,
    std::ostream& out,
    std::ostream& err
);

}  // namespace fakturad::daemon
