#include "fakturad/salesforce/error.hpp"

namespace fakturad::salesforce {

namespace {

class category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "salesforce"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::bad_input:
                return "refused to send an invalid value";
            case errc::auth_rejected:
                return "Salesforce refused the credentials; check the connected app, user and key";
            case errc::credentials_unusable:
                return "the configured credentials cannot be used";
            case errc::session_invalid:
                return "Salesforce rejected a freshly issued token";
            case errc::request_rejected:
                return "Salesforce rejected the request";
            case errc::daily_limit_exhausted:
                return "the org's daily API allocation is used up; wait for the rolling 24 h window";
            case errc::api_share_exhausted:
                return "not sent: fakturad's share of the daily API limit is used up";
            case errc::retries_exhausted:
                return "gave up after repeated temporary failures";
            case errc::transport_failed:
                return "no answer from Salesforce";
            case errc::bad_response:
                return "unreadable answer from Salesforce";
            case errc::stopped_by_caller:
                return "stopped by the caller";
            case errc::replay_id_invalid:
                return "the replay id is no longer retained; catch up by polling, then follow anew";
            case errc::not_found:
                return "Salesforce has no such object, record or field; check the name against the org";
            case errc::job_failed:
                return "the Bulk API job failed or was aborted";
            case errc::job_timed_out:
                return "the Bulk API job did not complete in time and was aborted; raise bulk_job_timeout or "
                       "narrow the query";
        }
        return "unknown salesforce error";
    }
};

}  // namespace

const std::error_category& salesforce_category() noexcept {
    static const category instance;
    return instance;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), salesforce_category()}; }

std::string truncate_remote_text(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return std::string(text);
    }
    std::size_t cut = limit;
    // Back up to the start of a UTF-8 sequence so the result stays valid text.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    return std::string(text.substr(0, cut)) + "...";
}

std::string call_error::describe() const {
    std::string out = request.empty() ? std::string("salesforce call") : request;
    out += ": ";
    out += make_error_code(code).message();
    if (http_status != 0 || !error_code.empty() || !message.empty()) {
        out += " (";
        if (http_status != 0) {
            out += "HTTP " + std::to_string(http_status);
        }
        if (!error_code.empty()) {
            out += (http_status != 0 ? " " : "") + error_code;
        }
        if (!message.empty()) {
            out += (http_status != 0 || !error_code.empty() ? ": " : "") + message;
        }
        out += ")";
    }
    if (attempts > 1) {
        out += " after " + std::to_string(attempts) + " attempts";
    }
    return out;
}

}  // namespace fakturad::salesforce
