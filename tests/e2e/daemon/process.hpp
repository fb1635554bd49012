#pragma once
// Runs a program of the build as a child process, for end-to-end tests of the real binaries.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::testing {

class child_process {
public:
    // Starts `argv[0]` with the current environment plus `env` (which overrides), stdout and stderr
    // appended to `output`.  Throws std::runtime_error when the program cannot be started.
    static child_process start(
        const std::vector<std::string>& argv,
        const std::filesystem::path& output,
        const std::map<std::string, std::string>& env = {}
    );

    child_process(child_process&& other) noexcept;
    child_process& operator=(child_process&&) = delete;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process();  // kills (SIGKILL) and reaps a child that is still running

    void send_signal(int signal) const;

    // The exit status (or 128 + signal number) once the child has ended; nullopt after `timeout`.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

    [[nodiscard]] pid_t pid() const { return pid_; }

private:
    explicit child_process(pid_t pid) : pid_(pid) {}
    pid_t pid_ = -1;
    std::optional<int> exit_status_;
};

// Runs a program to its end and returns {exit status, stdout+stderr}.
struct run_result {
    int exit_status;
    std::string output;
};
run_result run_to_end(
    const std::vector<std::string>& argv,
    const std::filesystem::path& scratch_dir,
    const std::map<std::string, std::string>& env = {}
);

std::string read_file(const std::filesystem::path& path);

// The port a server of the build (sf-emulator, the other emulators) names in its `log` with its first line
// "listening on 127.0.0.1:PORT"; empty before it listens.
std::string listening_port_in(const std::filesystem::path& log);

// Polls `condition` every 20 ms until it holds or `timeout` passes.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace fakturad::testing

#include <thread>

template <typename Condition>
bool fakturad::testing::eventually(Condition condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (condition()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}
