#include "fakturad/billing/draft_documents.hpp"

#include "fakturad/billing/lifecycle.hpp"

#include <algorithm>

namespace fakturad::billing {
namespace {

agreed_total agreed_of(const billing_plan& plan, const std::vector<invoice_line>& lines) {
    agreed_total total;
    total.contract_id = plan.contract_id;
    for (const auto& l : lines) {
        total.lines.push_back(agreed_line{l.description, l.quantity, l.unit_price, l.vat, l.unit_code});
    }
    return total;
}

class builder {
public:
    builder(const plan_file& file, std::string_view file_name, built_documents& out)
        : file_(file), file_name_(file_name), out_(out) {}

    void build(std::size_t index) {
        const manual_draft_spec& spec = file_.drafts[index];
        const std::string path = "drafts[" + std::to_string(index) + "]";
        auto fail = [&](const std::string& message) {
            out_.errors.push_back(plan_file_error{
                std::string(file_name_), spec.line, spec.column, path, message});
        };
        const auto plan = std::find_if(file_.plans.begin(), file_.plans.end(), [&](const billing_plan& p) {
            return p.id == spec.plan_id;
        });
        if (plan == file_.plans.end()) {
            fail("no plan '" + spec.plan_id + "' in this file");
            return;
        }
        auto made = make(spec, *plan);
        if (!made) {
            fail(made.error().message);
            return;
        }
        invoice doc = std::move(made).value();
        if (!is_manual(spec.input.type)) {
            doc.notes.insert(doc.notes.end(), spec.input.notes.begin(), spec.input.notes.end());
        }
        doc.vat_currency = spec.vat_currency;
        if (spec.finalization) {
            if (auto s = finalize(doc, *spec.finalization); !s) {
                fail("cannot finalize: " + s.error().message);
                return;
            }
            if (doc.type == document_type::cancellation) {
                if (auto* original = find(spec.corrects)) {
                    if (auto s = mark_cancelled(original->doc, doc); !s) {
                        fail(s.error().message);
                        return;
                    }
                }
            }
        }
        out_.documents.push_back(built_document{spec.id.empty() ? path : spec.id, index, std::move(doc)});
    }

private:
    static bool is_manual(document_type t) {
        return t == document_type::invoice || t == document_type::pro_forma || t == document_type::partial;
    }

    built_document* find(const std::string& id) {
        auto it = std::find_if(out_.documents.begin(), out_.documents.end(), [&](const built_document& d) {
            return d.id == id;
        });
        return it == out_.documents.end() ? nullptr : &*it;
    }

    std::vector<invoice> contract_documents(const std::string& contract) const {
        std::vector<invoice> docs;
        for (const auto& d : out_.documents) {
            if (d.doc.contract_id == contract) {
                docs.push_back(d.doc);
            }
        }
        return docs;
    }

    std::vector<invoice> corrections_of(const invoice& original) const {
        std::vector<invoice> docs;
        for (const auto& d : out_.documents) {
            if (is_credit_document(d.doc.type) && d.doc.status != invoice_status::draft && d.doc.corrects &&
                d.doc.corrects->number == original.number) {
                docs.push_back(d.doc);
            }
        }
        return docs;
    }

    billing_result<invoice> make(const manual_draft_spec& spec, const billing_plan& plan) {
        switch (spec.input.type) {
            case document_type::invoice:
            case document_type::pro_forma:
            case document_type::partial: {
                std::vector<usage_record> usage;
                std::copy_if(
                    file_.usage.begin(),
                    file_.usage.end(),
                    std::back_inserter(usage),
                    [&](const usage_record& u) { return u.plan_id == plan.id; }
                );
                return make_manual_draft(plan, spec.input, usage);
            }
            case document_type::advance:
            case document_type::progress: {
                if (!spec.share) {
                    return billing_error{
                        billing_errc::invalid_input, "an advance or progress invoice needs a share"};
                }
                const auto earlier = contract_documents(plan.contract_id);
                return make_agreed_share(plan, agreed_of(plan, spec.input.lines), earlier, *spec.share);
            }
            case document_type::final_invoice: {
                const auto earlier = contract_documents(plan.contract_id);
                return make_final_invoice(plan, agreed_of(plan, spec.input.lines), earlier);
            }
            case document_type::cancellation:
            case document_type::credit_note: {
                const built_document* original = find(spec.corrects);
                if (original == nullptr) {
                    return billing_error{
                        billing_errc::invalid_input, "no earlier draft with id '" + spec.corrects + "'"};
                }
                const auto corrections = corrections_of(original->doc);
                if (spec.input.type == document_type::cancellation) {
                    return make_cancellation(original->doc, corrections);
                }
                if (!spec.credit) {
                    return billing_error{billing_errc::invalid_input, "a credit note needs `credit`"};
                }
                return make_credit_note(original->doc, corrections, *spec.credit);
            }
        }
        return billing_error{billing_errc::invalid_input, "unknown document type"};
    }

    const plan_file& file_;
    std::string_view file_name_;
    built_documents& out_;
};

}  // namespace

built_documents build_draft_documents(const plan_file& file, std::string_view file_name) {
    built_documents out;
    builder b(file, file_name, out);
    for (std::size_t i = 0; i < file.drafts.size(); ++i) {
        b.build(i);
    }
    return out;
}

}  // namespace fakturad::billing
