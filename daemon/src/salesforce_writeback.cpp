#include "salesforce_writeback.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace fakturad::daemon {
namespace {

namespace json = boost::json;

const json::string* text_of(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v != nullptr ? v->if_string() : nullptr;
}

// At most `limit` bytes of `text`, cut on a UTF-8 character boundary (the field lengths of the metadata).
std::string_view cut(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return text;
    }
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) {
        --end;
    }
    return text.substr(0, end);
}

}  // namespace

std::optional<json::object> vat_check_sobject(const store::outbox_message& message, std::string& problem) {
    boost::system::error_code ec;
    const json::value parsed = json::parse(message.payload, ec);
    if (ec || !parsed.is_object()) {
        problem = "payload is not a JSON object";
        return std::nullopt;
    }
    const json::object& p = parsed.get_object();
    const auto* account = text_of(p, "account_id");
    const auto* vat_id = text_of(p, "vat_id");
    const auto* verdict = text_of(p, "verdict");
    const auto* source = text_of(p, "source");
    const auto* checked_at = text_of(p, "checked_at");
    if (account == nullptr || vat_id == nullptr || verdict == nullptr || source == nullptr ||
        checked_at == nullptr) {
        problem = "payload lacks account_id, vat_id, verdict, source or checked_at";
        return std::nullopt;
    }
    json::object r{
        {std::string(external_id_field), message.idempotency_key},
        {"Account__c", *account},
        {"VAT_Number__c", cut(*vat_id, 20)},
        {"Verdict__c", *verdict},
        {"Valid__c", *verdict == "valid"},
        {"Source__c", *source},
        {"Checked_At__c", *checked_at},
    };
    auto copy = [&](std::string_view from, std::string_view to, std::size_t limit) {
        if (const auto* t = text_of(p, from)) {
            r[to] = cut(*t, limit);
        }
    };
    copy("trader_name", "Trader_Name__c", 255);
    copy("trader_address", "Trader_Address__c", 1000);
    copy("request_date", "Request_Date__c", 40);
    copy("consultation_number", "Request_Identifier__c", 40);
    copy("detail", "Detail__c", 255);
    return r;
}

std::optional<instant> retry_time(
    const store::outbox_message& message, bool permanent, instant now, unsigned max_attempts
) {
    if (permanent || message.attempts >= static_cast<std::int64_t>(max_attempts)) {
        return std::nullopt;
    }
    const auto steps = std::clamp<std::int64_t>(message.attempts - 1, 0, 6);
    return now + std::min<std::chrono::milliseconds>(
                     std::chrono::minutes{1} * (std::int64_t{1} << steps), std::chrono::hours{1}
                 );
}

}  // namespace fakturad::daemon
