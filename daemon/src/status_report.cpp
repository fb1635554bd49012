#include "status_report.hpp"

#include "fakturad/core/units.hpp"

#include <boost/json.hpp>

#include <iterator>
#include <stdexcept>

namespace fakturad::daemon {
namespace json = boost::json;

namespace {

json::value instant_or_null(const std::optional<instant>& at) {
    if (!at) {
        return nullptr;
    }
    return json::value(format_instant(*at));
}

std::string text_of(const json::value& v) {
    if (v.is_string()) {
        return std::string(v.get_string());
    }
    if (v.is_null()) {
        return "-";
    }
    return json::serialize(v);
}

// "221.3 KiB": one decimal, for people; the JSON keeps the exact byte count.
std::string human_bytes(std::uint64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    std::size_t unit = 0;
    std::uint64_t whole = bytes;
    std::uint64_t tenths = 0;
    while (whole >= 1024 && unit + 1 < std::size(units)) {
        tenths = (whole % 1024) * 10 / 1024;
        whole /= 1024;
        ++unit;
    }
    std::string out = std::to_string(whole);
    if (unit > 0) {
        out += "." + std::to_string(tenths);
    }
    return out + " " + units[unit];
}

const json::value& field(const json::object& obj, std::string_view key) {
    static const json::value null_value;
    const auto* v = obj.if_contains(key);
    return v != nullptr ? *v : null_value;
}

}  // namespace

std::string to_json(const status_snapshot& s) {
    json::array connectors;
    for (const auto& c : s.connectors) {
        connectors.push_back(json::object{{"name", c.name}, {"state", c.state}, {"detail", c.detail}});
    }
    json::value last_sync = nullptr;
    if (s.last_sync) {
        last_sync = json::object{{"object", s.last_sync->object}, {"at", format_instant(s.last_sync->at)}};
    }
    json::value last_run = nullptr;
    if (s.last_run) {
        last_run = json::object{
            {"id", s.last_run->id},
            {"cutoff", s.last_run->cutoff},
            {"state", s.last_run->state},
            {"started_at", instant_or_null(s.last_run->started_at)},
            {"finished_at", instant_or_null(s.last_run->finished_at)},
        };
    }
    json::array problems;
    for (const auto& p : s.sync.mapping_problems) {
        problems.emplace_back(p);
    }
    json::array quarantine;
    for (const auto& q : s.sync.quarantine) {
        quarantine.emplace_back(q);
    }
    const json::object doc{
        {"version", s.version},
        {"revision", s.revision},
        {"pid", s.pid},
        {"state", s.state},
        {"started_at", format_instant(s.started_at)},
        {"uptime_seconds", s.uptime.count() / 1000},
        {"config",
         json::object{
             {"path", s.config_path},
             {"loaded_at", format_instant(s.config_loaded_at)},
             {"reloads_ok", s.reloads_ok},
             {"reloads_failed", s.reloads_failed},
             {"last_reload_error",
              s.last_reload_error.empty() ? json::value(nullptr) : json::value(s.last_reload_error)},
         }},
        {"store",
         json::object{
             {"backend", s.store_backend},
             {"path", s.store_path},
             {"schema_version", s.store_schema_version},
             {"journal_mode", s.store_journal_mode},
             {"file_bytes", s.store_file_bytes},
             {"outbox_pending", s.outbox_pending},
             {"outbox_in_flight", s.outbox_in_flight},
             {"outbox_failed", s.outbox_failed},
         }},
        {"connectors", std::move(connectors)},
        {"last_sync", std::move(last_sync)},
        {"last_run", std::move(last_run)},
        {"sync",
         json::object{
             {"state", s.sync.state},
             {"detail", s.sync.detail},
             {"mapping_problems", std::move(problems)},
             {"quarantined", s.sync.quarantined},
             {"quarantine", std::move(quarantine)},
             {"awaiting_approval",
              s.sync.awaiting_approval ? json::value(*s.sync.awaiting_approval) : json::value(nullptr)},
         }},
    };
    return json::serialize(doc);
}

std::string render_status_text(std::string_view status_json) {
    json::error_code ec;
    const json::value doc = json::parse(status_json, ec);
    if (ec || !doc.is_object()) {
        throw std::runtime_error("the daemon answered with something that is not a status document");
    }
    const auto& o = doc.get_object();
    std::string out;
    auto line = [&out](std::string_view label, const std::string& value) {
        out += label;
        out.append(label.size() < 12 ? 12 - label.size() : 1, ' ');
        out += value;
        out += '\n';
    };

    const auto uptime_s = field(o, "uptime_seconds").is_int64() ? field(o, "uptime_seconds").get_int64() : 0;
    line("fakturad", text_of(field(o, "version")) + " (" + text_of(field(o, "revision")) + ")");
    line(
        "state",
        text_of(field(o, "state")) + ", pid " + text_of(field(o, "pid")) + ", up " +
            format_duration(std::chrono::seconds(uptime_s)) + " since " + text_of(field(o, "started_at"))
    );
    if (const auto* c = o.if_contains("config"); c != nullptr && c->is_object()) {
        const auto& co = c->get_object();
        std::string text = text_of(field(co, "path")) + ", loaded " + text_of(field(co, "loaded_at")) +
                           ", reloads " + text_of(field(co, "reloads_ok")) + " ok / " +
                           text_of(field(co, "reloads_failed")) + " failed";
        if (!field(co, "last_reload_error").is_null()) {
            text += "\n            last reload failed: " + text_of(field(co, "last_reload_error"));
        }
        line("config", text);
    }
    if (const auto* st = o.if_contains("store"); st != nullptr && st->is_object()) {
        const auto& so = st->get_object();
        const auto bytes =
            field(so, "file_bytes").is_number() ? field(so, "file_bytes").to_number<std::uint64_t>() : 0;
        line(
            "store",
            text_of(field(so, "backend")) + " " + text_of(field(so, "path")) + ", schema v" +
                text_of(field(so, "schema_version")) + ", " + text_of(field(so, "journal_mode")) + ", " +
                human_bytes(bytes) + ", outbox pending " + text_of(field(so, "outbox_pending")) +
                ", in flight " + text_of(field(so, "outbox_in_flight")) + ", failed " +
                text_of(field(so, "outbox_failed"))
        );
    }
    if (const auto* cs = o.if_contains("connectors"); cs != nullptr && cs->is_array()) {
        for (const auto& c : cs->get_array()) {
            if (!c.is_object()) {
                continue;
            }
            const auto& co = c.get_object();
            std::string text = text_of(field(co, "state"));
            if (const auto& d = field(co, "detail"); d.is_string() && !d.get_string().empty()) {
                text += " — " + text_of(d);
            }
            line(text_of(field(co, "name")), text);
        }
    }
    const auto& sync = field(o, "last_sync");
    line(
        "last sync",
        sync.is_object()
            ? text_of(field(sync.get_object(), "object")) + " at " + text_of(field(sync.get_object(), "at"))
            : std::string("never")
    );
    if (const auto* sy = o.if_contains("sync"); sy != nullptr && sy->is_object()) {
        const auto& so = sy->get_object();
        std::string text = text_of(field(so, "state"));
        if (const auto& d = field(so, "detail"); d.is_string() && !d.get_string().empty()) {
            text += " — " + text_of(d);
        }
        line("sync", text);
        if (const auto& mp = field(so, "mapping_problems"); mp.is_array()) {
            for (const auto& p : mp.get_array()) {
                out += "            " + text_of(p) + "\n";
            }
        }
        line("quarantine", text_of(field(so, "quarantined")) + " record(s)");
        if (const auto& q = field(so, "quarantine"); q.is_array()) {
            for (const auto& e : q.get_array()) {
                out += "            " + text_of(e) + "\n";
            }
        }
        if (const auto& a = field(so, "awaiting_approval"); !a.is_null()) {
            line("approval", text_of(a) + " draft(s) awaiting approval in Salesforce");
        }
    }
    const auto& run = field(o, "last_run");
    if (run.is_object()) {
        const auto& ro = run.get_object();
        line(
            "last run",
            text_of(field(ro, "id")) + ", cutoff " + text_of(field(ro, "cutoff")) + ", " +
                text_of(field(ro, "state")) + ", finished " + text_of(field(ro, "finished_at"))
        );
    } else {
        line("last run", "never");
    }
    return out;
}

}  // namespace fakturad::daemon
