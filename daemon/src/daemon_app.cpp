#include "daemon_app.hpp"

#include "approval_job.hpp"
#include "billing_context.hpp"
#include "control_server.hpp"
#include "credit_check_job.hpp"
#include "credit_report_output.hpp"
#include "ctl_invoice_pdf.hpp"
#include "draft_redelivery.hpp"
#include "fakturad/config/loader.hpp"
#include "fakturad/core/cron.hpp"
#include "fakturad/core/metrics.hpp"
#include "fakturad/core/units.hpp"
#include "fakturad/core/vat_id.hpp"
#include "fakturad/core/version.hpp"
#include "fakturad/daemon/control_protocol.hpp"
#include "fakturad/net/http_client.hpp"
#include "fakturad/salesforce/client.hpp"
#include "fakturad/salesforce/soql.hpp"
#include "fakturad/schufa/client.hpp"
#include "fakturad/store/credit_store.hpp"
#include "fakturad/store/invoice_run_store.hpp"
#include "fakturad/store/invoice_store.hpp"
#include "fakturad/store/plan_store.hpp"
#include "fakturad/store/sqlite_store.hpp"
#include "fakturad/store/vat_check_store.hpp"
#include "fakturad/vies/client.hpp"
#include "instance_lock.hpp"
#include "invoice_run_job.hpp"
#include "invoice_writeback.hpp"
#include "org_binding.hpp"
#include "org_calendar.hpp"
#include "salesforce_setup.hpp"
#include "salesforce_writeback.hpp"
#include "status_report.hpp"
#include "stderr_logger.hpp"
#include "sync_error_record.hpp"
#include "sync_job.hpp"
#include "system_clock.hpp"
#include "systemd_notifier.hpp"
#include "task_group.hpp"
#include "vat_check_job.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
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
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <date/tz.h>

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

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
constexpr std::string_view change_channel = "/data/ChangeEvents";
constexpr std::string_view change_cursor = "cometd:/data/ChangeEvents";

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
        // A store job cannot stop half way, so cancellation is not forwarded to it: co_spawn's forwarding
        // (Boost 1.81) emits on the job's state from this thread while the pool thread may be destroying it
        // (a crash when SIGTERM met a finishing job).
        co_return co_await asio::co_spawn(
            store_strand_,
            std::move(job),
            asio::bind_cancellation_slot(asio::cancellation_slot(), use_awaitable)
        );
    }

    awaitable<void> main_loop();
    awaitable<void> watchdog_loop();
    awaitable<void> maintenance_loop();
    awaitable<void> vat_check_loop();
    awaitable<void> credit_monitoring_loop();
    awaitable<void> run_on_store(std::function<void(store::sqlite_store&)> work);
    awaitable<void> writeback_loop();
    awaitable<bool> writeback_batch();
    awaitable<void> run_vat_checks();
    awaitable<void> sync_loop();
    awaitable<void> change_loop();
    awaitable<void> schedule_loop();
    awaitable<void> resume_interrupted_run();
    awaitable<control_response> start_invoice_run(store::run_request request);
    awaitable<control_response> invoice_run_status(std::int64_t id);
    awaitable<control_response> resync(std::string body);
    awaitable<void> run_in_background(store::run_request request, std::int64_t run_id);
    awaitable<std::size_t> deliver_invoices(std::vector<const store::outbox_message*> messages, instant now);
    // Asks Salesforce which of a draft package's records exist and leaves the clerk's fields out of those
    // (draft_redelivery.hpp). Returns an error text, empty when done.
    awaitable<std::string> keep_clerk_changes_in(
        invoice_package& pkg, const mapping::bound_approval& approval
    );
    civil_date local_today() const;
    void wake_sync();
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
    // SCHUFA (config `schufa`): mutual-TLS client, connector and the credit-check service.
    std::unique_ptr<net::http_client> schufa_http_;
    std::unique_ptr<schufa::client> schufa_;
    std::unique_ptr<credit_check_service> credit_;
    // Salesforce (config `salesforce`): the connector the outbox's write-back uses.
    std::unique_ptr<net::http_client> sf_http_;
    std::unique_ptr<salesforce::random_source> sf_random_;
    std::unique_ptr<salesforce::client> sf_;
    // Billing (config `billing`): sellers, tax rules, number ranges; the PDF maker when a template is set.
    std::optional<billing_context> billing_;
    std::optional<invoice_pdf_maker> pdf_;
    // The sync (config `salesforce` + `mappings`): bound mappings, the job, its status (I/O thread only).
    std::unique_ptr<mapping::bound_set> mappings_;
    std::unique_ptr<sync_job> sync_;
    std::unique_ptr<approval_job> approval_;  // billing.finalize: approval
    sync_status sync_status_;
    std::unique_ptr<asio::steady_timer> sync_wake_;
    change_backlog pending_changes_;           // what change events asked the sync to re-read
    asio::cancellation_signal change_cancel_;  // ends a held CometD connect at shutdown
    // The newest change-event replay id handed over; stored (cursor `cometd:/data/ChangeEvents`) once the
    // records its events name are synced, so a restart resumes after it without losing an event.
    std::optional<std::int64_t> seen_replay_id_;
    std::optional<std::int64_t> stored_replay_id_;
    // The invoice run in progress, if any (one at a time).
    struct active_run {
        std::int64_t id = 0;
        std::atomic<bool> cancel{false};
        std::mutex mutex;
        run_progress progress;  // guarded by mutex: written by the run's pool thread
        bool done = false;
    };
    std::shared_ptr<active_run> run_;
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
        if (!e) {
            return;
        }
        // A job cancelled at shutdown ends with operation_aborted: that is how it was asked to stop.
        try {
            std::rethrow_exception(e);
        } catch (const boost::system::system_error& se) {
            if (se.code() == asio::error::operation_aborted && state_ == "stopping") {
                log_.debug("background job stopped", {{"job", job}});
                return;
            }
        } catch (...) {
        }
        log_.error("background job failed", {{"job", job}, {"err", error_text(e)}});
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
        if (cfg.billing) {
            billing_ = billing_context::load(*cfg.billing);
            if (cfg.billing->pdf_template) {
                std::ostringstream err;
                pdf_ =
                    invoice_pdf_maker::load(*cfg.billing->pdf_template, "/usr/share/color/icc/sRGB.icc", err);
                if (!pdf_) {
                    throw std::runtime_error("billing.pdf_template: " + err.str());
                }
            }
            store::invoice_store invoices(*store_);
            for (const auto& seller : billing_->legal_entities()) {
                store::legal_entity_record e;
                e.code = seller.id;
                e.name = seller.name;
                e.country = seller.country;
                e.vat_id = seller.vat_id;
                e.tax_number = seller.tax_number;
                invoices.put_legal_entity(e, clock_.now());
            }
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
        if (cfg.schufa) {
            if (!sf_) {
                throw std::runtime_error(
                    "schufa: credit reports are written to Salesforce Accounts; add the salesforce section"
                );
            }
            net::http_client_options http_options;
            http_options.ca_file = cfg.schufa->ca_file;
            http_options.client_certificate = cfg.schufa->client_certificate;
            http_options.client_private_key = cfg.schufa->client_key;
            schufa_http_ = std::make_unique<net::http_client>(ioc_.get_executor(), http_options);
            schufa::client_options options;
            options.base_url = cfg.schufa->url;
            options.participant_id = cfg.schufa->participant_id;
            options.password = cfg.schufa->password->value;
            options.timeout = cfg.schufa->timeout;
            options.max_attempts = cfg.schufa->max_attempts;
            schufa_ = std::make_unique<schufa::client>(*schufa_http_, options);
            credit_ = std::make_unique<credit_check_service>(
                *schufa_,
                *sf_,
                *cfg.schufa,
                clock_,
                [this](std::function<void(store::sqlite_store&)> work) {
                    return run_on_store(std::move(work));
                },
                log_
            );
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
    if (credit_) {
        spawn_owned("credit-monitoring", credit_monitoring_loop());
    }
    if (sf_) {
        spawn_owned("salesforce-writeback", writeback_loop());
        if (!config_->mappings.empty()) {
            spawn_owned("sync", sync_loop());
        }
    }
    if (billing_) {
        spawn_owned("invoice-run-resume", resume_interrupted_run());
        if (config_->billing->schedule) {
            spawn_owned("invoice-schedule", schedule_loop());
        }
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
    change_cancel_.emit(asio::cancellation_type::terminal);
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
        if (credit_) {
            try {
                auto deleting = credit_->delete_expired_personal_data();
                co_await std::move(deleting);
            } catch (const std::exception& e) {
                log_.warn(
                    "deleting expired B2C personal data failed", {{"job", "maintenance"}, {"err", e.what()}}
                );
            }
        }
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

awaitable<void> daemon_app::run_on_store(std::function<void(store::sqlite_store&)> work) {
    co_await on_store(std::move(work));
}

awaitable<void> daemon_app::credit_monitoring_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    asio::steady_timer timer(ioc_);
    for (;;) {
        try {
            auto polling = credit_->poll_monitoring();
            co_await std::move(polling);
        } catch (const std::exception& e) {
            log_.warn("SCHUFA monitoring poll failed", {{"job", "credit-monitoring"}, {"err", e.what()}});
        }
        timer.expires_after(
            config_->schufa ? config_->schufa->monitoring_poll_interval : std::chrono::hours(1)
        );
        auto [ec] = co_await timer.async_wait(tuple_awaitable);
        if (ec ||
            (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
            co_return;
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

std::unique_ptr<salesforce::client> daemon_app::make_salesforce_client(const config::salesforce_settings& sf
) {
    net::http_client_options http_options;
    http_options.ca_file = sf.ca_file;
    sf_http_ = std::make_unique<net::http_client>(ioc_.get_executor(), http_options);
    sf_random_ = std::make_unique<mt_random>();
    const auto options = salesforce_client_options(sf);
    return std::make_unique<salesforce::client>(*sf_http_, options, clock_, *sf_random_);
}

awaitable<void> daemon_app::writeback_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    asio::steady_timer timer(ioc_);
    for (;;) {
        bool more = false;
        // Invoices need the bound write-back mapping: while the sync still binds the mapping files, wait
        // instead of spending the messages' attempts.
        const bool binding =
            !config_->mappings.empty() && !mappings_ && sync_status_.state != "mapping errors";
        try {
            more = binding ? false : co_await writeback_batch();
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
    std::vector<const store::outbox_message*> invoices;
    // Generic upserts (sync errors): grouped by object and external id field, one collection call each.
    std::map<
        std::pair<std::string, std::string>,
        std::vector<std::pair<const store::outbox_message*, boost::json::object>>>
        upserts;
    for (const auto& m : messages) {
        std::string problem;
        if (m.kind == invoice_writeback_kind) {
            invoices.push_back(&m);
            continue;
        }
        if (m.kind == sync_error_writeback_kind) {
            boost::system::error_code ec;
            const auto doc = boost::json::parse(m.payload, ec);
            if (ec || !doc.is_object() || !doc.as_object().contains("record")) {
                settled.push_back({m.id, false, "malformed outbox payload", std::nullopt});
                continue;
            }
            const auto& o = doc.as_object();
            upserts[{std::string(o.at("object").as_string()), std::string(o.at("external_id").as_string())}]
                .emplace_back(&m, o.at("record").as_object());
            continue;
        }
        if (m.kind == store::credit_report_kind) {
            auto delivering = deliver_credit_report(*sf_, m);
            const std::string error = co_await std::move(delivering);
            settled.push_back(
                {m.id, error.empty(), error, error.empty() ? std::nullopt : retry_time(m, false, now)}
            );
            continue;
        }
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
    for (auto& [target, group] : upserts) {
        std::vector<boost::json::object> group_records;
        for (auto& entry : group) {
            group_records.push_back(std::move(entry.second));
        }
        auto call = sf_->upsert(target.first, target.second, std::move(group_records));
        const auto report = co_await std::move(call);
        for (std::size_t i = 0; i < group.size(); ++i) {
            const auto* m = group[i].first;
            if (!report) {
                settled.push_back({m->id, false, report.error().describe(), retry_time(*m, false, now)});
            } else if (i < report->records.size() && report->records[i].success) {
                settled.push_back({m->id, true, {}, std::nullopt});
            } else {
                const auto& r = i < report->records.size() ? report->records[i] : salesforce::record_result{};
                settled.push_back(
                    {m->id, false, r.describe(target.first, target.second), retry_time(*m, false, now)}
                );
            }
        }
    }
    std::size_t failed = 0;
    if (!invoices.empty()) {
        auto delivered = deliver_invoices(invoices, now);
        failed += co_await std::move(delivered);
    }
    if (!records.empty()) {
        auto call =
            sf_->upsert(std::string(vat_check_object), std::string(external_id_field), std::move(records));
        const auto report = co_await std::move(call);
        if (!report) {
            const std::string error = report.error().describe();
            for (const auto* m : sent) {
                settled.push_back({m->id, false, error, retry_time(*m, false, now)});
            }
            failed += sent.size();
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

civil_date daemon_app::local_today() const {
    return civil_date_in(config_->instance.time_zone, clock_.now());
}

void daemon_app::wake_sync() {
    if (sync_wake_) {
        sync_wake_->cancel();
    }
}

std::string counts_text(const sync_counts& c) {
    return "fetched " + std::to_string(c.fetched) + ", created " + std::to_string(c.created) + ", changed " +
           std::to_string(c.changed) + ", ended " + std::to_string(c.ended) + ", quarantined " +
           std::to_string(c.quarantined) + ", usage " + std::to_string(c.usage);
}

boost::json::object report_json(const sync_report& r) {
    boost::json::array changes;
    for (const auto& c : r.changes) {
        changes.emplace_back(c);
    }
    boost::json::array errors;
    for (const auto& e : r.errors) {
        errors.emplace_back(e);
    }
    return boost::json::object{
        {"fetched", r.counts.fetched},
        {"created", r.counts.created},
        {"changed", r.counts.changed},
        {"unchanged", r.counts.unchanged},
        {"ended", r.counts.ended},
        {"quarantined", r.counts.quarantined},
        {"released", r.counts.released},
        {"usage", r.counts.usage},
        {"changes", std::move(changes)},
        {"errors", std::move(errors)},
    };
}

// Binds the mapping files to the org (retrying while the org cannot be reached), then syncs: a pass every
// salesforce.poll_interval, and at once when change events name records.
awaitable<void> daemon_app::sync_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    const std::shared_ptr<const config::settings> cfg = config_;
    sync_wake_ = std::make_unique<asio::steady_timer>(ioc_);
    auto cancelled = [&]() -> awaitable<bool> {
        co_return (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
    };
    std::vector<std::filesystem::path> files;
    for (const auto& m : cfg->mappings) {
        files.push_back(m.path);
    }
    std::map<std::string, std::string> mapping_digests;
    for (;;) {
        sync_status_.state = "binding mappings";
        auto binding = bind_mapping_files(*sf_, files);
        auto bound = co_await std::move(binding);
        if (bound.set) {
            mappings_ = std::make_unique<mapping::bound_set>(std::move(*bound.set));
            mapping_digests = std::move(bound.file_digests);
            break;
        }
        if (!bound.org_unreachable) {
            sync_status_.state = "mapping errors";
            sync_status_.detail = std::to_string(bound.problems.size()) +
                                  " problem(s); fix the mapping files and restart (fakturactl mapping check)";
            for (const auto& p : bound.problems) {
                log_.error("mapping problem", {{"job", "sync"}, {"err", p}});
                if (sync_status_.mapping_problems.size() < 20) {
                    sync_status_.mapping_problems.push_back(p);
                }
            }
            co_return;
        }
        sync_status_.detail = bound.problems.empty() ? std::string{} : bound.problems.front();
        log_.warn("cannot describe the org yet; retrying", {{"job", "sync"}, {"err", sync_status_.detail}});
        sync_wake_->expires_after(cfg->salesforce->poll_interval);
        co_await sync_wake_->async_wait(tuple_awaitable);
        if (co_await cancelled()) {
            co_return;
        }
    }
    const bool approval = cfg->billing && billing_ &&
                          cfg->billing->finalize == config::billing_settings::finalize_kind::approval;
    if (approval && !(mappings_->writeback && mappings_->writeback->approval())) {
        sync_status_.state = "mapping errors";
        sync_status_.detail =
            "billing.finalize is approval, but the write-back mapping has no approval section; add one "
            "(mapping/README.md, writeback.approval) or choose another billing.finalize";
        log_.error("approval not possible", {{"job", "sync"}, {"err", sync_status_.detail}});
        co_return;
    }
    sync_options options;
    options.time_zone = cfg->instance.time_zone;
    options.usage_batch_rows = cfg->salesforce->sync_batch_rows;
    options.mapping_digests = std::move(mapping_digests);
    static const billing_context no_billing = billing_context{};
    const store_runner runner = [this](std::function<void(store::sqlite_store&)> work) {
        return run_on_store(std::move(work));
    };
    sync_ = std::make_unique<sync_job>(
        *sf_,
        runner,
        *mappings_,
        billing_ ? *billing_ : no_billing,
        options,
        log_,
        [this] { return clock_.now(); }
    );
    if (approval) {
        approval_ = std::make_unique<approval_job>(
            *sf_,
            runner,
            *mappings_->writeback,
            *billing_,
            cfg->instance.time_zone,
            [this] { return clock_.now(); }
        );
    }
    sync_status_.state = "running";
    if (cfg->salesforce->change_events) {
        spawn_owned("change-events", change_loop());
    }
    for (;;) {
        try {
            const auto replay = seen_replay_id_;
            auto pending = std::exchange(pending_changes_, {});
            bool synced = true;
            if (!pending.empty()) {
                auto caught_up = sync_->catch_up(pending);
                const auto r = co_await std::move(caught_up);
                synced = r.errors.empty();
                log_.info("change events synced", {{"job", "sync"}, {"result", counts_text(r.counts)}});
            }
            if (!synced) {
                // Not stored: take it up again next pass (the poll would find the records too).
                pending_changes_.merge(pending);
            } else if (replay && replay != stored_replay_id_) {
                auto store_replay = [&](store::sqlite_store& db) {
                    store::sync_cursor_info c;
                    c.object_name = std::string(change_cursor);
                    c.last_replay_id = std::to_string(*replay);
                    c.updated_at = clock_.now();
                    db.put_sync_cursor(c);
                };
                co_await on_store(store_replay);
                stored_replay_id_ = replay;
            }
            auto pass = sync_->run_pass();
            const auto report = co_await std::move(pass);
            sync_status_.detail = "last pass: " + counts_text(report.counts);
            for (const auto& e : report.errors) {
                log_.warn("sync step failed; repeated next pass", {{"job", "sync"}, {"err", e}});
            }
            // Quarantined records are re-read every pass; they are in the status, not in the log each time.
            if (report.counts.created + report.counts.changed + report.counts.ended + report.counts.released +
                    report.counts.usage >
                0) {
                log_.info("sync pass", {{"job", "sync"}, {"result", counts_text(report.counts)}});
            }
            if (approval_) {
                auto approvals = approval_->run_pass();
                const auto a = co_await std::move(approvals);
                sync_status_.awaiting_approval = a.awaiting - a.approved - a.discarded;
                for (const auto& c : a.changes) {
                    log_.info("approval", {{"job", "approval"}, {"result", c}});
                }
                for (const auto& e : a.errors) {
                    log_.warn("approval step failed; repeated next pass", {{"job", "approval"}, {"err", e}});
                }
            }
        } catch (const std::exception& e) {
            log_.warn("sync pass failed; next try at the next poll", {{"job", "sync"}, {"err", e.what()}});
        }
        if (pending_changes_.empty()) {
            sync_wake_->expires_after(cfg->salesforce->poll_interval);
            co_await sync_wake_->async_wait(tuple_awaitable);
        }
        if (co_await cancelled()) {
            co_return;
        }
    }
}

// Follows Change Data Capture events; the sync re-reads the records they name (fakturad's own writes are
// skipped). Polling stays the safety net: an event missed while disconnected is found by the next poll.
awaitable<void> daemon_app::change_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    asio::steady_timer pause(ioc_);
    // Resume after the last replay id whose records were stored; without one (first start, or the id expired)
    // only new events are followed and the polls cover what came before.
    auto read_replay = [](store::sqlite_store& db) -> std::optional<std::int64_t> {
        const auto c = db.get_sync_cursor(change_cursor);
        if (!c || !c->last_replay_id) {
            return std::nullopt;
        }
        std::int64_t id = 0;
        const auto& text = *c->last_replay_id;
        const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
        return ec == std::errc{} && p == text.data() + text.size() ? std::optional(id) : std::nullopt;
    };
    stored_replay_id_ = co_await on_store(read_replay);
    seen_replay_id_ = stored_replay_id_;
    for (;;) {
        auto on_events = [this](std::vector<salesforce::change_event>& events) {
            bool foreign = false;
            for (const auto& e : events) {
                if (!seen_replay_id_ || e.replay_id > *seen_replay_id_) {
                    seen_replay_id_ = e.replay_id;
                }
                // Own writes ask for nothing; gap and overflow events for a re-read by id or a poll.
                foreign = pending_changes_.add(e) || foreign;
            }
            if (foreign) {
                wake_sync();
            }
            return true;
        };
        // The server holds a connect for up to 110 s and Beast 1.81 honours only terminal cancellation:
        // shutdown() ends it through change_cancel_ instead of waiting out the grace period.
        const std::int64_t from = seen_replay_id_ ? *seen_replay_id_ : salesforce::replay_new_only;
        auto follow = sf_->follow_changes(std::string(change_channel), from, on_events);
        auto spawned = asio::co_spawn(
            ioc_, std::move(follow), asio::bind_cancellation_slot(change_cancel_.slot(), tuple_awaitable)
        );
        auto [error, result] = co_await std::move(spawned);
        if (error ||
            (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
            co_return;
        }
        if (!result) {
            if (result.error().code == salesforce::errc::replay_id_invalid) {
                // Retained events end before our replay id: follow new events, and poll every object now
                // for what the lost events said.
                seen_replay_id_.reset();
                pending_changes_.poll_everything();
                wake_sync();
            }
            log_.warn(
                "change events interrupted; polling covers the gap",
                {{"job", "change-events"}, {"err", result.error().describe()}}
            );
        }
        pause.expires_after(std::chrono::seconds(30));
        auto [ec] = co_await pause.async_wait(tuple_awaitable);
        if (ec) {
            co_return;
        }
    }
}

// Starts the scheduled runs: at each time the cron schedule names (instance.time_zone), a run for that day
// unless one was started for it already (a restart at 02:00:30 does not bill twice; the store would refuse
// the periods anyway).
awaitable<void> daemon_app::schedule_loop() {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    const std::shared_ptr<const config::settings> cfg = config_;
    auto parsed = cron_schedule::parse(*cfg->billing->schedule);
    const auto schedule = std::get<cron_schedule>(std::move(parsed));  // validated by the loader
    const auto* zone = date::locate_zone(cfg->instance.time_zone);
    asio::steady_timer timer(ioc_);
    auto local_now = [&] {
        return std::chrono::local_seconds{
            std::chrono::floor<std::chrono::seconds>(zone->to_local(clock_.now())).time_since_epoch()};
    };
    auto next = schedule.next_after(local_now());
    while (next) {
        const auto wait = *next - local_now();
        if (wait > std::chrono::seconds(0)) {
            // Wake at least every minute: the wall clock may jump (NTP, suspend) while the timer is steady.
            timer.expires_after(std::min<std::chrono::steady_clock::duration>(wait, std::chrono::minutes(1)));
            auto [ec] = co_await timer.async_wait(tuple_awaitable);
            if (ec) {
                co_return;
            }
            continue;
        }
        const auto day = std::chrono::floor<std::chrono::days>(*next);
        const civil_date cutoff{day};
        store::run_request request;
        request.cutoff = cutoff;
        request.finalize = cfg->billing->finalize == config::billing_settings::finalize_kind::immediately;
        request.started_by = "schedule";
        auto exists = [cutoff](store::sqlite_store& db) {
            return store::invoice_run_store(db).scheduled_run_exists(cutoff);
        };
        if (!co_await on_store(exists) && !(run_ && !run_->done)) {
            log_.info("scheduled invoice run", {{"job", "invoice-run"}, {"cutoff", format_iso_date(cutoff)}});
            auto start = start_invoice_run(request);
            const auto answer = co_await std::move(start);
            if (answer.status >= 300) {
                log_.error(
                    "scheduled invoice run not started", {{"job", "invoice-run"}, {"err", answer.body}}
                );
            }
        }
        next = schedule.next_after(*next);
    }
}

awaitable<void> daemon_app::resume_interrupted_run() {
    auto find = [](store::sqlite_store& db) { return store::invoice_run_store(db).running(); };
    auto left = co_await on_store(find);
    if (!left) {
        co_return;
    }
    log_.warn(
        "resuming an invoice run the daemon did not finish",
        {{"job", "invoice-run"},
         {"run_id", std::to_string(left->id)},
         {"cutoff", format_iso_date(left->request.cutoff)}}
    );
    run_ = std::make_shared<active_run>();
    run_->id = left->id;
    co_await run_in_background(left->request, left->id);
}

// Runs an invoice run on a pool thread with a connection of its own, so that status, sync and write-back
// go on meanwhile (SQLite WAL: readers beside the one writer; writers take turns).
awaitable<void> daemon_app::run_in_background(store::run_request request, std::int64_t run_id) {
    auto run = run_;
    const std::shared_ptr<const config::settings> cfg = config_;
    auto job = [this, run, request, run_id, cfg]() -> awaitable<run_outcome> {
        store::sqlite_options options{cfg->store.path, cfg->store.busy_timeout, cfg->store.synchronous_full};
        options.recover_in_flight = false;
        auto db = store::sqlite_store::open(options, log_);
        run_hooks hooks;
        hooks.now = [this] { return clock_.now(); };
        hooks.accept_recently_valid =
            cfg->vies ? cfg->vies->accept_recently_valid : std::chrono::milliseconds{0};
        hooks.on_progress = [run](const run_progress& p) {
            const std::lock_guard lock(run->mutex);
            run->progress = p;
        };
        hooks.cancel = &run->cancel;
        hooks.publish_drafts = cfg->billing->finalize == config::billing_settings::finalize_kind::approval;
        co_return execute_invoice_run(db, *billing_, request, run_id, hooks);
    };
    std::string failure;
    try {
        const auto outcome = co_await asio::co_spawn(pool_, std::move(job), use_awaitable);
        log_.info(
            "invoice run finished",
            {{"job", "invoice-run"},
             {"run_id", std::to_string(run_id)},
             {"state", outcome.state},
             {"plans", std::to_string(outcome.progress.done)},
             {"drafts", std::to_string(outcome.progress.drafts)},
             {"finalized", std::to_string(outcome.progress.finalized)},
             {"failed", std::to_string(outcome.progress.failed)}}
        );
        for (const auto& f : outcome.failures) {
            log_.warn(
                "plan not billed", {{"job", "invoice-run"}, {"run_id", std::to_string(run_id)}, {"err", f}}
            );
        }
    } catch (const std::exception& e) {
        failure = e.what();
    }
    if (!failure.empty()) {
        log_.error(
            "invoice run failed",
            {{"job", "invoice-run"}, {"run_id", std::to_string(run_id)}, {"err", failure}}
        );
        auto mark = [run_id, &failure, this](store::sqlite_store& db) {
            try {
                store::invoice_run_store(db).finish(run_id, "failed", failure, clock_.now());
            } catch (const std::exception&) {
                // The row stays 'running' and is resumed at the next start.
            }
        };
        co_await on_store(mark);
    }
    const std::lock_guard lock(run->mutex);
    run->done = true;
}

awaitable<control_response> daemon_app::start_invoice_run(store::run_request request) {
    if (!billing_) {
        co_return control_response{
            409, "application/json", error_body("no billing section in the configuration")};
    }
    if (run_ && !run_->done) {
        co_return control_response{
            409,
            "application/json",
            error_body("invoice run " + std::to_string(run_->id) + " is in progress; wait for it")};
    }
    if (request.dry_run) {
        const std::shared_ptr<const config::settings> cfg = config_;
        auto job = [this, request, cfg]() -> awaitable<run_outcome> {
            store::sqlite_options options{
                cfg->store.path, cfg->store.busy_timeout, cfg->store.synchronous_full};
            options.recover_in_flight = false;
            auto db = store::sqlite_store::open(options, log_);
            run_hooks hooks;
            hooks.now = [this] { return clock_.now(); };
            hooks.accept_recently_valid =
                cfg->vies ? cfg->vies->accept_recently_valid : std::chrono::milliseconds{0};
            co_return execute_invoice_run(db, *billing_, request, std::nullopt, hooks);
        };
        const auto outcome = co_await asio::co_spawn(pool_, std::move(job), use_awaitable);
        boost::json::array drafts;
        for (const auto& d : outcome.drafts) {
            drafts.push_back(boost::json::object{
                {"account_id", d.account_id},
                {"account", d.account_name},
                {"currency", d.currency},
                {"lines", d.lines},
                {"net", d.net},
                {"gross", d.gross}});
        }
        boost::json::array failures;
        for (const auto& f : outcome.failures) {
            failures.emplace_back(f);
        }
        co_return control_response{
            200,
            "application/json",
            boost::json::serialize(boost::json::object{
                {"dry_run", true},
                {"plans", outcome.progress.done},
                {"drafts", std::move(drafts)},
                {"failed", outcome.progress.failed},
                {"failures", std::move(failures)}})};
    }
    auto start = [request, this](store::sqlite_store& db) {
        const auto count = store::plan_store(db).count_plans(request.selection);
        return store::invoice_run_store(db).start(request, static_cast<std::int64_t>(count), clock_.now());
    };
    const auto run_id = co_await on_store(start);
    run_ = std::make_shared<active_run>();
    run_->id = run_id;
    spawn_owned("invoice-run", run_in_background(request, run_id));
    co_return control_response{
        202, "application/json", boost::json::serialize(boost::json::object{{"run_id", run_id}})};
}

awaitable<control_response> daemon_app::invoice_run_status(std::int64_t id) {
    auto load = [id](store::sqlite_store& db) { return store::invoice_run_store(db).load(id); };
    const auto row = co_await on_store(load);
    if (!row) {
        co_return control_response{
            404, "application/json", error_body("no invoice run " + std::to_string(id))};
    }
    boost::json::object o{
        {"run_id", row->id},
        {"cutoff", format_iso_date(row->request.cutoff)},
        {"state", row->state},
        {"selected", row->plans_selected},
        {"done", row->progress_done},
        {"drafts", row->drafts_created},
        {"finalized", row->invoices_finalized},
        {"failed", row->plans_failed},
        {"error", row->error ? boost::json::value(*row->error) : boost::json::value(nullptr)}};
    if (run_ && run_->id == id && !run_->done) {
        const std::lock_guard lock(run_->mutex);
        o["done"] = run_->progress.done;
        o["drafts"] = run_->progress.drafts;
        o["finalized"] = run_->progress.finalized;
        o["failed"] = run_->progress.failed;
    }
    co_return control_response{200, "application/json", boost::json::serialize(o)};
}

awaitable<control_response> daemon_app::resync(std::string body) {
    if (!sync_) {
        co_return control_response{
            409,
            "application/json",
            error_body("the sync is not running: " + sync_status_.state + " (see fakturactl status)")};
    }
    resync_request request;
    boost::system::error_code ec;
    const auto doc = boost::json::parse(body.empty() ? std::string("{}") : body, ec);
    if (ec || !doc.is_object()) {
        co_return control_response{400, "application/json", error_body("the body must be a JSON object")};
    }
    const auto& o = doc.as_object();
    if (const auto* v = o.if_contains("object"); v != nullptr && v->is_string()) {
        request.object = std::string(v->as_string());
    }
    if (const auto* v = o.if_contains("id"); v != nullptr && v->is_string()) {
        request.record_id = std::string(v->as_string());
    }
    if (const auto* v = o.if_contains("since"); v != nullptr && v->is_string()) {
        request.since = salesforce::parse_salesforce_datetime(v->as_string());
        if (!request.since) {
            co_return control_response{
                400, "application/json", error_body("since: expected a time like 2026-11-01T00:00:00Z")};
        }
    }
    auto run = sync_->resync(request);
    const auto report = co_await std::move(run);
    co_return control_response{200, "application/json", boost::json::serialize(report_json(report))};
}

// Delivers finalized documents (outbox kind salesforce.invoice): renders the package on the store strand,
// then upserts the invoice, its lines and the plans' billed-through dates and uploads the files. Each step
// is idempotent, so a message that fails half way is simply repeated later.
awaitable<std::string> daemon_app::keep_clerk_changes_in(
    invoice_package& pkg, const mapping::bound_approval& approval
) {
    existing_draft_records existing;
    const std::string invoice_soql = existing_invoice_query(pkg);
    if (invoice_soql.empty()) {
        co_return std::string{};
    }
    auto on_invoice = [&existing](salesforce::query_page& page) {
        existing.invoice = existing.invoice || !page.records.empty();
        return true;
    };
    auto invoice_query = sf_->query(invoice_soql, on_invoice);
    if (auto found = co_await std::move(invoice_query); !found) {
        co_return "checking whether draft " + pkg.number + " exists: " + found.error().describe();
    }
    const std::string lines_soql = existing.invoice ? existing_lines_query(pkg) : std::string{};
    if (!lines_soql.empty()) {
        const std::string field = pkg.lines.front().external_id;
        auto on_lines = [&existing, &field](salesforce::query_page& page) {
            for (const auto& v : page.records) {
                const auto* key = v.is_object() ? v.as_object().if_contains(field) : nullptr;
                if (key != nullptr && key->is_string()) {
                    existing.lines.emplace(key->as_string());
                }
            }
            return true;
        };
        auto lines_query = sf_->query(lines_soql, on_lines);
        if (auto found = co_await std::move(lines_query); !found) {
            co_return "checking which lines of draft " + pkg.number + " exist: " + found.error().describe();
        }
    }
    keep_clerk_changes(pkg, approval, existing);
    co_return std::string{};
}

awaitable<std::size_t> daemon_app::deliver_invoices(
    std::vector<const store::outbox_message*> messages, instant now
) {
    std::size_t failed = 0;
    const std::shared_ptr<const config::settings> cfg = config_;
    for (const auto* m : messages) {
        std::string error;
        try {
            boost::system::error_code ec;
            const auto doc = boost::json::parse(m->payload, ec);
            const auto* id_value =
                !ec && doc.is_object() ? doc.as_object().if_contains("invoice_id") : nullptr;
            if (id_value == nullptr || !id_value->is_int64()) {
                error = "malformed outbox payload";
            } else if (!mappings_ || !mappings_->writeback) {
                error = sync_ ? "the mapping files have no writeback section"
                              : "the mappings are not bound to the org yet";
            } else if (!cfg->billing) {
                error = "no billing section in the configuration";
            } else {
                const auto id = id_value->as_int64();
                auto build = [&](store::sqlite_store& db) {
                    return build_invoice_package(
                        db, id, *mappings_->writeback, pdf_ ? &*pdf_ : nullptr, cfg->billing->output_dir
                    );
                };
                auto pkg = co_await on_store(build);
                for (const auto& p : pkg.problems) {
                    log_.warn("document not rendered", {{"job", "salesforce-writeback"}, {"err", p}});
                }
                auto check = [&error](const auto& report, const std::string& object, const std::string& key) {
                    if (!report) {
                        error = report.error().describe();
                        return false;
                    }
                    for (const auto& r : report->records) {
                        if (!r.success) {
                            error = r.describe(object, key);
                            return false;
                        }
                    }
                    return true;
                };
                bool ok = true;
                if (pkg.draft && mappings_->writeback->approval()) {
                    auto guard = keep_clerk_changes_in(pkg, *mappings_->writeback->approval());
                    error = co_await std::move(guard);
                    ok = error.empty();
                }
                if (ok && !pkg.invoice.record.empty()) {
                    auto call =
                        sf_->upsert(pkg.invoice.object, pkg.invoice.external_id, {pkg.invoice.record});
                    ok = check(co_await std::move(call), pkg.invoice.object, pkg.invoice.external_id);
                }
                if (ok && !pkg.lines.empty()) {
                    std::vector<boost::json::object> lines;
                    for (auto& l : pkg.lines) {
                        lines.push_back(std::move(l.record));
                    }
                    auto call = sf_->upsert(
                        pkg.lines.front().object, pkg.lines.front().external_id, std::move(lines)
                    );
                    ok = check(
                        co_await std::move(call), pkg.lines.front().object, pkg.lines.front().external_id
                    );
                }
                if (ok && !pkg.files.empty()) {
                    auto call = sf_->upload_files(std::move(pkg.files));
                    ok = check(co_await std::move(call), "ContentVersion", "PathOnClient");
                }
                for (auto& p : pkg.plans) {
                    if (!ok) {
                        break;
                    }
                    auto call = sf_->upsert(p.object, "Id", {std::move(p.record)});
                    ok = check(co_await std::move(call), p.object, "Id");
                }
                if (ok) {
                    log_.info(
                        "invoice written to Salesforce",
                        {{"job", "salesforce-writeback"},
                         {"number", pkg.number},
                         {"lines", std::to_string(pkg.lines.size())},
                         {"files", std::to_string(pkg.written.size())}}
                    );
                }
            }
        } catch (const std::exception& e) {
            error = e.what();
        }
        const bool done = error.empty();
        const auto retry = done ? std::nullopt : retry_time(*m, false, now);
        if (!done) {
            ++failed;
            log_.warn(
                "invoice write-back failed; retried later", {{"job", "salesforce-writeback"}, {"err", error}}
            );
        }
        auto settle = [&](store::sqlite_store& db) {
            if (done) {
                db.mark_done(m->id, now);
            } else {
                db.mark_failed(m->id, error, retry);
            }
        };
        co_await on_store(settle);
    }
    co_return failed;
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
    // The SCHUFA connection and the credit-check rules are set up once (only the poll interval follows).
    const auto schufa_rules = [](const config::schufa_settings& s) {
        return std::tie(
            s.url,
            s.participant_id,
            s.client_certificate,
            s.client_key,
            s.ca_file,
            s.b2c_retention,
            s.task_subject
        );
    };
    if (next.schufa.has_value() != cur.schufa.has_value() ||
        (next.schufa && schufa_rules(*next.schufa) != schufa_rules(*cur.schufa))) {
        warn("schufa");
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
    s.outbox_in_flight = st.outbox_in_flight;
    s.outbox_failed = st.outbox_failed;
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

    s.sync = sync_status_;
    if (!cfg.salesforce || cfg.mappings.empty()) {
        s.sync.state = "not configured";
        s.sync.detail = !cfg.salesforce ? "no salesforce section" : "no mapping files (config `mappings`)";
    }
    auto read_quarantine = [](store::sqlite_store& db) {
        store::plan_store plans(db);
        return std::make_pair(plans.quarantine_count(), plans.quarantined(20));
    };
    const auto [count, entries] = co_await on_store(read_quarantine);
    s.sync.quarantined = count;
    for (const auto& q : entries) {
        s.sync.quarantine.push_back(
            q.object + " " + q.record_id + ": " + (q.problems.empty() ? std::string("?") : q.problems.front())
        );
    }
    if (cfg.salesforce) {
        s.connectors.push_back({"salesforce", "configured", cfg.salesforce->instance_url});
    } else {
        s.connectors.push_back({"salesforce", "not configured", "no salesforce section in the configuration"}
        );
    }
    if (cfg.vies) {
        s.connectors.push_back({"vies", "configured", cfg.vies->rest_url});
    } else {
        s.connectors.push_back({"vies", "not configured", "no vies section: VAT IDs are checked offline only"}
        );
    }
    if (cfg.schufa) {
        auto read_activity = [](store::sqlite_store& db) { return store::credit_store(db).activity(); };
        const store::credit_activity a = co_await on_store(read_activity);
        std::string detail = cfg.schufa->url + "; " + std::to_string(a.monitored) + " account(s) monitored";
        if (!a.last_requested_at.empty()) {
            detail += "; last " + a.last_action + " " + a.last_requested_at + ": " + a.last_outcome;
            if (!a.last_result_code.empty()) {
                detail += " (" + a.last_result_code + ")";
            }
        }
        s.connectors.push_back({"schufa", "configured", std::move(detail)});
    } else {
        s.connectors.push_back({"schufa", "not configured", "no schufa section: no credit reports"});
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
    if (request.via == listener_kind::control_socket && request.method == "POST" &&
        request.target == invoice_runs_endpoint) {
        boost::system::error_code ec;
        const auto doc = boost::json::parse(request.body.empty() ? std::string("{}") : request.body, ec);
        if (ec || !doc.is_object()) {
            co_return control_response{400, "application/json", error_body("the body must be a JSON object")};
        }
        const auto& o = doc.as_object();
        store::run_request run;
        const auto* date_text = o.if_contains("date");
        std::optional<civil_date> cutoff;
        if (date_text != nullptr && date_text->is_string()) {
            auto parsed = parse_iso_date(date_text->as_string());
            if (const auto* day = std::get_if<civil_date>(&parsed)) {
                cutoff = *day;
            }
        } else if (date_text == nullptr) {
            cutoff = local_today();
        }
        if (!cutoff) {
            co_return control_response{400, "application/json", error_body("date: expected YYYY-MM-DD")};
        }
        run.cutoff = *cutoff;
        if (const auto* v = o.if_contains("account"); v != nullptr && v->is_string()) {
            run.selection.kind = billing::selection_kind::account;
            run.selection.id = std::string(v->as_string());
        }
        if (const auto* v = o.if_contains("plan"); v != nullptr && v->is_string()) {
            run.selection.kind = billing::selection_kind::plan;
            run.selection.id = std::string(v->as_string());
        }
        run.dry_run =
            o.if_contains("dry_run") != nullptr && o.at("dry_run").is_bool() && o.at("dry_run").as_bool();
        const bool finalize_default =
            config_->billing &&
            config_->billing->finalize == config::billing_settings::finalize_kind::immediately;
        run.finalize = o.if_contains("finalize") != nullptr && o.at("finalize").is_bool()
                           ? o.at("finalize").as_bool()
                           : finalize_default;
        run.started_by = "manual";
        try {
            auto start = start_invoice_run(run);
            co_return co_await std::move(start);
        } catch (const std::exception& e) {
            log_.error("invoice run not started", {{"err", e.what()}});
            co_return control_response{
                500, "application/json", error_body(std::string("invoice run failed: ") + e.what())};
        }
    }
    if (request.via == listener_kind::control_socket && request.method == "GET" &&
        request.target.starts_with(std::string(invoice_runs_endpoint) + "/")) {
        const auto id_text = request.target.substr(invoice_runs_endpoint.size() + 1);
        std::int64_t id = 0;
        const auto* end = id_text.data() + id_text.size();
        if (auto [p, ec] = std::from_chars(id_text.data(), end, id); ec != std::errc{} || p != end) {
            co_return control_response{
                400, "application/json", error_body("expected /v1/invoice-runs/<number>")};
        }
        auto status = invoice_run_status(id);
        co_return co_await std::move(status);
    }
    if (request.via == listener_kind::control_socket && request.method == "POST" &&
        request.target == resync_endpoint) {
        try {
            auto run = resync(request.body);
            co_return co_await std::move(run);
        } catch (const std::exception& e) {
            co_return control_response{
                500, "application/json", error_body(std::string("resync failed: ") + e.what())};
        }
    }
    if (request.via == listener_kind::control_socket && request.method == "POST" &&
        (request.target == credit_checks_endpoint || request.target == credit_monitoring_endpoint)) {
        if (!credit_) {
            co_return control_response{
                409, "application/json", error_body("SCHUFA is not configured: add the schufa section")};
        }
        credit_reply reply;
        try {
            if (request.target == credit_checks_endpoint) {
                std::string problem;
                auto parsed = credit_check_request_of(request.body, problem);
                if (!parsed) {
                    co_return control_response{400, "application/json", error_body(problem)};
                }
                auto checking = credit_->check(std::move(*parsed));
                reply = co_await std::move(checking);
            } else {
                boost::system::error_code ec;
                const auto doc = boost::json::parse(request.body, ec);
                const auto* o = !ec && doc.is_object() ? &doc.as_object() : nullptr;
                const auto* account = o != nullptr ? o->if_contains("account_id") : nullptr;
                const auto* on = o != nullptr ? o->if_contains("on") : nullptr;
                const auto* by = o != nullptr ? o->if_contains("requested_by") : nullptr;
                if (account == nullptr || !account->is_string() || on == nullptr || !on->is_bool()) {
                    co_return control_response{
                        400,
                        "application/json",
                        error_body("expected {\"account_id\": ID, \"on\": true|false}")};
                }
                auto switching = credit_->monitor(
                    std::string(account->as_string()),
                    on->as_bool(),
                    by != nullptr && by->is_string() ? std::string(by->as_string()) : std::string("unknown")
                );
                reply = co_await std::move(switching);
            }
        } catch (const std::exception& e) {
            log_.error("credit check failed", {{"job", "credit-check"}, {"err", e.what()}});
            reply.status = 500;
            reply.body = boost::json::object{{"error", std::string("credit check failed: ") + e.what()}};
        }
        co_return control_response{reply.status, "application/json", boost::json::serialize(reply.body)};
    }
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
