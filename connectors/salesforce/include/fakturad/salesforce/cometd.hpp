#pragma once
// The Streaming API's Bayeux messages over CometD long polling (reference §5) for Change Data Capture:
// handshake, subscribe with the replay extension, connect, disconnect, and the parser of the arrays the
// server answers with (meta replies and events mixed, events first).  Pure.

#include "fakturad/salesforce/error.hpp"

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::salesforce {

// Replay positions with a special meaning on subscribe.
inline constexpr std::int64_t replay_new_only = -1;      // only events published after the subscription
inline constexpr std::int64_t replay_all_retained = -2;  // everything still retained (72 h for CDC)

struct bayeux_reply {
    std::string channel;  // /meta/handshake, /meta/subscribe, /meta/connect, ...
    bool successful = false;
    std::string error;      // "403::Unknown client", "400::The replayId {x} you provided was invalid..."
    std::string client_id;  // on a handshake
    std::string reconnect;  // advice.reconnect: retry, handshake or none
};

struct change_event {
    std::string channel;
    std::int64_t replay_id = 0;
    boost::json::object payload;  // ChangeEventHeader and the changed fields
    bool own_write = false;       // set by the client: caused by fakturad's own calls (changeOrigin)
};

struct bayeux_batch {
    std::vector<bayeux_reply> replies;
    std::vector<change_event> events;
};

[[nodiscard]] std::string build_handshake(unsigned id);
[[nodiscard]] std::string build_subscribe(
    std::string_view client_id, std::string_view channel, std::int64_t replay_from, unsigned id
);
[[nodiscard]] std::string build_connect(std::string_view client_id, unsigned id);
[[nodiscard]] std::string build_disconnect(std::string_view client_id, unsigned id);

// Error errc::bad_response when the body is not an array of Bayeux messages.
[[nodiscard]] boost::system::result<bayeux_batch, call_error> parse_bayeux(std::string_view body);

// Whether the event's ChangeEventHeader.changeOrigin names `client_name` (`...;client=<name>`), i.e. the
// change came from a call that carried `Sforce-Call-Options: client=<name>`.
[[nodiscard]] bool is_change_from_client(const change_event& event, std::string_view client_name);

}  // namespace fakturad::salesforce
