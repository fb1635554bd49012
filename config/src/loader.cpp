#include "fakturad/config/loader.hpp"

#include "fakturad/core/cron.hpp"
#include "fakturad/core/units.hpp"
#include "fakturad/core/vat_id.hpp"
#include "schema.hpp"
#include "text.hpp"

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>
#include <date/tz.h>
#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <system_error>

namespace fakturad::config {
namespace {

namespace fs = std::filesystem;
using detail::key_spec;
using detail::presence;
using detail::value;
using detail::value_type;

struct location {
    int line = 0;
    int column = 0;
};

location at(const YAML::Mark& mark) {
    // yaml-cpp marks are 0-based; a node built without a source position has a null mark.
    if (mark.is_null() || mark.line < 0) {
        return {1, 1};
    }
    return {mark.line + 1, mark.column + 1};
}

std::string join_path(std::string_view prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
}

std::string describe(const YAML::Node& node) {
    if (node.IsMap()) {
        return "a mapping";
    }
    if (node.IsSequence()) {
        return "a list";
    }
    if (node.IsScalar()) {
        return "'" + node.Scalar() + "'";
    }
    return "nothing";
}

// Reads a whole file; on failure returns nullopt and sets `error` to the system's reason.
std::optional<std::string> read_file(const fs::path& path, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = std::generic_category().message(errno);
        return std::nullopt;
    }
    std::string content;
    std::array<char, 8192> buffer{};
    for (;;) {
        const ::ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n > 0) {
            content.append(buffer.data(), static_cast<std::size_t>(n));
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            error = std::generic_category().message(errno);
            ::close(fd);
            return std::nullopt;
        }
    }
    ::close(fd);
    return content;
}

bool is_loopback_host(std::string_view host) {
    if (detail::iequals(host, "localhost")) {
        return true;
    }
    if (auto v4 = boost::urls::parse_ipv4_address(host)) {
        return v4->is_loopback();
    }
    if (auto v6 = boost::urls::parse_ipv6_address(host)) {
        return v6->is_loopback();
    }
    return false;
}

std::string join_choices(std::span<const std::string_view> choices, std::string_view last_separator) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i > 0) {
            out += i + 1 == choices.size() ? last_separator : ", ";
        }
        out += choices[i];
    }
    return out;
}

std::string secret_variants(std::string_view base) {
    const std::string b(base);
    return b + "_file, " + b + "_env or " + b + "_credential";
}

constexpr std::string_view file_suffix = "_file";
constexpr std::string_view env_suffix = "_env";
constexpr std::string_view credential_suffix = "_credential";

class loader {
public:
    loader(std::string file_name, fs::path base_dir, const environment& env)
        : file_(std::move(file_name)), base_dir_(std::move(base_dir)), env_(env) {}

    load_result run(std::string_view text, fs::path source_file) {
        YAML::Node root;
        try {
            root = YAML::Load(std::string(text));
        } catch (const YAML::ParserException& e) {
            error_in(file_, at(e.mark), "", "YAML syntax error: " + e.msg);
            return finish(std::move(source_file));
        }
        if (root.IsNull()) {
            // An empty file is a valid config: every default applies.
            sections_[""] = {1, 1};
        } else if (!root.IsMap()) {
            error(at(root.Mark()), "", "expected a mapping of keys at the top level, got " + describe(root));
            return finish(std::move(source_file));
        } else {
            sections_[""] = at(root.Mark());
            walk(root, "");
        }
        evaluate();
        return finish(std::move(source_file));
    }

private:
    struct given_key {
        YAML::Node key;
        YAML::Node value;
    };
    struct given_secret {
        secret_source::kind from;
        std::string key_name;  // e.g. "private_key_file"
        YAML::Node key;
        YAML::Node value;
    };

    void error_in(std::string file, location where, std::string path, std::string message) {
        errors_.push_back({std::move(file), where.line, where.column, std::move(path), std::move(message)});
    }
    void error(location where, std::string path, std::string message) {
        error_in(file_, where, std::move(path), std::move(message));
    }

    load_result finish(fs::path source_file) {
        // Reading order: config-file problems by position, then those found in mapping files.
        std::stable_sort(errors_.begin(), errors_.end(), [this](const diagnostic& a, const diagnostic& b) {
            const bool a_other = a.file != file_;
            const bool b_other = b.file != file_;
            if (a_other != b_other) {
                return b_other;
            }
            if (a_other) {
                return false;
            }
            return std::pair(a.line, a.column) < std::pair(b.line, b.column);
        });
        load_result result;
        if (errors_.empty()) {
            settings s;
            s.source_file = std::move(source_file);
            for (const auto& [spec, v] : values_) {
                spec->apply(s, v);
            }
            result.config = std::move(s);
        }
        result.errors = std::move(errors_);
        return result;
    }

    // Children of `prefix` as they may be written, for hints and "allowed keys".
    static std::vector<std::string> allowed_keys(std::string_view prefix) {
        std::vector<std::string> names;
        for (const auto& spec : detail::schema()) {
            if (detail::parent_of(spec.path) != prefix) {
                continue;
            }
            const std::string leaf(detail::leaf_of(spec.path));
            if (spec.type == value_type::secret) {
                names.push_back(leaf + std::string(file_suffix));
                names.push_back(leaf + std::string(env_suffix));
                names.push_back(leaf + std::string(credential_suffix));
            } else {
                names.push_back(leaf);
            }
        }
        return names;
    }

    // The secret row that `path` names through one of the source suffixes, if any.
    static const key_spec* secret_for(const std::string& path, secret_source::kind& from, std::string& base) {
        const std::pair<std::string_view, secret_source::kind> suffixes[] = {
            {file_suffix, secret_source::kind::file},
            {env_suffix, secret_source::kind::env},
            {credential_suffix, secret_source::kind::credential},
        };
        for (const auto& [suffix, kind] : suffixes) {
            if (path.size() > suffix.size() && path.ends_with(suffix)) {
                base = path.substr(0, path.size() - suffix.size());
                const key_spec* spec = detail::find_key(base);
                if (spec != nullptr && spec->type == value_type::secret) {
                    from = kind;
                    return spec;
                }
            }
        }
        return nullptr;
    }

    void walk(const YAML::Node& mapping, const std::string& prefix) {
        std::map<std::string, int> seen;  // key -> line of its first occurrence
        for (auto it = mapping.begin(); it != mapping.end(); ++it) {
            // Copies, not references: the iterator hands out a temporary proxy (a reference would dangle).
            const YAML::Node key = it->first;
            const YAML::Node val = it->second;
            const location key_at = at(key.Mark());
            if (!key.IsScalar()) {
                error(key_at, prefix, "expected a key name, got " + describe(key));
                continue;
            }
            const std::string& name = key.Scalar();
            const std::string path = join_path(prefix, name);
            if (auto [first, inserted] = seen.emplace(name, key_at.line); !inserted) {
                error(key_at, path, "duplicate key (first at line " + std::to_string(first->second) + ")");
                continue;
            }
            if (const key_spec* spec = detail::find_key(path)) {
                if (spec->type == value_type::section) {
                    walk_section(*spec, key, val, path);
                } else if (spec->type == value_type::secret) {
                    error(key_at, path, "secrets are never written inline; use " + secret_variants(name));
                    inline_secrets_.insert(path);
                } else {
                    given_[path] = {key, val};
                }
                continue;
            }
            secret_source::kind from{};
            std::string base;
            if (secret_for(path, from, base) != nullptr) {
                if (auto other = secrets_.find(base); other != secrets_.end()) {
                    error(
                        key_at,
                        path,
                        "give only one of " + secret_variants(detail::leaf_of(base)) + " (" +
                            other->second.key_name + " is at line " +
                            std::to_string(at(other->second.key.Mark()).line) + ")"
                    );
                } else {
                    secrets_[base] = {from, name, key, val};
                }
                continue;
            }
            unknown_key(key_at, prefix, path, name);
        }
    }

    void walk_section(
        const key_spec& spec, const YAML::Node& key, const YAML::Node& val, const std::string& path
    ) {
        if (val.IsMap()) {
            sections_[path] = at(val.Mark());
            walk(val, path);
        } else if (val.IsNull()) {
            // "salesforce:" with every key commented out means the same as no section at all.
            if (spec.need != presence::optional) {
                sections_[path] = at(key.Mark());
            }
        } else {
            error(at(val.Mark()), path, "expected a mapping of keys, got " + describe(val));
            broken_.insert(path);
        }
    }

    void unknown_key(
        location where, const std::string& prefix, const std::string& path, const std::string& name
    ) {
        const auto allowed = allowed_keys(prefix);
        if (auto hint = detail::nearest(name, allowed)) {
            error(where, path, "unknown key; did you mean '" + *hint + "'?");
            return;
        }
        std::string list;
        for (const auto& a : allowed) {
            list += list.empty() ? "" : ", ";
            list += a;
        }
        error(
            where, path, "unknown key; allowed keys" + (prefix.empty() ? "" : " in " + prefix) + ": " + list
        );
    }

    location parent_mark(std::string_view path) const {
        const auto it = sections_.find(std::string(detail::parent_of(path)));
        return it != sections_.end() ? it->second : location{1, 1};
    }

    void evaluate() {
        std::set<std::string, std::less<>> active{""};
        for (const auto& spec : detail::schema()) {
            const std::string path(spec.path);
            if (!active.contains(detail::parent_of(spec.path))) {
                continue;
            }
            if (spec.type == value_type::section) {
                if (broken_.contains(path)) {
                    continue;
                }
                if (sections_.contains(path)) {
                    active.insert(path);
                    values_.emplace_back(&spec, std::monostate{});
                } else if (spec.need == presence::defaulted) {
                    active.insert(path);
                } else if (spec.need == presence::required) {
                    error(parent_mark(spec.path), path, "required key is missing");
                }
                continue;
            }
            evaluate_key(spec, path);
        }
    }

    void evaluate_key(const key_spec& spec, const std::string& path) {
        const auto plain = given_.find(path);
        const auto secret = secrets_.find(path);
        if (inline_secrets_.contains(path)) {
            return;  // reported where it was written; "missing" would only confuse
        }
        const bool is_given = plain != given_.end() || secret != secrets_.end();
        const bool is_secret = spec.type == value_type::secret;
        const std::string how = is_secret ? "; give " + secret_variants(detail::leaf_of(spec.path)) : "";

        if (spec.need == presence::required_if) {
            const auto condition = choices_.find(std::string(spec.when.key));
            if (condition == choices_.end()) {
                return;  // the condition key itself is missing or wrong, and reported as such
            }
            const bool needed = condition->second == spec.when.equals;
            const std::string rule = std::string(spec.when.key) + " is " + std::string(spec.when.equals);
            if (!needed && is_given) {
                const YAML::Node& key = is_secret ? secret->second.key : plain->second.key;
                const std::string written =
                    is_secret ? join_path(detail::parent_of(spec.path), secret->second.key_name) : path;
                error(at(key.Mark()), written, "only used when " + rule + "; remove it");
                return;
            }
            if (!needed) {
                return;
            }
            if (!is_given) {
                error(parent_mark(spec.path), path, "required when " + rule + how);
                return;
            }
        }

        std::optional<value> v;
        if (is_secret && is_given) {
            v = convert_secret(spec, secret->second);
        } else if (is_given) {
            v = convert_node(spec, plain->second, path);
        } else if (!spec.default_text.empty()) {
            v = convert_text(spec, spec.default_text, {}, path);
            if (!v) {
                throw std::logic_error("config schema: bad default for " + path);
            }
        } else if (spec.need == presence::required) {
            error(parent_mark(spec.path), path, "required key is missing" + how);
        }
        if (v) {
            if (const auto* text = std::get_if<std::string>(&*v); text && spec.type == value_type::choice) {
                choices_[path] = *text;
            }
            values_.emplace_back(&spec, std::move(*v));
        }
    }

    std::string expected(const key_spec& spec) const {
        switch (spec.type) {
            case value_type::string:
                return "a non-empty string";
            case value_type::vat_id:
                return "an EU VAT ID such as DE136695976";
            case value_type::name:
                return "a name of 1 to 64 letters, digits, '.', '_' or '-'";
            case value_type::integer:
                return "an integer from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
            case value_type::choice:
                return "one of " + join_choices(spec.choices, ", ");
            case value_type::duration:
                return "a duration with a unit (ms, s, m, h, d), e.g. 30s";
            case value_type::percent:
                return "a percentage from " +
                       format_percent_basis_points(static_cast<std::uint32_t>(spec.min)) + " to " +
                       format_percent_basis_points(static_cast<std::uint32_t>(spec.max));
            case value_type::path:
            case value_type::existing_path:
                return "a file path";
            case value_type::file_mode:
                return "an octal file mode from \"0000\" to \"0777\", e.g. \"0660\"";
            case value_type::listen_address:
                return "host:port on a loopback host, e.g. 127.0.0.1:8080";
            case value_type::url:
                return "an https URL such as https://example.my.salesforce.com";
            case value_type::service_url:
                return "an https URL such as https://ec.europa.eu/taxation_customs/vies/rest-api";
            case value_type::api_version:
                return "an API version from " + version_text(spec.min) + " to " + version_text(spec.max) +
                       " such as \"" + version_text(spec.max) + "\"";
            case value_type::time_zone:
                return "an IANA time zone name such as Europe/Berlin";
            case value_type::path_list:
                return "a list of file paths";
            case value_type::schedule:
                return "five cron fields (minute hour day-of-month month day-of-week), e.g. \"0 2 1 * *\"";
            case value_type::secret:
            case value_type::section:
                break;
        }
        return "a value";
    }

    static std::string version_text(std::int64_t tenths) {
        return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
    }

    std::optional<value> convert_node(const key_spec& spec, const given_key& given, const std::string& path) {
        const YAML::Node& node = given.value;
        const location where = node.IsNull() ? at(given.key.Mark()) : at(node.Mark());
        if (spec.type == value_type::path_list) {
            return convert_mappings(node, where, path);
        }
        if (node.IsNull() && spec.need == presence::optional) {
            return value{};  // "key:" with nothing after it leaves an optional key unset
        }
        if (!node.IsScalar()) {
            error(where, path, "expected " + expected(spec) + ", got " + describe(node));
            return std::nullopt;
        }
        return convert_text(spec, node.Scalar(), where, path);
    }

    std::optional<value> convert_text(
        const key_spec& spec, std::string_view text, location where, const std::string& path
    ) {
        auto fail = [&](std::string message) -> std::optional<value> {
            error(where, path, std::move(message));
            return std::nullopt;
        };
        const std::string got = ", got '" + std::string(text) + "'";
        switch (spec.type) {
            case value_type::string:
                if (text.empty()) {
                    return fail("expected " + expected(spec) + got);
                }
                return value(std::string(text));
            case value_type::vat_id: {
                const auto checked = check_vat_id(text);
                if (!checked.valid()) {
                    return fail("expected " + expected(spec) + got + " (" + checked.detail + ")");
                }
                return value(checked.id.full());
            }
            case value_type::name:
                if (text.empty() || text.size() > 64 || !std::all_of(text.begin(), text.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' ||
                               c == '-';
                    })) {
                    return fail("expected " + expected(spec) + got);
                }
                return value(std::string(text));
            case value_type::integer: {
                std::int64_t n = 0;
                const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
                if (ec != std::errc{} || end != text.data() + text.size() || n < spec.min || n > spec.max) {
                    return fail("expected " + expected(spec) + got);
                }
                return value(n);
            }
            case value_type::choice: {
                if (std::find(spec.choices.begin(), spec.choices.end(), text) != spec.choices.end()) {
                    return value(std::string(text));
                }
                if (std::find(spec.unavailable.begin(), spec.unavailable.end(), text) !=
                    spec.unavailable.end()) {
                    return fail(
                        "'" + std::string(text) + "' is not available in this version; use " +
                        join_choices(spec.choices, " or ")
                    );
                }
                const std::vector<std::string> names(spec.choices.begin(), spec.choices.end());
                const auto hint = detail::nearest(text, names);
                return fail(
                    "expected " + expected(spec) + got + (hint ? "; did you mean '" + *hint + "'?" : "")
                );
            }
            case value_type::duration: {
                auto parsed = parse_duration(text);
                if (auto* message = std::get_if<std::string>(&parsed)) {
                    return fail(std::move(*message));
                }
                return value(std::get<std::chrono::milliseconds>(parsed));
            }
            case value_type::percent: {
                auto parsed = parse_percent_basis_points(text);
                if (auto* message = std::get_if<std::string>(&parsed)) {
                    return fail(std::move(*message));
                }
                const auto bp = std::get<std::uint32_t>(parsed);
                if (bp < spec.min || bp > spec.max) {
                    return fail("expected " + expected(spec) + got);
                }
                return value(bp);
            }
            case value_type::path:
            case value_type::existing_path: {
                if (text.empty()) {
                    return fail("expected " + expected(spec) + got);
                }
                const fs::path resolved = resolve(text);
                if (spec.type == value_type::existing_path) {
                    std::error_code ec;
                    if (!fs::exists(resolved, ec)) {
                        return fail("file not found: " + std::string(text));
                    }
                }
                return value(resolved);
            }
            case value_type::file_mode: {
                unsigned mode = 0;
                const bool shape =
                    (text.size() == 3 || text.size() == 4) &&
                    std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '7'; });
                if (shape) {
                    for (char c : text) {
                        mode = mode * 8U + static_cast<unsigned>(c - '0');
                    }
                }
                if (!shape || mode > 0777U) {
                    return fail("expected " + expected(spec) + got);
                }
                return value(static_cast<std::int64_t>(mode));
            }
            case value_type::listen_address:
                return convert_listen(spec, text, where, path);
            case value_type::url:
            case value_type::service_url:
                return convert_url(spec, text, where, path);
            case value_type::api_version: {
                const bool shape = text.size() == 4 &&
                                   std::isdigit(static_cast<unsigned char>(text[0])) != 0 &&
                                   std::isdigit(static_cast<unsigned char>(text[1])) != 0 && text[2] == '.' &&
                                   std::isdigit(static_cast<unsigned char>(text[3])) != 0;
                const std::int64_t tenths =
                    shape ? (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[3] - '0') : 0;
                if (!shape || tenths < spec.min || tenths > spec.max) {
                    return fail("expected " + expected(spec) + got);
                }
                return value(std::string(text));
            }
            case value_type::time_zone:
                return convert_time_zone(text, where, path);
            case value_type::schedule: {
                auto parsed = cron_schedule::parse(text);
                if (const auto* problem = std::get_if<std::string>(&parsed)) {
                    return fail("invalid schedule '" + std::string(text) + "': " + *problem);
                }
                return value(std::string(text));
            }
            case value_type::section:
            case value_type::secret:
            case value_type::path_list:
                break;
        }
        throw std::logic_error("config schema: no text conversion for " + path);
    }

    fs::path resolve(std::string_view written) const {
        const fs::path p(written);
        return (p.is_absolute() ? p : base_dir_ / p).lexically_normal();
    }

    std::optional<value> convert_listen(
        const key_spec& spec, std::string_view text, location where, const std::string& path
    ) {
        const std::string got = ", got '" + std::string(text) + "'";
        std::string_view host;
        std::string_view port_text;
        if (text.starts_with('[')) {
            const auto close = text.find(']');
            if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
                error(where, path, "expected " + expected(spec) + got);
                return std::nullopt;
            }
            host = text.substr(1, close - 1);
            port_text = text.substr(close + 2);
        } else {
            const auto colon = text.rfind(':');
            if (colon == std::string_view::npos) {
                error(where, path, "expected " + expected(spec) + got);
                return std::nullopt;
            }
            host = text.substr(0, colon);
            port_text = text.substr(colon + 1);
            if (host.find(':') != std::string_view::npos) {
                error(where, path, "write an IPv6 address in brackets and quotes, e.g. \"[::1]:8080\"" + got);
                return std::nullopt;
            }
        }
        std::uint32_t port = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (host.empty() || port_text.empty() || ec != std::errc{} ||
            end != port_text.data() + port_text.size() || port > 65535) {
            error(where, path, "expected host:port with a port from 0 to 65535" + got);
            return std::nullopt;
        }
        if (!is_loopback_host(host)) {
            error(
                where,
                path,
                "host '" + std::string(host) +
                    "' is not a loopback address; the control API listens only on 127.x.x.x, [::1] or "
                    "localhost "
                    "(put a reverse proxy in front of it for remote access)"
            );
            return std::nullopt;
        }
        return value(endpoint{std::string(host), static_cast<std::uint16_t>(port)});
    }

    std::optional<value> convert_url(
        const key_spec& spec, std::string_view text, location where, const std::string& path
    ) {
        auto parsed = boost::urls::parse_absolute_uri(text);
        if (parsed && parsed->has_userinfo()) {
            // The text may hold a password: do not repeat it.
            error(where, path, "a URL must not contain a user name or password; put credentials under auth");
            return std::nullopt;
        }
        const std::string got = ", got '" + std::string(text) + "'";
        if (!parsed) {
            error(where, path, "expected " + expected(spec) + got);
            return std::nullopt;
        }
        const auto scheme = parsed->scheme_id();
        const std::string host = parsed->host_address();
        const auto url_path = parsed->encoded_path();
        if ((scheme != boost::urls::scheme::https && scheme != boost::urls::scheme::http) || host.empty()) {
            error(where, path, "expected " + expected(spec) + got);
            return std::nullopt;
        }
        const bool path_allowed = spec.type == value_type::service_url;
        if (parsed->has_query() || parsed->has_fragment() ||
            (!path_allowed && !url_path.empty() && url_path != "/")) {
            error(where, path, "expected a URL with only scheme, host and port" + got);
            return std::nullopt;
        }
        if (scheme == boost::urls::scheme::http && !is_loopback_host(host)) {
            error(
                where, path, "http is only allowed for loopback hosts (the local emulator); use https" + got
            );
            return std::nullopt;
        }
        std::string normalized(text);
        while (normalized.ends_with('/')) {
            normalized.pop_back();
        }
        return value(std::move(normalized));
    }

    std::optional<value> convert_time_zone(std::string_view text, location where, const std::string& path) {
        const date::time_zone* zone = nullptr;
        try {
            zone = date::locate_zone(text);
        } catch (const std::exception&) {
            // locate_zone reports an unknown name and an unreadable database alike; told apart below.
            zone = nullptr;
        }
        if (zone != nullptr) {
            return value(zone->name());
        }
        std::vector<std::string> names;
        try {
            for (const auto& known : date::get_tzdb().zones) {
                names.emplace_back(known.name());
            }
        } catch (const std::exception& e) {
            error(
                where,
                path,
                std::string("cannot read the time zone database: ") + e.what() + "; install tzdata"
            );
            return std::nullopt;
        }
        const auto hint = detail::nearest(text, names);
        error(
            where,
            path,
            "unknown time zone '" + std::string(text) + "'; " +
                (hint ? "did you mean '" + *hint + "'?"
                      : std::string("use an IANA name such as Europe/Berlin (see /usr/share/zoneinfo)"))
        );
        return std::nullopt;
    }

    std::optional<value> convert_secret(const key_spec& spec, const given_secret& given) {
        const std::string path = join_path(detail::parent_of(spec.path), given.key_name);
        const std::string base(detail::leaf_of(spec.path));
        const location key_at = at(given.key.Mark());
        static constexpr std::string_view what[] = {
            "a file path", "an environment variable name", "a credential name"};
        const auto kind_index = static_cast<std::size_t>(given.from);
        if (!given.value.IsScalar() || given.value.Scalar().empty()) {
            error(
                given.value.IsNull() ? key_at : at(given.value.Mark()),
                path,
                "expected " + std::string(what[kind_index]) + ", got " + describe(given.value)
            );
            return std::nullopt;
        }
        const std::string& name = given.value.Scalar();
        std::string content;
        switch (given.from) {
            case secret_source::kind::file: {
                auto read = read_secret_file(resolve(name), name, key_at, path);
                if (!read) {
                    return std::nullopt;
                }
                content = std::move(*read);
                break;
            }
            case secret_source::kind::env: {
                auto v = env_.get ? env_.get(name) : std::nullopt;
                if (!v) {
                    error(
                        key_at,
                        path,
                        "environment variable " + name +
                            " is not set; set it for the service (Environment= or "
                            "EnvironmentFile=) or use " +
                            base + "_file or " + base + "_credential"
                    );
                    return std::nullopt;
                }
                if (v->empty()) {
                    error(key_at, path, "environment variable " + name + " is empty");
                    return std::nullopt;
                }
                content = std::move(*v);
                break;
            }
            case secret_source::kind::credential: {
                if (name.find('/') != std::string::npos || name == "." || name == "..") {
                    error(key_at, path, "expected a credential name without '/', got '" + name + "'");
                    return std::nullopt;
                }
                auto dir = env_.get ? env_.get("CREDENTIALS_DIRECTORY") : std::nullopt;
                if (!dir || dir->empty()) {
                    error(
                        key_at,
                        path,
                        "CREDENTIALS_DIRECTORY is not set, so credential '" + name +
                            "' cannot be found; run fakturad under systemd with LoadCredential=" + name +
                            ":<file> or use " + base + "_file"
                    );
                    return std::nullopt;
                }
                std::error_code ec;
                const fs::path file = fs::path(*dir) / name;
                if (!fs::exists(file, ec)) {
                    error(
                        key_at,
                        path,
                        "credential '" + name + "' not found in $CREDENTIALS_DIRECTORY; add LoadCredential=" +
                            name + ":<file> to the service unit"
                    );
                    return std::nullopt;
                }
                auto read = read_secret_file(file, "credential " + name, key_at, path);
                if (!read) {
                    return std::nullopt;
                }
                content = std::move(*read);
                break;
            }
        }
        return value(resolved_secret{secret<std::string>(std::move(content)), secret_source{given.from, name}}
        );
    }

    // The file's content without one trailing newline (editors add it; keys and tokens never end in one).
    std::optional<std::string> read_secret_file(
        const fs::path& file, const std::string& shown, location where, const std::string& path
    ) {
        std::error_code ec;
        if (!fs::exists(file, ec)) {
            error(where, path, "file not found: " + shown);
            return std::nullopt;
        }
        std::string reason;
        auto content = read_file(file, reason);
        if (!content) {
            error(where, path, "cannot read " + shown + ": " + reason);
            return std::nullopt;
        }
        if (content->ends_with("\r\n")) {
            content->resize(content->size() - 2);
        } else if (content->ends_with('\n')) {
            content->pop_back();
        }
        if (content->empty()) {
            error(where, path, "secret is empty: " + shown);
            return std::nullopt;
        }
        return content;
    }

    std::optional<value> convert_mappings(const YAML::Node& node, location where, const std::string& path) {
        std::vector<mapping_file> files;
        if (node.IsNull()) {
            return value(files);
        }
        if (!node.IsSequence()) {
            error(where, path, "expected a list of file paths, got " + describe(node));
            return std::nullopt;
        }
        bool ok = true;
        std::size_t index = 0;
        for (const auto& item : node) {
            const std::string item_path = path + "[" + std::to_string(index++) + "]";
            const location item_at = at(item.Mark());
            if (!item.IsScalar() || item.Scalar().empty()) {
                error(item_at, item_path, "expected a file path, got " + describe(item));
                ok = false;
                continue;
            }
            const std::string& written = item.Scalar();
            const fs::path file = resolve(written);
            std::error_code ec;
            if (!fs::exists(file, ec)) {
                error(item_at, item_path, "file not found: " + written);
                ok = false;
                continue;
            }
            std::string reason;
            const auto content = read_file(file, reason);
            if (!content) {
                std::string message = "cannot read ";
                message += written;
                message += ": ";
                message += reason;
                error(item_at, item_path, std::move(message));
                ok = false;
                continue;
            }
            try {
                (void)YAML::Load(*content);
            } catch (const YAML::ParserException& e) {
                // Named as reachable from where the caller stands, like the config file itself.
                const fs::path shown = fs::path(written).is_absolute()
                                           ? fs::path(written)
                                           : (fs::path(file_).parent_path() / written).lexically_normal();
                error_in(shown.string(), at(e.mark), "", "YAML syntax error: " + e.msg);
                ok = false;
                continue;
            }
            files.push_back({file});
        }
        if (!ok) {
            return std::nullopt;
        }
        return value(std::move(files));
    }

    std::string file_;
    fs::path base_dir_;
    const environment& env_;
    std::vector<diagnostic> errors_;
    std::map<std::string, given_key> given_;
    std::map<std::string, given_secret> secrets_;
    std::map<std::string, location> sections_;    // present sections -> mark to cite for missing keys
    std::set<std::string> inline_secrets_;        // secrets written inline, already reported
    std::set<std::string> broken_;                // sections that are not mappings; their keys are skipped
    std::map<std::string, std::string> choices_;  // validated enumeration values, for conditions
    std::vector<std::pair<const key_spec*, value>> values_;
};

}  // namespace

std::string_view to_string(secret_source::kind from) noexcept {
    switch (from) {
        case secret_source::kind::file:
            return "file";
        case secret_source::kind::env:
            return "env";
        case secret_source::kind::credential:
            return "credential";
    }
    return "unknown";
}

std::string to_string(const secret_source& source) {
    return std::string(to_string(source.from)) + " " + source.name;
}

std::string diagnostic::to_string() const {
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    out += ": ";
    if (!path.empty()) {
        out += path + ": ";
    }
    return out + message;
}

environment environment::process() {
    return {[](std::string_view name) -> std::optional<std::string> {
        // NOLINTNEXTLINE(concurrency-mt-unsafe): fakturad never modifies its environment.
        const char* v = std::getenv(std::string(name).c_str());
        return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
    }};
}

bool load_result::ok() const { return errors.empty() && config.has_value(); }

load_result load_file(const std::filesystem::path& path, const environment& env) {
    std::string reason;
    const auto text = read_file(path, reason);
    if (!text) {
        load_result result;
        result.errors.push_back({path.string(), 0, 0, "", "cannot read config file: " + reason});
        return result;
    }
    std::error_code ec;
    const fs::path absolute = fs::absolute(path, ec).lexically_normal();
    return loader(path.string(), absolute.parent_path(), env).run(*text, absolute);
}

load_result load_string(
    std::string_view yaml,
    std::string_view file_name,
    const std::filesystem::path& base_dir,
    const environment& env
) {
    std::error_code ec;
    const fs::path base = fs::absolute(base_dir, ec).lexically_normal();
    const fs::path name(file_name);
    const fs::path source = name.is_absolute() ? name.lexically_normal() : base / name.filename();
    return loader(std::string(file_name), base, env).run(yaml, source);
}

}  // namespace fakturad::config
