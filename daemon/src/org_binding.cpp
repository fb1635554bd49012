#include "org_binding.hpp"

#include "fakturad/core/content_digest.hpp"
#include "fakturad/salesforce/client.hpp"

#include <boost/json/serialize.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace fakturad::daemon {

boost::asio::awaitable<binding_result> bind_mapping_files(
    salesforce::client& sf, std::vector<std::filesystem::path> files
) {
    binding_result out;
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            out.problems.push_back(path.string() + ": cannot read the mapping file");
            continue;
        }
        std::ostringstream text;
        text << in.rdbuf();
        out.file_digests[path.string()] = content_digest(text.str());
        texts.emplace_back(path.string(), text.str());
    }
    if (!out.problems.empty()) {
        co_return out;
    }
    auto parsed = mapping::parse_mappings(texts);
    if (!parsed.ok()) {
        for (const auto& p : parsed.problems) {
            out.problems.push_back(p.to_string());
        }
        co_return out;
    }
    // Describe until every object a path passes through is known; objects the org does not have stay
    // unknown and bind() reports them where the mapping names them.
    std::set<std::string> unknown;
    for (;;) {
        auto missing = mapping::objects_to_describe(*parsed.set, out.schema);
        std::erase_if(missing, [&unknown](const std::string& name) { return unknown.count(name) != 0; });
        if (missing.empty()) {
            break;
        }
        for (const auto& name : missing) {
            auto call = sf.describe(name);
            auto described = co_await std::move(call);
            if (!described) {
                if (described.error().code == salesforce::errc::not_found) {
                    unknown.insert(name);
                    continue;
                }
                out.org_unreachable = true;
                out.problems.push_back("describe " + name + ": " + described.error().describe());
                co_return out;
            }
            auto schema = mapping::parse_describe(boost::json::serialize(*described));
            if (auto* problem = std::get_if<std::string>(&schema)) {
                out.org_unreachable = true;
                out.problems.push_back("describe " + name + ": " + *problem);
                co_return out;
            }
            out.schema.add(std::get<mapping::object_schema>(std::move(schema)));
        }
    }
    auto bound = mapping::bind(*parsed.set, out.schema);
    for (const auto& p : bound.problems) {
        out.problems.push_back(p.to_string());
    }
    if (bound.ok()) {
        out.set = std::move(bound.set);
    }
    co_return out;
}

}  // namespace fakturad::daemon
