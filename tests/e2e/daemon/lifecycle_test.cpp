// End-to-end: the real fakturad and fakturactl binaries, a temporary config, signals and sockets.

#include "control_client.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>

namespace fakturad::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string fakturad_bin = std::string(FAKTURAD_BINARY_DIR) + "/bin/fakturad";
const std::string fakturactl_bin = std::string(FAKTURAD_BINARY_DIR) + "/bin/fakturactl";

class DaemonLifecycle : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "fakturad-e2e-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        config_ = dir_ / "fakturad.yaml";
        write_config("info");
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    void write_config(const std::string& level, const std::string& extra = "") const {
        std::ofstream out(config_, std::ios::trunc);
        out << "instance:\n  name: e2e\n"
            << "log:\n  level: " << level << "\n"
            << "daemon:\n  shutdown_grace: 5s\n"
            << "store:\n  path: state.sqlite\n"
            << "control:\n  socket: control.sock\n"
            << extra;
    }
    void write_broken_config() const {
        std::ofstream out(config_, std::ios::trunc);
        out << "store:\n  path: [unclosed\n";
    }

    [[nodiscard]] std::string broken_error() const {
        return config_.string() + ":3:1: YAML syntax error: end of sequence flow not found";
    }

    child_process start_daemon(const std::map<std::string, std::string>& env = {}) const {
        return child_process::start({fakturad_bin, "--config", config_.string()}, log_path(), env);
    }
    [[nodiscard]] fs::path log_path() const { return dir_ / "daemon.log"; }
    [[nodiscard]] fs::path socket_path() const { return dir_ / "control.sock"; }

    [[nodiscard]] std::optional<daemon::control_reply> status() const {
        try {
            return daemon::control_call(socket_path(), "GET", "/v1/status", "", 2s);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    [[nodiscard]] bool running() const {
        auto reply = status();
        return reply && reply->status == 200 && reply->body.find(R"("state":"running")") != std::string::npos;
    }

    fs::path dir_;
    fs::path config_;
};

TEST_F(DaemonLifecycle, StartsAnswersStatusAndStopsCleanlyOnSigterm) {
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());

    const auto text = run_to_end({fakturactl_bin, "--socket", socket_path().string(), "status"}, dir_);
    EXPECT_EQ(text.exit_status, 0) << text.output;
    EXPECT_NE(text.output.find("state       running, pid " + std::to_string(daemon.pid())), std::string::npos)
        << text.output;
    EXPECT_NE(text.output.find("store       sqlite "), std::string::npos) << text.output;
    EXPECT_NE(text.output.find("last run    never"), std::string::npos) << text.output;

    const auto json = run_to_end({fakturactl_bin, "--config", config_.string(), "status", "--json"}, dir_);
    EXPECT_EQ(json.exit_status, 0) << json.output;
    EXPECT_NE(json.output.find(R"("journal_mode":"wal")"), std::string::npos) << json.output;

    daemon.send_signal(SIGTERM);
    const auto exit_status = daemon.wait_for_exit(15s);
    ASSERT_TRUE(exit_status.has_value()) << "daemon did not stop within 15s";
    EXPECT_EQ(*exit_status, 0) << read_file(log_path());
    EXPECT_FALSE(fs::exists(socket_path())) << "socket file left behind";
    const auto log = read_file(log_path());
    EXPECT_NE(log.find("stop requested signal=SIGTERM"), std::string::npos) << log;
    EXPECT_NE(log.find("stopped exit_code=0"), std::string::npos) << log;
}

TEST_F(DaemonLifecycle, IdleControlConnectionDoesNotHoldUpTheStop) {
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
    // A client that connects and sends half a request, then waits.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path().c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string partial = "GET /v1/status HTTP/1.1\r\nHost: x\r\n";
    ASSERT_EQ(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL), static_cast<ssize_t>(partial.size()));

    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0)) << read_file(log_path());
    ::close(fd);
    const auto log = read_file(log_path());
    EXPECT_EQ(log.find("grace period over"), std::string::npos) << log;
    EXPECT_NE(log.find("stopped exit_code=0"), std::string::npos) << log;
}

TEST_F(DaemonLifecycle, SigintStopsToo) {
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
    daemon.send_signal(SIGINT);
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0)) << read_file(log_path());
}

TEST_F(DaemonLifecycle, SighupWithBrokenConfigKeepsTheRunningOne) {
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());

    write_broken_config();
    daemon.send_signal(SIGHUP);
    ASSERT_TRUE(eventually([&] {
        auto reply = status();
        return reply && reply->body.find(R"("reloads_failed":1)") != std::string::npos;
    })) << read_file(log_path());
    EXPECT_TRUE(running());
    const auto text = run_to_end({fakturactl_bin, "--socket", socket_path().string(), "status"}, dir_);
    EXPECT_NE(text.output.find("last reload failed: 1 error(s), first: " + broken_error()), std::string::npos)
        << text.output;
    auto log = read_file(log_path());
    EXPECT_NE(log.find("reload rejected; keeping the running configuration"), std::string::npos) << log;

    // A good config afterwards is taken, and the error is cleared.
    write_config("debug");
    daemon.send_signal(SIGHUP);
    ASSERT_TRUE(eventually([&] {
        auto reply = status();
        return reply && reply->body.find(R"("reloads_ok":1)") != std::string::npos &&
               reply->body.find(R"("last_reload_error":null)") != std::string::npos;
    })) << read_file(log_path());

    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0));
}

TEST_F(DaemonLifecycle, ReloadWarnsAboutSettingsThatNeedARestart) {
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
    {
        std::ofstream out(config_, std::ios::trunc);
        out << "log:\n  level: info\nstore:\n  path: other.sqlite\ncontrol:\n  socket: control.sock\n";
    }
    daemon.send_signal(SIGHUP);
    ASSERT_TRUE(eventually([&] {
        return read_file(log_path()).find("changed setting takes effect after a restart key=store") !=
               std::string::npos;
    })) << read_file(log_path());
    EXPECT_TRUE(running());
    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0));
}

// A datagram socket standing in for systemd's notification socket.
class notify_socket {
public:
    explicit notify_socket(const fs::path& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            throw std::runtime_error("bind notify socket failed");
        }
        timeval tv{0, 100'000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~notify_socket() { ::close(fd_); }
    notify_socket(const notify_socket&) = delete;
    notify_socket& operator=(const notify_socket&) = delete;

    // Collects messages until one contains `needle` (true) or the timeout passes (false).
    bool wait_for(const std::string& needle, std::chrono::milliseconds timeout = 15s) {
        return eventually(
            [&] {
                char buf[4096];
                const auto n = ::recv(fd_, buf, sizeof buf, 0);
                if (n > 0) {
                    messages.emplace_back(buf, static_cast<std::size_t>(n));
                }
                for (const auto& m : messages) {
                    if (m.find(needle) != std::string::npos) {
                        return true;
                    }
                }
                return false;
            },
            timeout
        );
    }
    void clear() { messages.clear(); }

    std::vector<std::string> messages;

private:
    fs::path path_;
    int fd_ = -1;
};

TEST_F(DaemonLifecycle, TellsTheServiceManagerReadyReloadingWatchdogAndStopping) {
    notify_socket notify(dir_ / "notify.sock");
    auto daemon =
        start_daemon({{"NOTIFY_SOCKET", (dir_ / "notify.sock").string()}, {"WATCHDOG_USEC", "200000"}});
    ASSERT_TRUE(notify.wait_for("READY=1")) << read_file(log_path());
    EXPECT_TRUE(notify.wait_for("STATUS=running"));
    notify.clear();
    ASSERT_TRUE(notify.wait_for("WATCHDOG=1", 5s)) << "no watchdog ping within 5s";
    ASSERT_TRUE(notify.wait_for("WATCHDOG=1", 5s));

    notify.clear();
    daemon.send_signal(SIGHUP);
    EXPECT_TRUE(notify.wait_for("RELOADING=1"));
    EXPECT_TRUE(notify.wait_for("READY=1"));

    notify.clear();
    daemon.send_signal(SIGTERM);
    EXPECT_TRUE(notify.wait_for("STOPPING=1"));
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0));
}

TEST_F(DaemonLifecycle, SecondDaemonOnTheSameStoreIsRefused) {
    auto first = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
    const auto second = run_to_end({fakturad_bin, "--config", config_.string()}, dir_);
    EXPECT_EQ(second.exit_status, 1);
    EXPECT_NE(
        second.output.find(
            "another fakturad (pid " + std::to_string(first.pid()) + ") already uses the store"
        ),
        std::string::npos
    ) << second.output;
    EXPECT_TRUE(running()) << "the first daemon must not be disturbed";
    first.send_signal(SIGTERM);
    EXPECT_EQ(first.wait_for_exit(15s), std::optional<int>(0));
}

TEST_F(DaemonLifecycle, StaleSocketFileFromAKilledDaemonIsReplaced) {
    {
        auto daemon = start_daemon();
        ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
        daemon.send_signal(SIGKILL);
        EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(128 + SIGKILL));
    }
    ASSERT_TRUE(fs::exists(socket_path()));
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0));
}

std::string http_get_tcp(std::uint16_t port, const std::string& target) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {};
    }
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string response;
    char buf[4096];
    for (;;) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        response.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return response;
}

TEST_F(DaemonLifecycle, LoopbackListenerServesHealthAndMetricsOnly) {
    write_config("info", "  http_listen: 127.0.0.1:0\n");
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
    std::smatch m;
    const auto log = read_file(log_path());
    const std::regex port_re("health and metrics listening address=127\\.0\\.0\\.1 port=([0-9]+)");
    ASSERT_TRUE(std::regex_search(log, m, port_re)) << log;
    const auto port = static_cast<std::uint16_t>(std::stoi(m[1].str()));

    const auto health = http_get_tcp(port, "/healthz");
    EXPECT_TRUE(health.starts_with("HTTP/1.1 200 OK")) << health;
    EXPECT_TRUE(health.ends_with("\r\n\r\nok\n")) << health;

    const auto metrics = http_get_tcp(port, "/metrics");
    EXPECT_TRUE(metrics.starts_with("HTTP/1.1 200 OK")) << metrics;
    EXPECT_NE(metrics.find("Content-Type: text/plain; version=0.0.4"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("# TYPE fakturad_build_info gauge"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("fakturad_outbox_pending 0"), std::string::npos) << metrics;

    const auto status_over_tcp = http_get_tcp(port, "/v1/status");
    EXPECT_TRUE(status_over_tcp.starts_with("HTTP/1.1 404")) << status_over_tcp;

    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0));
}

TEST_F(DaemonLifecycle, UnknownEndpointAndMethodGetJsonErrors) {
    auto daemon = start_daemon();
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
    const auto missing = daemon::control_call(socket_path(), "GET", "/v1/nothing\"here", "", 2s);
    EXPECT_EQ(missing.status, 404U);
    EXPECT_EQ(missing.body, R"({"error":"unknown endpoint /v1/nothing\"here"})");
    const auto post = daemon::control_call(socket_path(), "DELETE", "/v1/status", "", 2s);
    EXPECT_EQ(post.status, 405U);
    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0));
}

TEST_F(DaemonLifecycle, BadConfigRefusesToStartWithLocatedErrors) {
    write_broken_config();
    const auto run = run_to_end({fakturad_bin, "--config", config_.string()}, dir_);
    EXPECT_EQ(run.exit_status, 78) << run.output;
    EXPECT_NE(
        run.output.find(broken_error() + "\n1 error in the configuration; nothing was started\n"),
        std::string::npos
    ) << run.output;

    const auto check = run_to_end({fakturad_bin, "--check-config", "--config", config_.string()}, dir_);
    EXPECT_EQ(check.exit_status, 78) << check.output;
    const auto ctl = run_to_end({fakturactl_bin, "config", "check", config_.string()}, dir_);
    EXPECT_EQ(ctl.exit_status, 1) << ctl.output;
    EXPECT_NE(ctl.output.find(broken_error()), std::string::npos) << ctl.output;
}

TEST_F(DaemonLifecycle, PrintConfigHidesSecrets) {
    write_config(
        "info",
        "salesforce:\n  instance_url: https://acme.my.salesforce.com\n  auth:\n    flow: client_credentials\n"
        "    client_id: 3MVG9-demo\n    client_secret_env: E2E_SF_SECRET\n"
    );
    const std::map<std::string, std::string> env{{"E2E_SF_SECRET", "s3cr3t-value-never-printed"}};
    const auto run = run_to_end({fakturad_bin, "--print-config", "--config", config_.string()}, dir_, env);
    EXPECT_EQ(run.exit_status, 0) << run.output;
    EXPECT_EQ(run.output.find("s3cr3t-value-never-printed"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("***"), std::string::npos) << run.output;

    const auto check = run_to_end({fakturad_bin, "--check-config", "--config", config_.string()}, dir_, env);
    EXPECT_EQ(check.exit_status, 0) << check.output;
    EXPECT_EQ(check.output, "configuration ok: " + config_.string() + "\n");

    // And the running daemon never logs it either.
    auto daemon = start_daemon(env);
    ASSERT_TRUE(eventually([&] { return running(); })) << read_file(log_path());
    const auto status_json = status();
    ASSERT_TRUE(status_json);
    EXPECT_EQ(status_json->body.find("s3cr3t"), std::string::npos);
    daemon.send_signal(SIGTERM);
    EXPECT_EQ(daemon.wait_for_exit(15s), std::optional<int>(0));
    EXPECT_EQ(read_file(log_path()).find("s3cr3t"), std::string::npos);
}

TEST(Fakturactl, MissingDaemonIsAClearErrorWithExitCode3) {
    const auto dir = fs::temp_directory_path();
    const auto run = run_to_end({fakturactl_bin, "--socket", "/nonexistent/fakturad.sock", "status"}, dir);
    EXPECT_EQ(run.exit_status, 3) << run.output;
    EXPECT_EQ(
        run.output,
        "fakturactl: cannot reach fakturad at /nonexistent/fakturad.sock: no control socket there; is the "
        "daemon "
        "running (systemctl status fakturad)? Use --socket or --config to point at another one\n"
    );
}

TEST(Fakturactl, UnknownCommandIsAUsageError) {
    const auto dir = fs::temp_directory_path();
    const auto run = run_to_end({fakturactl_bin, "frobnicate"}, dir);
    EXPECT_EQ(run.exit_status, 2) << run.output;
    EXPECT_NE(run.output.find("Run 'fakturactl --help' for the list of commands."), std::string::npos)
        << run.output;
    const auto none = run_to_end({fakturactl_bin}, dir);
    EXPECT_EQ(none.exit_status, 2) << none.output;
}

TEST(Fakturad, VersionAndMissingConfig) {
    const auto dir = fs::temp_directory_path();
    const auto version = run_to_end({fakturad_bin, "--version"}, dir);
    EXPECT_EQ(version.exit_status, 0);
    EXPECT_TRUE(version.output.starts_with("fakturad 0.")) << version.output;
    const auto missing = run_to_end({fakturad_bin}, dir);
    EXPECT_EQ(missing.exit_status, 2);
    EXPECT_NE(missing.output.find("--config PATH is required"), std::string::npos) << missing.output;
    const auto absent = run_to_end({fakturad_bin, "--config", "/nonexistent/fakturad.yaml"}, dir);
    EXPECT_EQ(absent.exit_status, 78) << absent.output;
    EXPECT_NE(absent.output.find("/nonexistent/fakturad.yaml: cannot read config file"), std::string::npos)
        << absent.output;
}

}  // namespace
}  // namespace fakturad::testing
