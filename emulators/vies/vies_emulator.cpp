#include "vies_emulator.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fakturad::emulators::vies {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view envelope_ns = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr std::string_view types_ns = "urn:ec.europa.eu:taxud:vies:services:checkVat:types";

// The 27 member states (EL for Greece) and XI: what VIES answers for.
constexpr std::array<std::string_view, 28> vies_countries = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
};

bool is_vies_country(std::string_view cc) {
    return std::find(vies_countries.begin(), vies_countries.end(), cc) != vies_countries.end();
}

// The WSDL's input pattern for vatNumber: [0-9A-Za-z+*.]{2,12}.
bool plausible_number(std::string_view n) {
    if (n.size() < 2 || n.size() > 12) {
        return false;
    }
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '+' ||
               c == '*' || c == '.';
    });
}

std::string_view local_name(std::string_view q) {
    const auto colon = q.find(':');
    return colon == std::string_view::npos ? q : q.substr(colon + 1);
}

std::string_view namespace_of(pugi::xml_node node) {
    const std::string_view q = node.name();
    const auto colon = q.find(':');
    const std::string attr =
        colon == std::string_view::npos ? std::string("xmlns") : "xmlns:" + std::string(q.substr(0, colon));
    for (auto n = node; n; n = n.parent()) {
        if (auto a = n.attribute(attr.c_str())) {
            return a.value();
        }
    }
    return {};
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string today_with_offset() {
    const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    const std::chrono::year_month_day ymd{days};
    char buf[32];
    std::snprintf(
        buf,
        sizeof buf,
        "%04d-%02u-%02u+01:00",
        static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()),
        static_cast<unsigned>(ymd.day())
    );
    return buf;
}

std::string now_iso() { return today_with_offset().substr(0, 10) + "T09:00:00.000Z"; }

std::string test_service_answer(std::string_view number) {
    static const std::map<std::string, std::string, std::less<>> answers = {
        {"100", "valid"},
        {"200", "invalid"},
        {"201", "INVALID_INPUT"},
        {"202", "INVALID_REQUESTER_INFO"},
        {"300", "SERVICE_UNAVAILABLE"},
        {"301", "MS_UNAVAILABLE"},
        {"302", "TIMEOUT"},
        {"400", "VAT_BLOCKED"},
        {"401", "IP_BLOCKED"},
        {"500", "GLOBAL_MAX_CONCURRENT_REQ"},
        {"501", "GLOBAL_MAX_CONCURRENT_REQ_TIME"},
        {"600", "MS_MAX_CONCURRENT_REQ"},
        {"601", "MS_MAX_CONCURRENT_REQ_TIME"},
    };
    auto it = answers.find(number);
    return it == answers.end() ? "SERVICE_UNAVAILABLE" : it->second;
}

net::http_response soap_fault(std::string_view code) {
    net::http_response r;
    r.status = 500;
    r.set("Content-Type", "text/xml;charset=UTF-8");
    r.body = "<env:Envelope xmlns:env=\"" + std::string(envelope_ns) +
             "\"><env:Header/><env:Body><env:Fault><faultcode>env:Server</faultcode><faultstring>" +
             std::string(code) + "</faultstring></env:Fault></env:Body></env:Envelope>";
    return r;
}

net::http_response rest_error(std::string_view code) {
    net::http_response r;
    r.status = code == "INVALID_INPUT" ? 400 : 500;
    r.set("Content-Type", "application/json");
    json::object wrapper{{"error", code}, {"message", "emulated " + std::string(code)}};
    json::object body{{"actionSucceed", false}, {"errorWrappers", json::array{wrapper}}};
    r.body = json::serialize(body);
    return r;
}

net::http_response json_response(unsigned status, const json::value& v) {
    net::http_response r;
    r.status = status;
    r.set("Content-Type", "application/json");
    r.body = json::serialize(v);
    return r;
}

std::string unescape_newlines(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
            out += '\n';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

void load_records(const std::filesystem::path& file, emulator_options& options) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot read VIES emulator data file " + file.string());
    }
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        std::vector<std::string> cols;
        std::size_t start = 0;
        for (;;) {
            const auto tab = line.find('\t', start);
            cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            if (tab == std::string::npos) {
                break;
            }
            start = tab + 1;
        }
        const auto where = file.string() + ":" + std::to_string(line_no) + ": ";
        if (cols.size() < 3) {
            throw std::runtime_error(where + "expected COUNTRY<TAB>NUMBER<TAB>ANSWER");
        }
        record r;
        if (cols[2] == "valid") {
            r.valid = true;
        } else if (cols[2].starts_with("fault=")) {
            r.fault = cols[2].substr(6);
        } else if (cols[2] != "invalid") {
            throw std::runtime_error(where + "ANSWER must be valid, invalid or fault=CODE");
        }
        if (cols.size() > 3 && !cols[3].empty()) {
            r.name = cols[3];
        }
        if (cols.size() > 4 && !cols[4].empty()) {
            r.address = unescape_newlines(cols[4]);
        }
        if (cols.size() > 5 && !cols[5].empty()) {
            r.latency = std::chrono::milliseconds(std::stoll(cols[5]));
        }
        options.records[cols[0] + cols[1]] = std::move(r);
    }
}

emulator::emulator(emulator_options options) : options_(std::move(options)), random_(options_.seed) {}

void emulator::reset_stats() {
    for (auto& [cc, s] : stats_) {
        s.requests = 0;
        s.peak_in_flight = s.in_flight;
    }
    faults_sent_.clear();
    requests_ = 0;
}

std::string emulator::stats_json() const {
    json::object countries;
    for (const auto& [cc, s] : stats_) {
        countries[cc] = json::object{
            {"requests", s.requests},
            {"in_flight", s.in_flight},
            {"peak_in_flight", s.peak_in_flight},
        };
    }
    json::object faults;
    for (const auto& [code, n] : faults_sent_) {
        faults[code] = n;
    }
    return json::serialize(json::object{{"requests", requests_}, {"countries", countries}, {"faults", faults}}
    );
}

emulator::lookup emulator::decide(const query& q) {
    lookup l;
    if (q.test_service) {
        const auto answer = test_service_answer(q.number);
        if (answer == "valid" || answer == "invalid") {
            l.valid = answer == "valid";
            l.name = l.valid ? "EMULATED TEST TRADER" : "---";
            l.address = l.valid ? "1 TEST STREET\n1000 TEST CITY" : "---";
        } else {
            l.fault = answer;
        }
        return l;
    }
    if (std::find(options_.unavailable.begin(), options_.unavailable.end(), q.country) !=
        options_.unavailable.end()) {
        l.fault = "MS_UNAVAILABLE";
        return l;
    }
    for (const auto& rule : options_.faults) {
        if (rule.country == "*" || rule.country == q.country) {
            if (std::uniform_int_distribution<unsigned>(0, 99)(random_) < rule.percent) {
                l.fault = rule.code;
                return l;
            }
        }
    }
    if (auto it = options_.latency.find(q.country); it != options_.latency.end()) {
        l.latency = it->second;
    } else if (auto any = options_.latency.find("*"); any != options_.latency.end()) {
        l.latency = any->second;
    }
    if (auto it = options_.records.find(q.country + q.number); it != options_.records.end()) {
        l.valid = it->second.valid;
        l.fault = it->second.fault;
        l.name = it->second.name;
        l.address = it->second.address;
        if (it->second.latency.count() > 0) {
            l.latency = it->second.latency;
        }
        return l;
    }
    if (options_.unknown_answer.starts_with("fault=")) {
        l.fault = options_.unknown_answer.substr(6);
    } else {
        l.valid = options_.unknown_answer == "valid";
        l.name = "---";
        l.address = "---";
    }
    return l;
}

asio::awaitable<emulator::lookup> emulator::serve(const query& q) {
    auto& s = stats_[q.country];
    ++s.requests;
    ++s.in_flight;
    s.peak_in_flight = std::max(s.peak_in_flight, s.in_flight);
    // Leaves the in-flight count right even when the session is cancelled during the latency wait.
    struct in_flight_guard {
        country_stats& stats;
        ~in_flight_guard() { --stats.in_flight; }
    } guard{s};
    if (options_.max_concurrent_per_country != 0 && s.in_flight > options_.max_concurrent_per_country) {
        lookup busy;
        busy.fault = "MS_MAX_CONCURRENT_REQ";
        co_return busy;
    }
    auto l = decide(q);
    if (l.latency.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, l.latency);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return l;
}

asio::awaitable<net::http_response> emulator::handle(net::http_request request) {
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path == "/emulator/stats") {
        net::http_response r;
        r.set("Content-Type", "application/json");
        r.body = stats_json();
        co_return r;
    }
    if (path == "/emulator/reset" && request.method == "POST") {
        reset_stats();
        co_return net::http_response{204, {}, "", false, false};
    }
    if (path.ends_with("/check-status")) {
        json::array countries;
        for (auto cc : vies_countries) {
            const bool down = std::find(options_.unavailable.begin(), options_.unavailable.end(), cc) !=
                              options_.unavailable.end();
            countries.push_back(json::object{
                {"countryCode", cc}, {"availability", down ? "Unavailable" : "Available"}});
        }
        co_return json_response(
            200, json::object{{"vow", json::object{{"available", true}}}, {"countries", countries}}
        );
    }
    const bool soap = path.ends_with("/checkVatService") || path.ends_with("/checkVatTestService");
    const bool rest = path.ends_with("/check-vat-number") || path.ends_with("/check-vat-test-service");
    if (!soap && !rest) {
        net::http_response r;
        r.status = 404;
        r.set("Content-Type", "text/plain");
        r.body = "no such VIES endpoint: " + path + "\n";
        co_return r;
    }
    if (request.method != "POST") {
        net::http_response r;
        r.status = 405;
        r.set("Allow", "POST");
        co_return r;
    }
    ++requests_;
    auto fail = [&](std::string_view code) {
        ++faults_sent_[std::string(code)];
        return soap ? soap_fault(code) : rest_error(code);
    };

    query q;
    q.test_service = path.ends_with("TestService") || path.ends_with("test-service");
    if (soap) {
        pugi::xml_document doc;
        if (!doc.load_buffer(request.body.data(), request.body.size())) {
            co_return fail("INVALID_INPUT");
        }
        pugi::xml_node op;
        const auto env = doc.document_element();
        if (local_name(env.name()) == "Envelope" && namespace_of(env) == envelope_ns) {
            for (auto part : env.children()) {
                if (local_name(part.name()) == "Body" && namespace_of(part) == envelope_ns) {
                    for (auto c : part.children()) {
                        const auto ln = local_name(c.name());
                        if ((ln == "checkVat" || ln == "checkVatApprox") && namespace_of(c) == types_ns) {
                            op = c;
                            q.approx = ln == "checkVatApprox";
                        }
                    }
                }
            }
        }
        if (!op) {
            co_return fail("INVALID_INPUT");
        }
        for (auto c : op.children()) {
            const auto ln = local_name(c.name());
            const std::string text = c.text().get();
            if (ln == "countryCode") {
                q.country = text;
            } else if (ln == "vatNumber") {
                q.number = text;
            } else if (ln == "requesterCountryCode") {
                q.requester_country = text;
                q.requester_given = true;
            } else if (ln == "requesterVatNumber") {
                q.requester_number = text;
                q.requester_given = true;
            }
        }
    } else {
        boost::system::error_code ec;
        const auto doc = json::parse(request.body, ec);
        if (ec || !doc.is_object()) {
            co_return fail("INVALID_INPUT");
        }
        const auto& o = doc.get_object();
        auto str = [&o](const char* key) -> std::string {
            const auto* v = o.if_contains(key);
            return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
        };
        q.country = str("countryCode");
        q.number = str("vatNumber");
        q.requester_country = str("requesterMemberStateCode");
        q.requester_number = str("requesterNumber");
        q.requester_given = !q.requester_country.empty() || !q.requester_number.empty();
        q.approx = true;
    }
    if (!is_vies_country(q.country) || !plausible_number(q.number)) {
        co_return fail("INVALID_INPUT");
    }
    if (q.requester_given &&
        (!is_vies_country(q.requester_country) || !plausible_number(q.requester_number))) {
        co_return fail("INVALID_REQUESTER_INFO");
    }

    auto serving = serve(q);
    const auto l = co_await std::move(serving);
    if (!l.fault.empty()) {
        co_return fail(l.fault);
    }
    std::string consultation;
    if (q.requester_given && l.valid) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "WAPIEMU%010llu", static_cast<unsigned long long>(++consultations_));
        consultation = buf;
    }
    if (rest) {
        const auto* match = "NOT_PROCESSED";  // the emulator does not match trader data
        json::object body{
            {"countryCode", q.country},
            {"vatNumber", q.number},
            {"requestDate", now_iso()},
            {"valid", l.valid},
            {"requestIdentifier", consultation},
            {"name", l.valid ? l.name : "---"},
            {"address", l.valid ? l.address : "---"},
            {"traderName", "---"},
            {"traderStreet", "---"},
            {"traderPostalCode", "---"},
            {"traderCity", "---"},
            {"traderCompanyType", "---"},
            {"traderNameMatch", match},
            {"traderStreetMatch", match},
            {"traderPostalCodeMatch", match},
            {"traderCityMatch", match},
            {"traderCompanyTypeMatch", match},
        };
        co_return json_response(200, body);
    }
    std::ostringstream x;
    x << "<env:Envelope xmlns:env=\"" << envelope_ns << "\"><env:Header/><env:Body>";
    const char* element = q.approx ? "checkVatApproxResponse" : "checkVatResponse";
    x << "<ns2:" << element << " xmlns:ns2=\"" << types_ns << "\">";
    x << "<ns2:countryCode>" << xml_escape(q.country) << "</ns2:countryCode>";
    x << "<ns2:vatNumber>" << xml_escape(q.number) << "</ns2:vatNumber>";
    x << "<ns2:requestDate>" << today_with_offset() << "</ns2:requestDate>";
    x << "<ns2:valid>" << (l.valid ? "true" : "false") << "</ns2:valid>";
    if (q.approx) {
        // Live VIES: for valid=false the trader fields are empty, the company type "---".
        x << "<ns2:traderName>" << (l.valid ? xml_escape(l.name) : "") << "</ns2:traderName>";
        x << "<ns2:traderCompanyType>---</ns2:traderCompanyType>";
        x << "<ns2:traderAddress>" << (l.valid ? xml_escape(l.address) : "") << "</ns2:traderAddress>";
        x << "<ns2:requestIdentifier>" << consultation << "</ns2:requestIdentifier>";
    } else {
        x << "<ns2:name>" << (l.valid ? xml_escape(l.name) : "---") << "</ns2:name>";
        x << "<ns2:address>" << (l.valid ? xml_escape(l.address) : "---") << "</ns2:address>";
    }
    x << "</ns2:" << element << "></env:Body></env:Envelope>";
    net::http_response r;
    r.set("Content-Type", "text/xml;charset=UTF-8");
    r.body = x.str();
    co_return r;
}

}  // namespace fakturad::emulators::vies
