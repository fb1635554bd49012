#include "fakturad/vies/protocol.hpp"

#include <array>

namespace fakturad::vies {
namespace {

struct fault_name {
    fault code;
    std::string_view wire;
};

constexpr std::array fault_names = std::to_array<fault_name>({
    {fault::invalid_input, "INVALID_INPUT"},
    {fault::invalid_requester_info, "INVALID_REQUESTER_INFO"},
    {fault::service_unavailable, "SERVICE_UNAVAILABLE"},
    {fault::ms_unavailable, "MS_UNAVAILABLE"},
    {fault::timeout, "TIMEOUT"},
    {fault::vat_blocked, "VAT_BLOCKED"},
    {fault::ip_blocked, "IP_BLOCKED"},
    {fault::global_max_concurrent_req, "GLOBAL_MAX_CONCURRENT_REQ"},
    {fault::global_max_concurrent_req_time, "GLOBAL_MAX_CONCURRENT_REQ_TIME"},
    {fault::ms_max_concurrent_req, "MS_MAX_CONCURRENT_REQ"},
    {fault::ms_max_concurrent_req_time, "MS_MAX_CONCURRENT_REQ_TIME"},
});

}  // namespace

fault parse_fault_code(std::string_view code) noexcept {
    for (const auto& f : fault_names) {
        if (f.wire == code) {
            return f.code;
        }
    }
    return fault::unknown;
}

std::string_view to_string(fault f) noexcept {
    for (const auto& n : fault_names) {
        if (n.code == f) {
            return n.wire;
        }
    }
    return "UNKNOWN";
}

std::string_view to_string(verdict v) noexcept {
    switch (v) {
        case verdict::valid:
            return "valid";
        case verdict::invalid:
            return "invalid";
        case verdict::unconfirmed:
            return "unconfirmed";
    }
    return "unconfirmed";
}

next_step classify(fault f) noexcept {
    switch (f) {
        case fault::invalid_input:
        case fault::vat_blocked:
            return next_step::final;
        case fault::invalid_requester_info:
            return next_step::stop_config;
        case fault::ip_blocked:
            return next_step::stop_all;
        case fault::ms_unavailable:
        case fault::timeout:
        case fault::ms_max_concurrent_req:
        case fault::ms_max_concurrent_req_time:
            return next_step::retry_member_state;
        case fault::service_unavailable:
        case fault::global_max_concurrent_req:
        case fault::global_max_concurrent_req_time:
        case fault::unknown:
            return next_step::retry_global;
    }
    return next_step::retry_global;
}

check_outcome outcome_of(const parsed_response& response) {
    check_outcome out;
    if (response.answer) {
        out.result = response.answer->valid ? verdict::valid : verdict::invalid;
        out.step = next_step::final;
        out.answer = response.answer;
        out.detail = response.answer->valid ? "VIES: registered" : "VIES: not registered";
        if (response.answer->request_identifier) {
            out.detail += ", consultation number " + *response.answer->request_identifier;
        }
        return out;
    }
    if (response.fault) {
        const auto f = response.fault->code;
        out.fault_code = f;
        out.step = classify(f);
        const std::string code = f == fault::unknown ? "unknown fault '" + response.fault->raw_code + "'"
                                                     : std::string(to_string(f));
        switch (out.step) {
            case next_step::final:
                if (f == fault::invalid_input) {
                    out.result = verdict::invalid;
                    out.detail = "VIES: INVALID_INPUT, the number is not well-formed";
                } else {
                    out.result = verdict::unconfirmed;
                    out.detail = "VIES: VAT_BLOCKED, the number is blocked from checks; verify it by hand";
                }
                break;
            case next_step::stop_config:
                out.detail = "VIES: INVALID_REQUESTER_INFO, our own VAT ID in the configuration is rejected";
                break;
            case next_step::stop_all:
                out.detail = "VIES: IP_BLOCKED, all VIES requests stopped; an operator must act";
                break;
            case next_step::retry_member_state:
            case next_step::retry_global:
                out.detail = "VIES: " + code + ", retry later";
                break;
        }
        return out;
    }
    out.step = next_step::retry_global;
    out.detail = "VIES answer not understood (" + response.problem + "), retry later";
    return out;
}

check_outcome outcome_of_transport_error(std::string_view what) {
    check_outcome out;
    out.step = next_step::retry_global;
    out.detail = "VIES not reached (" + std::string(what) + "), retry later";
    return out;
}

}  // namespace fakturad::vies
