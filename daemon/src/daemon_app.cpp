#include "daemon_app.hpp"

#include "control_server.hpp"
#include "fakturad/config/loader.hpp"
#include "fakturad/core/metrics.hpp"
#include "fakturad/core/units.hpp"
#include "fakturad/core/vat_id.hpp"
#include "fakturad/core/version.hpp"
#include "fakturad/daemon/control_protocol.hpp"
#include "fakturad/net/http_client.hpp"
#include "fakturad/salesforce/client.hpp"
#include "fakturad/store/sqlite_store.hpp"
#include "fakturad/store/vat_check_store.hpp"
#include "fakturad/vies/client.hpp"
#include "instance_lock.hpp"
#include "salesforce_writeback.hpp"
#include "status_report.hpp"
#include "stderr_logger.hpp"
#include "system_clock.hpp"
#include "systemd_notifier.hpp"
#include "task_group.hpp"
#include "vat_check_job.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>

namespace fakturad::daemon {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(use_awaitable);
// WAL checkpoints keep the -wal file small between bursts of writes; SQLite also checkpoints on its own
// at 1000 pages, this covers quiet periods.
constexpr std::chrono::minutes maintenance_interval{5};
constexpr std::chrono::seconds writeback_interval{2};

log_format to_log_format(const config::settings& s) {
    return s.log.format == decltype(s.log.format)::json ? log_format::json : log_format::text;
}

bool under_journald() { return std::getenv("JOURNAL_STREAM") != nullptr; }

void print_errors(const config::load_result& result) {
    for (const auto& d : result.errors) {
        std::cerr << d.to_string() << '\n';
    }
    std::cerr << result.errors.size() << (result.errors.size() == 1 ? " error" : " errors")
              << " in the configuration; nothing was started\n";
}

std::string format_civil_date(std::chrono::year_month_day d) {
    char buf[16];
    std::snprintf(
        buf,
        sizeof buf,
        "%04d-%02u-%02u",
        static_cast<int>(d.year()),
        static_cast<unsigned>(d.month()),
        static_cast<unsigned>(d.day())
    );
    return buf;
}

// {"error": "..."} with the text escaped; request targets and exception texts are untrusted.
std::string error_body(std::string_view text) {
    return boost::json::serialize(boost::json::object{{"error", text}});
}

std::string error_text(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "unknown exception";
    }
}

class daemon_app {
public:
    daemon_app(std::shared_ptr<const config::settings> cfg, stderr_logger& log)
        : pool_(cfg->daemon.worker_threads),
          store_strand_(asio::make_strand(pool_)),
          tasks_(ioc_.get_executor()),
          config_(std::move(cfg)),
          log_(log),
          started_at_(clock_.now()),
          started_mono_(clock_.monotonic()),
          config_loaded_at_(started_at_),
          reloads_ok_(metrics_.counter(
              "fakturad_config_reloads_total", "Configuration reloads by outcome.", {{"result", "ok"}}
          )),
          reloads_failed_(metrics_.counter(
              "fakturad_config_reloads_total", "Configuration reloads by outcome.", {{"result", "failed"}}
          )),
          uptime_(metrics_.gauge("fakturad_uptime_seconds", "Seconds since the daemon started.")),
          outbox_pending_(metrics_.gauge("fakturad_outbox_pending", "Outbox entries waiting to be sent.")) {
        metrics_
            .gauge(
                "fakturad_build_info",
                "Build identity; the value is always 1.",
                {{"version", std::string(version())}, {"revision", std::string(source_revision())}}
            )
            .set(1);
        metrics_.gauge("fakturad_start_time_seconds", "Start time of the daemon, seconds since the epoch.")
            .set(std::chrono::duration_cast<std::chrono::seconds>(started_at_.time_since_epoch()).count());
    }

    int run();

private:
    template <typename F>
    awaitable<std::invoke_result_t<F, store::sqlite_store&>> on_store(F work) {
        using result_type = std::invoke_result_t<F, store::sqlite_store&>;
        // The store connection is used by one thread at a time: the strand on the pool.  The lambda is
        // named before the co_await: GCC 12 destroys lambda temporaries in co_await expressions twice.
        auto job = [this, work = std::move(work)]() -> awaitable<result_type> { co_return work(*store_); };
        co_return co_await asio::co_spawn(store_strand_, std::move(job), use_awaitable);
    }

    awaitable<void> main_loop();
    awaitable<void> watchdog_loop();
    awaitable<void> maintenance_loop();
    awaitable<void> vat_check_loop();
    awaitable<void> writeback_loop();
    awaitable<bool> writeback_batch();
    awaitable<void> run_vat_checks();
    awaitable<void> reload();
    awaitable<void> shutdown();
    awaitable<control_response> handle(control_request request);
    awaitable<status_snapshot> snapshot();
    void spawn_owned(std::string_view name, awaitable<void> task);
    void warn_restart_only_changes(const config::settings& next) const;
    std::unique_ptr<salesforce::client> make_salesforce_client(const config::salesforce_settings& sf);

    asio::io_context ioc_{1};
    asio::thread_pool pool_;
    asio::strand<asio::thread_pool::executor_type> store_strand_;
    task_group tasks_;
    std::shared_ptr<const config::settings> config_;
    stderr_logger& log_;
    system_clock clock_;
    systemd_notifier notifier_;
    metrics_registry metrics_;
    std::unique_ptr<instance_lock> lock_;
    std::unique_ptr<store::sqlite_store> store_;
    std::unique_ptr<control_server> control_;
    // VIES (config `vies`): its HTTP client, connector and jitter source live as long as the daemon.
    std::unique_ptr<net::http_client> vies_http_;
    std::unique_ptr<vies::client> vies_;
    std::unique_ptr<vies::seeded_random> vies_random_;
    // Salesforce (config `salesforce`): the connector the outbox's write-back uses.
    std::unique_ptr<net::http_client> sf_http_;
    std::unique_ptr<salesforce::random_source> sf_random_;
    std::unique_ptr<salesforce::client> sf_;
    std::string state_ = "starting";
    instant started_at_;
    std::chrono::steady_clock::time_point started_mono_;
    instant config_loaded_at_;
    std::string last_reload_error_;
    counter_metric& reloads_ok_;
    counter_metric& reloads_failed_;
    gauge_metric& uptime_;
    gauge_metric& outbox_pending_;
    int exit_code_ = exit_ok;
};

void daemon_app::spawn_owned(std::string_view name, awaitable<void> task) {
    asio::co_spawn(ioc_, std::move(task), tasks_.adapt([this, job = std::string(name)](std::exception_ptr e) {
        if (e) {
            log_.error("background job failed", {{"job", job}, {"err", error_text(e)}});
        }
    }));
}

int daemon_app::run() {
    const auto& cfg = *config_;
    try {
        lock_ = std::make_unique<instance_lock>(cfg.store.path);
        store_ = std::make_unique<store::sqlite_store>(store::sqlite_store::open(
            store::sqlite_options{cfg.store.path, cfg.store.busy_timeout, cfg.store.synchronous_full}, log_
        ));
        control_ = std::make_unique<control_server>(
            ioc_.get_executor(),
            [this](control_request r) { return handle(std::move(r)); },
            tasks_,
            log_,
            cfg.control.request_timeout
        );
        if (cfg.salesforce) {
            sf_ = make_salesforce_client(*cfg.salesforce);
        }
        if (cfg.vies) {
            net::http_client_options http_options;
            http_options.ca_file = cfg.vies->ca_file;
            vies_http_ = std::make_unique<net::http_client>(ioc_.get_executor(), http_options);
            vies::client_options options;
            options.which =
                cfg.vies->api == config::vies_settings::api_kind::rest ? vies::api::rest : vies::api::soap;
            options.soap_url = cfg.vies->soap_url;
            options.rest_url = cfg.vies->rest_url;
            options.timeout = cfg.vies->timeout;
            if (!cfg.vies->requester_vat_id.empty()) {
                const auto requester = check_vat_id(cfg.vies->requester_vat_id);
                if (!requester.valid()) {
                    throw std::runtime_error(
                        "vies.requester_vat_id " + cfg.vies->requester_vat_id +
                        " is not a valid VAT ID: " + requester.detail
                    );
                }
                options.requester = requester.id;
            }
            vies_ = std::make_unique<vies::client>(*vies_http_, options);
            vies_random_ = std::make_unique<vies::seeded_random>(std::random_device{}());
        }
        control_->listen_unix(cfg.control.socket, cfg.control.socket_mode);
        if (cfg.control.http_listen) {
            const auto port =
                control_->listen_tcp(cfg.control.http_listen->host, cfg.control.http_listen->port);
            log_.info(
                "health and metrics listening",
                {{"address", cfg.control.http_listen->host}, {"port", std::to_string(port)}}
            );
        }
    } catch (const std::exception& e) {
        log_.error("start-up failed", {{"err", e.what()}});
        return exit_failure;
    }

    asio::co_spawn(ioc_, main_loop(), [this](std::exception_ptr e) {
        if (e) {
            log_.error("daemon failed", {{"err", error_text(e)}});
            exit_code_ = exit_failure;
            ioc_.stop();
        }
    });
    ioc_.run();

    pool_.join();
    try {
        store_->checkpoint();
    } catch (const std::exception& e) {
        log_.warn("final checkpoint failed", {{"err", e.what()}});
    }
    store_.reset();
    log_.info("stopped", {{"exit_code", std::to_string(exit_code_)}});
    return exit_code_;
}

awaitable<void> daemon_app::main_loop() {
    asio::signal_set signals(ioc_, SIGTERM, SIGINT, SIGHUP);
    control_->start();
    spawn_owned("maintenance", maintenance_loop());
    if (vies_) {
        spawn_owned("vat-checks", vat_check_loop());
    }
    if (sf_) {
        spawn_owned("salesforce-writeback", writeback_loop());
    }
    if (notifier_.watchdog_ping_interval()) {
        spawn_owned("watchdog", watchdog_loop());
    }

    const std::shared_ptr<const config::settings> cfg_ptr = config_;
    const auto& cfg = *cfg_ptr;
    state_ = "running";
    log_.info(
        "started",
        {{"version", std::string(version())},
         {"config", cfg.source_file.string()},
         {"store", cfg.store.path.string()},
         {"socket", cfg.control.socket.string()},
         {"pid", std::to_string(::getpid())}}
    );
    notifier_.ready("running");

    for (;;) {
        auto [ec, signal] = co_await signals.async_wait(tuple_awaitable);
        if (ec) {
            break;
        }
        if (signal == SIGHUP) {
            co_await reload();
            continue;
        }
        log_.info("stop requested", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
        break;
    }
    co_await shutdown();
}

awaitable<void> daemon_app::shutdown() {
    state_ = "stopping";
    notifier_.stopping();
    control_->close();
    const auto grace = config_->daemon.shutdown_grace;
    log_.info("stopping", {{"in_flight", std::to_string(tasks_.size())}, {"grace", format_duration(grace)}});

    // Total cancellation asks every job to finish or checkpoint at its next safe point; only when the
    // grace period is over does terminal cancellation abandon what is left (the store keeps it consistent).
    tasks_.emit(asio::cancellation_type::total);
    asio::steady_timer grace_timer(ioc_, grace);
    auto [order, wait_ec, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            tasks_.async_wait(asio::deferred), grace_timer.async_wait(asio::deferred)
        )
            .async_wait(asio::experimental::wait_for_one(), use_awaitable);
    if (order[0] == 1) {
        log_.warn(
            "grace period over; cancelling remaining work", {{"in_flight", std::to_string(tasks_.size())}}
        );
        tasks_.emit(asio::cancellation_type::terminal);
        co_await tasks_.async_wait(tuple_awaitable);
    }
}

awaitable<void> daemon_app::watchdog_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    asio::steady_timer timer(ioc_);
    const auto interval = *notifier_.watchdog_ping_interval();
    for (;;) {
        notifier_.watchdog();
        timer.expires_after(interval);
        auto [ec] = co_await timer.async_wait(tuple_awaitable);
        if (ec ||
            (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
            co_return;
        }
    }
}

awaitable<void> daemon_app::maintenance_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    asio::steady_timer timer(ioc_);
    for (;;) {
        timer.expires_after(maintenance_interval);
        auto [ec] = co_await timer.async_wait(tuple_awaitable);
        if (ec ||
            (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
            co_return;
        }
        try {
            auto checkpoint = [](store::sqlite_store& s) { s.checkpoint(); };
            co_await on_store(checkpoint);
        } catch (const std::exception& e) {
            log_.warn("store checkpoint failed", {{"job", "maintenance"}, {"err", e.what()}});
        }
    }
}

awaitable<void> daemon_app::vat_check_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    asio::steady_timer timer(ioc_);
    for (;;) {
        try {
            co_await run_vat_checks();
        } catch (const std::exception& e) {
            log_.warn(
                "VAT-ID checks failed; next try at the next scan", {{"job", "vat-checks"}, {"err", e.what()}}
            );
        }
        const std::shared_ptr<const config::settings> cfg = config_;
        timer.expires_after(
            cfg->vies ? cfg->vies->scan_interval : std::chrono::milliseconds{maintenance_interval}
        );
        auto [ec] = co_await timer.async_wait(tuple_awaitable);
        if (ec ||
            (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
            co_return;
        }
    }
}

// One scan: the accounts due a check, checked offline and against VIES, recorded with their write-back
// intent. Unconfirmed answers are retried after the first backoff step at the latest, not after the
// re-check interval.
awaitable<void> daemon_app::run_vat_checks() {
    const std::shared_ptr<const config::settings> cfg_ptr = config_;
    if (!cfg_ptr->vies || !vies_) {
        co_return;
    }
    const auto settings = *cfg_ptr->vies;
    if (vies_->ip_blocked()) {
        log_.error(
            "VIES answered IP_BLOCKED earlier: no VAT-ID checks until fakturad is restarted",
            {{"job", "vat-checks"}}
        );
        co_return;
    }
    const instant now = clock_.now();
    constexpr std::size_t batch_limit = 500;
    const auto retry_unconfirmed = std::max(settings.retry_cap, settings.scan_interval);
    struct due_work {
        std::vector<store::due_account> to_check;
        std::vector<vat_check_result> reused;
    };
    auto load_due = [&](store::sqlite_store& db) {
        store::vat_check_store checks(db);
        due_work work;
        for (auto& account : checks.due_accounts(
                 now, settings.recheck_interval, retry_unconfirmed, batch_limit, &normalised_vat_id
             )) {
            const auto cached = checks.latest_valid(normalised_vat_id(account.vat_id));
            if (auto copy = reused_check(account, cached, now, settings.cache_ttl)) {
                work.reused.push_back({std::move(*copy), account.sf_id});
            } else {
                work.to_check.push_back(std::move(account));
            }
        }
        return work;
    };
    auto work = co_await on_store(load_due);
    if (work.to_check.empty() && work.reused.empty()) {
        co_return;
    }
    vat_check_pass pass;
    if (!work.to_check.empty()) {
        vat_check_job job(*vies_, batch_options_from(settings), *vies_random_);
        auto checking = job.check(std::move(work.to_check), now);
        pass = co_await std::move(checking);
    }
    for (auto& r : work.reused) {
        pass.results.push_back(std::move(r));
    }
    auto record = [&pass](store::sqlite_store& db) {
        store::transaction tx(db);
        store::vat_check_store checks(db);
        for (const auto& r : pass.results) {
            checks.record(r.record, r.account_sf_id);
        }
        tx.commit();
    };
    co_await on_store(record);
    std::size_t valid = 0;
    std::size_t invalid = 0;
    std::size_t unconfirmed = 0;
    for (const auto& r : pass.results) {
        (r.record.verdict == "valid" ? valid : r.record.verdict == "invalid" ? invalid : unconfirmed)++;
    }
    log_.info(
        "VAT-ID checks recorded",
        {{"job", "vat-checks"},
         {"checked", std::to_string(pass.results.size())},
         {"valid", std::to_string(valid)},
         {"invalid", std::to_string(invalid)},
         {"unconfirmed", std::to_string(unconfirmed)}}
    );
    if (pass.halted == vies::halt_reason::ip_blocked) {
        log_.error(
            "VIES answered IP_BLOCKED: all VIES requests stopped until fakturad is restarted",
            {{"job", "vat-checks"}}
        );
    } else if (pass.halted == vies::halt_reason::invalid_requester) {
        log_.error(
            "VIES rejected vies.requester_vat_id (INVALID_REQUESTER_INFO); fix the configuration",
            {{"job", "vat-checks"}}
        );
    }
}

class mt_random final : public salesforce::random_source {
public:
    mt_random() : engine_(std::random_device{}()) {}
    std::uint64_t below(std::uint64_t n) override {
        return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
    }

private:
    std::mt19937_64 engine_;
};

std::unique_ptr<salesforce::client> daemon_app::make_salesforce_client(const config::salesforce_settings& sf
) {
    net::http_client_options http_options;
    http_options.ca_file = sf.ca_file;
    sf_http_ = std::make_unique<net::http_client>(ioc_.get_executor(), http_options);
    sf_random_ = std::make_unique<mt_random>();
    salesforce::client_options options;
    const std::string token_url = sf.login_url + "/services/oauth2/token";
    if (sf.auth.flow == config::salesforce_auth_settings::flow_kind::jwt_bearer) {
        salesforce::jwt_bearer_credentials c;
        c.token_url = token_url;
        c.consumer_key = sf.auth.client_id;
        c.username = sf.auth.username;
        c.audience = sf.login_url;
        c.private_key_pem = secret<std::string>(sf.auth.private_key->value.expose());
        options.credentials = std::move(c);
    } else {
        salesforce::client_credentials c;
        c.token_url = token_url;
        c.client_id = sf.auth.client_id;
        c.client_secret = secret<std::string>(sf.auth.client_secret->value.expose());
        options.credentials = std::move(c);
    }
    options.api_version = "v" + sf.api_version;
    options.call_timeout = sf.request_timeout;
    options.max_api_share = static_cast<double>(sf.api_share_limit_bp) / 10000.0;
    return std::make_unique<salesforce::client>(*sf_http_, options, clock_, *sf_random_);
}

awaitable<void> daemon_app::writeback_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    asio::steady_timer timer(ioc_);
    for (;;) {
        bool more = false;
        try {
            more = co_await writeback_batch();
        } catch (const std::exception& e) {
            log_.warn(
                "Salesforce write-back failed; the messages stay in the outbox",
                {{"job", "salesforce-writeback"}, {"err", e.what()}}
            );
        }
        if (!more) {
            timer.expires_after(writeback_interval);
            auto [ec] = co_await timer.async_wait(tuple_awaitable);
            if (ec) {
                co_return;
            }
        }
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
            co_return;
        }
    }
}

// Claims up to one collection's worth of due outbox messages, writes them in one upsert and settles each
// message by its record's result. Returns true when the batch was full (more may be waiting).
awaitable<bool> daemon_app::writeback_batch() {
    constexpr std::size_t batch = 200;  // sObject Collections take 200 records per call
    const instant now = clock_.now();
    auto claim = [now](store::sqlite_store& db) {
        std::vector<store::outbox_message> out;
        while (out.size() < batch) {
            auto m = db.claim_next(now);
            if (!m) {
                break;
            }
            out.push_back(std::move(*m));
        }
        return out;
    };
    auto messages = co_await on_store(claim);
    if (messages.empty()) {
        co_return false;
    }
    struct settle {
        store::outbox_id id;
        bool done;
        std::string error;
        std::optional<instant> retry_at;
    };
    std::vector<settle> settled;
    std::vector<boost::json::object> records;
    std::vector<const store::outbox_message*> sent;
    for (const auto& m : messages) {
        std::string problem;
        if (m.kind != vat_check_kind) {
            settled.push_back(
                {m.id,
                 false,
                 "no Salesforce writer for outbox kind " + m.kind + " in this version",
                 std::nullopt}
            );
            continue;
        }
        auto record = vat_check_sobject(m, problem);
        if (!record) {
            settled.push_back({m.id, false, problem, std::nullopt});
            continue;
        }
        records.push_back(std::move(*record));
        sent.push_back(&m);
    }
    std::size_t failed = 0;
    if (!records.empty()) {
        auto call =
            sf_->upsert(std::string(vat_check_object), std::string(external_id_field), std::move(records));
        const auto report = co_await std::move(call);
        if (!report) {
            const std::string error = report.error().describe();
            for (const auto* m : sent) {
                settled.push_back({m->id, false, error, retry_time(*m, false, now)});
            }
            failed = sent.size();
            log_.warn(
                "Salesforce write-back call failed; retried later",
                {{"job", "salesforce-writeback"}, {"err", error}}
            );
        } else {
            for (std::size_t i = 0; i < sent.size(); ++i) {
                const auto& r = i < report->records.size() ? report->records[i] : salesforce::record_result{};
                if (r.success) {
                    settled.push_back({sent[i]->id, true, {}, std::nullopt});
                } else {
                    ++failed;
                    settled.push_back(
                        {sent[i]->id,
                         false,
                         r.describe(std::string(vat_check_object), std::string(external_id_field)),
                         retry_time(*sent[i], false, now)}
                    );
                }
            }
        }
    }
    auto write = [&settled, now](store::sqlite_store& db) {
        for (const auto& s : settled) {
            if (s.done) {
                db.mark_done(s.id, now);
            } else {
                db.mark_failed(s.id, s.error, s.retry_at);
            }
        }
    };
    co_await on_store(write);
    log_.info(
        "Salesforce write-back",
        {{"job", "salesforce-writeback"},
         {"messages", std::to_string(messages.size())},
         {"failed", std::to_string(failed)}}
    );
    co_return messages.size() == batch;
}

void daemon_app::warn_restart_only_changes(const config::settings& next) const {
    const auto& cur = *config_;
    auto warn = [this](std::string_view key) {
        log_.warn("changed setting takes effect after a restart", {{"key", std::string(key)}});
    };
    if (next.store.path != cur.store.path || next.store.busy_timeout != cur.store.busy_timeout ||
        next.store.synchronous_full != cur.store.synchronous_full) {
        warn("store");
    }
    if (next.control.socket != cur.control.socket || next.control.socket_mode != cur.control.socket_mode) {
        warn("control.socket");
    }
    const bool listen_changed =
        next.control.http_listen.has_value() != cur.control.http_listen.has_value() ||
        (next.control.http_listen && (next.control.http_listen->host != cur.control.http_listen->host ||
                                      next.control.http_listen->port != cur.control.http_listen->port));
    if (listen_changed) {
        warn("control.http_listen");
    }
    if (next.daemon.worker_threads != cur.daemon.worker_threads) {
        warn("daemon.worker_threads");
    }
    if (next.instance.name != cur.instance.name || next.instance.time_zone != cur.instance.time_zone) {
        warn("instance");
    }
}

awaitable<void> daemon_app::reload() {
    state_ = "reloading";
    notifier_.reloading();
    const auto path = config_->source_file;
    log_.info("reloading configuration", {{"config", path.string()}});
    // File reads belong on the pool, not on the I/O thread.
    auto load = [path]() -> awaitable<config::load_result> {
        co_return config::load_file(path, config::environment::process());
    };
    auto loaded = co_await asio::co_spawn(pool_, std::move(load), use_awaitable);
    if (!loaded.ok()) {
        for (const auto& d : loaded.errors) {
            log_.error("configuration error", {{"err", d.to_string()}});
        }
        last_reload_error_ =
            std::to_string(loaded.errors.size()) + " error(s), first: " + loaded.errors.front().to_string();
        reloads_failed_.increment();
        log_.error(
            "reload rejected; keeping the running configuration",
            {{"errors", std::to_string(loaded.errors.size())}}
        );
    } else {
        auto next = std::make_shared<const config::settings>(std::move(*loaded.config));
        warn_restart_only_changes(*next);
        log_.reconfigure(next->log.level, to_log_format(*next));
        control_->set_request_timeout(next->control.request_timeout);
        config_ = std::move(next);
        config_loaded_at_ = clock_.now();
        last_reload_error_.clear();
        reloads_ok_.increment();
        log_.info("configuration reloaded", {{"config", path.string()}});
    }
    state_ = "running";
    notifier_.ready(last_reload_error_.empty() ? "running" : "running; last reload rejected");
}

awaitable<status_snapshot> daemon_app::snapshot() {
    // A reload may swap config_ while this coroutine waits for the store: keep our own reference.
    const std::shared_ptr<const config::settings> cfg_ptr = config_;
    const auto& cfg = *cfg_ptr;
    status_snapshot s;
    s.version = std::string(version());
    s.revision = std::string(source_revision());
    s.pid = ::getpid();
    s.state = state_;
    s.started_at = started_at_;
    s.uptime = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.monotonic() - started_mono_);
    s.config_path = cfg.source_file.string();
    s.config_loaded_at = config_loaded_at_;
    s.reloads_ok = reloads_ok_.value();
    s.reloads_failed = reloads_failed_.value();
    s.last_reload_error = last_reload_error_;

    auto read_status = [](store::sqlite_store& db) { return db.status(); };
    const auto st = co_await on_store(read_status);
    s.store_backend = "sqlite";
    s.store_path = st.path.string();
    s.store_schema_version = st.schema_version;
    s.store_journal_mode = st.journal_mode;
    s.store_file_bytes = st.file_bytes;
    s.outbox_pending = st.outbox_pending;
    if (st.last_sync) {
        s.last_sync = last_sync_status{st.last_sync->object_name, st.last_sync->updated_at};
    }
    if (st.last_run) {
        s.last_run = last_run_status{
            std::to_string(st.last_run->id),
            format_civil_date(st.last_run->cutoff_date),
            st.last_run->state,
            st.last_run->started_at,
            st.last_run->finished_at,
        };
    }

    if (cfg.salesforce) {
        s.connectors.push_back({"salesforce", "configured", cfg.salesforce->instance_url});
    } else {
        s.connectors.push_back({"salesforce", "not configured", "no salesforce section in the configuration"}
        );
    }
    co_return s;
}

awaitable<control_response> daemon_app::handle(control_request request) {
    metrics_
        .counter(
            "fakturad_control_requests_total",
            "Control API requests by endpoint.",
            {{"endpoint", request.target}}
        )
        .increment();
    if (request.method != "GET") {
        co_return control_response{405, "application/json", error_body("method not allowed; use GET")};
    }
    if (request.target == health_endpoint) {
        const bool healthy = state_ == "running" || state_ == "reloading";
        co_return control_response{healthy ? 200U : 503U, "text/plain", healthy ? "ok\n" : state_ + "\n"};
    }
    if (request.target == metrics_endpoint) {
        uptime_.set(
            std::chrono::duration_cast<std::chrono::seconds>(clock_.monotonic() - started_mono_).count()
        );
        try {
            auto read_pending = [](store::sqlite_store& db) { return db.status().outbox_pending; };
            const auto pending = co_await on_store(read_pending);
            outbox_pending_.set(static_cast<std::int64_t>(pending));
        } catch (const std::exception& e) {
            log_.warn("metrics: store status failed", {{"err", e.what()}});
        }
        co_return control_response{200, "text/plain; version=0.0.4", metrics_.render_prometheus()};
    }
    if (request.via == listener_kind::control_socket && request.target == status_endpoint) {
        try {
            auto pending = snapshot();
            const auto status = co_await std::move(pending);
            co_return control_response{200, "application/json", to_json(status)};
        } catch (const std::exception& e) {
            log_.error("status failed", {{"err", e.what()}});
            co_return control_response{
                500, "application/json", error_body("status failed; see the daemon's log")};
        }
    }
    co_return control_response{404, "application/json", error_body("unknown endpoint " + request.target)};
}

}  // namespace

int run_daemon(const std::filesystem::path& config_path) {
    auto loaded = config::load_file(config_path, config::environment::process());
    if (!loaded.ok()) {
        print_errors(loaded);
        return exit_config;
    }
    auto cfg = std::make_shared<const config::settings>(std::move(*loaded.config));
    stderr_logger log(cfg->log.level, to_log_format(*cfg), under_journald());
    daemon_app app(std::move(cfg), log);
    return app.run();
}

int check_config(const std::filesystem::path& config_path) {
    auto loaded = config::load_file(config_path, config::environment::process());
    if (!loaded.ok()) {
        print_errors(loaded);
        return exit_config;
    }
    std::cout << "configuration ok: " << config_path.string() << '\n';
    return exit_ok;
}

int print_config(const std::filesystem::path& config_path) {
    auto loaded = config::load_file(config_path, config::environment::process());
    if (!loaded.ok()) {
        print_errors(loaded);
        return exit_config;
    }
    std::cout << config::render_effective(*loaded.config);
    return exit_ok;
}

}  // namespace fakturad::daemon
