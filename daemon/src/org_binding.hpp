#pragma once
// Loading the mapping files and binding them to the org: read the files, parse them, describe every object
// they name (following relationships until nothing is missing), bind. Used by the daemon at start and by
// `fakturactl mapping check` / `mapping preview`.

#include "fakturad/mapping/bound_mapping.hpp"

#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::salesforce {
class client;
}

namespace fakturad::daemon {

struct binding_result {
    std::optional<mapping::bound_set> set;  // set iff problems is empty and the org was reachable
    mapping::org_schema schema;
    // Every problem: "file:line:column: path: message (Salesforce field X)", or a connection problem.
    std::vector<std::string> problems;
    bool org_unreachable = false;  // a call failed for another reason than an unknown object
    // A digest (content_digest: 32 hex digits) of each mapping file's text, by its path as the mappings'
    // locations name it: the sync reads every record of a mapping again when its file changed (sync_job.hpp).
    std::map<std::string, std::string> file_digests;
};

// Reads the files (problems name the unreadable ones), parses, describes and binds.
boost::asio::awaitable<binding_result> bind_mapping_files(
    salesforce::client& sf, std::vector<std::filesystem::path> files
);

}  // namespace fakturad::daemon
