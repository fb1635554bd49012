#pragma once
// The embedded store: one SQLite database file in WAL mode.
//
// Threading: one `sqlite_store` object is one SQLite connection and is NOT thread-safe.  The daemon opens
// one store per worker thread of its blocking-work pool (DESIGN.md: one DB connection per pool thread); a
// store may move between threads but must never be used by two at once.  WAL lets any number of readers
// run beside the one writer; writers queue on SQLite's write lock for at most `busy_timeout`.
//
// Time: the store never reads the clock.  Every instant it stores comes in as an argument.  The single
// exception is `schema_migrations.applied_at`, which SQLite stamps itself while `open` migrates (an audit
// field; nothing is computed from it).
//
// Errors: every failure throws `store_error` (store_error.hpp); the failed statement or transaction has
// been rolled back.  Absent values are std::optional, never exceptions.
//
// Storage formats (store/README.md): instants are TEXT "YYYY-MM-DDTHH:MM:SS.mmmZ" in UTC, civil dates TEXT
// "YYYY-MM-DD", money and quantities TEXT decimals in canonical form; never REAL.

#include "fakturad/core/clock.hpp"
#include "fakturad/core/logger.hpp"
#include "fakturad/store/migration.hpp"
#include "fakturad/store/store_error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::store {

struct sqlite_options {
    std::filesystem::path path{};
    // How long a writer waits for another connection's write lock before failing with "database is locked".
    std::chrono::milliseconds busy_timeout{5000};
    // FULL: a committed transaction survives a power loss.  NORMAL: it survives a crash of the process
    // (kill -9) but the last transactions before a power loss may be rolled back; the database stays
    // consistent either way.
    bool synchronous_full = true;
    // At open, put every outbox message left `in_flight` back to `pending`: its worker died with the
    // process, so the call is repeated with the same idempotency key.  Only the daemon's first connection,
    // opened before any worker runs, may do this; the worker connections pass false, otherwise a late
    // open would hand a sibling's in-flight message to a second worker.
    bool recover_in_flight = true;
};

// The sync position of one Salesforce object.
struct sync_cursor_info {
    std::string object_name{};                      // API name, e.g. "Account", "Opportunity"
    std::optional<instant> last_system_modstamp{};  // highest SystemModstamp fully processed
    std::optional<std::string> last_record_id{};    // Id of that record: tie-breaker among equal modstamps
    std::optional<std::string> last_replay_id{};    // opaque change-event replay id, as received
    instant updated_at{};
    std::optional<std::string> mapping_digest{};  // of the mapping file the cursor was reached with
};

// One invoice run, as shown on the status page.
struct invoice_run_info {
    std::int64_t id = 0;
    std::chrono::year_month_day cutoff_date{};
    std::string state{};  // "running", "finished", "failed" or "cancelled"
    instant started_at{};
    std::optional<instant> finished_at{};
    std::int64_t plans_selected = 0;
    std::int64_t invoices_created = 0;
    std::int64_t plans_failed = 0;
};

struct store_status {
    std::filesystem::path path{};
    std::int64_t schema_version = 0;
    std::string journal_mode{};        // "wal" in every healthy store
    std::uint64_t file_bytes = 0;      // database file plus its -wal file, as on disk
    std::uint64_t outbox_pending = 0;  // waiting for a worker (due now or later)
    std::uint64_t outbox_in_flight = 0;
    std::uint64_t outbox_failed = 0;              // given up; needs an operator
    std::optional<sync_cursor_info> last_sync{};  // the most recently updated sync cursor
    std::optional<invoice_run_info> last_run{};   // the newest invoice run
};

using outbox_id = std::int64_t;

// An outbox message handed to a worker by `claim_next`.
struct outbox_message {
    outbox_id id = 0;
    std::string kind{};
    std::string idempotency_key{};
    std::string payload{};
    std::int64_t attempts = 0;                // including the attempt this claim starts
    std::optional<std::string> last_error{};  // of the previous attempt
};

// An outbox message to enqueue together with other writes (e.g. invoice_store::finalize): it commits
// with them or not at all. Same rules as sqlite_store::enqueue.
struct outbox_intent {
    std::string kind{};
    std::string idempotency_key{};
    std::string payload{};
};

struct checkpoint_result {
    bool busy = false;              // a reader or writer kept the checkpoint from finishing
    std::int64_t wal_frames = 0;    // frames in the WAL
    std::int64_t checkpointed = 0;  // frames copied into the database file
};

struct invoice_store_access;
struct vat_check_store_access;
struct credit_store_access;
struct plan_store_access;
struct invoice_run_store_access;

class sqlite_store {
public:
    // Opens or creates the database at `options.path`, configures the connection (WAL, foreign keys,
    // busy timeout, synchronous) and applies the embedded migrations that the file lacks, each in its own
    // transaction.  Throws store_error when the file cannot be opened, is not a fakturad database, has a
    // newer schema than this build knows, has a changed migration history, or a migration fails (the
    // database then stays at the last good version).
    [[nodiscard]] static sqlite_store open(const sqlite_options& options, logger& log);

    // Test-only: as `open`, with `migrations` instead of the embedded list (ordered, versions 1..N).
    // Steps that need the fakturad schema (in-flight recovery) are skipped when its tables are absent.
    [[nodiscard]] static sqlite_store open_with_migrations_for_test(
        const sqlite_options& options, logger& log, std::span<const migration> migrations
    );

    sqlite_store(sqlite_store&&) noexcept;
    sqlite_store& operator=(sqlite_store&&) noexcept;
    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;
    // Closes the connection; the last connection to close checkpoints and removes the WAL.
    ~sqlite_store();

    [[nodiscard]] const std::filesystem::path& path() const noexcept;

    // The highest applied migration version.
    [[nodiscard]] std::int64_t schema_version();
    // The highest version this build's embedded migrations reach.
    [[nodiscard]] static std::int64_t latest_schema_version() noexcept;

    [[nodiscard]] store_status status();

    // ---- outbox: every call that leaves the machine is committed here first (DESIGN.md) ----

    // Adds a pending message due at `now` and returns its id.  Idempotent: a key that exists already adds
    // nothing and returns the existing id (the first payload wins).  A key reused with a different `kind`
    // is a programming error and throws.  Runs inside the caller's `transaction` when there is one, so
    // the intent commits atomically with the data it belongs to.
    outbox_id enqueue(
        std::string_view kind, std::string_view idempotency_key, std::string_view payload, instant now
    );

    // Takes the pending message with the earliest due time `next_attempt_at <= now` (ties: oldest first),
    // marks it in_flight and counts the attempt.  Atomic: two connections never claim the same message.
    [[nodiscard]] std::optional<outbox_message> claim_next(instant now);

    // in_flight -> done.  Throws store_error if the message is not in flight (a bug in the worker).
    void mark_done(outbox_id id, instant now);

    // in_flight -> pending due at `retry_at` (a retryable failure), or -> failed when `retry_at` is empty
    // (permanent; an operator must look).  `error` is stored truncated to 1000 bytes.  Throws store_error
    // if the message is not in flight.
    void mark_failed(outbox_id id, std::string_view error, std::optional<instant> retry_at);

    // ---- sync cursors ----

    [[nodiscard]] std::optional<sync_cursor_info> get_sync_cursor(std::string_view object_name);
    // Inserts or replaces the cursor of `cursor.object_name`.
    void put_sync_cursor(const sync_cursor_info& cursor);

    // ---- maintenance ----

    // A PASSIVE WAL checkpoint: copies what it can without waiting for readers or writers.
    checkpoint_result checkpoint();
    // SQLite's integrity_check: the list of problems, empty when the file is sound.
    [[nodiscard]] std::vector<std::string> integrity_check();
    // SQLite's foreign_key_check: one line per violating row ("invoice_lines rowid 7 -> invoices"), empty
    // when every reference resolves.
    [[nodiscard]] std::vector<std::string> foreign_key_check();

    // ---- test-only raw SQL, for tables whose typed repositories do not exist yet ----

    // Runs one or more statements.
    void execute_for_test(std::string_view sql);
    // Runs one statement and returns its rows, every value as text (NULL -> nullopt).
    [[nodiscard]] std::vector<std::vector<std::optional<std::string>>> query_for_test(std::string_view sql);

private:
    friend class transaction;
    friend struct invoice_store_access;  // the repositories run on this connection
    friend struct vat_check_store_access;
    friend struct credit_store_access;
    friend struct plan_store_access;
    friend struct invoice_run_store_access;
    struct plan_store_access;
    struct invoice_run_store_access;
    struct impl;
    explicit sqlite_store(std::unique_ptr<impl> state) noexcept;

    std::unique_ptr<impl> impl_;
};

// A write transaction (BEGIN IMMEDIATE: the write lock is taken at once, so a transaction never fails
// half way for lack of it).  Commit explicitly; destruction without commit rolls back, including during
// stack unwinding.  Transactions do not nest.  The store must outlive the transaction.
class transaction {
public:
    // Waits up to busy_timeout for the write lock; throws store_error when it is not granted.
    explicit transaction(sqlite_store& store);
    ~transaction();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;

    // Makes the transaction durable (as far as `synchronous_full` says).  Throws store_error on failure,
    // after which the transaction is rolled back.
    void commit();

private:
    sqlite_store::impl* store_;
    bool done_ = false;
};

}  // namespace fakturad::store
