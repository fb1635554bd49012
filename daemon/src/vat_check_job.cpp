#include "vat_check_job.hpp"

#include "fakturad/core/vat_id.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace fakturad::daemon {

std::string normalised_vat_id(std::string_view text) {
    const auto checked = check_vat_id(text);
    if (checked.valid()) {
        return checked.id.full();
    }
    std::string out;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) == 0) {
            out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        }
    }
    return out.substr(0, 64);
}

vies::batch_options batch_options_from(const config::vies_settings& settings) {
    vies::batch_options options;
    options.limits.per_member_state = settings.per_member_state;
    options.limits.global = std::max(settings.global, settings.per_member_state);
    options.backoff = {settings.retry_base, settings.retry_cap, settings.max_attempts};
    options.check_status_first = true;
    return options;
}

bool vat_id_confirmed(
    const std::optional<store::stored_vat_check>& latest,
    const std::optional<store::stored_vat_check>& latest_valid,
    instant now,
    std::chrono::milliseconds accept_recently_valid
) {
    if (!latest) {
        return false;
    }
    if (latest->check.verdict == "valid") {
        return true;
    }
    if (latest->check.verdict != "unconfirmed" || !latest_valid || accept_recently_valid.count() == 0) {
        return false;
    }
    return now - latest_valid->check.checked_at <= accept_recently_valid;
}

std::optional<store::vat_check_record> reused_check(
    const store::due_account& account,
    const std::optional<store::stored_vat_check>& latest_valid,
    instant now,
    std::chrono::milliseconds cache_ttl
) {
    if (!latest_valid || latest_valid->check.source != "vies" ||
        latest_valid->check.checked_at + cache_ttl <= now) {
        return std::nullopt;
    }
    store::vat_check_record copy = latest_valid->check;
    copy.account_id = account.account_id;
    copy.detail = "VIES: valid (check " + std::to_string(latest_valid->id) + " reused within vies.cache_ttl)";
    return copy;
}

namespace {

store::vat_check_record record_of(const vies::batch_result& result, const std::string& vat_id, instant now) {
    store::vat_check_record r;
    r.vat_id = vat_id;
    r.verdict = std::string(to_string(result.outcome.result));
    r.source = "vies";
    r.detail = result.outcome.detail.empty() ? "VIES: " + r.verdict : result.outcome.detail;
    r.checked_at = now;
    if (const auto& answer = result.outcome.answer) {
        r.trader_name = answer->name.value;
        r.trader_address = answer->address.value;
        r.request_date = answer->request_date;
        r.consultation_number = answer->request_identifier;
    }
    return r;
}

}  // namespace

boost::asio::awaitable<vat_check_pass> vat_check_job::check(
    std::vector<store::due_account> accounts, instant now
) {
    vat_check_pass pass;
    std::vector<vies::check_request> requests;
    std::map<std::string, std::size_t, std::less<>> request_of;  // one request per VAT ID
    std::vector<std::size_t> waiting;                            // accounts that wait for VIES
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        const auto checked = check_vat_id(accounts[i].vat_id);
        if (!checked.valid()) {
            store::vat_check_record r;
            r.vat_id = normalised_vat_id(accounts[i].vat_id);
            if (r.vat_id.empty()) {
                r.vat_id = "-";
            }
            r.account_id = accounts[i].account_id;
            r.verdict = "invalid";
            r.source = "offline";
            r.detail = "offline: " + std::string(to_string(checked.problem)) + ": " + checked.detail +
                       " (not sent to VIES)";
            r.checked_at = now;
            pass.results.push_back({std::move(r), accounts[i].sf_id});
            continue;
        }
        const std::string key = checked.id.full();
        if (!request_of.contains(key)) {
            request_of.emplace(key, requests.size());
            requests.push_back(vies::check_request{checked.id, std::nullopt, "", "", "", "", ""});
        }
        waiting.push_back(i);
    }
    if (requests.empty()) {
        co_return pass;
    }
    auto batch = client_.check_batch(requests, options_, random_);
    const vies::batch_report report = co_await std::move(batch);
    pass.halted = report.halted;
    for (const std::size_t i : waiting) {
        const std::string key = normalised_vat_id(accounts[i].vat_id);
        const std::size_t r = request_of.at(key);
        store::vat_check_record record;
        if (r < report.results.size()) {
            record = record_of(report.results[r], key, now);
        } else {
            record.vat_id = key;
            record.verdict = "unconfirmed";
            record.source = "vies";
            record.detail = "not checked: the batch stopped before this number";
            record.checked_at = now;
        }
        record.account_id = accounts[i].account_id;
        pass.results.push_back({std::move(record), accounts[i].sf_id});
    }
    co_return pass;
}

}  // namespace fakturad::daemon
