#pragma once
// End-to-end test helpers for the Salesforce emulator started with `--static-token e2e-token`: one REST
// call per connection (plain HTTP on loopback), SOQL queries and record fields as text.

#include "process.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>

namespace fakturad::testing {

// build/bin/sf-emulator with the small test org on a free port and the static token; output in `log`.
inline child_process start_sf_emulator(const std::filesystem::path& log) {
    return child_process::start(
        {std::string(FAKTURAD_BINARY_DIR) + "/bin/sf-emulator",
         "--listen",
         "127.0.0.1:0",
         "--org",
         std::string(FAKTURAD_SOURCE_DIR) + "/emulators/salesforce/orgs/test-small.yaml",
         "--static-token",
         "e2e-token"},
        log
    );
}

// The port the emulator's `log` names once it listens; empty before.
inline std::string sf_port_in(const std::filesystem::path& log) { return listening_port_in(log); }

// The JSON answer of `method path` with `body`; null when there is no readable answer.
inline boost::json::value sf_call(
    const std::string& port, std::string_view method, std::string_view path, std::string_view body = {}
) {
    boost::asio::ip::tcp::iostream http("127.0.0.1", port);
    http << method << " " << path << " HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer e2e-token\r\n"
         << "Content-Type: application/json\r\nContent-Length: " << body.size() << "\r\n\r\n"
         << body << std::flush;
    const std::string response((std::istreambuf_iterator<char>(http)), std::istreambuf_iterator<char>());
    const auto at = response.find("\r\n\r\n");
    if (at == std::string::npos) {
        return {};
    }
    boost::system::error_code ec;
    auto value = boost::json::parse(response.substr(at + 4), ec);
    return ec ? boost::json::value() : value;
}

// The records of a SOQL query (a test failure when the emulator does not answer with records).
inline boost::json::array soql(const std::string& port, const std::string& query) {
    std::string encoded;
    for (const char c : query) {
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == ',') {
            encoded.push_back(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
            encoded += hex;
        }
    }
    auto answer = sf_call(port, "GET", "/services/data/v62.0/query?q=" + encoded);
    if (!answer.is_object() || !answer.as_object().contains("records")) {
        ADD_FAILURE() << "unexpected answer to " << query << ": " << boost::json::serialize(answer);
        return {};
    }
    return answer.as_object()["records"].as_array();
}

// A field of a record as text ("" for null or absent; numbers and booleans as JSON).
inline std::string field(const boost::json::value& record, std::string_view name) {
    const auto* v = record.as_object().if_contains(name);
    if (v == nullptr || v->is_null()) {
        return "";
    }
    return v->is_string() ? std::string(v->as_string()) : boost::json::serialize(*v);
}

}  // namespace fakturad::testing
