#pragma once
// The typed, validated configuration of one fakturad instance.
//
// A `settings` value only ever comes out of the loader (loader.hpp), which has already checked every
// rule listed in config/README.md: ranges, enumerations, loopback-only listeners, URL schemes, existing
// files.  Code that receives a `settings` can therefore use the values as they are.  No YAML type appears
// here: nothing outside config/ sees a YAML::Node (STYLE C1).
//
// Paths are absolute: relative paths in the file were resolved against the directory of the config file.
// Secrets are `secret<std::string>`; their plain value is reached only through `expose()` in adapters.

#include "fakturad/core/logger.hpp"
#include "fakturad/core/secret.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::config {

// A TCP endpoint.  `host` is a name or an address without brackets ("::1", not "[::1]").
struct endpoint {
    std::string host;
    std::uint16_t port{};
};

// Where a secret came from.  Printable: it never holds the secret itself, only the file path as written in
// the config, the environment variable name or the systemd credential name.
struct secret_source {
    enum class kind : std::uint8_t { file, env, credential } from{};
    std::string name;
};

// "file", "env" or "credential".
[[nodiscard]] std::string_view to_string(secret_source::kind from) noexcept;
// "file keys/sf.pem", "env SF_CLIENT_SECRET", "credential salesforce-key".
[[nodiscard]] std::string to_string(const secret_source& source);

// A secret value read at load time, with its origin for diagnostics and --print-config.
struct resolved_secret {
    secret<std::string> value;
    secret_source source;
};

struct salesforce_auth_settings {
    enum class flow_kind : std::uint8_t { jwt_bearer, client_credentials } flow{};
    std::string client_id;
    // Set for jwt_bearer only; empty otherwise.
    std::string username;
    // Set exactly when flow == jwt_bearer.
    std::optional<resolved_secret> private_key;
    // Set exactly when flow == client_credentials.
    std::optional<resolved_secret> client_secret;
};

struct salesforce_settings {
    // https URLs (http only for loopback hosts, i.e. the local emulator), without a trailing slash.
    std::string instance_url;
    std::string login_url;
    // "NN.N", between 50.0 and 62.0.
    std::string api_version;
    salesforce_auth_settings auth;
    // A CA bundle to trust instead of the system store; the file existed at load time.
    std::optional<std::filesystem::path> ca_file;
    std::chrono::milliseconds request_timeout{};
    // Share of the org's daily API limit fakturad may use, in basis points (5000 = 50%).
    std::uint32_t api_share_limit_bp{};
    // The sync's safety-net poll for changes (change events are followed in between when enabled).
    std::chrono::milliseconds poll_interval{};
    bool change_events{};
    // Usage records read and stored per batch by the sync (first loads of large objects).
    std::size_t sync_batch_rows{};
};

// A mapping file named in the config.  It existed and was syntactically valid YAML at load time; its
// content is compiled by the mapping module.
struct mapping_file {
    std::filesystem::path path;
};

struct instance_settings {
    std::string name;
    // An IANA zone name that date::locate_zone accepted.
    std::string time_zone;
};

struct log_settings {
    log_level level{log_level::info};
    enum class format_kind : std::uint8_t { text, json } format{};
};

struct daemon_settings {
    unsigned worker_threads{};
    std::chrono::milliseconds shutdown_grace{};
};

struct store_settings {
    enum class backend_kind : std::uint8_t { sqlite } backend{};
    std::filesystem::path path;
    std::chrono::milliseconds busy_timeout{};
    // PRAGMA synchronous=FULL when true, NORMAL when false.
    bool synchronous_full{};
};

struct control_settings {
    std::filesystem::path socket;
    // Permission bits for the UNIX socket, e.g. 0660 (octal).
    unsigned socket_mode{};
    // Optional HTTP listener; always a loopback host.  Port 0 means "pick a free port".
    std::optional<endpoint> http_listen;
    std::chrono::milliseconds request_timeout{};
};

// EU VIES, the online VAT-ID check (connectors/vies/README.md). Offline checks always run.
struct vies_settings {
    enum class api_kind : std::uint8_t { soap, rest } api{};
    std::string soap_url;
    std::string rest_url;  // also /check-status before a batch
    // Our own VAT ID: with it VIES returns a consultation number, the evidence of a qualified check.
    std::string requester_vat_id;
    std::optional<std::filesystem::path> ca_file;
    std::chrono::milliseconds timeout{};
    unsigned per_member_state{};  // requests in flight per member state (1..2)
    unsigned global{};            // requests in flight overall
    std::chrono::milliseconds retry_base{};
    std::chrono::milliseconds retry_cap{};
    unsigned max_attempts{};
    std::chrono::milliseconds cache_ttl{};         // a "valid" verdict younger than this is reused
    std::chrono::milliseconds recheck_interval{};  // every account's VAT ID is checked again after this
    std::chrono::milliseconds scan_interval{};     // how often the daemon looks for accounts due a check
    // Reverse charge with an "unconfirmed" answer is accepted when the VAT ID was valid within this window
    // (0: never).
    std::chrono::milliseconds accept_recently_valid{};
};

// SCHUFA credit reports (connectors/schufa/README.md): the connection (mutual TLS plus participant
// credentials), the follow-up monitoring poll, when a changed report counts as worse, and how long B2C
// personal data is kept.
struct schufa_settings {
    std::string url;  // base URL of the gateway (the contract in connectors/schufa/README.md)
    std::string participant_id;
    std::optional<resolved_secret> password;
    std::filesystem::path client_certificate;  // PEM chain, leaf first
    std::filesystem::path client_key;          // PEM, unencrypted; a secret file (mode 0600)
    std::optional<std::filesystem::path> ca_file;
    std::chrono::milliseconds timeout{};
    unsigned max_attempts{};
    std::chrono::milliseconds monitoring_poll_interval{};
    unsigned worsening_score_drop{};        // points
    unsigned worsening_risk_class_steps{};  // classes
    bool worsening_on_new_negative = true;
    std::chrono::milliseconds b2c_retention{};
    std::string task_subject;
    unsigned task_due_days{};
    std::filesystem::path pdf_font_regular;
    std::filesystem::path pdf_font_bold;
};

// Invoice runs (daemon/README.md): who issues the invoices, how they are numbered, when runs happen.
struct billing_settings {
    // A plan file (billing/README.md) whose `legal_entities:` section describes the sellers; it existed at
    // load time, its content is checked when the daemon starts.
    std::filesystem::path legal_entities;
    // The operator's tax rules (billing/tax/README.md) for items with `tax:`; unset: such items fail closed.
    std::optional<std::filesystem::path> tax_rules;
    // Number patterns (billing/numbering.hpp), e.g. "RE-{YYYY}-{seq:06}"; checked when the daemon starts.
    std::string invoice_numbers;
    std::string credit_note_numbers;
    enum class finalize_kind : std::uint8_t { immediately, drafts, approval } finalize{};
    // A five-field cron schedule in instance.time_zone (core/cron.hpp), validated; unset: runs by hand only.
    std::optional<std::string> schedule;
    // Where the PDF and XML of every finalized document are written (one folder per legal entity).
    std::filesystem::path output_dir;
    // EUR exchange rates for the VAT of invoices in other currencies (§ 16 Abs. 6 UStG); unset: a German
    // seller cannot issue taxed invoices in a foreign currency.
    std::optional<std::filesystem::path> exchange_rates;
    // The PDF template (documents/README.md); unset: documents are issued as e-invoice XML only.
    std::optional<std::filesystem::path> pdf_template;
};

struct settings {
    std::filesystem::path source_file;  // absolute path of the config file
    instance_settings instance;
    log_settings log;
    daemon_settings daemon;
    store_settings store;
    control_settings control;
    std::optional<salesforce_settings> salesforce;
    std::optional<vies_settings> vies;
    std::optional<schufa_settings> schufa;
    std::optional<billing_settings> billing;
    std::vector<mapping_file> mappings;
};

}  // namespace fakturad::config
