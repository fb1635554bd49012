#include "change_backlog.hpp"

namespace fakturad::daemon {

bool change_backlog::add(const salesforce::change_event& event) {
    if (event.own_write) {
        return false;  // fakturad's own write-back: nothing to re-read
    }
    const auto* header = event.payload.if_contains("ChangeEventHeader");
    const auto* entity =
        header != nullptr && header->is_object() ? header->as_object().if_contains("entityName") : nullptr;
    if (entity == nullptr || !entity->is_string() || entity->as_string().empty()) {
        return false;
    }
    const std::string object(entity->as_string());
    if (event.kind == salesforce::change_kind::overflow) {
        polls_.insert(object);
        return true;
    }
    const auto* ids = header->as_object().if_contains("recordIds");
    if (ids == nullptr || !ids->is_array()) {
        return false;
    }
    bool any = false;
    for (const auto& id : ids->as_array()) {
        // A wildcard ("001*", some field type conversions) names every record of the object.
        if (id.is_string() && id.as_string().ends_with("*")) {
            polls_.insert(object);
            any = true;
        } else if (id.is_string() && !id.as_string().empty()) {
            ids_[object].insert(std::string(id.as_string()));
            any = true;
        }
    }
    return any;
}

void change_backlog::poll_everything() { poll_everything_ = true; }

void change_backlog::merge(const change_backlog& other) {
    for (const auto& [object, ids] : other.ids_) {
        ids_[object].insert(ids.begin(), ids.end());
    }
    polls_.insert(other.polls_.begin(), other.polls_.end());
    poll_everything_ = poll_everything_ || other.poll_everything_;
}

}  // namespace fakturad::daemon
