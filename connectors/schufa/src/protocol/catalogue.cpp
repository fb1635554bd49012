#include "fakturad/schufa/catalogue.hpp"

#include <array>

namespace fakturad::schufa {

namespace {

constexpr std::array product_table{
    product_info{product::b2b_short, "b2b-short", "KURZ", "SCHUFA B2B Kurzauskunft"},
    product_info{product::b2b_compact, "b2b-compact", "KOMPAKT", "SCHUFA B2B Kompaktauskunft"},
    product_info{product::b2b_full, "b2b-full", "VOLL", "SCHUFA B2B Vollauskunft"},
    product_info{product::b2c, "b2c", "BONITAETSAUSKUNFT", "SCHUFA BonitaetsAuskunft"},
    product_info{product::identity, "identity", "IDENTITAETSCHECK", "SCHUFA IdentitaetsCheck"},
};

constexpr std::array interest_table{
    interest_info{interest::credit_application, "CREDIT_APPLICATION", "credit or instalment application"},
    interest_info{
        interest::contract_initiation,
        "CONTRACT_INITIATION",
        "new contract with advance performance (invoice, SEPA direct debit, subscription)"},
    interest_info{
        interest::existing_relationship_review,
        "EXISTING_RELATIONSHIP_REVIEW",
        "credit-limit review of an existing customer"},
    interest_info{
        interest::receivable_collection, "RECEIVABLE_COLLECTION", "overdue receivable (dunning, collection)"},
    interest_info{
        interest::identity_age_verification, "IDENTITY_AGE_VERIFICATION", "fraud prevention or age check"},
    interest_info{interest::monitoring, "MONITORING", "follow-up monitoring of an active relationship"},
};

std::string allowed_products(interest i) {
    std::string out;
    for (const auto& p : product_table) {
        if (allows(i, p.which)) {
            out += out.empty() ? "" : ", ";
            out += p.cli_name;
        }
    }
    return out.empty() ? "monitoring subscriptions only" : out;
}

}  // namespace

std::span<const product_info> products() noexcept { return product_table; }
std::span<const interest_info> interests() noexcept { return interest_table; }

const product_info& info(product p) noexcept { return product_table[static_cast<std::size_t>(p)]; }
const interest_info& info(interest i) noexcept { return interest_table[static_cast<std::size_t>(i)]; }

std::optional<product> product_from_cli(std::string_view name) noexcept {
    for (const auto& p : product_table) {
        if (p.cli_name == name) {
            return p.which;
        }
    }
    return std::nullopt;
}

std::optional<product> product_from_wire(std::string_view code) noexcept {
    for (const auto& p : product_table) {
        if (p.wire_code == code) {
            return p.which;
        }
    }
    return std::nullopt;
}

std::optional<interest> interest_from_code(std::string_view code) noexcept {
    for (const auto& i : interest_table) {
        if (i.code == code) {
            return i.which;
        }
    }
    return std::nullopt;
}

bool allows(interest i, product p) noexcept {
    switch (i) {
        case interest::credit_application:
        case interest::existing_relationship_review:
            return p != product::identity;
        case interest::contract_initiation:
            return true;
        case interest::receivable_collection:
            return p == product::b2b_short || p == product::b2b_compact || p == product::b2c;
        case interest::identity_age_verification:
            return p == product::identity;
        case interest::monitoring:
            return false;
    }
    return false;
}

std::string interest_code_list() {
    std::string out;
    for (const auto& i : interest_table) {
        out += "  " + std::string(i.code) + "  " + std::string(i.meaning) + " (" + allowed_products(i.which) +
               ")\n";
    }
    return out;
}

std::string check_request_basis(std::string_view product_name, std::string_view interest_code) {
    const auto p = product_from_cli(product_name);
    if (!p) {
        std::string names;
        for (const auto& each : product_table) {
            names += names.empty() ? "" : "|";
            names += each.cli_name;
        }
        return "unknown product '" + std::string(product_name) + "': use one of " + names;
    }
    if (interest_code.empty()) {
        return "no legitimate interest given: every SCHUFA request needs --interest CODE (the GDPR basis of "
               "the request); valid codes:\n" +
               interest_code_list();
    }
    const auto i = interest_from_code(interest_code);
    if (!i) {
        return "unknown legitimate-interest code '" + std::string(interest_code) + "'; valid codes:\n" +
               interest_code_list();
    }
    if (!allows(*i, *p)) {
        return "legitimate interest " + std::string(interest_code) + " does not allow the product " +
               std::string(product_name) + "; valid codes:\n" + interest_code_list();
    }
    return {};
}

}  // namespace fakturad::schufa
