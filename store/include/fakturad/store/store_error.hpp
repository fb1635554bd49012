#pragma once
// The one exception type of the store.
//
// A store_error means "the store could not do what was asked and nothing was half done": the statement or
// transaction that failed has been rolled back by SQLite or by `transaction`.  Its message is written for an
// operator: it names the database file, quotes SQLite's message and says what to do, e.g.
//   cannot open /var/lib/fakturad/fakturad.sqlite: unable to open database file; check that the directory
//   exists and is writable by the fakturad user
// Expected domain outcomes (a duplicate idempotency key, an absent cursor) are not errors; they are return
// values of the typed API.

#include <stdexcept>
#include <string>

namespace fakturad::store {

class store_error : public std::runtime_error {
public:
    // `sqlite_code` is SQLite's extended result code (e.g. 2067 = SQLITE_CONSTRAINT_UNIQUE), or 0 when the
    // error did not come from SQLite (a newer schema, a changed migration, a broken invariant).
    explicit store_error(const std::string& message, int sqlite_code = 0)
        : std::runtime_error(message), sqlite_code_(sqlite_code) {}

    [[nodiscard]] int sqlite_code() const noexcept { return sqlite_code_; }

    // True when a CHECK, UNIQUE, NOT NULL or FOREIGN KEY constraint of the schema refused the write.
    [[nodiscard]] bool is_constraint_violation() const noexcept { return (sqlite_code_ & 0xff) == 19; }

private:
    int sqlite_code_;
};

}  // namespace fakturad::store
