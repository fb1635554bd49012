// Contract tests of describe and Bulk API 2.0 queries against the sf-emulator process.

#include "contract_fixture.hpp"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fakturad::salesforce::test {
namespace {

bool has_entry(const json::value& list, const char* key, const char* value) {
    const auto& a = list.as_array();
    return std::any_of(a.begin(), a.end(), [&](const json::value& e) {
        const auto* v = e.as_object().if_contains(key);
        return v != nullptr && v->is_string() && v->as_string() == value;
    });
}

// The values of a record by path ("Account__r.Name"), attributes left out; strings and nulls only, so
// that REST and Bulk records compare value for value.
std::map<std::string, std::optional<std::string>> leaves(
    const json::object& record, const std::string& prefix = ""
) {
    std::map<std::string, std::optional<std::string>> out;
    for (const auto& member : record) {
        const std::string name = prefix + std::string(member.key());
        const auto& v = member.value();
        if (member.key() == "attributes") {
            continue;
        }
        if (v.is_object()) {
            out.merge(leaves(v.as_object(), name + "."));
        } else if (v.is_string()) {
            out[name] = std::string(v.as_string());
        } else if (v.is_null()) {
            out[name] = std::nullopt;
        } else {
            ADD_FAILURE() << name << " is neither a string nor null: " << json::serialize(v);
        }
    }
    return out;
}

// The Bulk API query jobs the emulator still holds, as (id, state).
std::vector<std::pair<std::string, std::string>> jobs_left(
    emulator_process& emulator, asio::io_context& ioc
) {
    auto res = emulator.call(ioc, "GET", "/services/data/v62.0/jobs/query", "", true);
    std::vector<std::pair<std::string, std::string>> out;
    const auto answer = json::parse(res.body);
    for (const auto& job : answer.at("records").as_array()) {
        out.emplace_back(job.at("id").as_string(), job.at("state").as_string());
    }
    return out;
}

TEST_F(SalesforceContract, DescribeAccountHasCustomFieldsAndChildRelationships) {
    start({accounts_yaml(1)});
    auto d = run_on(ioc, connector->describe("Account"));
    ASSERT_TRUE(d.has_value()) << d.error().describe();
    EXPECT_EQ(d->at("name").as_string(), "Account");
    EXPECT_TRUE(has_entry(d->at("fields"), "name", "Id"));
    EXPECT_TRUE(has_entry(d->at("fields"), "name", "VAT_Number__c"));
    EXPECT_TRUE(has_entry(d->at("fields"), "name", "Fakturad_Customer_Key__c"));
    EXPECT_TRUE(has_entry(d->at("childRelationships"), "relationshipName", "Opportunities"));

    auto names = run_on(ioc, connector->describe_global());
    ASSERT_TRUE(names.has_value()) << names.error().describe();
    for (const char* expected : {"Account", "Opportunity", "Invoice__c"}) {
        EXPECT_NE(std::find(names->begin(), names->end(), expected), names->end()) << expected;
    }
}

TEST_F(SalesforceContract, DescribeOfAnUnknownObjectIsNotFound) {
    start({accounts_yaml(1)});
    ASSERT_TRUE(run_on(ioc, connector->authenticate()).has_value());
    const auto before = emulator->api_calls(ioc);
    auto d = run_on(ioc, connector->describe("Acount"));
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().code, errc::not_found) << d.error().describe();
    EXPECT_EQ(d.error().http_status, 404U);
    EXPECT_EQ(d.error().error_code, "NOT_FOUND");
    EXPECT_EQ(d.error().attempts, 1U);
    EXPECT_NE(d.error().describe().find("describe Acount"), std::string::npos) << d.error().describe();
    EXPECT_EQ(emulator->api_calls(ioc) - before, 1U);  // not retried

    auto bad = run_on(ioc, connector->describe("Account/describe/../x"));
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, errc::bad_input);
    EXPECT_EQ(emulator->api_calls(ioc) - before, 1U);  // nothing sent
}

TEST_F(SalesforceContract, BulkQueryReturnsWhatTheRestQueryReturns) {
    start({accounts_yaml(1)});
    options.bulk_page_records = 10;
    options.bulk_poll_first = std::chrono::milliseconds(5);
    options.bulk_poll_cap = std::chrono::milliseconds(20);
    make_client();
    // Names that need CSV quoting; every other account without a VAT number (an empty field, null).
    std::vector<json::object> accounts;
    for (int i = 1; i <= 5; ++i) {
        json::object a{
            {"Fakturad_Customer_Key__c", "BULK-" + std::to_string(i)},
            {"Name", "M\u00fcller, \"Quote\" & Co " + std::to_string(i) + "\nsecond line"}};
        if (i % 2 == 0) {
            a["VAT_Number__c"] = "DE12345678" + std::to_string(i);
        }
        accounts.push_back(std::move(a));
    }
    auto written = run_on(ioc, connector->upsert("Account", "Fakturad_Customer_Key__c", accounts));
    ASSERT_TRUE(written.has_value()) << written.error().describe();
    ASSERT_EQ(written->failed, 0U);
    std::vector<json::object> invoice_records;
    for (int i = 1; i <= 5; ++i) {
        auto batch =
            invoices(i * 5 - 4, i * 5, written->records[static_cast<std::size_t>(i - 1)].id.value_or(""));
        invoice_records.insert(invoice_records.end(), batch.begin(), batch.end());
    }
    auto invoiced = run_on(ioc, connector->upsert("Invoice__c", "Fakturad_Key__c", invoice_records));
    ASSERT_TRUE(invoiced.has_value()) << invoiced.error().describe();
    ASSERT_EQ(invoiced->failed, 0U);

    const std::string soql =
        "SELECT Id, Fakturad_Key__c, Status__c, Invoice_Date__c, Account__r.Name, Account__r.VAT_Number__c "
        "FROM Invoice__c";
    std::map<std::string, std::map<std::string, std::optional<std::string>>> rest;
    auto by_rest = [&](query_page& page) {
        for (const auto& r : page.records) {
            rest[std::string(r.at("Id").as_string())] = leaves(r.as_object());
        }
        return true;
    };
    auto rest_summary = run_on(ioc, connector->query(soql, by_rest));
    ASSERT_TRUE(rest_summary.has_value()) << rest_summary.error().describe();
    ASSERT_EQ(rest.size(), 25U);

    std::map<std::string, std::map<std::string, std::optional<std::string>>> bulk;
    std::vector<std::size_t> page_sizes;
    std::vector<bool> done;
    auto by_bulk = [&](query_page& page) {
        page_sizes.push_back(page.records.size());
        done.push_back(page.done);
        for (const auto& r : page.records) {
            EXPECT_EQ(r.at("attributes").at("type"), "Invoice__c");
            bulk[std::string(r.at("Id").as_string())] = leaves(r.as_object());
        }
        return true;
    };
    const auto calls_before = emulator->api_calls(ioc);
    auto summary = run_on(ioc, connector->bulk_query(soql, by_bulk));
    ASSERT_TRUE(summary.has_value()) << summary.error().describe();
    EXPECT_EQ(summary->total_size, 25U);
    EXPECT_EQ(summary->records, 25U);
    EXPECT_EQ(summary->pages, 3U);
    EXPECT_EQ(page_sizes, (std::vector<std::size_t>{10, 10, 5}));
    EXPECT_EQ(done, (std::vector<bool>{false, false, true}));
    // create, two polls (the emulator completes a job on its second poll), three pages, delete
    EXPECT_EQ(emulator->api_calls(ioc) - calls_before, 7U);
    EXPECT_EQ(bulk, rest);
    const auto& sample = bulk.begin()->second;
    ASSERT_EQ(sample.count("Account__r.Name"), 1U);
    const std::string name = sample.at("Account__r.Name").value_or("");
    EXPECT_NE(name.find(", \"Quote\" & Co"), std::string::npos) << name;
    EXPECT_NE(name.find("\nsecond line"), std::string::npos) << name;
    EXPECT_TRUE(jobs_left(*emulator, ioc).empty());

    // Stopping after the first page ends the call and still deletes the job.
    unsigned pages = 0;
    auto first_only = [&](query_page&) { return ++pages < 1; };
    auto stopped = run_on(ioc, connector->bulk_query(soql, first_only));
    ASSERT_FALSE(stopped.has_value());
    EXPECT_EQ(stopped.error().code, errc::stopped_by_caller);
    EXPECT_EQ(pages, 1U);
    EXPECT_TRUE(jobs_left(*emulator, ioc).empty());
}

TEST_F(SalesforceContract, BulkJobWithInvalidSoqlFailsWithTheJobsErrorText) {
    start({accounts_yaml(1)});
    auto r = run_on(ioc, connector->bulk_query("SELECT NoSuchField__c FROM Account", [](query_page&) {
        ADD_FAILURE() << "no page expected";
        return true;
    }));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::request_rejected) << r.error().describe();
    EXPECT_EQ(r.error().http_status, 400U);
    EXPECT_EQ(r.error().error_code, "INVALID_FIELD");
    EXPECT_NE(r.error().message.find("NoSuchField__c"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().describe().find("bulk query: SELECT NoSuchField__c"), std::string::npos)
        << r.error().describe();
    EXPECT_TRUE(jobs_left(*emulator, ioc).empty());
}

TEST_F(SalesforceContract, BulkJobNotCompleteInTimeIsAborted) {
    start({accounts_yaml(3)});
    // The emulator completes a job on its second poll; with this deadline there is time for one at most.
    options.bulk_job_timeout = std::chrono::milliseconds(1);
    options.bulk_poll_first = std::chrono::milliseconds(50);
    make_client();
    auto r = run_on(ioc, connector->bulk_query("SELECT Id FROM Account", [](query_page&) {
        ADD_FAILURE() << "no page expected";
        return true;
    }));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, errc::job_timed_out) << r.error().describe();
    EXPECT_NE(r.error().message.find("the job was aborted"), std::string::npos) << r.error().message;
    const auto jobs = jobs_left(*emulator, ioc);
    ASSERT_EQ(jobs.size(), 1U);
    EXPECT_EQ(jobs[0].second, "Aborted");
    EXPECT_NE(r.error().request.find(jobs[0].first), std::string::npos) << r.error().request;
}

}  // namespace
}  // namespace fakturad::salesforce::test
