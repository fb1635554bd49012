#include "schema.hpp"

#include "fakturad/core/units.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace fakturad::config::detail {
namespace {

using namespace std::string_view_literals;

constexpr std::array log_levels{"trace"sv, "debug"sv, "info"sv, "warn"sv, "error"sv};
constexpr std::array log_formats{"text"sv, "json"sv};
constexpr std::array store_backends{"sqlite"sv};
constexpr std::array later_backends{"postgresql"sv};
constexpr std::array sync_modes{"normal"sv, "full"sv};
constexpr std::array auth_flows{"jwt_bearer"sv, "client_credentials"sv};
constexpr std::array vies_apis{"soap"sv, "rest"sv};
constexpr std::array on_off{"off"sv, "on"sv};
constexpr std::array finalize_kinds{"immediately"sv, "drafts"sv, "approval"sv};

// Maps a validated choice back to its enumerator; the choice lists above are in enumerator order.
template <typename Enum, std::size_t N>
Enum choice_to(const std::array<std::string_view, N>& names, const value& v) {
    const auto& text = std::get<std::string>(v);
    const auto it = std::find(names.begin(), names.end(), text);
    if (it == names.end()) {
        throw std::logic_error("config schema: unvalidated choice " + text);
    }
    return static_cast<Enum>(it - names.begin());
}

template <typename Enum, std::size_t N>
std::string choice_name(const std::array<std::string_view, N>& names, Enum e) {
    return std::string(names.at(static_cast<std::size_t>(e)));
}

log_level to_level(const value& v) {
    // log_level has more enumerators than the config offers; map by name, not by position.
    const auto& text = std::get<std::string>(v);
    for (auto level :
         {log_level::trace, log_level::debug, log_level::info, log_level::warn, log_level::error}) {
        if (to_string(level) == text) {
            return level;
        }
    }
    throw std::logic_error("config schema: unvalidated log level " + text);
}

std::optional<std::string> path_text(const std::filesystem::path& p) { return p.string(); }

std::optional<std::string> secret_text(const std::optional<resolved_secret>& s) {
    if (!s) {
        return std::nullopt;
    }
    return std::string(redacted_text) + " (from " + to_string(s->source) + ")";
}

std::string mode_text(unsigned mode) {
    std::string out = "0000";
    for (std::size_t i = 4; i-- > 0; mode >>= 3U) {
        out[i] = static_cast<char>('0' + (mode & 7U));
    }
    return out;
}

std::optional<std::string> endpoint_text(const std::optional<endpoint>& e) {
    if (!e) {
        return std::nullopt;
    }
    const bool v6 = e->host.find(':') != std::string::npos;
    return (v6 ? "[" + e->host + "]" : e->host) + ":" + std::to_string(e->port);
}

// Shorthands for the table below; `sf` is only called for a present salesforce section.
salesforce_settings& sf(settings& s) {
    if (!s.salesforce) {
        throw std::logic_error("config schema: salesforce key applied without its section");
    }
    return *s.salesforce;
}
const salesforce_settings& sf(const settings& s) {
    if (!s.salesforce) {
        throw std::logic_error("config schema: salesforce key rendered without its section");
    }
    return *s.salesforce;
}

billing_settings& bs(settings& s) {
    if (!s.billing) {
        throw std::logic_error("config schema: billing key applied without its section");
    }
    return *s.billing;
}
const billing_settings& bs(const settings& s) {
    if (!s.billing) {
        throw std::logic_error("config schema: billing key rendered without its section");
    }
    return *s.billing;
}

schufa_settings& sch(settings& s) {
    if (!s.schufa) {
        throw std::logic_error("config schema: schufa key applied without its section");
    }
    return *s.schufa;
}
const schufa_settings& sch(const settings& s) {
    if (!s.schufa) {
        throw std::logic_error("config schema: schufa key rendered without its section");
    }
    return *s.schufa;
}

vies_settings& vs(settings& s) {
    if (!s.vies) {
        throw std::logic_error("config schema: vies key applied without its section");
    }
    return *s.vies;
}
const vies_settings& vs(const settings& s) {
    if (!s.vies) {
        throw std::logic_error("config schema: vies key rendered without its section");
    }
    return *s.vies;
}

const std::array<key_spec, 84> table{{
    // instance ------------------------------------------------------------------------------------------
    {.path = "instance",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "Identity of this daemon instance.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "instance.name",
     .type = value_type::name,
     .need = presence::defaulted,
     .default_text = "fakturad",
     .description = "Name used in logs, metrics and the control API; letters, digits, `.`, `_`, `-`.",
     .apply = [](settings& s, const value& v) { s.instance.name = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return s.instance.name; }},
    {.path = "instance.time_zone",
     .type = value_type::time_zone,
     .need = presence::defaulted,
     .default_text = "Europe/Berlin",
     .description = "IANA time zone of the billing calendar (invoice dates, billing periods).",
     .apply = [](settings& s, const value& v) { s.instance.time_zone = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return s.instance.time_zone; }},
    // log -----------------------------------------------------------------------------------------------
    {.path = "log",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "Logging to stderr (collected by journald).",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "log.level",
     .type = value_type::choice,
     .need = presence::defaulted,
     .default_text = "info",
     .description = "Lowest level that is written.",
     .choices = log_levels,
     .apply = [](settings& s, const value& v) { s.log.level = to_level(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::string(to_string(s.log.level));
     }},
    {.path = "log.format",
     .type = value_type::choice,
     .need = presence::defaulted,
     .default_text = "text",
     .description = "`text`: message and key=value fields; `json`: one JSON object per line.",
     .choices = log_formats,
     .apply = [](settings& s,
                 const value& v) { s.log.format = choice_to<log_settings::format_kind>(log_formats, v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return choice_name(log_formats, s.log.format);
     }},
    // daemon --------------------------------------------------------------------------------------------
    {.path = "daemon",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "Process-wide behaviour.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "daemon.worker_threads",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "2",
     .unit = "threads",
     .description = "Threads for blocking work (database, PDF rendering); network I/O has its own thread.",
     .min = 1,
     .max = 64,
     .apply = [](settings& s, const value& v
              ) { s.daemon.worker_threads = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::to_string(s.daemon.worker_threads);
     }},
    {.path = "daemon.shutdown_grace",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "20s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "On SIGTERM, how long running jobs may take to finish before they are cancelled.",
     .apply = [](settings& s,
                 const value& v) { s.daemon.shutdown_grace = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(s.daemon.shutdown_grace);
     }},
    // store ---------------------------------------------------------------------------------------------
    {.path = "store",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "Where invoices, sync state and the outbox are kept.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "store.backend",
     .type = value_type::choice,
     .need = presence::defaulted,
     .default_text = "sqlite",
     .description = "Database engine. `postgresql` is planned but not available in this version.",
     .choices = store_backends,
     .unavailable = later_backends,
     .apply = [](settings& s, const value& v
              ) { s.store.backend = choice_to<store_settings::backend_kind>(store_backends, v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return choice_name(store_backends, s.store.backend);
     }},
    {.path = "store.path",
     .type = value_type::path,
     .need = presence::defaulted,
     .default_text = "fakturad.sqlite",
     .description = "SQLite database file; its directory must be writable (WAL files live beside it).",
     .apply = [](settings& s, const value& v) { s.store.path = std::get<std::filesystem::path>(v); },
     .render = [](const settings& s) { return path_text(s.store.path); }},
    {.path = "store.busy_timeout",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "5s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "How long a statement waits for a lock held by another connection.",
     .apply = [](settings& s,
                 const value& v) { s.store.busy_timeout = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(s.store.busy_timeout);
     }},
    {.path = "store.synchronous",
     .type = value_type::choice,
     .need = presence::defaulted,
     .default_text = "full",
     .description =
         "SQLite `synchronous` pragma. `full` survives power loss; `normal` may lose the last commits.",
     .choices = sync_modes,
     .apply = [](settings& s,
                 const value& v) { s.store.synchronous_full = std::get<std::string>(v) == "full"; },
     .render = [](const settings& s) -> std::optional<std::string> {
         return s.store.synchronous_full ? "full" : "normal";
     }},
    // control -------------------------------------------------------------------------------------------
    {.path = "control",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "The control API used by fakturactl.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "control.socket",
     .type = value_type::path,
     .need = presence::defaulted,
     .default_text = "fakturad.sock",
     .description = "UNIX socket of the control API.",
     .apply = [](settings& s, const value& v) { s.control.socket = std::get<std::filesystem::path>(v); },
     .render = [](const settings& s) { return path_text(s.control.socket); }},
    {.path = "control.socket_mode",
     .type = value_type::file_mode,
     .need = presence::defaulted,
     .default_text = "0660",
     .unit = "octal",
     .description = "Permission bits of the socket; write it quoted, e.g. `\"0660\"`.",
     .apply = [](settings& s, const value& v
              ) { s.control.socket_mode = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return mode_text(s.control.socket_mode);
     }},
    {.path = "control.http_listen",
     .type = value_type::listen_address,
     .need = presence::optional,
     .description = "Optional HTTP listener (status, /metrics). Loopback only: `127.x.x.x`, `[::1]` or "
                    "`localhost`; port 0 picks a free port.",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* e = std::get_if<endpoint>(&v)) {
                 s.control.http_listen = *e;
             }
         },
     .render = [](const settings& s) { return endpoint_text(s.control.http_listen); }},
    {.path = "control.request_timeout",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "10s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "Longest time a control request may take.",
     .apply = [](settings& s,
                 const value& v) { s.control.request_timeout = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(s.control.request_timeout);
     }},
    // salesforce ----------------------------------------------------------------------------------------
    {.path = "salesforce",
     .type = value_type::section,
     .need = presence::optional,
     .description = "The Salesforce org to sync with. Without this section no Salesforce connector runs.",
     .apply = [](settings& s, const value&) { s.salesforce.emplace(); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return s.salesforce ? std::optional<std::string>("") : std::nullopt;
     }},
    {.path = "salesforce.instance_url",
     .type = value_type::url,
     .need = presence::required,
     .description = "The org's My Domain URL, e.g. `https://example.my.salesforce.com`. `http` only for "
                    "loopback hosts (the local emulator).",
     .apply = [](settings& s, const value& v) { sf(s).instance_url = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return sf(s).instance_url; }},
    {.path = "salesforce.login_url",
     .type = value_type::url,
     .need = presence::defaulted,
     .default_text = "https://login.salesforce.com",
     .description = "OAuth token endpoint host; `https://test.salesforce.com` for sandboxes.",
     .apply = [](settings& s, const value& v) { sf(s).login_url = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return sf(s).login_url; }},
    {.path = "salesforce.api_version",
     .type = value_type::api_version,
     .need = presence::defaulted,
     .default_text = "62.0",
     .description = "REST API version, quoted, from `\"50.0\"` to `\"62.0\"`.",
     .min = 500,
     .max = 620,
     .apply = [](settings& s, const value& v) { sf(s).api_version = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return sf(s).api_version; }},
    {.path = "salesforce.auth",
     .type = value_type::section,
     .need = presence::required,
     .description = "OAuth 2.0 flow fakturad uses to obtain access tokens.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "salesforce.auth.flow",
     .type = value_type::choice,
     .need = presence::required,
     .description = "`jwt_bearer` (certificate-signed JWT, recommended) or `client_credentials`.",
     .choices = auth_flows,
     .apply = [](settings& s, const value& v
              ) { sf(s).auth.flow = choice_to<salesforce_auth_settings::flow_kind>(auth_flows, v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return choice_name(auth_flows, sf(s).auth.flow);
     }},
    {.path = "salesforce.auth.client_id",
     .type = value_type::string,
     .need = presence::required,
     .description = "Consumer key of the connected app (not a secret).",
     .apply = [](settings& s, const value& v) { sf(s).auth.client_id = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return sf(s).auth.client_id; }},
    {.path = "salesforce.auth.username",
     .type = value_type::string,
     .need = presence::required_if,
     .description = "Integration user the JWT is issued for (jwt_bearer only).",
     .when = {"salesforce.auth.flow", "jwt_bearer"},
     .apply = [](settings& s, const value& v) { sf(s).auth.username = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return sf(s).auth.username.empty() ? std::nullopt : std::optional<std::string>(sf(s).auth.username);
     }},
    {.path = "salesforce.auth.private_key",
     .type = value_type::secret,
     .need = presence::required_if,
     .description = "PEM private key that signs the JWT (jwt_bearer only).",
     .when = {"salesforce.auth.flow", "jwt_bearer"},
     .apply = [](settings& s, const value& v) { sf(s).auth.private_key = std::get<resolved_secret>(v); },
     .render = [](const settings& s) { return secret_text(sf(s).auth.private_key); }},
    {.path = "salesforce.auth.client_secret",
     .type = value_type::secret,
     .need = presence::required_if,
     .description = "Consumer secret of the connected app (client_credentials only).",
     .when = {"salesforce.auth.flow", "client_credentials"},
     .apply = [](settings& s, const value& v) { sf(s).auth.client_secret = std::get<resolved_secret>(v); },
     .render = [](const settings& s) { return secret_text(sf(s).auth.client_secret); }},
    {.path = "salesforce.ca_file",
     .type = value_type::existing_path,
     .need = presence::optional,
     .description = "PEM CA bundle to trust instead of the system store (e.g. for the local emulator).",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 sf(s).ca_file = *p;
             }
         },
     .render = [](const settings& s) -> std::optional<std::string> {
         return sf(s).ca_file ? path_text(*sf(s).ca_file) : std::nullopt;
     }},
    {.path = "salesforce.request_timeout",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "30s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "Longest time one API call may take, from connect to the last byte.",
     .apply = [](settings& s,
                 const value& v) { sf(s).request_timeout = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(sf(s).request_timeout);
     }},
    {.path = "salesforce.api_share_limit",
     .type = value_type::percent,
     .need = presence::defaulted,
     .default_text = "50%",
     .unit = "`%`",
     .description = "Share of the org's daily API request limit fakturad may use; more than 0%.",
     .min = 1,
     .max = 10000,
     .apply = [](settings& s, const value& v) { sf(s).api_share_limit_bp = std::get<std::uint32_t>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_percent_basis_points(sf(s).api_share_limit_bp);
     }},
    {.path = "salesforce.poll_interval",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "60s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "How often the sync asks for records changed since the last poll (the safety net beside "
                    "change events); also how soon a failed sync step is retried.",
     .apply = [](settings& s,
                 const value& v) { sf(s).poll_interval = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(sf(s).poll_interval);
     }},
    {.path = "salesforce.change_events",
     .type = value_type::choice,
     .need = presence::defaulted,
     .default_text = "on",
     .description =
         "`on`: follow Change Data Capture events (CometD) so changes arrive within seconds; `off`: "
         "polling only.",
     .choices = on_off,
     .apply = [](settings& s, const value& v) { sf(s).change_events = std::get<std::string>(v) == "on"; },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::string(sf(s).change_events ? "on" : "off");
     }},
    {.path = "salesforce.sync_batch_rows",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "20000",
     .unit = "records",
     .description = "Usage records a sync reads and stores per batch (the cursor moves with each stored "
                    "batch): bounds the daemon's memory on the first load of a large usage object. Query "
                    "pages are as large (200 to 2000 records, Salesforce's range).",
     .min = 1,
     .max = 10'000'000,
     .apply = [](settings& s, const value& v
              ) { sf(s).sync_batch_rows = static_cast<std::size_t>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::to_string(sf(s).sync_batch_rows);
     }},
    // billing -------------------------------------------------------------------------------------------
    {.path = "billing",
     .type = value_type::section,
     .need = presence::optional,
     .description =
         "Invoice runs: the sellers, number ranges, schedule and finalization. Without this section "
         "the daemon syncs but does not invoice.",
     .apply = [](settings& s, const value&) { s.billing.emplace(); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return s.billing ? std::optional<std::string>("") : std::nullopt;
     }},
    {.path = "billing.legal_entities",
     .type = value_type::existing_path,
     .need = presence::required,
     .description =
         "Plan file whose `legal_entities:` list describes the sellers (name, address, VAT ID, tax "
         "number, bank account, contact); mappings name them by `code`.",
     .apply = [](settings& s, const value& v) { bs(s).legal_entities = std::get<std::filesystem::path>(v); },
     .render = [](const settings& s) { return path_text(bs(s).legal_entities); }},
    {.path = "billing.tax_rules",
     .type = value_type::existing_path,
     .need = presence::optional,
     .description = "The operator's tax rules file (billing/tax/README.md), used for every legal entity; "
                    "without it items with `tax_supply` fail closed.",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 bs(s).tax_rules = *p;
             }
         },
     .render = [](const settings& s
               ) { return bs(s).tax_rules ? path_text(*bs(s).tax_rules) : std::optional<std::string>(); }},
    {.path = "billing.invoice_numbers",
     .type = value_type::string,
     .need = presence::defaulted,
     .default_text = "RE-{YYYY}-{seq:06}",
     .description = "Number pattern of invoices (`{YYYY}`, `{YY}`, `{MM}`, `{seq:NN}`); a new sequence each "
                    "year when the pattern has `{YYYY}`.",
     .apply = [](settings& s, const value& v) { bs(s).invoice_numbers = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return bs(s).invoice_numbers; }},
    {.path = "billing.credit_note_numbers",
     .type = value_type::string,
     .need = presence::defaulted,
     .default_text = "GS-{YYYY}-{seq:06}",
     .description = "Number pattern of credit notes and cancellations.",
     .apply = [](settings& s, const value& v) { bs(s).credit_note_numbers = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return bs(s).credit_note_numbers; }},
    {.path = "billing.finalize",
     .type = value_type::choice,
     .need = presence::defaulted,
     .default_text = "immediately",
     .description =
         "`immediately`: a run numbers and issues its invoices; `drafts`: a run leaves drafts in the "
         "store for `fakturactl invoice-run --finalize` later; `approval`: a run writes its drafts to "
         "Salesforce, where a clerk edits the allowed fields and approves (or discards) each one, and "
         "fakturad then numbers and issues it (needs `approval:` in the write-back mapping).",
     .choices = finalize_kinds,
     .apply = [](settings& s, const value& v
              ) { bs(s).finalize = choice_to<billing_settings::finalize_kind>(finalize_kinds, v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return choice_name(finalize_kinds, bs(s).finalize);
     }},
    {.path = "billing.schedule",
     .type = value_type::schedule,
     .need = presence::optional,
     .description =
         "When invoice runs start by themselves, as five cron fields in `instance.time_zone`, e.g. "
         "`0 2 1 * *` (the 1st of each month at 02:00); the cutoff is that day. Unset: by hand only.",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* t = std::get_if<std::string>(&v)) {
                 bs(s).schedule = *t;
             }
         },
     .render = [](const settings& s) -> std::optional<std::string> { return bs(s).schedule; }},
    {.path = "billing.output_dir",
     .type = value_type::path,
     .need = presence::defaulted,
     .default_text = "invoices",
     .description = "Folder for the PDF and XML of every finalized document (kept beside the copies sent to "
                    "Salesforce).",
     .apply = [](settings& s, const value& v) { bs(s).output_dir = std::get<std::filesystem::path>(v); },
     .render = [](const settings& s) { return path_text(bs(s).output_dir); }},
    {.path = "billing.exchange_rates",
     .type = value_type::existing_path,
     .need = presence::optional,
     .description =
         "EUR value of one unit of each other invoice currency, by the date it applies from (the "
         "monthly rates the tax office publishes, § 16 Abs. 6 UStG); a German seller states the VAT "
         "of a foreign-currency invoice also in EUR.",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 bs(s).exchange_rates = *p;
             }
         },
     .render =
         [](const settings& s) {
             return bs(s).exchange_rates ? path_text(*bs(s).exchange_rates) : std::optional<std::string>();
         }},
    {.path = "billing.pdf_template",
     .type = value_type::existing_path,
     .need = presence::optional,
     .description =
         "PDF template of the invoices (documents/README.md), with its logo and fonts; the PDF is a "
         "Factur-X PDF/A-3 with the CII XML inside. Unset: documents are issued as XML only.",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 bs(s).pdf_template = *p;
             }
         },
     .render =
         [](const settings& s) {
             return bs(s).pdf_template ? path_text(*bs(s).pdf_template) : std::optional<std::string>();
         }},
    // vies ----------------------------------------------------------------------------------------------
    {.path = "vies",
     .type = value_type::section,
     .need = presence::optional,
     .description =
         "Online VAT-ID checks against the EU's VIES service. Without this section only the offline "
         "format and check-digit checks run, and reverse charge needs a VAT ID confirmed otherwise.",
     .apply = [](settings& s, const value&) { s.vies.emplace(); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return s.vies ? std::optional<std::string>("") : std::nullopt;
     }},
    {.path = "vies.api",
     .type = value_type::choice,
     .need = presence::defaulted,
     .default_text = "soap",
     .description = "`soap` (checkVat / checkVatApprox) or `rest`.",
     .choices = vies_apis,
     .apply = [](settings& s,
                 const value& v) { vs(s).api = choice_to<vies_settings::api_kind>(vies_apis, v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return choice_name(vies_apis, vs(s).api);
     }},
    {.path = "vies.soap_url",
     .type = value_type::service_url,
     .need = presence::defaulted,
     .default_text = "https://ec.europa.eu/taxation_customs/vies/services/checkVatService",
     .description = "SOAP endpoint; `http` only for loopback hosts (the local emulator).",
     .apply = [](settings& s, const value& v) { vs(s).soap_url = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return vs(s).soap_url; }},
    {.path = "vies.rest_url",
     .type = value_type::service_url,
     .need = presence::defaulted,
     .default_text = "https://ec.europa.eu/taxation_customs/vies/rest-api",
     .description = "REST base URL, also used for `/check-status` before a batch.",
     .apply = [](settings& s, const value& v) { vs(s).rest_url = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return vs(s).rest_url; }},
    {.path = "vies.requester_vat_id",
     .type = value_type::vat_id,
     .need = presence::optional,
     .description = "Our own VAT ID (e.g. `DE123456789`); with it VIES returns a consultation number, the "
                    "evidence of a qualified confirmation (§ 18e UStG).",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* t = std::get_if<std::string>(&v)) {
                 vs(s).requester_vat_id = *t;
             }
         },
     .render = [](const settings& s) -> std::optional<std::string> {
         return vs(s).requester_vat_id.empty() ? std::nullopt : std::optional(vs(s).requester_vat_id);
     }},
    {.path = "vies.ca_file",
     .type = value_type::existing_path,
     .need = presence::optional,
     .description = "A CA bundle to trust instead of the system store (tests, TLS-inspecting proxies).",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 vs(s).ca_file = *p;
             }
         },
     .render = [](const settings& s
               ) { return vs(s).ca_file ? path_text(*vs(s).ca_file) : std::optional<std::string>(); }},
    {.path = "vies.timeout",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "30s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "Deadline of one request (member-state round trips are slow).",
     .apply = [](settings& s, const value& v) { vs(s).timeout = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(vs(s).timeout);
     }},
    {.path = "vies.concurrency",
     .type = value_type::section,
     .need = presence::defaulted,
     .description =
         "Requests in flight; VIES answers MS_MAX_CONCURRENT_REQ above about two per member state.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "vies.concurrency.per_member_state",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "1",
     .description = "Requests in flight per member state, 1 or 2.",
     .min = 1,
     .max = 2,
     .apply = [](settings& s, const value& v
              ) { vs(s).per_member_state = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::to_string(vs(s).per_member_state);
     }},
    {.path = "vies.concurrency.global",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "4",
     .description = "Requests in flight overall.",
     .min = 1,
     .max = 32,
     .apply = [](settings& s,
                 const value& v) { vs(s).global = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> { return std::to_string(vs(s).global); }},
    {.path = "vies.retry",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "Backoff for temporary answers (MS_UNAVAILABLE, TIMEOUT, the concurrency limits): capped "
                    "exponential with jitter.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "vies.retry.base",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "2s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "First retry delay.",
     .apply = [](settings& s, const value& v) { vs(s).retry_base = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(vs(s).retry_base);
     }},
    {.path = "vies.retry.cap",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "15m",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "Longest retry delay.",
     .apply = [](settings& s, const value& v) { vs(s).retry_cap = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(vs(s).retry_cap);
     }},
    {.path = "vies.retry.max_attempts",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "8",
     .description = "Attempts before a number stays `unconfirmed` until the next check.",
     .min = 1,
     .max = 50,
     .apply = [](settings& s,
                 const value& v) { vs(s).max_attempts = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::to_string(vs(s).max_attempts);
     }},
    {.path = "vies.cache_ttl",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "7d",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "A `valid` verdict younger than this is reused instead of asking again.",
     .apply = [](settings& s, const value& v) { vs(s).cache_ttl = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(vs(s).cache_ttl);
     }},
    {.path = "vies.recheck_interval",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "30d",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "Every account's VAT ID is checked again after this long.",
     .apply = [](settings& s,
                 const value& v) { vs(s).recheck_interval = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(vs(s).recheck_interval);
     }},
    {.path = "vies.scan_interval",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "5m",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "How often the daemon looks for accounts due a check: a new account, a changed VAT ID, a "
                    "stale or an unconfirmed check.",
     .apply = [](settings& s,
                 const value& v) { vs(s).scan_interval = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(vs(s).scan_interval);
     }},
    {.path = "vies.accept_recently_valid",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "0s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "Reverse charge on an `unconfirmed` answer when the VAT ID was `valid` within this "
                    "window; `0s`: never.",
     .apply = [](settings& s,
                 const value& v) { vs(s).accept_recently_valid = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(vs(s).accept_recently_valid);
     }},
    // schufa --------------------------------------------------------------------------------------------
    {.path = "schufa",
     .type = value_type::section,
     .need = presence::optional,
     .description =
         "SCHUFA credit reports, identity checks and follow-up monitoring (connectors/schufa). The "
         "gateway contract is an assumption of this project; see connectors/schufa/README.md.",
     .apply = [](settings& s, const value&) { s.schufa.emplace(); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return s.schufa ? std::optional<std::string>("") : std::nullopt;
     }},
    {.path = "schufa.url",
     .type = value_type::url,
     .need = presence::required,
     .description = "Base URL of the SCHUFA gateway (https; the emulator on a loopback host also https, "
                    "because the gateway needs mutual TLS).",
     .apply = [](settings& s, const value& v) { sch(s).url = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return sch(s).url; }},
    {.path = "schufa.participant_id",
     .type = value_type::string,
     .need = presence::required,
     .description = "Our participant id at SCHUFA (not a secret).",
     .apply = [](settings& s, const value& v) { sch(s).participant_id = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return sch(s).participant_id; }},
    {.path = "schufa.password",
     .type = value_type::secret,
     .need = presence::required,
     .description = "The participant's password (`password_file`, `password_env` or `password_credential`).",
     .apply = [](settings& s, const value& v) { sch(s).password = std::get<resolved_secret>(v); },
     .render = [](const settings& s) { return secret_text(sch(s).password); }},
    {.path = "schufa.client_certificate",
     .type = value_type::existing_path,
     .need = presence::required,
     .description = "The client certificate chain for mutual TLS (PEM, leaf first).",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 sch(s).client_certificate = *p;
             }
         },
     .render = [](const settings& s) { return path_text(sch(s).client_certificate); }},
    {.path = "schufa.client_key",
     .type = value_type::existing_path,
     .need = presence::required,
     .description = "The client certificate's private key (PEM, unencrypted; keep it mode 0600, e.g. via "
                    "`LoadCredential=`).",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 sch(s).client_key = *p;
             }
         },
     .render = [](const settings& s) { return path_text(sch(s).client_key); }},
    {.path = "schufa.ca_file",
     .type = value_type::existing_path,
     .need = presence::optional,
     .description = "A CA bundle to trust for the gateway instead of the system store (tests, private CAs).",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 sch(s).ca_file = *p;
             }
         },
     .render = [](const settings& s
               ) { return sch(s).ca_file ? path_text(*sch(s).ca_file) : std::optional<std::string>(); }},
    {.path = "schufa.timeout",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "30s",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "Deadline of one request.",
     .apply = [](settings& s, const value& v) { sch(s).timeout = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(sch(s).timeout);
     }},
    {.path = "schufa.max_attempts",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "3",
     .description = "Tries for a temporary failure (RATE_LIMITED, SERVICE_UNAVAILABLE, TIMEOUT, no answer), "
                    "with the same customer reference.",
     .min = 1,
     .max = 10,
     .apply = [](settings& s,
                 const value& v) { sch(s).max_attempts = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::to_string(sch(s).max_attempts);
     }},
    {.path = "schufa.monitoring_poll_interval",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "1h",
     .unit = "`ms` `s` `m` `h` `d`",
     .description = "How often the daemon asks for follow-up monitoring events (Nachmeldeservice).",
     .apply = [](settings& s, const value& v
              ) { sch(s).monitoring_poll_interval = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(sch(s).monitoring_poll_interval);
     }},
    {.path = "schufa.worsening",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "When a newer report counts as worse: then a Task goes to the account owner (a new "
                    "negative entry always counts).",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "schufa.worsening.score_drop",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "50",
     .description = "Score points lost, at least.",
     .min = 1,
     .max = 900,
     .apply = [](settings& s, const value& v
              ) { sch(s).worsening_score_drop = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::to_string(sch(s).worsening_score_drop);
     }},
    {.path = "schufa.worsening.risk_class_steps",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "1",
     .description = "Risk classes worse, at least.",
     .min = 1,
     .max = 5,
     .apply = [](settings& s, const value& v
              ) { sch(s).worsening_risk_class_steps = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::to_string(sch(s).worsening_risk_class_steps);
     }},
    {.path = "schufa.b2c_retention",
     .type = value_type::duration,
     .need = presence::defaulted,
     .default_text = "90d",
     .unit = "`ms` `s` `m` `h` `d`",
     .description =
         "B2C personal data (name, birth date, address sent) is deleted this long after the report.",
     .apply = [](settings& s,
                 const value& v) { sch(s).b2c_retention = std::get<std::chrono::milliseconds>(v); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return format_duration(sch(s).b2c_retention);
     }},
    {.path = "schufa.task",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "The Task created for the account owner when the credit standing worsens.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "schufa.task.subject",
     .type = value_type::string,
     .need = presence::defaulted,
     .default_text = "Credit standing worsened (SCHUFA)",
     .description = "Subject of the Task; the report reference is appended.",
     .apply = [](settings& s, const value& v) { sch(s).task_subject = std::get<std::string>(v); },
     .render = [](const settings& s) -> std::optional<std::string> { return sch(s).task_subject; }},
    {.path = "schufa.task.due_days",
     .type = value_type::integer,
     .need = presence::defaulted,
     .default_text = "3",
     .description = "Days from the report to the Task's due date.",
     .min = 0,
     .max = 60,
     .apply = [](settings& s,
                 const value& v) { sch(s).task_due_days = static_cast<unsigned>(std::get<std::int64_t>(v)); },
     .render = [](const settings& s) -> std::optional<std::string> {
         return std::to_string(sch(s).task_due_days);
     }},
    {.path = "schufa.pdf",
     .type = value_type::section,
     .need = presence::defaulted,
     .description = "Fonts of the report PDF attached to the Account.",
     .apply = [](settings&, const value&) {},
     .render = [](const settings&) -> std::optional<std::string> { return ""; }},
    {.path = "schufa.pdf.font_regular",
     .type = value_type::existing_path,
     .need = presence::defaulted,
     .default_text = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     .description = "Regular font file (TrueType/OpenType).",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 sch(s).pdf_font_regular = *p;
             }
         },
     .render = [](const settings& s) { return path_text(sch(s).pdf_font_regular); }},
    {.path = "schufa.pdf.font_bold",
     .type = value_type::existing_path,
     .need = presence::defaulted,
     .default_text = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
     .description = "Bold font file.",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* p = std::get_if<std::filesystem::path>(&v)) {
                 sch(s).pdf_font_bold = *p;
             }
         },
     .render = [](const settings& s) { return path_text(sch(s).pdf_font_bold); }},
    // mappings ------------------------------------------------------------------------------------------
    {.path = "mappings",
     .type = value_type::path_list,
     .need = presence::optional,
     .description = "Mapping files (Salesforce records to billing plans). Each must exist and be valid YAML; "
                    "the mapping module checks their content.",
     .apply =
         [](settings& s, const value& v) {
             if (const auto* list = std::get_if<std::vector<mapping_file>>(&v)) {
                 s.mappings = *list;
             }
         },
     .render = [](const settings& s) -> std::optional<std::string> {
         // One path per line; the renderer turns them into a YAML list.
         std::string out;
         for (const auto& m : s.mappings) {
             out += m.path.string();
             out += '\n';
         }
         return out;
     }},
}};

}  // namespace

std::span<const key_spec> schema() { return table; }

const key_spec* find_key(std::string_view path) {
    for (const auto& spec : table) {
        if (spec.path == path) {
            return &spec;
        }
    }
    return nullptr;
}

std::string_view parent_of(std::string_view path) {
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

std::string_view leaf_of(std::string_view path) {
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

std::string type_label(const key_spec& spec) {
    switch (spec.type) {
        case value_type::section:
            return "section";
        case value_type::vat_id:
            return "VAT ID";
        case value_type::string:
            return "string";
        case value_type::name:
            return "name";
        case value_type::integer:
            return "integer " + std::to_string(spec.min) + ".." + std::to_string(spec.max);
        case value_type::choice: {
            std::string out;
            for (auto c : spec.choices) {
                out += out.empty() ? "" : " / ";
                out += c;
            }
            return out;
        }
        case value_type::duration:
            return "duration";
        case value_type::percent:
            return "percent";
        case value_type::path:
            return "path";
        case value_type::existing_path:
            return "path (must exist)";
        case value_type::file_mode:
            return "file mode";
        case value_type::listen_address:
            return "host:port";
        case value_type::url:
            return "URL";
        case value_type::service_url:
            return "URL with path";
        case value_type::api_version:
            return "API version";
        case value_type::time_zone:
            return "time zone";
        case value_type::secret:
            return "secret";
        case value_type::path_list:
            return "list of paths";
        case value_type::schedule:
            return "cron schedule";
    }
    return "?";
}

}  // namespace fakturad::config::detail
