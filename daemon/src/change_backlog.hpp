#pragma once
// What the change events received since the last sync pass ask the sync to re-read (reference §5.5, §5.6):
//   - regular events (CREATE, UPDATE, DELETE, UNDELETE) and gap events (GAP_*: the change is named, its
//     fields are not) give record ids per object, which the sync re-reads by id;
//   - overflow events (GAP_OVERFLOW: a transaction beyond Salesforce's change threshold) name only the
//     object, so that object is polled from its cursor;
//   - a replay id no longer retained means events were lost unseen: every object is polled.
// Events caused by fakturad's own writes ask for nothing.  The sync loop takes the backlog, works it off,
// and merges it back when that failed, so nothing an event announced is dropped.  Pure: no I/O.

#include "fakturad/salesforce/cometd.hpp"

#include <map>
#include <set>
#include <string>

namespace fakturad::daemon {

class change_backlog {
public:
    // Notes what `event` asks for; returns false when it asks for nothing (an own write, or no entity).
    bool add(const salesforce::change_event& event);

    // Every object is to be polled (events were lost, e.g. the replay id expired).
    void poll_everything();

    // Adds what `other` holds (a backlog that could not be worked off).
    void merge(const change_backlog& other);

    [[nodiscard]] bool empty() const { return ids_.empty() && polls_.empty() && !poll_everything_; }

    // Object -> record ids to re-read.
    [[nodiscard]] const std::map<std::string, std::set<std::string>>& ids() const { return ids_; }
    // Objects to poll (from overflow events); empty when every object is to be polled.
    [[nodiscard]] const std::set<std::string>& polls() const { return polls_; }
    [[nodiscard]] bool polls_everything() const { return poll_everything_; }

private:
    std::map<std::string, std::set<std::string>> ids_;
    std::set<std::string> polls_;
    bool poll_everything_ = false;
};

}  // namespace fakturad::daemon
