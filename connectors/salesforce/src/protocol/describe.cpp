#include "fakturad/salesforce/describe.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace fakturad::salesforce {

namespace json = boost::json;

namespace {

call_error unreadable(std::string what, std::string why) {
    return call_error{errc::bad_response, std::move(what), 200, {}, std::move(why), 0};
}

}  // namespace

api_request build_describe(std::string_view version, std::string_view object) {
    api_request r;
    r.path = "/services/data/" + std::string(version) + "/sobjects/" + percent_encode(object) + "/describe";
    r.what = "describe " + std::string(object);
    return r;
}

boost::system::result<json::object, call_error> parse_describe(std::string_view body) {
    std::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) {
        return unreadable("describe", "the describe answer is not a JSON object");
    }
    const auto* name = v.as_object().if_contains("name");
    const auto* fields = v.as_object().if_contains("fields");
    if (name == nullptr || !name->is_string() || fields == nullptr || !fields->is_array()) {
        return unreadable("describe", "the describe answer lacks name or fields");
    }
    return std::move(v.as_object());
}

api_request build_describe_global(std::string_view version) {
    api_request r;
    r.path = "/services/data/" + std::string(version) + "/sobjects";
    r.what = "describe global";
    return r;
}

boost::system::result<std::vector<std::string>, call_error> parse_describe_global(std::string_view body) {
    std::error_code ec;
    const json::value v = json::parse(body, ec);
    const json::value* list = !ec && v.is_object() ? v.as_object().if_contains("sobjects") : nullptr;
    if (list == nullptr || !list->is_array()) {
        return unreadable("describe global", "the answer has no sobjects array");
    }
    std::vector<std::string> names;
    names.reserve(list->as_array().size());
    for (const auto& entry : list->as_array()) {
        const json::value* name = entry.is_object() ? entry.as_object().if_contains("name") : nullptr;
        if (name == nullptr || !name->is_string()) {
            return unreadable("describe global", "an sobjects entry has no name");
        }
        names.emplace_back(name->as_string());
    }
    return names;
}

}  // namespace fakturad::salesforce
