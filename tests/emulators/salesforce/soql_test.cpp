#include "test_org.hpp"

#include <set>

namespace fakturad::sf_emulator::test {
namespace {

using Soql = emulator_test;

std::vector<std::string> names(const json::value& body, const char* field = "Name") {
    std::vector<std::string> out;
    for (const auto& r : body.at("records").as_array()) {
        out.emplace_back(r.at(field).as_string());
    }
    return out;
}

TEST_F(Soql, FieldsParentPathsAndChildSubqueries) {
    auto res = query(
        "SELECT Id, Name, Account.Name, Account.BillingCity, (SELECT LastName FROM Contacts ORDER BY "
        "LastName) "
        "FROM Account WHERE Name = 'Acme GmbH'"
    );
    ASSERT_EQ(res.status, 200U) << res.body;
    auto body = body_of(res);
    EXPECT_EQ(body.at("totalSize"), 1);
    EXPECT_EQ(body.at("done"), true);
    auto rec = body.at("records").at(0).as_object();
    EXPECT_EQ(rec.at("attributes").at("type"), "Account");
    auto contacts = rec.at("Contacts").as_object();
    EXPECT_EQ(contacts.at("totalSize"), 2);
    EXPECT_EQ(contacts.at("done"), true);
    EXPECT_EQ(contacts.at("records").at(0).at("LastName"), "Mustermann");
    EXPECT_EQ(contacts.at("records").at(0).at("attributes").at("type"), "Contact");

    auto opp = body_of(query(
        "SELECT Name, Amount, Account.Name, Account.Owner.Username FROM Opportunity ORDER BY Amount DESC"
    ));
    auto first = opp.at("records").at(0).as_object();
    EXPECT_EQ(first.at("Amount"), 1200.5);
    EXPECT_EQ(first.at("Account").at("attributes").at("type"), "Account");
    EXPECT_EQ(first.at("Account").at("Name"), "Acme GmbH");
    EXPECT_EQ(first.at("Account").at("Owner").at("Username"), "integration@test.example");

    // An empty lookup is null; no children is null.
    auto lone = body_of(query("SELECT LastName, Account.Name FROM Contact WHERE AccountId = null"));
    EXPECT_EQ(lone.at("totalSize"), 0);
    auto no_kids =
        body_of(query("SELECT Name, (SELECT Id FROM Contacts) FROM Account WHERE Name = 'Globex SARL'"));
    EXPECT_TRUE(no_kids.at("records").at(0).at("Contacts").is_null());
    EXPECT_NE(
        body_of(query("SELECT Name FROM Account")).at("records").at(0).at("attributes").at("url"), nullptr
    );
}

TEST_F(Soql, NumbersSerialiseAsSalesforceDoes) {
    auto res = query("SELECT Amount FROM Opportunity WHERE Name = 'Small deal'");
    EXPECT_NE(res.body.find("\"Amount\":99.0"), std::string::npos) << res.body;
}

TEST_F(Soql, WhereWithBooleanLogicInLikeAndNull) {
    EXPECT_EQ(
        names(body_of(query(
            "SELECT Name FROM Account WHERE Industry = 'Technology' OR BillingCity = 'Berlin' ORDER BY Name"
        ))),
        (std::vector<std::string>{"Acme GmbH", "Globex SARL"})
    );
    EXPECT_EQ(
        names(body_of(
            query("SELECT Name FROM Account WHERE NOT (Industry = 'Technology') AND Industry != null")
        )),
        (std::vector<std::string>{"Acme GmbH"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account WHERE Industry = null"))),
        (std::vector<std::string>{"Initech Ltd"})
    );
    EXPECT_EQ(
        names(body_of(
            query("SELECT Name FROM Account WHERE Name IN ('acme gmbh', 'Initech Ltd') ORDER BY Name DESC")
        )),
        (std::vector<std::string>{"Initech Ltd", "Acme GmbH"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account WHERE Name NOT IN ('Acme GmbH') ORDER BY Name"))),
        (std::vector<std::string>{"Globex SARL", "Initech Ltd"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account WHERE Name LIKE '%ex S_RL'"))),
        (std::vector<std::string>{"Globex SARL"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT LastName FROM Contact WHERE LastName = 'O\\'Brien'")), "LastName"),
        (std::vector<std::string>{"O'Brien"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Opportunity WHERE Account.Industry = 'Technology'"))),
        (std::vector<std::string>{"Small deal"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account WHERE AnnualRevenue >= 1000000"))),
        (std::vector<std::string>{"Acme GmbH"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Opportunity WHERE IsWon = true"))),
        (std::vector<std::string>{"Big deal"})
    );
}

TEST_F(Soql, DateAndDatetimeLiterals) {
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Opportunity WHERE CloseDate < 2026-04-01"))),
        (std::vector<std::string>{"Big deal"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Opportunity WHERE CloseDate = LAST_N_DAYS:10"))),
        (std::vector<std::string>{"Big deal"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:200"))),
        (std::vector<std::string>{"Small deal"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Opportunity WHERE CloseDate = THIS_MONTH"))),
        (std::vector<std::string>{"Big deal"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Opportunity WHERE CloseDate > THIS_MONTH"))),
        (std::vector<std::string>{"Small deal"})
    );
    EXPECT_EQ(body_of(query("SELECT COUNT() FROM Account WHERE CreatedDate = TODAY")).at("totalSize"), 3);
    EXPECT_EQ(body_of(query("SELECT COUNT() FROM Account WHERE CreatedDate = YESTERDAY")).at("totalSize"), 0);

    org_->advance_time_for_test(std::chrono::hours(1));
    auto created = call("POST", "/sobjects/Account", R"({"Name":"Later"})");
    ASSERT_EQ(created.status, 201U);
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account WHERE SystemModstamp > 2026-03-10T12:30:00Z"))),
        (std::vector<std::string>{"Later"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account WHERE SystemModstamp > 2026-03-10T13:30:00+01:00"))),
        (std::vector<std::string>{"Later"})
    );
    EXPECT_EQ(
        body_of(query("SELECT COUNT() FROM Account WHERE SystemModstamp >= 2026-03-10T13:00:00.000+0000"))
            .at("totalSize"),
        1
    );
    EXPECT_EQ(
        body_of(query("SELECT COUNT() FROM Account WHERE CreatedDate = LAST_N_DAYS:1")).at("totalSize"), 4
    );
}

TEST_F(Soql, OrderLimitOffsetAndCount) {
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account ORDER BY Name LIMIT 2"))),
        (std::vector<std::string>{"Acme GmbH", "Globex SARL"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1"))),
        (std::vector<std::string>{"Globex SARL", "Initech Ltd"})
    );
    EXPECT_EQ(
        names(body_of(query("SELECT Name FROM Account ORDER BY Industry NULLS FIRST, Name"))),
        (std::vector<std::string>{"Initech Ltd", "Acme GmbH", "Globex SARL"})
    );
    auto count = body_of(query("SELECT COUNT() FROM Account"));
    EXPECT_EQ(count, json::parse(R"({"totalSize":3,"done":true,"records":[]})"));
    auto agg = body_of(query("SELECT COUNT(Id) FROM Contact"));
    EXPECT_EQ(agg.at("records").at(0).at("attributes").at("type"), "AggregateResult");
    EXPECT_EQ(agg.at("records").at(0).at("expr0"), 2);
}

TEST_F(Soql, PagesThroughNextRecordsUrl) {
    std::string many = R"({"records":[)";
    for (int i = 0; i < 200; ++i) {
        many += std::string(i == 0 ? "" : ",") + R"({"attributes":{"type":"Contact"},"LastName":"P)" +
                std::to_string(i) + "\"}";
    }
    many += "]}";
    for (int round = 0; round < 3; ++round) {
        ASSERT_EQ(call("POST", "/composite/sobjects", many).status, 200U);
    }
    auto req = make_request("GET", "/services/data/v59.0/query?q=" + url_encode("SELECT Id FROM Contact"));
    req.headers.push_back({"Sforce-Query-Options", "batchSize=250"});
    auto page = body_of(org_->handle(req));
    EXPECT_EQ(page.at("totalSize"), 602);
    EXPECT_EQ(page.at("done"), false);
    EXPECT_EQ(page.at("records").as_array().size(), 250U);
    std::set<std::string> seen;
    for (const auto& r : page.at("records").as_array()) {
        seen.emplace(r.at("Id").as_string());
    }
    int pages = 1;
    while (!page.at("done").as_bool()) {
        const std::string next(page.at("nextRecordsUrl").as_string());
        EXPECT_EQ(next.rfind("/services/data/v59.0/query/01g", 0), 0U) << next;
        page = body_of(org_->handle(make_request("GET", next)));
        for (const auto& r : page.at("records").as_array()) {
            seen.emplace(r.at("Id").as_string());
        }
        ++pages;
    }
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen.size(), 602U);
    EXPECT_FALSE(page.as_object().contains("nextRecordsUrl"));

    // The default page is 2,000 rows; a small batchSize is raised to the 200 minimum.
    auto whole = body_of(query("SELECT Id FROM Contact"));
    EXPECT_EQ(whole.at("done"), true);
    auto small = make_request("GET", "/services/data/v59.0/query?q=" + url_encode("SELECT Id FROM Contact"));
    small.headers.push_back({"Sforce-Query-Options", "batchSize=10"});
    EXPECT_EQ(body_of(org_->handle(small)).at("records").as_array().size(), 200U);

    auto bad = org_->handle(make_request("GET", "/services/data/v59.0/query/01gNOPE-200"));
    EXPECT_EQ(bad.status, 400U);
    EXPECT_EQ(body_of(bad).at(0).at("errorCode"), "INVALID_QUERY_LOCATOR");
}

TEST_F(Soql, ErrorsCarryTheCaretDiagram) {
    auto field = query("SELECT Id, Foo FROM Account");
    EXPECT_EQ(field.status, 400U);
    EXPECT_EQ(
        field.body,
        R"([{"message":"\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.","errorCode":"INVALID_FIELD"}])"
    );
    auto malformed = body_of(query("SELECT Id FROM Account WHERE Name = "));
    EXPECT_EQ(malformed.at(0).at("errorCode"), "MALFORMED_QUERY");
    EXPECT_NE(
        std::string(malformed.at(0).at("message").as_string()).find("unexpected token: '<EOF>'"),
        std::string::npos
    );
    EXPECT_EQ(body_of(query("SELEKT Id FROM Account")).at(0).at("errorCode"), "MALFORMED_QUERY");
    EXPECT_EQ(body_of(query("SELECT Id FROM Nope__c")).at(0).at("errorCode"), "INVALID_TYPE");
    EXPECT_EQ(body_of(query("SELECT Bogus.Name FROM Contact")).at(0).at("errorCode"), "INVALID_FIELD");
    EXPECT_EQ(
        body_of(query("SELECT Id, (SELECT Id FROM Nothings) FROM Account")).at(0).at("errorCode"),
        "INVALID_TYPE"
    );
    auto quoted_date = body_of(query("SELECT Id FROM Opportunity WHERE CloseDate = '2026-01-01'")).at(0);
    EXPECT_EQ(quoted_date.at("errorCode"), "INVALID_FIELD");
    EXPECT_NE(
        std::string(quoted_date.at("message").as_string())
            .find("must be of type date and should not be enclosed in quotes"),
        std::string::npos
    );
    EXPECT_EQ(
        body_of(query("SELECT Id FROM Account WHERE Name = 'a\\qb'")).at(0).at("errorCode"), "MALFORMED_QUERY"
    );
    auto no_q = call("GET", "/query");
    EXPECT_EQ(no_q.status, 400U);
}

TEST_F(Soql, BulkQueryJobPollsThenPagesCsvByLocator) {
    auto created = call(
        "POST",
        "/jobs/query",
        R"({"operation":"query","query":"SELECT Name, Account.Name, Amount FROM Opportunity ORDER BY Name"})"
    );
    ASSERT_EQ(created.status, 200U) << created.body;
    auto info = body_of(created).as_object();
    EXPECT_EQ(info.at("state"), "UploadComplete");
    EXPECT_EQ(info.at("object"), "Opportunity");
    EXPECT_EQ(info.at("contentType"), "CSV");
    const std::string id(info.at("id").as_string());
    EXPECT_EQ(id.substr(0, 3), "750");

    auto early = call("GET", "/jobs/query/" + id + "/results");
    EXPECT_EQ(early.status, 412U);
    EXPECT_EQ(body_of(early).at(0).at("errorCode"), "JOB_NOT_COMPLETE");
    EXPECT_EQ(body_of(call("GET", "/jobs/query/" + id)).at("state"), "InProgress");
    auto done = body_of(call("GET", "/jobs/query/" + id));
    EXPECT_EQ(done.at("state"), "JobComplete");
    EXPECT_EQ(done.at("numberRecordsProcessed"), 2);

    auto page1 = call("GET", "/jobs/query/" + id + "/results?maxRecords=1");
    ASSERT_EQ(page1.status, 200U);
    EXPECT_EQ(header_of(page1, "Content-Type"), "text/csv");
    EXPECT_EQ(header_of(page1, "Sforce-NumberOfRecords"), "1");
    EXPECT_EQ(page1.body, "\"Name\",\"Account.Name\",\"Amount\"\n\"Big deal\",\"Acme GmbH\",\"1200.5\"\n");
    const std::string locator = header_of(page1, "Sforce-Locator");
    ASSERT_NE(locator, "null");
    auto page2 = call("GET", "/jobs/query/" + id + "/results?maxRecords=1&locator=" + locator);
    EXPECT_EQ(page2.body, "\"Name\",\"Account.Name\",\"Amount\"\n\"Small deal\",\"Globex SARL\",\"99.0\"\n");
    EXPECT_EQ(header_of(page2, "Sforce-Locator"), "null");

    auto other_version = org_->handle(make_request("GET", "/services/data/v60.0/jobs/query/" + id));
    EXPECT_EQ(other_version.status, 409U);
    EXPECT_EQ(call("DELETE", "/jobs/query/" + id).status, 204U);
    EXPECT_EQ(call("GET", "/jobs/query/" + id).status, 404U);

    auto bad = call(
        "POST",
        "/jobs/query",
        R"({"operation":"query","query":"SELECT Id, (SELECT Id FROM Contacts) FROM Account"})"
    );
    EXPECT_EQ(bad.status, 400U);
    auto bad_field =
        call("POST", "/jobs/query", R"({"operation":"query","query":"SELECT Nope FROM Account"})");
    EXPECT_EQ(body_of(bad_field).at(0).at("errorCode"), "INVALID_FIELD");
}

}  // namespace
}  // namespace fakturad::sf_emulator::test
