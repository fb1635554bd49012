#include "ctl_vat_check.hpp"

#include "fakturad/core/vat_id.hpp"
#include "fakturad/net/http_client.hpp"
#include "fakturad/vies/client.hpp"
#include "fakturad/vies/scheduling.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <random>

namespace fakturad::daemon {

namespace asio = boost::asio;

namespace {

enum : int { exit_all_checked = 0, exit_unconfirmed = 1, exit_usage = 2 };

// Remote text goes into a TAB-separated line: no TABs or line breaks, bounded length.
std::string flatten(std::string_view text, std::size_t max = 300) {
    std::string out;
    for (char c : text.substr(0, std::min(max, text.size()))) {
        if (c == '\n') {
            out += ", ";
        } else if (c == '\t' || c == '\r') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string describe(const vies::check_outcome& outcome) {
    std::string d = flatten(outcome.detail);
    if (outcome.answer) {
        const auto& a = *outcome.answer;
        if (!a.request_date.empty()) {
            d += "; date " + flatten(a.request_date);
        }
        if (a.name.value) {
            d += "; name " + flatten(*a.name.value);
        } else if (a.name.undisclosed) {
            d += "; name not disclosed";
        }
        if (a.address.value) {
            d += "; address " + flatten(*a.address.value);
        }
    }
    return d;
}

std::vector<std::string> read_numbers(const vat_check_options& options, std::istream& in) {
    if (!options.numbers.empty()) {
        return options.numbers;
    }
    std::vector<std::string> numbers;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.find_first_not_of(" \t") != std::string::npos) {
            numbers.push_back(line);
        }
    }
    return numbers;
}

}  // namespace

int run_vat_check(const vat_check_options& options, std::istream& in, std::ostream& out, std::ostream& err) {
    const auto numbers = read_numbers(options, in);
    std::vector<vat_id_check> offline;
    offline.reserve(numbers.size());
    for (const auto& n : numbers) {
        offline.push_back(check_vat_id(n));
    }
    if (options.offline) {
        for (std::size_t i = 0; i < numbers.size(); ++i) {
            const auto& c = offline[i];
            out << numbers[i] << '\t' << (c.valid() ? "valid" : "invalid") << '\t'
                << (c.valid() ? "offline: well-formed, check digits correct (" + c.id.full() + ")"
                              : "offline: " + std::string(to_string(c.problem)) + ": " + c.detail)
                << '\n';
        }
        return exit_all_checked;
    }

    std::optional<vat_id> requester;
    if (!options.requester.empty()) {
        const auto r = check_vat_id(options.requester);
        if (!r.valid()) {
            err << "fakturactl: --requester " << options.requester << " is not a valid VAT ID: " << r.detail
                << '\n';
            return exit_usage;
        }
        requester = r.id;
    }

    std::vector<vies::check_request> requests;
    std::vector<std::size_t> request_of(numbers.size(), SIZE_MAX);
    std::map<std::string, std::size_t> seen;  // the same number written twice is asked once
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        if (offline[i].valid()) {
            const auto [it, fresh] = seen.emplace(offline[i].id.full(), requests.size());
            request_of[i] = it->second;
            if (fresh) {
                requests.push_back(vies::check_request{offline[i].id, std::nullopt, "", "", "", "", ""});
            }
        }
    }

    vies::batch_report report;
    if (!requests.empty()) {
        asio::io_context ioc;
        net::http_client_options http_options;
        http_options.user_agent = "fakturactl";
        if (!options.ca_file.empty()) {
            http_options.ca_file = options.ca_file;
        }
        std::optional<net::http_client> http;
        try {
            http.emplace(ioc.get_executor(), http_options);
        } catch (const std::exception& e) {
            err << "fakturactl: " << e.what() << '\n';
            return exit_usage;
        }
        vies::client_options client_options;
        client_options.which = options.api;
        if (!options.url.empty()) {
            (options.api == vies::api::rest ? client_options.rest_url : client_options.soap_url) =
                options.url;
        }
        if (!options.status_url.empty()) {
            client_options.rest_url = options.status_url;
        }
        client_options.timeout = options.timeout;
        client_options.requester = requester;
        vies::client client(*http, client_options);

        vies::batch_options batch;
        batch.limits.per_member_state = std::max(1U, options.per_member_state);
        batch.limits.global = std::max(4U, batch.limits.per_member_state);
        batch.backoff = {options.backoff_base, options.backoff_cap, std::max(1U, options.attempts)};
        // Status first only where a REST base is known: the SOAP-only setup of a test emulator may not have
        // it.
        batch.check_status_first =
            options.check_status &&
            (options.api == vies::api::rest || !options.status_url.empty() || options.url.empty());
        vies::seeded_random random(std::random_device{}());

        std::exception_ptr failure;
        auto run = client.check_batch(requests, batch, random);
        auto on_done = [&](std::exception_ptr e, vies::batch_report r) {
            failure = e;
            report = std::move(r);
        };
        asio::co_spawn(ioc, std::move(run), std::move(on_done));
        ioc.run();
        if (failure) {
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                err << "fakturactl: VIES batch failed: " << e.what() << '\n';
            }
        }
        if (report.halted == vies::halt_reason::ip_blocked) {
            err << "fakturactl: VIES answered IP_BLOCKED: stopped all VIES requests; do not retry before the "
                   "block is lifted\n";
        } else if (report.halted == vies::halt_reason::invalid_requester) {
            err << "fakturactl: VIES rejected the requester VAT ID (INVALID_REQUESTER_INFO); check "
                   "--requester\n";
        }
    }

    int code = exit_all_checked;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        if (request_of[i] == SIZE_MAX) {
            const auto& c = offline[i];
            out << numbers[i] << "\tinvalid\toffline: " << to_string(c.problem) << ": " << c.detail
                << " (not sent to VIES)\n";
            continue;
        }
        const auto r = request_of[i];
        if (r >= report.results.size()) {
            out << numbers[i] << "\tunconfirmed\tnot checked (internal error)\n";
            code = exit_unconfirmed;
            continue;
        }
        const auto& result = report.results[r];
        if (result.outcome.result == vies::verdict::unconfirmed) {
            code = exit_unconfirmed;
        }
        out << numbers[i] << '\t' << to_string(result.outcome.result) << '\t' << describe(result.outcome)
            << '\n';
    }
    return code;
}

}  // namespace fakturad::daemon
