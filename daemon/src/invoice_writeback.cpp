#include "invoice_writeback.hpp"

#include "fakturad/documents/einvoice.hpp"
#include "fakturad/store/plan_store.hpp"

#include <fstream>
#include <system_error>

namespace fakturad::daemon {
namespace {

using mapping::writeback_target;
using mapping::writeback_value;

std::string status_text(const billing::invoice& doc) {
    switch (doc.status) {
        case billing::invoice_status::draft:
            return "Draft";
        case billing::invoice_status::cancelled:
            return "Cancelled";
        default:
            return "Issued";
    }
}

void write_atomically(const std::filesystem::path& path, const std::string& bytes) {
    std::filesystem::create_directories(path.parent_path());
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            throw std::runtime_error("cannot write " + tmp);
        }
    }
    std::filesystem::rename(tmp, path);
}

// File names: the document number with characters outside [A-Za-z0-9._-] replaced.
std::string file_stem(const std::string& number) {
    std::string out = number;
    for (auto& c : out) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '-';
        if (!ok) {
            c = '_';
        }
    }
    return out;
}

}  // namespace

std::string invoice_key(const billing::invoice& doc, store::invoice_id id) {
    return doc.seller.id + "-" + std::to_string(id);
}

invoice_package build_invoice_package(
    store::sqlite_store& db,
    store::invoice_id id,
    const mapping::bound_writeback& writeback,
    invoice_pdf_maker* pdf,
    const std::filesystem::path& output_dir
) {
    store::invoice_store invoices(db);
    store::plan_store plans(db);
    auto stored = invoices.load(id);
    if (!stored) {
        throw store::store_error("invoice " + std::to_string(id) + " does not exist");
    }
    const billing::invoice& doc = stored->document;
    invoice_package pkg;
    pkg.number = doc.number.empty() ? "draft-" + std::to_string(id) : doc.number;
    pkg.draft = doc.status == billing::invoice_status::draft;
    const std::string key = invoice_key(doc, id);
    const std::string plan_id = doc.plan_ids.empty() ? std::string{} : doc.plan_ids.front();
    std::string source_object;
    if (!plan_id.empty()) {
        if (auto p = plans.load_plan(plan_id)) {
            source_object = p->source_object;
        }
    }

    auto invoice_value = [&](std::string_view name) -> writeback_value {
        if (name == "key") return key;
        if (name == "account_id") return doc.account.id;
        if (name == "plan_id") return plan_id.empty() ? writeback_value{} : writeback_value{plan_id};
        if (name == "source_object") return source_object;
        if (name == "number") return doc.number.empty() ? writeback_value{} : writeback_value{doc.number};
        if (name == "document_type") return std::string(billing::to_string(doc.type));
        if (name == "status") return status_text(doc);
        if (name == "issue_date")
            return doc.issue_date ? writeback_value{*doc.issue_date} : writeback_value{};
        if (name == "due_date") return doc.due_date ? writeback_value{*doc.due_date} : writeback_value{};
        if (name == "service_start") {
            return doc.service_period ? writeback_value{doc.service_period->first} : writeback_value{};
        }
        if (name == "service_end") {
            return doc.service_period ? writeback_value{doc.service_period->last} : writeback_value{};
        }
        if (name == "currency") return std::string(doc.cur.code());
        if (name == "net_amount") return doc.totals.net;
        if (name == "tax_amount") return doc.totals.tax;
        if (name == "gross_amount") return doc.totals.gross;
        if (name == "issued_at") {
            return doc.issue_date ? writeback_value{instant{std::chrono::sys_days{*doc.issue_date}}}
                                  : writeback_value{};
        }
        if (name == "buyer_reference") return doc.references.buyer_reference;
        if (name == "order_reference") return doc.references.order_reference;
        if (name == "note") {
            std::string text;
            for (const auto& n : doc.notes) {
                text += (text.empty() ? "" : "\n") + n;
            }
            return text;
        }
        if (name == "tax_decisions") {
            std::string text;
            for (const auto& d : doc.tax_decisions) {
                text += (text.empty() ? "" : "\n") + d;
            }
            return text.empty() ? writeback_value{} : writeback_value{text.substr(0, 32000)};
        }
        return std::monostate{};
    };
    if (const auto* target = writeback.find(writeback_target::invoice)) {
        pkg.invoice = {
            target->object, target->external_id, writeback.render(writeback_target::invoice, invoice_value)};
    }
    if (const auto* target = writeback.find(writeback_target::invoice_line)) {
        for (std::size_t i = 0; i < doc.lines.size(); ++i) {
            const auto& line = doc.lines[i];
            auto line_value = [&](std::string_view name) -> writeback_value {
                if (name == "key") return key + "-" + std::to_string(i + 1);
                if (name == "invoice_key") return key;
                if (name == "line_number") return decimal(static_cast<std::int64_t>(i + 1));
                if (name == "description") return line.description;
                if (name == "product_code") return std::monostate{};
                if (name == "quantity") return line.quantity;
                if (name == "unit_code") return line.unit_code;
                if (name == "unit_price") return line.unit_price;
                if (name == "net_amount") return line.net;
                if (name == "tax_category") return line.vat.category;
                if (name == "tax_rate") return line.vat.rate;
                if (name == "service_start")
                    return line.period ? writeback_value{line.period->first} : writeback_value{};
                if (name == "service_end")
                    return line.period ? writeback_value{line.period->last} : writeback_value{};
                return std::monostate{};
            };
            pkg.lines.push_back(
                {target->object,
                 target->external_id,
                 writeback.render(writeback_target::invoice_line, line_value)}
            );
        }
    }
    // A draft awaiting approval bills nothing yet: the plans' billed-through dates follow its finalization.
    for (const auto& pid :
         doc.status == billing::invoice_status::draft ? std::vector<std::string>{} : doc.plan_ids) {
        auto p = plans.load_plan(pid);
        if (!p || writeback.find(writeback_target::plan_source, p->source_object) == nullptr) {
            continue;
        }
        const auto state = invoices.load_plan_state(pid);
        // The plan is billed through the latest day any of its items is billed through.
        std::optional<civil_date> billed_through;
        for (const auto& item : state.items) {
            if (item.billed_through && (!billed_through || *item.billed_through > *billed_through)) {
                billed_through = item.billed_through;
            }
        }
        auto plan_value = [&](std::string_view name) -> writeback_value {
            if (name == "billed_through") {
                return billed_through ? writeback_value{*billed_through} : writeback_value{};
            }
            if (name == "next_invoice_date") {
                if (!billed_through) {
                    return writeback_value{p->plan.start};
                }
                const civil_date next{std::chrono::sys_days{*billed_through} + std::chrono::days{1}};
                return writeback_value{next};
            }
            if (name == "plan_status") return p->status;
            return std::monostate{};
        };
        auto record = writeback.render(writeback_target::plan_source, plan_value, p->source_object);
        record["Id"] = pid;
        pkg.plans.push_back({p->source_object, "Id", std::move(record)});
    }

    // Documents: only for numbered (finalized) documents.
    if (doc.number.empty() || !writeback.files()) {
        return pkg;
    }
    const auto& files = *writeback.files();
    const bool xrechnung = !doc.references.buyer_reference.empty();
    const auto dir = output_dir / doc.seller.id;
    const std::string linked = files.to == mapping::attach_to::account ? doc.account.id : plan_id;
    auto add_file = [&](const std::string& name, const std::string& type, std::string bytes) {
        write_atomically(dir / name, bytes);
        pkg.written.push_back(dir / name);
        salesforce::file_upload f;
        f.title = name;
        f.path_on_client = name;
        f.linked_record_id = linked;
        f.description = "fakturad " + std::string(billing::to_string(doc.type)) + " " + doc.number;
        f.content_type = type;
        f.data = std::move(bytes);
        pkg.files.push_back(std::move(f));
    };
    for (const auto& format : files.formats) {
        if (format == "xrechnung") {
            auto xml = documents::write_cii(
                doc, xrechnung ? documents::cii_profile::xrechnung : documents::cii_profile::en16931
            );
            if (!xml.ok()) {
                for (auto& p : xml.problems) {
                    pkg.problems.push_back(doc.number + " XML: " + p);
                }
                continue;
            }
            add_file(file_stem(doc.number) + ".xml", "application/xml", std::move(xml.xml));
        } else if (format == "ubl") {
            auto xml = documents::write_ubl(
                doc, xrechnung ? documents::ubl_profile::xrechnung : documents::ubl_profile::en16931
            );
            if (!xml.ok()) {
                for (auto& p : xml.problems) {
                    pkg.problems.push_back(doc.number + " UBL: " + p);
                }
                continue;
            }
            add_file(file_stem(doc.number) + "-ubl.xml", "application/xml", std::move(xml.xml));
        } else if ((format == "pdf" || format == "facturx") && pdf != nullptr) {
            auto made = pdf->make(
                doc,
                xrechnung ? documents::facturx_profile::xrechnung : documents::facturx_profile::en16931,
                doc.number
            );
            if (!made.problems.empty()) {
                for (auto& p : made.problems) {
                    pkg.problems.push_back(doc.number + " PDF: " + p);
                }
                continue;
            }
            add_file(file_stem(doc.number) + ".pdf", "application/pdf", std::move(made.bytes));
        }
    }
    return pkg;
}

}  // namespace fakturad::daemon
