#pragma once
// A SCHUFA answer as fakturad keeps it, and the comparison of two reports of the same subject (what
// follow-up monitoring writes to the Account, and whether the customer's credit got worse).  Pure: no I/O.
//
// Scales (the assumed contract, README.md): B2B score 100..600 and B2C score 100..999, higher is better;
// risk class 1 (best) .. 6 (worst), 0 when the product has none; probability of default within 12 months
// in percent with two decimals (exact decimal, never binary floating point).

#include "fakturad/core/decimal.hpp"
#include "fakturad/schufa/catalogue.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fakturad::schufa {

enum class hit_status : std::uint8_t { hit, no_hit, ambiguous };

[[nodiscard]] std::string_view to_string(hit_status s) noexcept;  // HIT, NO_HIT, AMBIGUOUS

struct negative_feature {
    std::string code;
    std::string category;  // INSOLVENCY_PROCEEDINGS, DEBTOR_REGISTER, COLLECTION_CASE, ...
    std::string date;      // YYYY-MM-DD as sent
    std::optional<decimal> amount_eur;
    std::string source;
};

struct candidate {  // one of several companies an AMBIGUOUS answer names
    std::string schufa_company_id;
    std::string name;
    std::string city;
    std::string register_number;
};

struct identity_result {  // B2C products
    bool matched = false;
    bool found_with_previous_address = false;
    std::optional<bool> age_verified;  // identity check, variant AGE_18
    std::string match_last_name;       // FULL | PARTIAL | NONE (identity check)
    std::string match_first_name;
    std::string match_birth_date;
    std::string match_address;
};

struct credit_report {
    product which = product::b2b_short;
    std::string request_id;  // SCHUFA's reference: the audit log's result reference
    hit_status status = hit_status::no_hit;
    std::string report_date;     // YYYY-MM-DD
    std::string subject_id;      // schufaCompanyId (B2B); empty for B2C
    std::string subject_name;    // the company's name (B2B); never a person's name
    std::string company_status;  // ACTIVE | IN_LIQUIDATION | INSOLVENT | DISSOLVED (B2B)
    std::optional<int> score;
    std::string score_scale;  // SIM-B2B, SIM-B2C
    int risk_class = 0;
    std::optional<decimal> probability_of_default;  // percent
    std::string traffic_light;                      // GREEN | YELLOW | RED (B2B), score category (B2C)
    std::vector<negative_feature> negative_features;
    std::optional<decimal> credit_limit_eur;  // VOLL only
    std::vector<candidate> candidates;        // AMBIGUOUS only
    std::optional<identity_result> identity;  // B2C products
    bool decision_support_only = false;       // B2C: Art. 22 GDPR, a person decides
};

// When a newer report counts as a worsening that needs a person (a Task for the account owner).
struct worsening_rule {
    int score_drop = 50;       // points lost, at least
    int risk_class_steps = 1;  // classes worse, at least
    bool new_negative = true;  // any negative entry that the previous report did not have
};

struct report_comparison {
    bool has_previous = false;
    std::optional<int> score_before;
    std::optional<int> score_after;
    int risk_class_before = 0;
    int risk_class_after = 0;
    std::optional<decimal> pd_before;
    std::optional<decimal> pd_after;
    std::size_t negatives_before = 0;
    std::size_t negatives_after = 0;
    std::vector<std::string> negatives_added;  // category (code) of entries new in the later report
    std::vector<std::string> negatives_removed;
    bool worsened = false;             // beyond the rule
    std::vector<std::string> reasons;  // why it counts as worse, one phrase each

    // One line for people and the Account: "score 420 -> 350 (-70), risk class 2 -> 4, PD 0.60% -> 2.50%,
    // negative entries 0 -> 1 (+COLLECTION_CASE)"; "first report" without a previous one.
    [[nodiscard]] std::string summary() const;
};

// Compares `current` with the previous report of the same subject (nullptr: the first one).
[[nodiscard]] report_comparison compare(
    const credit_report* previous, const credit_report& current, const worsening_rule& rule
);

}  // namespace fakturad::schufa
