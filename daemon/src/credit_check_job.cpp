#include "credit_check_job.hpp"

#include "credit_report_output.hpp"
#include "fakturad/documents/report_pdf.hpp"
#include "fakturad/salesforce/soql.hpp"
#include "fakturad/store/credit_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace fakturad::daemon {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;

namespace {

constexpr std::string_view monitoring_cursor = "schufa:monitoring";
constexpr unsigned events_per_page = 100;

credit_reply failure(unsigned status, std::string text) {
    return credit_reply{status, json::object{{"error", std::move(text)}}};
}

std::string str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool plausible_sf_id(std::string_view id) {
    return (id.size() == 15 || id.size() == 18) && std::all_of(id.begin(), id.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) != 0;
           });
}

struct account_data {
    std::string id;
    std::string name;
    std::string street;
    std::string postal_code;
    std::string city;
    std::string country;
    std::string vat_id;
    std::string owner_id;
};

// "Hauptstrasse 1" -> {"Hauptstrasse", "1"}; the house number is the last word when it starts with a digit.
std::pair<std::string, std::string> split_street(const std::string& street) {
    const auto space = street.find_last_of(' ');
    if (space != std::string::npos && space + 1 < street.size() &&
        std::isdigit(static_cast<unsigned char>(street[space + 1])) != 0) {
        return {street.substr(0, space), street.substr(space + 1)};
    }
    return {street, ""};
}

std::string country_code(const std::string& country) {
    if (country == "Germany" || country == "Deutschland" || country.empty()) {
        return "DE";
    }
    if (country.size() == 2) {
        std::string up = country;
        for (auto& c : up) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        return up;
    }
    return country;
}

json::object person_json(const schufa::person_subject& p) {
    return json::object{
        {"firstName", p.first_name},
        {"lastName", p.last_name},
        {"gender", p.gender},
        {"birthDate", p.birth_date},
        {"street", p.street},
        {"houseNumber", p.house_number},
        {"postalCode", p.postal_code},
        {"city", p.city},
        {"country", p.country}};
}

}  // namespace

std::optional<credit_check_request> credit_check_request_of(std::string_view body, std::string& problem) {
    boost::system::error_code ec;
    const auto doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        problem = "the body must be a JSON object";
        return std::nullopt;
    }
    const auto& o = doc.as_object();
    credit_check_request r;
    r.account_sf_id = str(o, "account_id");
    r.product = str(o, "product");
    r.interest = str(o, "interest");
    r.note = str(o, "note");
    r.requested_by = str(o, "requested_by");
    r.schufa_company_id = str(o, "schufa_company_id");
    if (const auto v = str(o, "identity_variant"); !v.empty()) {
        r.identity_variant = v;
    }
    if (const auto* p = o.if_contains("person"); p != nullptr && p->is_object()) {
        const auto& po = p->as_object();
        schufa::person_subject person;
        person.first_name = str(po, "first_name");
        person.last_name = str(po, "last_name");
        person.birth_date = str(po, "birth_date");
        if (const auto g = str(po, "gender"); !g.empty()) {
            person.gender = g;
        }
        person.street = str(po, "street");
        person.house_number = str(po, "house_number");
        person.postal_code = str(po, "postal_code");
        person.city = str(po, "city");
        r.person = std::move(person);
    }
    if (r.account_sf_id.empty()) {
        problem = "account_id is required";
        return std::nullopt;
    }
    if (r.requested_by.empty()) {
        r.requested_by = "unknown";
    }
    return r;
}

struct credit_check_service::impl {
    schufa::client& schufa;
    salesforce::client& sf;
    // A copy: a configuration reload replaces the settings object the daemon started with.
    config::schufa_settings settings;
    const fakturad::clock& clock;
    store_runner on_store;
    logger& log;
    std::unique_ptr<documents::report_pdf_renderer> pdf;

    documents::report_pdf_renderer& renderer() {
        if (!pdf) {
            documents::pdf_assets assets;
            assets.font_regular_path = settings.pdf_font_regular.string();
            assets.font_bold_path = settings.pdf_font_bold.string();
            pdf = std::make_unique<documents::report_pdf_renderer>(assets);
        }
        return *pdf;
    }

    awaitable<std::optional<account_data>> fetch_account(std::string id, std::string& problem) {
        const auto quoted = salesforce::soql_quote(id);
        if (!quoted) {
            problem = "account id " + id + " cannot be used in a query";
            co_return std::nullopt;
        }
        std::optional<account_data> found;
        auto on_page = [&found](salesforce::query_page& page) {
            for (const auto& r : page.records) {
                if (!r.is_object()) {
                    continue;
                }
                const auto& o = r.as_object();
                account_data a;
                a.id = str(o, "Id");
                a.name = str(o, "Name");
                a.street = str(o, "BillingStreet");
                a.postal_code = str(o, "BillingPostalCode");
                a.city = str(o, "BillingCity");
                a.country = str(o, "BillingCountry");
                a.vat_id = str(o, "VAT_Number__c");
                a.owner_id = str(o, "OwnerId");
                found = std::move(a);
            }
            return true;
        };
        auto query = sf.query(
            "SELECT Id, Name, BillingStreet, BillingPostalCode, BillingCity, BillingCountry, VAT_Number__c,"
            " OwnerId FROM Account WHERE Id = " +
                *quoted,
            on_page
        );
        const auto result = co_await std::move(query);
        if (!result) {
            problem = "cannot read the Account from Salesforce: " + result.error().describe();
            co_return std::nullopt;
        }
        if (!found) {
            problem =
                "no Account " + id + " in Salesforce; check the Id (fakturactl credit-check ACCOUNT_ID)";
        }
        co_return found;
    }

    // Steps 3 to 5 of the header for one report request.
    awaitable<credit_reply> run_report(
        schufa::report_request request,
        account_data account,
        std::string requested_by,
        std::optional<schufa::monitoring_event> event
    ) {
        const instant now = clock.now();
        const std::string product_name(schufa::info(request.which).cli_name);
        const std::string interest_code(schufa::info(request.envelope.legitimate_interest).code);
        store::credit_audit_entry entry;
        entry.requested_at = now;
        entry.requested_by = requested_by;
        entry.account_sf_id = account.id;
        entry.product = product_name;
        entry.interest = interest_code;
        entry.subject_hash = schufa::subject_hash(request);
        std::int64_t audit_id = 0;
        auto begin = [&](store::sqlite_store& db) { audit_id = store::credit_store(db).begin_audit(entry); };
        auto begin_done = on_store(begin);
        co_await std::move(begin_done);
        request.envelope.customer_reference = "fkd-" + std::to_string(audit_id);
        request.envelope.requested_by = requested_by;
        request.envelope.requested_at = format_instant(now);
        request.envelope.salesforce_record_id = account.id;
        auto asking = schufa.request_report(request);
        const schufa::report_outcome outcome = co_await std::move(asking);
        if (!outcome.ok()) {
            const std::string code(schufa::to_string(outcome.failure.code));
            auto fail = [&](store::sqlite_store& db) {
                store::credit_store(db).complete_audit(audit_id, false, "", code, clock.now());
            };
            auto fail_done = on_store(fail);
            co_await std::move(fail_done);
            log.warn(
                "SCHUFA request failed",
                {{"job", "credit-check"},
                 {"account", account.id},
                 {"product", product_name},
                 {"interest", interest_code},
                 {"audit_id", std::to_string(audit_id)},
                 {"err_class", code},
                 {"attempts", std::to_string(outcome.attempts)}}
            );
            auto reply = failure(
                schufa::retryable(outcome.failure.code) ? 503U : 502U,
                "SCHUFA answered " + code + ": " + outcome.failure.message
            );
            reply.body["audit_id"] = audit_id;
            reply.body["error_code"] = code;
            co_return reply;
        }
        const schufa::credit_report& report = *outcome.report;
        const std::string kind(subject_kind_of(request.which));
        std::optional<schufa::credit_report> previous;
        auto load_previous = [&](store::sqlite_store& db) {
            if (auto row = store::credit_store(db).latest_report(account.id, kind)) {
                previous = report_from_json(row->report_json);
            }
        };
        auto load_previous_done = on_store(load_previous);
        co_await std::move(load_previous_done);
        schufa::worsening_rule rule;
        rule.score_drop = static_cast<int>(settings.worsening_score_drop);
        rule.risk_class_steps = static_cast<int>(settings.worsening_risk_class_steps);
        rule.new_negative = settings.worsening_on_new_negative;
        const auto comparison = schufa::compare(
            previous && previous->status == schufa::hit_status::hit ? &*previous : nullptr, report, rule
        );
        report_context ctx;
        ctx.account_sf_id = account.id;
        ctx.account_name = account.name;
        ctx.owner_id = account.owner_id;
        ctx.interest_code = interest_code;
        ctx.requested_by = requested_by;
        ctx.requested_at = format_instant(now);
        ctx.audit_id = audit_id;
        store::credit_report_row row;
        row.audit_id = audit_id;
        row.account_sf_id = account.id;
        row.product = product_name;
        row.subject_kind = kind;
        row.status = std::string(schufa::to_string(report.status));
        row.request_reference = report.request_id;
        if (!report.subject_id.empty()) {
            row.subject_id = report.subject_id;
        }
        if (report.score) {
            row.score = *report.score;
        }
        if (report.risk_class > 0) {
            row.risk_class = report.risk_class;
        }
        if (report.probability_of_default) {
            row.probability_of_default = to_string(*report.probability_of_default);
        }
        if (!report.traffic_light.empty()) {
            row.traffic_light = report.traffic_light;
        }
        row.negative_count = static_cast<std::int64_t>(report.negative_features.size());
        row.worsened = comparison.worsened;
        row.comparison = comparison.summary();
        row.report_json = json::serialize(report_json(report));
        row.received_at = clock.now();
        std::optional<store::personal_data> person;
        if (!schufa::is_b2b(request.which)) {
            person = store::personal_data{
                json::serialize(person_json(request.person)), now + settings.b2c_retention};
        }
        std::optional<std::string> event_id;
        std::optional<std::string> subscription_id;
        if (event) {
            event_id = event->event_id;
            subscription_id = event->subscription_id;
        }
        std::int64_t report_id = 0;
        auto record = [&](store::sqlite_store& db) {
            // Rendered on the store strand: PDF work is blocking and belongs on the pool (STYLE A2).
            const auto doc = report_document_of(report, ctx, comparison, outcome.raw_body);
            const auto rendered = renderer().render(doc);
            const auto payload = credit_writeback_payload(report, ctx, comparison, rendered, settings);
            report_id = store::credit_store(db).record_report(
                row, person, json::serialize(payload), event_id, subscription_id
            );
        };
        auto record_done = on_store(record);
        co_await std::move(record_done);
        log.info(
            "SCHUFA report stored",
            {{"job", event ? "credit-monitoring" : "credit-check"},
             {"account", account.id},
             {"product", product_name},
             {"interest", interest_code},
             {"audit_id", std::to_string(audit_id)},
             {"reference", report.request_id},
             {"status", row.status},
             {"worsened", comparison.worsened ? "yes" : "no"}}
        );
        json::object body{
            {"audit_id", audit_id},
            {"report_id", report_id},
            {"product", product_name},
            {"status", row.status},
            {"reference", report.request_id},
            {"negative_entries", row.negative_count},
            {"comparison", row.comparison},
            {"worsened", comparison.worsened},
        };
        if (report.score) {
            body["score"] = *report.score;
        }
        if (report.risk_class > 0) {
            body["risk_class"] = report.risk_class;
        }
        if (report.probability_of_default) {
            body["probability_of_default"] = to_string(*report.probability_of_default);
        }
        if (!report.traffic_light.empty()) {
            body["traffic_light"] = report.traffic_light;
        }
        json::array candidates;
        for (const auto& c : report.candidates) {
            candidates.push_back(json::object{
                {"schufa_company_id", c.schufa_company_id}, {"name", c.name}, {"city", c.city}});
        }
        if (!candidates.empty()) {
            body["candidates"] = std::move(candidates);
        }
        co_return credit_reply{200, std::move(body)};
    }

    schufa::report_request company_request(schufa::product p, schufa::interest i, const account_data& a)
        const {
        schufa::report_request r;
        r.which = p;
        r.envelope.legitimate_interest = i;
        r.company.name = a.name.substr(0, 60);
        auto [street, number] = split_street(a.street);
        r.company.street = std::move(street);
        r.company.house_number = std::move(number);
        r.company.postal_code = a.postal_code;
        r.company.city = a.city;
        r.company.country = country_code(a.country);
        r.company.vat_id = a.vat_id;
        return r;
    }
};

credit_check_service::credit_check_service(
    schufa::client& schufa,
    salesforce::client& sf,
    const config::schufa_settings& settings,
    const fakturad::clock& clock,
    store_runner on_store,
    logger& log
)
    : impl_(std::make_unique<impl>(impl{schufa, sf, settings, clock, std::move(on_store), log, nullptr})) {}

credit_check_service::~credit_check_service() = default;

awaitable<credit_reply> credit_check_service::check(credit_check_request request) {
    // Step 1: the daemon checks the basis as well; fakturactl did before sending, other clients may not.
    if (auto problem = schufa::check_request_basis(request.product, request.interest); !problem.empty()) {
        co_return failure(400, problem);
    }
    if (!plausible_sf_id(request.account_sf_id)) {
        co_return failure(
            400,
            "account id '" + request.account_sf_id + "' is not a Salesforce Id (15 or 18 letters and digits)"
        );
    }
    const auto which = *schufa::product_from_cli(request.product);
    const auto interest = *schufa::interest_from_code(request.interest);
    if (!schufa::is_b2b(which) &&
        (!request.person || request.person->first_name.empty() || request.person->last_name.empty() ||
         request.person->birth_date.size() != 10)) {
        co_return failure(
            400,
            "product " + request.product +
                " is about a person: give --first-name, --last-name and --birth-date YYYY-MM-DD"
        );
    }
    std::string problem;
    auto fetching = impl_->fetch_account(request.account_sf_id, problem);
    auto account = co_await std::move(fetching);
    if (!account) {
        co_return failure(problem.starts_with("no Account") ? 404U : 502U, problem);
    }
    schufa::report_request r = impl_->company_request(which, interest, *account);
    r.envelope.legitimate_interest_note = request.note;
    if (schufa::is_b2b(which)) {
        r.company.schufa_company_id = request.schufa_company_id;
    } else if (!request.schufa_company_id.empty()) {
        co_return failure(400, "a SCHUFA company id belongs to the b2b products only");
    }
    if (!schufa::is_b2b(which)) {
        r.person = *request.person;
        if (r.person.street.empty()) {
            auto [street, number] = split_street(account->street);
            r.person.street = street;
            r.person.house_number = number;
            r.person.postal_code = account->postal_code;
            r.person.city = account->city;
        }
        r.person.country = country_code(account->country);
        r.identity_variant = request.identity_variant;
    }
    auto running = impl_->run_report(std::move(r), std::move(*account), request.requested_by, std::nullopt);
    co_return co_await std::move(running);
}

awaitable<credit_reply> credit_check_service::monitor(
    std::string account_sf_id, bool on, std::string requested_by
) {
    if (!plausible_sf_id(account_sf_id)) {
        co_return failure(
            400, "account id '" + account_sf_id + "' is not a Salesforce Id (15 or 18 letters and digits)"
        );
    }
    auto& s = *impl_;
    std::optional<store::credit_report_row> latest;
    std::optional<store::credit_subscription> current;
    auto load = [&](store::sqlite_store& db) {
        store::credit_store credits(db);
        latest = credits.latest_report(account_sf_id, "company");
        current = credits.subscription_of_account(account_sf_id);
    };
    auto load_done = s.on_store(load);
    co_await std::move(load_done);
    if (on && current && current->active) {
        co_return credit_reply{
            200,
            json::object{
                {"subscription_id", current->subscription_id}, {"active", true}, {"unchanged", true}}};
    }
    if (!on && (!current || !current->active)) {
        co_return failure(404, "no active SCHUFA monitoring for account " + account_sf_id);
    }
    if (on && (!latest || latest->status != "HIT" || !latest->subject_id)) {
        co_return failure(
            409,
            "monitoring needs a B2B report with a hit for account " + account_sf_id +
                " first: run fakturactl credit-check with a b2b product"
        );
    }
    const instant now = s.clock.now();
    store::credit_audit_entry entry;
    entry.requested_at = now;
    entry.requested_by = requested_by;
    entry.account_sf_id = account_sf_id;
    entry.action = on ? "subscribe" : "unsubscribe";
    entry.product = on ? latest->product : current->product;
    entry.interest = "MONITORING";
    std::int64_t audit_id = 0;
    auto begin = [&](store::sqlite_store& db) { audit_id = store::credit_store(db).begin_audit(entry); };
    auto begin_done = s.on_store(begin);
    co_await std::move(begin_done);
    schufa::request_envelope envelope;
    envelope.customer_reference = "fkd-" + std::to_string(audit_id);
    envelope.legitimate_interest = schufa::interest::monitoring;
    envelope.salesforce_record_id = account_sf_id;
    envelope.requested_by = requested_by;
    envelope.requested_at = format_instant(now);
    store::credit_subscription sub;
    schufa::call_failure failed;
    if (on) {
        auto subscribing = s.schufa.subscribe(envelope, schufa::subject_type::company, *latest->subject_id);
        auto outcome = co_await std::move(subscribing);
        failed = outcome.failure;
        sub.account_sf_id = account_sf_id;
        sub.subscription_id = outcome.subscription_id;
        sub.subject_type = "COMPANY";
        sub.subject_id = *latest->subject_id;
        sub.product = latest->product;
        sub.active = true;
    } else {
        auto ending = s.schufa.unsubscribe(envelope, current->subscription_id);
        failed = co_await std::move(ending);
        sub = *current;
        sub.active = false;
    }
    sub.changed_at = s.clock.now();
    const bool ok = failed.code == schufa::error_code::none;
    auto complete = [&](store::sqlite_store& db) {
        store::transaction tx(db);
        store::credit_store credits(db);
        credits.complete_audit(
            audit_id,
            ok,
            ok ? sub.subscription_id : std::string(),
            ok ? (on ? "SUBSCRIBED" : "UNSUBSCRIBED") : std::string(schufa::to_string(failed.code)),
            sub.changed_at
        );
        if (ok) {
            credits.put_subscription(sub);
        }
        tx.commit();
    };
    auto complete_done = s.on_store(complete);
    co_await std::move(complete_done);
    if (!ok) {
        co_return failure(
            502, "SCHUFA answered " + std::string(schufa::to_string(failed.code)) + ": " + failed.message
        );
    }
    s.log.info(
        on ? "SCHUFA monitoring on" : "SCHUFA monitoring off",
        {{"job", "credit-monitoring"},
         {"account", account_sf_id},
         {"subscription", sub.subscription_id},
         {"audit_id", std::to_string(audit_id)}}
    );
    co_return credit_reply{
        200, json::object{{"subscription_id", sub.subscription_id}, {"active", on}, {"audit_id", audit_id}}};
}

awaitable<std::size_t> credit_check_service::poll_monitoring() {
    auto& s = *impl_;
    std::size_t reports = 0;
    for (;;) {
        std::string cursor;
        auto read_cursor = [&](store::sqlite_store& db) {
            if (const auto c = db.get_sync_cursor(monitoring_cursor); c && c->last_replay_id) {
                cursor = *c->last_replay_id;
            }
        };
        auto read_cursor_done = s.on_store(read_cursor);
        co_await std::move(read_cursor_done);
        auto fetching = s.schufa.events(cursor, events_per_page);
        const schufa::event_page page = co_await std::move(fetching);
        if (page.failure.code != schufa::error_code::none) {
            s.log.warn(
                "SCHUFA monitoring poll failed; next try at the next poll",
                {{"job", "credit-monitoring"},
                 {"err_class", std::string(schufa::to_string(page.failure.code))}}
            );
            co_return reports;
        }
        for (const auto& event : page.events) {
            bool handled = false;
            std::optional<store::credit_subscription> sub;
            auto look = [&](store::sqlite_store& db) {
                store::credit_store credits(db);
                handled = credits.event_handled(event.event_id);
                sub = credits.subscription_by_id(event.subscription_id);
            };
            auto look_done = s.on_store(look);
            co_await std::move(look_done);
            if (handled) {
                continue;  // delivered again (at-least-once): already turned into a report
            }
            if (!sub || !sub->active) {
                auto skip = [&](store::sqlite_store& db) {
                    store::credit_store(db).mark_event_handled(
                        event.event_id, event.subscription_id, s.clock.now()
                    );
                };
                auto skip_done = s.on_store(skip);
                co_await std::move(skip_done);
                continue;
            }
            std::string problem;
            auto fetching_account = s.fetch_account(sub->account_sf_id, problem);
            auto account = co_await std::move(fetching_account);
            if (!account) {
                s.log.warn(
                    "SCHUFA monitoring event waits: the Account cannot be read",
                    {{"job", "credit-monitoring"}, {"account", sub->account_sf_id}, {"err", problem}}
                );
                co_return reports;
            }
            const auto which = schufa::product_from_cli(sub->product).value_or(schufa::product::b2b_short);
            auto request = s.company_request(which, schufa::interest::existing_relationship_review, *account);
            request.company.schufa_company_id = sub->subject_id;
            request.envelope.legitimate_interest_note = "Nachmeldeservice " + event.type + " " +
                                                        event.event_id + " (subscription " +
                                                        event.subscription_id + ")";
            auto running =
                s.run_report(std::move(request), std::move(*account), "fakturad monitoring", event);
            const auto reply = co_await std::move(running);
            if (reply.status == 200) {
                ++reports;
            } else if (reply.status == 503) {
                co_return reports;  // temporary: the event stays unacknowledged and comes again
            } else {
                auto give_up = [&](store::sqlite_store& db) {
                    store::credit_store(db).mark_event_handled(
                        event.event_id, event.subscription_id, s.clock.now()
                    );
                };
                auto give_up_done = s.on_store(give_up);
                co_await std::move(give_up_done);
            }
        }
        if (!page.next_cursor.empty() && page.next_cursor != cursor) {
            auto acking = s.schufa.acknowledge(page.next_cursor);
            const auto acked = co_await std::move(acking);
            if (acked.code != schufa::error_code::none) {
                co_return reports;
            }
            auto store_cursor = [&](store::sqlite_store& db) {
                store::sync_cursor_info info;
                info.object_name = std::string(monitoring_cursor);
                info.last_replay_id = page.next_cursor;
                info.updated_at = s.clock.now();
                db.put_sync_cursor(info);
            };
            auto store_cursor_done = s.on_store(store_cursor);
            co_await std::move(store_cursor_done);
        }
        if (page.events.size() < events_per_page) {
            co_return reports;
        }
    }
}

awaitable<std::size_t> credit_check_service::delete_expired_personal_data() {
    std::size_t deleted = 0;
    const instant now = impl_->clock.now();
    auto purge = [&](store::sqlite_store& db) {
        deleted = store::credit_store(db).delete_expired_personal_data(now);
    };
    auto purge_done = impl_->on_store(purge);
    co_await std::move(purge_done);
    if (deleted > 0) {
        impl_->log.info(
            "B2C personal data deleted after schufa.b2c_retention",
            {{"job", "maintenance"}, {"reports", std::to_string(deleted)}}
        );
    }
    co_return deleted;
}

}  // namespace fakturad::daemon
