#include "fakturad/core/metrics.hpp"

#include <stdexcept>

namespace fakturad {
namespace {

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
void append_label_value(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
}

void append_help(std::string& out, std::string_view help) {
    for (char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
}

}  // namespace

metrics_registry::family& metrics_registry::family_for(
    std::string_view name, std::string_view help, kind type
) {
    auto it = families_.find(name);
    if (it == families_.end()) {
        it = families_.emplace(std::string(name), family{type, std::string(help), {}}).first;
    } else if (it->second.type != type || it->second.help != help) {
        // Two components disagreeing about a metric would produce an invalid exposition.
        throw std::logic_error("metric registered twice with a different type or help: " + std::string(name));
    }
    return it->second;
}

counter_metric& metrics_registry::counter(
    std::string_view name, std::string_view help, metric_labels labels
) {
    std::lock_guard lock(mutex_);
    auto& fam = family_for(name, help, kind::counter);
    auto [it, inserted] = fam.series.try_emplace(std::move(labels), counters_.size());
    if (inserted) {
        counters_.emplace_back();
    }
    return counters_[it->second];
}

gauge_metric& metrics_registry::gauge(std::string_view name, std::string_view help, metric_labels labels) {
    std::lock_guard lock(mutex_);
    auto& fam = family_for(name, help, kind::gauge);
    auto [it, inserted] = fam.series.try_emplace(std::move(labels), gauges_.size());
    if (inserted) {
        gauges_.emplace_back();
    }
    return gauges_[it->second];
}

std::string metrics_registry::render_prometheus() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, fam] : families_) {
        out += "# HELP " + name + " ";
        append_help(out, fam.help);
        out += "\n# TYPE " + name + (fam.type == kind::counter ? " counter\n" : " gauge\n");
        for (const auto& [labels, index] : fam.series) {
            out += name;
            if (!labels.empty()) {
                out += '{';
                bool first = true;
                for (const auto& [k, v] : labels) {
                    if (!first) {
                        out += ',';
                    }
                    first = false;
                    out += k + "=\"";
                    append_label_value(out, v);
                    out += '"';
                }
                out += '}';
            }
            out += ' ';
            out += fam.type == kind::counter ? std::to_string(counters_[index].value())
                                             : std::to_string(gauges_[index].value());
            out += '\n';
        }
    }
    return out;
}

}  // namespace fakturad
