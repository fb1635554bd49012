#include "fakturad/schufa/protocol.hpp"

#include <boost/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace fakturad::schufa {

namespace json = boost::json;

namespace {

constexpr std::size_t remote_text_limit = 300;

// Remote text is untrusted: one line, bounded (STYLE E3).
std::string flattened(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, remote_text_limit)) {
        out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
    }
    return out;
}

std::string str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int> integer(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_int64()) {
        return std::nullopt;
    }
    return static_cast<int>(v->as_int64());
}

bool flag(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_bool() && v->as_bool();
}

// Percentages and amounts travel as strings in plain decimal notation (README.md): exact, never a double.
std::optional<decimal> decimal_of(const json::object& o, std::string_view key, std::string& problem) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        return std::nullopt;
    }
    if (!v->is_string()) {
        problem = std::string(key) + " must be a decimal string";
        return std::nullopt;
    }
    const auto parsed = parse_decimal(v->as_string());
    if (!parsed) {
        problem = std::string(key) + ": " + parse_error_message(v->as_string(), parsed.error());
        return std::nullopt;
    }
    return *parsed;
}

const json::object* object_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

const json::array* array_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

json::object envelope_json(const request_envelope& e) {
    return json::object{
        {"customerReference", e.customer_reference},
        {"legitimateInterest", info(e.legitimate_interest).code},
        {"legitimateInterestNote", e.legitimate_interest_note},
        {"salesforceRecordId", e.salesforce_record_id},
        {"requestedBy", e.requested_by},
        {"requestedAt", e.requested_at},
    };
}

json::object address_json(const person_subject& p) {
    return json::object{
        {"street", p.street},
        {"houseNumber", p.house_number},
        {"postalCode", p.postal_code},
        {"city", p.city},
        {"country", p.country},
    };
}

json::object person_json(const person_subject& p) {
    return json::object{
        {"firstName", p.first_name},
        {"lastName", p.last_name},
        {"gender", p.gender},
        {"birthDate", p.birth_date},
    };
}

api_call json_call(std::string method, std::string path, const json::object& body) {
    api_call c;
    c.method = std::move(method);
    c.path = std::move(path);
    c.headers.emplace_back("Content-Type", "application/json");
    c.headers.emplace_back("Accept", "application/json");
    c.body = json::serialize(body);
    return c;
}

std::optional<std::chrono::milliseconds> retry_after_of(std::optional<std::string_view> header) {
    if (!header) {
        return std::nullopt;
    }
    unsigned seconds = 0;
    const auto* end = header->data() + header->size();
    if (auto [p, ec] = std::from_chars(header->data(), end, seconds); ec != std::errc{} || p != end) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(std::chrono::seconds(std::min(seconds, 3600U)));
}

std::optional<json::object> parse_object(std::string_view body) {
    boost::system::error_code ec;
    auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        return std::nullopt;
    }
    return std::move(doc.as_object());
}

void read_score(const json::object& o, credit_report& r, std::string& problem) {
    const auto* score = object_at(o, "score");
    if (score == nullptr) {
        return;
    }
    r.score = integer(*score, "value");
    r.score_scale = str(*score, "scale");
    r.risk_class = integer(*score, "riskClass").value_or(0);
    r.probability_of_default = decimal_of(*score, "probabilityOfDefault12m", problem);
    if (!r.probability_of_default) {
        r.probability_of_default = decimal_of(*score, "probabilityOfDefault", problem);
    }
    r.traffic_light = str(*score, "trafficLight");
    if (r.traffic_light.empty()) {
        r.traffic_light = str(*score, "category");
    }
}

void read_negatives(const json::object& o, credit_report& r, std::string& problem) {
    const auto* list = array_at(o, "negativeFeatures");
    if (list == nullptr) {
        return;
    }
    for (const auto& item : *list) {
        if (!item.is_object()) {
            problem = "negativeFeatures must hold objects";
            return;
        }
        const auto& f = item.as_object();
        negative_feature n;
        n.code = str(f, "code");
        n.category = str(f, "category");
        n.date = str(f, "date");
        n.amount_eur = decimal_of(f, "amountEur", problem);
        n.source = str(f, "source");
        r.negative_features.push_back(std::move(n));
    }
}

}  // namespace

std::string_view to_string(error_code e) noexcept {
    switch (e) {
        case error_code::none:
            return "NONE";
        case error_code::invalid_request:
            return "INVALID_REQUEST";
        case error_code::legitimate_interest_invalid:
            return "LEGITIMATE_INTEREST_INVALID";
        case error_code::product_not_contracted:
            return "PRODUCT_NOT_CONTRACTED";
        case error_code::unauthorized:
            return "UNAUTHORIZED";
        case error_code::not_found:
            return "NOT_FOUND";
        case error_code::rate_limited:
            return "RATE_LIMITED";
        case error_code::service_unavailable:
            return "SERVICE_UNAVAILABLE";
        case error_code::timeout:
            return "TIMEOUT";
        case error_code::transport:
            return "TRANSPORT";
        case error_code::unreadable:
            return "UNREADABLE_ANSWER";
    }
    return "UNREADABLE_ANSWER";
}

bool retryable(error_code e) noexcept {
    return e == error_code::rate_limited || e == error_code::service_unavailable ||
           e == error_code::timeout || e == error_code::transport;
}

call_failure failure_of(unsigned status, std::string_view body, std::optional<std::string_view> retry_after) {
    call_failure f;
    f.retry_after = retry_after_of(retry_after);
    const auto doc = parse_object(body);
    const std::string code = doc ? str(*doc, "errorCode") : std::string();
    f.message = doc ? flattened(str(*doc, "message")) : flattened(body);
    constexpr std::array<std::pair<std::string_view, error_code>, 9> codes{{
        {"INVALID_REQUEST", error_code::invalid_request},
        {"LEGITIMATE_INTEREST_INVALID", error_code::legitimate_interest_invalid},
        {"PRODUCT_NOT_CONTRACTED", error_code::product_not_contracted},
        {"UNAUTHORIZED", error_code::unauthorized},
        {"NOT_FOUND", error_code::not_found},
        {"RATE_LIMITED", error_code::rate_limited},
        {"SERVICE_UNAVAILABLE", error_code::service_unavailable},
        {"TIMEOUT", error_code::timeout},
    }};
    for (const auto& [name, value] : codes) {
        if (!name.empty() && code == name) {
            f.code = value;
            return f;
        }
    }
    // No error body of the contract: judge by the status alone.
    if (status == 401 || status == 403) {
        f.code = error_code::unauthorized;
    } else if (status == 429) {
        f.code = error_code::rate_limited;
    } else if (status == 503 || status == 502) {
        f.code = error_code::service_unavailable;
    } else if (status == 504) {
        f.code = error_code::timeout;
    } else {
        f.code = error_code::unreadable;
        f.message = "HTTP " + std::to_string(status) + " without an error body of the contract: " + f.message;
    }
    return f;
}

api_call build_report_request(const report_request& request) {
    json::object body = envelope_json(request.envelope);
    if (is_b2b(request.which)) {
        const auto& c = request.company;
        json::object company{
            {"name", c.name},
            {"street", c.street},
            {"houseNumber", c.house_number},
            {"postalCode", c.postal_code},
            {"city", c.city},
            {"country", c.country},
        };
        if (!c.legal_form.empty()) {
            company["legalForm"] = c.legal_form;
        }
        if (!c.vat_id.empty()) {
            company["vatId"] = c.vat_id;
        }
        if (!c.schufa_company_id.empty()) {
            company["schufaCompanyId"] = c.schufa_company_id;
        }
        body["product"] = info(request.which).wire_code;
        body["includePdf"] = false;
        body["monitor"] = false;
        body["company"] = std::move(company);
        return json_call("POST", "/v1/b2b/reports", body);
    }
    body["person"] = person_json(request.person);
    body["address"] = address_json(request.person);
    if (request.which == product::identity) {
        body["variant"] = request.identity_variant;
        return json_call("POST", "/v1/b2c/identity-checks", body);
    }
    body["requestFeatureCode"] = request.request_feature_code;
    return json_call("POST", "/v1/b2c/credit-reports", body);
}

report_outcome parse_report_response(
    product which, unsigned status, std::string_view body, std::optional<std::string_view> retry_after
) {
    report_outcome out;
    if (status != 200) {
        out.failure = failure_of(status, body, retry_after);
        return out;
    }
    const auto doc = parse_object(body);
    if (!doc) {
        out.failure = {error_code::unreadable, "the answer is not a JSON object", std::nullopt};
        return out;
    }
    const auto& o = *doc;
    credit_report r;
    r.which = which;
    r.request_id = str(o, "requestId");
    const std::string status_text = str(o, "status");
    if (status_text == "HIT") {
        r.status = hit_status::hit;
    } else if (status_text == "NO_HIT") {
        r.status = hit_status::no_hit;
    } else if (status_text == "AMBIGUOUS") {
        r.status = hit_status::ambiguous;
    } else {
        out.failure = {
            error_code::unreadable, "unknown status '" + flattened(status_text) + "'", std::nullopt};
        return out;
    }
    if (r.request_id.empty()) {
        out.failure = {error_code::unreadable, "the answer has no requestId", std::nullopt};
        return out;
    }
    r.report_date = str(o, "reportDate");
    std::string problem;
    if (is_b2b(which)) {
        if (const auto* c = object_at(o, "company")) {
            r.subject_id = str(*c, "schufaCompanyId");
            r.subject_name = str(*c, "name");
            r.company_status = str(*c, "status");
        }
        if (const auto* list = array_at(o, "candidates")) {
            for (const auto& item : *list) {
                if (item.is_object()) {
                    const auto& c = item.as_object();
                    r.candidates.push_back(
                        {str(c, "schufaCompanyId"), str(c, "name"), str(c, "city"), str(c, "registerNumber")}
                    );
                }
            }
        }
        r.credit_limit_eur = decimal_of(o, "creditLimitRecommendationEur", problem);
    } else {
        identity_result id;
        if (const auto* i = object_at(o, "identity")) {
            id.matched = flag(*i, "matched");
            id.found_with_previous_address = flag(*i, "foundWithPreviousAddress");
        }
        if (which == product::identity) {
            id.matched = flag(o, "identityVerified");
            id.found_with_previous_address = flag(o, "foundWithPreviousAddress");
            if (const auto* age = o.if_contains("ageVerified"); age != nullptr && age->is_bool()) {
                id.age_verified = age->as_bool();
            }
            if (const auto* m = object_at(o, "match")) {
                id.match_last_name = str(*m, "lastName");
                id.match_first_name = str(*m, "firstName");
                id.match_birth_date = str(*m, "birthDate");
                id.match_address = str(*m, "address");
            }
        }
        r.identity = id;
        r.decision_support_only = flag(o, "decisionSupportOnly");
    }
    read_score(o, r, problem);
    read_negatives(o, r, problem);
    if (!problem.empty()) {
        out.failure = {error_code::unreadable, flattened(problem), std::nullopt};
        return out;
    }
    out.report = std::move(r);
    out.raw_body = std::string(body);
    return out;
}

api_call build_subscribe(const request_envelope& envelope, subject_type type, std::string_view subject_id) {
    json::object body = envelope_json(envelope);
    body["subjectType"] = type == subject_type::company ? "COMPANY" : "PERSON";
    body["subjectId"] = subject_id;
    return json_call("POST", "/v1/monitoring/subscriptions", body);
}

api_call build_unsubscribe(const request_envelope& envelope, std::string_view subscription_id) {
    api_call c = json_call("DELETE", "/v1/monitoring/subscriptions/" + std::string(subscription_id), {});
    c.body = json::serialize(envelope_json(envelope));
    return c;
}

api_call build_events(std::string_view after_cursor, unsigned limit) {
    api_call c;
    c.method = "GET";
    c.path = "/v1/monitoring/events?limit=" + std::to_string(limit);
    if (!after_cursor.empty()) {
        c.path += "&after=" + std::string(after_cursor);
    }
    c.headers.emplace_back("Accept", "application/json");
    return c;
}

api_call build_ack(std::string_view up_to_cursor) {
    return json_call("POST", "/v1/monitoring/events/ack", json::object{{"upTo", up_to_cursor}});
}

std::pair<std::string, call_failure> parse_subscribe_response(unsigned status, std::string_view body) {
    if (status != 200 && status != 201) {
        return {std::string(), failure_of(status, body, std::nullopt)};
    }
    const auto doc = parse_object(body);
    const std::string id = doc ? str(*doc, "subscriptionId") : std::string();
    if (id.empty()) {
        return {std::string(), call_failure{error_code::unreadable, "no subscriptionId in the answer", {}}};
    }
    return {id, call_failure{}};
}

event_page parse_events_response(unsigned status, std::string_view body) {
    event_page page;
    if (status != 200) {
        page.failure = failure_of(status, body, std::nullopt);
        return page;
    }
    const auto doc = parse_object(body);
    const json::array* list = doc ? array_at(*doc, "events") : nullptr;
    if (list == nullptr) {
        page.failure = {error_code::unreadable, "no events list in the answer", std::nullopt};
        return page;
    }
    for (const auto& item : *list) {
        if (!item.is_object()) {
            continue;
        }
        const auto& e = item.as_object();
        monitoring_event m{str(e, "eventId"), str(e, "subscriptionId"), str(e, "occurredAt"), str(e, "type")};
        if (!m.event_id.empty() && !m.subscription_id.empty()) {
            page.events.push_back(std::move(m));
        }
    }
    page.next_cursor = str(*doc, "nextCursor");
    return page;
}

std::string basic_authorization(std::string_view participant_id, std::string_view password) {
    std::string plain = std::string(participant_id) + ":" + std::string(password);
    std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(out.data()),
        reinterpret_cast<const unsigned char*>(plain.data()),
        static_cast<int>(plain.size())
    );
    std::fill(plain.begin(), plain.end(), '\0');
    out.resize(static_cast<std::size_t>(n));
    return "Basic " + out;
}

std::string subject_hash(const report_request& request) {
    std::string normal;
    auto add = [&normal](std::string_view part) {
        for (const char c : part) {
            if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
                normal.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
            }
        }
        normal.push_back('|');
    };
    if (is_b2b(request.which)) {
        add(request.company.name);
        add(request.company.postal_code);
        add(request.company.city);
    } else {
        add(request.person.first_name);
        add(request.person.last_name);
        add(request.person.birth_date);
        add(request.person.postal_code);
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(normal.data(), normal.size(), digest.data(), &length, EVP_sha256(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < length; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 0x0f]);
    }
    return out;
}

}  // namespace fakturad::schufa
