#include "sync_error_record.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>

namespace fakturad::daemon {
namespace {

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : text) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return h;
}

}  // namespace

std::optional<store::outbox_intent> sync_error_intent(
    const mapping::bound_writeback* writeback, const sync_error_facts& facts
) {
    const auto* target =
        writeback == nullptr ? nullptr : writeback->find(mapping::writeback_target::sync_error);
    if (target == nullptr) {
        return std::nullopt;
    }
    std::string all;
    for (const auto& p : facts.problems) {
        all += p + "\n";
    }
    const std::string key = "sync_error:" + facts.object + ":" + facts.record_id;
    auto value_of = [&](std::string_view name) -> mapping::writeback_value {
        if (name == "key") return key;
        if (name == "object") return facts.object;
        if (name == "record_id") return facts.record_id;
        if (name == "code") return facts.code;
        if (name == "message") return all.substr(0, 32000);
        if (name == "occurred_at") return facts.seen;
        if (name == "mapping") return facts.mapping;
        return std::monostate{};
    };
    const boost::json::object payload{
        {"object", target->object},
        {"external_id", target->external_id},
        {"record", writeback->render(mapping::writeback_target::sync_error, value_of)}};
    store::outbox_intent intent;
    intent.kind = std::string(sync_error_writeback_kind);
    intent.idempotency_key = key + ":" + std::to_string(fnv1a(facts.code + "\n" + all));
    intent.payload = boost::json::serialize(payload);
    return intent;
}

}  // namespace fakturad::daemon
