#include "credit_report_output.hpp"

#include "fakturad/core/calendar.hpp"
#include "fakturad/salesforce/rest.hpp"
#include "fakturad/salesforce/soql.hpp"

#include <boost/json.hpp>
#include <openssl/evp.h>

namespace fakturad::daemon {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<decimal> dec(const json::object& o, std::string_view key) {
    const auto text = str(o, key);
    if (text.empty()) {
        return std::nullopt;
    }
    const auto parsed = parse_decimal(text);
    return parsed ? std::optional<decimal>(*parsed) : std::nullopt;
}

std::string text_of(const std::optional<decimal>& d) { return d ? to_string(*d) : std::string(); }

std::string base64_decode(std::string_view text) {
    std::string out(text.size() / 4 * 3 + 3, '\0');
    const int n = EVP_DecodeBlock(
        reinterpret_cast<unsigned char*>(out.data()),
        reinterpret_cast<const unsigned char*>(text.data()),
        static_cast<int>(text.size())
    );
    if (n < 0) {
        return {};
    }
    std::size_t size = static_cast<std::size_t>(n);
    // EVP_DecodeBlock counts the padding as zero bytes.
    for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) {
        --size;
    }
    out.resize(size);
    return out;
}

std::string yes_no(bool b) { return b ? "ja" : "nein"; }

std::string truncated(std::string text, std::size_t limit) {
    if (text.size() > limit) {
        text.resize(limit - 3);
        text += "...";
    }
    return text;
}

// The company sections of a B2B answer (officers, shareholders, financials) as rows, read from the answer
// as received: the PDF shows what SCHUFA said, not only the fields fakturad keeps.
void add_company_sections(documents::report_document& doc, std::string_view raw) {
    boost::system::error_code ec;
    const auto parsed = json::parse(raw, ec);
    if (ec || !parsed.is_object()) {
        return;
    }
    const auto& o = parsed.as_object();
    if (const auto* c = o.if_contains("company"); c != nullptr && c->is_object()) {
        const auto& co = c->as_object();
        documents::report_section s;
        s.heading = "Unternehmen";
        s.rows.push_back({"Name", str(co, "name")});
        s.rows.push_back({"Rechtsform", str(co, "legalForm")});
        s.rows.push_back({"SCHUFA-Unternehmens-ID", str(co, "schufaCompanyId")});
        if (const auto* a = co.if_contains("address"); a != nullptr && a->is_object()) {
            const auto& ad = a->as_object();
            s.rows.push_back(
                {"Anschrift",
                 str(ad, "street") + " " + str(ad, "houseNumber") + ", " + str(ad, "postalCode") + " " +
                     str(ad, "city") + " (" + str(ad, "country") + ")"}
            );
        }
        s.rows.push_back({"Gegründet", str(co, "foundedOn")});
        if (const auto* g = co.if_contains("register"); g != nullptr && g->is_object()) {
            const auto& reg = g->as_object();
            s.rows.push_back(
                {"Register", str(reg, "court") + " " + str(reg, "type") + " " + str(reg, "number")}
            );
        }
        s.rows.push_back({"USt-IdNr.", str(co, "vatId")});
        if (const auto* i = co.if_contains("industry"); i != nullptr && i->is_object()) {
            s.rows.push_back(
                {"Branche (WZ 2008)", str(i->as_object(), "wz2008Code") + " " + str(i->as_object(), "text")}
            );
        }
        s.rows.push_back({"Status", str(co, "status")});
        doc.sections.push_back(std::move(s));
    }
    documents::report_section more;
    more.heading = "Organe, Gesellschafter, Kennzahlen";
    if (const auto* list = o.if_contains("officers"); list != nullptr && list->is_array()) {
        for (const auto& p : list->as_array()) {
            if (p.is_object()) {
                more.rows.push_back(
                    {str(p.as_object(), "role"),
                     str(p.as_object(), "name") + " (seit " + str(p.as_object(), "since") + ")"}
                );
            }
        }
    }
    if (const auto* list = o.if_contains("shareholders"); list != nullptr && list->is_array()) {
        for (const auto& p : list->as_array()) {
            if (p.is_object()) {
                more.rows.push_back(
                    {"Gesellschafter",
                     str(p.as_object(), "name") + " (" + str(p.as_object(), "sharePct") + " %)"}
                );
            }
        }
    }
    if (const auto* f = o.if_contains("financials"); f != nullptr && f->is_object()) {
        const auto& fo = f->as_object();
        const auto* employees = fo.if_contains("employees");
        more.rows.push_back({"Mitarbeiter", employees != nullptr ? json::serialize(*employees) : ""});
        more.rows.push_back({"Umsatz (EUR)", str(fo, "revenueEur")});
        more.rows.push_back({"Stammkapital (EUR)", str(fo, "shareCapitalEur")});
    }
    if (const auto* list = o.if_contains("bankConnections"); list != nullptr && list->is_array()) {
        for (const auto& b : list->as_array()) {
            if (b.is_object()) {
                more.rows.push_back(
                    {"Bankverbindung", str(b.as_object(), "bankName") + " " + str(b.as_object(), "bic")}
                );
            }
        }
    }
    if (!more.rows.empty()) {
        doc.sections.push_back(std::move(more));
    }
}

}  // namespace

std::string_view subject_kind_of(schufa::product p) {
    if (schufa::is_b2b(p)) {
        return "company";
    }
    return p == schufa::product::b2c ? "person" : "identity";
}

json::object report_json(const schufa::credit_report& r) {
    json::array negatives;
    for (const auto& n : r.negative_features) {
        negatives.push_back(json::object{
            {"code", n.code},
            {"category", n.category},
            {"date", n.date},
            {"amountEur", text_of(n.amount_eur)},
            {"source", n.source}});
    }
    json::array candidates;
    for (const auto& c : r.candidates) {
        candidates.push_back(json::object{
            {"schufaCompanyId", c.schufa_company_id},
            {"name", c.name},
            {"city", c.city},
            {"registerNumber", c.register_number}});
    }
    json::object o{
        {"product", schufa::info(r.which).cli_name},
        {"requestId", r.request_id},
        {"status", schufa::to_string(r.status)},
        {"reportDate", r.report_date},
        {"subjectId", r.subject_id},
        {"subjectName", r.subject_name},
        {"companyStatus", r.company_status},
        {"scoreScale", r.score_scale},
        {"riskClass", r.risk_class},
        {"probabilityOfDefault", text_of(r.probability_of_default)},
        {"trafficLight", r.traffic_light},
        {"negativeFeatures", std::move(negatives)},
        {"creditLimitEur", text_of(r.credit_limit_eur)},
        {"candidates", std::move(candidates)},
        {"decisionSupportOnly", r.decision_support_only},
    };
    if (r.score) {
        o["score"] = *r.score;
    }
    if (r.identity) {
        json::object id{
            {"matched", r.identity->matched},
            {"foundWithPreviousAddress", r.identity->found_with_previous_address},
            {"matchLastName", r.identity->match_last_name},
            {"matchFirstName", r.identity->match_first_name},
            {"matchBirthDate", r.identity->match_birth_date},
            {"matchAddress", r.identity->match_address}};
        if (r.identity->age_verified) {
            id["ageVerified"] = *r.identity->age_verified;
        }
        o["identity"] = std::move(id);
    }
    return o;
}

std::optional<schufa::credit_report> report_from_json(std::string_view text) {
    boost::system::error_code ec;
    const auto parsed = json::parse(text, ec);
    if (ec || !parsed.is_object()) {
        return std::nullopt;
    }
    const auto& o = parsed.as_object();
    const auto p = schufa::product_from_cli(str(o, "product"));
    if (!p) {
        return std::nullopt;
    }
    schufa::credit_report r;
    r.which = *p;
    r.request_id = str(o, "requestId");
    const auto status = str(o, "status");
    r.status = status == "HIT"         ? schufa::hit_status::hit
               : status == "AMBIGUOUS" ? schufa::hit_status::ambiguous
                                       : schufa::hit_status::no_hit;
    r.report_date = str(o, "reportDate");
    r.subject_id = str(o, "subjectId");
    r.subject_name = str(o, "subjectName");
    r.company_status = str(o, "companyStatus");
    if (const auto* s = o.if_contains("score"); s != nullptr && s->is_int64()) {
        r.score = static_cast<int>(s->as_int64());
    }
    r.score_scale = str(o, "scoreScale");
    if (const auto* c = o.if_contains("riskClass"); c != nullptr && c->is_int64()) {
        r.risk_class = static_cast<int>(c->as_int64());
    }
    r.probability_of_default = dec(o, "probabilityOfDefault");
    r.traffic_light = str(o, "trafficLight");
    if (const auto* list = o.if_contains("negativeFeatures"); list != nullptr && list->is_array()) {
        for (const auto& n : list->as_array()) {
            if (n.is_object()) {
                const auto& f = n.as_object();
                r.negative_features.push_back(
                    {str(f, "code"),
                     str(f, "category"),
                     str(f, "date"),
                     dec(f, "amountEur"),
                     str(f, "source")}
                );
            }
        }
    }
    r.credit_limit_eur = dec(o, "creditLimitEur");
    return r;
}

documents::report_document report_document_of(
    const schufa::credit_report& r,
    const report_context& ctx,
    const schufa::report_comparison& comparison,
    std::string_view raw_answer
) {
    documents::report_document doc;
    doc.title = std::string(schufa::info(r.which).title);
    doc.subtitle = (r.subject_name.empty() ? ctx.account_name : r.subject_name) + " - Auskunft vom " +
                   r.report_date + " - Referenz " + r.request_id;
    documents::report_section request;
    request.heading = "Anfrage";
    request.rows = {
        {"Salesforce-Account", ctx.account_name + " (" + ctx.account_sf_id + ")"},
        {"Berechtigtes Interesse", ctx.interest_code},
        {"Angefragt von", ctx.requested_by},
        {"Angefragt am", ctx.requested_at},
        {"Protokoll-Nr. (fakturad)", std::to_string(ctx.audit_id)},
        {"Ergebnis", std::string(schufa::to_string(r.status))},
    };
    doc.sections.push_back(std::move(request));
    documents::report_section score;
    score.heading = "Bonität";
    score.rows.push_back({"Score", r.score ? std::to_string(*r.score) + " (" + r.score_scale + ")" : "-"});
    if (r.risk_class > 0) {
        score.rows.push_back({"Risikoklasse", std::to_string(r.risk_class) + " von 6"});
    }
    score.rows.push_back({"Ausfallwahrscheinlichkeit 12 Monate", text_of(r.probability_of_default) + " %"});
    score.rows.push_back({"Ampel / Kategorie", r.traffic_light});
    if (r.credit_limit_eur) {
        score.rows.push_back({"Empfohlenes Kreditlimit (EUR)", to_string(*r.credit_limit_eur)});
    }
    score.rows.push_back({"Vergleich mit der Vorauskunft", comparison.summary()});
    if (comparison.worsened) {
        std::string why;
        for (const auto& reason : comparison.reasons) {
            why += why.empty() ? reason : "; " + reason;
        }
        score.rows.push_back({"Verschlechterung", why});
    }
    doc.sections.push_back(std::move(score));
    documents::report_section negatives;
    negatives.heading = "Negativmerkmale";
    for (const auto& n : r.negative_features) {
        negatives.rows.push_back(
            {n.category,
             n.date + ", " + n.code +
                 (n.amount_eur ? ", " + to_string(*n.amount_eur) + " EUR" : std::string()) +
                 ", Quelle: " + n.source}
        );
    }
    if (r.negative_features.empty()) {
        negatives.paragraphs.push_back("Keine Negativmerkmale gemeldet.");
    }
    doc.sections.push_back(std::move(negatives));
    if (!r.candidates.empty()) {
        documents::report_section c;
        c.heading = "Mehrdeutige Identifizierung: Kandidaten";
        for (const auto& k : r.candidates) {
            c.rows.push_back({k.schufa_company_id, k.name + ", " + k.city + ", " + k.register_number});
        }
        doc.sections.push_back(std::move(c));
    }
    if (r.identity) {
        documents::report_section id;
        id.heading = "Identität";
        id.rows.push_back({"Identität bestätigt", yes_no(r.identity->matched)});
        id.rows.push_back({"Unter Voranschrift gefunden", yes_no(r.identity->found_with_previous_address)});
        if (r.identity->age_verified) {
            id.rows.push_back({"Volljährigkeit bestätigt", yes_no(*r.identity->age_verified)});
        }
        if (!r.identity->match_address.empty()) {
            id.rows.push_back(
                {"Abgleich Name / Vorname / Geburtsdatum / Anschrift",
                 r.identity->match_last_name + " / " + r.identity->match_first_name + " / " +
                     r.identity->match_birth_date + " / " + r.identity->match_address}
            );
        }
        doc.sections.push_back(std::move(id));
    }
    if (schufa::is_b2b(r.which)) {
        add_company_sections(doc, raw_answer);
    }
    if (r.decision_support_only) {
        documents::report_section note;
        note.heading = "Hinweis";
        note.paragraphs.push_back(
            "Diese Auskunft dient nur der Entscheidungsunterstützung (Art. 22 DSGVO): über einen Vertrag "
            "entscheidet ein Mensch, nicht der Score allein."
        );
        doc.sections.push_back(std::move(note));
    }
    doc.footer =
        "SCHUFA-Auskunft, abgerufen durch fakturad. Vertraulich: nur für den Zweck des angegebenen "
        "berechtigten Interesses verwenden.";
    return doc;
}

json::object credit_writeback_payload(
    const schufa::credit_report& r,
    const report_context& ctx,
    const schufa::report_comparison& comparison,
    const documents::rendered_pdf& pdf,
    const config::schufa_settings& settings
) {
    const std::string key = "schufa-" + std::to_string(ctx.audit_id);
    json::object record{
        {"Fakturad_Key__c", key},
        {"Account__c", ctx.account_sf_id},
        {"Provider__c", "SCHUFA"},
        {"Product__c", schufa::info(r.which).cli_name},
        {"Legitimate_Interest__c", ctx.interest_code},
        {"Status__c", schufa::to_string(r.status)},
        {"Request_Reference__c", r.request_id},
        {"Retrieved_At__c", ctx.requested_at},
        {"Requested_By__c", truncated(ctx.requested_by, 80)},
        {"Negative_Entries__c", static_cast<std::int64_t>(r.negative_features.size())},
        {"Comparison__c", truncated(comparison.summary(), 255)},
        {"Worsened__c", comparison.worsened},
    };
    if (!r.report_date.empty()) {
        record["Report_Date__c"] = r.report_date;
    }
    if (r.score) {
        record["Score__c"] = *r.score;
    }
    record["Risk_Class__c"] = r.risk_class > 0 ? std::to_string(r.risk_class) : std::string("Unknown");
    if (r.probability_of_default) {
        // Salesforce Number fields take JSON numbers; the exact decimal text is a valid JSON number.
        record["Probability_Of_Default__c"] = json::parse(to_string(*r.probability_of_default));
    }
    if (!r.traffic_light.empty()) {
        record["Traffic_Light__c"] = r.traffic_light;
    }
    json::object account{
        {"Id", ctx.account_sf_id},
        {"Credit_Checked_At__c", ctx.requested_at},
        {"Credit_Comparison__c", truncated(comparison.summary(), 255)},
        {"Credit_Worsened__c", comparison.worsened},
        {"Credit_Risk_Class__c", r.risk_class > 0 ? std::to_string(r.risk_class) : std::string()},
    };
    if (r.score) {
        account["Credit_Score__c"] = *r.score;
    }
    json::object payload{
        {"account_id", ctx.account_sf_id},
        {"report", std::move(record)},
        {"file",
         json::object{
             {"title", std::string(schufa::info(r.which).title) + " " + r.report_date + " " + r.request_id},
             {"path", "schufa/" + key + ".pdf"},
             {"base64", salesforce::base64_encode(pdf.bytes)}}},
    };
    // Only company and person reports describe credit standing; an identity check never updates the
    // Account's credit figures.
    if (r.which != schufa::product::identity && r.status == schufa::hit_status::hit) {
        payload["account"] = std::move(account);
    }
    if (comparison.worsened && !ctx.owner_id.empty()) {
        std::string why;
        for (const auto& reason : comparison.reasons) {
            why += why.empty() ? reason : "; " + reason;
        }
        payload["task"] = json::object{
            {"Subject", truncated(settings.task_subject, 200) + " [" + r.request_id + "]"},
            {"Description",
             "SCHUFA follow-up for " + ctx.account_name + ": " + why + ". " + comparison.summary() +
                 ". Report " + r.request_id + " is attached to the Account."},
            {"OwnerId", ctx.owner_id},
            {"WhatId", ctx.account_sf_id},
            {"Priority", "High"},
            {"Status", "Not Started"},
            {"due_days", static_cast<std::int64_t>(settings.task_due_days)},
            {"report_date", r.report_date},
        };
    }
    return payload;
}

boost::asio::awaitable<std::string> deliver_credit_report(
    salesforce::client& sf, const store::outbox_message& message
) {
    boost::system::error_code ec;
    const auto parsed = json::parse(message.payload, ec);
    if (ec || !parsed.is_object() || !parsed.as_object().contains("report")) {
        co_return "malformed outbox payload";
    }
    const auto& o = parsed.as_object();
    auto failed = [](const auto& report, const std::string& object, const std::string& key) -> std::string {
        if (!report) {
            return report.error().describe();
        }
        for (const auto& r : report->records) {
            if (!r.success) {
                return r.describe(object, key);
            }
        }
        return {};
    };
    const std::string object(credit_report_object);
    auto upsert_report = sf.upsert(object, "Fakturad_Key__c", {o.at("report").as_object()});
    const auto upserted = co_await std::move(upsert_report);
    if (auto e = failed(upserted, object, "Fakturad_Key__c"); !e.empty()) {
        co_return e;
    }
    if (const auto* account = o.if_contains("account"); account != nullptr && account->is_object()) {
        auto update = sf.upsert("Account", "Id", {account->as_object()});
        const auto updated = co_await std::move(update);
        if (auto e = failed(updated, "Account", "Id"); !e.empty()) {
            co_return e;
        }
    }
    if (const auto* file = o.if_contains("file"); file != nullptr && file->is_object()) {
        const auto& f = file->as_object();
        salesforce::file_upload upload;
        upload.title = str(f, "title");
        upload.path_on_client = str(f, "path");
        upload.linked_record_id = str(o, "account_id");
        upload.description = "SCHUFA report";
        upload.data = base64_decode(str(f, "base64"));
        std::vector<salesforce::file_upload> uploads;
        uploads.push_back(std::move(upload));
        auto send = sf.upload_files(std::move(uploads));
        const auto sent = co_await std::move(send);
        if (auto e = failed(sent, "ContentVersion", "PathOnClient"); !e.empty()) {
            co_return e;
        }
    }
    if (const auto* task = o.if_contains("task"); task != nullptr && task->is_object()) {
        json::object t = task->as_object();
        // A Task has no external id: look for the one a previous attempt may have made (same account,
        // same subject with the report reference) before creating it.
        const std::string subject = str(t, "Subject");
        const auto what_id = salesforce::soql_quote(str(t, "WhatId"));
        const auto quoted_subject = salesforce::soql_quote(subject);
        if (!what_id || !quoted_subject) {
            co_return "the Task's account or subject cannot be written in SOQL";
        }
        const std::string soql =
            "SELECT Id FROM Task WHERE WhatId = " + *what_id + " AND Subject = " + *quoted_subject;
        bool exists = false;
        auto on_page = [&exists](salesforce::query_page& page) {
            exists = exists || !page.records.empty();
            return true;
        };
        auto found = sf.query(soql, on_page);
        const auto looked = co_await std::move(found);
        if (!looked) {
            co_return looked.error().describe();
        }
        if (!exists) {
            const auto due_days =
                t.contains("due_days") && t.at("due_days").is_int64() ? t.at("due_days").as_int64() : 0;
            const std::string report_date = str(t, "report_date");
            t.erase("due_days");
            t.erase("report_date");
            const auto day = parse_iso_date(report_date);
            if (const auto* d = std::get_if<civil_date>(&day)) {
                const auto due = std::chrono::sys_days(*d) + std::chrono::days(due_days);
                t["ActivityDate"] = format_iso_date(std::chrono::year_month_day(due));
            }
            std::vector<json::object> tasks;
            tasks.push_back(std::move(t));
            auto create = sf.create("Task", std::move(tasks));
            const auto created = co_await std::move(create);
            if (auto e = failed(created, "Task", "Subject"); !e.empty()) {
                co_return e;
            }
        }
    }
    co_return std::string();
}

}  // namespace fakturad::daemon
