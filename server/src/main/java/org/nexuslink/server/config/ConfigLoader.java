// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * Loads the {@link Config}: defaults, then the TOML file, then {@code NEXUSLINK_*} environment
 * variables, then command-line overrides; each later source wins. Every problem is a
 * {@link ConfigException} naming the key; nothing is half-applied.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");
    private static final Pattern BYTE_SIZE =
            Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)", Pattern.CASE_INSENSITIVE);

    private ConfigLoader() {}

    /** Where a raw value came from, for error messages. */
    private record Raw(Object value, String source) {}

    /**
     * Builds the configuration.
     *
     * @param file the TOML file, or null for none
     * @param env the process environment (only {@code NEXUSLINK_*} entries are read)
     * @param overrides values from command-line flags, written as they would be in the environment
     * @throws ConfigException naming the key and the problem
     */
    public static Config load(Path file, Map<String, String> env, Map<ConfigKey, String> overrides) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(overrides, "overrides");
        Map<ConfigKey, Raw> raw = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            raw.put(key, new Raw(key.defaultValue(), "default"));
        }
        if (file != null) {
            readToml(file, raw);
        }
        readEnv(env, raw);
        overrides.forEach((key, value) -> raw.put(key, new Raw(value, "command line")));
        return build(new Typed(raw));
    }

    private static void readToml(Path file, Map<ConfigKey, Raw> raw) {
        String name = file.toString();
        if (!Files.isReadable(file)) {
            throw new ConfigException(name, "config file does not exist or is not readable");
        }
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(name, "malformed TOML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read config file: " + e.getMessage());
        }
        for (Iterator<Map.Entry<String, JsonNode>> tables = root.fields(); tables.hasNext(); ) {
            Map.Entry<String, JsonNode> table = tables.next();
            if (!ConfigKey.isTable(table.getKey())) {
                throw new ConfigException(
                        table.getKey(),
                        "unknown table in " + name
                                + " (known: server, database, redis, community, directory, push, rate_limit, media, logging)");
            }
            if (!table.getValue().isObject()) {
                throw new ConfigException(table.getKey(), "must be a table ([" + table.getKey() + "]) in " + name);
            }
            for (Iterator<Map.Entry<String, JsonNode>> keys = table.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = keys.next();
                String path = table.getKey() + "." + entry.getKey();
                ConfigKey key =
                        ConfigKey.byPath(path).orElseThrow(() -> new ConfigException(path, "unknown key in " + name));
                raw.put(key, new Raw(entry.getValue(), name));
            }
        }
    }

    private static void readEnv(Map<String, String> env, Map<ConfigKey, Raw> raw) {
        for (ConfigKey key : ConfigKey.values()) {
            String chosenVar = null;
            String chosen = null;
            for (String alias : key.envAliases()) {
                if (env.containsKey(alias)) {
                    chosenVar = alias;
                    chosen = env.get(alias);
                }
            }
            String canonical = env.get(key.envVar());
            if (canonical != null) {
                if (chosen != null && !chosen.equals(canonical)) {
                    throw new ConfigException(
                            key.path(),
                            "both " + chosenVar + " and " + key.envVar()
                                    + " are set, to different values; set only one");
                }
                chosenVar = key.envVar();
                chosen = canonical;
            }
            if (chosen != null) {
                raw.put(key, new Raw(chosen, chosenVar));
            }
        }
    }

    /** Raw values read as their declared types, with messages that say where a bad one came from. */
    private record Typed(Map<ConfigKey, Raw> raw) {
        String string(ConfigKey key) {
            Raw r = raw.get(key);
            if (r.value() instanceof JsonNode node) {
                if (!node.isTextual()) {
                    throw bad(key, r, "expected a string");
                }
                return node.asText();
            }
            return (String) r.value();
        }

        long integer(ConfigKey key, long min, long max) {
            Raw r = raw.get(key);
            long value;
            if (r.value() instanceof JsonNode node) {
                if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                    throw bad(key, r, "expected an integer");
                }
                value = node.asLong();
            } else {
                try {
                    value = Long.parseLong(((String) r.value()).trim());
                } catch (NumberFormatException e) {
                    throw bad(key, r, "expected an integer");
                }
            }
            if (value < min || value > max) {
                throw new ConfigException(
                        key.path(), "must be between " + min + " and " + max + ", got " + value + from(r));
            }
            return value;
        }

        boolean bool(ConfigKey key) {
            Raw r = raw.get(key);
            if (r.value() instanceof JsonNode node) {
                if (!node.isBoolean()) {
                    throw bad(key, r, "expected true or false");
                }
                return node.asBoolean();
            }
            return switch (((String) r.value()).trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw bad(key, r, "expected true or false");
            };
        }

        long byteSize(ConfigKey key) {
            Raw r = raw.get(key);
            if (r.value() instanceof JsonNode node && node.isIntegralNumber()) {
                return integer(key, 0, Long.MAX_VALUE);
            }
            String text =
                    r.value() instanceof JsonNode node ? (node.isTextual() ? node.asText() : null) : (String) r.value();
            Matcher m = text == null ? null : BYTE_SIZE.matcher(text.trim());
            if (m == null || !m.matches()) {
                throw bad(key, r, "expected a byte count such as 53687091200 or 50GB");
            }
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "", "b" -> 0;
                case "k", "kb", "kib" -> 10;
                case "m", "mb", "mib" -> 20;
                case "g", "gb", "gib" -> 30;
                default -> 40;
            };
            try {
                long amount = Long.parseLong(m.group(1));
                if (amount > (Long.MAX_VALUE >> shift)) {
                    throw bad(key, r, "too large");
                }
                return amount << shift;
            } catch (NumberFormatException e) {
                throw bad(key, r, "too large");
            }
        }

        String source(ConfigKey key) {
            return raw.get(key).source();
        }

        private static ConfigException bad(ConfigKey key, Raw r, String expectation) {
            String shown = key.isSecret() ? "" : ", got " + render(r.value());
            return new ConfigException(key.path(), expectation + shown + from(r));
        }

        private static String render(Object value) {
            return value instanceof JsonNode node ? node.toString() : "'" + value + "'";
        }

        private static String from(Raw r) {
            return "default".equals(r.source()) ? "" : " (from " + r.source() + ")";
        }
    }

    private static Config.Directory directory(Typed t) {
        String complianceKey = t.string(ConfigKey.DIRECTORY_COMPLIANCE_KEY).strip();
        if (!complianceKey.isEmpty()) {
            try {
                org.nexuslink.crypto.seal.SealedBox.PublicKey.fromBase64(complianceKey);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ConfigKey.DIRECTORY_COMPLIANCE_KEY.path(), e.getMessage());
            }
        }
        return new Config.Directory(
                t.string(ConfigKey.DIRECTORY_URL),
                new Secret(t.string(ConfigKey.DIRECTORY_TOKEN)),
                Duration.ofSeconds(t.integer(ConfigKey.DIRECTORY_HEARTBEAT_INTERVAL, 10, 86_400)),
                (int) t.integer(
                        ConfigKey.DIRECTORY_POW_DIFFICULTY, 0, org.nexuslink.crypto.pow.ProofOfWork.MAX_DIFFICULTY),
                complianceKey.isEmpty() ? Optional.empty() : Optional.of(complianceKey),
                (int) t.integer(ConfigKey.DIRECTORY_REPORT_THRESHOLD, 1, 1_000_000),
                Duration.ofSeconds(t.integer(ConfigKey.DIRECTORY_PROBE_INTERVAL, 1, 86_400)),
                Duration.ofSeconds(t.integer(ConfigKey.DIRECTORY_UNREACHABLE_AFTER, 1, 365L * 86_400)),
                (int) t.integer(ConfigKey.DIRECTORY_WRITES_PER_HOUR, 1, 1_000_000),
                (int) t.integer(ConfigKey.DIRECTORY_SEARCHES_PER_MINUTE, 1, 1_000_000),
                t.bool(ConfigKey.DIRECTORY_ALLOW_PRIVATE_ENDPOINTS));
    }

    private static Config build(Typed t) {
        Path dataDir = Path.of(t.string(ConfigKey.SERVER_DATA_DIR));
        Config.Server server = new Config.Server(
                role(t),
                nonBlank(t, ConfigKey.SERVER_BIND_ADDRESS),
                (int) t.integer(ConfigKey.SERVER_PORT, 0, 65535),
                transport(t),
                dataDir,
                optionalPath(t, ConfigKey.SERVER_KEY_FILE),
                new Config.Metrics(metricsPort(t), t.bool(ConfigKey.SERVER_METRICS_PUBLIC)));
        Config.Database database = new Config.Database(
                databaseUrl(t, dataDir),
                (int) t.integer(ConfigKey.DATABASE_MAX_CONNECTIONS, 1, 1000),
                Duration.ofSeconds(t.integer(ConfigKey.DATABASE_CONNECT_TIMEOUT, 1, 3600)));
        Config.Redis redis = new Config.Redis(redisUrl(t), t.bool(ConfigKey.REDIS_ENABLED), channelPrefix(t));
        Config.Community community = new Config.Community(
                t.string(ConfigKey.COMMUNITY_NAME),
                adminUuid(t),
                (int) t.integer(ConfigKey.COMMUNITY_MAX_MEMBERS, 1, Integer.MAX_VALUE),
                (int) t.integer(ConfigKey.COMMUNITY_MAX_DEVICES, 1, 127),
                t.byteSize(ConfigKey.COMMUNITY_STORAGE_LIMIT),
                Duration.ofSeconds(t.integer(ConfigKey.COMMUNITY_MESSAGE_TTL, 1, 10L * 365 * 24 * 3600)),
                Duration.ofSeconds(t.integer(ConfigKey.COMMUNITY_REVOKE_WINDOW, 0, 365L * 24 * 3600)));
        Config.Directory directory = directory(t);
        Config.Push push = new Config.Push(
                new Secret(t.string(ConfigKey.PUSH_FCM_KEY)),
                t.string(ConfigKey.PUSH_APNS_CERT),
                t.string(ConfigKey.PUSH_APNS_KEY_ID),
                t.string(ConfigKey.PUSH_APNS_TEAM_ID));
        Config.RateLimit rateLimit = new Config.RateLimit(
                (int) t.integer(ConfigKey.RATE_LIMIT_REQUESTS_PER_SECOND, 1, 1_000_000),
                (int) t.integer(ConfigKey.RATE_LIMIT_WS_MESSAGES_PER_SECOND, 1, 1_000_000),
                (int) t.integer(ConfigKey.RATE_LIMIT_UPLOAD_PER_MINUTE, 1, 1_000_000));
        Config.Logging logging = new Config.Logging(level(t), format(t), t.string(ConfigKey.LOGGING_FILE));
        Config.Limits limits = new Config.Limits(
                (int) t.integer(ConfigKey.LIMITS_QUEUE_ENTRIES_PER_DEVICE, 1, Integer.MAX_VALUE),
                queueBytes(t),
                (int) t.integer(ConfigKey.LIMITS_PREKEY_FETCHES_PER_HOUR, 1, 1_000_000),
                Duration.ofSeconds(t.integer(ConfigKey.LIMITS_HTTP_IDLE_TIMEOUT, 1, 3600)),
                (int) t.integer(ConfigKey.LIMITS_CONNECTIONS_PER_IP, 1, 1_000_000));
        return new Config(server, database, redis, community, directory, push, rateLimit, limits, media(t), logging);
    }

    private static Optional<Path> optionalPath(Typed t, ConfigKey key) {
        String value = t.string(key);
        return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }

    private static OptionalInt metricsPort(Typed t) {
        long port = t.integer(ConfigKey.SERVER_METRICS_PORT, -1, 65535);
        return port < 0 ? OptionalInt.empty() : OptionalInt.of((int) port);
    }

    private static long queueBytes(Typed t) {
        long bytes = t.byteSize(ConfigKey.LIMITS_QUEUE_BYTES_PER_DEVICE);
        if (bytes < 1) {
            throw new ConfigException(ConfigKey.LIMITS_QUEUE_BYTES_PER_DEVICE.path(), "must be at least 1 byte");
        }
        return bytes;
    }

    private static Config.Media media(Typed t) {
        long maxFileSize = t.byteSize(ConfigKey.MEDIA_MAX_FILE_SIZE);
        if (maxFileSize < 1) {
            throw new ConfigException(ConfigKey.MEDIA_MAX_FILE_SIZE.path(), "must be at least 1 byte");
        }
        Duration urlTtl = Duration.ofSeconds(t.integer(ConfigKey.MEDIA_UPLOAD_URL_TTL, 60, 7L * 24 * 3600));
        Duration orphanAfter = Duration.ofSeconds(t.integer(ConfigKey.MEDIA_ORPHAN_AFTER, 60, 365L * 24 * 3600));
        if (orphanAfter.compareTo(urlTtl) <= 0) {
            // An upload may legitimately finish at the end of its URL's lifetime; sweeping it
            // earlier would delete a blob the client is still writing.
            throw new ConfigException(
                    ConfigKey.MEDIA_ORPHAN_AFTER.path(),
                    "must be longer than "
                            + ConfigKey.MEDIA_UPLOAD_URL_TTL.path() + " (" + urlTtl.toSeconds() + " s), got "
                            + orphanAfter.toSeconds());
        }
        return new Config.Media(
                mediaBackend(t),
                maxFileSize,
                t.byteSize(ConfigKey.MEDIA_MEMBER_QUOTA),
                urlTtl,
                orphanAfter,
                Duration.ofSeconds(t.integer(ConfigKey.MEDIA_SWEEP_INTERVAL, 1, 24L * 3600)));
    }

    private static Config.Media.Backend mediaBackend(Typed t) {
        String value = t.string(ConfigKey.MEDIA_BACKEND);
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "local" -> new Config.Media.Backend.Local();
            case "s3" -> s3(t);
            default ->
                throw new ConfigException(
                        ConfigKey.MEDIA_BACKEND.path(), "unknown backend '" + value + "' (expected local or s3)");
        };
    }

    private static Config.Media.Backend.S3 s3(Typed t) {
        String endpoint = t.string(ConfigKey.MEDIA_S3_ENDPOINT).trim();
        java.util.Optional<URI> uri = Optional.empty();
        if (!endpoint.isEmpty()) {
            try {
                URI parsed = new URI(endpoint);
                if (!("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme()))
                        || parsed.getHost() == null) {
                    throw new ConfigException(
                            ConfigKey.MEDIA_S3_ENDPOINT.path(),
                            "expected http(s)://host[:port], got '" + endpoint + "'");
                }
                uri = Optional.of(parsed);
            } catch (URISyntaxException e) {
                throw new ConfigException(ConfigKey.MEDIA_S3_ENDPOINT.path(), "not a valid URL: " + e.getReason());
            }
        }
        String bucket = t.string(ConfigKey.MEDIA_S3_BUCKET).trim();
        String accessKey = t.string(ConfigKey.MEDIA_S3_ACCESS_KEY).trim();
        String secretKey = t.string(ConfigKey.MEDIA_S3_SECRET_KEY).trim();
        for (ConfigKey required :
                new ConfigKey[] {ConfigKey.MEDIA_S3_BUCKET, ConfigKey.MEDIA_S3_ACCESS_KEY, ConfigKey.MEDIA_S3_SECRET_KEY
                }) {
            if (t.string(required).isBlank()) {
                throw new ConfigException(required.path(), "must be set when media.backend is s3");
            }
        }
        return new Config.Media.Backend.S3(
                uri,
                nonBlank(t, ConfigKey.MEDIA_S3_REGION),
                bucket,
                new Secret(accessKey),
                new Secret(secretKey),
                t.bool(ConfigKey.MEDIA_S3_PATH_STYLE));
    }

    private static String nonBlank(Typed t, ConfigKey key) {
        String value = t.string(key).trim();
        if (value.isEmpty()) {
            throw new ConfigException(key.path(), "must not be empty");
        }
        return value;
    }

    private static Config.Role role(Typed t) {
        String value = t.string(ConfigKey.SERVER_ROLE);
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "community" -> Config.Role.COMMUNITY;
            case "directory" -> Config.Role.DIRECTORY;
            default ->
                throw new ConfigException(
                        ConfigKey.SERVER_ROLE.path(), "unknown role '" + value + "' (expected community or directory)");
        };
    }

    private static Config.Transport transport(Typed t) {
        String cert = t.string(ConfigKey.SERVER_TLS_CERT).trim();
        String key = t.string(ConfigKey.SERVER_TLS_KEY).trim();
        if (cert.isEmpty() && key.isEmpty()) {
            return new Config.Transport.Plain();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            ConfigKey missing = cert.isEmpty() ? ConfigKey.SERVER_TLS_CERT : ConfigKey.SERVER_TLS_KEY;
            throw new ConfigException(
                    missing.path(),
                    "must be set when " + (cert.isEmpty() ? ConfigKey.SERVER_TLS_KEY : ConfigKey.SERVER_TLS_CERT).path()
                            + " is set");
        }
        return new Config.Transport.Tls(
                readable(ConfigKey.SERVER_TLS_CERT, cert), readable(ConfigKey.SERVER_TLS_KEY, key));
    }

    private static Path readable(ConfigKey key, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(key.path(), "file '" + file + "' does not exist or is not readable");
        }
        return path;
    }

    private static DatabaseUrl databaseUrl(Typed t, Path dataDir) {
        String value = t.string(ConfigKey.DATABASE_URL).trim();
        try {
            DatabaseUrl url = DatabaseUrl.parse(value);
            return url instanceof DatabaseUrl.Sqlite sqlite ? sqlite.resolveAgainst(dataDir) : url;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigKey.DATABASE_URL.path(), e.getMessage());
        }
    }

    private static URI redisUrl(Typed t) {
        String value = t.string(ConfigKey.REDIS_URL).trim();
        try {
            URI uri = new URI(value);
            if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(
                        ConfigKey.REDIS_URL.path(), "expected redis://host:port or rediss://host:port");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(ConfigKey.REDIS_URL.path(), "not a valid URL: " + e.getReason());
        }
    }

    private static String channelPrefix(Typed t) {
        String value = t.string(ConfigKey.REDIS_CHANNEL_PREFIX);
        if (!value.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new ConfigException(
                    ConfigKey.REDIS_CHANNEL_PREFIX.path(),
                    "must be 1-64 letters, digits or _ . : -, got '" + value + "'");
        }
        return value;
    }

    private static String adminUuid(Typed t) {
        String value = t.string(ConfigKey.COMMUNITY_ADMIN_UUID).trim();
        if (!value.isEmpty()) {
            try {
                AccountId.parse(value);
            } catch (InvalidAccountIdException e) {
                throw new ConfigException(
                        ConfigKey.COMMUNITY_ADMIN_UUID.path(),
                        "not an account id ('" + value + "'): " + e.getMessage());
            }
        }
        return value;
    }

    private static String level(Typed t) {
        String value = t.string(ConfigKey.LOGGING_LEVEL).trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(value)) {
            throw new ConfigException(
                    ConfigKey.LOGGING_LEVEL.path(),
                    "unknown level '" + value + "' (expected trace, debug, info, warn or error)");
        }
        return value;
    }

    private static Config.Logging.Format format(Typed t) {
        String value = t.string(ConfigKey.LOGGING_FORMAT);
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "json" -> Config.Logging.Format.JSON;
            case "pretty" -> Config.Logging.Format.PRETTY;
            default ->
                throw new ConfigException(
                        ConfigKey.LOGGING_FORMAT.path(), "unknown format '" + value + "' (expected json or pretty)");
        };
    }
}
