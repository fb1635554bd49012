#include "fakturad/store/sqlite_store.hpp"

#include "migrator.hpp"
#include "sqlite_store_impl.hpp"

#include <sqlite3.h>

#include <limits>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace fakturad::store {

namespace {

constexpr std::size_t max_error_bytes = 1000;

// Cuts remote error text (E3: untrusted) to a bounded size without splitting a UTF-8 sequence.
std::string truncate_error(std::string_view error) {
    if (error.size() <= max_error_bytes) {
        return std::string(error);
    }
    std::size_t end = max_error_bytes;
    while (end > 0 && (static_cast<unsigned char>(error[end]) & 0xc0) == 0x80) {
        --end;
    }
    return std::string(error.substr(0, end)) + "...";
}

}  // namespace

std::unique_ptr<sqlite_store::impl> sqlite_store::impl::connect(const sqlite_options& options, logger& log) {
    auto state = std::make_unique<impl>();
    state->path = options.path;
    state->log = &log;
    const std::string file = options.path.string();
    const int rc = sqlite3_open_v2(
        file.c_str(),
        &state->db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
        nullptr
    );
    if (rc != SQLITE_OK) {
        if (state->db == nullptr) {
            throw detail::make_error("cannot open", options.path, sqlite3_errstr(rc), rc);
        }
        detail::throw_sqlite(state->db, "cannot open", options.path);
    }
    // Defensive mode forbids writable_schema and similar ways to corrupt the file from SQL.
    sqlite3_db_config(state->db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    const auto timeout = options.busy_timeout.count();
    sqlite3_busy_timeout(
        state->db,
        timeout > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                                                  : static_cast<int>(timeout < 0 ? 0 : timeout)
    );

    // journal_mode answers with the mode in force: a file system without shared memory stays in "delete".
    const std::string mode = state->text_pragma("PRAGMA journal_mode = WAL", "cannot open");
    if (mode != "wal") {
        throw detail::make_error(
            "cannot open",
            options.path,
            "the database cannot use write-ahead logging (journal mode stays \"" + mode +
                "\"); put it on a local file system",
            0
        );
    }
    state->exec(
        options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", "cannot open"
    );
    state->exec("PRAGMA foreign_keys = ON", "cannot open");
    // After a burst (a large invoice run) the WAL would otherwise keep its peak size on disk until the
    // last connection closes; this truncates it at the next checkpoint reset.
    state->exec("PRAGMA journal_size_limit = 67108864", "cannot open");
    if (state->int_pragma("PRAGMA foreign_keys", "cannot open") != 1) {
        throw detail::make_error(
            "cannot open",
            options.path,
            "this SQLite library does not enforce foreign keys; install libsqlite3-0",
            0
        );
    }
    return state;
}

sqlite_store::sqlite_store(std::unique_ptr<impl> state) noexcept : impl_(std::move(state)) {}
sqlite_store::sqlite_store(sqlite_store&&) noexcept = default;
sqlite_store& sqlite_store::operator=(sqlite_store&&) noexcept = default;
sqlite_store::~sqlite_store() = default;

sqlite_store sqlite_store::open(const sqlite_options& options, logger& log) {
    return open_with_migrations_for_test(options, log, embedded_migrations());
}

sqlite_store sqlite_store::open_with_migrations_for_test(
    const sqlite_options& options, logger& log, std::span<const migration> migrations
) {
    auto state = impl::connect(options, log);
    const std::int64_t version = detail::apply_migrations(state->db, state->path, log, migrations);

    std::int64_t recovered = 0;
    if (options.recover_in_flight) {
        statement probe(
            state->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'outbox'", state->path
        );
        if (probe.step()) {
            probe.reset();
            statement recover(
                state->db, "UPDATE outbox SET state = 'pending' WHERE state = 'in_flight'", state->path
            );
            recover.run();
            recovered = sqlite3_changes64(state->db);
        }
    }
    if (recovered > 0) {
        log.warn(
            "store outbox messages in flight at the last stop will be repeated",
            {{"path", state->path.string()}, {"count", std::to_string(recovered)}}
        );
    }
    log.info(
        "store opened",
        {{"path", state->path.string()},
         {"schema_version", std::to_string(version)},
         {"synchronous", options.synchronous_full ? "full" : "normal"}}
    );
    return sqlite_store(std::move(state));
}

const std::filesystem::path& sqlite_store::path() const noexcept { return impl_->path; }

std::int64_t sqlite_store::schema_version() { return detail::applied_version(impl_->db, impl_->path); }

std::int64_t sqlite_store::latest_schema_version() noexcept { return embedded_migrations().back().version; }

store_status sqlite_store::status() {
    store_status result;
    result.path = impl_->path;
    result.schema_version = schema_version();
    result.journal_mode = impl_->text_pragma("PRAGMA journal_mode");

    std::error_code ec;
    const auto main_bytes = std::filesystem::file_size(impl_->path, ec);
    result.file_bytes = ec ? 0 : main_bytes;
    std::filesystem::path wal = impl_->path;
    wal += "-wal";
    const auto wal_bytes = std::filesystem::file_size(wal, ec);
    result.file_bytes += ec ? 0 : wal_bytes;

    {
        statement_use counts(
            impl_->cached("SELECT state, count(*) FROM outbox WHERE state IN ('pending', 'in_flight', "
                          "'failed') GROUP BY state")
        );
        while (counts->step()) {
            const auto n = static_cast<std::uint64_t>(counts->int_at(1));
            const std::string state = counts->text_at(0);
            if (state == "pending") {
                result.outbox_pending = n;
            } else if (state == "in_flight") {
                result.outbox_in_flight = n;
            } else if (state == "failed") {
                result.outbox_failed = n;
            }
        }
    }
    {
        statement_use last(impl_->cached(
            "SELECT object_name FROM sync_cursors ORDER BY updated_at DESC, object_name LIMIT 1"
        ));
        if (last->step()) {
            result.last_sync = get_sync_cursor(last->text_at(0));
        }
    }
    {
        statement_use run(
            impl_->cached("SELECT id, cutoff_date, state, started_at, finished_at, plans_selected, "
                          "invoices_created, plans_failed"
                          " FROM invoice_runs ORDER BY started_at DESC, id DESC LIMIT 1")
        );
        if (run->step()) {
            invoice_run_info info;
            info.id = run->int_at(0);
            const std::string cutoff = run->text_at(1);
            const auto day = detail::parse_date_text(cutoff);
            if (!day) {
                impl_->corrupt_value("invoice_runs.cutoff_date", cutoff);
            }
            info.cutoff_date = *day;
            info.state = run->text_at(2);
            info.started_at = impl_->instant_at(*run, 3, "invoice_runs.started_at");
            info.finished_at = impl_->optional_instant_at(*run, 4, "invoice_runs.finished_at");
            info.plans_selected = run->int_at(5);
            info.invoices_created = run->int_at(6);
            info.plans_failed = run->int_at(7);
            result.last_run = std::move(info);
        }
    }
    return result;
}

outbox_id sqlite_store::enqueue(
    std::string_view kind, std::string_view idempotency_key, std::string_view payload, instant now
) {
    const std::string at = detail::instant_text(now);
    {
        statement_use insert(
            impl_->cached("INSERT INTO outbox (kind, idempotency_key, payload, state, attempts, "
                          "next_attempt_at, created_at)"
                          " VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4)"
                          " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id")
        );
        insert->bind(1, kind);
        insert->bind(2, idempotency_key);
        insert->bind(3, payload);
        insert->bind(4, at);
        if (insert->step()) {
            const outbox_id id = insert->int_at(0);
            insert->run();
            return id;
        }
    }
    statement_use existing(impl_->cached("SELECT id, kind FROM outbox WHERE idempotency_key = ?1"));
    existing->bind(1, idempotency_key);
    if (!existing->step()) {
        // The conflicting row vanished between the two statements: only possible if someone deletes
        // outbox rows concurrently, which no fakturad code does.
        throw store_error(
            "outbox row for key " + std::string(idempotency_key) + " disappeared during enqueue"
        );
    }
    if (existing->text_at(1) != kind) {
        throw store_error(
            "outbox idempotency key " + std::string(idempotency_key) + " is already used by kind " +
            existing->text_at(1) + ", not " + std::string(kind) +
            "; idempotency keys must be unique across kinds"
        );
    }
    return existing->int_at(0);
}

std::optional<outbox_message> sqlite_store::claim_next(instant now) {
    statement_use claim(
        impl_->cached("UPDATE outbox SET state = 'in_flight', attempts = attempts + 1"
                      " WHERE id = (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1"
                      "             ORDER BY next_attempt_at, id LIMIT 1)"
                      " RETURNING id, kind, idempotency_key, payload, attempts, last_error")
    );
    claim->bind(1, detail::instant_text(now));
    if (!claim->step()) {
        return std::nullopt;
    }
    outbox_message message;
    message.id = claim->int_at(0);
    message.kind = claim->text_at(1);
    message.idempotency_key = claim->text_at(2);
    message.payload = claim->text_at(3);
    message.attempts = claim->int_at(4);
    message.last_error = claim->optional_text_at(5);
    claim->run();
    return message;
}

void sqlite_store::mark_done(outbox_id id, instant now) {
    statement_use done(
        impl_->cached("UPDATE outbox SET state = 'done', done_at = ?2, last_error = NULL WHERE id = ?1 AND "
                      "state = 'in_flight'")
    );
    done->bind(1, id);
    done->bind(2, detail::instant_text(now));
    done->run();
    if (sqlite3_changes64(impl_->db) != 1) {
        throw store_error(
            "outbox message " + std::to_string(id) + " is not in flight; it cannot be marked done"
        );
    }
}

void sqlite_store::mark_failed(outbox_id id, std::string_view error, std::optional<instant> retry_at) {
    statement_use failed(
        impl_->cached("UPDATE outbox SET state = CASE WHEN ?3 IS NULL THEN 'failed' ELSE 'pending' END,"
                      " next_attempt_at = coalesce(?3, next_attempt_at), last_error = ?2"
                      " WHERE id = ?1 AND state = 'in_flight'")
    );
    failed->bind(1, id);
    failed->bind(2, truncate_error(error));
    if (retry_at) {
        failed->bind(3, detail::instant_text(*retry_at));
    } else {
        failed->bind_null(3);
    }
    failed->run();
    if (sqlite3_changes64(impl_->db) != 1) {
        throw store_error(
            "outbox message " + std::to_string(id) + " is not in flight; it cannot be marked failed"
        );
    }
}

std::optional<sync_cursor_info> sqlite_store::get_sync_cursor(std::string_view object_name) {
    statement_use get(
        impl_->cached("SELECT object_name, last_system_modstamp, last_record_id, last_replay_id, updated_at,"
                      " mapping_digest FROM sync_cursors WHERE object_name = ?1")
    );
    get->bind(1, object_name);
    if (!get->step()) {
        return std::nullopt;
    }
    sync_cursor_info cursor;
    cursor.object_name = get->text_at(0);
    cursor.last_system_modstamp = impl_->optional_instant_at(*get, 1, "sync_cursors.last_system_modstamp");
    cursor.last_record_id = get->optional_text_at(2);
    cursor.last_replay_id = get->optional_text_at(3);
    cursor.updated_at = impl_->instant_at(*get, 4, "sync_cursors.updated_at");
    cursor.mapping_digest = get->optional_text_at(5);
    return cursor;
}

void sqlite_store::put_sync_cursor(const sync_cursor_info& cursor) {
    statement_use put(impl_->cached(
        "INSERT INTO sync_cursors (object_name, last_system_modstamp, last_record_id, last_replay_id, "
        "updated_at, mapping_digest)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT (object_name) DO UPDATE SET last_system_modstamp = excluded.last_system_modstamp,"
        " last_record_id = excluded.last_record_id, last_replay_id = excluded.last_replay_id,"
        " updated_at = excluded.updated_at, mapping_digest = excluded.mapping_digest"
    ));
    put->bind(1, cursor.object_name);
    if (cursor.last_system_modstamp) {
        put->bind(2, detail::instant_text(*cursor.last_system_modstamp));
    } else {
        put->bind_null(2);
    }
    put->bind(3, cursor.last_record_id);
    put->bind(4, cursor.last_replay_id);
    put->bind(5, detail::instant_text(cursor.updated_at));
    put->bind(6, cursor.mapping_digest);
    put->run();
}

checkpoint_result sqlite_store::checkpoint() {
    int wal_frames = 0;
    int checkpointed = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(impl_->db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &checkpointed);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        detail::throw_sqlite(impl_->db, "cannot checkpoint", impl_->path);
    }
    return {rc == SQLITE_BUSY, wal_frames, checkpointed};
}

std::vector<std::string> sqlite_store::integrity_check() {
    std::vector<std::string> problems;
    statement check(impl_->db, "PRAGMA integrity_check", impl_->path);
    while (check.step()) {
        std::string line = check.text_at(0);
        if (line != "ok") {
            problems.push_back(std::move(line));
        }
    }
    return problems;
}

std::vector<std::string> sqlite_store::foreign_key_check() {
    std::vector<std::string> problems;
    statement check(impl_->db, "PRAGMA foreign_key_check", impl_->path);
    while (check.step()) {
        problems.push_back(
            check.text_at(0) + " rowid " + (check.is_null(1) ? std::string("?") : check.text_at(1)) + " -> " +
            check.text_at(2)
        );
    }
    return problems;
}

void sqlite_store::execute_for_test(std::string_view sql) { impl_->exec(sql, "cannot write to"); }

std::vector<std::vector<std::optional<std::string>>> sqlite_store::query_for_test(std::string_view sql) {
    std::vector<std::vector<std::optional<std::string>>> rows;
    statement query(impl_->db, sql, impl_->path);
    while (query.step()) {
        auto& row = rows.emplace_back();
        for (int column = 0; column < query.column_count(); ++column) {
            row.push_back(query.optional_text_at(column));
        }
    }
    return rows;
}

transaction::transaction(sqlite_store& store) : store_(store.impl_.get()) {
    store_->exec("BEGIN IMMEDIATE", "cannot start a write transaction on");
}

transaction::~transaction() {
    if (done_ || sqlite3_get_autocommit(store_->db) != 0) {
        // Committed, or SQLite already rolled back on its own (after SQLITE_FULL, SQLITE_IOERR, ...).
        return;
    }
    if (sqlite3_exec(store_->db, "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK) {
        store_->log->error(
            "store rollback failed", {{"path", store_->path.string()}, {"err", sqlite3_errmsg(store_->db)}}
        );
    }
}

void transaction::commit() {
    store_->exec("COMMIT", "cannot commit a transaction to");
    done_ = true;
}

}  // namespace fakturad::store
