#include "fakturad/schufa/report.hpp"

#include <algorithm>
#include <iterator>
#include <set>

namespace fakturad::schufa {

std::string_view to_string(hit_status s) noexcept {
    switch (s) {
        case hit_status::hit:
            return "HIT";
        case hit_status::no_hit:
            return "NO_HIT";
        case hit_status::ambiguous:
            return "AMBIGUOUS";
    }
    return "NO_HIT";
}

namespace {

std::string feature_key(const negative_feature& f) { return f.category + " (" + f.code + ")"; }

std::string pd_text(const std::optional<decimal>& pd) { return pd ? to_string(*pd) + "%" : "-"; }

std::string score_text(const std::optional<int>& s) { return s ? std::to_string(*s) : "-"; }

}  // namespace

report_comparison compare(
    const credit_report* previous, const credit_report& current, const worsening_rule& rule
) {
    report_comparison c;
    c.score_after = current.score;
    c.risk_class_after = current.risk_class;
    c.pd_after = current.probability_of_default;
    c.negatives_after = current.negative_features.size();
    if (previous == nullptr) {
        return c;
    }
    c.has_previous = true;
    c.score_before = previous->score;
    c.risk_class_before = previous->risk_class;
    c.pd_before = previous->probability_of_default;
    c.negatives_before = previous->negative_features.size();
    std::set<std::string> before;
    std::set<std::string> after;
    for (const auto& f : previous->negative_features) {
        before.insert(feature_key(f));
    }
    for (const auto& f : current.negative_features) {
        after.insert(feature_key(f));
    }
    std::set_difference(
        after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(c.negatives_added)
    );
    std::set_difference(
        before.begin(), before.end(), after.begin(), after.end(), std::back_inserter(c.negatives_removed)
    );
    if (c.score_before && c.score_after && *c.score_before - *c.score_after >= rule.score_drop) {
        c.reasons.push_back("score dropped by " + std::to_string(*c.score_before - *c.score_after));
    }
    if (c.risk_class_before > 0 && c.risk_class_after > 0 &&
        c.risk_class_after - c.risk_class_before >= rule.risk_class_steps) {
        c.reasons.push_back(
            "risk class " + std::to_string(c.risk_class_before) + " -> " + std::to_string(c.risk_class_after)
        );
    }
    if (rule.new_negative && !c.negatives_added.empty()) {
        c.reasons.push_back("new negative entries");
    }
    c.worsened = !c.reasons.empty();
    return c;
}

std::string report_comparison::summary() const {
    if (!has_previous) {
        return "first report: score " + score_text(score_after) + ", risk class " +
               std::to_string(risk_class_after) + ", PD " + pd_text(pd_after) + ", negative entries " +
               std::to_string(negatives_after);
    }
    std::string out = "score " + score_text(score_before) + " -> " + score_text(score_after);
    if (score_before && score_after) {
        const int delta = *score_after - *score_before;
        out += " (" + std::string(delta >= 0 ? "+" : "") + std::to_string(delta) + ")";
    }
    out += ", risk class " + std::to_string(risk_class_before) + " -> " + std::to_string(risk_class_after);
    out += ", PD " + pd_text(pd_before) + " -> " + pd_text(pd_after);
    out +=
        ", negative entries " + std::to_string(negatives_before) + " -> " + std::to_string(negatives_after);
    for (const auto& a : negatives_added) {
        out += " +" + a;
    }
    for (const auto& r : negatives_removed) {
        out += " -" + r;
    }
    return out;
}

}  // namespace fakturad::schufa
