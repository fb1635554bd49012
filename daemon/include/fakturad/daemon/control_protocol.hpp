#pragma once
// The control API between `fakturad` and `fakturactl`: HTTP/1.1 over a UNIX stream socket.
//
// Requests and answers are JSON (except /metrics, which is the Prometheus text format).  An error answer
// has a 4xx/5xx status and the body {"error": "<what went wrong and what to do>"}.  The optional loopback
// TCP listener serves only the health and metrics endpoints.

#include <string_view>

namespace fakturad::daemon {

inline constexpr std::string_view default_control_socket = "/run/fakturad/control.sock";

// Environment variable that overrides the socket path for fakturactl.
inline constexpr std::string_view control_socket_env = "FAKTURAD_SOCKET";

// GET: the daemon's status as JSON (version, uptime, config, store, connectors, last sync, last run).
inline constexpr std::string_view status_endpoint = "/v1/status";
// POST {"date": "YYYY-MM-DD", "account": ID, "plan": ID, "dry_run": bool, "finalize": bool}: starts an
// invoice run (202 {"run_id": N}); a dry run answers 200 with the drafts it would make, writing nothing.
inline constexpr std::string_view invoice_runs_endpoint = "/v1/invoice-runs";
// GET /v1/invoice-runs/<id>: {"state", "selected", "done", "drafts", "finalized", "failed", ...}.
// POST {"object": NAME, "id": RECORD_ID, "since": "2026-11-01T00:00:00Z"} (all optional): re-reads the
// records and answers with what changed.
inline constexpr std::string_view resync_endpoint = "/v1/resync";
// GET: "ok" with 200 while running, 503 while starting or stopping.
// POST, UNIX socket only: one SCHUFA credit check for an Account (body: account_id, product, interest,
// requested_by, optional note and person); answers with the stored report's figures.
inline constexpr std::string_view credit_checks_endpoint = "/v1/credit-checks";
// POST, UNIX socket only: follow-up monitoring on or off for an Account (body: account_id, on, requested_by).
inline constexpr std::string_view credit_monitoring_endpoint = "/v1/credit-monitoring";
inline constexpr std::string_view health_endpoint = "/healthz";
// GET: Prometheus text exposition format 0.0.4.
inline constexpr std::string_view metrics_endpoint = "/metrics";

}  // namespace fakturad::daemon
