#include "fakturad/sf_emulator/emulator.hpp"

#include "schema.hpp"
#include "soql.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace fakturad::sf_emulator {

namespace json = boost::json;

std::string id18(std::string_view id15) {
    static constexpr const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    std::string out(id15);
    for (int chunk = 0; chunk < 3; ++chunk) {
        unsigned v = 0;
        for (int i = 0; i < 5; ++i) {
            const char c = id15[static_cast<std::size_t>(chunk * 5 + i)];
            if (c >= 'A' && c <= 'Z') {
                v |= 1U << static_cast<unsigned>(i);
            }
        }
        out += alphabet[v];
    }
    return out;
}

namespace {

constexpr int min_version = 50;
constexpr int max_version = 62;

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Percent-decoding; `plus_is_space` for form bodies and query strings.
std::string decode(std::string_view in, bool plus_is_space) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
            i += 2;
        } else if (plus_is_space && in[i] == '+') {
            out += ' ';
        } else {
            out += in[i];
        }
    }
    return out;
}

std::string url_decode(std::string_view in) { return decode(in, true); }
std::string path_decode(std::string_view in) { return decode(in, false); }

std::map<std::string, std::string> parse_form(std::string_view body) {
    std::map<std::string, std::string> out;
    std::size_t start = 0;
    while (start <= body.size()) {
        auto amp = body.find('&', start);
        auto part = body.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
        if (!part.empty()) {
            auto eq = part.find('=');
            out[url_decode(part.substr(0, eq))] =
                eq == std::string_view::npos ? "" : url_decode(part.substr(eq + 1));
        }
        if (amp == std::string_view::npos) {
            break;
        }
        start = amp + 1;
    }
    return out;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            slash = path.size();
        }
        if (slash > start) {
            out.push_back(path_decode(path.substr(start, slash - start)));
        }
        start = slash + 1;
    }
    return out;
}

std::string format_datetime(time_point t) {
    const auto ms = t.time_since_epoch().count();
    const std::int64_t days = (ms >= 0 ? ms : ms - 86'399'999) / 86'400'000;
    const std::int64_t rem = ms - days * 86'400'000;
    char buf[40];
    std::snprintf(
        buf,
        sizeof buf,
        "%sT%02lld:%02lld:%02lld.%03lld+0000",
        soql::civil_from_days(days).c_str(),
        static_cast<long long>(rem / 3'600'000),
        static_cast<long long>(rem / 60'000 % 60),
        static_cast<long long>(rem / 1000 % 60),
        static_cast<long long>(rem % 1000)
    );
    return buf;
}

std::string format_epoch_ms(std::int64_t ms) {
    return format_datetime(time_point(std::chrono::milliseconds(ms)));
}

bool is_id_char(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// Normalises a 15- or 18-character Id (18-character ones may be case-mangled) to the 18-character form.
std::optional<std::string> normalize_id(std::string_view id) {
    if (id.size() != 15 && id.size() != 18) {
        return std::nullopt;
    }
    if (!std::all_of(id.begin(), id.end(), is_id_char)) {
        return std::nullopt;
    }
    if (id.size() == 15) {
        return id18(id);
    }
    std::string base(id.substr(0, 15));
    const std::string suffix(id.substr(15));
    if (id18(base) == base + suffix) {
        return base + suffix;
    }
    // Restore the case from the suffix, as Salesforce does for case-mangled Ids.
    for (int chunk = 0; chunk < 3; ++chunk) {
        char s = suffix[static_cast<std::size_t>(chunk)];
        if (s >= 'a' && s <= 'z') {
            s = static_cast<char>(s - 'a' + 'A');
        }
        unsigned bits = 0;
        if (s >= 'A' && s <= 'Z') {
            bits = static_cast<unsigned>(s - 'A');
        } else if (s >= '0' && s <= '5') {
            bits = static_cast<unsigned>(26 + s - '0');
        } else {
            return std::nullopt;
        }
        for (int i = 0; i < 5; ++i) {
            char& c = base[static_cast<std::size_t>(chunk * 5 + i)];
            const bool upper = (bits >> static_cast<unsigned>(i)) & 1U;
            if (upper && c >= 'a' && c <= 'z') {
                c = static_cast<char>(c - 'a' + 'A');
            } else if (!upper && c >= 'A' && c <= 'Z') {
                c = static_cast<char>(c - 'A' + 'a');
            }
        }
    }
    auto fixed = id18(base);
    if (!iequals(fixed, std::string(id))) {
        return std::nullopt;
    }
    return fixed;
}

std::string base64url_decode(std::string_view in) {
    std::string b64(in);
    for (auto& c : b64) {
        if (c == '-') {
            c = '+';
        } else if (c == '_') {
            c = '/';
        }
    }
    while (b64.size() % 4 != 0) {
        b64 += '=';
    }
    std::string out(b64.size() / 4 * 3 + 1, '\0');
    const int n = EVP_DecodeBlock(
        reinterpret_cast<unsigned char*>(out.data()),
        reinterpret_cast<const unsigned char*>(b64.data()),
        static_cast<int>(b64.size())
    );
    if (n < 0) {
        return {};
    }
    std::size_t len = static_cast<std::size_t>(n);
    std::size_t pad = 0;
    while (pad < 2 && !b64.empty() && b64[b64.size() - 1 - pad] == '=') {
        ++pad;
    }
    out.resize(len - pad);
    return out;
}

// Serialises like Salesforce: doubles as plain decimals with at least one fraction digit ("12.0", not
// Boost.JSON's "1.2E1").
void write_json(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::double_: {
            const double d = v.get_double();
            char buf[64];
            if (std::isfinite(d) && std::abs(d) < 1e15 && d == std::floor(d)) {
                std::snprintf(buf, sizeof buf, "%.1f", d);
            } else {
                auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
                *res.ptr = '\0';
            }
            out += buf;
            return;
        }
        case json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.get_array()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                write_json(out, e);
            }
            out += ']';
            return;
        }
        case json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& [k, e] : v.get_object()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                out += json::serialize(json::string(k));
                out += ':';
                write_json(out, e);
            }
            out += '}';
            return;
        }
        default:
            out += json::serialize(v);
    }
}

std::string to_json_text(const json::value& v) {
    std::string out;
    write_json(out, v);
    return out;
}

struct api_error {
    unsigned status = 400;
    std::string code;
    std::string message;
    std::vector<std::string> fields;
};

json::object error_object(const api_error& e, const char* code_key) {
    json::object o;
    o["message"] = e.message;
    o[code_key] = e.code;
    json::array fields;
    for (const auto& f : e.fields) {
        fields.emplace_back(f);
    }
    o["fields"] = std::move(fields);
    return o;
}

struct cursor {
    json::array records;
    std::size_t batch = 2000;
};

struct connected_app {
    std::string consumer_key;
    std::string consumer_secret;
    std::string certificate_pem;
    std::string run_as;
};

// Failures the emulator injects into REST calls (not the token endpoint), for retry and fault tests.
struct fault_config {
    double share = 0.0;  // fraction of REST calls that fail, drawn from a seeded generator
    std::vector<std::string> kinds{"500", "503", "REQUEST_LIMIT_EXCEEDED", "UNABLE_TO_LOCK_ROW", "drop"};
    std::int64_t latency_ms = 0;  // added before every answer
    std::uint64_t seed = 1;
};

// Change events Salesforce sends instead of the regular ones (reference §5.6): gap events for changes it
// could not describe, overflow events for the part of a transaction beyond the change threshold.
struct change_event_faults {
    std::int64_t gap_next = 0;              // the next N changes become GAP_<type> events (header only)
    std::int64_t overflow_after = 100'000;  // changes per transaction before GAP_OVERFLOW takes over
};

struct bulk_job {
    std::string id;
    std::string operation;
    std::string object;
    std::string version;
    std::string state = "UploadComplete";
    std::string created;
    std::string column_delimiter = "COMMA";
    std::string line_ending = "LF";
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    int polls = 0;
};

struct token_info {
    std::string username;
    time_point expires;
};

}  // namespace

struct emulator::state {
    emulator_options options;
    schema objects = schema::standard();
    std::string org_id;
    std::string user_id;
    std::string username = "integration@fakturad.example";
    std::vector<connected_app> apps;
    std::map<std::string, std::pair<std::string, std::string>>
        refresh_tokens;  // token -> (consumer key, user)
    std::map<std::string, token_info> tokens;
    std::chrono::seconds session_lifetime{7200};
    std::optional<time_point> pinned_time;
    std::size_t api_max = 100000;
    std::size_t api_used = 0;
    std::uint64_t id_counter = 0;
    std::uint64_t token_counter = 0;
    std::uint64_t autonumber = 100;
    std::map<std::string, std::map<std::string, json::object>> records;  // object -> id -> record
    // Every write to a record is announced by touch() first: an allOrNone collection keeps the records as
    // they were before it (undo), and the external-id indexes re-read the records written since they last
    // looked (written).  Copying the org per request instead costs O(org) per call.
    struct undo_entry {
        std::string object;
        std::string id;
        std::optional<json::object> before;  // nullopt: the record did not exist
    };
    std::optional<std::vector<undo_entry>> undo;
    std::set<std::pair<std::string, std::string>> undo_touched;
    // Object -> ids written since all its indexes last caught up (only objects that have an index).
    mutable std::map<std::string, std::vector<std::string>> written;
    struct field_index {
        std::unordered_map<std::string, std::set<std::string>> ids_by_value;
        std::unordered_map<std::string, std::string> value_by_id;
        std::size_t written_seen = 0;  // position in written[object] up to which the index is current
        bool built = false;
    };
    // (object, field); a cache over `records`, brought up to date by the const lookups
    mutable std::map<std::pair<std::string, std::string>, field_index> indexes;
    std::map<std::string, cursor> cursors;
    std::map<std::string, bulk_job> jobs;
    // Change Data Capture and CometD
    struct change_event {
        std::int64_t replay_id = 0;
        std::string entity;
        time_point commit;
        json::object payload;
    };
    struct cometd_client {
        std::string browser;
        std::map<std::string, std::int64_t> subscriptions;  // channel -> last replay id delivered
    };
    std::vector<change_event> events;
    std::int64_t next_replay = 1;
    std::map<std::string, cometd_client> clients;
    std::uint64_t client_counter = 0;
    bool recording = false;  // true while a REST request runs: seed records make no events
    std::string change_origin;
    std::string transaction_key;
    int sequence = 0;
    change_event_faults event_faults;
    std::int64_t transaction_changes = 0;  // counted toward event_faults.overflow_after
    std::set<std::string> overflowed;      // entities that got their GAP_OVERFLOW in this transaction
    std::chrono::milliseconds cometd_hold{110'000};
    std::string version = "59.0";  // of the request being handled
    fault_config faults;
    std::mt19937_64 rng{1};
    std::size_t faults_injected = 0;

    time_point now() const {
        if (pinned_time) {
            return *pinned_time;
        }
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }

    std::string new_id(const std::string& prefix) {
        static constexpr const char* digits =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        std::uint64_t n = ++id_counter;
        std::string counter(9, '0');
        for (int i = 8; i >= 0 && n > 0; --i) {
            counter[static_cast<std::size_t>(i)] = digits[n % 62];
            n /= 62;
        }
        return id18(prefix + "5g0" + counter);
    }

    // ---- responses -------------------------------------------------------------------------------

    net::http_response json_response(unsigned status, const json::value& body) const {
        net::http_response res;
        res.status = status;
        res.set("Content-Type", "application/json;charset=UTF-8");
        res.body = to_json_text(body);
        return res;
    }

    net::http_response error_response(const api_error& e) const {
        json::array body;
        json::object o;
        o["message"] = e.message;
        o["errorCode"] = e.code;
        if (!e.fields.empty()) {
            json::array fields;
            for (const auto& f : e.fields) {
                fields.emplace_back(f);
            }
            o["fields"] = std::move(fields);
        }
        body.push_back(std::move(o));
        return json_response(e.status, body);
    }

    static api_error not_found() { return {404, "NOT_FOUND", "The requested resource does not exist", {}}; }

    std::string sobject_url(const std::string& type, const std::string& id) const {
        return "/services/data/v" + version + "/sobjects/" + type + "/" + id;
    }

    // ---- org file --------------------------------------------------------------------------------

    void load_org(const std::filesystem::path& file) {
        YAML::Node root;
        try {
            root = YAML::LoadFile(file.string());
        } catch (const YAML::Exception& e) {
            throw std::runtime_error("cannot read org file " + file.string() + ": " + e.what());
        }
        const auto base = file.parent_path();
        org_id = id18(root["org_id"] ? root["org_id"].as<std::string>() : std::string("00D5g0000000001"));
        if (root["username"]) {
            username = root["username"].as<std::string>();
        }
        user_id = id18(root["user_id"] ? root["user_id"].as<std::string>() : std::string("0055g0000000001"));
        if (root["daily_api_requests"]) {
            api_max = root["daily_api_requests"].as<std::size_t>();
        }
        if (root["faults"]) {
            std::string error;
            if (!set_faults(yaml_to_plain_json(root["faults"]), error)) {
                throw std::runtime_error("org file " + file.string() + ": faults: " + error);
            }
        }
        if (root["change_events"]) {
            std::string error;
            if (!set_event_faults(yaml_to_plain_json(root["change_events"]), error)) {
                throw std::runtime_error("org file " + file.string() + ": change_events: " + error);
            }
        }
        if (root["cometd_timeout_ms"]) {
            cometd_hold = std::chrono::milliseconds(root["cometd_timeout_ms"].as<long>());
        }
        if (root["session_seconds"]) {
            session_lifetime = std::chrono::seconds(root["session_seconds"].as<long>());
        }
        if (root["metadata"]) {
            objects.load_dx_metadata(base / root["metadata"].as<std::string>());
        }
        for (const auto& app : root["connected_apps"]) {
            connected_app a;
            a.consumer_key = app["consumer_key"].as<std::string>();
            a.consumer_secret = app["consumer_secret"] ? app["consumer_secret"].as<std::string>() : "";
            if (app["certificate"]) {
                std::ifstream in(base / app["certificate"].as<std::string>());
                if (!in) {
                    throw std::runtime_error(
                        "org file " + file.string() + ": cannot read certificate " +
                        app["certificate"].as<std::string>()
                    );
                }
                std::stringstream ss;
                ss << in.rdbuf();
                a.certificate_pem = ss.str();
            }
            a.run_as = app["run_as"] ? app["run_as"].as<std::string>() : username;
            apps.push_back(std::move(a));
        }
        for (const auto& rt : root["refresh_tokens"]) {
            refresh_tokens[rt["token"].as<std::string>()] = {rt["consumer_key"].as<std::string>(), username};
        }
        json::object user;
        user["Id"] = user_id;
        user["Username"] = username;
        user["Name"] = "Integration User";
        user["IsDeleted"] = false;  // every stored record has it: lookups (a Task's OwnerId) read it
        user["SystemModstamp"] = format_datetime(now());
        records["User"][user_id] = user;

        // Seed records: `_key` names a record so that later ones can point at it with "@key".
        std::map<std::string, std::string> keys;
        for (const auto& group : root["records"]) {
            const auto type = group.first.as<std::string>();
            const object_def* def = objects.find(type);
            if (def == nullptr) {
                throw std::runtime_error(
                    "org file " + file.string() + ": unknown object " + type + " in records"
                );
            }
            for (const auto& rec : group.second) {
                json::object body;
                std::string key;
                for (const auto& kv : rec) {
                    const auto name = kv.first.as<std::string>();
                    if (name == "_key") {
                        key = kv.second.as<std::string>();
                        continue;
                    }
                    body[name] = yaml_to_json(kv.second, keys);
                }
                auto created = create_record(*def, body, false);
                if (auto* err = std::get_if<api_error>(&created)) {
                    throw std::runtime_error(
                        "org file " + file.string() + ": seed " + type + " record rejected: " + err->code +
                        " " + err->message
                    );
                }
                if (!key.empty()) {
                    keys[key] = std::get<std::string>(created);
                }
            }
        }
    }

    void save_to(const std::filesystem::path& file) const {
        json::object root;
        root["id_counter"] = id_counter;
        root["autonumber"] = autonumber;
        json::object all;
        for (const auto& [type, rows] : records) {
            json::object by_id;
            for (const auto& [id, rec] : rows) {
                by_id[id] = rec;
            }
            all[type] = std::move(by_id);
        }
        root["records"] = std::move(all);
        const auto tmp = file.string() + ".tmp";
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << to_json_text(root);
            if (!out.flush()) {
                throw std::runtime_error("cannot write " + tmp);
            }
        }
        std::error_code ec;
        std::filesystem::rename(tmp, file, ec);
        if (ec) {
            throw std::runtime_error("cannot replace " + file.string() + ": " + ec.message());
        }
    }

    void load_from(const std::filesystem::path& file) {
        std::ifstream in(file);
        std::stringstream ss;
        ss << in.rdbuf();
        json::value root;
        try {
            root = json::parse(ss.str());
        } catch (const std::exception& e) {
            throw std::runtime_error("cannot parse persisted org " + file.string() + ": " + e.what());
        }
        if (!root.is_object() || !root.as_object().contains("records") || !root.at("records").is_object()) {
            throw std::runtime_error("persisted org " + file.string() + " has no records object");
        }
        id_counter = root.at("id_counter").to_number<std::uint64_t>();
        autonumber = root.at("autonumber").to_number<std::uint64_t>();
        records.clear();
        written.clear();
        indexes.clear();
        for (const auto& [type, rows] : root.at("records").as_object()) {
            if (objects.find(type) == nullptr) {
                throw std::runtime_error(
                    "persisted org " + file.string() + " names unknown object " + std::string(type)
                );
            }
            for (const auto& [id, rec] : rows.as_object()) {
                records[std::string(type)][std::string(id)] = rec.as_object();
            }
        }
    }

    static json::value yaml_to_plain_json(const YAML::Node& n) {
        if (n.IsMap()) {
            json::object o;
            for (const auto& kv : n) {
                o[kv.first.as<std::string>()] = yaml_to_plain_json(kv.second);
            }
            return o;
        }
        if (n.IsSequence()) {
            json::array a;
            for (const auto& e : n) {
                a.push_back(yaml_to_plain_json(e));
            }
            return a;
        }
        return yaml_to_json(n, {});
    }

    bool set_faults(const json::value& v, std::string& error) {
        if (!v.is_object()) {
            error = "expected an object";
            return false;
        }
        fault_config next;
        for (const auto& [key, value] : v.as_object()) {
            if (key == "share" && value.is_number()) {
                next.share = value.to_number<double>();
            } else if (key == "latency_ms" && value.is_number()) {
                next.latency_ms = value.to_number<std::int64_t>();
            } else if (key == "seed" && value.is_number()) {
                next.seed = value.to_number<std::uint64_t>();
            } else if (key == "kinds" && value.is_array()) {
                next.kinds.clear();
                for (const auto& k : value.as_array()) {
                    static const std::set<std::string> known = {
                        "500", "503", "REQUEST_LIMIT_EXCEEDED", "UNABLE_TO_LOCK_ROW", "drop"};
                    if (!k.is_string() || known.count(std::string(k.as_string())) == 0) {
                        error = "unknown fault kind " + json::serialize(k) +
                                " (known: 500, 503, REQUEST_LIMIT_EXCEEDED, UNABLE_TO_LOCK_ROW, drop)";
                        return false;
                    }
                    next.kinds.emplace_back(k.as_string());
                }
            } else {
                error = "unknown or mistyped key " + std::string(key);
                return false;
            }
        }
        if (next.share < 0.0 || next.share > 1.0 || next.kinds.empty() || next.latency_ms < 0) {
            error = "share must be within 0..1, kinds non-empty, latency_ms >= 0";
            return false;
        }
        faults = std::move(next);
        rng.seed(faults.seed);
        return true;
    }

    bool set_event_faults(const json::value& v, std::string& error) {
        if (!v.is_object()) {
            error = "expected an object";
            return false;
        }
        change_event_faults next = event_faults;
        for (const auto& [key, value] : v.as_object()) {
            if (key == "gap_next" && value.is_number()) {
                next.gap_next = value.to_number<std::int64_t>();
            } else if (key == "overflow_after" && value.is_number()) {
                next.overflow_after = value.to_number<std::int64_t>();
            } else {
                error = "unknown or mistyped key " + std::string(key) + " (known: gap_next, overflow_after)";
                return false;
            }
        }
        if (next.gap_next < 0 || next.overflow_after < 0) {
            error = "gap_next and overflow_after must be >= 0";
            return false;
        }
        event_faults = next;
        return true;
    }

    // Draws whether this call fails and how; nullopt when it goes through.
    std::optional<net::http_response> inject_fault(const net::http_request& req) {
        if (faults.share <= 0.0) {
            return std::nullopt;
        }
        std::uniform_real_distribution<double> draw(0.0, 1.0);
        if (draw(rng) >= faults.share) {
            return std::nullopt;
        }
        ++faults_injected;
        std::string kind = faults.kinds[static_cast<std::size_t>(rng() % faults.kinds.size())];
        if (kind == "UNABLE_TO_LOCK_ROW" && req.method == "GET") {
            kind = "503";  // reads take no row locks
        }
        if (kind == "drop") {
            net::http_response res;
            res.drop_without_response = true;
            return res;
        }
        if (kind == "500") {
            return error_response(
                {500,
                 "UNKNOWN_EXCEPTION",
                 "An unexpected error occurred. Please include this ErrorId if you contact support: "
                 "1234567890-12345 (-1234567890)",
                 {}}
            );
        }
        if (kind == "503") {
            return error_response({503, "SERVER_UNAVAILABLE", "Server temporarily unavailable", {}});
        }
        if (kind == "REQUEST_LIMIT_EXCEEDED") {
            return error_response(
                {403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.", {}}
            );
        }
        return error_response(
            {400, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records", {}}
        );
    }

    // Hands a control's JSON body to `apply` (bool(const json::value&, std::string& error)); the 400 answer
    // when the body is no JSON or `apply` refuses it, nullopt when it took it.
    template <typename Apply>
    std::optional<net::http_response> apply_control(const net::http_request& req, Apply apply) {
        json::value body;
        try {
            body = json::parse(req.body);
        } catch (const std::exception&) {
            return json_response(400, json::object{{"error", "body is not JSON"}});
        }
        std::string error;
        if (!apply(body, error)) {
            return json_response(400, json::object{{"error", error}});
        }
        return std::nullopt;
    }

    // Loopback test controls under /__emulator/ (no authentication: the emulator is a test tool).
    net::http_response admin(const net::http_request& req, const std::vector<std::string>& parts) {
        const std::string what = parts.size() > 1 ? parts[1] : "";
        if (what == "faults" && req.method == "POST") {
            auto apply = [this](const json::value& body, std::string& error) {
                return set_faults(body, error);
            };
            if (auto refused = apply_control(req, apply)) {
                return *refused;
            }
            return json_response(200, json::object{{"ok", true}});
        }
        if (what == "change-events" && req.method == "POST") {
            auto apply = [this](const json::value& body, std::string& error) {
                return set_event_faults(body, error);
            };
            if (auto refused = apply_control(req, apply)) {
                return *refused;
            }
            return json_response(
                200,
                json::object{
                    {"gap_next", event_faults.gap_next}, {"overflow_after", event_faults.overflow_after}}
            );
        }
        if (what == "forget-cometd-clients" && req.method == "POST") {
            clients.clear();  // as after a server restart: the next connect gets 403::Unknown client
            return json_response(200, json::object{{"ok", true}});
        }
        if (what == "expire-tokens" && req.method == "POST") {
            tokens.clear();
            return json_response(200, json::object{{"ok", true}});
        }
        if (what == "clock" && req.method == "POST") {
            json::value body;
            try {
                body = json::parse(req.body);
            } catch (const std::exception&) {
                return json_response(400, json::object{{"error", "body is not JSON"}});
            }
            if (body.is_object() && body.as_object().contains("advance_ms") &&
                body.at("advance_ms").is_number()) {
                pinned_time =
                    now() + std::chrono::milliseconds(body.at("advance_ms").to_number<std::int64_t>());
            } else if (body.is_object() && body.as_object().contains("set") && body.at("set").is_string()) {
                auto ms = soql::parse_datetime(std::string(body.at("set").as_string()));
                if (!ms) {
                    return json_response(400, json::object{{"error", "set wants an ISO-8601 datetime"}});
                }
                pinned_time = time_point(std::chrono::milliseconds(*ms));
            } else {
                return json_response(
                    400, json::object{{"error", "expected {\"advance_ms\":N} or {\"set\":\"...\"}"}}
                );
            }
            return json_response(200, json::object{{"now", format_datetime(now())}});
        }
        if (what == "save" && req.method == "POST") {
            if (!options.persist_file) {
                return json_response(409, json::object{{"error", "no persist file configured"}});
            }
            save_to(*options.persist_file);
            return json_response(200, json::object{{"ok", true}});
        }
        if (what == "stats" && req.method == "GET") {
            std::size_t subscriptions = 0;
            for (const auto& [id, client] : clients) {
                subscriptions += client.subscriptions.size();
            }
            return json_response(
                200,
                json::object{
                    {"api_calls", api_used},
                    {"faults_injected", faults_injected},
                    {"cometd_subscriptions", subscriptions},
                    {"now", format_datetime(now())}}
            );
        }
        return error_response(not_found());
    }

    static json::value yaml_to_json(const YAML::Node& n, const std::map<std::string, std::string>& keys) {
        if (n.IsNull()) {
            return nullptr;
        }
        const auto text = n.as<std::string>();
        if (!text.empty() && text[0] == '@') {
            auto it = keys.find(text.substr(1));
            if (it == keys.end()) {
                throw std::runtime_error("seed reference " + text + " names no earlier record");
            }
            return json::value(it->second);
        }
        if (n.Tag() == "!") {
            return json::value(text);  // quoted in YAML: always a string
        }
        if (text == "true" || text == "false") {
            return json::value(text == "true");
        }
        char* end = nullptr;
        const double d = std::strtod(text.c_str(), &end);
        if (!text.empty() && end != nullptr && *end == '\0' && !soql::is_date(text)) {
            if (text.find('.') == std::string::npos && std::abs(d) < 9e15) {
                return json::value(static_cast<std::int64_t>(d));
            }
            return json::value(d);
        }
        return json::value(text);
    }

    // ---- validation and writes -------------------------------------------------------------------

    const json::object* find_record(const std::string& id) const {
        for (const auto& [type, rows] : records) {
            auto it = rows.find(id);
            if (it != rows.end() && !it->second.at("IsDeleted").as_bool()) {
                return &it->second;
            }
        }
        return nullptr;
    }

    std::string type_of_id(const std::string& id) const {
        const object_def* def = objects.find_by_prefix(id.substr(0, 3));
        return def == nullptr ? std::string() : def->name;
    }

    // Checks and converts one value; returns an error or nothing.
    std::optional<api_error> coerce(const object_def& def, const field_def& f, json::value& v) const {
        auto parser_error = [&](const std::string& java_type) {
            std::string shown = v.is_string() ? std::string(v.as_string()) : json::serialize(v);
            return api_error{
                400,
                "JSON_PARSER_ERROR",
                "Cannot deserialize instance of " + java_type + " from " +
                    (v.is_string() ? "VALUE_STRING"
                     : v.is_bool() ? "VALUE_TRUE"
                                   : "VALUE_NUMBER_INT") +
                    " value " + shown + " or request may be missing a required field",
                {}};
        };
        if (v.is_null()) {
            if (!f.nillable && !f.defaulted_on_create && f.type != "boolean") {
                return api_error{
                    400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [" + f.name + "]", {f.name}};
            }
            return std::nullopt;
        }
        const std::string& t = f.type;
        if (t == "string" || t == "textarea" || t == "email" || t == "phone" || t == "url" ||
            t == "picklist" || t == "multipicklist" || t == "combobox") {
            if (v.is_int64() || v.is_double() || v.is_uint64()) {
                v = json::value(json::serialize(v));
            } else if (v.is_bool()) {
                v = json::value(v.as_bool() ? "true" : "false");
            } else if (!v.is_string()) {
                return parser_error("string");
            }
            const std::string s(v.as_string());
            std::size_t chars = 0;
            for (const char c : s) {
                chars += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
            }
            if (f.length > 0 && chars > static_cast<std::size_t>(f.length)) {
                return api_error{
                    400,
                    "STRING_TOO_LONG",
                    f.label + ": data value too large: " + s.substr(0, 100) +
                        " (max length=" + std::to_string(f.length) + ")",
                    {f.name}};
            }
            if (t == "picklist" && f.restricted_picklist &&
                std::find(f.picklist.begin(), f.picklist.end(), s) == f.picklist.end()) {
                return api_error{
                    400,
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f.label + ": bad value for restricted picklist field: " + s,
                    {f.name}};
            }
            if (t == "email" && !s.empty() && s.find('@') == std::string::npos) {
                return api_error{
                    400, "INVALID_EMAIL_ADDRESS", f.label + ": invalid email address: " + s, {f.name}};
            }
            return std::nullopt;
        }
        if (t == "boolean") {
            if (!v.is_bool()) {
                return parser_error("boolean");
            }
            return std::nullopt;
        }
        if (t == "double" || t == "currency" || t == "percent" || t == "int") {
            double d = 0;
            if (v.is_int64()) {
                d = static_cast<double>(v.as_int64());
            } else if (v.is_uint64()) {
                d = static_cast<double>(v.as_uint64());
            } else if (v.is_double()) {
                d = v.as_double();
            } else if (v.is_string()) {
                const std::string s(v.as_string());
                char* end = nullptr;
                d = std::strtod(s.c_str(), &end);
                if (s.empty() || end == nullptr || *end != '\0') {
                    return parser_error(t == "int" ? "int" : "double");
                }
            } else {
                return parser_error(t == "int" ? "int" : "double");
            }
            if (t == "int") {
                if (d != std::floor(d)) {
                    return parser_error("int");
                }
                v = json::value(static_cast<std::int64_t>(d));
                return std::nullopt;
            }
            const double limit = std::pow(10.0, f.precision - f.scale);
            if (f.precision > 0 && std::abs(d) >= limit) {
                return api_error{
                    400,
                    "NUMBER_OUTSIDE_VALID_RANGE",
                    f.label + ": value outside of valid range on numeric field: " + json::serialize(v),
                    {f.name}};
            }
            const double factor = std::pow(10.0, f.scale);
            v = json::value(std::round(d * factor) / factor);
            return std::nullopt;
        }
        if (t == "date") {
            if (!v.is_string()) {
                return parser_error("date");
            }
            std::string s(v.as_string());
            if (s.size() > 10 && s[10] == 'T') {
                s = s.substr(0, 10);
            }
            if (!soql::is_date(s)) {
                return parser_error("date");
            }
            v = json::value(s);
            return std::nullopt;
        }
        if (t == "datetime") {
            if (!v.is_string()) {
                return parser_error("datetime");
            }
            auto ms = soql::parse_datetime(std::string(v.as_string()));
            if (!ms) {
                return parser_error("datetime");
            }
            v = json::value(format_epoch_ms(*ms));
            return std::nullopt;
        }
        if (t == "reference") {
            if (!v.is_string()) {
                return parser_error("reference");
            }
            const std::string raw(v.as_string());
            if (raw.empty()) {
                v = nullptr;
                return coerce(def, f, v);
            }
            auto id = normalize_id(raw);
            if (!id) {
                return api_error{
                    400, "MALFORMED_ID", f.label + ": id value of incorrect type: " + raw, {f.name}};
            }
            const std::string target = type_of_id(*id);
            bool known_target = false;
            for (const auto& r : f.reference_to) {
                known_target = known_target || objects.find(r) != nullptr;
            }
            if (known_target) {
                if (std::find(f.reference_to.begin(), f.reference_to.end(), target) == f.reference_to.end()) {
                    return api_error{
                        400,
                        "FIELD_INTEGRITY_EXCEPTION",
                        f.label + ": id value of incorrect type: " + raw,
                        {f.name}};
                }
                if (find_record(*id) == nullptr) {
                    return api_error{400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {}};
                }
            }
            v = json::value(*id);
            return std::nullopt;
        }
        if (t == "base64") {
            if (!v.is_string()) {
                return parser_error("base64");
            }
            return std::nullopt;
        }
        return api_error{
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            "Unable to create/update fields: " + f.name + ".",
            {f.name}};
    }

    // The Id of the parent `ref` names: exactly one external-id field of the lookup's target object with
    // a value that matches exactly one record.
    std::variant<std::string, api_error> resolve_foreign_key(const field_def& lookup, const json::object& ref)
        const {
        const object_def* parent =
            lookup.reference_to.empty() ? nullptr : objects.find(lookup.reference_to.front());
        const auto* first = ref.begin();
        while (first != ref.end() && first->key() == "attributes") {
            ++first;
        }
        if (parent == nullptr || first == ref.end()) {
            return api_error{
                400, "INVALID_FIELD", "Foreign key reference for " + lookup.name + " names no field", {}};
        }
        const std::string field_name(first->key());
        const field_def* ext = parent->find_field(field_name);
        if (ext == nullptr || !ext->external_id) {
            return api_error{
                400,
                "INVALID_FIELD",
                "Field name provided, " + field_name + " is not an External ID or indexed field for " +
                    parent->name,
                {}};
        }
        const std::string value = first->value().is_string() ? std::string(first->value().as_string())
                                                             : json::serialize(first->value());
        const auto matches = find_by_field(*parent, *ext, value);
        if (matches.empty()) {
            return api_error{
                400,
                "INVALID_FIELD",
                "Foreign key external ID: " + value + " not found for field " + ext->name + " in entity " +
                    parent->name,
                {}};
        }
        if (matches.size() > 1) {
            return api_error{
                400,
                "INVALID_FIELD",
                "Foreign key external ID: " + value + " matches multiple entities for field " + ext->name +
                    " in entity " + parent->name,
                {}};
        }
        return matches.front();
    }

    // Validates `body` for insert (`creating`) or update and resolves field names to their canonical
    // spelling.  Returns the canonical fields or an error.
    std::variant<json::object, api_error> validate(
        const object_def& def, const json::object& body, bool creating
    ) const {
        json::object out;
        std::vector<std::string> not_writable;
        for (const auto& [key, value] : body) {
            if (key == "attributes") {
                continue;
            }
            const field_def* f = def.find_field(key);
            if (f == nullptr) {
                // A parent named by one of its external ids: {"Invoice__r": {"Fakturad_Key__c": "K"}} sets
                // the lookup to the parent whose Fakturad_Key__c is K (reference salesforce-api.md, upsert).
                if (const field_def* lookup = def.find_relationship(key);
                    lookup != nullptr && value.is_object()) {
                    auto resolved = resolve_foreign_key(*lookup, value.as_object());
                    if (auto* err = std::get_if<api_error>(&resolved)) {
                        return *err;
                    }
                    if ((creating && !lookup->createable) || (!creating && !lookup->updateable)) {
                        not_writable.push_back(lookup->name);
                        continue;
                    }
                    out[lookup->name] = std::get<std::string>(resolved);
                    continue;
                }
                return api_error{
                    400,
                    "INVALID_FIELD",
                    "No such column '" + std::string(key) + "' on sobject of type " + def.name,
                    {}};
            }
            if (f->name == "Id") {
                continue;  // the caller decides what an Id in the body means
            }
            if ((creating && !f->createable) || (!creating && !f->updateable)) {
                not_writable.push_back(f->name);
                continue;
            }
            json::value v = value;
            if (auto err = coerce(def, *f, v)) {
                return *err;
            }
            out[f->name] = std::move(v);
        }
        if (!not_writable.empty()) {
            std::string list;
            for (const auto& n : not_writable) {
                list += (list.empty() ? "" : ", ") + n;
            }
            return api_error{
                400,
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: " + list +
                    ". Please check the security settings of this field and verify that it is read/write for "
                    "your "
                    "profile or permission set.",
                not_writable};
        }
        if (creating) {
            std::vector<std::string> missing;
            for (const auto& f : def.fields) {
                if (!f.nillable && !f.defaulted_on_create && f.createable && f.type != "boolean") {
                    auto it = out.find(f.name);
                    if (it == out.end() || it->value().is_null()) {
                        missing.push_back(f.name);
                    }
                }
            }
            if (!missing.empty()) {
                std::string list;
                for (const auto& n : missing) {
                    list += (list.empty() ? "" : ", ") + n;
                }
                return api_error{
                    400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [" + list + "]", missing};
            }
        } else {
            for (const auto& [key, value] : out) {
                const field_def* f = def.find_field(key);
                if (value.is_null() && f != nullptr && !f->nillable) {
                    return api_error{
                        400,
                        "REQUIRED_FIELD_MISSING",
                        "Required fields are missing: [" + f->name + "]",
                        {f->name}};
                }
            }
        }
        return out;
    }

    void derive_fields(const object_def& def, json::object& rec) {
        if (def.name == "Contact") {
            std::string first = rec["FirstName"].is_string() ? std::string(rec["FirstName"].as_string()) : "";
            std::string last = rec["LastName"].is_string() ? std::string(rec["LastName"].as_string()) : "";
            rec["Name"] = first.empty() ? last : first + " " + last;
        }
        if (def.name == "Opportunity") {
            struct stage {
                const char* name;
                int probability;
                const char* forecast;
                const char* category;
                bool closed;
                bool won;
            };
            static const stage stages[] = {
                {"Prospecting", 10, "Pipeline", "Pipeline", false, false},
                {"Qualification", 10, "Pipeline", "Pipeline", false, false},
                {"Needs Analysis", 20, "Pipeline", "Pipeline", false, false},
                {"Value Proposition", 50, "Pipeline", "Pipeline", false, false},
                {"Id. Decision Makers", 60, "Pipeline", "Pipeline", false, false},
                {"Perception Analysis", 70, "Pipeline", "Pipeline", false, false},
                {"Proposal/Price Quote", 75, "Pipeline", "Pipeline", false, false},
                {"Negotiation/Review", 90, "Pipeline", "Pipeline", false, false},
                {"Closed Won", 100, "Closed", "Closed", true, true},
                {"Closed Lost", 0, "Omitted", "Omitted", true, false},
            };
            const std::string name =
                rec["StageName"].is_string() ? std::string(rec["StageName"].as_string()) : "";
            for (const auto& s : stages) {
                if (name == s.name) {
                    rec["IsClosed"] = s.closed;
                    rec["IsWon"] = s.won;
                    rec["ForecastCategory"] = s.category;
                    if (rec["Probability"].is_null()) {
                        rec["Probability"] = static_cast<double>(s.probability);
                    }
                    if (rec["ForecastCategoryName"].is_null()) {
                        rec["ForecastCategoryName"] =
                            s.forecast == std::string("Closed") ? "Closed" : s.forecast;
                    }
                }
            }
            if (rec["Amount"].is_number() && rec["Probability"].is_number()) {
                rec["ExpectedRevenue"] =
                    rec["Amount"].to_number<double>() * rec["Probability"].to_number<double>() / 100.0;
            }
        }
        if ((def.name == "Contract" || def.name == "Order") && rec["Status"].is_string()) {
            const std::string s(rec["Status"].as_string());
            rec["StatusCode"] = s == "In Approval Process" ? "InApproval" : s;
        }
        if ((def.name == "OrderItem" || def.name == "OpportunityLineItem") && rec["Quantity"].is_number() &&
            rec["UnitPrice"].is_number()) {
            rec["TotalPrice"] = rec["Quantity"].to_number<double>() * rec["UnitPrice"].to_number<double>();
        }
        if ((def.name == "OrderItem" || def.name == "OpportunityLineItem") &&
            rec["PricebookEntryId"].is_string()) {
            if (const auto* pbe = find_record(std::string(rec["PricebookEntryId"].as_string()))) {
                rec["Product2Id"] = pbe->at("Product2Id");
                if (rec["ListPrice"].is_null()) {
                    rec["ListPrice"] = pbe->at("UnitPrice");
                }
                if (rec["UnitPrice"].is_null()) {
                    rec["UnitPrice"] = pbe->at("UnitPrice");
                    if (rec["Quantity"].is_number()) {
                        rec["TotalPrice"] =
                            rec["Quantity"].to_number<double>() * pbe->at("UnitPrice").to_number<double>();
                    }
                }
            }
        }
    }

    bool indexed(const std::string& object) const {
        const auto first = indexes.lower_bound({object, std::string()});
        return first != indexes.end() && first->first.first == object;
    }

    void touch(const std::string& object, const std::string& id) {
        if (indexed(object)) {
            written[object].push_back(id);
        }
        if (!undo || !undo_touched.emplace(object, id).second) {
            return;
        }
        std::optional<json::object> before;
        if (auto rows = records.find(object); rows != records.end()) {
            if (auto it = rows->second.find(id); it != rows->second.end()) {
                before = it->second;
            }
        }
        undo->push_back({object, id, std::move(before)});
    }

    // Opens the undo log of an allOrNone request (one transaction: its events are dropped on roll back).
    struct transaction_mark {
        std::size_t events = 0;
    };
    transaction_mark begin_undo() {
        undo.emplace();
        undo_touched.clear();
        return {events.size()};
    }

    void end_undo(bool roll_back, const transaction_mark& mark) {
        if (roll_back && undo) {
            for (auto it = undo->rbegin(); it != undo->rend(); ++it) {
                if (indexed(it->object)) {
                    written[it->object].push_back(it->id);
                }
                if (auto& before = it->before) {
                    records[it->object][it->id] = std::move(*before);
                } else {
                    records[it->object].erase(it->id);
                }
            }
            events.resize(mark.events);
        }
        undo.reset();
        undo_touched.clear();
    }

    // The next value of an AutoNumber name field: its displayFormat with {0...0} the object's counter
    // (startingNumber, then one up per record ever created: deleted records keep their numbers) padded to
    // that many digits, and {YYYY}, {YY}, {MM}, {DD} the creation date (UTC).
    std::string auto_number(const object_def& def, const field_def& f) const {
        const auto rows = records.find(def.name);
        const std::uint64_t n = f.starting_number + (rows == records.end() ? 0 : rows->second.size());
        const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(now())};
        auto two_digits = [](unsigned v) {
            char text[8];
            std::snprintf(text, sizeof text, "%02u", v);
            return std::string(text);
        };
        const std::string year = std::to_string(static_cast<int>(day.year()));
        std::string out;
        const std::string& format = f.display_format;
        for (std::size_t i = 0; i < format.size(); ++i) {
            const auto close = format[i] == '{' ? format.find('}', i) : std::string::npos;
            if (close == std::string::npos) {
                out += format[i];
                continue;
            }
            const std::string token = format.substr(i + 1, close - i - 1);
            if (!token.empty() && token.find_first_not_of('0') == std::string::npos) {
                std::string digits = std::to_string(n);
                out += std::string(token.size() > digits.size() ? token.size() - digits.size() : 0, '0') +
                       digits;
            } else if (token == "YYYY") {
                out += year;
            } else if (token == "YY") {
                out += year.substr(year.size() - 2);
            } else if (token == "MM") {
                out += two_digits(static_cast<unsigned>(day.month()));
            } else if (token == "DD") {
                out += two_digits(static_cast<unsigned>(day.day()));
            } else {
                out += format.substr(i, close - i + 1);
            }
            i = close;
        }
        return out;
    }

    std::variant<std::string, api_error> create_record(
        const object_def& def, const json::object& body, bool check_createable
    ) {
        if (check_createable && !def.createable) {
            return api_error{
                400,
                "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
                "entity type cannot be inserted: " + def.label,
                {}};
        }
        auto validated = validate(def, body, true);
        if (auto* err = std::get_if<api_error>(&validated)) {
            return *err;
        }
        auto& fields = std::get<json::object>(validated);
        json::object rec;
        const std::string id = new_id(def.key_prefix);
        const std::string stamp = format_datetime(now());
        for (const auto& f : def.fields) {
            auto it = fields.find(f.name);
            if (it != fields.end()) {
                rec[f.name] = it->value();
            } else if (f.type == "boolean") {
                rec[f.name] = f.default_value.value_or("false") == "true";
            } else if (!f.picklist_default.empty()) {
                rec[f.name] = f.picklist_default;
            } else {
                rec[f.name] = nullptr;
            }
        }
        rec["Id"] = id;
        rec["IsDeleted"] = false;
        if (def.find_field("OwnerId") != nullptr && rec["OwnerId"].is_null()) {
            rec["OwnerId"] = user_id;
        }
        for (const char* audit : {"CreatedDate", "LastModifiedDate"}) {
            if (def.find_field(audit) != nullptr) {
                rec[audit] = stamp;
            }
        }
        for (const char* audit : {"CreatedById", "LastModifiedById"}) {
            if (def.find_field(audit) != nullptr) {
                rec[audit] = user_id;
            }
        }
        rec["SystemModstamp"] = stamp;
        for (const char* number : {"ContractNumber", "OrderNumber", "OrderItemNumber"}) {
            if (def.find_field(number) != nullptr) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "%08llu", static_cast<unsigned long long>(++autonumber));
                rec[number] = buf;
            }
        }
        for (const auto& f : def.fields) {
            if (def.custom && f.name == "Name" && !f.display_format.empty()) {
                rec["Name"] = auto_number(def, f);
            }
        }
        derive_fields(def, rec);
        if (def.name == "ContentVersion") {
            create_content_document(rec);
        }
        std::string parent_opportunity;
        if (def.name == "OpportunityLineItem" && rec["OpportunityId"].is_string()) {
            parent_opportunity = std::string(rec["OpportunityId"].as_string());
        }
        if (recording) {
            json::object created_fields;
            for (const auto& [k, v] : rec) {
                const field_def* f = def.find_field(k);
                if (!v.is_null() && k != "Id" && k != "IsDeleted" && (f == nullptr || f->type != "base64")) {
                    created_fields[k] = v;
                }
            }
            record_change(def.name, "CREATE", id, std::move(created_fields), {});
        }
        touch(def.name, id);
        records[def.name][id] = std::move(rec);
        if (!parent_opportunity.empty()) {
            roll_up_opportunity(parent_opportunity);
        }
        return id;
    }

    // An opportunity with products: Amount is the sum of the line totals and client writes to it are dropped
    // (salesforce-objects.md §7).
    void roll_up_opportunity(const std::string& opportunity_id) {
        auto& opps = records["Opportunity"];
        auto it = opps.find(opportunity_id);
        if (it == opps.end()) {
            return;
        }
        touch("Opportunity", opportunity_id);
        double sum = 0.0;
        bool any = false;
        for (const auto& [lid, line] : records["OpportunityLineItem"]) {
            if (!line.at("IsDeleted").as_bool() && line.at("OpportunityId").is_string() &&
                line.at("OpportunityId").as_string() == opportunity_id) {
                any = true;
                sum += line.at("TotalPrice").is_number() ? line.at("TotalPrice").to_number<double>() : 0.0;
            }
        }
        it->second["HasOpportunityLineItem"] = any;
        if (any) {
            it->second["Amount"] = std::round(sum * 100.0) / 100.0;
        }
        derive_fields(*objects.find("Opportunity"), it->second);
    }

    void create_content_document(json::object& cv) {
        const object_def* doc_def = objects.find("ContentDocument");
        const std::string stamp = format_datetime(now());
        std::string doc_id;
        if (cv["ContentDocumentId"].is_string()) {
            doc_id = std::string(cv["ContentDocumentId"].as_string());
        } else {
            json::object doc;
            doc_id = new_id(doc_def->key_prefix);
            for (const auto& f : doc_def->fields) {
                doc[f.name] = nullptr;
            }
            doc["Id"] = doc_id;
            doc["IsDeleted"] = false;
            doc["IsArchived"] = false;
            doc["OwnerId"] = user_id;
            doc["Title"] = cv["Title"];
            doc["PublishStatus"] = "U";
            doc["CreatedDate"] = doc["LastModifiedDate"] = doc["SystemModstamp"] = stamp;
            doc["CreatedById"] = doc["LastModifiedById"] = user_id;
            touch("ContentDocument", doc_id);
            records["ContentDocument"][doc_id] = std::move(doc);
            cv["ContentDocumentId"] = doc_id;
        }
        cv["IsLatest"] = true;
        cv["VersionNumber"] = "1";
        cv["PublishStatus"] = "U";
        std::string path = cv["PathOnClient"].is_string() ? std::string(cv["PathOnClient"].as_string()) : "";
        auto dot = path.rfind('.');
        std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
        cv["FileExtension"] = ext;
        std::string upper;
        for (char c : ext) {
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        cv["FileType"] = upper.empty() ? "UNKNOWN" : upper;
        if (cv["VersionData"].is_string()) {
            const std::string b64(cv["VersionData"].as_string());
            std::size_t padding = 0;
            while (padding < 2 && padding < b64.size() && b64[b64.size() - 1 - padding] == '=') {
                ++padding;
            }
            cv["ContentSize"] = static_cast<std::int64_t>(b64.size() / 4 * 3 - padding);
        }
        touch("ContentDocument", doc_id);
        auto& doc = records["ContentDocument"][doc_id];
        doc["LatestPublishedVersionId"] = cv["Id"];
        doc["FileExtension"] = ext;
        doc["FileType"] = cv["FileType"];
        doc["ContentSize"] = cv["ContentSize"];
        if (cv["FirstPublishLocationId"].is_string()) {
            const object_def* link_def = objects.find("ContentDocumentLink");
            json::object link;
            const std::string link_id = new_id(link_def->key_prefix);
            link["Id"] = link_id;
            link["IsDeleted"] = false;
            link["LinkedEntityId"] = cv["FirstPublishLocationId"];
            link["ContentDocumentId"] = doc_id;
            link["ShareType"] = "I";
            link["Visibility"] = "AllUsers";
            link["SystemModstamp"] = stamp;
            touch("ContentDocumentLink", link_id);
            records["ContentDocumentLink"][link_id] = std::move(link);
        }
    }

    std::optional<api_error> update_record(
        const object_def& def, const std::string& id, const json::object& body
    ) {
        auto& rows = records[def.name];
        auto it = rows.find(id);
        if (it == rows.end() || it->second.at("IsDeleted").as_bool()) {
            return api_error{404, "ENTITY_IS_DELETED", "entity is deleted", {}};
        }
        auto validated = validate(def, body, false);
        if (auto* err = std::get_if<api_error>(&validated)) {
            return *err;
        }
        auto& changes = std::get<json::object>(validated);
        if (def.name == "Opportunity" && it->second["HasOpportunityLineItem"] == true) {
            changes.erase("Amount");  // accepted, not rejected, and ignored: Amount follows the products
        }
        touch(def.name, id);
        json::object changed_values;
        std::vector<std::string> changed_names;
        for (auto& [key, value] : changes) {
            if (it->second[key] != value) {
                changed_values[key] = value;
                changed_names.emplace_back(key);
            }
            it->second[key] = value;
        }
        const std::string stamp = format_datetime(now());
        if (def.find_field("LastModifiedDate") != nullptr) {
            it->second["LastModifiedDate"] = stamp;
            it->second["LastModifiedById"] = user_id;
        }
        it->second["SystemModstamp"] = stamp;
        derive_fields(def, it->second);
        if (recording) {
            if (def.find_field("LastModifiedDate") != nullptr) {
                changed_values["LastModifiedDate"] = stamp;
                changed_names.emplace_back("LastModifiedDate");
            }
            record_change(def.name, "UPDATE", id, std::move(changed_values), std::move(changed_names));
        }
        if (def.name == "OpportunityLineItem" && it->second["OpportunityId"].is_string()) {
            roll_up_opportunity(std::string(it->second["OpportunityId"].as_string()));
        }
        return std::nullopt;
    }

    std::optional<api_error> delete_record(const std::string& raw_id) {
        auto id = normalize_id(raw_id);
        if (!id) {
            return api_error{400, "MALFORMED_ID", "malformed id " + raw_id, {}};
        }
        const std::string type = type_of_id(*id);
        auto& rows = records[type];
        auto it = rows.find(*id);
        if (it == rows.end()) {
            return api_error{404, "NOT_FOUND", "The requested resource does not exist", {}};
        }
        if (it->second.at("IsDeleted").as_bool()) {
            return api_error{404, "ENTITY_IS_DELETED", "entity is deleted", {}};
        }
        const object_def* def = objects.find(type);
        if (!def->deletable) {
            return api_error{400, "INVALID_TYPE_FOR_OPERATION", "entity type cannot be deleted", {}};
        }
        touch(type, *id);
        it->second["IsDeleted"] = true;
        it->second["SystemModstamp"] = format_datetime(now());
        if (recording) {
            record_change(type, "DELETE", *id, {}, {});
        }
        if (type == "OpportunityLineItem" && it->second["OpportunityId"].is_string()) {
            roll_up_opportunity(std::string(it->second["OpportunityId"].as_string()));
        }
        // Cascade to children whose lookup says so; ContentDocumentLinks also go with their record.
        for (const auto& child : objects.children_of(type)) {
            if (!child.cascade_delete && child.child_object != "ContentDocumentLink") {
                continue;
            }
            std::vector<std::string> doomed;
            for (const auto& [cid, crec] : records[child.child_object]) {
                auto fit = crec.find(child.field);
                if (fit != crec.end() && fit->value().is_string() && fit->value().as_string() == *id &&
                    !crec.at("IsDeleted").as_bool()) {
                    doomed.push_back(cid);
                }
            }
            for (const auto& cid : doomed) {
                (void)delete_record(cid);
            }
        }
        return std::nullopt;
    }

    static std::string index_key(std::string text, bool case_sensitive) {
        if (!case_sensitive) {
            for (auto& c : text) {
                c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            }
        }
        return text;
    }

    // Live records whose field `f` equals `value` (text as the API compares it), in Id order.  An index per
    // object and field, brought up to date with the records written since it last looked: upserts by
    // external id cost O(log n) instead of a scan of the object.
    std::vector<std::string> find_by_field(
        const object_def& def, const field_def& f, const std::string& value
    ) const {
        auto& index = indexes[{def.name, f.name}];
        const auto rows = records.find(def.name);
        auto reindex = [&](const std::string& id) {
            if (auto old = index.value_by_id.find(id); old != index.value_by_id.end()) {
                auto bucket = index.ids_by_value.find(old->second);
                bucket->second.erase(id);
                if (bucket->second.empty()) {
                    index.ids_by_value.erase(bucket);
                }
                index.value_by_id.erase(old);
            }
            if (rows == records.end()) {
                return;
            }
            const auto it = rows->second.find(id);
            if (it == rows->second.end() || it->second.at("IsDeleted").as_bool()) {
                return;
            }
            const auto field = it->second.find(f.name);
            if (field == it->second.end() || field->value().is_null()) {
                return;
            }
            auto key = index_key(
                field->value().is_string() ? std::string(field->value().as_string())
                                           : json::serialize(field->value()),
                f.case_sensitive
            );
            index.ids_by_value[key].insert(id);
            index.value_by_id[id] = std::move(key);
        };
        static const std::vector<std::string> none;
        const auto written_ids = written.find(def.name);
        const auto& log = written_ids == written.end() ? none : written_ids->second;
        if (!index.built) {
            if (rows != records.end()) {
                for (const auto& [id, rec] : rows->second) {
                    reindex(id);
                }
            }
            index.built = true;
        } else {
            for (std::size_t i = index.written_seen; i < log.size(); ++i) {
                reindex(log[i]);
            }
        }
        index.written_seen = log.size();
        // Once every index of the object has caught up, the list starts over.
        bool all_current = true;
        const auto first = indexes.lower_bound({def.name, std::string()});
        for (auto it = first; it != indexes.end() && it->first.first == def.name; ++it) {
            all_current = all_current && it->second.written_seen == log.size();
        }
        if (all_current && written_ids != written.end()) {
            written_ids->second.clear();
            for (auto it = first; it != indexes.end() && it->first.first == def.name; ++it) {
                it->second.written_seen = 0;
            }
        }
        const auto bucket = index.ids_by_value.find(index_key(value, f.case_sensitive));
        if (bucket == index.ids_by_value.end()) {
            return {};
        }
        return {bucket->second.begin(), bucket->second.end()};
    }

    // ---- record output ---------------------------------------------------------------------------

    json::object attributes(const std::string& type, const std::string& id) const {
        json::object a;
        a["type"] = type;
        a["url"] = sobject_url(type, id);
        return a;
    }

    json::object full_record(
        const object_def& def, const json::object& rec, const std::vector<std::string>* only
    ) const {
        json::object out;
        out["attributes"] = attributes(def.name, std::string(rec.at("Id").as_string()));
        for (const auto& f : def.fields) {
            if (only != nullptr) {
                bool wanted = false;
                for (const auto& w : *only) {
                    wanted = wanted || iequals(w, f.name);
                }
                if (!wanted) {
                    continue;
                }
            }
            if (f.type == "address") {
                out[f.name] = address_value(f.name.substr(0, f.name.size() - 7), rec);
                continue;
            }
            if (f.type == "base64") {
                out[f.name] =
                    rec.at(f.name).is_null()
                        ? json::value(nullptr)
                        : json::value(
                              sobject_url(def.name, std::string(rec.at("Id").as_string())) + "/" + f.name
                          );
                continue;
            }
            auto it = rec.find(f.name);
            out[f.name] = it == rec.end() ? json::value(nullptr) : it->value();
        }
        return out;
    }

    static json::value address_value(const std::string& prefix, const json::object& rec) {
        bool any = false;
        json::object a;
        const std::pair<const char*, const char*> parts[] = {
            {"city", "City"},
            {"country", "Country"},
            {"geocodeAccuracy", "GeocodeAccuracy"},
            {"latitude", "Latitude"},
            {"longitude", "Longitude"},
            {"postalCode", "PostalCode"},
            {"state", "State"},
            {"street", "Street"}};
        for (const auto& [key, suffix] : parts) {
            auto it = rec.find(prefix + suffix);
            json::value v = it == rec.end() ? json::value(nullptr) : it->value();
            any = any || !v.is_null();
            a[key] = v;
        }
        return any ? json::value(a) : json::value(nullptr);
    }

    // ---- describe --------------------------------------------------------------------------------

    json::object urls(const object_def& def) const {
        const std::string base = "/services/data/v" + version + "/sobjects/" + def.name;
        json::object u;
        u["compactLayouts"] = base + "/describe/compactLayouts";
        u["rowTemplate"] = base + "/{ID}";
        u["approvalLayouts"] = base + "/describe/approvalLayouts";
        u["uiDetailTemplate"] = options.instance_url + "/{ID}";
        u["uiEditTemplate"] = options.instance_url + "/{ID}/e";
        u["defaultValues"] = base + "/defaultValues?recordTypeId&fields";
        u["listviews"] = base + "/listviews";
        u["describe"] = base + "/describe";
        u["uiNewRecord"] = options.instance_url + "/" + def.key_prefix + "/e";
        u["quickActions"] = base + "/quickActions";
        u["layouts"] = base + "/describe/layouts";
        u["sobject"] = base;
        return u;
    }

    json::object object_flags(const object_def& def) const {
        json::object o;
        o["activateable"] = false;
        o["createable"] = def.createable;
        o["custom"] = def.custom;
        o["customSetting"] = false;
        o["deepCloneable"] = false;
        o["deletable"] = def.deletable;
        o["deprecatedAndHidden"] = false;
        o["feedEnabled"] = !def.custom;
        o["hasSubtypes"] = false;
        o["isInterface"] = false;
        o["isSubtype"] = false;
        o["keyPrefix"] = def.key_prefix;
        o["label"] = def.label;
        o["labelPlural"] = def.label_plural;
        o["layoutable"] = true;
        o["mergeable"] = def.mergeable;
        o["mruEnabled"] = true;
        o["name"] = def.name;
        o["queryable"] = true;
        o["replicateable"] = def.replicateable;
        o["retrieveable"] = true;
        o["searchable"] = def.searchable;
        o["triggerable"] = def.triggerable;
        o["undeletable"] = def.undeletable;
        o["updateable"] = def.updateable;
        return o;
    }

    static const char* soap_type(const std::string& t) {
        static const std::map<std::string, const char*> m = {
            {"id", "tns:ID"},
            {"reference", "tns:ID"},
            {"string", "xsd:string"},
            {"textarea", "xsd:string"},
            {"picklist", "xsd:string"},
            {"multipicklist", "xsd:string"},
            {"combobox", "xsd:string"},
            {"email", "xsd:string"},
            {"phone", "xsd:string"},
            {"url", "xsd:string"},
            {"boolean", "xsd:boolean"},
            {"currency", "xsd:double"},
            {"double", "xsd:double"},
            {"percent", "xsd:double"},
            {"int", "xsd:int"},
            {"date", "xsd:date"},
            {"datetime", "xsd:dateTime"},
            {"address", "urn:address"},
            {"base64", "xsd:base64Binary"},
            {"time", "xsd:time"},
            {"long", "xsd:long"}};
        auto it = m.find(t);
        return it == m.end() ? "xsd:string" : it->second;
    }

    json::object field_describe(const object_def& def, const field_def& f) const {
        const bool stringy = std::string(soap_type(f.type)) == "xsd:string";
        const bool numeric = f.type == "currency" || f.type == "double" || f.type == "percent";
        const bool filterable = f.type != "address" && f.type != "textarea" && f.type != "base64";
        json::object o;
        o["aggregatable"] = filterable && f.type != "boolean";
        o["aiPredictionField"] = false;
        o["autoNumber"] = f.name == "ContractNumber" || f.name == "OrderNumber" ||
                          f.name == "OrderItemNumber" || (def.custom && f.name == "Name" && !f.createable);
        o["byteLength"] = f.type == "id" || f.type == "reference" ? 18 : stringy ? f.length * 3 : 0;
        o["calculated"] = false;
        o["calculatedFormula"] = nullptr;
        o["cascadeDelete"] = false;
        o["caseSensitive"] = f.case_sensitive;
        o["compoundFieldName"] =
            f.compound_field_name.empty() ? json::value(nullptr) : json::value(f.compound_field_name);
        o["controllerName"] = nullptr;
        o["createable"] = f.createable;
        o["custom"] = f.custom;
        o["defaultValue"] = f.type == "boolean" ? json::value(f.default_value.value_or("false") == "true")
                                                : json::value(nullptr);
        o["defaultValueFormula"] = nullptr;
        o["defaultedOnCreate"] = f.defaulted_on_create;
        o["dependentPicklist"] = false;
        o["deprecatedAndHidden"] = false;
        o["digits"] = f.digits;
        o["displayLocationInDecimal"] = false;
        o["encrypted"] = false;
        o["externalId"] = f.external_id;
        o["extraTypeInfo"] = f.type == "textarea"
                                 ? json::value(f.length > 255 ? "plaintextarea" : "plaintextarea")
                                 : json::value(nullptr);
        o["filterable"] = filterable;
        o["filteredLookupInfo"] = nullptr;
        o["formulaTreatNullNumberAsZero"] = false;
        o["groupable"] = filterable && !numeric && f.type != "datetime";
        o["highScaleNumber"] = false;
        o["htmlFormatted"] = false;
        o["idLookup"] = f.id_lookup;
        o["inlineHelpText"] = nullptr;
        o["label"] = f.label;
        o["length"] = f.type == "id" || f.type == "reference" ? 18 : stringy ? f.length : 0;
        o["mask"] = nullptr;
        o["maskType"] = nullptr;
        o["name"] = f.name;
        o["nameField"] = f.name_field;
        o["namePointing"] = f.reference_to.size() > 1;
        o["nillable"] = f.nillable;
        o["permissionable"] = f.nillable && f.type != "id";
        json::array values;
        for (const auto& v : f.picklist) {
            json::object pv;
            pv["active"] = true;
            pv["defaultValue"] = v == f.picklist_default;
            pv["label"] = v;
            pv["validFor"] = nullptr;
            pv["value"] = v;
            values.push_back(std::move(pv));
        }
        o["picklistValues"] = std::move(values);
        o["polymorphicForeignKey"] = f.reference_to.size() > 1;
        o["precision"] = numeric ? f.precision : 0;
        o["queryByDistance"] = false;
        o["referenceTargetField"] = nullptr;
        json::array refs;
        for (const auto& r : f.reference_to) {
            refs.emplace_back(r);
        }
        o["referenceTo"] = std::move(refs);
        o["relationshipName"] =
            f.relationship_name.empty() ? json::value(nullptr) : json::value(f.relationship_name);
        o["relationshipOrder"] = nullptr;
        o["restrictedDelete"] = false;
        o["restrictedPicklist"] = f.restricted_picklist;
        o["scale"] = numeric ? f.scale : 0;
        o["searchPrefilterable"] = f.type == "reference";
        o["soapType"] = soap_type(f.type);
        o["sortable"] = filterable;
        o["type"] = f.type;
        o["unique"] = f.unique;
        o["updateable"] = f.updateable;
        o["writeRequiresMasterRead"] = false;
        return o;
    }

    json::object describe(const object_def& def) const {
        json::object o = object_flags(def);
        o["actionOverrides"] = json::array();
        json::array children;
        for (const auto& c : objects.children_of(def.name)) {
            json::object r;
            r["cascadeDelete"] = c.cascade_delete;
            r["childSObject"] = c.child_object;
            r["deprecatedAndHidden"] = false;
            r["field"] = c.field;
            r["junctionIdListNames"] = json::array();
            r["junctionReferenceTo"] = json::array();
            r["relationshipName"] =
                c.relationship_name.empty() ? json::value(nullptr) : json::value(c.relationship_name);
            r["restrictedDelete"] = false;
            children.push_back(std::move(r));
        }
        o["childRelationships"] = std::move(children);
        o["compactLayoutable"] = true;
        o["defaultImplementation"] = nullptr;
        o["extendedBy"] = nullptr;
        o["extendsInterfaces"] = nullptr;
        json::array fields;
        for (const auto& f : def.fields) {
            fields.push_back(field_describe(def, f));
        }
        o["fields"] = std::move(fields);
        o["implementedBy"] = nullptr;
        o["implementsInterfaces"] = nullptr;
        o["listviewable"] = nullptr;
        o["lookupLayoutable"] = nullptr;
        o["namedLayoutInfos"] = json::array();
        o["networkScopeFieldName"] = nullptr;
        json::array rtis;
        json::object master;
        master["active"] = true;
        master["available"] = true;
        master["defaultRecordTypeMapping"] = true;
        master["developerName"] = "Master";
        master["master"] = true;
        master["name"] = "Master";
        master["recordTypeId"] = "012000000000000AAA";
        json::object layout;
        layout["layout"] =
            "/services/data/v" + version + "/sobjects/" + def.name + "/describe/layouts/012000000000000AAA";
        master["urls"] = std::move(layout);
        rtis.push_back(std::move(master));
        o["recordTypeInfos"] = std::move(rtis);
        o["searchLayoutable"] = true;
        json::array scopes;
        json::object everything;
        everything["label"] = "All " + def.label_plural;
        everything["name"] = "everything";
        scopes.push_back(std::move(everything));
        o["supportedScopes"] = std::move(scopes);
        o["urls"] = urls(def);
        return o;
    }

    // ---- SOQL ------------------------------------------------------------------------------------

    struct query_failure {
        api_error error;
    };

    api_error soql_error(
        const std::string& text, std::size_t column, const std::string& code, const std::string& what
    ) const {
        const std::string caret = std::string(column > 0 ? column - 1 : 0, ' ') + "^";
        return api_error{
            400,
            code,
            "\n" + text + "\n" + caret + "\nERROR at Row:1:Column:" + std::to_string(column) + "\n" + what,
            {}};
    }

    static std::string no_such_column(const std::string& field, const std::string& entity) {
        return "No such column '" + field + "' on entity '" + entity +
               "'. If you are attempting to use a custom field, be sure to append the '__c' after the custom "
               "field "
               "name. Please reference your WSDL or the describe call for the appropriate names.";
    }

    // Resolves a dotted path against `def`; returns the field or an error text.
    std::variant<const field_def*, api_error> resolve_path(
        const object_def& root, std::vector<std::string> path, const std::string& text, std::size_t column
    ) const {
        if (path.size() > 1 && iequals(path[0], root.name) && root.find_relationship(path[0]) == nullptr) {
            path.erase(path.begin());
        }
        const object_def* def = &root;
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            const field_def* rel = def->find_relationship(path[i]);
            if (rel == nullptr) {
                return soql_error(
                    text,
                    column,
                    "INVALID_FIELD",
                    "Didn't understand relationship '" + path[i] +
                        "' in field path. If you are attempting to use a custom relationship, be sure to "
                        "append the "
                        "'__r' after the custom relationship name. Please reference your WSDL or the "
                        "describe call "
                        "for the appropriate names."
                );
            }
            def = objects.find(rel->reference_to.front());
            if (def == nullptr) {
                return soql_error(
                    text, column, "INVALID_FIELD", no_such_column(path[i + 1], rel->reference_to.front())
                );
            }
        }
        const field_def* f = def->find_field(path.back());
        if (f == nullptr) {
            return soql_error(text, column, "INVALID_FIELD", no_such_column(path.back(), def->name));
        }
        return f;
    }

    // The value at `path` for `rec` (nullptr when a lookup on the way is empty).
    json::value value_at(const object_def& root, std::vector<std::string> path, const json::object& rec)
        const {
        if (path.size() > 1 && iequals(path[0], root.name) && root.find_relationship(path[0]) == nullptr) {
            path.erase(path.begin());
        }
        const object_def* def = &root;
        const json::object* current = &rec;
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            const field_def* rel = def->find_relationship(path[i]);
            const auto& ref = current->at(rel->name);
            if (!ref.is_string()) {
                return nullptr;
            }
            current = find_record_any(std::string(ref.as_string()));
            if (current == nullptr) {
                return nullptr;
            }
            def = objects.find(type_of_id(std::string(ref.as_string())));
        }
        const field_def* f = def->find_field(path.back());
        if (f == nullptr) {
            return nullptr;  // a polymorphic lookup whose actual target lacks the field
        }
        if (f->type == "address") {
            return address_value(f->name.substr(0, f->name.size() - 7), *current);
        }
        auto it = current->find(f->name);
        return it == current->end() ? json::value(nullptr) : it->value();
    }

    const json::object* find_record_any(const std::string& id) const {
        const std::string type = type_of_id(id);
        auto rows = records.find(type);
        if (rows == records.end()) {
            return nullptr;
        }
        auto it = rows->second.find(id);
        return it == rows->second.end() ? nullptr : &it->second;
    }

    std::optional<api_error> check_query(const soql::query& q, const object_def& def, const std::string& text)
        const {
        for (const auto& item : q.items) {
            if (item.subquery) {
                bool found = false;
                for (const auto& c : objects.children_of(def.name)) {
                    found = found || (!c.relationship_name.empty() &&
                                      iequals(c.relationship_name, item.subquery->object));
                }
                if (!found) {
                    return soql_error(
                        text,
                        item.subquery->object_column,
                        "INVALID_TYPE",
                        "Didn't understand relationship '" + item.subquery->object +
                            "' in FROM part of query call. If you are attempting to use a custom "
                            "relationship, be sure "
                            "to append the '__r' after the custom relationship name. Please reference your "
                            "WSDL or the "
                            "describe call for the appropriate names."
                    );
                }
                continue;
            }
            if (item.path.empty()) {
                continue;
            }
            auto r = resolve_path(def, item.path, text, item.column);
            if (auto* err = std::get_if<api_error>(&r)) {
                return *err;
            }
        }
        std::function<std::optional<api_error>(const soql::condition&)> check_cond =
            [&](const soql::condition& c) -> std::optional<api_error> {
            if (c.type != soql::condition::kind::compare) {
                for (const auto& child : c.children) {
                    if (auto e = check_cond(*child)) {
                        return e;
                    }
                }
                return std::nullopt;
            }
            auto r = resolve_path(def, c.path, text, c.column);
            if (auto* err = std::get_if<api_error>(&r)) {
                return *err;
            }
            const field_def* f = std::get<const field_def*>(r);
            for (const auto& v : c.values) {
                const bool quoted = v.type == soql::literal::kind::string;
                if ((f->type == "date" || f->type == "datetime") && quoted) {
                    return soql_error(
                        text,
                        c.column,
                        "INVALID_FIELD",
                        "value of filter criterion for field '" + f->name + "' must be of type " +
                            (f->type == "date" ? "date" : "dateTime") +
                            " and should not be enclosed in quotes"
                    );
                }
                if ((f->type == "currency" || f->type == "double" || f->type == "percent" ||
                     f->type == "int" || f->type == "boolean") &&
                    quoted) {
                    return soql_error(
                        text,
                        c.column,
                        "INVALID_FIELD",
                        "value of filter criterion for field '" + f->name + "' must be of type " +
                            (f->type == "boolean" ? "boolean" : "double") +
                            " and should not be enclosed in quotes"
                    );
                }
                if (f->type == "date" && v.type == soql::literal::kind::datetime) {
                    return soql_error(
                        text,
                        c.column,
                        "INVALID_FIELD",
                        "value of filter criterion for field '" + f->name +
                            "' must be of type date and should not be enclosed in quotes"
                    );
                }
            }
            return std::nullopt;
        };
        if (q.where) {
            if (auto e = check_cond(*q.where)) {
                return e;
            }
        }
        for (const auto& o : q.order_by) {
            auto r = resolve_path(def, o.path, text, 1);
            if (auto* err = std::get_if<api_error>(&r)) {
                return *err;
            }
        }
        return std::nullopt;
    }

    static bool like(const std::string& value, const std::string& pattern) {
        // Case-insensitive; % any run, _ one character, \% and \_ literal.
        std::function<bool(std::size_t, std::size_t)> match = [&](std::size_t vi, std::size_t pi) -> bool {
            if (pi == pattern.size()) {
                return vi == value.size();
            }
            const char p = pattern[pi];
            if (p == '\\' && pi + 1 < pattern.size()) {
                return vi < value.size() && value[vi] == pattern[pi + 1] && match(vi + 1, pi + 2);
            }
            if (p == '%') {
                for (std::size_t k = vi; k <= value.size(); ++k) {
                    if (match(k, pi + 1)) {
                        return true;
                    }
                }
                return false;
            }
            if (vi == value.size()) {
                return false;
            }
            if (p == '_') {
                return match(vi + 1, pi + 1);
            }
            auto lower = [](char c) {
                return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            };
            return lower(value[vi]) == lower(p) && match(vi + 1, pi + 1);
        };
        return match(0, 0);
    }

    // -1, 0, 1 ordering of a field value against a literal; nullopt when they do not compare.
    static std::optional<int> compare(const field_def& f, const json::value& v, const soql::literal& l) {
        if (v.is_null() || l.type == soql::literal::kind::null) {
            return std::nullopt;
        }
        auto sign = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
        if (f.type == "datetime" && v.is_string()) {
            const auto ms = soql::parse_datetime(std::string(v.as_string())).value_or(0);
            if (l.type == soql::literal::kind::datetime) {
                return sign(ms, l.epoch_ms);
            }
            if (l.type == soql::literal::kind::date) {
                return sign(ms, *soql::parse_datetime(l.text + "T00:00:00Z"));
            }
            return std::nullopt;
        }
        if (v.is_number()) {
            if (l.type != soql::literal::kind::number) {
                return std::nullopt;
            }
            return sign(v.to_number<double>(), std::strtod(l.text.c_str(), nullptr));
        }
        if (v.is_bool()) {
            if (l.type != soql::literal::kind::boolean) {
                return std::nullopt;
            }
            return sign(static_cast<int>(v.as_bool()), static_cast<int>(l.flag));
        }
        // Text compares without case, byte by byte (no copies: an IN list compares every row many times).
        std::optional<std::string> id;
        if (f.type == "id" || f.type == "reference") {
            id = normalize_id(l.text);
        }
        const std::string_view a = v.as_string();
        const std::string_view b = id ? std::string_view(*id) : std::string_view(l.text);
        auto lower = [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u >= 'A' && u <= 'Z' ? static_cast<unsigned char>(u - 'A' + 'a') : u;
        };
        for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
            if (lower(a[i]) != lower(b[i])) {
                return sign(lower(a[i]), lower(b[i]));
            }
        }
        return sign(a.size(), b.size());
    }

    bool matches(const object_def& def, const soql::condition& c, const json::object& rec) const {
        switch (c.type) {
            case soql::condition::kind::and_:
                return std::all_of(c.children.begin(), c.children.end(), [&](const auto& ch) {
                    return matches(def, *ch, rec);
                });
            case soql::condition::kind::or_:
                return std::any_of(c.children.begin(), c.children.end(), [&](const auto& ch) {
                    return matches(def, *ch, rec);
                });
            case soql::condition::kind::not_:
                return !matches(def, *c.children.front(), rec);
            case soql::condition::kind::compare:
                break;
        }
        const auto resolved = resolve_path(def, c.path, "", 0);
        const field_def& f = *std::get<const field_def*>(resolved);
        const json::value v = value_at(def, c.path, rec);
        auto eq = [&](const soql::literal& l) {
            if (l.type == soql::literal::kind::null) {
                return v.is_null();
            }
            if (l.type == soql::literal::kind::date_range) {
                return in_range(f, v, l) == 0;
            }
            auto r = compare(f, v, l);
            return r && *r == 0;
        };
        if (c.op == "=") {
            return eq(c.values.front());
        }
        if (c.op == "!=") {
            return !eq(c.values.front());
        }
        if (c.op == "IN") {
            return std::any_of(c.values.begin(), c.values.end(), eq);
        }
        if (c.op == "NOT IN") {
            return std::none_of(c.values.begin(), c.values.end(), eq);
        }
        if (c.op == "LIKE") {
            return v.is_string() && like(std::string(v.as_string()), c.values.front().text);
        }
        const auto& l = c.values.front();
        std::optional<int> r;
        if (l.type == soql::literal::kind::date_range) {
            r = in_range(f, v, l);
            if (r && *r == 0) {
                // Inside the range: only the inclusive operators match.
                return c.op == "<=" || c.op == ">=";
            }
        } else {
            r = compare(f, v, l);
        }
        if (!r) {
            return false;
        }
        if (c.op == "<") {
            return *r < 0;
        }
        if (c.op == "<=") {
            return *r <= 0;
        }
        if (c.op == ">") {
            return *r > 0;
        }
        if (c.op == ">=") {
            return *r >= 0;
        }
        return false;
    }

    // -1 before the range, 0 inside, 1 after; nullopt for null or non-date values.
    static std::optional<int> in_range(const field_def& f, const json::value& v, const soql::literal& l) {
        if (!v.is_string()) {
            return std::nullopt;
        }
        std::int64_t day = 0;
        const std::string s(v.as_string());
        if (f.type == "date") {
            day = soql::days_from_civil(
                std::stoi(s.substr(0, 4)),
                static_cast<unsigned>(std::stoi(s.substr(5, 2))),
                static_cast<unsigned>(std::stoi(s.substr(8, 2)))
            );
        } else if (f.type == "datetime") {
            const auto ms = soql::parse_datetime(s).value_or(0);
            day = (ms >= 0 ? ms : ms - 86'399'999) / 86'400'000;
        } else {
            return std::nullopt;
        }
        if (day < l.from_day) {
            return -1;
        }
        return day >= l.to_day ? 1 : 0;
    }

    static void put_path(
        json::object& out,
        const std::vector<std::string>& path,
        std::size_t i,
        json::value v,
        const object_def* def,
        const schema& s,
        const json::object* rec,
        const state& st
    ) {
        (void)s;
        if (i + 1 == path.size()) {
            out[def->find_field(path[i])->name] = std::move(v);
            return;
        }
        const field_def* rel = def->find_relationship(path[i]);
        const auto& ref = rec == nullptr ? json::value(nullptr) : rec->at(rel->name);
        const json::object* target =
            ref.is_string() ? st.find_record_any(std::string(ref.as_string())) : nullptr;
        if (target == nullptr) {
            out[rel->relationship_name] = nullptr;
            return;
        }
        const object_def* tdef = st.objects.find(st.type_of_id(std::string(ref.as_string())));
        auto& slot = out[rel->relationship_name];
        if (!slot.is_object()) {
            json::object nested;
            nested["attributes"] = st.attributes(tdef->name, std::string(ref.as_string()));
            slot = std::move(nested);
        }
        put_path(slot.as_object(), path, i + 1, std::move(v), tdef, s, target, st);
    }

    std::variant<json::array, api_error> run_rows(
        const soql::query& q,
        const object_def& def,
        const std::vector<const json::object*>& candidates,
        std::size_t& total,
        std::vector<const json::object*>* matched = nullptr
    ) const {
        std::vector<const json::object*> rows;
        for (const auto* rec : candidates) {
            if (!q.where || matches(def, *q.where, *rec)) {
                rows.push_back(rec);
            }
        }
        if (!q.order_by.empty()) {
            std::stable_sort(rows.begin(), rows.end(), [&](const json::object* a, const json::object* b) {
                for (const auto& o : q.order_by) {
                    const auto va = value_at(def, o.path, *a);
                    const auto vb = value_at(def, o.path, *b);
                    const bool nulls_last = o.nulls_given ? o.nulls_last : o.descending;
                    if (va.is_null() != vb.is_null()) {
                        return va.is_null() ? !nulls_last : nulls_last;
                    }
                    if (va.is_null()) {
                        continue;
                    }
                    int r = 0;
                    if (va.is_number() && vb.is_number()) {
                        const double x = va.to_number<double>();
                        const double y = vb.to_number<double>();
                        r = x < y ? -1 : (y < x ? 1 : 0);
                    } else if (va.is_bool() && vb.is_bool()) {
                        r = static_cast<int>(va.as_bool()) - static_cast<int>(vb.as_bool());
                    } else {
                        std::string x = va.is_string() ? std::string(va.as_string()) : json::serialize(va);
                        std::string y = vb.is_string() ? std::string(vb.as_string()) : json::serialize(vb);
                        std::transform(x.begin(), x.end(), x.begin(), [](unsigned char c) {
                            return static_cast<char>(std::tolower(c));
                        });
                        std::transform(y.begin(), y.end(), y.begin(), [](unsigned char c) {
                            return static_cast<char>(std::tolower(c));
                        });
                        r = x.compare(y) < 0 ? -1 : (x.compare(y) > 0 ? 1 : 0);
                    }
                    if (r != 0) {
                        return o.descending ? r > 0 : r < 0;
                    }
                }
                return false;
            });
        }
        const auto offset = static_cast<std::size_t>(q.offset.value_or(0));
        rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(std::min(offset, rows.size())));
        if (q.limit && rows.size() > static_cast<std::size_t>(*q.limit)) {
            rows.resize(static_cast<std::size_t>(*q.limit));
        }
        total = rows.size();
        if (matched != nullptr) {
            *matched = rows;
            return json::array();
        }
        json::array out;
        if (q.count_only) {
            return out;
        }
        bool aggregate = std::any_of(q.items.begin(), q.items.end(), [](const auto& i) { return i.count; });
        if (aggregate) {
            json::object agg;
            json::object attrs;
            attrs["type"] = "AggregateResult";
            agg["attributes"] = std::move(attrs);
            int expr = 0;
            for (const auto& item : q.items) {
                std::int64_t n = 0;
                for (const auto* rec : rows) {
                    n += value_at(def, item.path, *rec).is_null() ? 0 : 1;
                }
                agg[item.alias.empty() ? "expr" + std::to_string(expr++) : item.alias] = n;
            }
            out.push_back(std::move(agg));
            total = 1;
            return out;
        }
        // Live children per parent Id for each subquery, gathered in one scan of the child object.
        std::map<const soql::query*, std::unordered_map<std::string_view, std::vector<const json::object*>>>
            children;
        std::map<const soql::query*, child_relationship> relationships;
        for (const auto& item : q.items) {
            if (!item.subquery) {
                continue;
            }
            auto& rel = relationships[&*item.subquery];
            for (const auto& c : objects.children_of(def.name)) {
                if (!c.relationship_name.empty() && iequals(c.relationship_name, item.subquery->object)) {
                    rel = c;
                }
            }
            auto& by_parent = children[&*item.subquery];
            if (auto child_rows = records.find(rel.child_object); child_rows != records.end()) {
                for (const auto& [cid, crec] : child_rows->second) {
                    auto fit = crec.find(rel.field);
                    if (!crec.at("IsDeleted").as_bool() && fit != crec.end() && fit->value().is_string()) {
                        by_parent[std::string_view(fit->value().as_string())].push_back(&crec);
                    }
                }
            }
        }
        for (const auto* rec : rows) {
            json::object row;
            row["attributes"] = attributes(def.name, std::string(rec->at("Id").as_string()));
            for (const auto& item : q.items) {
                if (item.subquery) {
                    const auto& sub = *item.subquery;
                    const auto& rel = relationships.at(&sub);
                    const object_def* child_def = objects.find(rel.child_object);
                    const auto& by_parent = children.at(&sub);
                    const auto found = by_parent.find(std::string_view(rec->at("Id").as_string()));
                    std::vector<const json::object*> kids;
                    if (found != by_parent.end()) {
                        kids = found->second;
                    }
                    std::size_t sub_total = 0;
                    auto sub_rows = run_rows(sub, *child_def, kids, sub_total);
                    if (auto* err = std::get_if<api_error>(&sub_rows)) {
                        return *err;
                    }
                    auto& arr = std::get<json::array>(sub_rows);
                    if (arr.empty()) {
                        row[rel.relationship_name] = nullptr;
                    } else {
                        json::object qr;
                        qr["totalSize"] = sub_total;
                        qr["done"] = true;
                        qr["records"] = std::move(arr);
                        row[rel.relationship_name] = std::move(qr);
                    }
                    continue;
                }
                std::vector<std::string> path = item.path;
                if (path.size() > 1 && iequals(path[0], def.name) &&
                    def.find_relationship(path[0]) == nullptr) {
                    path.erase(path.begin());
                }
                put_path(row, path, 0, value_at(def, path, *rec), &def, objects, rec, *this);
            }
            out.push_back(std::move(row));
        }
        return out;
    }

    // ---- Bulk API 2.0 query jobs -----------------------------------------------------------------
    // A job evaluates its query when created (a snapshot) and reports JobComplete from the second poll on,
    // so that clients exercise their polling loop.

    json::object job_info(const bulk_job& job, bool detailed) const {
        json::object o;
        o["id"] = job.id;
        o["operation"] = job.operation;
        o["object"] = job.object;
        o["createdById"] = user_id;
        o["createdDate"] = job.created;
        o["systemModstamp"] = job.created;
        o["state"] = job.state;
        o["concurrencyMode"] = "Parallel";
        o["contentType"] = "CSV";
        o["apiVersion"] = std::strtod(job.version.c_str(), nullptr);
        o["jobType"] = "V2Query";
        o["lineEnding"] = job.line_ending;
        o["columnDelimiter"] = job.column_delimiter;
        if (detailed) {
            o["numberRecordsProcessed"] = job.state == "JobComplete" ? job.rows.size() : 0;
            o["retries"] = 0;
            o["totalProcessingTime"] = job.state == "JobComplete" ? 12 : 0;
        }
        return o;
    }

    static std::string csv_value(const json::value& v) {
        if (v.is_string()) {
            return std::string(v.as_string());
        }
        if (v.is_bool()) {
            return v.as_bool() ? "true" : "false";
        }
        return to_json_text(v);
    }

    net::http_response create_bulk_query(const net::http_request& req) {
        net::http_response failure;
        auto body = parse_body(req, failure);
        if (!body) {
            return failure;
        }
        auto invalid = [&](const std::string& message) {
            return error_response({400, "INVALIDJOB", message, {}});
        };
        if (!body->is_object() || !body->as_object().contains("query") || !body->at("query").is_string()) {
            return invalid("InvalidJob : query is required");
        }
        const auto& o = body->as_object();
        bulk_job job;
        job.operation = o.contains("operation") && o.at("operation").is_string()
                            ? std::string(o.at("operation").as_string())
                            : "query";
        if (job.operation != "query" && job.operation != "queryAll") {
            return invalid("InvalidJob : operation must be query or queryAll");
        }
        static const std::map<std::string, std::string> delimiters = {
            {"COMMA", ","},
            {"BACKQUOTE", "`"},
            {"CARET", "^"},
            {"PIPE", "|"},
            {"SEMICOLON", ";"},
            {"TAB", "\t"}};
        if (o.contains("columnDelimiter")) {
            job.column_delimiter =
                o.at("columnDelimiter").is_string() ? std::string(o.at("columnDelimiter").as_string()) : "";
            if (delimiters.count(job.column_delimiter) == 0) {
                return invalid("InvalidJob : unknown columnDelimiter " + job.column_delimiter);
            }
        }
        if (o.contains("lineEnding")) {
            job.line_ending =
                o.at("lineEnding").is_string() ? std::string(o.at("lineEnding").as_string()) : "";
            if (job.line_ending != "LF" && job.line_ending != "CRLF") {
                return invalid("InvalidJob : lineEnding must be LF or CRLF");
            }
        }
        const std::string text(o.at("query").as_string());
        soql::parse_error perr;
        const auto today = std::chrono::floor<std::chrono::days>(now()).time_since_epoch().count();
        auto q = soql::parse(text, today, perr);
        if (!q) {
            return error_response(soql_error(text, perr.column, perr.code, perr.message));
        }
        const object_def* def = objects.find(q->object);
        if (def == nullptr) {
            return error_response(soql_error(
                text, q->object_column, "INVALID_TYPE", "sObject type '" + q->object + "' is not supported."
            ));
        }
        if (auto err = check_query(*q, *def, text)) {
            return error_response(*err);
        }
        for (const auto& item : q->items) {
            if (item.subquery || item.count) {
                return invalid(
                    "InvalidJob : Bulk API 2.0 queries support neither subqueries nor aggregate functions"
                );
            }
        }
        if (q->offset) {
            return invalid("InvalidJob : Bulk API 2.0 queries do not support OFFSET");
        }
        std::vector<const json::object*> candidates;
        auto rows = records.find(def->name);
        if (rows != records.end()) {
            for (const auto& [rid, rec] : rows->second) {
                if (job.operation == "queryAll" || !rec.at("IsDeleted").as_bool()) {
                    candidates.push_back(&rec);
                }
            }
        }
        std::size_t total = 0;
        std::vector<const json::object*> matched;
        (void)run_rows(*q, *def, candidates, total, &matched);
        for (const auto& item : q->items) {
            std::vector<std::string> path = item.path;
            if (path.size() > 1 && iequals(path[0], def->name) &&
                def->find_relationship(path[0]) == nullptr) {
                path.erase(path.begin());
            }
            std::string name;
            for (const auto& part : path) {
                name += (name.empty() ? "" : ".") + part;
            }
            job.columns.push_back(name);
        }
        for (const auto* rec : matched) {
            std::vector<std::optional<std::string>> row;
            for (const auto& item : q->items) {
                const auto v = value_at(*def, item.path, *rec);
                row.push_back(v.is_null() ? std::nullopt : std::optional<std::string>(csv_value(v)));
            }
            job.rows.push_back(std::move(row));
        }
        job.id = new_id("750");
        job.object = def->name;
        job.version = version;
        job.created = format_datetime(now());
        auto info = job_info(job, false);
        jobs[job.id] = std::move(job);
        return json_response(200, info);
    }

    net::http_response bulk_results(bulk_job& job, std::map<std::string, std::string>& query) {
        if (job.state != "JobComplete") {
            return error_response(
                {412,
                 "JOB_NOT_COMPLETE",
                 "can only download query results of successfully completed bulk job. Current state: " +
                     job.state,
                 {}}
            );
        }
        std::size_t offset = 0;
        if (!query["locator"].empty()) {
            const std::string decoded = base64url_decode(query["locator"]);
            char* end = nullptr;
            offset = static_cast<std::size_t>(std::strtoull(decoded.c_str(), &end, 10));
            if (decoded.empty() || end == nullptr || *end != '\0' || offset > job.rows.size()) {
                return error_response({400, "INVALID_LOCATOR", "invalid locator", {}});
            }
        }
        std::size_t max_records = job.rows.size();
        if (!query["maxRecords"].empty()) {
            max_records = static_cast<std::size_t>(std::strtoull(query["maxRecords"].c_str(), nullptr, 10));
            if (max_records == 0) {
                return error_response({400, "INVALID_MAX_RECORDS", "maxRecords must be a positive number", {}}
                );
            }
        }
        static const std::map<std::string, std::string> delimiters = {
            {"COMMA", ","},
            {"BACKQUOTE", "`"},
            {"CARET", "^"},
            {"PIPE", "|"},
            {"SEMICOLON", ";"},
            {"TAB", "\t"}};
        const std::string sep = delimiters.at(job.column_delimiter);
        const std::string eol = job.line_ending == "CRLF" ? "\r\n" : "\n";
        auto quote = [](const std::string& v) {
            std::string out = "\"";
            for (char c : v) {
                out += c == '"' ? std::string("\"\"") : std::string(1, c);
            }
            return out + "\"";
        };
        std::string csv;
        for (std::size_t i = 0; i < job.columns.size(); ++i) {
            csv += (i == 0 ? "" : sep) + quote(job.columns[i]);
        }
        csv += eol;
        const std::size_t end = std::min(job.rows.size(), offset + max_records);
        for (std::size_t r = offset; r < end; ++r) {
            for (std::size_t i = 0; i < job.rows[r].size(); ++i) {
                csv += i == 0 ? "" : sep;
                if (job.rows[r][i]) {
                    csv += quote(*job.rows[r][i]);
                }
            }
            csv += eol;
        }
        net::http_response res;
        res.status = 200;
        res.set("Content-Type", "text/csv");
        res.set("Sforce-NumberOfRecords", std::to_string(end - offset));
        if (end < job.rows.size()) {
            const std::string next = std::to_string(end);
            std::string b64(4 * ((next.size() + 2) / 3) + 1, '\0');
            const int n = EVP_EncodeBlock(
                reinterpret_cast<unsigned char*>(b64.data()),
                reinterpret_cast<const unsigned char*>(next.data()),
                static_cast<int>(next.size())
            );
            b64.resize(static_cast<std::size_t>(n));
            while (!b64.empty() && b64.back() == '=') {
                b64.pop_back();
            }
            res.set("Sforce-Locator", b64);
        } else {
            res.set("Sforce-Locator", "null");
        }
        res.body = std::move(csv);
        return res;
    }

    net::http_response route_bulk_query(
        const net::http_request& req,
        const std::vector<std::string>& p,
        std::map<std::string, std::string>& query
    ) {
        const std::string& m = req.method;
        if (p.size() == 2) {
            if (m == "POST") {
                return create_bulk_query(req);
            }
            if (m == "GET") {
                json::array list;
                for (const auto& [jid, job] : jobs) {
                    list.push_back(job_info(job, false));
                }
                json::object o;
                o["done"] = true;
                o["records"] = std::move(list);
                o["nextRecordsUrl"] = nullptr;
                return json_response(200, o);
            }
            return method_not_allowed(m);
        }
        auto it = jobs.find(p[2]);
        if (it == jobs.end()) {
            return error_response({404, "NOT_FOUND", "The requested resource does not exist", {}});
        }
        auto& job = it->second;
        if (job.version != version) {
            return error_response(
                {409,
                 "INVALIDJOB",
                 "Job " + job.id + " was created with API version " + job.version + "; use that version",
                 {}}
            );
        }
        if (p.size() == 4 && p[3] == "results" && m == "GET") {
            return bulk_results(job, query);
        }
        if (p.size() != 3) {
            return error_response(not_found());
        }
        if (m == "GET") {
            if (job.state == "UploadComplete" || job.state == "InProgress") {
                job.state = ++job.polls >= 2 ? "JobComplete" : "InProgress";
            }
            return json_response(200, job_info(job, true));
        }
        if (m == "PATCH") {
            net::http_response failure;
            auto body = parse_body(req, failure);
            if (!body) {
                return failure;
            }
            if (!body->is_object() || !body->as_object().contains("state") ||
                body->at("state") != "Aborted") {
                return error_response(
                    {400, "INVALIDJOB", "InvalidJob : the only state change allowed is Aborted", {}}
                );
            }
            if (job.state == "JobComplete") {
                return error_response({400, "INVALIDJOB", "InvalidJob : Job is already complete", {}});
            }
            job.state = "Aborted";
            return json_response(200, job_info(job, false));
        }
        if (m == "DELETE") {
            jobs.erase(it);
            net::http_response res;
            res.status = 204;
            return res;
        }
        return method_not_allowed(m);
    }

    net::http_response run_query(const std::string& text, bool all_rows, std::size_t batch) {
        soql::parse_error perr;
        const auto today = std::chrono::floor<std::chrono::days>(now()).time_since_epoch().count();
        auto q = soql::parse(text, today, perr);
        if (!q) {
            return error_response(soql_error(text, perr.column, perr.code, perr.message));
        }
        const object_def* def = objects.find(q->object);
        if (def == nullptr) {
            return error_response(soql_error(
                text,
                q->object_column,
                "INVALID_TYPE",
                "sObject type '" + q->object +
                    "' is not supported. If you are attempting to use a custom object, be sure to append the "
                    "'__c' "
                    "after the entity name. Please reference your WSDL or the describe call for the "
                    "appropriate names."
            ));
        }
        if (auto err = check_query(*q, *def, text)) {
            return error_response(*err);
        }
        std::vector<const json::object*> candidates;
        auto rows = records.find(def->name);
        if (rows != records.end()) {
            for (const auto& [id, rec] : rows->second) {
                if (all_rows || !rec.at("IsDeleted").as_bool()) {
                    candidates.push_back(&rec);
                }
            }
        }
        std::size_t total = 0;
        auto result = run_rows(*q, *def, candidates, total);
        if (auto* err = std::get_if<api_error>(&result)) {
            return error_response(*err);
        }
        auto& all = std::get<json::array>(result);
        json::object body;
        body["totalSize"] = total;
        if (all.size() <= batch) {
            body["done"] = true;
            body["records"] = std::move(all);
            return json_response(200, body);
        }
        const std::string locator = new_id("01g");
        json::array first(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(batch));
        cursors[locator] = cursor{std::move(all), batch};
        body["done"] = false;
        body["nextRecordsUrl"] =
            "/services/data/v" + version + "/query/" + locator + "-" + std::to_string(batch);
        body["records"] = std::move(first);
        return json_response(200, body);
    }

    net::http_response next_page(const std::string& locator_text) {
        auto dash = locator_text.rfind('-');
        auto invalid = api_error{400, "INVALID_QUERY_LOCATOR", "invalid query locator", {}};
        if (dash == std::string::npos) {
            return error_response(invalid);
        }
        auto it = cursors.find(locator_text.substr(0, dash));
        std::size_t offset = 0;
        try {
            offset = std::stoul(locator_text.substr(dash + 1));
        } catch (const std::exception&) {
            return error_response(invalid);
        }
        if (it == cursors.end() || offset > it->second.records.size()) {
            return error_response(invalid);
        }
        const auto& all = it->second.records;
        const std::size_t end = std::min(all.size(), offset + it->second.batch);
        json::object body;
        body["totalSize"] = all.size();
        body["done"] = end == all.size();
        if (end < all.size()) {
            body["nextRecordsUrl"] =
                "/services/data/v" + version + "/query/" + it->first + "-" + std::to_string(end);
        }
        body["records"] = json::array(
            all.begin() + static_cast<std::ptrdiff_t>(offset), all.begin() + static_cast<std::ptrdiff_t>(end)
        );
        return json_response(200, body);
    }

    // ---- OAuth -----------------------------------------------------------------------------------

    net::http_response token_error(
        const std::string& error, const std::string& description, unsigned status = 400
    ) const {
        json::object o;
        o["error"] = error;
        o["error_description"] = description;
        return json_response(status, o);
    }

    net::http_response issue_token(
        const std::string& user, const std::string& consumer_key, bool with_refresh
    ) {
        const std::string token =
            org_id.substr(0, 15) + "!AQ0AQ" + std::to_string(++token_counter) + "emulatedSessionToken";
        tokens[token] = token_info{user, now() + session_lifetime};
        json::object o;
        o["access_token"] = token;
        o["instance_url"] = options.instance_url;
        o["id"] = "https://login.salesforce.com/id/" + org_id + "/" + user_id;
        o["token_type"] = "Bearer";
        o["scope"] = "api";
        const auto issued = std::to_string(now().time_since_epoch().count());
        o["issued_at"] = issued;
        // HMAC-SHA256 of id + issued_at under the consumer secret (clients rarely check it).
        std::string secret;
        for (const auto& a : apps) {
            if (a.consumer_key == consumer_key) {
                secret = a.consumer_secret;
            }
        }
        const std::string signed_text = std::string(o["id"].as_string()) + issued;
        unsigned char mac[EVP_MAX_MD_SIZE];
        std::size_t mac_len = 0;
        EVP_Q_mac(
            nullptr,
            "HMAC",
            nullptr,
            "SHA256",
            nullptr,
            secret.data(),
            secret.size(),
            reinterpret_cast<const unsigned char*>(signed_text.data()),
            signed_text.size(),
            mac,
            sizeof mac,
            &mac_len
        );
        std::string b64(4 * ((mac_len + 2) / 3) + 1, '\0');
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(mac_len));
        b64.resize(4 * ((mac_len + 2) / 3));
        o["signature"] = b64;
        if (with_refresh) {
            const std::string refresh = "5Aep861emulatedRefresh" + std::to_string(token_counter);
            refresh_tokens[refresh] = {consumer_key, user};
            o["refresh_token"] = refresh;
        }
        return json_response(200, o);
    }

    bool verify_rs256(
        const std::string& cert_pem, const std::string& signed_part, const std::string& signature
    ) const {
        BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
        X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
        if (cert == nullptr) {
            return false;
        }
        EVP_PKEY* key = X509_get_pubkey(cert);
        X509_free(cert);
        if (key == nullptr) {
            return false;
        }
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(
                      ctx,
                      reinterpret_cast<const unsigned char*>(signature.data()),
                      signature.size(),
                      reinterpret_cast<const unsigned char*>(signed_part.data()),
                      signed_part.size()
                  ) == 1;
        EVP_MD_CTX_free(ctx);
        ok = ok && EVP_PKEY_base_id(key) == EVP_PKEY_RSA;
        EVP_PKEY_free(key);
        return ok;
    }

    net::http_response token_endpoint(const net::http_request& req) {
        if (req.method != "POST") {
            return token_error("invalid_request", "must use HTTP POST", 400);
        }
        auto form = parse_form(req.body);
        const std::string grant = form["grant_type"];
        if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer") {
            const std::string assertion = form["assertion"];
            const auto d1 = assertion.find('.');
            const auto d2 = d1 == std::string::npos ? d1 : assertion.find('.', d1 + 1);
            if (d2 == std::string::npos) {
                return token_error("invalid_grant", "invalid assertion");
            }
            json::value header;
            json::value claims;
            try {
                header = json::parse(base64url_decode(assertion.substr(0, d1)));
                claims = json::parse(base64url_decode(assertion.substr(d1 + 1, d2 - d1 - 1)));
            } catch (const std::exception&) {
                return token_error("invalid_grant", "invalid assertion");
            }
            if (!header.is_object() || !claims.is_object() || !header.as_object().contains("alg") ||
                header.at("alg") != "RS256") {
                return token_error("invalid_grant", "invalid assertion");
            }
            const auto& c = claims.as_object();
            auto str = [&](const char* k) {
                auto it = c.find(k);
                return it != c.end() && it->value().is_string() ? std::string(it->value().as_string())
                                                                : std::string();
            };
            const connected_app* app = nullptr;
            for (const auto& a : apps) {
                if (a.consumer_key == str("iss")) {
                    app = &a;
                }
            }
            if (app == nullptr) {
                return token_error("invalid_client_id", "client identifier invalid");
            }
            const std::string aud = str("aud");
            if (aud != "https://login.salesforce.com" && aud != "https://test.salesforce.com" &&
                aud != options.instance_url) {
                return token_error("invalid_grant", "audience is invalid");
            }
            const std::string sub = c.contains("prn") ? str("prn") : str("sub");
            if (sub != app->run_as && sub != username) {
                return token_error("invalid_grant", "user hasn't approved this consumer");
            }
            auto exp_it = c.find("exp");
            if (exp_it == c.end() || !exp_it->value().is_number()) {
                return token_error("invalid_grant", "invalid assertion");
            }
            const auto exp = exp_it->value().to_number<std::int64_t>();
            const auto now_s =
                std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
            if (exp < now_s) {
                return token_error("invalid_grant", "expired authorization code");
            }
            if (!verify_rs256(
                    app->certificate_pem, assertion.substr(0, d2), base64url_decode(assertion.substr(d2 + 1))
                )) {
                return token_error("invalid_grant", "invalid signature on assertion");
            }
            return issue_token(sub, app->consumer_key, false);
        }
        if (grant == "client_credentials" || grant == "refresh_token") {
            std::string id = form["client_id"];
            std::string secret = form["client_secret"];
            if (auto auth = req.header("Authorization"); auth && auth->substr(0, 6) == "Basic ") {
                std::string decoded = base64url_decode(std::string(auth->substr(6)));
                auto colon = decoded.find(':');
                if (colon != std::string::npos) {
                    id = url_decode(decoded.substr(0, colon));
                    secret = url_decode(decoded.substr(colon + 1));
                }
            }
            const connected_app* app = nullptr;
            for (const auto& a : apps) {
                if (a.consumer_key == id) {
                    app = &a;
                }
            }
            if (app == nullptr) {
                return token_error("invalid_client_id", "client identifier invalid");
            }
            if (grant == "client_credentials") {
                if (secret != app->consumer_secret) {
                    return token_error("invalid_client", "invalid client credentials");
                }
                return issue_token(app->run_as, app->consumer_key, false);
            }
            if (!secret.empty() && secret != app->consumer_secret) {
                return token_error("invalid_client", "invalid client credentials");
            }
            auto rt = refresh_tokens.find(form["refresh_token"]);
            if (rt == refresh_tokens.end() || rt->second.first != app->consumer_key) {
                return token_error("invalid_grant", "expired access/refresh token");
            }
            return issue_token(rt->second.second, app->consumer_key, false);
        }
        if (grant.empty()) {
            return token_error("invalid_request", "grant type not supported");
        }
        return token_error("unsupported_grant_type", "grant type not supported");
    }

    // ---- Change Data Capture over CometD ---------------------------------------------------------

    static std::string iso_z(const json::value& v) {
        // CometD payloads carry datetimes as ISO-8601 with Z.
        std::string s(v.as_string());
        if (s.size() == 28 && s.compare(23, 5, "+0000") == 0) {
            s = s.substr(0, 23) + "Z";
        }
        return s;
    }

    static std::string channel_of(const std::string& entity) {
        if (entity.size() > 3 && entity.compare(entity.size() - 3, 3, "__c") == 0) {
            return "/data/" + entity.substr(0, entity.size() - 1) + "ChangeEvent";
        }
        return "/data/" + entity + "ChangeEvent";
    }

    json::object event_header(
        const std::string& entity, const std::string& change_type, json::array ids, const std::string& origin
    ) {
        json::object header;
        header["entityName"] = entity;
        header["recordIds"] = std::move(ids);
        header["changeType"] = change_type;
        header["changeOrigin"] = origin;
        header["transactionKey"] = transaction_key;
        header["sequenceNumber"] = ++sequence;
        header["commitTimestamp"] = now().time_since_epoch().count();
        header["commitNumber"] = 10'585'193'272'713LL + next_replay;
        header["commitUser"] = user_id;
        header["changedFields"] = json::array();
        header["nulledFields"] = json::array();
        header["diffFields"] = json::array();
        return header;
    }

    void publish(const std::string& entity, json::object payload) {
        events.push_back({next_replay++, entity, now(), std::move(payload)});
    }

    // Publishes the change event of one record change, or what Salesforce sends instead: past the
    // transaction's change threshold one GAP_OVERFLOW per entity (no record ids), and while gap events are
    // switched on a GAP_<type> event that names the record but carries none of its fields.
    void record_change(
        const std::string& entity,
        const std::string& change_type,
        const std::string& id,
        const json::object& fields,
        const std::vector<std::string>& changed
    ) {
        // A create, delete or undelete counts one change toward the threshold, an update one per field.
        transaction_changes += change_type == "UPDATE"
                                   ? std::max<std::int64_t>(1, static_cast<std::int64_t>(changed.size()))
                                   : 1;
        if (transaction_changes > event_faults.overflow_after) {
            if (overflowed.insert(entity).second) {
                json::object payload;
                payload["ChangeEventHeader"] = event_header(entity, "GAP_OVERFLOW", {}, change_origin);
                publish(entity, std::move(payload));
            }
            return;
        }
        if (event_faults.gap_next > 0) {
            --event_faults.gap_next;
            // Gap events stand for changes made outside an API transaction: their origin is empty.
            json::object payload;
            payload["ChangeEventHeader"] =
                event_header(entity, "GAP_" + change_type, json::array{json::value(id)}, "");
            publish(entity, std::move(payload));
            return;
        }
        const object_def* def = objects.find(entity);
        json::object header = event_header(entity, change_type, json::array{json::value(id)}, change_origin);
        json::array changed_json;
        for (const auto& c : changed) {
            changed_json.emplace_back(c);
        }
        header["changedFields"] = std::move(changed_json);
        json::array nulled;
        for (const auto& [k, v] : fields) {
            if (v.is_null() && change_type == "UPDATE") {
                nulled.emplace_back(k);
            }
        }
        header["nulledFields"] = std::move(nulled);
        json::object payload;
        payload["ChangeEventHeader"] = std::move(header);
        for (auto& [k, v] : fields) {
            const field_def* f = def == nullptr ? nullptr : def->find_field(k);
            payload[k] = f != nullptr && f->type == "datetime" && v.is_string() ? json::value(iso_z(v)) : v;
        }
        publish(entity, std::move(payload));
    }

    void drop_expired_events() {
        const auto horizon = now() - std::chrono::hours(72);
        auto keep = std::find_if(events.begin(), events.end(), [&](const change_event& e) {
            return e.commit >= horizon;
        });
        events.erase(events.begin(), keep);
    }

    static bool channel_matches(const std::string& channel, const std::string& entity) {
        return channel == "/data/ChangeEvents" || channel == channel_of(entity);
    }

    // Events for `client` not yet delivered; marks them delivered when `take`.
    json::array pending_events(cometd_client& client, bool take) {
        drop_expired_events();
        json::array out;
        for (auto& [channel, last] : client.subscriptions) {
            std::int64_t newest = last;
            // Events are in replay order: start after the last one delivered.
            const auto after = std::partition_point(events.begin(), events.end(), [&](const change_event& e) {
                return e.replay_id <= last;
            });
            for (auto e_it = after; e_it != events.end(); ++e_it) {
                const auto& e = *e_it;
                if (channel_matches(channel, e.entity)) {
                    json::object data;
                    data["schema"] = "fakturad-emulator-" + e.entity;
                    data["payload"] = e.payload;
                    data["event"] = json::object{{"replayId", e.replay_id}};
                    out.push_back(json::object{{"channel", channel}, {"data", std::move(data)}});
                    newest = std::max(newest, e.replay_id);
                }
            }
            if (take) {
                last = newest;
            }
        }
        return out;
    }

    static json::object advice(const char* reconnect, std::int64_t timeout = -1) {
        json::object a;
        a["interval"] = 0;
        if (timeout >= 0) {
            a["timeout"] = timeout;
        }
        a["reconnect"] = reconnect;
        return a;
    }

    // Answers a CometD request; nullopt means "hold this /meta/connect" (only when `may_hold`).
    std::optional<net::http_response> cometd(const net::http_request& req, bool may_hold) {
        json::value body;
        try {
            body = json::parse(req.body);
        } catch (const std::exception&) {
            return json_response(
                400, json::array{json::object{{"successful", false}, {"error", "400::Invalid JSON"}}}
            );
        }
        if (body.is_object()) {
            body = json::array{body};
        }
        if (!body.is_array()) {
            return json_response(
                400, json::array{json::object{{"successful", false}, {"error", "400::Invalid message"}}}
            );
        }
        const bool auth_ok = authorized(req);
        std::string cookie_browser;
        if (auto cookie = req.header("Cookie")) {
            auto pos = cookie->find("BAYEUX_BROWSER=");
            if (pos != std::string_view::npos) {
                auto value = cookie->substr(pos + 15);
                cookie_browser = std::string(value.substr(0, value.find(';')));
            }
        }
        const auto& messages = body.as_array();
        if (may_hold && messages.size() == 1 && messages[0].is_object()) {
            const auto& m = messages[0].as_object();
            auto cid = m.contains("clientId") && m.at("clientId").is_string()
                           ? std::string(m.at("clientId").as_string())
                           : "";
            auto ch = m.contains("channel") && m.at("channel").is_string()
                          ? std::string(m.at("channel").as_string())
                          : "";
            auto it = clients.find(cid);
            bool immediate = m.contains("advice") && m.at("advice").is_object() &&
                             m.at("advice").as_object().contains("timeout") &&
                             m.at("advice").at("timeout") == 0;
            if (ch == "/meta/connect" && auth_ok && it != clients.end() &&
                it->second.browser == cookie_browser && !immediate &&
                pending_events(it->second, false).empty()) {
                return std::nullopt;
            }
        }
        net::http_response res;
        json::array replies;
        json::array delivered;
        for (const auto& mv : messages) {
            if (!mv.is_object()) {
                continue;
            }
            const auto& m = mv.as_object();
            json::object reply;
            const std::string channel = m.contains("channel") && m.at("channel").is_string()
                                            ? std::string(m.at("channel").as_string())
                                            : "";
            reply["channel"] = channel;
            if (m.contains("id")) {
                reply["id"] = m.at("id");
            }
            const std::string cid = m.contains("clientId") && m.at("clientId").is_string()
                                        ? std::string(m.at("clientId").as_string())
                                        : "";
            if (channel == "/meta/handshake") {
                if (!auth_ok) {
                    reply["successful"] = false;
                    reply["error"] = "403::Handshake denied";
                    reply["ext"] = json::object{
                        {"sfdc", json::object{{"failureReason", "401::Authentication invalid"}}},
                        {"replay", true},
                        {"payload.format", true}};
                    reply["advice"] = json::object{{"reconnect", "none"}};
                    replies.push_back(std::move(reply));
                    continue;
                }
                const std::string id = "emu" + std::to_string(++client_counter) + "kdiuvgig2tfxdh9weak";
                const std::string browser = "emulated-browser-" + std::to_string(client_counter);
                clients[id] = cometd_client{browser, {}};
                res.set("Set-Cookie", "BAYEUX_BROWSER=" + browser + "; Path=/; HttpOnly");
                reply["version"] = "1.0";
                reply["minimumVersion"] = "1.0";
                reply["clientId"] = id;
                reply["supportedConnectionTypes"] = json::array{"long-polling"};
                reply["successful"] = true;
                reply["ext"] = json::object{{"replay", true}, {"payload.format", true}};
                reply["advice"] = advice("retry", cometd_hold.count());
                replies.push_back(std::move(reply));
                continue;
            }
            reply["clientId"] = cid;
            auto it = clients.find(cid);
            if (!auth_ok) {
                reply["successful"] = false;
                reply["error"] = "401::Authentication invalid";
                reply["advice"] = json::object{{"reconnect", "none"}, {"interval", 0}};
                replies.push_back(std::move(reply));
                continue;
            }
            if (it == clients.end()) {
                reply["successful"] = false;
                reply["error"] = "403::Unknown client";
                reply["advice"] = advice("handshake");
                replies.push_back(std::move(reply));
                continue;
            }
            if (it->second.browser != cookie_browser) {
                reply["successful"] = false;
                reply["error"] =
                    "400::Client " + cid + " has established a session, but no BAYEUX_BROWSER cookie present";
                replies.push_back(std::move(reply));
                continue;
            }
            if (channel == "/meta/subscribe" || channel == "/meta/unsubscribe") {
                const std::string sub = m.contains("subscription") && m.at("subscription").is_string()
                                            ? std::string(m.at("subscription").as_string())
                                            : "";
                reply["subscription"] = sub;
                bool known = sub == "/data/ChangeEvents";
                for (const auto& [name, def] : objects.objects()) {
                    known = known || sub == channel_of(name);
                }
                if (!known) {
                    reply["successful"] = false;
                    reply["error"] =
                        "400::The channel you requested to subscribe to does not exist {" + sub + "}";
                    replies.push_back(std::move(reply));
                    continue;
                }
                if (channel == "/meta/unsubscribe") {
                    it->second.subscriptions.erase(sub);
                    reply["successful"] = true;
                    replies.push_back(std::move(reply));
                    continue;
                }
                drop_expired_events();
                std::int64_t replay = -1;
                if (m.contains("ext") && m.at("ext").is_object() &&
                    m.at("ext").as_object().contains("replay")) {
                    const auto& r = m.at("ext").at("replay");
                    if (r.is_object() && r.as_object().contains(sub) && r.at(sub).is_number()) {
                        replay = r.at(sub).to_number<std::int64_t>();
                    }
                }
                const std::int64_t oldest = events.empty() ? next_replay : events.front().replay_id;
                std::int64_t last = 0;
                if (replay == -1) {
                    last = next_replay - 1;
                } else if (replay == -2) {
                    last = oldest - 1;
                } else if (replay >= oldest - 1 && replay < next_replay) {
                    last = replay;
                } else {
                    reply["successful"] = false;
                    reply["error"] =
                        "400::The replayId {" + std::to_string(replay) +
                        "} you provided was invalid. Please provide a valid ID, -2 to replay all events, "
                        "or -1 to replay only new events.";
                    replies.push_back(std::move(reply));
                    continue;
                }
                it->second.subscriptions[sub] = last;
                reply["successful"] = true;
                replies.push_back(std::move(reply));
                continue;
            }
            if (channel == "/meta/connect") {
                for (auto& e : pending_events(it->second, true)) {
                    delivered.push_back(std::move(e));
                }
                reply["successful"] = true;
                reply["advice"] = advice("retry", cometd_hold.count());
                replies.push_back(std::move(reply));
                continue;
            }
            if (channel == "/meta/disconnect") {
                clients.erase(it);
                reply["successful"] = true;
                replies.push_back(std::move(reply));
                continue;
            }
            reply["successful"] = false;
            reply["error"] = "400::Unsupported channel " + channel;
            replies.push_back(std::move(reply));
        }
        // Events first, then the acknowledgements, as Salesforce sends them.
        json::array out = std::move(delivered);
        for (auto& r : replies) {
            out.push_back(std::move(r));
        }
        auto json_res = json_response(200, out);
        for (auto& h : res.headers) {
            json_res.headers.push_back(h);
        }
        return json_res;
    }

    bool authorized(const net::http_request& req) {
        auto auth = req.header("Authorization");
        if (!auth) {
            return false;
        }
        std::string_view value = *auth;
        if (value.substr(0, 7) == "Bearer ") {
            value.remove_prefix(7);
        } else if (value.substr(0, 6) == "OAuth ") {
            value.remove_prefix(6);
        } else {
            return false;
        }
        if (options.static_token && value == *options.static_token) {
            return true;
        }
        auto it = tokens.find(std::string(value));
        return it != tokens.end() && it->second.expires > now();
    }

    // ---- REST routing ----------------------------------------------------------------------------

    net::http_response handle(const net::http_request& req) {
        const auto qmark = req.target.find('?');
        const std::string path = req.target.substr(0, qmark);
        std::map<std::string, std::string> query;
        if (qmark != std::string::npos) {
            query = parse_form(std::string_view(req.target).substr(qmark + 1));
        }
        auto parts = split_path(path);
        if (!parts.empty() && parts[0] == "__emulator") {
            return admin(req, parts);
        }
        if (parts.size() == 2 && parts[0] == "cometd") {
            return *cometd(req, false);
        }
        if (parts.size() >= 3 && parts[0] == "services" && parts[1] == "oauth2" && parts[2] == "token") {
            return token_endpoint(req);
        }
        if (parts.size() < 2 || parts[0] != "services" || parts[1] != "data") {
            return error_response(not_found());
        }
        if (parts.size() == 2) {
            json::array versions;
            static const char* releases[] = {
                "Winter '21",
                "Spring '21",
                "Summer '21",
                "Winter '22",
                "Spring '22",
                "Summer '22",
                "Winter '23",
                "Spring '23",
                "Summer '23",
                "Winter '24",
                "Spring '24",
                "Summer '24",
                "Winter '25"};
            for (int v = min_version; v <= max_version; ++v) {
                json::object o;
                o["label"] = releases[v - min_version];
                o["url"] = "/services/data/v" + std::to_string(v) + ".0";
                o["version"] = std::to_string(v) + ".0";
                versions.push_back(std::move(o));
            }
            return json_response(200, versions);
        }
        const std::string& vtext = parts[2];
        int vnum = 0;
        if (vtext.size() == 5 && vtext[0] == 'v' && vtext.substr(3) == ".0") {
            vnum = std::atoi(vtext.substr(1, 2).c_str());
        }
        if (vnum < min_version || vnum > max_version) {
            return error_response(not_found());
        }
        version = vtext.substr(1);
        if (!authorized(req)) {
            net::http_response res =
                error_response({401, "INVALID_SESSION_ID", "Session expired or invalid", {}});
            res.set("WWW-Authenticate", "Token");
            return res;
        }
        if (api_used >= api_max) {
            return error_response({403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", {}});
        }
        ++api_used;
        if (auto fault = inject_fault(req)) {
            fault->set(
                "Sforce-Limit-Info", "api-usage=" + std::to_string(api_used) + "/" + std::to_string(api_max)
            );
            return *fault;
        }
        recording = true;
        sequence = 0;
        transaction_changes = 0;
        overflowed.clear();
        transaction_key = "0002343d-9d90-e395-ed20-" + std::to_string(1'000'000'000'000 + api_used);
        change_origin = "com/salesforce/api/rest/" + version;
        if (auto call_options = req.header("Sforce-Call-Options")) {
            auto pos = call_options->find("client=");
            if (pos != std::string_view::npos) {
                auto client = call_options->substr(pos + 7);
                change_origin += ";client=" + std::string(client.substr(0, client.find(',')));
            }
        }
        net::http_response res = route(req, std::vector<std::string>(parts.begin() + 3, parts.end()), query);
        recording = false;
        res.set("Sforce-Limit-Info", "api-usage=" + std::to_string(api_used) + "/" + std::to_string(api_max));
        return res;
    }

    std::optional<json::value> parse_body(const net::http_request& req, net::http_response& failure) const {
        try {
            return json::parse(req.body);
        } catch (const std::exception&) {
            failure = error_response(
                {400, "JSON_PARSER_ERROR", "Unexpected character in request body: not valid JSON", {}}
            );
            return std::nullopt;
        }
    }

    // A multipart insert (ContentVersion and other blob objects): the JSON part gives the fields, the binary
    // part becomes the blob field (stored base64, as a JSON insert would carry it).  Salesforce keys off the
    // content types, not the part names or their order.
    std::optional<json::value> parse_multipart(
        const net::http_request& req, const std::string& content_type, net::http_response& failure
    ) const {
        auto bad = [&](const std::string& message) {
            failure = error_response({400, "INVALID_MULTIPART_REQUEST", message, {}});
            return std::nullopt;
        };
        auto pos = content_type.find("boundary=");
        if (pos == std::string::npos) {
            return bad("Multipart message must have a boundary");
        }
        std::string boundary = content_type.substr(pos + 9);
        boundary = boundary.substr(0, boundary.find(';'));
        if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
            boundary = boundary.substr(1, boundary.size() - 2);
        }
        const std::string delimiter = "--" + boundary;
        const std::string& body = req.body;
        std::optional<json::value> fields;
        std::optional<std::string> blob;
        std::string blob_field = "VersionData";
        std::size_t at = body.find(delimiter);
        while (at != std::string::npos) {
            at += delimiter.size();
            if (body.compare(at, 2, "--") == 0) {
                break;
            }
            const auto header_end = body.find("\r\n\r\n", at);
            const auto next = body.find("\r\n" + delimiter, at);
            if (header_end == std::string::npos || next == std::string::npos || header_end > next) {
                return bad("Malformed multipart message");
            }
            std::string headers = body.substr(at, header_end - at);
            std::transform(headers.begin(), headers.end(), headers.begin(), [](unsigned char c) {
                return static_cast<char>(std::tolower(c));
            });
            std::string content = body.substr(header_end + 4, next - header_end - 4);
            if (headers.find("content-type: application/json") != std::string::npos) {
                try {
                    fields = json::parse(content);
                } catch (const std::exception&) {
                    failure =
                        error_response({400, "JSON_PARSER_ERROR", "Unexpected character in the JSON part", {}}
                        );
                    return std::nullopt;
                }
            } else {
                auto name = headers.find("name=\"");
                if (name != std::string::npos) {
                    // Keep the field's spelling from the original headers (they were lower-cased above).
                    const std::string original = body.substr(at, header_end - at);
                    const auto n = name + 6;
                    const auto e = original.find('"', n);
                    if (e != std::string::npos && !iequals(original.substr(n, e - n), "VersionData")) {
                        blob_field = original.substr(n, e - n);
                    }
                }
                blob = std::move(content);
            }
            at = next + 2;
        }
        if (!fields || !fields->is_object()) {
            return bad("Multipart message must include a non-binary part");
        }
        if (!blob) {
            return bad("Multipart message must include a binary part");
        }
        std::string b64(4 * ((blob->size() + 2) / 3) + 1, '\0');
        const int n = EVP_EncodeBlock(
            reinterpret_cast<unsigned char*>(b64.data()),
            reinterpret_cast<const unsigned char*>(blob->data()),
            static_cast<int>(blob->size())
        );
        b64.resize(static_cast<std::size_t>(n));
        fields->as_object()[blob_field] = b64;
        return fields;
    }

    std::size_t batch_size(const net::http_request& req) const {
        std::size_t batch = 2000;
        if (auto opts = req.header("Sforce-Query-Options")) {
            auto pos = opts->find("batchSize=");
            if (pos != std::string_view::npos) {
                batch = static_cast<std::size_t>(std::atol(std::string(opts->substr(pos + 10)).c_str()));
                batch = std::clamp<std::size_t>(batch, 200, 2000);
            }
        }
        return batch;
    }

    net::http_response route(
        const net::http_request& req,
        const std::vector<std::string>& p,
        std::map<std::string, std::string>& query
    ) {
        const std::string& m = req.method;
        if (p.empty()) {
            json::object o;
            for (const char* r : {"sobjects", "query", "queryAll", "limits", "composite"}) {
                o[r] = "/services/data/v" + version + "/" + r;
            }
            return json_response(200, o);
        }
        if (p[0] == "limits" && p.size() == 1 && m == "GET") {
            json::object o;
            auto limit = [&](const char* name, std::size_t max, std::size_t remaining) {
                json::object l;
                l["Max"] = max;
                l["Remaining"] = remaining;
                o[name] = std::move(l);
            };
            limit("DailyApiRequests", api_max, api_max - std::min(api_used, api_max));
            limit("DailyBulkV2QueryJobs", 10000, 10000);
            limit("DailyBulkV2QueryFileStorageMB", 976562, 976562);
            limit("DailyDurableStreamingApiEvents", 10000, 10000);
            limit("DailyStreamingApiEvents", 10000, 10000);
            limit("DurableStreamingApiConcurrentClients", 20, 20);
            limit("StreamingApiConcurrentClients", 20, 20);
            limit("DataStorageMB", 5, 5);
            limit("FileStorageMB", 20, 20);
            return json_response(200, o);
        }
        if ((p[0] == "query" || p[0] == "queryAll") && m == "GET") {
            if (p.size() == 2) {
                return next_page(p[1]);
            }
            if (query.find("q") == query.end()) {
                return error_response({400, "MALFORMED_QUERY", "A query string has to be specified", {}});
            }
            return run_query(query["q"], p[0] == "queryAll", batch_size(req));
        }
        if (p[0] == "sobjects") {
            return route_sobjects(req, p, query);
        }
        if (p[0] == "jobs" && p.size() >= 2 && p[1] == "query") {
            return route_bulk_query(req, p, query);
        }
        if (p[0] == "composite" && p.size() >= 2 && p[1] == "sobjects") {
            return route_collections(req, p, query);
        }
        return error_response(not_found());
    }

    net::http_response route_sobjects(
        const net::http_request& req,
        const std::vector<std::string>& p,
        std::map<std::string, std::string>& query
    ) {
        const std::string& m = req.method;
        if (p.size() == 1) {
            if (m != "GET") {
                return method_not_allowed(m);
            }
            json::object o;
            o["encoding"] = "UTF-8";
            o["maxBatchSize"] = 200;
            json::array list;
            for (const auto& [name, def] : objects.objects()) {
                json::object s = object_flags(def);
                json::object u = urls(def);
                u.erase("uiDetailTemplate");
                u.erase("uiEditTemplate");
                u.erase("uiNewRecord");
                s["urls"] = std::move(u);
                list.push_back(std::move(s));
            }
            o["sobjects"] = std::move(list);
            return json_response(200, o);
        }
        const object_def* def = objects.find(p[1]);
        if (def == nullptr) {
            return error_response(not_found());
        }
        if (p.size() == 2) {
            if (m == "GET") {
                json::object o;
                o["objectDescribe"] = object_flags(*def);
                o["objectDescribe"].as_object()["urls"] = urls(*def);
                json::array recent;
                o["recentItems"] = std::move(recent);
                return json_response(200, o);
            }
            if (m == "POST") {
                net::http_response failure;
                auto content_type = std::string(req.header("Content-Type").value_or(""));
                auto body = content_type.rfind("multipart/form-data", 0) == 0
                                ? parse_multipart(req, content_type, failure)
                                : parse_body(req, failure);
                if (!body) {
                    return failure;
                }
                if (!body->is_object()) {
                    return error_response(
                        {400,
                         "JSON_PARSER_ERROR",
                         "Cannot deserialize instance of " + def->name + " from a non-object value",
                         {}}
                    );
                }
                if (body->as_object().contains("Id") || body->as_object().contains("id")) {
                    return error_response(
                        {400,
                         "INVALID_FIELD_FOR_INSERT_UPDATE",
                         "Unable to create/update fields: Id. Please check the security settings of this "
                         "field and verify that it is read/write for your profile or permission set.",
                         {"Id"}}
                    );
                }
                auto created = create_record(*def, body->as_object(), true);
                if (auto* err = std::get_if<api_error>(&created)) {
                    return error_response(*err);
                }
                json::object o;
                o["id"] = std::get<std::string>(created);
                o["success"] = true;
                o["errors"] = json::array();
                return json_response(201, o);
            }
            return method_not_allowed(m);
        }
        if (p.size() == 3 && p[2] == "describe") {
            if (m != "GET") {
                return method_not_allowed(m);
            }
            return json_response(200, describe(*def));
        }
        if (p.size() == 3) {
            auto id = normalize_id(p[2]);
            const json::object* rec = nullptr;
            if (id && type_of_id(*id) == def->name) {
                auto rows = records.find(def->name);
                if (rows != records.end()) {
                    auto it = rows->second.find(*id);
                    if (it != rows->second.end() && !it->second.at("IsDeleted").as_bool()) {
                        rec = &it->second;
                    }
                }
            }
            if (rec == nullptr) {
                if (m == "DELETE") {
                    return error_response(not_found());
                }
                return error_response(
                    {404,
                     "NOT_FOUND",
                     "Provided external ID field does not exist or is not accessible: " + p[2],
                     {}}
                );
            }
            if (m == "GET") {
                std::vector<std::string> only;
                if (query.count("fields") != 0) {
                    std::stringstream ss(query["fields"]);
                    std::string f;
                    while (std::getline(ss, f, ',')) {
                        if (def->find_field(f) == nullptr) {
                            return error_response(
                                {400,
                                 "INVALID_FIELD",
                                 "No such column '" + f + "' on sobject of type " + def->name,
                                 {}}
                            );
                        }
                        only.push_back(f);
                    }
                }
                return json_response(200, full_record(*def, *rec, only.empty() ? nullptr : &only));
            }
            if (m == "PATCH") {
                net::http_response failure;
                auto body = parse_body(req, failure);
                if (!body) {
                    return failure;
                }
                if (!body->is_object()) {
                    return error_response(
                        {400, "JSON_PARSER_ERROR", "Cannot deserialize a non-object value", {}}
                    );
                }
                if (auto err = update_record(*def, *id, body->as_object())) {
                    return error_response(*err);
                }
                net::http_response res;
                res.status = 204;
                return res;
            }
            if (m == "DELETE") {
                if (auto err = delete_record(*id)) {
                    return error_response(*err);
                }
                net::http_response res;
                res.status = 204;
                return res;
            }
            return method_not_allowed(m);
        }
        if (p.size() == 4) {
            // GET /sobjects/T/<Id>/<blob field>: the raw bytes of a base64 field (the URL records carry).
            const field_def* blob = def->find_field(p[3]);
            auto blob_id = normalize_id(p[2]);
            if (m == "GET" && blob != nullptr && blob->type == "base64" && blob_id) {
                const json::object* rec = find_record(*blob_id);
                if (rec == nullptr || type_of_id(*blob_id) != def->name || !rec->at(blob->name).is_string()) {
                    return error_response(not_found());
                }
                net::http_response res;
                res.status = 200;
                res.set("Content-Type", "application/octetstream");
                res.body = base64url_decode(std::string(rec->at(blob->name).as_string()));
                return res;
            }
            return upsert(req, *def, p[2], p[3], query);
        }
        return error_response(not_found());
    }

    net::http_response method_not_allowed(const std::string& m) const {
        return error_response(
            {405,
             "METHOD_NOT_ALLOWED",
             "HTTP Method '" + m + "' not allowed. Allowed are GET,HEAD,POST,PATCH,DELETE",
             {}}
        );
    }

    struct save_result {
        std::optional<std::string> id;
        bool success = false;
        std::optional<bool> created;
        std::vector<api_error> errors;
        unsigned status = 200;
        json::array multiple;  // 300: URLs of the matching records
    };

    save_result upsert_one(
        const object_def& def,
        const std::string& field_name,
        const std::string& value,
        json::object body,
        bool update_only
    ) {
        save_result r;
        const field_def* f = def.find_field(field_name);
        if (f == nullptr || (!f->external_id && f->name != "Id")) {
            r.status = 404;
            r.errors.push_back(
                {404,
                 "NOT_FOUND",
                 "Provided external ID field does not exist or is not accessible: " + field_name,
                 {}}
            );
            return r;
        }
        std::vector<std::string> matches;
        if (f->name == "Id") {
            if (!value.empty()) {
                auto id = normalize_id(value);
                if (id && find_record(*id) != nullptr && type_of_id(*id) == def.name) {
                    matches.push_back(*id);
                }
            }
        } else {
            matches = find_by_field(def, *f, value);
            // The key may also appear in the body (collections upsert): it must agree with the path.
            body.erase(f->name);
            for (auto it = body.begin(); it != body.end();) {
                if (iequals(it->key(), f->name)) {
                    it = body.erase(it);
                } else {
                    ++it;
                }
            }
        }
        if (matches.size() > 1) {
            r.status = 300;
            for (const auto& id : matches) {
                r.multiple.emplace_back(sobject_url(def.name, id));
            }
            r.errors.push_back(
                {300,
                 "DUPLICATE_EXTERNAL_ID",
                 "Multiple records found with " + f->name + " = " + value,
                 {f->name}}
            );
            return r;
        }
        body.erase("attributes");
        if (matches.size() == 1) {
            if (auto err = update_record(def, matches.front(), body)) {
                r.status = err->status;
                r.errors.push_back(*err);
                return r;
            }
            r.id = matches.front();
            r.success = true;
            r.created = false;
            r.status = 200;
            return r;
        }
        if (update_only) {
            r.status = 404;
            r.errors.push_back({404, "NOT_FOUND", "The requested resource does not exist", {}});
            return r;
        }
        if (f->name != "Id") {
            body[f->name] = value;
        }
        auto created = create_record(def, body, true);
        if (auto* err = std::get_if<api_error>(&created)) {
            r.status = err->status;
            r.errors.push_back(*err);
            return r;
        }
        r.id = std::get<std::string>(created);
        r.success = true;
        r.created = true;
        r.status = 201;
        return r;
    }

    net::http_response upsert(
        const net::http_request& req,
        const object_def& def,
        const std::string& field,
        const std::string& value,
        std::map<std::string, std::string>& query
    ) {
        const field_def* f = def.find_field(field);
        if (f == nullptr || (!f->external_id && f->name != "Id")) {
            return error_response(
                {404,
                 "NOT_FOUND",
                 "Provided external ID field does not exist or is not accessible: " + field,
                 {}}
            );
        }
        if (req.method == "GET") {
            auto matches = find_by_field(def, *f, value);
            if (matches.empty()) {
                return error_response(not_found());
            }
            if (matches.size() > 1) {
                json::array urls_out;
                for (const auto& id : matches) {
                    urls_out.emplace_back(sobject_url(def.name, id));
                }
                return json_response(300, urls_out);
            }
            return json_response(200, full_record(def, records[def.name][matches.front()], nullptr));
        }
        if (req.method != "PATCH" && !(req.method == "POST" && f->name == "Id")) {
            return method_not_allowed(req.method);
        }
        net::http_response failure;
        auto body = parse_body(req, failure);
        if (!body) {
            return failure;
        }
        if (!body->is_object()) {
            return error_response({400, "JSON_PARSER_ERROR", "Cannot deserialize a non-object value", {}});
        }
        for (const auto& [k, v] : body->as_object()) {
            if (iequals(k, f->name)) {
                return error_response(
                    {400,
                     "INVALID_FIELD",
                     f->name + " is specified in the URL and the request body",
                     {f->name}}
                );
            }
        }
        auto r = upsert_one(def, f->name, value, body->as_object(), query["updateOnly"] == "true");
        if (r.status == 300) {
            return json_response(300, r.multiple);
        }
        if (!r.success) {
            return error_response(r.errors.front());
        }
        json::object o;
        o["id"] = *r.id;
        o["success"] = true;
        o["errors"] = json::array();
        o["created"] = *r.created;
        return json_response(r.status, o);
    }

    static json::object save_result_json(const save_result& r) {
        json::object o;
        if (r.id) {
            o["id"] = *r.id;
        }
        o["success"] = r.success;
        json::array errs;
        for (const auto& e : r.errors) {
            errs.push_back(error_object(e, "statusCode"));
        }
        o["errors"] = std::move(errs);
        if (r.created) {
            o["created"] = *r.created;
        }
        return o;
    }

    net::http_response route_collections(
        const net::http_request& req,
        const std::vector<std::string>& p,
        std::map<std::string, std::string>& query
    ) {
        const std::string& m = req.method;
        if (p.size() == 2 && m == "DELETE") {
            std::vector<std::string> ids;
            std::stringstream ss(query["ids"]);
            std::string id;
            while (std::getline(ss, id, ',')) {
                ids.push_back(id);
            }
            if (ids.empty() || ids.size() > 200) {
                return error_response({400, "INVALID_FIELD", "ids must name between 1 and 200 records", {}});
            }
            const bool all_or_none = query["allOrNone"] == "true";
            const auto mark = begin_undo();
            std::vector<save_result> results;
            bool failed = false;
            for (const auto& raw : ids) {
                save_result r;
                auto nid = normalize_id(raw);
                if (auto err = delete_record(raw)) {
                    r.errors.push_back(
                        {400,
                         err->code == "NOT_FOUND" ? "ENTITY_IS_DELETED" : err->code,
                         err->code == "NOT_FOUND" ? "entity is deleted" : err->message,
                         {}}
                    );
                    failed = true;
                    if (nid) {
                        r.id = *nid;
                    }
                } else {
                    r.id = *nid;
                    r.success = true;
                }
                results.push_back(std::move(r));
            }
            return finish_collection(results, all_or_none && failed, mark);
        }
        net::http_response failure;
        auto body = parse_body(req, failure);
        if (!body) {
            return failure;
        }
        if (!body->is_object() || !body->as_object().contains("records") || !body->at("records").is_array()) {
            return error_response(
                {400, "JSON_PARSER_ERROR", "Request body must be an object with a records array", {}}
            );
        }
        const auto& rows = body->at("records").as_array();
        if (rows.size() > 200) {
            return error_response(
                {400,
                 "EXCEEDED_ID_LIMIT",
                 "record limit reached. cannot submit more than 200 records into this call",
                 {}}
            );
        }
        const bool all_or_none = body->as_object().contains("allOrNone") && body->at("allOrNone").is_bool() &&
                                 body->at("allOrNone").as_bool();
        const auto mark = begin_undo();
        std::vector<save_result> results;
        bool failed = false;
        for (const auto& row : rows) {
            save_result r;
            if (!row.is_object()) {
                end_undo(true, mark);  // the request fails as a whole
                return error_response({400, "JSON_PARSER_ERROR", "each record must be an object", {}});
            }
            json::object rec = row.as_object();
            std::string type;
            if (rec.contains("attributes") && rec["attributes"].is_object() &&
                rec["attributes"].as_object().contains("type")) {
                type = std::string(rec["attributes"].at("type").as_string());
            }
            rec.erase("attributes");
            const object_def* def = nullptr;
            if (p.size() == 4) {
                def = objects.find(p[2]);
            } else if (!type.empty()) {
                def = objects.find(type);
            }
            if (def == nullptr) {
                if (p.size() == 2 && m == "PATCH" && type.empty()) {
                    // update: the type follows from the Id
                    for (const auto& [k, v] : rec) {
                        if (iequals(k, "Id") && v.is_string()) {
                            if (auto nid = normalize_id(v.as_string())) {
                                def = objects.find(type_of_id(*nid));
                            }
                        }
                    }
                }
            }
            if (def == nullptr) {
                r.errors.push_back(
                    {400, "INVALID_TYPE", "Must specify a type in the attributes field of each record", {}}
                );
            } else if (p.size() == 4 && m == "PATCH") {
                const std::string field = p[3];
                std::string value;
                for (const auto& [k, v] : rec) {
                    if (iequals(k, field)) {
                        value = v.is_string() ? std::string(v.as_string()) : json::serialize(v);
                    }
                }
                if (value.empty()) {
                    r.errors.push_back(
                        {400,
                         "REQUIRED_FIELD_MISSING",
                         "Required fields are missing: [" + field + "]",
                         {field}}
                    );
                } else {
                    r = upsert_one(*def, field, value, rec, false);
                    if (r.status == 300) {
                        r.errors = {
                            {300,
                             "DUPLICATE_EXTERNAL_ID",
                             "Multiple records found with " + field + " = " + value,
                             {field}}};
                    }
                }
            } else if (p.size() == 2 && m == "POST") {
                bool has_id = false;
                for (const auto& [k, v] : rec) {
                    has_id = has_id || iequals(k, "Id");
                }
                if (has_id) {
                    r.errors.push_back({400, "INVALID_FIELD", "Can't specify an Id for an insert", {"Id"}});
                } else {
                    auto created = create_record(*def, rec, true);
                    if (auto* err = std::get_if<api_error>(&created)) {
                        r.errors.push_back(*err);
                    } else {
                        r.id = std::get<std::string>(created);
                        r.success = true;
                        r.created = true;
                    }
                }
            } else if (p.size() == 2 && m == "PATCH") {
                std::optional<std::string> id;
                json::object fields;
                for (const auto& [k, v] : rec) {
                    if (iequals(k, "Id")) {
                        if (v.is_string()) {
                            id = normalize_id(v.as_string());
                        }
                    } else {
                        fields[k] = v;
                    }
                }
                if (!id || type_of_id(*id) != def->name || find_record(*id) == nullptr) {
                    r.errors.push_back(
                        {400,
                         id ? "ENTITY_IS_DELETED" : "MISSING_ARGUMENT",
                         id ? "entity is deleted" : "Id not specified in an update call",
                         {}}
                    );
                } else if (auto err = update_record(*def, *id, fields)) {
                    r.id = *id;
                    r.errors.push_back(*err);
                } else {
                    r.id = *id;
                    r.success = true;
                }
            } else {
                end_undo(true, mark);
                return method_not_allowed(m);
            }
            failed = failed || !r.success;
            results.push_back(std::move(r));
        }
        return finish_collection(results, all_or_none && failed, mark);
    }

    net::http_response finish_collection(
        std::vector<save_result>& results, bool roll_back, const transaction_mark& mark
    ) {
        end_undo(roll_back, mark);
        if (roll_back) {
            for (auto& r : results) {
                if (r.success || r.errors.empty()) {
                    r = save_result{};
                    r.errors.push_back(
                        {400,
                         "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                         "Record rolled back because not all records were valid and the request was using "
                         "AllOrNone header",
                         {}}
                    );
                } else {
                    r.id.reset();
                    r.created.reset();
                }
            }
        }
        json::array out;
        for (const auto& r : results) {
            out.push_back(save_result_json(r));
        }
        return json_response(200, out);
    }
};

emulator::emulator(emulator_options options) : state_(std::make_unique<state>()) {
    state_->options = std::move(options);
    state_->pinned_time = state_->options.pinned_time;
    state_->load_org(state_->options.org_file);
    if (state_->options.persist_file && std::filesystem::exists(*state_->options.persist_file)) {
        state_->load_from(*state_->options.persist_file);
    }
}

emulator::~emulator() = default;

net::http_response emulator::handle(const net::http_request& request) {
    try {
        return state_->handle(request);
    } catch (const std::exception& e) {
        // A bug in the emulator, not a client error: answer as Salesforce does for internal failures.
        return state_->error_response(
            {500, "UNKNOWN_EXCEPTION", std::string("An unexpected error occurred: ") + e.what(), {}}
        );
    }
}

namespace {

boost::asio::awaitable<net::http_response> serve(emulator* org, net::http_request request) {
    const auto delay = org->injected_latency();
    if (delay.count() > 0) {
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
    if (request.target.rfind("/cometd/", 0) == 0) {
        // Hold a /meta/connect until an event arrives or the advice timeout passes.
        const auto deadline = std::chrono::steady_clock::now() + org->cometd_hold();
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
        while (std::chrono::steady_clock::now() < deadline) {
            if (auto answer = org->handle_or_hold(request)) {
                co_return *answer;
            }
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(boost::asio::use_awaitable);
        }
    }
    co_return org->handle(request);
}

}  // namespace

net::http_handler emulator::handler() {
    // Not a coroutine itself: the coroutine frame must not point into this closure (STYLE A10).
    return [this](net::http_request request) { return serve(this, std::move(request)); };
}

void emulator::set_instance_url(std::string url) { state_->options.instance_url = std::move(url); }

time_point emulator::now() const { return state_->now(); }

void emulator::set_time_for_test(time_point t) { state_->pinned_time = t; }

void emulator::advance_time_for_test(std::chrono::milliseconds d) { state_->pinned_time = state_->now() + d; }

std::size_t emulator::api_calls() const { return state_->api_used; }

std::optional<net::http_response> emulator::handle_or_hold(const net::http_request& request) {
    return state_->cometd(request, true);
}

std::chrono::milliseconds emulator::cometd_hold() const { return state_->cometd_hold; }

void emulator::save() const {
    if (!state_->options.persist_file) {
        throw std::runtime_error("no persist file configured");
    }
    state_->save_to(*state_->options.persist_file);
}

std::chrono::milliseconds emulator::injected_latency() const {
    return std::chrono::milliseconds(state_->faults.latency_ms);
}

}  // namespace fakturad::sf_emulator
