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
// GET: "ok" with 200 while running, 503 while starting or stopping.
inline constexpr std::string_view health_endpoint = "/healthz";
// GET: Prometheus text exposition format 0.0.4.
inline constexpr std::string_view metrics_endpoint = "/metrics";

}  // namespace fakturad::daemon
