#include "salesforce_setup.hpp"

#include <algorithm>

namespace fakturad::daemon {

salesforce::client_options salesforce_client_options(const config::salesforce_settings& sf) {
    salesforce::client_options options;
    const std::string token_url = sf.login_url + "/services/oauth2/token";
    if (sf.auth.flow == config::salesforce_auth_settings::flow_kind::jwt_bearer) {
        salesforce::jwt_bearer_credentials c;
        c.token_url = token_url;
        c.consumer_key = sf.auth.client_id;
        c.username = sf.auth.username;
        c.audience = sf.login_url;
        c.private_key_pem = secret<std::string>(sf.auth.private_key->value.expose());
        options.credentials = std::move(c);
    } else {
        salesforce::client_credentials c;
        c.token_url = token_url;
        c.client_id = sf.auth.client_id;
        c.client_secret = secret<std::string>(sf.auth.client_secret->value.expose());
        options.credentials = std::move(c);
    }
    options.api_version = "v" + sf.api_version;
    options.call_timeout = sf.request_timeout;
    options.max_api_share = static_cast<double>(sf.api_share_limit_bp) / 10000.0;
    // Query pages no larger than a sync batch (Salesforce takes 200..2000): a batch is whole pages.
    options.query_batch_size = static_cast<unsigned>(std::clamp<std::size_t>(sf.sync_batch_rows, 200, 2000));
    return options;
}

}  // namespace fakturad::daemon
