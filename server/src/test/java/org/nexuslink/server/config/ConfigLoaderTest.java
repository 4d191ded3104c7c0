// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.server.storage.DatabaseUrl;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Config load(String toml, Map<String, String> env) throws IOException {
        Path file = null;
        if (toml != null) {
            file = dir.resolve("nexuslink-server.toml");
            Files.writeString(file, toml);
        }
        return ConfigLoader.load(file, env, Map.of());
    }

    private ConfigException failure(String toml, Map<String, String> env) {
        return (ConfigException) assertThatThrownBy(() -> load(toml, env))
                .isInstanceOf(ConfigException.class)
                .actual();
    }

    @Test
    void needs_no_file_and_defaults_to_a_community_on_sqlite_under_the_data_dir_at_port_8080() throws IOException {
        Config config = load(null, Map.of());

        assertThat(config.server().role()).isEqualTo(Config.Role.COMMUNITY);
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.server().transport()).isInstanceOf(Config.Transport.Plain.class);
        assertThat(config.database().url()).isEqualTo(new DatabaseUrl.Sqlite(Path.of("data", "nexuslink.db")));
        assertThat(config.database().maxConnections()).isEqualTo(20);
        assertThat(config.database().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.redis().enabled()).isFalse();
        assertThat(config.redis().channelPrefix()).isEqualTo("nexuslink");
        assertThat(config.community().maxMembers()).isEqualTo(10_000);
        assertThat(config.community().maxDevices()).isEqualTo(5);
        assertThat(config.community().storageLimitBytes()).isEqualTo(53_687_091_200L);
        assertThat(config.community().messageTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(config.community().revokeWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.community().admin()).isEmpty();
        assertThat(config.rateLimit()).isEqualTo(new Config.RateLimit(50, 10, 20));
        assertThat(config.limits()).isEqualTo(Config.Limits.DEFAULT);
        assertThat(config.limits()).isEqualTo(new Config.Limits(10_000, 256L << 20, 30, Duration.ofSeconds(30), 256));
        assertThat(config.server().serverKeyFile()).isEqualTo(Path.of("data", "server.key"));
        assertThat(config.server().metrics()).isEqualTo(Config.Metrics.DEFAULT);
        assertThat(config.logging().level()).isEqualTo("info");
        assertThat(config.logging().filePath()).isEmpty();
    }

    @Test
    void reads_every_table_of_the_seed_file() throws IOException {
        String admin = AccountIdentity.generate().accountId().toString();
        Config config = load("""
                [server]
                role = "directory"
                bind_address = "127.0.0.1"
                port = 9443
                data_dir = "/var/lib/nexuslink"
                key_file = "/etc/nexuslink/server.key"
                metrics_port = 9100
                metrics_public = true

                [database]
                url = "postgres://nexuslink:password@localhost:5432/nexuslink"
                max_connections = 7
                connect_timeout = 3

                [redis]
                url = "redis://localhost:6380"
                enabled = true

                [community]
                name = "Hackers"
                admin_uuid = "%s"
                max_members = 50
                max_devices = 3
                storage_limit = 1073741824
                message_ttl = 3600

                [directory]
                url = "https://directory.example"
                token = "registration-token"

                [push]
                fcm_key = "k"
                apns_cert = "c"
                apns_key_id = "i"
                apns_team_id = "t"

                [rate_limit]
                requests_per_second = 5
                ws_messages_per_second = 6
                upload_per_minute = 7

                [limits]
                queue_entries_per_device = 8
                queue_bytes_per_device = "1MiB"
                prekey_fetches_per_hour = 9
                http_idle_timeout = 11
                connections_per_ip = 12

                [logging]
                level = "debug"
                format = "json"
                file = "/tmp/nexuslink.log"
                """.formatted(admin), Map.of());

        assertThat(config.server())
                .isEqualTo(new Config.Server(
                        Config.Role.DIRECTORY,
                        "127.0.0.1",
                        9443,
                        new Config.Transport.Plain(),
                        Path.of("/var/lib/nexuslink"),
                        Optional.of(Path.of("/etc/nexuslink/server.key")),
                        new Config.Metrics(OptionalInt.of(9100), true)));
        assertThat(config.database().url()).isInstanceOf(DatabaseUrl.Postgres.class);
        assertThat(config.database().maxConnections()).isEqualTo(7);
        assertThat(config.redis().enabled()).isTrue();
        assertThat(config.redis().url().getPort()).isEqualTo(6380);
        assertThat(config.community().name()).isEqualTo("Hackers");
        assertThat(config.community().admin()).contains(admin);
        assertThat(config.community().maxDevices()).isEqualTo(3);
        assertThat(config.community().storageLimitBytes()).isEqualTo(1L << 30);
        assertThat(config.community().messageTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.directory().token().value()).isEqualTo("registration-token");
        assertThat(config.push().apnsTeamId()).isEqualTo("t");
        assertThat(config.rateLimit()).isEqualTo(new Config.RateLimit(5, 6, 7));
        assertThat(config.limits()).isEqualTo(new Config.Limits(8, 1L << 20, 9, Duration.ofSeconds(11), 12));
        assertThat(config.logging())
                .isEqualTo(new Config.Logging("debug", Config.Logging.Format.JSON, "/tmp/nexuslink.log"));
    }

    @Test
    void environment_overrides_the_file_and_flags_override_the_environment() throws IOException {
        Path file = dir.resolve("c.toml");
        Files.writeString(file, "[server]\nport = 9000\n[rate_limit]\nupload_per_minute = 3\n");
        Map<String, String> env = Map.of(
                "NEXUSLINK_SERVER_PORT", "9001",
                "NEXUSLINK_RATE_LIMIT_UPLOAD_PER_MINUTE", "4",
                "NEXUSLINK_REDIS_ENABLED", "true");

        Config fromEnv = ConfigLoader.load(file, env, Map.of());
        Config fromFlag = ConfigLoader.load(file, env, Map.of(ConfigKey.SERVER_PORT, "9002"));

        assertThat(fromEnv.server().port()).isEqualTo(9001);
        assertThat(fromEnv.rateLimit().uploadPerMinute()).isEqualTo(4);
        assertThat(fromEnv.redis().enabled()).isTrue();
        assertThat(fromFlag.server().port()).isEqualTo(9002);
    }

    @Test
    void accepts_the_short_variable_names_of_the_seed_deployment() throws IOException {
        Config config = load(
                null,
                Map.of(
                        "NEXUSLINK_DB_URL", "postgres://u:p@db:5432/nexuslink",
                        "NEXUSLINK_MAX_MEMBERS", "10000",
                        "NEXUSLINK_STORAGE_LIMIT", "50GB",
                        "NEXUSLINK_REDIS_URL", "redis://redis:6379",
                        "NEXUSLINK_LOG_LEVEL", "warn"));

        assertThat(config.database().url()).isInstanceOf(DatabaseUrl.Postgres.class);
        assertThat(config.community().storageLimitBytes()).isEqualTo(50L << 30);
        assertThat(config.redis().url().getHost()).isEqualTo("redis");
        assertThat(config.logging().level()).isEqualTo("warn");
    }

    @Test
    void refuses_an_alias_and_its_canonical_variable_set_to_different_values() {
        ConfigException e =
                failure(null, Map.of("NEXUSLINK_DB_URL", "sqlite:a.db", "NEXUSLINK_DATABASE_URL", "sqlite:b.db"));
        assertThat(e.key()).isEqualTo("database.url");
        assertThat(e.getMessage()).contains("NEXUSLINK_DB_URL", "NEXUSLINK_DATABASE_URL");
    }

    @Test
    void resolves_a_relative_sqlite_path_against_the_data_dir() throws IOException {
        Config config =
                load(null, Map.of("NEXUSLINK_SERVER_DATA_DIR", "/srv/nl", "NEXUSLINK_DATABASE_URL", "sqlite:x/y.db"));
        assertThat(config.database().url()).isEqualTo(new DatabaseUrl.Sqlite(Path.of("/srv/nl/x/y.db")));
    }

    @Test
    void refuses_an_unknown_key_naming_it() {
        ConfigException e = failure("[server]\nprot = 80\n", Map.of());
        assertThat(e.key()).isEqualTo("server.prot");
        assertThat(e.getMessage()).contains("unknown key");
    }

    @Test
    void refuses_an_unknown_table_naming_it() {
        ConfigException e = failure("[sever]\nport = 80\n", Map.of());
        assertThat(e.key()).isEqualTo("sever");
        assertThat(e.getMessage()).contains("unknown table");
    }

    @Test
    void refuses_a_key_outside_any_table() {
        assertThat(failure("port = 80\n", Map.of()).key()).isEqualTo("port");
    }

    @Test
    void refuses_malformed_toml_naming_the_file_and_line() {
        ConfigException e = failure("[server]\nport = 80\nrole = \"community\n", Map.of());
        assertThat(e.key()).endsWith("nexuslink-server.toml");
        assertThat(e.getMessage()).contains("malformed TOML", "line 3");
    }

    @Test
    void refuses_a_duplicate_key_as_malformed_toml() {
        assertThat(failure("[server]\nport = 80\nport = 81\n", Map.of()).getMessage())
                .contains("malformed TOML");
    }

    @Test
    void refuses_a_missing_config_file() {
        ConfigException e = (ConfigException)
                assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.toml"), Map.of(), Map.of()))
                        .actual();
        assertThat(e.getMessage()).contains("absent.toml", "does not exist");
    }

    @Test
    void refuses_a_port_out_of_range() {
        ConfigException e = failure("[server]\nport = 70000\n", Map.of());
        assertThat(e.key()).isEqualTo("server.port");
        assertThat(e.getMessage()).contains("between 0 and 65535", "70000");
    }

    @Test
    void refuses_a_port_of_the_wrong_type_naming_its_source() {
        ConfigException fromFile = failure("[server]\nport = \"8080\"\n", Map.of());
        ConfigException fromEnv = failure(null, Map.of("NEXUSLINK_SERVER_PORT", "eighty"));

        assertThat(fromFile.getMessage()).contains("server.port", "expected an integer", "nexuslink-server.toml");
        assertThat(fromEnv.getMessage())
                .contains("server.port", "expected an integer", "'eighty'", "NEXUSLINK_SERVER_PORT");
    }

    @Test
    void refuses_an_unknown_role() {
        ConfigException e = failure("[server]\nrole = \"relay\"\n", Map.of());
        assertThat(e.key()).isEqualTo("server.role");
        assertThat(e.getMessage()).contains("unknown role 'relay'");
    }

    @Test
    void refuses_an_unreadable_tls_file() throws IOException {
        Path key = Files.writeString(dir.resolve("key.pem"), "x");
        ConfigException e = failure(
                "[server]\ntls_cert = \"" + dir.resolve("missing.pem") + "\"\ntls_key = \"" + key + "\"\n", Map.of());
        assertThat(e.key()).isEqualTo("server.tls_cert");
        assertThat(e.getMessage()).contains("missing.pem", "does not exist");
    }

    @Test
    void refuses_a_certificate_without_its_key() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        ConfigException e = failure("[server]\ntls_cert = \"" + cert + "\"\n", Map.of());
        assertThat(e.key()).isEqualTo("server.tls_key");
    }

    @Test
    void refuses_a_bad_database_url_without_echoing_its_password() {
        ConfigException e = failure("[database]\nurl = \"mysql://root:hunter2@db/x\"\n", Map.of());
        assertThat(e.key()).isEqualTo("database.url");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void refuses_a_secret_of_the_wrong_type_without_echoing_it() {
        ConfigException e = failure("[directory]\ntoken = 12345678\n", Map.of());
        assertThat(e.key()).isEqualTo("directory.token");
        assertThat(e.getMessage()).doesNotContain("12345678");
    }

    @Test
    void refuses_an_admin_that_is_not_an_account_id() {
        ConfigException e = failure("[community]\nadmin_uuid = \"nxl:your_uuid_here\"\n", Map.of());
        assertThat(e.key()).isEqualTo("community.admin_uuid");
        ConfigException smallOrder = failure("[community]\nadmin_uuid = \"nxl:" + "a".repeat(52) + "\"\n", Map.of());
        assertThat(smallOrder.getMessage()).contains("not an identity key");
    }

    @Test
    void refuses_bad_values_in_the_other_tables() {
        assertThat(failure("[redis]\nenabled = \"maybe\"\n", Map.of()).key()).isEqualTo("redis.enabled");
        assertThat(failure("[redis]\nurl = \"http://x\"\n", Map.of()).key()).isEqualTo("redis.url");
        assertThat(failure("[community]\nstorage_limit = \"lots\"\n", Map.of()).key())
                .isEqualTo("community.storage_limit");
        assertThat(failure("[community]\nmax_members = 0\n", Map.of()).key()).isEqualTo("community.max_members");
        assertThat(failure("[database]\nmax_connections = 0\n", Map.of()).key()).isEqualTo("database.max_connections");
        assertThat(failure("[logging]\nlevel = \"loud\"\n", Map.of()).key()).isEqualTo("logging.level");
        assertThat(failure("[logging]\nformat = \"xml\"\n", Map.of()).key()).isEqualTo("logging.format");
        assertThat(failure("[server]\nbind_address = \"\"\n", Map.of()).key()).isEqualTo("server.bind_address");
        assertThat(failure("[server]\nport = 1.5\n", Map.of()).key()).isEqualTo("server.port");
    }

    @Test
    void reads_the_revoke_window_in_seconds_from_the_file_or_the_environment() throws IOException {
        assertThat(load("[community]\nrevoke_window = 30\n", Map.of())
                        .community()
                        .revokeWindow())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(load("[community]\nrevoke_window = 30\n", Map.of("NEXUSLINK_COMMUNITY_REVOKE_WINDOW", "0"))
                        .community()
                        .revokeWindow())
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void refuses_a_revoke_window_that_is_negative_or_not_a_number_of_seconds() {
        ConfigException negative = failure("[community]\nrevoke_window = -1\n", Map.of());
        assertThat(negative.key()).isEqualTo("community.revoke_window");
        assertThat(negative.getMessage()).contains("must be between 0 and 31536000, got -1");
        ConfigException unit = failure(null, Map.of("NEXUSLINK_COMMUNITY_REVOKE_WINDOW", "2m"));
        assertThat(unit.key()).isEqualTo("community.revoke_window");
        assertThat(unit.getMessage()).contains("expected an integer").contains("NEXUSLINK_COMMUNITY_REVOKE_WINDOW");
    }

    @Test
    void reads_the_redis_channel_prefix_and_refuses_one_with_spaces() throws IOException {
        assertThat(load(null, Map.of("NEXUSLINK_REDIS_CHANNEL_PREFIX", "prod-eu:1"))
                        .redis()
                        .channelPrefix())
                .isEqualTo("prod-eu:1");
        ConfigException bad = failure("[redis]\nchannel_prefix = \"a b\"\n", Map.of());
        assertThat(bad.key()).isEqualTo("redis.channel_prefix");
        assertThat(bad.getMessage()).contains("'a b'");
        assertThat(failure("[redis]\nchannel_prefix = \"\"\n", Map.of()).key()).isEqualTo("redis.channel_prefix");
    }

    @Test
    void hides_secrets_when_printed() throws IOException {
        Config config = load(
                "[directory]\ntoken = \"sekrit-token\"\n[redis]\nurl = \"redis://:redispass@r:6379\"\n",
                Map.of("NEXUSLINK_DB_URL", "postgres://u:dbpass@h:5432/d"));
        assertThat(config.toString()).doesNotContain("sekrit-token", "redispass", "dbpass");
    }

    @Test
    void defaults_media_to_local_files_with_100_mib_files_and_1_gib_per_member() throws IOException {
        Config.Media media = load(null, Map.of()).media();

        assertThat(media.backend()).isEqualTo(new Config.Media.Backend.Local());
        assertThat(media.maxFileSize()).isEqualTo(100L << 20);
        assertThat(media.memberQuota()).isEqualTo(1L << 30);
        assertThat(media.orphanAfter()).isGreaterThan(media.uploadUrlTtl());
    }

    @Test
    void reads_an_s3_media_backend_without_showing_its_keys() throws IOException {
        Config config = load("""
                [media]
                backend = "s3"
                s3_endpoint = "http://127.0.0.1:9000"
                s3_bucket = "nexuslink"
                s3_access_key = "AKIAEXAMPLE"
                s3_secret_key = "sekrit-s3-key"
                s3_path_style = true
                max_file_size = "50MB"
                """, Map.of());

        Config.Media.Backend.S3 s3 = (Config.Media.Backend.S3) config.media().backend();
        assertThat(s3.endpoint()).contains(java.net.URI.create("http://127.0.0.1:9000"));
        assertThat(s3.bucket()).isEqualTo("nexuslink");
        assertThat(s3.pathStyle()).isTrue();
        assertThat(s3.secretKey().value()).isEqualTo("sekrit-s3-key");
        assertThat(config.media().maxFileSize()).isEqualTo(50L << 20);
        assertThat(config.toString()).doesNotContain("sekrit-s3-key", "AKIAEXAMPLE");
    }

    @Test
    void refuses_an_s3_backend_without_a_bucket() {
        ConfigException e =
                failure("[media]\nbackend = \"s3\"\ns3_access_key = \"a\"\ns3_secret_key = \"b\"\n", Map.of());
        assertThat(e.getMessage()).contains("media.s3_bucket").contains("must be set");
    }

    @Test
    void refuses_an_unknown_media_backend() {
        assertThat(failure(null, Map.of("NEXUSLINK_MEDIA_BACKEND", "ftp")).getMessage())
                .contains("media.backend")
                .contains("ftp");
    }

    @Test
    void refuses_an_orphan_delay_shorter_than_the_upload_url_lifetime() {
        assertThat(failure(null, Map.of("NEXUSLINK_MEDIA_UPLOAD_URL_TTL", "900", "NEXUSLINK_MEDIA_ORPHAN_AFTER", "600"))
                        .getMessage())
                .contains("media.orphan_after")
                .contains("media.upload_url_ttl");
    }
}
