#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

extern char** environ;  // NOLINT(readability-redundant-declaration) POSIX provides no header for it

namespace fakturad::testing {

child_process child_process::start(
    const std::vector<std::string>& argv,
    const std::filesystem::path& output,
    const std::map<std::string, std::string>& env
) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string::npos) {
            merged[entry.substr(0, eq)] = entry.substr(eq + 1);
        }
    }
    for (const auto& [k, v] : env) {
        merged[k] = v;
    }
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : merged) {
        env_strings.push_back(k + "=" + v);
    }
    std::vector<char*> envp;
    for (auto& s : env_strings) {
        envp.push_back(s.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& a : args) {
        argp.push_back(a.data());
    }
    argp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + argv.at(0) + ": " + std::strerror(rc));
    }
    return child_process(pid);
}

child_process::child_process(child_process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_status_(other.exit_status_) {}

child_process::~child_process() {
    if (pid_ > 0 && !exit_status_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

void child_process::send_signal(int signal) const { ::kill(pid_, signal); }

std::optional<int> child_process::wait_for_exit(std::chrono::milliseconds timeout) {
    if (exit_status_) {
        return exit_status_;
    }
    const bool ended = eventually(
        [this] {
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) {
                exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                return true;
            }
            return false;
        },
        timeout
    );
    return ended ? exit_status_ : std::nullopt;
}

std::string listening_port_in(const std::filesystem::path& log) {
    const std::string text = read_file(log);
    const std::string prefix = "listening on 127.0.0.1:";
    const auto at = text.find(prefix);
    const auto end = at == std::string::npos ? std::string::npos : text.find('\n', at);
    return end == std::string::npos ? std::string()
                                    : text.substr(at + prefix.size(), end - at - prefix.size());
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

run_result run_to_end(
    const std::vector<std::string>& argv,
    const std::filesystem::path& scratch_dir,
    const std::map<std::string, std::string>& env
) {
    static std::atomic<int> counter{0};
    const auto output = scratch_dir / ("fakturad-run-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(counter++) + ".out");
    std::filesystem::remove(output);
    auto child = child_process::start(argv, output, env);
    const auto status = child.wait_for_exit(std::chrono::seconds(30));
    if (!status) {
        throw std::runtime_error("program did not end within 30s: " + argv.at(0));
    }
    auto text = read_file(output);
    std::filesystem::remove(output);
    return {*status, std::move(text)};
}

}  // namespace fakturad::testing
