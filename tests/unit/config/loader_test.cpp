// Good configs, defaults, path resolution, secrets, rendering, and the examples in config/examples.
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fakturad::config::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const fs::path source_dir(FAKTURAD_SOURCE_DIR);

const char* const jwt_config = R"(salesforce:
  instance_url: https://example.my.salesforce.com
  auth:
    flow: jwt_bearer
    client_id: 3MVG9-consumer-key
    username: integration@example.com
    private_key_file: keys/sf.pem
)";

TEST(ConfigDefaults, EmptyFileGivesEveryDefault) {
    scratch_dir dir;
    const auto r = load_string("", "fakturad.yaml", dir.path(), env_of({}));
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    const settings& s = *r.config;
    EXPECT_EQ(s.source_file, dir.path() / "fakturad.yaml");
    EXPECT_EQ(s.instance.name, "fakturad");
    EXPECT_EQ(s.instance.time_zone, "Europe/Berlin");
    EXPECT_EQ(s.log.level, log_level::info);
    EXPECT_EQ(s.log.format, log_settings::format_kind::text);
    EXPECT_EQ(s.daemon.worker_threads, 2U);
    EXPECT_EQ(s.daemon.shutdown_grace, 20s);
    EXPECT_EQ(s.store.backend, store_settings::backend_kind::sqlite);
    EXPECT_EQ(s.store.path, dir.path() / "fakturad.sqlite");
    EXPECT_EQ(s.store.busy_timeout, 5s);
    EXPECT_TRUE(s.store.synchronous_full);
    EXPECT_EQ(s.control.socket, dir.path() / "fakturad.sock");
    EXPECT_EQ(s.control.socket_mode, 0660U);
    EXPECT_FALSE(s.control.http_listen.has_value());
    EXPECT_EQ(s.control.request_timeout, 10s);
    EXPECT_FALSE(s.salesforce.has_value());
    EXPECT_TRUE(s.mappings.empty());
}

TEST(ConfigDefaults, SalesforceDefaultsApplyWhenTheSectionIsPresent) {
    scratch_dir dir;
    write_text(dir.path() / "keys/sf.pem", "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n");
    const auto r = load_string(jwt_config, "fakturad.yaml", dir.path(), env_of({}));
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    const auto& sf = r.config->salesforce.value();
    EXPECT_EQ(sf.instance_url, "https://example.my.salesforce.com");
    EXPECT_EQ(sf.login_url, "https://login.salesforce.com");
    EXPECT_EQ(sf.api_version, "62.0");
    EXPECT_EQ(sf.auth.flow, salesforce_auth_settings::flow_kind::jwt_bearer);
    EXPECT_EQ(sf.auth.client_id, "3MVG9-consumer-key");
    EXPECT_EQ(sf.auth.username, "integration@example.com");
    EXPECT_FALSE(sf.auth.client_secret.has_value());
    EXPECT_FALSE(sf.ca_file.has_value());
    EXPECT_EQ(sf.request_timeout, 30s);
    EXPECT_EQ(sf.api_share_limit_bp, 5000U);
}

TEST(ConfigDefaults, EmptySalesforceSectionMeansNoSalesforce) {
    scratch_dir dir;
    const auto r = load_string(
        "salesforce:\n  # instance_url: https://x.my.salesforce.com\n", "f.yaml", dir.path(), env_of({})
    );
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    EXPECT_FALSE(r.config->salesforce.has_value());
}

TEST(ConfigValues, ExplicitValuesAreTaken) {
    scratch_dir dir;
    write_text(dir.path() / "ca.pem", "ca");
    const auto r = load_string(
        R"(instance: {name: billing-eu.1, time_zone: America/New_York}
log: {level: debug, format: json}
daemon: {worker_threads: 64, shutdown_grace: 1m30s}
store: {backend: sqlite, path: /var/lib/fakturad/db.sqlite, busy_timeout: 250ms, synchronous: normal}
control: {socket: run/ctl.sock, socket_mode: "0600", http_listen: "[::1]:8080", request_timeout: 2s}
salesforce:
  instance_url: http://127.0.0.1:8443/
  login_url: http://localhost:8443
  api_version: "50.0"
  ca_file: ca.pem
  request_timeout: 1h
  api_share_limit: 12.5%
  auth: {flow: client_credentials, client_id: abc, client_secret_env: SF_SECRET}
)",
        "f.yaml",
        dir.path(),
        env_of({{"SF_SECRET", "s3cr3t"}})
    );
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    const settings& s = *r.config;
    EXPECT_EQ(s.instance.name, "billing-eu.1");
    EXPECT_EQ(s.instance.time_zone, "America/New_York");
    EXPECT_EQ(s.log.level, log_level::debug);
    EXPECT_EQ(s.log.format, log_settings::format_kind::json);
    EXPECT_EQ(s.daemon.worker_threads, 64U);
    EXPECT_EQ(s.daemon.shutdown_grace, 90s);
    EXPECT_EQ(s.store.path, fs::path("/var/lib/fakturad/db.sqlite"));
    EXPECT_EQ(s.store.busy_timeout, 250ms);
    EXPECT_FALSE(s.store.synchronous_full);
    EXPECT_EQ(s.control.socket, dir.path() / "run/ctl.sock");
    EXPECT_EQ(s.control.socket_mode, 0600U);
    ASSERT_TRUE(s.control.http_listen.has_value());
    EXPECT_EQ(s.control.http_listen->host, "::1");
    EXPECT_EQ(s.control.http_listen->port, 8080);
    EXPECT_EQ(s.control.request_timeout, 2s);
    const auto& sf = s.salesforce.value();
    EXPECT_EQ(sf.instance_url, "http://127.0.0.1:8443");  // trailing slash dropped
    EXPECT_EQ(sf.login_url, "http://localhost:8443");
    EXPECT_EQ(sf.api_version, "50.0");
    EXPECT_EQ(sf.ca_file, dir.path() / "ca.pem");
    EXPECT_EQ(sf.request_timeout, 1h);
    EXPECT_EQ(sf.api_share_limit_bp, 1250U);
    EXPECT_EQ(sf.auth.flow, salesforce_auth_settings::flow_kind::client_credentials);
    ASSERT_TRUE(sf.auth.client_secret.has_value());
    EXPECT_EQ(sf.auth.client_secret->value.expose(), "s3cr3t");
    EXPECT_EQ(sf.auth.client_secret->source.from, secret_source::kind::env);
    EXPECT_EQ(sf.auth.client_secret->source.name, "SF_SECRET");
    EXPECT_FALSE(sf.auth.private_key.has_value());
}

TEST(ConfigValues, LoopbackListenersAndPortZeroAreAccepted) {
    scratch_dir dir;
    for (const char* listen : {"127.0.0.1:0", "127.3.2.1:65535", "localhost:9000", "\"[::1]:0\""}) {
        const auto r = load_string(
            std::string("control:\n  http_listen: ") + listen + "\n", "f.yaml", dir.path(), env_of({})
        );
        EXPECT_TRUE(r.ok()) << listen << ": " << ::testing::PrintToString(messages(r));
    }
}

TEST(ConfigPaths, RelativePathsResolveAgainstTheConfigDirectory) {
    scratch_dir dir;
    const fs::path config = dir.path() / "etc/fakturad.yaml";
    write_text(dir.path() / "etc/mappings/plans.yaml", "plans: []\n");
    write_text(
        config,
        "store:\n  path: ../state/fakturad.sqlite\ncontrol:\n  socket: /run/fakturad/control.sock\n"
        "mappings:\n  - mappings/plans.yaml\n"
    );
    const auto r = load_file(config, env_of({}));
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    EXPECT_EQ(r.config->source_file, config);
    EXPECT_EQ(r.config->store.path, dir.path() / "state/fakturad.sqlite");
    EXPECT_EQ(r.config->control.socket, fs::path("/run/fakturad/control.sock"));
    ASSERT_EQ(r.config->mappings.size(), 1U);
    EXPECT_EQ(r.config->mappings[0].path, dir.path() / "etc/mappings/plans.yaml");
}

TEST(ConfigPaths, LoadFileNamesTheFileAsPassed) {
    scratch_dir dir;
    write_text(dir.path() / "demo.yaml", "store:\n  pth: x\n");
    // A relative spelling of the same file, as an operator would type it.
    const fs::path relative = fs::relative(dir.path() / "demo.yaml", fs::current_path());
    const auto r = load_file(relative, env_of({}));
    EXPECT_THAT(
        messages(r), ElementsAre(relative.string() + ":2:3: store.pth: unknown key; did you mean 'path'?")
    );
    EXPECT_EQ(r.errors.at(0).file, relative.string());
}

TEST(ConfigPaths, MissingConfigFileIsReportedWithoutPosition) {
    scratch_dir dir;
    const fs::path missing = dir.path() / "nope.yaml";
    const auto r = load_file(missing, env_of({}));
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(
        messages(r), ElementsAre(missing.string() + ": cannot read config file: No such file or directory")
    );
    EXPECT_EQ(r.errors.at(0).line, 0);
}

TEST(ConfigSecrets, FromFileStripsOneTrailingNewline) {
    scratch_dir dir;
    write_text(dir.path() / "keys/sf.pem", "line1\nline2\n\n");
    const auto r = load_string(jwt_config, "fakturad.yaml", dir.path(), env_of({}));
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    const auto& key = r.config->salesforce->auth.private_key.value();
    EXPECT_EQ(key.value.expose(), "line1\nline2\n");
    EXPECT_EQ(key.source.from, secret_source::kind::file);
    EXPECT_EQ(key.source.name, "keys/sf.pem");
    EXPECT_EQ(to_string(key.source), "file keys/sf.pem");
}

TEST(ConfigSecrets, FromEnvironment) {
    scratch_dir dir;
    const auto r = load_string(
        "salesforce:\n  instance_url: https://x.my.salesforce.com\n  auth:\n    flow: jwt_bearer\n"
        "    client_id: id\n    username: u@example.com\n    private_key_env: SF_KEY\n",
        "f.yaml",
        dir.path(),
        env_of({{"SF_KEY", "pem-from-env"}})
    );
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    const auto& key = r.config->salesforce->auth.private_key.value();
    EXPECT_EQ(key.value.expose(), "pem-from-env");
    EXPECT_EQ(to_string(key.source), "env SF_KEY");
}

TEST(ConfigSecrets, FromSystemdCredential) {
    scratch_dir dir;
    write_text(dir.path() / "credentials/salesforce-key", "pem-from-credential\n");
    const auto r = load_string(
        "salesforce:\n  instance_url: https://x.my.salesforce.com\n  auth:\n    flow: jwt_bearer\n"
        "    client_id: id\n    username: u@example.com\n    private_key_credential: salesforce-key\n",
        "f.yaml",
        dir.path(),
        env_of({{"CREDENTIALS_DIRECTORY", (dir.path() / "credentials").string()}})
    );
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    const auto& key = r.config->salesforce->auth.private_key.value();
    EXPECT_EQ(key.value.expose(), "pem-from-credential");
    EXPECT_EQ(to_string(key.source), "credential salesforce-key");
}

TEST(ConfigSecrets, EmptySecretFileIsAnError) {
    scratch_dir dir;
    write_text(dir.path() / "keys/sf.pem", "\n");
    const auto r = load_string(jwt_config, "demo.yaml", dir.path(), env_of({}));
    EXPECT_THAT(
        messages(r),
        ElementsAre("demo.yaml:7:5: salesforce.auth.private_key_file: secret is empty: keys/sf.pem")
    );
}

TEST(ConfigSecrets, UnreadableSecretFileGivesTheSystemReason) {
    scratch_dir dir;
    fs::create_directories(dir.path() / "keys/sf.pem");  // a directory: open works, read fails
    const auto r = load_string(jwt_config, "demo.yaml", dir.path(), env_of({}));
    EXPECT_THAT(
        messages(r),
        ElementsAre("demo.yaml:7:5: salesforce.auth.private_key_file: cannot read keys/sf.pem: Is a directory"
        )
    );
}

TEST(ConfigRender, ShowsDefaultsAndRedactsSecrets) {
    scratch_dir dir;
    write_text(dir.path() / "keys/sf.pem", "TOP-SECRET-KEY-MATERIAL\n");
    const auto r = load_string(jwt_config, "fakturad.yaml", dir.path(), env_of({}));
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    const std::string out = render_effective(*r.config);
    EXPECT_THAT(out, Not(HasSubstr("TOP-SECRET")));
    EXPECT_THAT(out, HasSubstr("    private_key: \"*** (from file keys/sf.pem)\"\n"));
    EXPECT_THAT(out, HasSubstr("  busy_timeout: 5s\n"));
    EXPECT_THAT(out, HasSubstr("  socket_mode: \"0660\"\n"));
    EXPECT_THAT(out, HasSubstr("  api_version: \"62.0\"\n"));
    EXPECT_THAT(out, HasSubstr("  api_share_limit: 50%\n"));
    EXPECT_THAT(out, HasSubstr("  path: " + (dir.path() / "fakturad.sqlite").string() + "\n"));
    EXPECT_THAT(out, HasSubstr("  http_listen: ~\n"));
    EXPECT_THAT(out, HasSubstr("mappings: []\n"));
}

TEST(ConfigRender, OutputWithoutSecretsLoadsBackToTheSameSettings) {
    scratch_dir dir;
    write_text(dir.path() / "m/a.yaml", "a: 1\n");
    const auto first = load_string(
        "log: {level: warn}\ncontrol: {http_listen: \"[::1]:0\", socket_mode: \"0600\"}\nmappings: "
        "[m/a.yaml]\n",
        "f.yaml",
        dir.path(),
        env_of({})
    );
    ASSERT_TRUE(first.ok()) << ::testing::PrintToString(messages(first));
    const std::string rendered = render_effective(*first.config);
    const auto second = load_string(rendered, "f.yaml", dir.path(), env_of({}));
    ASSERT_TRUE(second.ok()) << rendered << ::testing::PrintToString(messages(second));
    EXPECT_EQ(render_effective(*second.config), rendered);
    EXPECT_EQ(second.config->control.socket_mode, 0600U);
    EXPECT_EQ(second.config->control.http_listen->host, "::1");
}

TEST(ConfigDiagnostic, Formats) {
    EXPECT_EQ((diagnostic{"a.yaml", 3, 5, "store.path", "bad"}.to_string()), "a.yaml:3:5: store.path: bad");
    EXPECT_EQ((diagnostic{"a.yaml", 3, 5, "", "bad"}.to_string()), "a.yaml:3:5: bad");
    EXPECT_EQ((diagnostic{"a.yaml", 0, 0, "", "bad"}.to_string()), "a.yaml: bad");
}

TEST(ConfigEnvironment, ProcessReadsTheRealEnvironment) {
    const auto env = environment::process();
    EXPECT_TRUE(env.get("PATH").has_value());
    EXPECT_FALSE(env.get("FAKTURAD_TEST_SURELY_UNSET_VARIABLE").has_value());
}

TEST(ConfigExamples, DemoLoads) {
    const fs::path demo = source_dir / "config/examples/demo.yaml";
    const auto r = load_file(demo, env_of({{"FAKTURAD_DEMO_SF_SECRET", "fakturad-demo-consumer-secret"}}));
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    EXPECT_EQ(r.config->store.path, source_dir / "demo-state/fakturad.sqlite");
    ASSERT_TRUE(r.config->billing.has_value());
    EXPECT_EQ(r.config->billing->schedule, "0 2 1 * *");
    EXPECT_EQ(r.config->mappings.size(), 5u);
    EXPECT_EQ(r.config->control.socket, source_dir / "demo-state/fakturad.sock");
    ASSERT_TRUE(r.config->control.http_listen.has_value());
    EXPECT_EQ(r.config->control.http_listen->port, 0);
    ASSERT_TRUE(r.config->salesforce.has_value());
    EXPECT_EQ(r.config->salesforce->instance_url, "http://127.0.0.1:47011");
}

TEST(ConfigExamples, ProductionExampleLoadsWithItsCredential) {
    scratch_dir dir;
    write_text(dir.path() / "salesforce-key", "-----BEGIN PRIVATE KEY-----\n");
    const auto r = load_file(
        source_dir / "config/examples/fakturad.yaml", env_of({{"CREDENTIALS_DIRECTORY", dir.path().string()}})
    );
    ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
    EXPECT_EQ(r.config->store.path, fs::path("/var/lib/fakturad/fakturad.sqlite"));
    EXPECT_EQ(r.config->control.socket, fs::path("/run/fakturad/control.sock"));
    const auto& sf = r.config->salesforce.value();
    EXPECT_EQ(sf.auth.flow, salesforce_auth_settings::flow_kind::jwt_bearer);
    EXPECT_EQ(to_string(sf.auth.private_key.value().source), "credential salesforce-key");
}

}  // namespace
}  // namespace fakturad::config::test
