// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configuration key: its TOML table and name, its type, its default and the environment
 * variables that override it. docs/configuration.md lists exactly these (a test checks it).
 *
 * <p>The canonical environment variable is {@code NEXUSLINK_<TABLE>_<KEY>} in upper case; a few
 * keys also accept the shorter names of seed 000's deployment example ({@code NEXUSLINK_DB_URL}).
 */
public enum ConfigKey {
    SERVER_ROLE("server", "role", ValueType.STRING, "community", false),
    SERVER_BIND_ADDRESS("server", "bind_address", ValueType.STRING, "0.0.0.0", false),
    SERVER_PORT("server", "port", ValueType.INTEGER, "8080", false),
    SERVER_TLS_CERT("server", "tls_cert", ValueType.STRING, "", false),
    SERVER_TLS_KEY("server", "tls_key", ValueType.STRING, "", false),
    SERVER_DATA_DIR("server", "data_dir", ValueType.STRING, "data", false),
    SERVER_KEY_FILE("server", "key_file", ValueType.STRING, "", false),
    SERVER_METRICS_PORT("server", "metrics_port", ValueType.INTEGER, "-1", false),
    SERVER_METRICS_PUBLIC("server", "metrics_public", ValueType.BOOLEAN, "false", false),

    DATABASE_URL("database", "url", ValueType.STRING, "sqlite:nexuslink.db", true, "NEXUSLINK_DB_URL"),
    DATABASE_MAX_CONNECTIONS("database", "max_connections", ValueType.INTEGER, "20", false),
    DATABASE_CONNECT_TIMEOUT("database", "connect_timeout", ValueType.INTEGER, "10", false),

    REDIS_URL("redis", "url", ValueType.STRING, "redis://localhost:6379", true),
    REDIS_ENABLED("redis", "enabled", ValueType.BOOLEAN, "false", false),
    REDIS_CHANNEL_PREFIX("redis", "channel_prefix", ValueType.STRING, "nexuslink", false),

    COMMUNITY_NAME("community", "name", ValueType.STRING, "My Community", false),
    COMMUNITY_ADMIN_UUID("community", "admin_uuid", ValueType.STRING, "", false, "NEXUSLINK_ADMIN_UUID"),
    COMMUNITY_MAX_MEMBERS("community", "max_members", ValueType.INTEGER, "10000", false, "NEXUSLINK_MAX_MEMBERS"),
    COMMUNITY_MAX_DEVICES("community", "max_devices", ValueType.INTEGER, "5", false),
    COMMUNITY_STORAGE_LIMIT(
            "community", "storage_limit", ValueType.BYTE_SIZE, "53687091200", false, "NEXUSLINK_STORAGE_LIMIT"),
    COMMUNITY_MESSAGE_TTL("community", "message_ttl", ValueType.INTEGER, "604800", false),
    COMMUNITY_REVOKE_WINDOW("community", "revoke_window", ValueType.INTEGER, "120", false),

    DIRECTORY_URL("directory", "url", ValueType.STRING, "", false),
    DIRECTORY_TOKEN("directory", "token", ValueType.STRING, "", true),
    DIRECTORY_HEARTBEAT_INTERVAL("directory", "heartbeat_interval", ValueType.INTEGER, "3600", false),
    DIRECTORY_POW_DIFFICULTY("directory", "pow_difficulty", ValueType.INTEGER, "20", false),
    DIRECTORY_COMPLIANCE_KEY("directory", "compliance_key", ValueType.STRING, "", false),
    DIRECTORY_REPORT_THRESHOLD("directory", "report_threshold", ValueType.INTEGER, "5", false),
    DIRECTORY_PROBE_INTERVAL("directory", "probe_interval", ValueType.INTEGER, "300", false),
    DIRECTORY_UNREACHABLE_AFTER("directory", "unreachable_after", ValueType.INTEGER, "86400", false),
    DIRECTORY_WRITES_PER_HOUR("directory", "writes_per_hour", ValueType.INTEGER, "20", false),
    DIRECTORY_SEARCHES_PER_MINUTE("directory", "searches_per_minute", ValueType.INTEGER, "120", false),
    DIRECTORY_ALLOW_PRIVATE_ENDPOINTS("directory", "allow_private_endpoints", ValueType.BOOLEAN, "false", false),

    PUSH_FCM_KEY("push", "fcm_key", ValueType.STRING, "", true),
    PUSH_APNS_CERT("push", "apns_cert", ValueType.STRING, "", false),
    PUSH_APNS_KEY_ID("push", "apns_key_id", ValueType.STRING, "", false),
    PUSH_APNS_TEAM_ID("push", "apns_team_id", ValueType.STRING, "", false),

    RATE_LIMIT_REQUESTS_PER_SECOND("rate_limit", "requests_per_second", ValueType.INTEGER, "50", false),
    RATE_LIMIT_WS_MESSAGES_PER_SECOND("rate_limit", "ws_messages_per_second", ValueType.INTEGER, "10", false),
    RATE_LIMIT_UPLOAD_PER_MINUTE("rate_limit", "upload_per_minute", ValueType.INTEGER, "20", false),

    LIMITS_QUEUE_ENTRIES_PER_DEVICE("limits", "queue_entries_per_device", ValueType.INTEGER, "10000", false),
    LIMITS_QUEUE_BYTES_PER_DEVICE("limits", "queue_bytes_per_device", ValueType.BYTE_SIZE, "268435456", false),
    LIMITS_PREKEY_FETCHES_PER_HOUR("limits", "prekey_fetches_per_hour", ValueType.INTEGER, "30", false),
    LIMITS_HTTP_IDLE_TIMEOUT("limits", "http_idle_timeout", ValueType.INTEGER, "30", false),
    LIMITS_CONNECTIONS_PER_IP("limits", "connections_per_ip", ValueType.INTEGER, "256", false),

    MEDIA_BACKEND("media", "backend", ValueType.STRING, "local", false),
    MEDIA_MAX_FILE_SIZE("media", "max_file_size", ValueType.BYTE_SIZE, "104857600", false),
    MEDIA_MEMBER_QUOTA("media", "member_quota", ValueType.BYTE_SIZE, "1073741824", false),
    MEDIA_UPLOAD_URL_TTL("media", "upload_url_ttl", ValueType.INTEGER, "900", false),
    MEDIA_ORPHAN_AFTER("media", "orphan_after", ValueType.INTEGER, "86400", false),
    MEDIA_SWEEP_INTERVAL("media", "sweep_interval", ValueType.INTEGER, "300", false),
    MEDIA_S3_ENDPOINT("media", "s3_endpoint", ValueType.STRING, "", false),
    MEDIA_S3_REGION("media", "s3_region", ValueType.STRING, "us-east-1", false),
    MEDIA_S3_BUCKET("media", "s3_bucket", ValueType.STRING, "", false),
    MEDIA_S3_ACCESS_KEY("media", "s3_access_key", ValueType.STRING, "", true),
    MEDIA_S3_SECRET_KEY("media", "s3_secret_key", ValueType.STRING, "", true),
    MEDIA_S3_PATH_STYLE("media", "s3_path_style", ValueType.BOOLEAN, "false", false),

    LOGGING_LEVEL("logging", "level", ValueType.STRING, "info", false, "NEXUSLINK_LOG_LEVEL"),
    LOGGING_FORMAT("logging", "format", ValueType.STRING, "pretty", false),
    LOGGING_FILE("logging", "file", ValueType.STRING, "", false);

    /** How a raw TOML or environment value is read. */
    public enum ValueType {
        STRING,
        INTEGER,
        BOOLEAN,
        BYTE_SIZE
    }

    private final String table;
    private final String name;
    private final ValueType type;
    private final String defaultValue;
    private final boolean secret;
    private final List<String> aliases;

    ConfigKey(String table, String name, ValueType type, String defaultValue, boolean secret, String... aliases) {
        this.table = table;
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.aliases = List.of(aliases);
    }

    /** The TOML table, e.g. {@code server}. */
    public String table() {
        return table;
    }

    /** The key inside its table, e.g. {@code port}. */
    public String keyName() {
        return name;
    }

    /** The dotted path, e.g. {@code server.port}. */
    public String path() {
        return table + "." + name;
    }

    public ValueType type() {
        return type;
    }

    /** The default as it would be written in the environment. */
    public String defaultValue() {
        return defaultValue;
    }

    /** Whether the value may carry a credential and must never be echoed in messages or logs. */
    public boolean isSecret() {
        return secret;
    }

    /** The canonical environment variable, e.g. {@code NEXUSLINK_SERVER_PORT}. */
    public String envVar() {
        return ("NEXUSLINK_" + table + "_" + name).toUpperCase(Locale.ROOT);
    }

    /** Shorter environment variable names also accepted, from seed 000's deployment example. */
    public List<String> envAliases() {
        return aliases;
    }

    /** The key with this dotted path, if it exists. */
    public static Optional<ConfigKey> byPath(String path) {
        return Arrays.stream(values()).filter(k -> k.path().equals(path)).findFirst();
    }

    /** Whether any key lives in this table. */
    public static boolean isTable(String table) {
        return Arrays.stream(values()).anyMatch(k -> k.table.equals(table));
    }
}
