#include "schufa_emulator.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <optional>

namespace fakturad::emulators::schufa {

namespace json = boost::json;

namespace {

struct override_state {
    int score_delta = 0;
    std::vector<json::object> extra_negatives;
};

struct subscription {
    std::string subject_type;
    std::string subject_id;
    bool active = true;
};

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

std::string upper_alnum(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
            out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        }
    }
    return out;
}

std::string hex8(std::uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08llX", static_cast<unsigned long long>(h & 0xffffffffULL));
    return buf;
}

std::string hundredths(unsigned value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%u.%02u", value / 100, value % 100);
    return buf;
}

unsigned byte(char c) { return static_cast<unsigned char>(c); }

std::string base64(std::string_view in) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned n = (byte(in[i]) << 16U) | (byte(in[i + 1]) << 8U) | byte(in[i + 2]);
        out += {table[(n >> 18U) & 63U], table[(n >> 12U) & 63U], table[(n >> 6U) & 63U], table[n & 63U]};
    }
    if (i + 1 == in.size()) {
        const unsigned n = byte(in[i]) << 16U;
        out += {table[(n >> 18U) & 63U], table[(n >> 12U) & 63U], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned n = (byte(in[i]) << 16U) | (byte(in[i + 1]) << 8U);
        out += {table[(n >> 18U) & 63U], table[(n >> 12U) & 63U], table[(n >> 6U) & 63U], '='};
    }
    return out;
}

net::http_response json_response(unsigned status, const json::value& body) {
    net::http_response r;
    r.status = status;
    r.set("Content-Type", "application/json");
    r.body = json::serialize(body);
    return r;
}

net::http_response error(unsigned status, std::string_view code, std::string message, bool retryable) {
    return json_response(
        status, json::object{{"errorCode", code}, {"message", std::move(message)}, {"retryable", retryable}}
    );
}

std::string str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object* obj(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

// The contract's table of which legitimate interest allows which product.
bool interest_allows(std::string_view interest, std::string_view product) {
    const bool identity = product == "IDENTITAETSCHECK";
    if (interest == "CREDIT_APPLICATION" || interest == "EXISTING_RELATIONSHIP_REVIEW") {
        return !identity;
    }
    if (interest == "CONTRACT_INITIATION") {
        return true;
    }
    if (interest == "RECEIVABLE_COLLECTION") {
        return product == "KURZ" || product == "KOMPAKT" || product == "BONITAETSAUSKUNFT";
    }
    if (interest == "IDENTITY_AGE_VERIFICATION") {
        return identity;
    }
    return false;  // MONITORING and unknown codes: no report
}

int risk_class_of(int score) {
    constexpr std::array<int, 5> lower_bounds{500, 430, 360, 290, 200};
    int risk = 1;
    for (const int bound : lower_bounds) {
        if (score >= bound) {
            return risk;
        }
        ++risk;
    }
    return risk;
}

}  // namespace

struct emulator::state {
    emulator_options options;
    std::map<std::string, override_state> overrides;  // subject id -> injected changes
    std::map<std::string, subscription> subscriptions;
    std::vector<json::object> events;  // event i has cursor i + 1
    std::size_t acknowledged = 0;
    std::map<std::string, std::int64_t> requests;    // path -> count
    std::map<std::string, std::int64_t> references;  // customerReference -> count
    std::uint64_t next_request = 1;
    std::uint64_t next_subscription = 1;

    std::string request_id() {
        char buf[32];
        std::snprintf(buf, sizeof buf, "SIM-%08llu", static_cast<unsigned long long>(next_request++));
        return buf;
    }

    bool authorised(const net::http_request& r) const {
        const auto h = r.header("Authorization");
        return h && *h == "Basic " + base64(options.participant_id + ":" + options.password);
    }

    // Errors the name of the subject asks for (trigger words), if any.
    static std::optional<net::http_response> triggered_error(const std::string& key) {
        if (key.find("TIMEOUT") != std::string::npos) {
            return error(504, "TIMEOUT", "the SCHUFA back end did not answer in time", true);
        }
        if (key.find("UNAVAIL") != std::string::npos) {
            return error(503, "SERVICE_UNAVAILABLE", "the gateway is in maintenance", true);
        }
        if (key.find("RATELIMIT") != std::string::npos) {
            auto r = error(429, "RATE_LIMITED", "too many requests for this participant", true);
            r.set("Retry-After", "1");
            return r;
        }
        if (key.find("INVALIDREQ") != std::string::npos) {
            return error(400, "INVALID_REQUEST", "the subject data fails the gateway's validation", false);
        }
        if (key.find("NOTCONTRACTED") != std::string::npos) {
            return error(403, "PRODUCT_NOT_CONTRACTED", "the product is not part of the contract", false);
        }
        return std::nullopt;
    }

    json::array negatives(const std::string& key, const std::string& subject_id, std::uint64_t h) {
        json::array out;
        if (key.find("INSOLVENZ") != std::string::npos) {
            out.push_back(json::object{
                {"code", "IV01"},
                {"category", "INSOLVENCY_PROCEEDINGS"},
                {"date", "2026-09-01"},
                {"source", "Insolvenzbekanntmachungen"}});
        }
        if (key.find("NEGATIV") != std::string::npos) {
            out.push_back(json::object{
                {"code", "CC" + std::to_string(10 + h % 80)},
                {"category", "COLLECTION_CASE"},
                {"date", "2026-06-15"},
                {"amountEur", "1250.00"},
                {"source", "Inkasso"}});
        }
        if (const auto it = overrides.find(subject_id); it != overrides.end()) {
            for (const auto& extra : it->second.extra_negatives) {
                out.push_back(extra);
            }
        }
        return out;
    }

    int score_delta(const std::string& subject_id) const {
        const auto it = overrides.find(subject_id);
        return it == overrides.end() ? 0 : it->second.score_delta;
    }

    net::http_response b2b(const json::object& body) {
        const std::string product = str(body, "product");
        const auto* company = obj(body, "company");
        if (product != "KURZ" && product != "KOMPAKT" && product != "VOLL") {
            return error(400, "INVALID_REQUEST", "product must be KURZ, KOMPAKT or VOLL", false);
        }
        if (company == nullptr || str(*company, "name").empty() || str(*company, "name").size() > 60) {
            return error(400, "INVALID_REQUEST", "company.name is required (1..60 characters)", false);
        }
        if (auto denied = basis_error(body, product)) {
            return *denied;
        }
        const std::string name = str(*company, "name");
        const std::string key = upper_alnum(name);
        if (auto e = triggered_error(key)) {
            return *e;
        }
        json::object out{{"requestId", request_id()}, {"reportDate", options.today}};
        const std::string given_id = str(*company, "schufaCompanyId");
        if (key.find("NOHIT") != std::string::npos) {
            out["status"] = "NO_HIT";
            return json_response(200, out);
        }
        if (key.find("AMBIG") != std::string::npos && given_id.empty()) {
            out["status"] = "AMBIGUOUS";
            const auto h = fnv1a(key);
            out["candidates"] = json::array{
                json::object{
                    {"schufaCompanyId", "SC" + hex8(h)},
                    {"name", name},
                    {"city", str(*company, "city")},
                    {"registerNumber", "HRB " + std::to_string(10000 + h % 90000)}},
                json::object{
                    {"schufaCompanyId", "SC" + hex8(h >> 7U)},
                    {"name", name + " Holding"},
                    {"city", "Hamburg"},
                    {"registerNumber", "HRB " + std::to_string(10000 + (h >> 7U) % 90000)}}};
            return json_response(200, out);
        }
        const auto h = fnv1a(key + "|" + upper_alnum(str(*company, "postalCode")));
        const std::string subject_id = given_id.empty() ? "SC" + hex8(h) : given_id;
        const bool insolvent = key.find("INSOLVENZ") != std::string::npos;
        int score = insolvent ? 120 : 300 + static_cast<int>(h % 261);
        score = std::clamp(score + score_delta(subject_id), 100, 600);
        const int risk = risk_class_of(score);
        constexpr std::array<unsigned, 6> pd_base{25, 60, 120, 250, 500, 1200};
        const unsigned pd =
            pd_base.at(static_cast<std::size_t>(risk - 1)) + static_cast<unsigned>((h >> 8U) % 10);
        out["status"] = "HIT";
        const std::string city = str(*company, "city");
        json::object c{
            {"schufaCompanyId", subject_id},
            {"name", name},
            {"legalForm", key.ends_with("AG") ? "AG" : "GmbH"},
            {"address",
             json::object{
                 {"street", str(*company, "street")},
                 {"houseNumber", str(*company, "houseNumber")},
                 {"postalCode", str(*company, "postalCode")},
                 {"city", city},
                 {"country", str(*company, "country")}}},
            {"foundedOn", std::to_string(1950 + h % 70) + "-01-15"},
            {"register",
             json::object{
                 {"court", "Amtsgericht " + (city.empty() ? std::string("Berlin") : city)},
                 {"type", "HRB"},
                 {"number", std::to_string(10000 + h % 90000)}}},
            {"vatId", str(*company, "vatId")},
            {"industry", json::object{{"wz2008Code", "62.01"}, {"text", "Programmierungstätigkeiten"}}},
            {"status", insolvent ? "INSOLVENT" : "ACTIVE"}};
        out["company"] = std::move(c);
        if (product != "KURZ") {
            out["officers"] = json::array{
                json::object{{"role", "Geschäftsführer"}, {"name", "M. Beispiel"}, {"since", "2015-04-01"}}};
            out["shareholders"] =
                json::array{json::object{{"name", "Beispiel Beteiligungs GmbH"}, {"sharePct", "100.00"}}};
            out["financials"] = json::object{
                {"employees", static_cast<std::int64_t>(5 + h % 400)},
                {"revenueEur", std::to_string(250000 + (h % 5000) * 1000) + ".00"},
                {"shareCapitalEur", "25000.00"},
                {"year", 2025}};
            out["bankConnections"] =
                json::array{json::object{{"bankName", "Beispielbank"}, {"bic", "BEISDEFFXXX"}}};
        }
        out["score"] = json::object{
            {"value", score},
            {"scale", "SIM-B2B"},
            {"riskClass", risk},
            {"probabilityOfDefault12m", hundredths(pd)},
            {"trafficLight",
             risk <= 2   ? "GREEN"
             : risk <= 4 ? "YELLOW"
                         : "RED"}};
        out["negativeFeatures"] = negatives(key, subject_id, h);
        if (product == "VOLL") {
            constexpr std::array<unsigned, 6> limits{250000, 100000, 50000, 20000, 5000, 0};
            out["creditLimitRecommendationEur"] =
                std::to_string(limits.at(static_cast<std::size_t>(risk - 1))) + ".00";
        }
        return json_response(200, out);
    }

    std::optional<net::http_response> basis_error(const json::object& body, const std::string& product) {
        const std::string reference = str(body, "customerReference");
        if (reference.empty() || reference.size() > 40) {
            return error(400, "INVALID_REQUEST", "customerReference is required (1..40 characters)", false);
        }
        ++references[reference];
        const std::string interest = str(body, "legitimateInterest");
        if (interest.empty()) {
            return error(400, "LEGITIMATE_INTEREST_INVALID", "legitimateInterest is missing", false);
        }
        if (!interest_allows(interest, product)) {
            return error(
                400, "LEGITIMATE_INTEREST_INVALID", interest + " does not allow the product " + product, false
            );
        }
        if (std::find(options.contracted_products.begin(), options.contracted_products.end(), product) ==
            options.contracted_products.end()) {
            return error(403, "PRODUCT_NOT_CONTRACTED", product + " is not part of the contract", false);
        }
        return std::nullopt;
    }

    net::http_response b2c(const json::object& body, bool identity_check) {
        const std::string product = identity_check ? "IDENTITAETSCHECK" : "BONITAETSAUSKUNFT";
        const auto* person = obj(body, "person");
        if (person == nullptr || str(*person, "lastName").empty() || str(*person, "firstName").empty() ||
            str(*person, "birthDate").size() != 10) {
            return error(
                400,
                "INVALID_REQUEST",
                "person.firstName, person.lastName and person.birthDate are required",
                false
            );
        }
        if (auto denied = basis_error(body, product)) {
            return *denied;
        }
        const std::string key = upper_alnum(str(*person, "lastName"));
        if (auto e = triggered_error(key)) {
            return *e;
        }
        const auto h =
            fnv1a(key + "|" + upper_alnum(str(*person, "firstName")) + "|" + str(*person, "birthDate"));
        const std::string subject_id = "SP" + hex8(h);
        const bool hit = key.find("NOHIT") == std::string::npos;
        const bool previous_address = key.find("ALTADRESSE") != std::string::npos;
        json::object out{{"requestId", request_id()}, {"status", hit ? "HIT" : "NO_HIT"}};
        if (identity_check) {
            const std::string variant = str(body, "variant");
            out["identityVerified"] = hit;
            out["foundWithPreviousAddress"] = hit && previous_address;
            if (variant == "AGE_18") {
                // Of age: born on or before the same day 18 years before today.
                const std::string born = str(*person, "birthDate");
                const std::string limit =
                    std::to_string(std::stoi(options.today.substr(0, 4)) - 18) + options.today.substr(4);
                out["ageVerified"] = hit && born <= limit;
            }
            const std::string full = hit ? "FULL" : "NONE";
            out["match"] = json::object{
                {"lastName", full},
                {"firstName", full},
                {"birthDate", full},
                {"address", hit ? (previous_address ? "PARTIAL" : "FULL") : "NONE"}};
            return json_response(200, out);
        }
        out["identity"] =
            json::object{{"matched", hit}, {"foundWithPreviousAddress", hit && previous_address}};
        out["decisionSupportOnly"] = true;
        if (!hit) {
            return json_response(200, out);
        }
        const bool insolvent = key.find("INSOLVENZ") != std::string::npos;
        int score = insolvent ? 150 : 450 + static_cast<int>(h % 540);
        score = std::clamp(score + score_delta(subject_id), 100, 999);
        const unsigned pd = score >= 800 ? 80U : score >= 600 ? 250U : score >= 400 ? 600U : 1800U;
        out["score"] = json::object{
            {"value", score},
            {"category",
             score >= 800   ? "LOW_RISK"
             : score >= 600 ? "MEDIUM_RISK"
             : score >= 400 ? "ELEVATED_RISK"
                            : "HIGH_RISK"},
            {"probabilityOfDefault", hundredths(pd + static_cast<unsigned>((h >> 8U) % 10))}};
        out["negativeFeatures"] = negatives(key, subject_id, h);
        out["subjectId"] = subject_id;
        return json_response(200, out);
    }

    net::http_response subscribe(const json::object& body) {
        if (str(body, "legitimateInterest") != "MONITORING") {
            return error(
                400, "LEGITIMATE_INTEREST_INVALID", "subscriptions need legitimateInterest MONITORING", false
            );
        }
        const std::string type = str(body, "subjectType");
        const std::string subject = str(body, "subjectId");
        if ((type != "COMPANY" && type != "PERSON") || subject.empty()) {
            return error(
                400, "INVALID_REQUEST", "subjectType COMPANY|PERSON and subjectId are required", false
            );
        }
        for (auto& [id, s] : subscriptions) {
            if (s.subject_id == subject && s.active) {
                return json_response(200, json::object{{"subscriptionId", id}});
            }
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "SUB-%06llu", static_cast<unsigned long long>(next_subscription++));
        subscriptions[buf] = subscription{type, subject, true};
        return json_response(201, json::object{{"subscriptionId", buf}});
    }

    net::http_response unsubscribe(const std::string& id) {
        const auto it = subscriptions.find(id);
        if (it == subscriptions.end() || !it->second.active) {
            return error(404, "NOT_FOUND", "no active subscription " + id, false);
        }
        it->second.active = false;
        return json_response(200, json::object{{"subscriptionId", id}, {"active", false}});
    }

    net::http_response list_events(const std::string& target) {
        std::size_t after = 0;
        std::size_t limit = 100;
        if (const auto q = target.find('?'); q != std::string::npos) {
            std::string query = target.substr(q + 1);
            std::size_t start = 0;
            while (start <= query.size()) {
                const auto end = std::min(query.find('&', start), query.size());
                const std::string pair = query.substr(start, end - start);
                if (pair.starts_with("after=") && pair.size() > 6) {
                    after = std::stoul(pair.substr(6));
                } else if (pair.starts_with("limit=") && pair.size() > 6) {
                    limit = std::max<std::size_t>(1, std::stoul(pair.substr(6)));
                }
                start = end + 1;
            }
        }
        json::array list;
        std::size_t cursor = std::max(after, acknowledged);
        for (std::size_t i = cursor; i < events.size() && list.size() < limit; ++i) {
            list.push_back(events[i]);
            cursor = i + 1;
        }
        return json_response(
            200, json::object{{"events", std::move(list)}, {"nextCursor", std::to_string(cursor)}}
        );
    }

    net::http_response inject(const json::object& body) {
        const std::string id = str(body, "subscriptionId");
        const auto it = subscriptions.find(id);
        if (it == subscriptions.end()) {
            return error(404, "NOT_FOUND", "no subscription " + id, false);
        }
        auto& o = overrides[it->second.subject_id];
        std::string type = "SCORE_CHANGED";
        if (const auto* d = body.if_contains("scoreDelta"); d != nullptr && d->is_int64()) {
            o.score_delta += static_cast<int>(d->as_int64());
        }
        if (const std::string category = str(body, "addNegative"); !category.empty()) {
            o.extra_negatives.push_back(json::object{
                {"code", "EV" + std::to_string(events.size() + 1)},
                {"category", category},
                {"date", options.today},
                {"source", "Nachmeldung"}});
            type = "NEGATIVE_FEATURE_ADDED";
        }
        if (const std::string given = str(body, "type"); !given.empty()) {
            type = given;
        }
        json::object event{
            {"eventId", "EV-" + std::to_string(events.size() + 1)},
            {"subscriptionId", id},
            {"occurredAt", options.today + "T08:00:00Z"},
            {"type", type},
            {"before", json::object{}},
            {"after", json::object{{"scoreDelta", o.score_delta}}}};
        events.push_back(event);
        return json_response(201, event);
    }

    net::http_response stats() const {
        json::object r;
        for (const auto& [path, n] : requests) {
            r[path] = n;
        }
        json::object refs;
        for (const auto& [ref, n] : references) {
            refs[ref] = n;
        }
        json::object subs;
        for (const auto& [id, s] : subscriptions) {
            subs[id] = json::object{{"subjectId", s.subject_id}, {"active", s.active}};
        }
        return json_response(
            200,
            json::object{
                {"requests", std::move(r)},
                {"references", std::move(refs)},
                {"subscriptions", std::move(subs)},
                {"acknowledged", static_cast<std::int64_t>(acknowledged)}}
        );
    }
};

emulator::emulator(emulator_options options) : state_(std::make_unique<state>()) {
    state_->options = std::move(options);
}

emulator::~emulator() = default;

boost::asio::awaitable<net::http_response> emulator::handle(net::http_request request) {
    auto& s = *state_;
    const std::string path = request.target.substr(0, request.target.find('?'));
    ++s.requests[request.method + " " + path];
    if (path == "/v1/_sim/stats") {
        co_return s.stats();
    }
    boost::system::error_code ec;
    json::value doc = request.body.empty() ? json::value(json::object{}) : json::parse(request.body, ec);
    if (ec || !doc.is_object()) {
        co_return error(400, "INVALID_REQUEST", "the body must be a JSON object", false);
    }
    const auto& body = doc.as_object();
    if (path == "/v1/_sim/events" && request.method == "POST") {
        co_return s.inject(body);
    }
    if (!path.starts_with("/v1/")) {
        co_return error(404, "NOT_FOUND", "unknown endpoint " + path, false);
    }
    if (!s.authorised(request)) {
        co_return error(401, "UNAUTHORIZED", "participant credentials missing or wrong", false);
    }
    if (request.method == "POST" && path == "/v1/b2b/reports") {
        co_return s.b2b(body);
    }
    if (request.method == "POST" && path == "/v1/b2c/credit-reports") {
        co_return s.b2c(body, false);
    }
    if (request.method == "POST" && path == "/v1/b2c/identity-checks") {
        co_return s.b2c(body, true);
    }
    if (request.method == "POST" && path == "/v1/monitoring/subscriptions") {
        co_return s.subscribe(body);
    }
    constexpr std::string_view subscriptions_prefix = "/v1/monitoring/subscriptions/";
    if (request.method == "DELETE" && path.starts_with(subscriptions_prefix)) {
        co_return s.unsubscribe(path.substr(subscriptions_prefix.size()));
    }
    if (request.method == "GET" && path == "/v1/monitoring/events") {
        co_return s.list_events(request.target);
    }
    if (request.method == "POST" && path == "/v1/monitoring/events/ack") {
        const std::string up_to = str(body, "upTo");
        if (up_to.empty() || up_to.find_first_not_of("0123456789") != std::string::npos) {
            co_return error(400, "INVALID_REQUEST", "upTo must be a cursor from nextCursor", false);
        }
        s.acknowledged = std::max(s.acknowledged, std::min<std::size_t>(std::stoul(up_to), s.events.size()));
        co_return json_response(
            200, json::object{{"acknowledged", static_cast<std::int64_t>(s.acknowledged)}}
        );
    }
    co_return error(404, "NOT_FOUND", "unknown endpoint " + request.method + " " + path, false);
}

}  // namespace fakturad::emulators::schufa
