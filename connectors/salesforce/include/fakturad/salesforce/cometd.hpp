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

// What a change event tells its subscriber (ChangeEventHeader.changeType, reference §5.6).
enum class change_kind : std::uint8_t {
    regular,  // CREATE, UPDATE, DELETE, UNDELETE: the header names the records, the payload their fields
    gap,      // GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE: the records in recordIds changed, but the
              // event carries none of their fields: re-read them by id
    overflow  // GAP_OVERFLOW: a transaction beyond Salesforce's change threshold changed records of
              // entityName that no event names (recordIds is empty): re-read the entity by polling
};

struct change_event {
    std::string channel;
    std::int64_t replay_id = 0;
    boost::json::object payload;              // ChangeEventHeader and the changed fields
    change_kind kind = change_kind::regular;  // from the header's changeType
    bool own_write = false;  // set by the client: caused by fakturad's own calls (changeOrigin)
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

// The kind of a ChangeEventHeader.changeType: GAP_OVERFLOW is an overflow, any other GAP_* a gap event, the
// rest (including a missing header) regular.
[[nodiscard]] change_kind classify_change(const boost::json::object& payload);

// Whether the event's ChangeEventHeader.changeOrigin names `client_name` (`...;client=<name>`), i.e. the
// change came from a call that carried `Sforce-Call-Options: client=<name>`.
[[nodiscard]] bool is_change_from_client(const change_event& event, std::string_view client_name);

}  // namespace fakturad::salesforce
