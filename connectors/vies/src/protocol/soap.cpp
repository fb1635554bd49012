#include "fakturad/vies/protocol.hpp"
#include "text_util.hpp"

#include <pugixml.hpp>

#include <sstream>

namespace fakturad::vies {
namespace {

std::string_view local_name(std::string_view qname) {
    const auto colon = qname.find(':');
    return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// The namespace URI of an element: its prefix resolved through the xmlns declarations in scope.
std::string_view namespace_of(pugi::xml_node node) {
    const std::string_view qname = node.name();
    const auto colon = qname.find(':');
    const std::string attr = colon == std::string_view::npos ? std::string("xmlns")
                                                             : "xmlns:" + std::string(qname.substr(0, colon));
    for (auto n = node; n; n = n.parent()) {
        if (auto a = n.attribute(attr.c_str())) {
            return a.value();
        }
    }
    return {};
}

bool is(pugi::xml_node node, std::string_view ns, std::string_view name) {
    return node.type() == pugi::node_element && local_name(node.name()) == name && namespace_of(node) == ns;
}

pugi::xml_node child(pugi::xml_node parent, std::string_view ns, std::string_view name) {
    for (auto c : parent.children()) {
        if (is(c, ns, name)) {
            return c;
        }
    }
    return {};
}

// Children of the response element: in the types namespace, or unqualified from lax servers.
pugi::xml_node field(pugi::xml_node parent, std::string_view name) {
    for (auto c : parent.children()) {
        if (c.type() == pugi::node_element && local_name(c.name()) == name) {
            const auto ns = namespace_of(c);
            if (ns == types_ns || ns.empty()) {
                return c;
            }
        }
    }
    return {};
}

std::string text_of(pugi::xml_node n) { return n ? std::string(n.text().get()) : std::string(); }

match_code soap_match(pugi::xml_node n) {
    if (!n) {
        return match_code::absent;
    }
    const auto t = detail::trim(text_of(n));
    if (t == "1") {
        return match_code::valid;
    }
    if (t == "2") {
        return match_code::invalid;
    }
    if (t == "3") {
        return match_code::not_processed;
    }
    return match_code::absent;
}

void add_text(pugi::xml_node parent, const char* name, std::string_view value) {
    parent.append_child(name).text().set(std::string(value).c_str());
}

}  // namespace

http_call build_soap_check(const check_request& request) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto env = doc.append_child("soapenv:Envelope");
    env.append_attribute("xmlns:soapenv") = std::string(soap_envelope_ns).c_str();
    env.append_attribute("xmlns:urn") = std::string(types_ns).c_str();
    env.append_child("soapenv:Header");
    auto body = env.append_child("soapenv:Body");
    const bool approx = request.requester.has_value();
    auto op = body.append_child(approx ? "urn:checkVatApprox" : "urn:checkVat");
    add_text(op, "urn:countryCode", request.target.country);
    add_text(op, "urn:vatNumber", request.target.number);
    if (approx) {
        // The WSDL's sequence order: trader fields, then requester fields.
        const std::pair<const char*, const std::string*> optional_fields[] = {
            {"urn:traderName", &request.trader_name},
            {"urn:traderCompanyType", &request.trader_company_type},
            {"urn:traderStreet", &request.trader_street},
            {"urn:traderPostcode", &request.trader_postcode},
            {"urn:traderCity", &request.trader_city},
        };
        for (const auto& [name, value] : optional_fields) {
            if (!value->empty()) {
                add_text(op, name, *value);
            }
        }
        add_text(op, "urn:requesterCountryCode", request.requester->country);
        add_text(op, "urn:requesterVatNumber", request.requester->number);
    }
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
    return http_call{
        "POST",
        "",
        {{"Content-Type", "text/xml; charset=utf-8"}, {"SOAPAction", "\"\""}},
        out.str(),
    };
}

parsed_response parse_soap_response(unsigned status, std::string_view body) {
    parsed_response out;
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed) {
        out.problem = "HTTP " + std::to_string(status) + ": not XML (" + parsed.description() + ")";
        return out;
    }
    const auto env = doc.document_element();
    if (!is(env, soap_envelope_ns, "Envelope")) {
        out.problem = "HTTP " + std::to_string(status) + ": not a SOAP 1.1 envelope";
        return out;
    }
    const auto soap_body = child(env, soap_envelope_ns, "Body");
    if (!soap_body) {
        out.problem = "HTTP " + std::to_string(status) + ": SOAP envelope without Body";
        return out;
    }
    if (const auto f = child(soap_body, soap_envelope_ns, "Fault")) {
        // faultcode/faultstring are unqualified in SOAP 1.1; match by local name only.
        std::string code;
        std::string fault_code;
        for (auto c : f.children()) {
            if (local_name(c.name()) == "faultstring") {
                code = detail::trim(text_of(c));
            } else if (local_name(c.name()) == "faultcode") {
                fault_code = detail::trim(text_of(c));
            }
        }
        out.fault =
            fault_answer{parse_fault_code(code), detail::truncate(code), detail::truncate(fault_code)};
        return out;
    }
    pugi::xml_node response = child(soap_body, types_ns, "checkVatResponse");
    const bool approx = !response;
    if (approx) {
        response = child(soap_body, types_ns, "checkVatApproxResponse");
    }
    if (!response) {
        out.problem =
            "HTTP " + std::to_string(status) + ": SOAP body holds neither a checkVat answer nor a fault";
        return out;
    }
    check_answer a;
    a.country = detail::trim(text_of(field(response, "countryCode")));
    a.number = detail::trim(text_of(field(response, "vatNumber")));
    a.request_date = detail::trim(text_of(field(response, "requestDate")));
    const auto valid_text = detail::trim(text_of(field(response, "valid")));
    if (valid_text == "true" || valid_text == "1") {
        a.valid = true;
    } else if (valid_text == "false" || valid_text == "0") {
        a.valid = false;
    } else {
        out.problem = "HTTP " + std::to_string(status) + ": answer without a valid true/false";
        return out;
    }
    if (approx) {
        a.name = detail::disclosed(text_of(field(response, "traderName")));
        a.address = detail::disclosed(text_of(field(response, "traderAddress")));
        a.company_type = detail::disclosed(text_of(field(response, "traderCompanyType")));
        a.street = detail::disclosed(text_of(field(response, "traderStreet")));
        a.postcode = detail::disclosed(text_of(field(response, "traderPostcode")));
        a.city = detail::disclosed(text_of(field(response, "traderCity")));
        a.name_match = soap_match(field(response, "traderNameMatch"));
        a.company_type_match = soap_match(field(response, "traderCompanyTypeMatch"));
        a.street_match = soap_match(field(response, "traderStreetMatch"));
        a.postcode_match = soap_match(field(response, "traderPostcodeMatch"));
        a.city_match = soap_match(field(response, "traderCityMatch"));
        const auto id = detail::trim(text_of(field(response, "requestIdentifier")));
        if (!id.empty() && id != "---") {
            a.request_identifier = id;
        }
    } else {
        a.name = detail::disclosed(text_of(field(response, "name")));
        a.address = detail::disclosed(text_of(field(response, "address")));
    }
    out.answer = std::move(a);
    return out;
}

}  // namespace fakturad::vies
