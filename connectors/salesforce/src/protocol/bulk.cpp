#include "fakturad/salesforce/bulk.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <set>
#include <utility>

namespace fakturad::salesforce {

namespace json = boost::json;

namespace {

// A request on one job: jobs/query/<job_id>, named "bulk query job <id> (<step>)".
api_request job_request(
    std::string method, std::string_view version, std::string_view job_id, std::string_view step
) {
    api_request r;
    r.method = std::move(method);
    r.path = "/services/data/" + std::string(version) + "/jobs/query/" + percent_encode(job_id);
    r.what = "bulk query job " + std::string(job_id) + " (" + std::string(step) + ")";
    return r;
}

call_error unreadable(std::string what, std::string why) {
    return call_error{errc::bad_response, std::move(what), 200, {}, std::move(why), 0};
}

using csv_rows = std::vector<std::vector<std::string>>;

// RFC 4180 rows; the error names the line (1-based, counting line breaks inside quoted fields too).
boost::system::result<csv_rows, std::string> parse_csv(std::string_view text) {
    csv_rows out;
    std::vector<std::string> row;
    std::size_t line = 1;
    std::size_t i = 0;
    const std::size_t n = text.size();
    const auto at_line_end = [&](std::size_t k) {
        return text[k] == '\n' || (text[k] == '\r' && k + 1 < n && text[k + 1] == '\n');
    };
    while (i < n) {
        std::string field;
        if (text[i] == '"') {
            const std::size_t opened = line;
            ++i;
            for (;;) {
                if (i >= n) {
                    return "line " + std::to_string(opened) + ": a quoted field is not closed";
                }
                const char c = text[i++];
                if (c == '"') {
                    if (i < n && text[i] == '"') {
                        field += '"';
                        ++i;
                        continue;
                    }
                    break;
                }
                line += c == '\n' ? 1U : 0U;
                field += c;
            }
            if (i < n && text[i] != ',' && !at_line_end(i)) {
                return "line " + std::to_string(line) + ": text after the closing quote of a field";
            }
        } else {
            while (i < n && text[i] != ',' && !at_line_end(i)) {
                if (text[i] == '"') {
                    return "line " + std::to_string(line) + ": a quote inside an unquoted field";
                }
                field += text[i++];
            }
        }
        row.push_back(std::move(field));
        if (i < n && text[i] == ',') {
            ++i;
            if (i == n) {
                row.emplace_back();  // "a,b," ends with an empty last field
            }
            continue;
        }
        i += i < n && text[i] == '\r' ? 2U : (i < n ? 1U : 0U);
        out.push_back(std::move(row));
        row.clear();
        ++line;
    }
    if (!row.empty()) {
        out.push_back(std::move(row));
    }
    return out;
}

// Every parent whose selected fields are all null becomes null (REST's empty lookup); true when all of
// `o` is null.
bool collapse_empty_parents(json::object& o) {
    bool all_null = true;
    for (auto& member : o) {
        auto& v = member.value();
        if (v.is_object() && collapse_empty_parents(v.as_object())) {
            v = nullptr;
        }
        all_null = all_null && v.is_null();
    }
    return all_null;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        out += (out.empty() ? "" : ",") + name;
    }
    return truncate_remote_text(out, 200);
}

}  // namespace

api_request build_bulk_query_create(std::string_view version, std::string_view soql, bool include_deleted) {
    api_request r;
    r.method = "POST";
    r.path = "/services/data/" + std::string(version) + "/jobs/query";
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = json::serialize(json::object{
        {"operation", include_deleted ? "queryAll" : "query"},
        {"query", soql},
        {"contentType", "CSV"},
        {"columnDelimiter", "COMMA"},
        {"lineEnding", "LF"}});
    r.what = include_deleted ? "bulk queryAll job" : "bulk query job";
    return r;
}

api_request build_bulk_query_status(std::string_view version, std::string_view job_id) {
    return job_request("GET", version, job_id, "status");
}

api_request build_bulk_query_results(
    std::string_view version,
    std::string_view job_id,
    std::uint64_t max_records,
    const std::optional<std::string>& locator
) {
    api_request r = job_request("GET", version, job_id, "results");
    r.path += "/results?maxRecords=" + std::to_string(max_records);
    if (locator) {
        r.path += "&locator=" + percent_encode(*locator);
    }
    r.headers.emplace_back("Accept", "text/csv");
    return r;
}

api_request build_bulk_query_abort(std::string_view version, std::string_view job_id) {
    api_request r = job_request("PATCH", version, job_id, "abort");
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = R"({"state":"Aborted"})";
    return r;
}

api_request build_bulk_query_delete(std::string_view version, std::string_view job_id) {
    return job_request("DELETE", version, job_id, "delete");
}

boost::system::result<bulk_job_info, call_error> parse_bulk_job(std::string_view body) {
    std::error_code ec;
    const json::value v = json::parse(body, ec);
    if (ec || !v.is_object()) {
        return unreadable("bulk query job", "the job answer is not a JSON object");
    }
    const auto& o = v.as_object();
    const auto* id = o.if_contains("id");
    const auto* state = o.if_contains("state");
    if (id == nullptr || !id->is_string() || id->as_string().empty() || state == nullptr ||
        !state->is_string()) {
        return unreadable("bulk query job", "the job answer lacks id or state");
    }
    static constexpr std::pair<std::string_view, bulk_job_state> states[] = {
        {"Open", bulk_job_state::open},
        {"UploadComplete", bulk_job_state::upload_complete},
        {"InProgress", bulk_job_state::in_progress},
        {"JobComplete", bulk_job_state::job_complete},
        {"Failed", bulk_job_state::failed},
        {"Aborted", bulk_job_state::aborted}};
    const auto* known = std::find_if(std::begin(states), std::end(states), [&](const auto& s) {
        return s.first == state->as_string();
    });
    if (known == std::end(states)) {
        return unreadable(
            "bulk query job " + std::string(id->as_string()),
            "unknown job state " + truncate_remote_text(state->as_string(), 40)
        );
    }
    bulk_job_info info;
    info.id = std::string(id->as_string());
    info.state = known->second;
    if (const auto* object = o.if_contains("object"); object != nullptr && object->is_string()) {
        info.object = std::string(object->as_string());
    }
    if (const auto* processed = o.if_contains("numberRecordsProcessed");
        processed != nullptr && processed->is_number()) {
        std::error_code number_ec;
        info.records_processed = processed->to_number<std::uint64_t>(number_ec);
    }
    if (const auto* message = o.if_contains("errorMessage"); message != nullptr && message->is_string()) {
        info.error_message = truncate_remote_text(message->as_string());
    }
    return info;
}

bool is_terminal(bulk_job_state state) {
    return state == bulk_job_state::job_complete || state == bulk_job_state::failed ||
           state == bulk_job_state::aborted;
}

std::chrono::milliseconds bulk_poll_delay(
    unsigned poll, std::chrono::milliseconds first, std::chrono::milliseconds cap
) {
    const unsigned doublings = std::min(poll < 1 ? 0U : poll - 1, 30U);
    const auto base = std::max<std::int64_t>(first.count(), 0);
    const auto ceiling = std::max<std::int64_t>(cap.count(), 0);
    return std::chrono::milliseconds(std::min(ceiling, base << doublings));
}

std::string soql_from_object(std::string_view soql) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    int depth = 0;
    for (std::size_t i = 0; i < soql.size(); ++i) {
        const char c = soql[i];
        if (c == '\'') {
            // Skip the literal, backslash escapes included; FROM inside it is text.
            for (++i; i < soql.size() && soql[i] != '\''; ++i) {
                i += soql[i] == '\\' ? 1U : 0U;
            }
            continue;
        }
        depth += c == '(' ? 1 : (c == ')' ? -1 : 0);
        const bool word = depth == 0 && (i == 0 || space(soql[i - 1])) && i + 5 <= soql.size() &&
                          lower(c) == 'f' && lower(soql[i + 1]) == 'r' && lower(soql[i + 2]) == 'o' &&
                          lower(soql[i + 3]) == 'm' && space(soql[i + 4]);
        if (!word) {
            continue;
        }
        std::size_t start = i + 4;
        while (start < soql.size() && space(soql[start])) {
            ++start;
        }
        std::size_t end = start;
        while (end < soql.size() &&
               (std::isalnum(static_cast<unsigned char>(soql[end])) != 0 || soql[end] == '_')) {
            ++end;
        }
        return std::string(soql.substr(start, end - start));
    }
    return {};
}

bulk_result_reader::bulk_result_reader(std::string object) : object_(std::move(object)) {}

boost::system::result<bulk_results_page, call_error> bulk_result_reader::read_page(
    std::string_view csv,
    std::optional<std::string_view> sforce_locator,
    std::optional<std::string_view> sforce_number_of_records
) {
    const std::string what = "bulk query results (page " + std::to_string(pages_ + 1) + ")";
    if (csv.substr(0, 3) == "\xEF\xBB\xBF") {
        csv.remove_prefix(3);  // a UTF-8 byte order mark is not part of the first column's name
    }
    auto rows = parse_csv(csv);
    if (!rows) {
        return unreadable(what, "malformed CSV, " + rows.error());
    }
    bulk_results_page page;
    if (!rows->empty()) {
        auto& header = rows->front();
        if (pages_ == 0) {
            std::set<std::string> names(header.begin(), header.end());
            for (const auto& column : header) {
                std::vector<std::string> path;
                std::size_t from = 0;
                for (std::size_t dot = column.find('.');; dot = column.find('.', from)) {
                    path.push_back(column.substr(from, dot - from));
                    if (dot == std::string::npos) {
                        break;
                    }
                    // A parent that is also selected as a column of its own cannot hold nested fields.
                    if (names.count(column.substr(0, dot)) != 0) {
                        return unreadable(
                            what, "column " + truncate_remote_text(column, 80) + " nests in a column"
                        );
                    }
                    from = dot + 1;
                }
                if (std::any_of(path.begin(), path.end(), [](const std::string& p) { return p.empty(); }) ||
                    path.front() == "attributes") {
                    return unreadable(what, "unusable column name " + truncate_remote_text(column, 80));
                }
                paths_.push_back(std::move(path));
            }
            if (names.size() != header.size()) {
                return unreadable(what, "a column occurs twice in the header " + joined(header));
            }
            columns_ = header;
        } else if (header != columns_) {
            return unreadable(
                what, "the header " + joined(header) + " differs from the first page's " + joined(columns_)
            );
        }
        page.records.reserve(rows->size() - 1);
        for (std::size_t r = 1; r < rows->size(); ++r) {
            const auto& row = (*rows)[r];
            if (row.size() != columns_.size()) {
                return unreadable(
                    what,
                    "record " + std::to_string(r) + " has " + std::to_string(row.size()) +
                        " fields, the header " + std::to_string(columns_.size())
                );
            }
            json::object record;
            record["attributes"] = json::object{{"type", object_}};
            for (std::size_t k = 0; k < row.size(); ++k) {
                json::object* at = &record;
                const auto& path = paths_[k];
                for (std::size_t j = 0; j + 1 < path.size(); ++j) {
                    auto& parent = (*at)[path[j]];
                    if (!parent.is_object()) {
                        parent = json::object();
                    }
                    at = &parent.as_object();
                }
                (*at)[path.back()] = row[k].empty() ? json::value(nullptr) : json::value(row[k]);
            }
            collapse_empty_parents(record);
            page.records.emplace_back(std::move(record));
        }
    }
    if (sforce_number_of_records) {
        std::uint64_t announced = 0;
        const auto* first = sforce_number_of_records->data();
        const auto* last = first + sforce_number_of_records->size();
        const auto [end, ec] = std::from_chars(first, last, announced);
        if (ec != std::errc() || end != last || announced != page.records.size()) {
            return unreadable(
                what,
                "read " + std::to_string(page.records.size()) + " records, Sforce-NumberOfRecords says " +
                    truncate_remote_text(*sforce_number_of_records, 20)
            );
        }
    }
    if (!sforce_locator || sforce_locator->empty()) {
        return unreadable(what, "no Sforce-Locator header");
    }
    if (*sforce_locator != "null") {
        page.next_locator = std::string(*sforce_locator);
    }
    ++pages_;
    return page;
}

}  // namespace fakturad::salesforce
