#include "ctl_tax_rules.hpp"

#include "fakturad/billing/tax/tax_rules_yaml.hpp"

#include <cerrno>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <system_error>

namespace fakturad::daemon {

std::optional<billing::tax::tax_rules_resolver> load_tax_rules(
    const std::vector<std::string>& specs, std::ostream& err
) {
    std::map<std::string, billing::tax::tax_rules, std::less<>> rules;
    bool ok = true;
    for (const auto& spec : specs) {
        const auto eq = spec.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
            err << "fakturactl: --tax-rules " << spec
                << ": expected LEGAL_ENTITY=FILE, e.g. --tax-rules DE01=tax-rules.yaml\n";
            ok = false;
            continue;
        }
        const std::string code = spec.substr(0, eq);
        const std::string file = spec.substr(eq + 1);
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            err << "fakturactl: cannot read " << file << ": " << std::generic_category().message(errno)
                << "\n";
            ok = false;
            continue;
        }
        std::ostringstream text;
        text << in.rdbuf();
        auto parsed = billing::tax::parse_tax_rules(text.str());
        if (!parsed.ok()) {
            for (const auto& e : parsed.errors) {
                err << e.to_string(file) << "\n";
            }
            ok = false;
            continue;
        }
        if (!rules.emplace(code, std::move(*parsed.rules)).second) {
            err << "fakturactl: --tax-rules " << code << " is given twice\n";
            ok = false;
        }
    }
    if (!ok) {
        return std::nullopt;
    }
    return billing::tax::tax_rules_resolver(std::move(rules));
}

}  // namespace fakturad::daemon
