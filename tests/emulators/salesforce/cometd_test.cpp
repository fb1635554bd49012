#include "test_org.hpp"

namespace fakturad::sf_emulator::test {
namespace {

class CometD : public emulator_test {
protected:
    net::http_response bayeux(const std::string& body, bool with_cookie = true) {
        auto req = make_request("POST", "/cometd/59.0", body);
        req.headers[0].value = "OAuth test-token";
        if (with_cookie && !cookie_.empty()) {
            req.headers.push_back({"Cookie", cookie_});
        }
        return org_->handle(req);
    }

    std::string handshake() {
        auto res = bayeux(
            R"([{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["long-polling"],"id":"1"}])"
        );
        auto set_cookie = header_of(res, "Set-Cookie");
        cookie_ = set_cookie.substr(0, set_cookie.find(';'));
        auto reply = body_of(res).at(0);
        EXPECT_EQ(reply.at("successful"), true);
        return std::string(reply.at("clientId").as_string());
    }

    json::value subscribe(const std::string& client, const std::string& channel, int replay) {
        return body_of(bayeux(
                           R"([{"channel":"/meta/subscribe","clientId":")" + client +
                           R"(","subscription":")" + channel + R"(","id":"2","ext":{"replay":{")" + channel +
                           R"(":)" + std::to_string(replay) + "}}}]"
                       ))
            .at(0);
    }

    json::array connect(const std::string& client) {
        return body_of(bayeux(
                           R"([{"channel":"/meta/connect","clientId":")" + client +
                           R"(","connectionType":"long-polling","id":"3"}])"
                       ))
            .as_array();
    }

    std::string cookie_;
};

TEST_F(CometD, HandshakeSubscribeAndReceiveChangeEvents) {
    auto first = bayeux(
        R"([{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["long-polling"],"id":"1"}])"
    );
    ASSERT_EQ(first.status, 200U);
    auto hs = body_of(first).at(0).as_object();
    EXPECT_EQ(hs.at("ext"), json::parse(R"({"replay":true,"payload.format":true})"));
    EXPECT_EQ(hs.at("advice").at("timeout"), 110000);
    EXPECT_EQ(hs.at("supportedConnectionTypes"), json::parse(R"(["long-polling"])"));
    EXPECT_EQ(header_of(first, "Set-Cookie").rfind("BAYEUX_BROWSER=", 0), 0U);

    const std::string client = handshake();
    auto sub = subscribe(client, "/data/AccountChangeEvent", -1);
    EXPECT_EQ(sub.at("successful"), true);
    EXPECT_EQ(sub.at("subscription"), "/data/AccountChangeEvent");

    auto req = make_request("POST", "/services/data/v59.0/sobjects/Account", R"({"Name":"Evented"})");
    req.headers.push_back({"Sforce-Call-Options", "client=fakturad"});
    auto created = org_->handle(req);
    const std::string id(body_of(created).at("id").as_string());
    call("PATCH", "/sobjects/Account/" + id, R"({"Phone":"123"})");
    call("POST", "/sobjects/Contact", R"({"LastName":"not an account"})");

    auto messages = connect(client);
    ASSERT_EQ(messages.size(), 3U);
    auto create_event = messages[0].as_object();
    EXPECT_EQ(create_event.at("channel"), "/data/AccountChangeEvent");
    auto header = create_event.at("data").at("payload").at("ChangeEventHeader").as_object();
    EXPECT_EQ(header.at("entityName"), "Account");
    EXPECT_EQ(header.at("changeType"), "CREATE");
    EXPECT_EQ(header.at("recordIds"), json::array{json::value(id)});
    EXPECT_EQ(header.at("changeOrigin"), "com/salesforce/api/rest/59.0;client=fakturad");
    EXPECT_EQ(header.at("commitTimestamp"), 1'773'144'000'000);
    for (const char* key :
         {"transactionKey",
          "sequenceNumber",
          "commitNumber",
          "commitUser",
          "changedFields",
          "nulledFields",
          "diffFields"}) {
        EXPECT_TRUE(header.contains(key)) << key;
    }
    EXPECT_EQ(create_event.at("data").at("payload").at("Name"), "Evented");
    EXPECT_EQ(create_event.at("data").at("payload").at("CreatedDate"), "2026-03-10T12:00:00.000Z");
    auto update = messages[1].at("data").as_object();
    EXPECT_EQ(update.at("payload").at("ChangeEventHeader").at("changeType"), "UPDATE");
    EXPECT_EQ(
        update.at("payload").at("ChangeEventHeader").at("changedFields"),
        json::parse(R"(["Phone","LastModifiedDate"])")
    );
    EXPECT_GT(
        update.at("event").at("replayId").to_number<int>(),
        create_event.at("data").at("event").at("replayId").to_number<int>()
    );
    EXPECT_EQ(messages[2].at("channel"), "/meta/connect");
    EXPECT_EQ(messages[2].at("successful"), true);
    EXPECT_EQ(connect(client).size(), 1U);  // nothing new

    // -2 replays everything retained; a stored id replays what came after it; a bogus id is refused.
    const std::string second = handshake();
    EXPECT_EQ(subscribe(second, "/data/ChangeEvents", -2).at("successful"), true);
    EXPECT_EQ(connect(second).size(), 4U);  // three events (Account x2, Contact) + ack
    const std::string third = handshake();
    const auto first_replay = create_event.at("data").at("event").at("replayId").to_number<int>();
    EXPECT_EQ(subscribe(third, "/data/AccountChangeEvent", first_replay).at("successful"), true);
    EXPECT_EQ(connect(third).size(), 2U);
    auto bogus = subscribe(third, "/data/AccountChangeEvent", 99999);
    EXPECT_EQ(bogus.at("successful"), false);
    EXPECT_EQ(
        bogus.at("error"),
        "400::The replayId {99999} you provided was invalid. Please provide a valid ID, -2 to replay all "
        "events, or -1 to replay only new events."
    );

    // Events older than 72 hours are gone: their ids become invalid.
    org_->advance_time_for_test(std::chrono::hours(73));
    EXPECT_EQ(subscribe(third, "/data/AccountChangeEvent", first_replay).at("successful"), false);
}

TEST_F(CometD, ForgottenClientsAreToldToHandshakeAgain) {
    const std::string client = handshake();
    net::http_request forget;
    forget.method = "POST";
    forget.target = "/__emulator/forget-cometd-clients";
    ASSERT_EQ(org_->handle(forget).status, 200U);
    auto reply = connect(client).at(0).as_object();
    EXPECT_EQ(reply.at("successful"), false);
    EXPECT_EQ(reply.at("error"), "403::Unknown client");
    EXPECT_EQ(reply.at("advice").at("reconnect"), "handshake");
}

TEST_F(CometD, CookieAndAuthenticationAreChecked) {
    const std::string client = handshake();
    auto no_cookie = body_of(bayeux(
                                 R"([{"channel":"/meta/connect","clientId":")" + client +
                                     R"(","connectionType":"long-polling"}])",
                                 false
                             ))
                         .at(0);
    EXPECT_EQ(no_cookie.at("successful"), false);
    EXPECT_NE(
        std::string(no_cookie.at("error").as_string()).find("no BAYEUX_BROWSER cookie present"),
        std::string::npos
    );

    auto req =
        make_request("POST", "/cometd/59.0", R"([{"channel":"/meta/handshake","version":"1.0","id":"1"}])");
    req.headers[0].value = "OAuth wrong";
    auto denied = body_of(org_->handle(req)).at(0);
    EXPECT_EQ(denied.at("error"), "403::Handshake denied");
    EXPECT_EQ(denied.at("ext").at("sfdc").at("failureReason"), "401::Authentication invalid");
    auto unknown_channel = subscribe(client, "/data/NopeChangeEvent", -1);
    EXPECT_EQ(unknown_channel.at("successful"), false);
}

TEST_F(CometD, ConnectWithNothingToDeliverIsHeld) {
    const std::string client = handshake();
    ASSERT_EQ(subscribe(client, "/data/AccountChangeEvent", -1).at("successful"), true);
    auto req = make_request(
        "POST",
        "/cometd/59.0",
        R"([{"channel":"/meta/connect","clientId":")" + client + R"(","connectionType":"long-polling"}])"
    );
    req.headers[0].value = "OAuth test-token";
    req.headers.push_back({"Cookie", cookie_});
    EXPECT_FALSE(org_->handle_or_hold(req).has_value());
    call("POST", "/sobjects/Account", R"({"Name":"Wakes the poll"})");
    auto answer = org_->handle_or_hold(req);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(body_of(*answer).as_array().size(), 2U);
}

TEST_F(CometD, GapAndOverflowEventsStandInForRegularOnes) {
    const std::string client = handshake();
    ASSERT_EQ(subscribe(client, "/data/ChangeEvents", -1).at("successful"), true);
    auto control = [&](const std::string& body) {
        auto req = make_request("POST", "/__emulator/change-events", body);
        return org_->handle(req);
    };
    EXPECT_EQ(control(R"({"gap_next":-1})").status, 400U);
    EXPECT_EQ(control(R"({"gaps":1})").status, 400U);

    // The next change is a gap event: it names the record and carries no field, not even its origin.
    ASSERT_EQ(control(R"({"gap_next":1})").status, 200U);
    const std::string id(
        body_of(call("POST", "/sobjects/Account", R"({"Name":"Archived"})")).at("id").as_string()
    );
    call("PATCH", "/sobjects/Account/" + id, R"({"Phone":"1"})");
    auto messages = connect(client);
    ASSERT_EQ(messages.size(), 3U);
    const auto& gap = messages[0].at("data").at("payload").as_object();
    EXPECT_EQ(gap.size(), 1U) << "header only";
    const auto& header = gap.at("ChangeEventHeader").as_object();
    EXPECT_EQ(header.at("changeType"), "GAP_CREATE");
    EXPECT_EQ(header.at("entityName"), "Account");
    EXPECT_EQ(header.at("recordIds"), json::array{json::value(id)});
    EXPECT_EQ(header.at("changeOrigin"), "");
    for (const char* empty : {"changedFields", "nulledFields", "diffFields"}) {
        EXPECT_TRUE(header.at(empty).as_array().empty()) << empty;
    }
    for (const char* key :
         {"transactionKey", "sequenceNumber", "commitTimestamp", "commitNumber", "commitUser"}) {
        EXPECT_TRUE(header.contains(key)) << key;
    }
    EXPECT_EQ(messages[1].at("data").at("payload").at("ChangeEventHeader").at("changeType"), "UPDATE");

    // Past the threshold (each create one change, each updated field one) a transaction's further changes
    // give one GAP_OVERFLOW per entity, without record ids.
    ASSERT_EQ(control(R"({"overflow_after":2})").status, 200U);
    call("POST", "/composite/sobjects", R"({"records":[
        {"attributes":{"type":"Account"},"Name":"O1"},{"attributes":{"type":"Account"},"Name":"O2"},
        {"attributes":{"type":"Account"},"Name":"O3"},{"attributes":{"type":"Contact"},"LastName":"C1"},
        {"attributes":{"type":"Account"},"Name":"O4"}]})");
    messages = connect(client);
    ASSERT_EQ(messages.size(), 5U);
    std::vector<std::string> seen;
    for (std::size_t i = 0; i + 1 < messages.size(); ++i) {
        const auto& h = messages[i].at("data").at("payload").at("ChangeEventHeader");
        seen.push_back(
            std::string(h.at("changeType").as_string()) + " " + std::string(h.at("entityName").as_string())
        );
        if (h.at("changeType") == "GAP_OVERFLOW") {
            EXPECT_TRUE(h.at("recordIds").as_array().empty());
            EXPECT_EQ(messages[i].at("data").at("payload").as_object().size(), 1U);
        }
    }
    EXPECT_EQ(
        seen,
        (std::vector<std::string>{
            "CREATE Account", "CREATE Account", "GAP_OVERFLOW Account", "GAP_OVERFLOW Contact"})
    );

    // A rolled-back allOrNone request publishes nothing.
    ASSERT_EQ(control(R"({"overflow_after":100000})").status, 200U);
    call(
        "POST", "/composite/sobjects", R"({"allOrNone":true,"records":[
        {"attributes":{"type":"Account"},"Name":"R1"},{"attributes":{"type":"Account"},"Phone":"no name"}]})"
    );
    EXPECT_EQ(connect(client).size(), 1U);
}

}  // namespace
}  // namespace fakturad::sf_emulator::test
