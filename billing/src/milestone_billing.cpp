#include "milestone_billing.hpp"

#include "fakturad/billing/lifecycle.hpp"

#include <algorithm>
#include <string>

namespace fakturad::billing::detail {
namespace {

billing_error plan_error(std::string text) { return {billing_errc::invalid_plan, std::move(text)}; }

// The agreed total from the plan's items, with the VAT of each at the milestone's tax point; the tax
// texts (notes, exemptions, decisions) go onto `texts`.
billing_result<agreed_total> agreed_total_of(
    const billing_plan& plan, civil_date tax_point, const vat_resolver* vat, invoice& texts
) {
    agreed_total total;
    total.contract_id = plan.contract_id.empty() ? plan.id : plan.contract_id;
    for (const auto& item : plan.items) {
        const currency_prices* prices = item.price.find(plan.cur);
        if (prices == nullptr) {
            return plan_error("item " + item.key + " has no price in " + std::string(plan.cur.code()));
        }
        agreed_line line;
        line.description = item.description;
        line.unit_code = item.unit_code;
        line.quantity = item.price.model == pricing_model::flat_fee ? decimal{1} : item.quantity;
        line.unit_price = prices->price;
        line.vat = item.vat;
        if (item.tax) {
            if (vat == nullptr) {
                return plan_error(
                    "item " + item.key + " needs tax determination, and no tax rules are configured"
                );
            }
            auto resolved = vat->resolve(plan, item, tax_point);
            if (!resolved) {
                return resolved.error();
            }
            line.vat = resolved->vat;
            if (!resolved->exemption.category.empty() &&
                std::none_of(texts.vat_exemptions.begin(), texts.vat_exemptions.end(), [&](const auto& e) {
                    return e.category == resolved->exemption.category;
                })) {
                texts.vat_exemptions.push_back(resolved->exemption);
            }
            for (const auto& n : resolved->notes) {
                if (std::find(texts.notes.begin(), texts.notes.end(), n) == texts.notes.end()) {
                    texts.notes.push_back(n);
                }
            }
            if (!resolved->decision.empty()) {
                texts.tax_decisions.push_back(item.key + ": " + resolved->decision);
            }
        }
        total.lines.push_back(std::move(line));
    }
    return total;
}

}  // namespace

billing_result<std::vector<invoice>> bill_milestones(
    const billing_plan& plan, const plan_state& state, civil_date cutoff, const vat_resolver* vat
) {
    std::vector<invoice> out;
    bool earlier_open = false;  // an earlier milestone's document is not finalized yet
    for (const auto& m : plan.milestones) {
        if (std::find(state.billed_milestones.begin(), state.billed_milestones.end(), m.key) !=
            state.billed_milestones.end()) {
            const auto doc = std::find_if(
                state.contract_documents.begin(),
                state.contract_documents.end(),
                [&](const invoice& d) { return d.milestone == m.key; }
            );
            earlier_open =
                earlier_open || doc == state.contract_documents.end() || doc->status == invoice_status::draft;
            continue;
        }
        if (!m.due || cutoff < *m.due) {
            break;  // milestones come in order: a later one waits for this one
        }
        if (m.type == milestone_type::final_invoice && (earlier_open || !out.empty())) {
            break;  // the advances it deducts must be issued first
        }
        invoice texts;
        auto total = agreed_total_of(plan, *m.due, vat, texts);
        if (!total) {
            return total.error();
        }
        billing_result<invoice> doc = [&]() -> billing_result<invoice> {
            if (m.type == milestone_type::final_invoice) {
                return make_final_invoice(plan, *total, state.contract_documents);
            }
            share_request request;
            request.type =
                m.type == milestone_type::progress ? document_type::progress : document_type::advance;
            request.percent = m.percent;
            request.amount = m.amount;
            request.label = m.label;
            return make_agreed_share(plan, *total, state.contract_documents, request);
        }();
        if (!doc) {
            return billing_error{doc.error().code, "milestone " + m.key + ": " + doc.error().message};
        }
        doc->milestone = m.key;
        doc->plan_ids = {plan.id};
        doc->notes.insert(doc->notes.end(), texts.notes.begin(), texts.notes.end());
        for (auto& e : texts.vat_exemptions) {
            if (std::none_of(doc->vat_exemptions.begin(), doc->vat_exemptions.end(), [&](const auto& x) {
                    return x.category == e.category;
                })) {
                doc->vat_exemptions.push_back(std::move(e));
            }
        }
        doc->tax_decisions = std::move(texts.tax_decisions);
        out.push_back(std::move(*doc));
        earlier_open = true;  // this one is a draft until the sink finalizes it
    }
    return out;
}

}  // namespace fakturad::billing::detail
