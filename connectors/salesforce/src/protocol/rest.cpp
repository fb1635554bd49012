#include "fakturad/salesforce/rest.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace fakturad::salesforce {

namespace json = boost::json;

namespace {

std::string data_path(std::string_view version) { return "/services/data/" + std::string(version); }

call_error unreadable(std::string what, std::string why) {
    return call_error{errc::bad_response, std::move(what), 200, {}, std::move(why), 0};
}

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) {
        return std::nullopt;
    }
    return std::string(v->as_string());
}

save_result to_save_result(const json::object& o) {
    save_result r;
    const auto* success = o.if_contains("success");
    r.success = success != nullptr && success->is_bool() && success->as_bool();
    r.id = string_field(o, "id");
    const auto* created = o.if_contains("created");
    r.created = created != nullptr && created->is_bool() && created->as_bool();
    if (const auto* errors = o.if_contains("errors"); errors != nullptr && errors->is_array()) {
        r.errors = parse_error_body(json::serialize(*errors));
    }
    if (!r.success && r.errors.empty()) {
        r.errors.push_back(api_error_item{{}, "Salesforce reported a failure without an error entry", {}});
    }
    return r;
}

}  // namespace

api_request build_query(
    std::string_view version, std::string_view soql, bool include_deleted, unsigned batch_size
) {
    api_request r;
    r.path = data_path(version) + (include_deleted ? "/queryAll?q=" : "/query?q=") + percent_encode(soql);
    r.headers.emplace_back("Sforce-Query-Options", "batchSize=" + std::to_string(batch_size));
    r.what = include_deleted ? "queryAll" : "query";
    return r;
}

boost::system::result<api_request, call_error> build_next_page(std::string_view next_records_url) {
    constexpr std::string_view prefix = "/services/data/";
    if (next_records_url.substr(0, prefix.size()) != prefix) {
        return unreadable("query next page", "nextRecordsUrl is not a /services/data/ path");
    }
    api_request r;
    r.path = std::string(next_records_url);
    r.what = "query next page";
    return r;
}

boost::system::result<query_page, call_error> parse_query_page(std::string_view body) {
    std::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) {
        return unreadable("query", "the query answer is not a JSON object");
    }
    auto& o = v.as_object();
    query_page page;
    const auto* total = o.if_contains("totalSize");
    const auto* done = o.if_contains("done");
    auto* records = o.if_contains("records");
    if (total == nullptr || !total->is_number() || done == nullptr || !done->is_bool() ||
        records == nullptr || !records->is_array()) {
        return unreadable("query", "the query answer lacks totalSize, done or records");
    }
    page.total_size = total->to_number<std::uint64_t>();
    page.done = done->as_bool();
    page.next_records_url = string_field(o, "nextRecordsUrl");
    page.records = std::move(records->as_array());
    if (!page.done && !page.next_records_url) {
        return unreadable("query", "the query answer is not done but has no nextRecordsUrl");
    }
    return page;
}

api_request build_collection_upsert(
    std::string_view version,
    std::string_view object,
    std::string_view external_id_field,
    const std::vector<json::object>& records
) {
    json::array list;
    list.reserve(records.size());
    for (const auto& rec : records) {
        json::object with_type = rec;
        with_type["attributes"] = json::object{{"type", object}};
        list.emplace_back(std::move(with_type));
    }
    api_request r;
    r.method = "PATCH";
    r.path = data_path(version) + "/composite/sobjects/" + std::string(object) + "/" +
             std::string(external_id_field);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = json::serialize(json::object{{"allOrNone", false}, {"records", std::move(list)}});
    r.idempotent = true;
    r.what = "upsert " + std::string(object) + " by " + std::string(external_id_field);
    return r;
}

api_request build_collection_create(
    std::string_view version, std::string_view object, const std::vector<json::object>& records
) {
    json::array list;
    list.reserve(records.size());
    for (const auto& rec : records) {
        json::object with_type = rec;
        with_type["attributes"] = json::object{{"type", object}};
        list.emplace_back(std::move(with_type));
    }
    api_request r;
    r.method = "POST";
    r.path = data_path(version) + "/composite/sobjects";
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = json::serialize(json::object{{"allOrNone", false}, {"records", std::move(list)}});
    r.idempotent = false;
    r.what = "create " + std::string(object);
    return r;
}

boost::system::result<std::vector<save_result>, call_error> parse_save_results(
    std::string_view body, std::size_t expected
) {
    std::error_code ec;
    const json::value v = json::parse(body, ec);
    if (ec || !v.is_array()) {
        return unreadable("collections", "the collections answer is not a JSON array");
    }
    if (v.as_array().size() != expected) {
        return unreadable(
            "collections",
            "the collections answer has " + std::to_string(v.as_array().size()) + " results for " +
                std::to_string(expected) + " records"
        );
    }
    std::vector<save_result> out;
    out.reserve(expected);
    for (const auto& e : v.as_array()) {
        if (!e.is_object()) {
            return unreadable("collections", "a collections result is not an object");
        }
        out.push_back(to_save_result(e.as_object()));
    }
    return out;
}

json::object content_version_record(const file_upload& file) {
    json::object o{
        {"Title", file.title},
        {"PathOnClient", file.path_on_client},
        {"FirstPublishLocationId", file.linked_record_id},
        {"VersionData", base64_encode(file.data)}};
    if (!file.description.empty()) {
        o["Description"] = file.description;
    }
    return o;
}

api_request build_content_version_multipart(
    std::string_view version, const file_upload& file, std::string_view boundary
) {
    json::object entity{
        {"Title", file.title},
        {"PathOnClient", file.path_on_client},
        {"FirstPublishLocationId", file.linked_record_id}};
    if (!file.description.empty()) {
        entity["Description"] = file.description;
    }
    const std::string b(boundary);
    std::string body;
    body.reserve(file.data.size() + 1024);
    body += "--" + b + "\r\n";
    body += "Content-Disposition: form-data; name=\"entity_content\"\r\n";
    body += "Content-Type: application/json\r\n\r\n";
    body += json::serialize(entity);
    body += "\r\n--" + b + "\r\n";
    body +=
        "Content-Disposition: form-data; name=\"VersionData\"; filename=\"" + file.path_on_client + "\"\r\n";
    body += "Content-Type: " + file.content_type + "\r\n\r\n";
    body += file.data;
    body += "\r\n--" + b + "--\r\n";
    api_request r;
    r.method = "POST";
    r.path = data_path(version) + "/sobjects/ContentVersion";
    r.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + b);
    r.body = std::move(body);
    r.idempotent = false;
    r.what = "insert ContentVersion " + file.path_on_client;
    return r;
}

boost::system::result<save_result, call_error> parse_create_result(std::string_view body) {
    std::error_code ec;
    const json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) {
        return unreadable("create", "the create answer is not a JSON object");
    }
    return to_save_result(v.as_object());
}

std::string base64_encode(std::string_view data) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        const std::uint32_t n = (std::uint32_t{static_cast<unsigned char>(data[i])} << 16U) |
                                (std::uint32_t{static_cast<unsigned char>(data[i + 1])} << 8U) |
                                std::uint32_t{static_cast<unsigned char>(data[i + 2])};
        out += alphabet[(n >> 18U) & 63U];
        out += alphabet[(n >> 12U) & 63U];
        out += alphabet[(n >> 6U) & 63U];
        out += alphabet[n & 63U];
    }
    if (i < data.size()) {
        std::uint32_t n = std::uint32_t{static_cast<unsigned char>(data[i])} << 16U;
        if (i + 1 < data.size()) {
            n |= std::uint32_t{static_cast<unsigned char>(data[i + 1])} << 8U;
        }
        out += alphabet[(n >> 18U) & 63U];
        out += alphabet[(n >> 12U) & 63U];
        out += i + 1 < data.size() ? alphabet[(n >> 6U) & 63U] : '=';
        out += '=';
    }
    return out;
}

}  // namespace fakturad::salesforce
