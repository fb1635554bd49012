#include "instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace fakturad::daemon {

instance_lock::instance_lock(const std::filesystem::path& store_path) {
    const std::string path = store_path.string() + ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) {
        const int err = errno;
        throw std::runtime_error(
            "cannot open lock file " + path + ": " + std::strerror(err) +
            "; check that the store directory exists and is writable"
        );
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        char holder[32] = {};
        const auto n = ::pread(fd_, holder, sizeof holder - 1, 0);
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK) {
            std::string who =
                n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : std::string("unknown");
            while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) {
                who.pop_back();
            }
            throw std::runtime_error(
                "another fakturad (pid " + who + ") already uses the store " + store_path.string() +
                "; stop it first or point store.path elsewhere"
            );
        }
        throw std::runtime_error("cannot lock " + path + ": " + std::strerror(err));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        (void)::pwrite(fd_, pid.data(), pid.size(), 0);
    }
}

instance_lock::~instance_lock() {
    if (fd_ >= 0) {
        ::close(fd_);  // releases the flock; the file stays, harmlessly, for the next start
    }
}

}  // namespace fakturad::daemon
