#include "ctl_invoice_run.hpp"

#include "control_client.hpp"
#include "fakturad/daemon/control_protocol.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <ostream>
#include <thread>

namespace fakturad::daemon {
namespace {

namespace json = boost::json;

std::int64_t int_of(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

std::string text_of(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

std::string bar(std::int64_t done, std::int64_t total) {
    constexpr int width = 30;
    const int filled = total > 0 ? static_cast<int>(done * width / total) : width;
    return "[" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

std::string progress_line(const json::object& s) {
    return std::to_string(int_of(s, "done")) + "/" + std::to_string(int_of(s, "selected")) + " plans, " +
           std::to_string(int_of(s, "drafts")) + " drafts, " + std::to_string(int_of(s, "finalized")) +
           " finalized, " + std::to_string(int_of(s, "failed")) + " failed";
}

}  // namespace

int run_invoice_run(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    const invoice_run_args& args,
    bool terminal,
    std::ostream& out,
    std::ostream& err
) {
    json::object body;
    if (!args.date.empty()) {
        body["date"] = args.date;
    }
    if (!args.account.empty()) {
        body["account"] = args.account;
    }
    if (!args.plan.empty()) {
        body["plan"] = args.plan;
    }
    body["dry_run"] = args.dry_run;
    if (args.finalize) {
        body["finalize"] = *args.finalize;
    }
    try {
        // A dry run answers when it is done; give it room.
        const auto start_timeout =
            args.dry_run ? std::max(timeout, std::chrono::milliseconds(600'000)) : timeout;
        const auto reply =
            control_call(socket, "POST", invoice_runs_endpoint, json::serialize(body), start_timeout);
        auto answer = json_answer(reply, err);
        if (!answer) {
            return 1;
        }
        if (args.dry_run) {
            out << "dry run: " << int_of(*answer, "plans") << " plans, nothing written\n";
            if (const auto* drafts = answer->if_contains("drafts"); drafts != nullptr && drafts->is_array()) {
                for (const auto& d : drafts->as_array()) {
                    const auto& o = d.as_object();
                    out << "  " << text_of(o, "account_id") << "  " << text_of(o, "account") << "  "
                        << int_of(o, "lines") << " lines  net " << text_of(o, "net") << " "
                        << text_of(o, "currency") << "  gross " << text_of(o, "gross") << '\n';
                }
                out << drafts->as_array().size() << " draft(s)\n";
            }
            if (const auto* failures = answer->if_contains("failures");
                failures != nullptr && failures->is_array()) {
                for (const auto& f : failures->as_array()) {
                    err << "  not billed: " << str(f) << '\n';
                }
            }
            return int_of(*answer, "failed") == 0 ? 0 : 1;
        }
        const auto run_id = int_of(*answer, "run_id");
        out << "invoice run " << run_id << " started\n";
        const std::string target = std::string(invoice_runs_endpoint) + "/" + std::to_string(run_id);
        auto last_line = std::chrono::steady_clock::now();
        for (;;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            const auto poll = control_call(socket, "GET", target, "", timeout);
            auto status = json_answer(poll, err);
            if (!status) {
                return 1;
            }
            const auto state = text_of(*status, "state");
            const auto now = std::chrono::steady_clock::now();
            if (terminal) {
                out << '\r' << bar(int_of(*status, "done"), int_of(*status, "selected")) << ' '
                    << progress_line(*status) << std::flush;
            } else if (state != "running" || now - last_line >= std::chrono::seconds(2)) {
                out << "invoice run " << run_id << ": " << progress_line(*status) << '\n';
                last_line = now;
            }
            if (state != "running") {
                if (terminal) {
                    out << '\n';
                }
                out << "invoice run " << run_id << " " << state << ": " << progress_line(*status) << '\n';
                if (const auto e = text_of(*status, "error"); !e.empty()) {
                    err << "fakturactl: " << e << '\n';
                }
                return state == "finished" && int_of(*status, "failed") == 0 ? 0 : 1;
            }
        }
    } catch (const std::exception&) {
        return report_daemon_failure(err);
    }
}

int run_resync(
    const std::filesystem::path& socket,
    std::chrono::milliseconds timeout,
    const resync_args& args,
    std::ostream& out,
    std::ostream& err
) {
    json::object body;
    if (!args.object.empty()) {
        body["object"] = args.object;
    }
    if (!args.id.empty()) {
        body["id"] = args.id;
    }
    if (!args.since.empty()) {
        body["since"] = args.since;
    }
    try {
        const auto reply = control_call(
            socket,
            "POST",
            resync_endpoint,
            json::serialize(body),
            std::max(timeout, std::chrono::milliseconds(600'000))
        );
        auto answer = json_answer(reply, err);
        if (!answer) {
            return 1;
        }
        out << "resync: fetched " << int_of(*answer, "fetched") << ", created " << int_of(*answer, "created")
            << ", changed " << int_of(*answer, "changed") << ", unchanged " << int_of(*answer, "unchanged")
            << ", ended " << int_of(*answer, "ended") << ", quarantined " << int_of(*answer, "quarantined")
            << ", out of quarantine " << int_of(*answer, "released") << ", usage " << int_of(*answer, "usage")
            << '\n';
        if (const auto* changes = answer->if_contains("changes"); changes != nullptr && changes->is_array()) {
            for (const auto& c : changes->as_array()) {
                out << "  " << str(c) << '\n';
            }
        }
        bool failed = false;
        if (const auto* errors = answer->if_contains("errors"); errors != nullptr && errors->is_array()) {
            for (const auto& e : errors->as_array()) {
                err << "fakturactl: " << str(e) << '\n';
                failed = true;
            }
        }
        return failed ? 1 : 0;
    } catch (const std::exception&) {
        return report_daemon_failure(err);
    }
}

}  // namespace fakturad::daemon
