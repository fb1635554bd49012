#pragma once
// fakturactl's side of the control API: one request over the daemon's UNIX socket.

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fakturad::daemon {

struct control_reply {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

// The daemon could not be reached at all (no socket, refused, permission, timeout).  The message says
// what to do about it.
class daemon_unreachable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Sends `method target` with `body` and waits at most `timeout` for the whole exchange.
// Throws daemon_unreachable, or std::runtime_error for a broken answer.
control_reply control_call(
    const std::filesystem::path& socket,
    std::string_view method,
    std::string_view target,
    std::string_view body,
    std::chrono::milliseconds timeout
);

// The JSON object of a successful (2xx) reply. Otherwise prints why to `err` ("fakturactl: fakturad
// answered 409: ..." with the daemon's `error`, or that the body is not JSON) and returns nullopt.
[[nodiscard]] std::optional<boost::json::object> json_answer(const control_reply& reply, std::ostream& err);

// Inside a catch block around daemon calls: prints the exception's message to `err` and returns fakturactl's
// exit code, 3 when the daemon could not be reached (daemon_unreachable), 1 for anything else.
[[nodiscard]] int report_daemon_failure(std::ostream& err);

}  // namespace fakturad::daemon
