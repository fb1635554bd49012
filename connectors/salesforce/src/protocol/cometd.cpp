#include "fakturad/salesforce/cometd.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace fakturad::salesforce {

namespace json = boost::json;

namespace {

std::string text_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string one(json::object message) {
    return json::serialize(json::array{json::value(std::move(message))});
}

}  // namespace

std::string build_handshake(unsigned id) {
    return one(json::object{
        {"channel", "/meta/handshake"},
        {"version", "1.0"},
        {"minimumVersion", "1.0"},
        {"supportedConnectionTypes", json::array{"long-polling"}},
        {"ext", json::object{{"replay", true}}},
        {"id", std::to_string(id)}});
}

std::string build_subscribe(
    std::string_view client_id, std::string_view channel, std::int64_t replay_from, unsigned id
) {
    json::object replay;
    replay[channel] = replay_from;
    return one(json::object{
        {"channel", "/meta/subscribe"},
        {"clientId", client_id},
        {"subscription", channel},
        {"ext", json::object{{"replay", std::move(replay)}}},
        {"id", std::to_string(id)}});
}

std::string build_connect(std::string_view client_id, unsigned id) {
    return one(json::object{
        {"channel", "/meta/connect"},
        {"clientId", client_id},
        {"connectionType", "long-polling"},
        {"id", std::to_string(id)}});
}

std::string build_disconnect(std::string_view client_id, unsigned id) {
    return one(json::object{
        {"channel", "/meta/disconnect"}, {"clientId", client_id}, {"id", std::to_string(id)}});
}

boost::system::result<bayeux_batch, call_error> parse_bayeux(std::string_view body) {
    std::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_array()) {
        return call_error{
            errc::bad_response, "streaming", 200, {}, "the CometD answer is not a JSON array", 0};
    }
    bayeux_batch batch;
    for (auto& m : v.as_array()) {
        if (!m.is_object()) {
            continue;
        }
        auto& o = m.as_object();
        const std::string channel = text_at(o, "channel");
        if (channel.rfind("/meta/", 0) == 0) {
            bayeux_reply r;
            r.channel = channel;
            const auto* ok = o.if_contains("successful");
            r.successful = ok != nullptr && ok->is_bool() && ok->as_bool();
            r.error = truncate_remote_text(text_at(o, "error"));
            r.client_id = text_at(o, "clientId");
            if (const auto* advice = o.if_contains("advice"); advice != nullptr && advice->is_object()) {
                r.reconnect = text_at(advice->as_object(), "reconnect");
            }
            batch.replies.push_back(std::move(r));
            continue;
        }
        auto* data = o.if_contains("data");
        if (data == nullptr || !data->is_object()) {
            continue;
        }
        change_event e;
        e.channel = channel;
        const auto* event = data->as_object().if_contains("event");
        const auto* replay =
            event != nullptr && event->is_object() ? event->as_object().if_contains("replayId") : nullptr;
        if (replay == nullptr || !replay->is_number()) {
            return call_error{
                errc::bad_response,
                "streaming",
                200,
                {},
                "an event on " + channel + " has no event.replayId",
                0};
        }
        e.replay_id = replay->to_number<std::int64_t>();
        if (auto* payload = data->as_object().if_contains("payload");
            payload != nullptr && payload->is_object()) {
            e.payload = std::move(payload->as_object());
        }
        e.kind = classify_change(e.payload);
        batch.events.push_back(std::move(e));
    }
    return batch;
}

change_kind classify_change(const json::object& payload) {
    const auto* header = payload.if_contains("ChangeEventHeader");
    if (header == nullptr || !header->is_object()) {
        return change_kind::regular;
    }
    const std::string type = text_at(header->as_object(), "changeType");
    if (type == "GAP_OVERFLOW") {
        return change_kind::overflow;
    }
    return type.starts_with("GAP_") ? change_kind::gap : change_kind::regular;
}

bool is_change_from_client(const change_event& event, std::string_view client_name) {
    const auto* header = event.payload.if_contains("ChangeEventHeader");
    if (header == nullptr || !header->is_object() || client_name.empty()) {
        return false;
    }
    const std::string origin = text_at(header->as_object(), "changeOrigin");
    const std::string needle = ";client=" + std::string(client_name);
    const auto at = origin.find(needle);
    if (at == std::string::npos) {
        return false;
    }
    const auto end = at + needle.size();
    return end == origin.size() || origin[end] == ';' || origin[end] == ',';
}

}  // namespace fakturad::salesforce
