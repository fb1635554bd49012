#include "draft_redelivery.hpp"

#include "fakturad/mapping/text.hpp"

#include <boost/json/value.hpp>

namespace fakturad::daemon {
namespace {

std::string key_of(const record_update& r) {
    const auto* v = r.record.if_contains(r.external_id);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

}  // namespace

std::string existing_invoice_query(const invoice_package& pkg) {
    const std::string key = key_of(pkg.invoice);
    if (key.empty()) {
        return {};
    }
    return "SELECT " + pkg.invoice.external_id + " FROM " + pkg.invoice.object + " WHERE " +
           pkg.invoice.external_id + " = " + mapping::soql_quote(key);
}

std::string existing_lines_query(const invoice_package& pkg) {
    std::string in;
    for (const record_update& line : pkg.lines) {
        const std::string key = key_of(line);
        if (!key.empty()) {
            in += (in.empty() ? "" : ", ") + mapping::soql_quote(key);
        }
    }
    if (in.empty()) {
        return {};
    }
    const record_update& first = pkg.lines.front();
    return "SELECT " + first.external_id + " FROM " + first.object + " WHERE " + first.external_id + " IN (" +
           in + ")";
}

void keep_clerk_changes(
    invoice_package& pkg, const mapping::bound_approval& approval, const existing_draft_records& existing
) {
    if (existing.invoice && !pkg.invoice.record.empty()) {
        pkg.invoice.record.erase(approval.status_field);
        for (const auto& e : approval.editable) {
            if (e.target == mapping::writeback_target::invoice) {
                pkg.invoice.record.erase(e.sf_field);
            }
        }
    }
    for (record_update& line : pkg.lines) {
        if (existing.lines.count(key_of(line)) == 0) {
            continue;
        }
        for (const auto& e : approval.editable) {
            if (e.target == mapping::writeback_target::invoice_line) {
                line.record.erase(e.sf_field);
            }
        }
    }
}

}  // namespace fakturad::daemon
