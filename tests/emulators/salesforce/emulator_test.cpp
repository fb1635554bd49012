#include "test_org.hpp"

#include <fstream>
#include <set>

namespace fakturad::sf_emulator::test {
namespace {

std::set<std::string> keys_of(const json::object& o) {
    std::set<std::string> out;
    for (const auto& [k, v] : o) {
        out.emplace(k);
    }
    return out;
}

json::value read_json(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

#define REQUIRE_SHARED()                                                                               \
    if (shared_dir().empty()) {                                                                        \
        GTEST_SKIP(                                                                                    \
        ) << "shared conformance material not found (set FAKTURAD_SHARED_DIR or check out ../shared)"; \
    }

TEST(Ids, ChecksumMatchesTheVerifiedExamples) {
    EXPECT_EQ(id18("0011U00000MV7G6"), "0011U00000MV7G6QAL");
    EXPECT_EQ(id18("0031U00000Jajao"), "0031U00000JajaoQAB");
    EXPECT_EQ(id18("001D000000JliST"), "001D000000JliSTIAZ");
    EXPECT_EQ(id18("012000000000000"), "012000000000000AAA");
    EXPECT_EQ(id18("ABCDEFGHIJKLMNO"), "ABCDEFGHIJKLMNO555");
    EXPECT_EQ(id18("AAaAAbbBBBCcCCC"), "AAaAAbbBBBCcCCC123");
    EXPECT_EQ(id18("AAAAAaaaaaaaaaa"), "AAAAAaaaaaaaaaa5AA");
    EXPECT_EQ(id18("a0D30000001n7Pi"), "a0D30000001n7PiEAI");
}

using Rest = emulator_test;

TEST_F(Rest, MissingOrBadTokenIs401InvalidSessionId) {
    auto req = make_request("GET", "/services/data/v59.0/limits");
    req.headers.clear();
    auto res = org_->handle(req);
    EXPECT_EQ(res.status, 401U);
    EXPECT_EQ(res.body, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
    req.headers.push_back({"Authorization", "Bearer nope"});
    EXPECT_EQ(org_->handle(req).status, 401U);
}

TEST_F(Rest, ServesVersions50To62AndNothingElse) {
    auto list = org_->handle(make_request("GET", "/services/data/"));
    ASSERT_EQ(list.status, 200U);
    auto versions = body_of(list).as_array();
    ASSERT_EQ(versions.size(), 13U);
    EXPECT_EQ(versions.front().at("version"), "50.0");
    EXPECT_EQ(versions.back().at("url"), "/services/data/v62.0");
    EXPECT_EQ(org_->handle(make_request("GET", "/services/data/v62.0/limits")).status, 200U);
    auto old = org_->handle(make_request("GET", "/services/data/v49.0/limits"));
    EXPECT_EQ(old.status, 404U);
    EXPECT_EQ(body_of(old).at(0).at("errorCode"), "NOT_FOUND");
    EXPECT_EQ(org_->handle(make_request("GET", "/services/data/v63.0/limits")).status, 404U);
}

TEST_F(Rest, EveryRestResponseCarriesLimitInfo) {
    auto first = call("GET", "/limits");
    EXPECT_EQ(header_of(first, "Sforce-Limit-Info"), "api-usage=1/15000");
    auto second = call("GET", "/sobjects/Account/001000000000000");
    EXPECT_EQ(second.status, 404U);
    EXPECT_EQ(header_of(second, "Sforce-Limit-Info"), "api-usage=2/15000");
    auto limits = body_of(call("GET", "/limits")).as_object();
    EXPECT_EQ(limits.at("DailyApiRequests").at("Max"), 15000);
    EXPECT_EQ(limits.at("DailyApiRequests").at("Remaining"), 15000 - 3);
    for (const char* key :
         {"DailyBulkV2QueryJobs", "DailyDurableStreamingApiEvents", "DailyStreamingApiEvents"}) {
        EXPECT_TRUE(limits.contains(key)) << key;
    }
}

TEST_F(Rest, CreateRetrieveUpdateDeleteWithClockStamps) {
    auto created =
        call("POST", "/sobjects/Account", R"({"Name":"New Co","NumberOfEmployees":12,"Type":"Prospect"})");
    ASSERT_EQ(created.status, 201U) << created.body;
    auto body = body_of(created).as_object();
    EXPECT_EQ(keys_of(body), (std::set<std::string>{"id", "success", "errors"}));
    const std::string id(body.at("id").as_string());
    EXPECT_EQ(id.size(), 18U);
    EXPECT_EQ(id.substr(0, 3), "001");
    EXPECT_EQ(id18(id.substr(0, 15)), id);

    auto got = body_of(call("GET", "/sobjects/Account/" + id)).as_object();
    EXPECT_EQ(got.at("attributes").at("type"), "Account");
    EXPECT_EQ(got.at("attributes").at("url"), json::value("/services/data/v59.0/sobjects/Account/" + id));
    EXPECT_EQ(got.at("Name"), "New Co");
    EXPECT_EQ(got.at("NumberOfEmployees"), 12);
    EXPECT_EQ(got.at("SystemModstamp"), "2026-03-10T12:00:00.000+0000");
    EXPECT_EQ(got.at("CreatedDate"), "2026-03-10T12:00:00.000+0000");
    EXPECT_EQ(got.at("IsDeleted"), false);
    EXPECT_EQ(got.at("OwnerId"), "0055g0000000TSTAA2");

    // A 15-character Id addresses the same record.
    EXPECT_EQ(call("GET", "/sobjects/Account/" + id.substr(0, 15)).status, 200U);
    auto some = body_of(call("GET", "/sobjects/Account/" + id + "?fields=Name,Type")).as_object();
    EXPECT_EQ(keys_of(some), (std::set<std::string>{"attributes", "Name", "Type"}));

    org_->advance_time_for_test(std::chrono::seconds(90));
    auto updated = call("PATCH", "/sobjects/Account/" + id, R"({"Phone":"+49 30 1234"})");
    EXPECT_EQ(updated.status, 204U);
    EXPECT_TRUE(updated.body.empty());
    got = body_of(call("GET", "/sobjects/Account/" + id)).as_object();
    EXPECT_EQ(got.at("Phone"), "+49 30 1234");
    EXPECT_EQ(got.at("SystemModstamp"), "2026-03-10T12:01:30.000+0000");
    EXPECT_EQ(got.at("CreatedDate"), "2026-03-10T12:00:00.000+0000");

    EXPECT_EQ(call("DELETE", "/sobjects/Account/" + id).status, 204U);
    auto gone = call("GET", "/sobjects/Account/" + id);
    EXPECT_EQ(gone.status, 404U);
    EXPECT_EQ(body_of(gone).at(0).at("errorCode"), "NOT_FOUND");
    EXPECT_EQ(call("DELETE", "/sobjects/Account/" + id).status, 404U);
}

TEST_F(Rest, ValidationErrorsHaveTheSalesforceShape) {
    auto missing = call("POST", "/sobjects/Opportunity", R"({"Name":"x"})");
    EXPECT_EQ(missing.status, 400U);
    auto e = body_of(missing).at(0).as_object();
    EXPECT_EQ(e.at("errorCode"), "REQUIRED_FIELD_MISSING");
    EXPECT_EQ(e.at("message"), "Required fields are missing: [StageName, CloseDate]");
    EXPECT_EQ(e.at("fields"), json::parse(R"(["StageName","CloseDate"])"));

    auto unknown = body_of(call("POST", "/sobjects/Account", R"({"Name":"x","Foo__c":1})")).at(0);
    EXPECT_EQ(unknown.at("errorCode"), "INVALID_FIELD");
    EXPECT_EQ(unknown.at("message"), "No such column 'Foo__c' on sobject of type Account");

    auto wrong = call("POST", "/sobjects/Account", R"({"Name":"x","NumberOfEmployees":"many"})");
    EXPECT_EQ(wrong.status, 400U);
    EXPECT_EQ(body_of(wrong).at(0).at("errorCode"), "JSON_PARSER_ERROR");
    auto bad_bool = body_of(call("POST", "/sobjects/Product2", R"({"Name":"x","IsActive":"yes"})")).at(0);
    EXPECT_EQ(bad_bool.at("errorCode"), "JSON_PARSER_ERROR");
    auto bad_date = body_of(call(
                                "POST",
                                "/sobjects/Opportunity",
                                R"({"Name":"x","StageName":"Prospecting","CloseDate":"2017-10-17 00:00:00"})"
                            ))
                        .at(0);
    EXPECT_EQ(bad_date.at("errorCode"), "JSON_PARSER_ERROR");

    auto too_long =
        body_of(call("POST", "/sobjects/Account", R"({"Name":"x","DunsNumber":"1234567890"})")).at(0);
    EXPECT_EQ(too_long.at("errorCode"), "STRING_TOO_LONG");
    EXPECT_EQ(too_long.at("fields"), json::parse(R"(["DunsNumber"])"));

    auto picklist =
        body_of(call("POST", "/sobjects/Invoice__c", R"({"Invoice_Date__c":"2026-01-01","Status__c":"Lost"})")
        )
            .at(0);
    EXPECT_EQ(picklist.at("errorCode"), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    EXPECT_EQ(picklist.at("message"), "Status: bad value for restricted picklist field: Lost");

    auto readonly = body_of(call("POST", "/sobjects/Account", R"({"Name":"x","IsDeleted":true})")).at(0);
    EXPECT_EQ(readonly.at("errorCode"), "INVALID_FIELD_FOR_INSERT_UPDATE");
    EXPECT_EQ(readonly.at("fields"), json::parse(R"(["IsDeleted"])"));

    auto bad_ref =
        body_of(call("POST", "/sobjects/Contact", R"({"LastName":"x","AccountId":"not-an-id"})")).at(0);
    EXPECT_EQ(bad_ref.at("errorCode"), "MALFORMED_ID");
    auto dangling =
        body_of(call("POST", "/sobjects/Contact", R"({"LastName":"x","AccountId":"0015g000009999Z"})")).at(0);
    EXPECT_EQ(dangling.at("errorCode"), "INVALID_CROSS_REFERENCE_KEY");

    auto not_json = call("POST", "/sobjects/Account", "{Name:");
    EXPECT_EQ(not_json.status, 400U);
    EXPECT_EQ(body_of(not_json).at(0).at("errorCode"), "JSON_PARSER_ERROR");
    EXPECT_EQ(call("POST", "/sobjects/NoSuchThing", R"({"Name":"x"})").status, 404U);
}

TEST_F(Rest, StageDrivesOpportunityFields) {
    auto created = body_of(call(
        "POST",
        "/sobjects/Opportunity",
        R"({"Name":"o","StageName":"Closed Won","CloseDate":"2026-04-01","Amount":100})"
    ));
    auto opp = body_of(call("GET", "/sobjects/Opportunity/" + std::string(created.at("id").as_string())));
    EXPECT_EQ(opp.at("IsWon"), true);
    EXPECT_EQ(opp.at("IsClosed"), true);
    EXPECT_EQ(opp.at("Probability"), 100.0);
    EXPECT_EQ(opp.at("ForecastCategoryName"), "Closed");
}

TEST_F(Rest, OpportunityAmountFollowsItsProducts) {
    auto product = body_of(call("POST", "/sobjects/Product2", R"({"Name":"P","IsActive":true})"));
    auto book = body_of(call("POST", "/sobjects/Pricebook2", R"({"Name":"Std","IsActive":true})"));
    auto entry = body_of(call(
        "POST",
        "/sobjects/PricebookEntry",
        R"({"Pricebook2Id":")" + std::string(book.at("id").as_string()) + R"(","Product2Id":")" +
            std::string(product.at("id").as_string()) + R"(","UnitPrice":10.0,"IsActive":true})"
    ));
    auto opp = body_of(call(
        "POST",
        "/sobjects/Opportunity",
        R"({"Name":"o","StageName":"Prospecting","CloseDate":"2026-04-01","Amount":5})"
    ));
    const std::string opp_id(opp.at("id").as_string());
    auto line = call(
        "POST",
        "/sobjects/OpportunityLineItem",
        R"({"OpportunityId":")" + opp_id + R"(","PricebookEntryId":")" +
            std::string(entry.at("id").as_string()) + R"(","Quantity":3})"
    );
    ASSERT_EQ(line.status, 201U) << line.body;
    auto after = body_of(call("GET", "/sobjects/Opportunity/" + opp_id));
    EXPECT_EQ(after.at("HasOpportunityLineItem"), true);
    EXPECT_EQ(after.at("Amount"), 30.0);
    EXPECT_EQ(
        call("PATCH", "/sobjects/Opportunity/" + opp_id, R"({"Amount":1,"NextStep":"call"})").status, 204U
    );
    after = body_of(call("GET", "/sobjects/Opportunity/" + opp_id));
    EXPECT_EQ(after.at("Amount"), 30.0);
    EXPECT_EQ(after.at("NextStep"), "call");
}

TEST_F(Rest, UpsertByExternalIdCreatesUpdatesAndRefusesAmbiguity) {
    auto created =
        call("PATCH", "/sobjects/Account/Fakturad_Customer_Key__c/NEW-1", R"({"Name":"Brand new"})");
    ASSERT_EQ(created.status, 201U) << created.body;
    auto c = body_of(created).as_object();
    EXPECT_EQ(keys_of(c), (std::set<std::string>{"id", "success", "errors", "created"}));
    EXPECT_EQ(c.at("created"), true);

    auto updated = call("PATCH", "/sobjects/Account/Fakturad_Customer_Key__c/new-1", R"({"Name":"Renamed"})");
    ASSERT_EQ(updated.status, 200U) << updated.body;
    EXPECT_EQ(body_of(updated).at("created"), false);
    EXPECT_EQ(body_of(updated).at("id"), c.at("id"));
    EXPECT_EQ(
        body_of(query("SELECT COUNT() FROM Account WHERE Fakturad_Customer_Key__c = 'NEW-1'"))
            .at("totalSize"),
        1
    );

    auto several = call("PATCH", "/sobjects/Account/Fakturad_Customer_Key__c/DUP-1", R"({"Name":"Which?"})");
    EXPECT_EQ(several.status, 300U);
    auto urls = body_of(several).as_array();
    ASSERT_EQ(urls.size(), 2U);
    EXPECT_EQ(std::string(urls[0].as_string()).rfind("/services/data/v59.0/sobjects/Account/001", 0), 0U);

    auto not_external = call("PATCH", "/sobjects/Account/Name/Acme", R"({"Phone":"1"})");
    EXPECT_EQ(not_external.status, 404U);
    EXPECT_EQ(body_of(not_external).at(0).at("errorCode"), "NOT_FOUND");

    auto update_only =
        call("PATCH", "/sobjects/Account/Fakturad_Customer_Key__c/NONE?updateOnly=true", R"({"Name":"x"})");
    EXPECT_EQ(update_only.status, 404U);

    auto invalid = call("PATCH", "/sobjects/Account/Fakturad_Customer_Key__c/NEW-2", R"({"Phone":"1"})");
    EXPECT_EQ(invalid.status, 400U);
    EXPECT_EQ(body_of(invalid).at(0).at("errorCode"), "REQUIRED_FIELD_MISSING");
}

TEST_F(Rest, CollectionsCreateWithAndWithoutAllOrNone) {
    auto partial = call("POST", "/composite/sobjects", R"({"allOrNone":false,"records":[
        {"attributes":{"type":"Account"},"Name":"C1"},
        {"attributes":{"type":"Account"},"Phone":"no name"},
        {"attributes":{"type":"Contact"},"LastName":"L"}]})");
    ASSERT_EQ(partial.status, 200U) << partial.body;
    auto rows = body_of(partial).as_array();
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0].at("success"), true);
    EXPECT_EQ(rows[0].at("created"), true);
    EXPECT_EQ(rows[1].at("success"), false);
    EXPECT_FALSE(rows[1].as_object().contains("id"));
    auto err = rows[1].at("errors").at(0).as_object();
    EXPECT_EQ(keys_of(err), (std::set<std::string>{"statusCode", "message", "fields"}));
    EXPECT_EQ(err.at("statusCode"), "REQUIRED_FIELD_MISSING");
    EXPECT_EQ(std::string(rows[2].at("id").as_string()).substr(0, 3), "003");

    auto before = body_of(query("SELECT COUNT() FROM Account")).at("totalSize");
    auto all = call("POST", "/composite/sobjects", R"({"allOrNone":true,"records":[
        {"attributes":{"type":"Account"},"Name":"R1"},
        {"attributes":{"type":"Account"},"Phone":"no name"}]})");
    auto results = body_of(all).as_array();
    EXPECT_EQ(results[0].at("success"), false);
    EXPECT_EQ(results[0].at("errors").at(0).at("statusCode"), "ALL_OR_NONE_OPERATION_ROLLED_BACK");
    EXPECT_EQ(results[1].at("errors").at(0).at("statusCode"), "REQUIRED_FIELD_MISSING");
    EXPECT_EQ(body_of(query("SELECT COUNT() FROM Account")).at("totalSize"), before);

    std::string many = R"({"records":[)";
    for (int i = 0; i < 201; ++i) {
        many += std::string(i == 0 ? "" : ",") + R"({"attributes":{"type":"Account"},"Name":"n"})";
    }
    many += "]}";
    EXPECT_EQ(call("POST", "/composite/sobjects", many).status, 400U);
}

TEST_F(Rest, CollectionsUpdateUpsertAndDelete) {
    auto ids = body_of(query("SELECT Id FROM Account ORDER BY Name")).at("records").as_array();
    const std::string acme(ids[0].at("Id").as_string());
    auto update =
        body_of(call(
                    "PATCH",
                    "/composite/sobjects",
                    R"({"records":[{"attributes":{"type":"Account"},"id":")" + acme + R"(","Phone":"42"}]})"
                ))
            .as_array();
    EXPECT_EQ(update[0].at("success"), true);
    EXPECT_EQ(body_of(call("GET", "/sobjects/Account/" + acme)).at("Phone"), "42");

    auto upsert = body_of(call(
                              "PATCH",
                              "/composite/sobjects/Account/Fakturad_Customer_Key__c",
                              R"({"allOrNone":false,"records":[
        {"attributes":{"type":"Account"},"Fakturad_Customer_Key__c":"ACME-1","Phone":"43"},
        {"attributes":{"type":"Account"},"Fakturad_Customer_Key__c":"FRESH-1","Name":"Fresh"},
        {"attributes":{"type":"Account"},"Fakturad_Customer_Key__c":"DUP-1","Name":"Dup"}]})"
                          ))
                      .as_array();
    ASSERT_EQ(upsert.size(), 3U);
    EXPECT_EQ(upsert[0].at("created"), false);
    EXPECT_EQ(upsert[0].at("id"), json::value(acme));
    EXPECT_EQ(upsert[1].at("created"), true);
    EXPECT_EQ(upsert[2].at("success"), false);
    EXPECT_EQ(upsert[2].at("errors").at(0).at("statusCode"), "DUPLICATE_EXTERNAL_ID");

    const std::string fresh(upsert[1].at("id").as_string());
    auto deleted =
        body_of(call("DELETE", "/composite/sobjects?ids=" + fresh + ",001000000000000AAA&allOrNone=false"))
            .as_array();
    EXPECT_EQ(deleted[0].at("success"), true);
    EXPECT_EQ(deleted[1].at("success"), false);
    EXPECT_EQ(call("GET", "/sobjects/Account/" + fresh).status, 404U);
}

TEST_F(Rest, RolledBackUpsertsLeaveRecordsAndExternalIdsAsTheyWere) {
    auto upsert = [&](const std::string& records, bool all_or_none) {
        return body_of(call(
                           "PATCH",
                           "/composite/sobjects/Account/Fakturad_Customer_Key__c",
                           std::string(R"({"allOrNone":)") + (all_or_none ? "true" : "false") +
                               R"(,"records":)" + records + "}"
                       ))
            .as_array();
    };
    auto rolled_back = upsert(
        R"([{"attributes":{"type":"Account"},"Fakturad_Customer_Key__c":"ACME-1","Phone":"99"},
            {"attributes":{"type":"Account"},"Fakturad_Customer_Key__c":"RB-1","Name":"Rolled back"},
            {"attributes":{"type":"Account"},"Fakturad_Customer_Key__c":"RB-2","Phone":"no name"}])",
        true
    );
    ASSERT_EQ(rolled_back.size(), 3U);
    EXPECT_EQ(rolled_back[1].at("errors").at(0).at("statusCode"), "ALL_OR_NONE_OPERATION_ROLLED_BACK");
    EXPECT_EQ(call("GET", "/sobjects/Account/Fakturad_Customer_Key__c/RB-1").status, 404U);
    const auto acme = body_of(call("GET", "/sobjects/Account/Fakturad_Customer_Key__c/ACME-1"));
    EXPECT_TRUE(acme.at("Phone").is_null()) << "the update was rolled back";

    // The external-id lookups follow creates, key changes and rollbacks: RB-1 is new again, and ACME-1
    // moved to ACME-2 is found by its new key only.
    auto again = upsert(
        R"([{"attributes":{"type":"Account"},"Fakturad_Customer_Key__c":"RB-1","Name":"Now"}])", false
    );
    EXPECT_EQ(again.at(0).at("created"), true);
    const std::string acme_id(acme.at("Id").as_string());
    ASSERT_EQ(
        call("PATCH", "/sobjects/Account/" + acme_id, R"({"Fakturad_Customer_Key__c":"acme-2"})").status, 204U
    );
    EXPECT_EQ(call("GET", "/sobjects/Account/Fakturad_Customer_Key__c/ACME-1").status, 404U);
    EXPECT_EQ(
        body_of(call("GET", "/sobjects/Account/Fakturad_Customer_Key__c/ACME-2")).at("Id"),
        json::value(acme_id)
    ) << "external ids compare without case";
    auto dup = upsert(
        R"([{"attributes":{"type":"Account"},"Fakturad_Customer_Key__c":"dup-1","Phone":"1"}])", false
    );
    EXPECT_EQ(dup.at(0).at("errors").at(0).at("statusCode"), "DUPLICATE_EXTERNAL_ID");
}

TEST_F(Rest, AutoNumberNamesFollowTheirDisplayFormatPerObject) {
    auto name_of = [&](const std::string& object) {
        const auto created = body_of(call("POST", "/sobjects/" + object, "{}"));
        const std::string id(created.at("id").as_string());
        return std::string(body_of(call("GET", "/sobjects/" + object + "/" + id)).at("Name").as_string());
    };
    EXPECT_EQ(name_of("Usage_Record__c"), "U-00000001");  // U-{00000000}
    EXPECT_EQ(name_of("Usage_Record__c"), "U-00000002");
    EXPECT_EQ(name_of("Sync_Error__c"), "0000001") << "each object counts on its own";
    EXPECT_EQ(
        call(
            "PATCH",
            "/sobjects/Sync_Error__c/" +
                std::string(
                    body_of(query("SELECT Id FROM Sync_Error__c")).at("records").at(0).at("Id").as_string()
                ),
            R"({"Name":"x"})"
        )
            .status,
        400U
    ) << "an auto number is not updateable";
}

TEST_F(Rest, DeleteCascadesToChildrenAndQueryAllSeesThem) {
    auto acme =
        body_of(query("SELECT Id FROM Account WHERE Name = 'Acme GmbH'")).at("records").at(0).at("Id");
    EXPECT_EQ(call("DELETE", "/sobjects/Account/" + std::string(acme.as_string())).status, 204U);
    EXPECT_EQ(body_of(query("SELECT COUNT() FROM Contact")).at("totalSize"), 0);
    auto all = body_of(query("SELECT Id, IsDeleted FROM Contact", "queryAll"));
    EXPECT_EQ(all.at("totalSize"), 2);
    EXPECT_EQ(all.at("records").at(0).at("IsDeleted"), true);
}

TEST_F(Rest, DescribeHasTheRecordedKeysAndTypes) {
    REQUIRE_SHARED();
    const auto dir = shared_dir() / "conformance/salesforce/describes/cumulusci/api-v48";
    for (const char* object : {"Account", "Contact", "Opportunity"}) {
        auto recorded = read_json(dir / (std::string(object) + ".describe.json")).as_object();
        auto res = call("GET", std::string("/sobjects/") + object + "/describe");
        ASSERT_EQ(res.status, 200U);
        auto ours = body_of(res).as_object();
        EXPECT_EQ(keys_of(ours), keys_of(recorded)) << object;
        const auto recorded_field_keys = keys_of(recorded.at("fields").at(0).as_object());
        std::map<std::string, std::string> recorded_types;
        for (const auto& f : recorded.at("fields").as_array()) {
            recorded_types[std::string(f.at("name").as_string())] = std::string(f.at("type").as_string());
        }
        std::size_t compared = 0;
        for (const auto& f : ours.at("fields").as_array()) {
            EXPECT_EQ(keys_of(f.as_object()), recorded_field_keys) << object;
            auto it = recorded_types.find(std::string(f.at("name").as_string()));
            if (it != recorded_types.end()) {
                EXPECT_EQ(f.at("type"), json::value(it->second)) << object << "." << it->first;
                ++compared;
            }
        }
        EXPECT_GT(compared, 15U) << object;
        EXPECT_EQ(
            keys_of(ours.at("childRelationships").at(0).as_object()),
            keys_of(recorded.at("childRelationships").at(0).as_object())
        );
        EXPECT_EQ(ours.at("keyPrefix"), recorded.at("keyPrefix"));
    }
}

TEST_F(Rest, DescribeReportsCustomObjectsFromTheMetadata) {
    auto d = body_of(call("GET", "/sobjects/Invoice__c/describe")).as_object();
    EXPECT_EQ(d.at("custom"), true);
    std::map<std::string, json::object> fields;
    for (const auto& f : d.at("fields").as_array()) {
        fields[std::string(f.at("name").as_string())] = f.as_object();
    }
    EXPECT_EQ(fields.at("Fakturad_Key__c").at("externalId"), true);
    EXPECT_EQ(fields.at("Fakturad_Key__c").at("type"), "string");
    EXPECT_EQ(fields.at("Fakturad_Key__c").at("length"), 80);
    EXPECT_EQ(fields.at("Gross_Amount__c").at("type"), "currency");
    EXPECT_EQ(fields.at("Account__c").at("referenceTo"), json::parse(R"(["Account"])"));
    EXPECT_EQ(fields.at("Account__c").at("relationshipName"), "Account__r");
    EXPECT_EQ(fields.at("Status__c").at("restrictedPicklist"), true);
    auto account = body_of(call("GET", "/sobjects/Account/describe")).as_object();
    bool has_invoices = false;
    for (const auto& r : account.at("childRelationships").as_array()) {
        // Custom child relationships end in __r in the API (metadata names them without it).
        has_invoices = has_invoices || r.at("relationshipName") == "Invoices__r";
    }
    EXPECT_TRUE(has_invoices);
}

TEST_F(Rest, GlobalDescribeMatchesTheRecordedShape) {
    auto res = call("GET", "/sobjects");
    ASSERT_EQ(res.status, 200U);
    auto ours = body_of(res).as_object();
    std::map<std::string, std::string> prefixes;
    for (const auto& s : ours.at("sobjects").as_array()) {
        prefixes[std::string(s.at("name").as_string())] = std::string(s.at("keyPrefix").as_string());
    }
    const std::map<std::string, std::string> expected = {
        {"Account", "001"},
        {"Contact", "003"},
        {"Opportunity", "006"},
        {"OpportunityLineItem", "00k"},
        {"Product2", "01t"},
        {"Pricebook2", "01s"},
        {"PricebookEntry", "01u"},
        {"Contract", "800"},
        {"Order", "801"},
        {"OrderItem", "802"},
        {"ContentVersion", "068"},
        {"ContentDocument", "069"},
        {"ContentDocumentLink", "06A"},
        {"Task", "00T"}};
    for (const auto& [name, prefix] : expected) {
        EXPECT_EQ(prefixes[name], prefix) << name;
    }
    REQUIRE_SHARED();
    auto recorded =
        read_json(
            shared_dir() / "conformance/salesforce/describes/cumulusci/api-v48/sobjects.global-describe.json"
        )
            .as_object();
    EXPECT_EQ(keys_of(ours), keys_of(recorded));
    EXPECT_EQ(
        keys_of(ours.at("sobjects").at(0).as_object()), keys_of(recorded.at("sobjects").at(0).as_object())
    );
}

TEST_F(Rest, AnswersHaveTheRecordedFixtureKeys) {
    REQUIRE_SHARED();
    const auto dir = shared_dir() / "conformance/salesforce/restforce-fixtures";
    auto create = body_of(call("POST", "/sobjects/Account", R"({"Name":"k"})")).as_object();
    EXPECT_EQ(keys_of(create), keys_of(read_json(dir / "sobject/create_success_response.json").as_object()));
    auto upsert_created =
        body_of(call("PATCH", "/sobjects/Account/Fakturad_Customer_Key__c/K-1", R"({"Name":"k"})"))
            .as_object();
    auto recorded_upsert = read_json(dir / "sobject/upsert_created_success_response.json");
    if (recorded_upsert.is_object()) {
        for (const auto& k : keys_of(recorded_upsert.as_object())) {
            EXPECT_TRUE(upsert_created.contains(k)) << k;
        }
    }
    auto q = body_of(query("SELECT Id, Name FROM Account")).as_object();
    auto recorded_q = read_json(dir / "sobject/query_success_response.json").as_object();
    EXPECT_EQ(keys_of(q), keys_of(recorded_q));
    EXPECT_EQ(
        keys_of(q.at("records").at(0).at("attributes").as_object()),
        keys_of(recorded_q.at("records").at(0).at("attributes").as_object())
    );
    auto empty = body_of(query("SELECT Id FROM Account WHERE Name = 'none'"));
    EXPECT_EQ(empty, read_json(dir / "sobject/query_empty_response.json"));
    auto unauth = make_request("GET", "/services/data/v59.0/limits");
    unauth.headers.clear();
    EXPECT_EQ(body_of(org_->handle(unauth)), read_json(dir / "expired_session_response.json"));
    auto bad_query = body_of(query("SELECT Foo FROM Account")).at(0).as_object();
    EXPECT_EQ(
        keys_of(bad_query), keys_of(read_json(dir / "sobject/query_error_response.json").at(0).as_object())
    );
    auto first_page = read_json(dir / "sobject/query_paginated_first_page_response.json").as_object();
    EXPECT_TRUE(first_page.contains("nextRecordsUrl"));
}

TEST_F(Rest, ContentVersionJsonCreatesDocumentAndLink) {
    auto acme = std::string(body_of(query("SELECT Id FROM Account WHERE Name = 'Acme GmbH'"))
                                .at("records")
                                .at(0)
                                .at("Id")
                                .as_string());
    auto res = call(
        "POST",
        "/sobjects/ContentVersion",
        R"({"Title":"INV-1","PathOnClient":"INV-1.pdf","VersionData":"JVBERi0xLjQK","FirstPublishLocationId":")" +
            acme + R"("})"
    );
    ASSERT_EQ(res.status, 201U) << res.body;
    const std::string cv(body_of(res).at("id").as_string());
    EXPECT_EQ(cv.substr(0, 3), "068");
    auto doc =
        body_of(
            query(
                "SELECT ContentDocumentId, FileType, ContentDocument.Title FROM ContentVersion WHERE Id = '" +
                cv + "'"
            )
        )
            .at("records")
            .at(0);
    EXPECT_EQ(doc.at("FileType"), "PDF");
    EXPECT_EQ(doc.at("ContentDocument").at("Title"), "INV-1");
    auto links = body_of(
        query("SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '" + acme + "'")
    );
    EXPECT_EQ(links.at("totalSize"), 1);
    EXPECT_EQ(links.at("records").at(0).at("ContentDocumentId"), doc.at("ContentDocumentId"));
}

TEST_F(Rest, ContentVersionMultipartStoresTheBinaryPart) {
    auto acme = std::string(body_of(query("SELECT Id FROM Account WHERE Name = 'Acme GmbH'"))
                                .at("records")
                                .at(0)
                                .at("Id")
                                .as_string());
    static const char raw_pdf[] =
        "%PDF-1.4\n\0\x01"
        "binary\r\n--not-the-boundary\n";
    const std::string pdf(raw_pdf, sizeof raw_pdf - 1);
    auto req = make_request("POST", "/services/data/v59.0/sobjects/ContentVersion");
    req.headers[1].value = "multipart/form-data; boundary=b0undary";
    // jsforce sends the binary part first; the JSON part is recognised by its content type.
    req.body =
        "--b0undary\r\nContent-Disposition: form-data; name=\"VersionData\"; filename=\"INV-2.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n" +
        pdf +
        "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"entity_content\"\r\n"
        "Content-Type: application/json\r\n\r\n"
        R"({"Title":"INV-2","PathOnClient":"INV-2.pdf","FirstPublishLocationId":")" +
        acme + "\"}\r\n--b0undary--\r\n";
    auto res = org_->handle(req);
    ASSERT_EQ(res.status, 201U) << res.body;
    const std::string cv(body_of(res).at("id").as_string());
    auto row =
        body_of(query("SELECT ContentSize, ContentDocumentId FROM ContentVersion WHERE Id = '" + cv + "'"))
            .at("records")
            .at(0);
    EXPECT_EQ(row.at("ContentSize"), static_cast<std::int64_t>(pdf.size()));
    auto links = body_of(query("SELECT Id FROM ContentDocumentLink WHERE LinkedEntityId = '" + acme + "'"));
    EXPECT_EQ(links.at("totalSize"), 1);
    auto record = body_of(call("GET", "/sobjects/ContentVersion/" + cv));
    const std::string data_url(record.at("VersionData").as_string());
    EXPECT_EQ(data_url, "/services/data/v59.0/sobjects/ContentVersion/" + cv + "/VersionData");
    auto bytes = org_->handle(make_request("GET", data_url));
    EXPECT_EQ(bytes.status, 200U);
    EXPECT_EQ(bytes.body, pdf);

    auto binary_only = make_request("POST", "/services/data/v59.0/sobjects/ContentVersion");
    binary_only.headers[1].value = "multipart/form-data; boundary=b0undary";
    binary_only.body =
        "--b0undary\r\nContent-Disposition: form-data; name=\"VersionData\"\r\n"
        "Content-Type: application/pdf\r\n\r\nxyz\r\n--b0undary--\r\n";
    auto refused = org_->handle(binary_only);
    EXPECT_EQ(refused.status, 400U);
    EXPECT_EQ(
        refused.body,
        R"([{"message":"Multipart message must include a non-binary part","errorCode":"INVALID_MULTIPART_REQUEST"}])"
    );
}

net::http_request admin_request(std::string method, std::string target, std::string body = "") {
    net::http_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    return r;
}

TEST_F(Rest, InjectedFaultsFollowTheConfiguredShareAndKinds) {
    auto set =
        org_->handle(admin_request("POST", "/__emulator/faults", R"({"share":1.0,"kinds":["503"],"seed":7})")
        );
    ASSERT_EQ(set.status, 200U) << set.body;
    auto failed = call("GET", "/limits");
    EXPECT_EQ(failed.status, 503U);
    EXPECT_EQ(body_of(failed).at(0).at("errorCode"), "SERVER_UNAVAILABLE");
    EXPECT_FALSE(header_of(failed, "Sforce-Limit-Info").empty());

    org_->handle(
        admin_request("POST", "/__emulator/faults", R"({"share":1.0,"kinds":["UNABLE_TO_LOCK_ROW"]})")
    );
    auto locked = call("PATCH", "/sobjects/Account/Fakturad_Customer_Key__c/ACME-1", R"({"Phone":"1"})");
    EXPECT_EQ(locked.status, 400U);
    EXPECT_EQ(body_of(locked).at(0).at("errorCode"), "UNABLE_TO_LOCK_ROW");
    org_->handle(
        admin_request("POST", "/__emulator/faults", R"({"share":1.0,"kinds":["REQUEST_LIMIT_EXCEEDED"]})")
    );
    EXPECT_EQ(body_of(call("GET", "/limits")).at(0).at("errorCode"), "REQUEST_LIMIT_EXCEEDED");
    org_->handle(admin_request("POST", "/__emulator/faults", R"({"share":1.0,"kinds":["drop"]})"));
    EXPECT_TRUE(call("GET", "/limits").drop_without_response);

    // A share of 20 % fails about a fifth of 2,000 calls, the same ones for the same seed.
    org_->handle(admin_request("POST", "/__emulator/faults", R"({"share":0.2,"kinds":["500"],"seed":3})"));
    int failures = 0;
    for (int i = 0; i < 2000; ++i) {
        failures += call("GET", "/limits").status == 500 ? 1 : 0;
    }
    EXPECT_GT(failures, 300);
    EXPECT_LT(failures, 500);
    auto stats = body_of(org_->handle(admin_request("GET", "/__emulator/stats")));
    EXPECT_GE(stats.at("faults_injected").to_number<int>(), failures);

    org_->handle(admin_request("POST", "/__emulator/faults", R"({"share":0})"));
    EXPECT_EQ(call("GET", "/limits").status, 200U);
    auto bad =
        org_->handle(admin_request("POST", "/__emulator/faults", R"({"share":0.1,"kinds":["meteor"]})"));
    EXPECT_EQ(bad.status, 400U);
}

TEST_F(Rest, AdminClockMovesTheStamps) {
    auto moved =
        org_->handle(admin_request("POST", "/__emulator/clock", R"({"set":"2026-05-01T08:00:00Z"})"));
    ASSERT_EQ(moved.status, 200U) << moved.body;
    EXPECT_EQ(body_of(moved).at("now"), "2026-05-01T08:00:00.000+0000");
    auto created = body_of(call("POST", "/sobjects/Account", R"({"Name":"Clocked"})"));
    auto rec = body_of(call("GET", "/sobjects/Account/" + std::string(created.at("id").as_string())));
    EXPECT_EQ(rec.at("SystemModstamp"), "2026-05-01T08:00:00.000+0000");
    org_->handle(admin_request("POST", "/__emulator/clock", R"({"advance_ms":1500})"));
    EXPECT_EQ(
        body_of(org_->handle(admin_request("GET", "/__emulator/stats"))).at("now"),
        "2026-05-01T08:00:01.500+0000"
    );
}

TEST(DailyLimit, ExhaustedAllocationIs403RequestLimitExceeded) {
    auto dir = temp_dir("daily-limit");
    emulator_options options;
    options.org_file = write_org(dir, "  Account:\n    - {Name: A}\n", "", 3);
    options.static_token = "test-token";
    emulator org(options);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(org.handle(make_request("GET", "/services/data/v59.0/limits")).status, 200U);
    }
    auto refused = org.handle(make_request("GET", "/services/data/v59.0/limits"));
    EXPECT_EQ(refused.status, 403U);
    EXPECT_EQ(
        refused.body, R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])"
    );
    std::filesystem::remove_all(dir);
}

TEST(Persistence, SavedRecordsReplaceTheSeedOnTheNextStart) {
    auto dir = temp_dir("persist");
    emulator_options options;
    options.org_file = write_org(dir, "  Account:\n    - {Name: Seeded}\n");
    options.static_token = "test-token";
    options.persist_file = dir / "org-state.json";
    std::string created_id;
    {
        emulator org(options);
        auto created =
            org.handle(make_request("POST", "/services/data/v59.0/sobjects/Account", R"({"Name":"Kept"})"));
        ASSERT_EQ(created.status, 201U);
        created_id = std::string(json::parse(created.body).at("id").as_string());
        net::http_request save;
        save.method = "POST";
        save.target = "/__emulator/save";
        ASSERT_EQ(org.handle(save).status, 200U);
    }
    emulator again(options);
    auto got = again.handle(make_request("GET", "/services/data/v59.0/sobjects/Account/" + created_id));
    EXPECT_EQ(got.status, 200U);
    auto count =
        again.handle(make_request("GET", "/services/data/v59.0/query?q=SELECT+COUNT()+FROM+Account"));
    EXPECT_EQ(json::parse(count.body).at("totalSize"), 2);
    // New Ids continue after the saved ones.
    auto next =
        again.handle(make_request("POST", "/services/data/v59.0/sobjects/Account", R"({"Name":"Next"})"));
    EXPECT_NE(std::string(json::parse(next.body).at("id").as_string()), created_id);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fakturad::sf_emulator::test
