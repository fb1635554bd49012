#pragma once
// One daemon per store: an exclusive flock(2) on "<store>.lock", held for the daemon's lifetime.
// Two daemons on one SQLite file would each believe they own the number ranges and the outbox.

#include <filesystem>

namespace fakturad::daemon {

class instance_lock {
public:
    // Throws std::runtime_error naming the lock file (and the holder's pid when known) if it is taken.
    explicit instance_lock(const std::filesystem::path& store_path);
    ~instance_lock();
    instance_lock(const instance_lock&) = delete;
    instance_lock& operator=(const instance_lock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace fakturad::daemon
