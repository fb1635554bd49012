#include "fakturad/salesforce/client.hpp"

#include "fakturad/net/http_client.hpp"
#include "fakturad/salesforce/bulk.hpp"
#include "fakturad/salesforce/describe.hpp"
#include "fakturad/salesforce/soql.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstddef>
#include <map>

namespace fakturad::salesforce {

namespace asio = boost::asio;
namespace json = boost::json;
using boost::system::result;

namespace {

// Keeps each ContentVersion lookup query well below the 16 KB URI limit once percent-encoded.
constexpr std::size_t lookup_soql_budget = 4000;

std::string key_text(const json::value& v) {
    if (v.is_string()) {
        return std::string(v.as_string());
    }
    return v.is_null() ? std::string() : json::serialize(v);
}

call_error bad_input(std::string request, std::string why) {
    return call_error{errc::bad_input, std::move(request), 0, {}, std::move(why), 0};
}

}  // namespace

std::string record_result::describe(const std::string& object, const std::string& key_field) const {
    std::string out = object + " " + key_field + "=" + key;
    if (success) {
        return out + ": ok";
    }
    for (const auto& e : errors) {
        out += ": " + (e.code.empty() ? std::string("ERROR") : e.code);
        if (!e.fields.empty()) {
            out += " [";
            for (std::size_t i = 0; i < e.fields.size(); ++i) {
                out += (i == 0 ? "" : ", ") + e.fields[i];
            }
            out += "]";
        }
        if (!e.message.empty()) {
            out += " " + e.message;
        }
    }
    return out;
}

struct client::impl {
    impl(net::http_client& h, client_options o, const fakturad::clock& c, random_source& r)
        : http(h), options(std::move(o)), clock(c), random(r), budget(options.max_api_share) {}

    net::http_client& http;
    client_options options;
    const fakturad::clock& clock;
    random_source& random;
    std::optional<access_token> token;
    std::uint64_t token_generation = 0;
    api_budget budget;
    std::uint64_t calls = 0;

    // Waits `delay`; false when the awaiting coroutine was cancelled meanwhile.
    asio::awaitable<bool> pause(std::chrono::milliseconds delay) {
        asio::steady_timer timer(co_await asio::this_coro::executor, delay);
        auto wait = timer.async_wait(asio::as_tuple(asio::use_awaitable));
        co_await std::move(wait);
        const auto state = co_await asio::this_coro::cancellation_state;
        co_return state.cancelled() == asio::cancellation_type::none;
    }

    asio::awaitable<result<void, call_error>> fetch_token() {
        call_error last{errc::transport_failed, "token request", 0, {}, {}, 0};
        for (unsigned attempt = 1;; ++attempt) {
            auto built = build_token_request(options.credentials, clock.now());
            if (!built) {
                co_return built.error();
            }
            net::http_client_request req;
            req.method = "POST";
            req.url = built->url;
            req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
            req.headers.emplace_back("Accept", "application/json");
            req.body = built->form_body.expose();
            req.timeout = options.call_timeout;
            ++calls;
            auto op = http.send(std::move(req));
            auto res = co_await std::move(op);
            bool retry = false;
            if (!res.ok()) {
                last = call_error{
                    errc::transport_failed,
                    "token request to " + built->url,
                    0,
                    {},
                    res.error.message() + (res.detail.empty() ? "" : ": " + res.detail),
                    attempt};
                retry = res.error != net::http_client_errc::cancelled &&
                        res.error != net::http_client_errc::bad_url;
            } else if (res.response.status >= 500) {
                last = call_error{
                    errc::retries_exhausted,
                    "token request to " + built->url,
                    res.response.status,
                    {},
                    "the token endpoint is unavailable",
                    attempt};
                retry = true;
            } else {
                auto parsed = parse_token_response(res.response.status, res.response.body);
                if (!parsed) {
                    auto e = parsed.error();
                    e.request = "token request to " + built->url;
                    e.attempts = attempt;
                    co_return e;
                }
                token = std::move(*parsed);
                ++token_generation;
                co_return result<void, call_error>();
            }
            if (!retry || attempt >= options.backoff.max_attempts) {
                co_return last;
            }
            auto wait = pause(backoff_delay(options.backoff, attempt + 1, random));
            if (!co_await std::move(wait)) {
                co_return call_error{errc::transport_failed, last.request, 0, {}, "cancelled", attempt};
            }
        }
    }

    // Sends `req` with token, client name and limit checks; retries idempotent requests after temporary
    // failures, at most `max_attempts` times in all.  A 2xx answer is a success.
    asio::awaitable<result<net::http_client_response, call_error>> execute(
        api_request req, unsigned max_attempts
    ) {
        bool renewed = false;
        call_error last;
        for (unsigned attempt = 1;; ++attempt) {
            if (!token) {
                auto fetch = fetch_token();
                auto fetched = co_await std::move(fetch);
                if (!fetched) {
                    auto e = fetched.error();
                    e.request = req.what + ": " + e.request;
                    co_return e;
                }
            }
            if (!token) {
                co_return call_error{errc::bad_response, req.what, 0, {}, "no access token", attempt};
            }
            if (!budget.allows_call()) {
                co_return call_error{
                    errc::api_share_exhausted, req.what, 0, {}, budget.refusal_reason(), attempt - 1};
            }
            net::http_client_request h;
            h.method = req.method;
            h.url = token->instance_url + req.path;
            h.headers = req.headers;
            h.headers.emplace_back("Authorization", "Bearer " + token->value.expose());
            h.headers.emplace_back("Sforce-Call-Options", "client=" + options.client_name);
            const bool accept_given = std::any_of(h.headers.begin(), h.headers.end(), [](const auto& header) {
                return header.first == "Accept";
            });
            if (!accept_given) {
                h.headers.emplace_back("Accept", "application/json");
            }
            h.body = req.body;
            h.timeout = options.call_timeout;
            const auto generation = token_generation;
            ++calls;
            auto op = http.send(std::move(h));
            auto res = co_await std::move(op);
            bool retry = false;
            if (!res.ok()) {
                last = call_error{
                    errc::transport_failed,
                    req.what,
                    0,
                    {},
                    res.error.message() + (res.detail.empty() ? "" : ": " + res.detail),
                    attempt};
                retry = req.idempotent && res.error != net::http_client_errc::cancelled &&
                        res.error != net::http_client_errc::bad_url;
            } else {
                const auto& response = res.response;
                if (const auto info = response.header("Sforce-Limit-Info")) {
                    if (const auto usage = parse_limit_info(*info)) {
                        budget.observe(*usage);
                    }
                }
                const auto errors =
                    response.status >= 300 ? parse_error_body(response.body) : std::vector<api_error_item>{};
                const auto first = errors.empty() ? api_error_item{} : errors.front();
                switch (classify_response(response.status, errors)) {
                    case outcome_class::success:
                        co_return std::move(res.response);
                    case outcome_class::auth_expired:
                        if (!renewed) {
                            renewed = true;
                            // Another call may have renewed it meanwhile; then the new one is used.
                            if (generation == token_generation) {
                                token.reset();
                            }
                            --attempt;
                            continue;
                        }
                        co_return call_error{
                            errc::session_invalid,
                            req.what,
                            response.status,
                            first.code,
                            first.message,
                            attempt};
                    case outcome_class::daily_limit:
                        co_return call_error{
                            errc::daily_limit_exhausted,
                            req.what,
                            response.status,
                            first.code,
                            first.message,
                            attempt};
                    case outcome_class::permanent:
                        co_return call_error{
                            rejection_code(response.status, errors),
                            req.what,
                            response.status,
                            first.code,
                            first.message,
                            attempt};
                    case outcome_class::retryable:
                        last = call_error{
                            errc::retries_exhausted,
                            req.what,
                            response.status,
                            first.code,
                            first.message,
                            attempt};
                        retry = true;
                        break;
                }
            }
            if (!retry || attempt >= max_attempts) {
                co_return last;
            }
            auto wait = pause(backoff_delay(options.backoff, attempt + 1, random));
            if (!co_await std::move(wait)) {
                last.message = "cancelled";
                co_return last;
            }
        }
    }

    asio::awaitable<result<query_summary, call_error>> run_query(
        std::string soql, page_handler on_page, bool include_deleted
    ) {
        query_summary summary;
        const std::string what =
            (include_deleted ? "queryAll: " : "query: ") + truncate_remote_text(soql, 160);
        auto req = build_query(options.api_version, soql, include_deleted, options.query_batch_size);
        for (;;) {
            req.what = what + " (page " + std::to_string(summary.pages + 1) + ")";
            auto op = execute(std::move(req), options.backoff.max_attempts);
            auto res = co_await std::move(op);
            if (!res) {
                co_return res.error();
            }
            auto page = parse_query_page(res->body);
            if (!page) {
                auto e = page.error();
                e.request = what;
                co_return e;
            }
            ++summary.pages;
            summary.total_size = page->total_size;
            summary.records += page->records.size();
            const bool done = page->done;
            const auto next = page->next_records_url;
            if (!on_page(*page)) {
                co_return call_error{errc::stopped_by_caller, what, 0, {}, {}, 0};
            }
            if (done) {
                co_return summary;
            }
            auto next_req = build_next_page(next.value_or(std::string()));
            if (!next_req) {
                co_return next_req.error();
            }
            req = std::move(*next_req);
        }
    }

    // One CometD POST with the session cookies; transport failures are retried (every Bayeux message we
    // send may be repeated: the server answers a repeated connect or handshake like a new one).
    asio::awaitable<result<net::http_client_response, call_error>> post_cometd(
        std::string body, std::string cookies
    ) {
        call_error last;
        for (unsigned attempt = 1;; ++attempt) {
            if (!token) {
                auto fetch = fetch_token();
                auto fetched = co_await std::move(fetch);
                if (!fetched) {
                    co_return fetched.error();
                }
            }
            if (!token) {
                co_return call_error{errc::bad_response, "streaming", 0, {}, "no access token", attempt};
            }
            std::string version = options.api_version;
            if (!version.empty() && version.front() == 'v') {
                version.erase(0, 1);
            }
            net::http_client_request h;
            h.method = "POST";
            h.url = token->instance_url + "/cometd/" + version;
            h.headers.emplace_back("Content-Type", "application/json");
            h.headers.emplace_back("Authorization", "OAuth " + token->value.expose());
            if (!cookies.empty()) {
                h.headers.emplace_back("Cookie", cookies);
            }
            h.body = body;
            h.timeout = options.streaming_timeout;
            ++calls;
            auto op = http.send(std::move(h));
            auto res = co_await std::move(op);
            if (res.ok() && res.response.status == 200) {
                co_return std::move(res.response);
            }
            if (res.ok()) {
                const auto errors = parse_error_body(res.response.body);
                last = call_error{
                    res.response.status >= 500 ? errc::retries_exhausted : errc::request_rejected,
                    "streaming",
                    res.response.status,
                    errors.empty() ? std::string() : errors.front().code,
                    errors.empty() ? std::string() : errors.front().message,
                    attempt};
                if (res.response.status < 500) {
                    co_return last;
                }
            } else {
                last = call_error{
                    errc::transport_failed,
                    "streaming",
                    0,
                    {},
                    res.error.message() + (res.detail.empty() ? "" : ": " + res.detail),
                    attempt};
                if (res.error == net::http_client_errc::cancelled) {
                    co_return last;
                }
            }
            if (attempt >= options.backoff.max_attempts) {
                co_return last;
            }
            auto wait = pause(backoff_delay(options.backoff, attempt + 1, random));
            if (!co_await std::move(wait)) {
                co_return last;
            }
        }
    }

    // The ContentVersions already there among `paths` (PathOnClient -> Id).
    asio::awaitable<result<std::map<std::string, std::string>, call_error>> find_files(
        std::vector<std::string> paths
    ) {
        std::map<std::string, std::string> found;
        std::size_t i = 0;
        while (i < paths.size()) {
            std::string in_list;
            while (i < paths.size() && (in_list.empty() || in_list.size() < lookup_soql_budget)) {
                auto quoted = soql_quote(paths[i]);
                if (!quoted) {
                    co_return quoted.error();
                }
                in_list += (in_list.empty() ? "" : ", ") + *quoted;
                ++i;
            }
            std::string soql =
                "SELECT Id, PathOnClient FROM ContentVersion WHERE PathOnClient IN (" + in_list + ")";
            auto collect = [&found](query_page& page) {
                for (const auto& r : page.records) {
                    const auto& o = r.as_object();
                    const auto* path = o.if_contains("PathOnClient");
                    const auto* id = o.if_contains("Id");
                    if (path != nullptr && path->is_string() && id != nullptr && id->is_string()) {
                        found.emplace(std::string(path->as_string()), std::string(id->as_string()));
                    }
                }
                return true;
            };
            auto op = run_query(std::move(soql), collect, false);
            auto res = co_await std::move(op);
            if (!res) {
                co_return res.error();
            }
        }
        co_return found;
    }

    std::string new_boundary(std::string_view data) {
        static constexpr char hex[] = "0123456789abcdef";
        for (;;) {
            std::string b = "fakturad-";
            for (int k = 0; k < 24; ++k) {
                b += hex[random.below(16)];
            }
            if (data.find(b) == std::string_view::npos) {
                return b;
            }
        }
    }

    // Uploads one batch (several small files by collections, or one large file by multipart): look up what
    // is already there, insert the rest, repeat after temporary failures.
    asio::awaitable<result<std::vector<record_result>, call_error>> upload_batch(
        std::vector<file_upload> files, bool multipart
    ) {
        std::vector<record_result> report(files.size());
        std::vector<std::size_t> todo;
        for (std::size_t i = 0; i < files.size(); ++i) {
            report[i].key = files[i].path_on_client;
            todo.push_back(i);
        }
        for (unsigned round = 1;; ++round) {
            std::vector<std::string> wanted;
            wanted.reserve(todo.size());
            for (const auto i : todo) {
                wanted.push_back(files[i].path_on_client);
            }
            auto lookup = find_files(std::move(wanted));
            auto looked = co_await std::move(lookup);
            if (!looked) {
                co_return looked.error();
            }
            const auto& found = *looked;
            std::vector<std::size_t> missing;
            for (const auto i : todo) {
                auto& r = report[i];
                r.attempts = round;
                if (const auto it = found.find(files[i].path_on_client); it != found.end()) {
                    r.success = true;
                    r.id = it->second;
                    r.errors.clear();
                } else {
                    missing.push_back(i);
                }
            }
            if (missing.empty()) {
                co_return report;
            }
            api_request req;
            if (multipart) {
                req = build_content_version_multipart(
                    options.api_version, files[missing.front()], new_boundary(files[missing.front()].data)
                );
            } else {
                std::vector<json::object> records;
                records.reserve(missing.size());
                for (const auto i : missing) {
                    records.push_back(content_version_record(files[i]));
                }
                req = build_collection_create(options.api_version, "ContentVersion", records);
                req.what += " (" + std::to_string(records.size()) + " files from " +
                            files[missing.front()].path_on_client + ")";
            }
            auto send = execute(std::move(req), 1);
            auto sent = co_await std::move(send);
            std::vector<std::size_t> again;
            if (!sent) {
                const auto& e = sent.error();
                const bool temporary = e.code == errc::retries_exhausted || e.code == errc::transport_failed;
                if (!temporary || round >= options.backoff.max_attempts) {
                    auto out = e;
                    out.attempts = round;
                    co_return out;
                }
                again = missing;  // the insert may or may not have happened: the next lookup tells
            } else {
                std::vector<save_result> results;
                if (multipart) {
                    auto one = parse_create_result(sent->body);
                    if (!one) {
                        co_return one.error();
                    }
                    results.push_back(std::move(*one));
                } else {
                    auto many = parse_save_results(sent->body, missing.size());
                    if (!many) {
                        co_return many.error();
                    }
                    results = std::move(*many);
                }
                for (std::size_t k = 0; k < missing.size(); ++k) {
                    auto& r = report[missing[k]];
                    auto& s = results[k];
                    const bool retryable =
                        !s.success && !s.errors.empty() &&
                        std::all_of(s.errors.begin(), s.errors.end(), is_retryable_record_error);
                    r.success = s.success;
                    r.id = s.id;
                    r.created = s.success;
                    r.errors = std::move(s.errors);
                    if (retryable && round < options.backoff.max_attempts) {
                        again.push_back(missing[k]);
                    }
                }
            }
            if (again.empty()) {
                co_return report;
            }
            auto wait = pause(backoff_delay(options.backoff, round + 1, random));
            if (!co_await std::move(wait)) {
                co_return call_error{errc::transport_failed, "upload files", 0, {}, "cancelled", round};
            }
            todo = std::move(again);
        }
    }
};

client::client(
    net::http_client& http, client_options options, const fakturad::clock& clock, random_source& random
)
    : impl_(std::make_unique<impl>(http, std::move(options), clock, random)) {}

client::~client() = default;

asio::awaitable<result<void, call_error>> client::authenticate() {
    auto op = impl_->fetch_token();
    co_return co_await std::move(op);
}

asio::awaitable<result<query_summary, call_error>> client::query(
    std::string soql, page_handler on_page, bool include_deleted
) {
    auto op = impl_->run_query(std::move(soql), std::move(on_page), include_deleted);
    co_return co_await std::move(op);
}

asio::awaitable<result<query_summary, call_error>> client::bulk_query(
    std::string soql, page_handler on_page, bool include_deleted
) {
    const auto& o = impl_->options;
    const std::string what =
        (include_deleted ? "bulk queryAll: " : "bulk query: ") + truncate_remote_text(soql, 160);
    const auto started = impl_->clock.monotonic();
    auto create = build_bulk_query_create(o.api_version, soql, include_deleted);
    create.what = what + " (create job)";
    auto create_op = impl_->execute(std::move(create), o.backoff.max_attempts);
    auto created = co_await std::move(create_op);
    if (!created) {
        co_return created.error();
    }
    auto job = parse_bulk_job(created->body);
    if (!job) {
        co_return job.error();
    }
    const std::string id = job->id;
    const std::string on_job = what + " (job " + id + ")";
    const std::string object = job->object.empty() ? soql_from_object(soql) : job->object;
    for (unsigned poll = 1; !is_terminal(job->state); ++poll) {
        const auto left =
            o.bulk_job_timeout -
            std::chrono::duration_cast<std::chrono::milliseconds>(impl_->clock.monotonic() - started);
        if (left <= std::chrono::milliseconds::zero()) {
            auto abort_op = impl_->execute(build_bulk_query_abort(o.api_version, id), o.backoff.max_attempts);
            auto aborted = co_await std::move(abort_op);
            co_return call_error{
                errc::job_timed_out,
                on_job,
                0,
                {},
                "not complete after " + std::to_string(o.bulk_job_timeout.count()) +
                    " ms (bulk_job_timeout); " +
                    (aborted ? std::string("the job was aborted")
                             : "aborting it failed: " + aborted.error().describe()),
                poll - 1};
        }
        auto wait = impl_->pause(std::min(bulk_poll_delay(poll, o.bulk_poll_first, o.bulk_poll_cap), left));
        if (!co_await std::move(wait)) {
            co_return call_error{errc::transport_failed, on_job, 0, {}, "cancelled", poll - 1};
        }
        auto status = build_bulk_query_status(o.api_version, id);
        status.what = on_job + " poll " + std::to_string(poll);
        auto status_op = impl_->execute(std::move(status), o.backoff.max_attempts);
        auto polled = co_await std::move(status_op);
        if (!polled) {
            co_return polled.error();
        }
        job = parse_bulk_job(polled->body);
        if (!job) {
            co_return job.error();
        }
    }
    if (job->state != bulk_job_state::job_complete) {
        const bool failed = job->state == bulk_job_state::failed;
        std::string why = job->error_message;
        if (why.empty()) {
            why = failed ? "Salesforce gave no reason; run the SOQL through the REST query to see its error"
                         : "aborted by someone else";
        }
        co_return call_error{errc::job_failed, on_job, 0, failed ? "Failed" : "Aborted", std::move(why), 1};
    }

    query_summary summary;
    summary.total_size = job->records_processed;
    bulk_result_reader reader(object);
    std::optional<std::string> locator;
    std::optional<call_error> failure;
    for (;;) {
        auto req = build_bulk_query_results(o.api_version, id, o.bulk_page_records, locator);
        req.what = on_job + " results page " + std::to_string(summary.pages + 1);
        auto op = impl_->execute(std::move(req), o.backoff.max_attempts);
        auto res = co_await std::move(op);
        if (!res) {
            failure = res.error();
            break;
        }
        auto page =
            reader.read_page(res->body, res->header("Sforce-Locator"), res->header("Sforce-NumberOfRecords"));
        if (!page) {
            failure = page.error();
            failure->request = on_job + ": " + failure->request;
            break;
        }
        ++summary.pages;
        summary.records += page->records.size();
        query_page handed;
        handed.total_size = summary.total_size;
        handed.done = !page->next_locator;
        handed.records = std::move(page->records);
        if (!on_page(handed)) {
            failure = call_error{errc::stopped_by_caller, on_job, 0, {}, {}, 0};
            break;
        }
        if (handed.done) {
            break;
        }
        locator = std::move(page->next_locator);
    }
    auto delete_op = impl_->execute(build_bulk_query_delete(o.api_version, id), 1);
    auto deleted = co_await std::move(delete_op);
    (void)deleted;  // Salesforce deletes finished jobs after 7 days; a failed clean-up must not fail a read
    if (failure) {
        co_return *failure;
    }
    co_return summary;
}

asio::awaitable<result<sync_cursor, call_error>> client::poll_changes(
    incremental_query q, sync_cursor from, page_handler on_page
) {
    auto soql = build_incremental_soql(q, from);
    if (!soql) {
        co_return soql.error();
    }
    sync_cursor cursor = from;
    std::optional<call_error> bad_record;
    // The cursor moves only over pages the caller accepted.
    auto track = [&](query_page& page) {
        sync_cursor next = cursor;
        for (const auto& r : page.records) {
            auto moved =
                r.is_object()
                    ? advance_cursor(next, r.as_object())
                    : result<void, call_error>(call_error{
                          errc::bad_response, "incremental query", 200, {}, "a record is not an object", 0});
            if (!moved) {
                bad_record = moved.error();
                return false;
            }
        }
        if (!on_page(page)) {
            return false;
        }
        cursor = std::move(next);
        return true;
    };
    auto op = impl_->run_query(std::move(*soql), track, q.include_deleted);
    auto res = co_await std::move(op);
    if (bad_record) {
        co_return *bad_record;
    }
    if (!res) {
        co_return res.error();
    }
    co_return cursor;
}

asio::awaitable<result<write_report, call_error>> client::upsert(
    std::string object, std::string external_id_field, std::vector<json::object> records
) {
    const std::string what = "upsert " + object + " by " + external_id_field;
    if (!is_soql_identifier(object) || !is_soql_identifier(external_id_field) ||
        object.find('.') != std::string::npos || external_id_field.find('.') != std::string::npos) {
        co_return bad_input(what, "object and external id field must be plain API names");
    }
    write_report report;
    report.records.resize(records.size());
    std::vector<std::size_t> sendable;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto* key = records[i].if_contains(external_id_field);
        auto& r = report.records[i];
        r.key = key != nullptr ? key_text(*key) : std::string();
        if (r.key.empty()) {
            r.errors.push_back(api_error_item{
                "MISSING_EXTERNAL_ID",
                "record " + std::to_string(i + 1) + " has no " + external_id_field + "; not sent",
                {external_id_field}});
            continue;
        }
        sendable.push_back(i);
    }
    for (std::size_t start = 0; start < sendable.size(); start += collection_limit) {
        std::vector<std::size_t> todo(
            sendable.begin() + static_cast<std::ptrdiff_t>(start),
            sendable.begin() +
                static_cast<std::ptrdiff_t>(std::min(start + collection_limit, sendable.size()))
        );
        for (unsigned round = 1;; ++round) {
            std::vector<json::object> batch;
            batch.reserve(todo.size());
            for (const auto i : todo) {
                batch.push_back(records[i]);
            }
            auto req = build_collection_upsert(impl_->options.api_version, object, external_id_field, batch);
            req.what += " (" + std::to_string(todo.size()) + " records from " +
                        report.records[todo.front()].key + ")";
            auto op = impl_->execute(std::move(req), impl_->options.backoff.max_attempts);
            auto res = co_await std::move(op);
            if (!res) {
                co_return res.error();
            }
            auto results = parse_save_results(res->body, todo.size());
            if (!results) {
                auto e = results.error();
                e.request = what;
                co_return e;
            }
            std::vector<std::size_t> again;
            for (std::size_t k = 0; k < todo.size(); ++k) {
                auto& r = report.records[todo[k]];
                auto& s = (*results)[k];
                const bool retryable =
                    !s.success && !s.errors.empty() &&
                    std::all_of(s.errors.begin(), s.errors.end(), is_retryable_record_error);
                r.success = s.success;
                r.id = s.id;
                r.created = s.created;
                r.errors = std::move(s.errors);
                r.attempts = round;
                if (retryable && round < impl_->options.backoff.max_attempts) {
                    again.push_back(todo[k]);
                }
            }
            if (again.empty()) {
                break;
            }
            auto wait = impl_->pause(backoff_delay(impl_->options.backoff, round + 1, impl_->random));
            if (!co_await std::move(wait)) {
                co_return call_error{errc::transport_failed, what, 0, {}, "cancelled", round};
            }
            todo = std::move(again);
        }
    }
    report.failed = static_cast<std::size_t>(std::count_if(
        report.records.begin(), report.records.end(), [](const record_result& r) { return !r.success; }
    ));
    co_return report;
}

asio::awaitable<result<write_report, call_error>> client::create(
    std::string object, std::vector<json::object> records
) {
    const std::string what = "create " + object;
    if (!is_soql_identifier(object) || object.find('.') != std::string::npos) {
        co_return bad_input(what, "the object must be a plain API name");
    }
    write_report report;
    report.records.resize(records.size());
    for (std::size_t start = 0; start < records.size(); start += collection_limit) {
        const std::size_t end = std::min(start + collection_limit, records.size());
        std::vector<json::object> batch(
            records.begin() + static_cast<std::ptrdiff_t>(start),
            records.begin() + static_cast<std::ptrdiff_t>(end)
        );
        auto req = build_collection_create(impl_->options.api_version, object, batch);
        // One attempt: after an unclear outcome the records may exist, and only the caller can tell.
        auto op = impl_->execute(std::move(req), 1);
        auto res = co_await std::move(op);
        if (!res) {
            co_return res.error();
        }
        auto results = parse_save_results(res->body, batch.size());
        if (!results) {
            auto e = results.error();
            e.request = what;
            co_return e;
        }
        for (std::size_t k = 0; k < batch.size(); ++k) {
            auto& r = report.records[start + k];
            auto& saved = (*results)[k];
            r.success = saved.success;
            r.id = saved.id;
            r.created = saved.success;
            r.errors = std::move(saved.errors);
            r.attempts = 1;
        }
    }
    report.failed = static_cast<std::size_t>(std::count_if(
        report.records.begin(), report.records.end(), [](const record_result& r) { return !r.success; }
    ));
    co_return report;
}

asio::awaitable<result<write_report, call_error>> client::upload_files(std::vector<file_upload> files) {
    write_report report;
    report.records.resize(files.size());
    std::map<std::string, std::size_t> seen;
    std::vector<std::size_t> small;
    std::vector<std::size_t> large;
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto& r = report.records[i];
        r.key = files[i].path_on_client;
        std::string problem;
        if (files[i].path_on_client.empty()) {
            problem = "file " + std::to_string(i + 1) + " has no PathOnClient; not sent";
        } else if (files[i].linked_record_id.empty()) {
            problem = "file " + files[i].path_on_client + " names no record to link to; not sent";
        } else if (!seen.emplace(files[i].path_on_client, i).second) {
            problem = "PathOnClient " + files[i].path_on_client + " occurs twice in one upload; not sent";
        }
        if (!problem.empty()) {
            r.errors.push_back(api_error_item{"INVALID_FILE", problem, {"PathOnClient"}});
            continue;
        }
        (files[i].data.size() > impl_->options.multipart_threshold ? large : small).push_back(i);
    }
    std::size_t next = 0;
    while (next < small.size()) {
        std::vector<std::size_t> batch;
        std::size_t bytes = 0;
        while (next < small.size() && batch.size() < collection_limit &&
               (batch.empty() || bytes + files[small[next]].data.size() <= impl_->options.file_batch_bytes)) {
            bytes += files[small[next]].data.size();
            batch.push_back(small[next++]);
        }
        std::vector<file_upload> chunk;
        chunk.reserve(batch.size());
        for (const auto i : batch) {
            chunk.push_back(files[i]);
        }
        auto op = impl_->upload_batch(std::move(chunk), false);
        auto res = co_await std::move(op);
        if (!res) {
            co_return res.error();
        }
        for (std::size_t k = 0; k < batch.size(); ++k) {
            report.records[batch[k]] = std::move((*res)[k]);
        }
    }
    for (const auto i : large) {
        auto op = impl_->upload_batch({files[i]}, true);
        auto res = co_await std::move(op);
        if (!res) {
            co_return res.error();
        }
        report.records[i] = std::move(res->front());
    }
    report.failed = static_cast<std::size_t>(std::count_if(
        report.records.begin(), report.records.end(), [](const record_result& r) { return !r.success; }
    ));
    co_return report;
}

namespace {

// "BAYEUX_BROWSER=abc; Path=/; Secure" -> "BAYEUX_BROWSER=abc", for every Set-Cookie of the answer.
std::string cookies_of(const net::http_client_response& response) {
    std::string out;
    for (const auto& [name, value] : response.headers) {
        if (name.size() == 10 && (name == "Set-Cookie" || name == "set-cookie" || name == "SET-COOKIE")) {
            out += (out.empty() ? "" : "; ") + value.substr(0, value.find(';'));
        }
    }
    return out;
}

const bayeux_reply* reply_on(const bayeux_batch& batch, std::string_view channel) {
    for (const auto& r : batch.replies) {
        if (r.channel == channel) {
            return &r;
        }
    }
    return nullptr;
}

}  // namespace

asio::awaitable<result<change_summary, call_error>> client::follow_changes(
    std::string channel, std::int64_t replay_from, change_handler on_events
) {
    change_summary summary;
    std::int64_t replay = replay_from;
    unsigned message_id = 0;
    bool renewed = false;
    unsigned handshakes_in_a_row = 0;
    const std::string what = "follow " + channel;
    const auto failed = [&what](const bayeux_reply* r, const std::string& step) {
        return call_error{
            errc::request_rejected,
            what + " (" + step + ")",
            200,
            {},
            r != nullptr ? r->error : "no reply",
            1};
    };
    for (;;) {
        // Handshake (again): a new client id and cookies, then the subscription from the last replay id.
        auto hs_op = impl_->post_cometd(build_handshake(++message_id), {});
        auto hs = co_await std::move(hs_op);
        if (!hs) {
            co_return hs.error();
        }
        auto hs_batch = parse_bayeux(hs->body);
        if (!hs_batch) {
            co_return hs_batch.error();
        }
        const auto* hs_reply = reply_on(*hs_batch, "/meta/handshake");
        if (hs_reply == nullptr || !hs_reply->successful) {
            // 403::Handshake denied with a 401 failure reason: the token is no longer valid.
            if (!renewed) {
                renewed = true;
                impl_->token.reset();
                continue;
            }
            co_return failed(hs_reply, "handshake");
        }
        ++summary.handshakes;
        // A server that forgets every new client at once would otherwise keep us handshaking forever.
        if (++handshakes_in_a_row > impl_->options.backoff.max_attempts) {
            co_return call_error{
                errc::retries_exhausted,
                what,
                200,
                {},
                "the server keeps forgetting the client",
                handshakes_in_a_row};
        }
        const std::string client_id = hs_reply->client_id;
        const std::string cookies = cookies_of(*hs);
        auto sub_op = impl_->post_cometd(build_subscribe(client_id, channel, replay, ++message_id), cookies);
        auto sub = co_await std::move(sub_op);
        if (!sub) {
            co_return sub.error();
        }
        auto sub_batch = parse_bayeux(sub->body);
        if (!sub_batch) {
            co_return sub_batch.error();
        }
        const auto* sub_reply = reply_on(*sub_batch, "/meta/subscribe");
        if (sub_reply == nullptr || !sub_reply->successful) {
            if (sub_reply != nullptr && sub_reply->error.find("replayId") != std::string::npos) {
                co_return call_error{errc::replay_id_invalid, what, 200, {}, sub_reply->error, 1};
            }
            co_return failed(sub_reply, "subscribe");
        }
        bool rehandshake = false;
        while (!rehandshake) {
            auto connect_op = impl_->post_cometd(build_connect(client_id, ++message_id), cookies);
            auto connected = co_await std::move(connect_op);
            if (!connected) {
                co_return connected.error();
            }
            auto batch = parse_bayeux(connected->body);
            if (!batch) {
                co_return batch.error();
            }
            if (!batch->events.empty()) {
                for (auto& e : batch->events) {
                    e.own_write = is_change_from_client(e, impl_->options.client_name);
                }
                const auto newest = batch->events.back().replay_id;
                summary.events += batch->events.size();
                if (!on_events(batch->events)) {
                    summary.last_replay_id = newest;
                    auto bye_op = impl_->post_cometd(build_disconnect(client_id, ++message_id), cookies);
                    auto bye = co_await std::move(bye_op);
                    (void)bye;  // leaving anyway; the server forgets the client after 40 s
                    co_return summary;
                }
                replay = newest;
                summary.last_replay_id = newest;
            }
            const auto* ack = reply_on(*batch, "/meta/connect");
            if (ack == nullptr || ack->successful) {
                renewed = false;
                handshakes_in_a_row = 0;
                continue;
            }
            if (ack->error.rfind("401::", 0) == 0) {
                impl_->token.reset();
                rehandshake = true;
            } else if (ack->reconnect == "handshake" || ack->error.rfind("403::", 0) == 0) {
                rehandshake = true;
            } else {
                co_return failed(ack, "connect");
            }
        }
    }
}

asio::awaitable<result<json::object, call_error>> client::describe(std::string object) {
    if (!is_soql_identifier(object) || object.find('.') != std::string::npos) {
        co_return bad_input("describe " + truncate_remote_text(object, 80), "not an object API name");
    }
    auto op = impl_->execute(
        build_describe(impl_->options.api_version, object), impl_->options.backoff.max_attempts
    );
    auto res = co_await std::move(op);
    if (!res) {
        co_return res.error();
    }
    auto parsed = parse_describe(res->body);
    if (!parsed) {
        auto e = parsed.error();
        e.request = "describe " + object;
        co_return e;
    }
    co_return std::move(*parsed);
}

asio::awaitable<result<std::vector<std::string>, call_error>> client::describe_global() {
    auto op = impl_->execute(
        build_describe_global(impl_->options.api_version), impl_->options.backoff.max_attempts
    );
    auto res = co_await std::move(op);
    if (!res) {
        co_return res.error();
    }
    co_return parse_describe_global(res->body);
}

asio::awaitable<result<api_usage, call_error>> client::fetch_limits() {
    api_request req;
    req.path = "/services/data/" + impl_->options.api_version + "/limits";
    req.what = "limits";
    auto op = impl_->execute(std::move(req), impl_->options.backoff.max_attempts);
    auto res = co_await std::move(op);
    if (!res) {
        co_return res.error();
    }
    std::error_code ec;
    const json::value v = json::parse(res->body, ec);
    const json::value* daily = !ec && v.is_object() ? v.as_object().if_contains("DailyApiRequests") : nullptr;
    const json::value* max =
        daily != nullptr && daily->is_object() ? daily->as_object().if_contains("Max") : nullptr;
    const json::value* remaining =
        daily != nullptr && daily->is_object() ? daily->as_object().if_contains("Remaining") : nullptr;
    if (max == nullptr || remaining == nullptr || !max->is_number() || !remaining->is_number()) {
        co_return call_error{errc::bad_response, "limits", 200, {}, "no DailyApiRequests Max/Remaining", 1};
    }
    const auto m = max->to_number<std::uint64_t>();
    const auto left = remaining->to_number<std::uint64_t>();
    api_usage usage{m > left ? m - left : 0, m};
    impl_->budget.observe(usage);
    co_return usage;
}

std::optional<api_usage> client::last_api_usage() const { return impl_->budget.last(); }

std::uint64_t client::calls_sent() const { return impl_->calls; }

const client_options& client::options() const { return impl_->options; }

}  // namespace fakturad::salesforce
