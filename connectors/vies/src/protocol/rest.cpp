#include "fakturad/vies/protocol.hpp"
#include "text_util.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace fakturad::vies {
namespace {

namespace json = boost::json;

std::string string_field(const json::object& o, std::string_view key) {
    if (const auto* v = o.if_contains(key); v != nullptr && v->is_string()) {
        return std::string(v->get_string());
    }
    return {};
}

disclosed_text disclosed_field(const json::object& o, std::string_view key) {
    return detail::disclosed(string_field(o, key));
}

match_code rest_match(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) {
        return match_code::absent;
    }
    // The documented API sends VALID/INVALID/NOT_PROCESSED; the web UI's endpoint sends 1/2/3.
    if (v->is_string()) {
        const auto s = v->get_string();
        if (s == "VALID") {
            return match_code::valid;
        }
        if (s == "INVALID") {
            return match_code::invalid;
        }
        if (s == "NOT_PROCESSED") {
            return match_code::not_processed;
        }
    } else if (v->is_int64()) {
        switch (v->get_int64()) {
            case 1:
                return match_code::valid;
            case 2:
                return match_code::invalid;
            case 3:
                return match_code::not_processed;
            default:
                break;
        }
    }
    return match_code::absent;
}

}  // namespace

http_call build_rest_check(const check_request& request) {
    json::object body;
    body["countryCode"] = request.target.country;
    body["vatNumber"] = request.target.number;
    if (request.requester) {
        body["requesterMemberStateCode"] = request.requester->country;
        body["requesterNumber"] = request.requester->number;
    }
    const std::pair<const char*, const std::string*> optional_fields[] = {
        {"traderName", &request.trader_name},
        {"traderStreet", &request.trader_street},
        {"traderPostalCode", &request.trader_postcode},
        {"traderCity", &request.trader_city},
        {"traderCompanyType", &request.trader_company_type},
    };
    for (const auto& [name, value] : optional_fields) {
        if (!value->empty()) {
            body[name] = *value;
        }
    }
    return http_call{
        "POST",
        "/check-vat-number",
        {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
        json::serialize(body),
    };
}

http_call build_rest_status() {
    return http_call{"GET", "/check-status", {{"Accept", "application/json"}}, ""};
}

parsed_response parse_rest_response(unsigned status, std::string_view body) {
    parsed_response out;
    boost::system::error_code ec;
    const auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        out.problem = "HTTP " + std::to_string(status) + ": not a JSON object";
        return out;
    }
    const auto& o = doc.get_object();
    // The body decides: an error wrapper is a fault whatever the HTTP status says.
    if (const auto* wrappers = o.if_contains("errorWrappers"); wrappers != nullptr && wrappers->is_array()) {
        for (const auto& w : wrappers->get_array()) {
            if (w.is_object()) {
                const auto code = detail::trim(string_field(w.get_object(), "error"));
                if (!code.empty()) {
                    out.fault = fault_answer{
                        parse_fault_code(code),
                        detail::truncate(code),
                        detail::truncate(string_field(w.get_object(), "message")),
                    };
                    return out;
                }
            }
        }
    }
    if (const auto* s = o.if_contains("actionSucceed"); s != nullptr && s->is_bool() && !s->get_bool()) {
        out.fault = fault_answer{fault::unknown, "", "actionSucceed=false without an error code"};
        return out;
    }
    const auto* valid = o.if_contains("valid");
    if (valid == nullptr || !valid->is_bool()) {
        out.problem = "HTTP " + std::to_string(status) + ": answer without a valid true/false";
        return out;
    }
    check_answer a;
    a.valid = valid->get_bool();
    a.country = string_field(o, "countryCode");
    a.number = string_field(o, "vatNumber");
    a.request_date = string_field(o, "requestDate");
    const auto id = detail::trim(string_field(o, "requestIdentifier"));
    if (!id.empty() && id != "---") {
        a.request_identifier = id;
    }
    a.name = disclosed_field(o, "name");
    a.address = disclosed_field(o, "address");
    if (!a.name.value && !a.name.undisclosed) {
        a.name = disclosed_field(o, "traderName");
    }
    a.company_type = disclosed_field(o, "traderCompanyType");
    a.street = disclosed_field(o, "traderStreet");
    a.postcode = disclosed_field(o, "traderPostalCode");
    a.city = disclosed_field(o, "traderCity");
    a.name_match = rest_match(o, "traderNameMatch");
    a.company_type_match = rest_match(o, "traderCompanyTypeMatch");
    a.street_match = rest_match(o, "traderStreetMatch");
    a.postcode_match = rest_match(o, "traderPostalCodeMatch");
    a.city_match = rest_match(o, "traderCityMatch");
    out.answer = std::move(a);
    return out;
}

std::optional<status_answer> parse_rest_status(std::string_view body) {
    boost::system::error_code ec;
    const auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        return std::nullopt;
    }
    const auto& o = doc.get_object();
    const auto* countries = o.if_contains("countries");
    if (countries == nullptr || !countries->is_array()) {
        return std::nullopt;
    }
    status_answer out;
    if (const auto* vow = o.if_contains("vow"); vow != nullptr && vow->is_object()) {
        if (const auto* a = vow->get_object().if_contains("available"); a != nullptr && a->is_bool()) {
            out.vow_available = a->get_bool();
        }
    }
    for (const auto& c : countries->get_array()) {
        if (!c.is_object()) {
            continue;
        }
        member_state_status s;
        s.country = string_field(c.get_object(), "countryCode");
        const auto state = string_field(c.get_object(), "availability");
        if (state == "Available") {
            s.state = availability::available;
        } else if (state == "Unavailable") {
            s.state = availability::unavailable;
        } else if (state == "Monitoring Disabled") {
            s.state = availability::monitoring_disabled;
        }
        out.countries.push_back(std::move(s));
    }
    return out;
}

}  // namespace fakturad::vies
