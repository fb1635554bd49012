// Outbox throughput of the SQLite store: enqueue N messages in transactions of 200 (how an invoice run
// commits its intents), then claim + mark_done each one (how a worker drains the outbox: two commits
// per message).  Prints figures and a last line `RESULT ...` for ./run bench.
//
//   bench_store [--rows N] [--sync full|normal] [--dir DIR]

#include "fakturad/core/clock.hpp"
#include "fakturad/core/logger.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace {

using fakturad::store::sqlite_store;
using fakturad::store::transaction;

struct arguments {
    // Small enough to finish in a few seconds with synchronous=FULL, where every commit waits for fsync.
    long rows = 400;
    bool synchronous_full = true;
    std::filesystem::path dir = std::filesystem::temp_directory_path();
};

int usage(const char* program) {
    std::fprintf(stderr, "usage: %s [--rows N] [--sync full|normal] [--dir DIR]\n", program);
    return 2;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    arguments args;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--rows" && i + 1 < argc) {
            args.rows = std::strtol(argv[++i], nullptr, 10);
        } else if (arg == "--sync" && i + 1 < argc) {
            const std::string_view mode = argv[++i];
            if (mode != "full" && mode != "normal") {
                return usage(argv[0]);
            }
            args.synchronous_full = mode == "full";
        } else if (arg == "--dir" && i + 1 < argc) {
            args.dir = argv[++i];
        } else {
            return usage(argv[0]);
        }
    }
    if (args.rows <= 0) {
        return usage(argv[0]);
    }

    std::string pattern = (args.dir / "fakturad-bench-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        std::fprintf(
            stderr,
            "cannot create a directory under %s: %s\n",
            args.dir.c_str(),
            std::error_code(errno, std::generic_category()).message().c_str()
        );
        return 1;
    }
    const std::filesystem::path dir = pattern;
    int exit_code = 0;
    try {
        fakturad::null_logger log;
        auto store = sqlite_store::open(
            {.path = dir / "bench.sqlite", .synchronous_full = args.synchronous_full}, log
        );
        const auto now =
            std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
        const std::string payload(300, 'p');  // about the size of a Salesforce upsert body
        constexpr long batch = 200;

        const auto enqueue_start = std::chrono::steady_clock::now();
        for (long done = 0; done < args.rows;) {
            transaction tx(store);
            for (long i = 0; i < batch && done < args.rows; ++i, ++done) {
                (void)store.enqueue("sf.upsert_invoice", "inv-" + std::to_string(done), payload, now);
            }
            tx.commit();
        }
        const double enqueue_s = seconds_since(enqueue_start);

        const auto cycle_start = std::chrono::steady_clock::now();
        long cycles = 0;
        while (const auto message = store.claim_next(now)) {
            store.mark_done(message->id, now);
            ++cycles;
        }
        const double cycle_s = seconds_since(cycle_start);
        (void)store.checkpoint();
        const auto status = store.status();
        if (cycles != args.rows || status.outbox_pending != 0) {
            std::fprintf(stderr, "drained %ld of %ld messages\n", cycles, args.rows);
            exit_code = 1;
        }

        const double enqueue_per_s = static_cast<double>(args.rows) / enqueue_s;
        const double cycle_per_s = static_cast<double>(cycles) / cycle_s;
        const double db_mb =
            static_cast<double>(std::filesystem::file_size(dir / "bench.sqlite")) / (1024.0 * 1024.0);
        const double disk_mb = static_cast<double>(status.file_bytes) / (1024.0 * 1024.0);
        std::printf(
            "store outbox benchmark: %ld rows, synchronous=%s, database in %s\n",
            args.rows,
            args.synchronous_full ? "full" : "normal",
            dir.c_str()
        );
        std::printf(
            "  enqueue (transactions of %ld): %.3f s, %.0f rows/s\n", batch, enqueue_s, enqueue_per_s
        );
        std::printf("  claim + mark_done (2 commits each): %.3f s, %.0f cycles/s\n", cycle_s, cycle_per_s);
        std::printf("  after checkpoint: database file %.2f MiB, database + WAL %.2f MiB\n", db_mb, disk_mb);
        std::printf(
            "RESULT outbox_enqueue_per_s=%.0f outbox_cycle_per_s=%.0f db_mb=%.2f\n",
            enqueue_per_s,
            cycle_per_s,
            db_mb
        );
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_store: %s\n", e.what());
        exit_code = 1;
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return exit_code;
}
