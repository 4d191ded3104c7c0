// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed {@code database.url}: {@code sqlite:PATH} or
 * {@code postgres://user:password@host:port/db[?params]} ({@code postgresql://} is accepted too).
 *
 * <p>Parsing never echoes a password: error messages name the part that is wrong, and
 * {@link Postgres#toString()} masks the password. Instances are immutable and thread-safe.
 */
public sealed interface DatabaseUrl permits DatabaseUrl.Sqlite, DatabaseUrl.Postgres {

    /** The form a user should write, quoted in error messages. */
    String EXPECTED_FORMS = "sqlite:PATH or postgres://user:password@host:port/db";

    /**
     * Parses a database URL.
     *
     * @param url the configured value
     * @return the parsed URL
     * @throws IllegalArgumentException naming what is wrong (never quoting the password)
     */
    static DatabaseUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        if (url.isBlank()) {
            throw new IllegalArgumentException("database URL is empty; expected " + EXPECTED_FORMS);
        }
        if (url.startsWith("sqlite:")) {
            return Sqlite.parse(url.substring("sqlite:".length()));
        }
        for (String scheme : Postgres.SCHEMES) {
            if (url.startsWith(scheme + "://")) {
                return Postgres.parse(url.substring(scheme.length() + 3));
            }
        }
        int colon = url.indexOf(':');
        String scheme = colon < 0 ? "" : url.substring(0, colon);
        if (!scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            throw new IllegalArgumentException("database URL has no scheme; expected " + EXPECTED_FORMS);
        }
        throw new IllegalArgumentException(
                "unsupported database URL scheme '" + scheme + "'; expected " + EXPECTED_FORMS);
    }

    /** The dialect this URL connects to. */
    Dialect dialect();

    /**
     * An embedded SQLite database file.
     *
     * @param file the database file; a relative path is resolved against the data directory by
     *     {@link #resolveAgainst(Path)}
     */
    record Sqlite(Path file) implements DatabaseUrl {

        public Sqlite {
            Objects.requireNonNull(file, "file");
            if (file.toString().isEmpty()) {
                throw new IllegalArgumentException("sqlite URL has no path; expected sqlite:PATH");
            }
        }

        private static Sqlite parse(String path) {
            if (path.isEmpty()) {
                throw new IllegalArgumentException("sqlite URL has no path; expected sqlite:PATH");
            }
            if (path.startsWith("//")) {
                // "sqlite://x" is ambiguous between the host-style form and an absolute path.
                throw new IllegalArgumentException(
                        "sqlite URL must be written sqlite:PATH (sqlite:/abs/file.db or sqlite:rel/file.db), not sqlite://");
            }
            if (path.equals(":memory:") || path.startsWith("file:")) {
                throw new IllegalArgumentException(
                        "sqlite URL must name a database file; in-memory and file: URIs are not supported");
            }
            try {
                return new Sqlite(Path.of(path));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException(
                        "sqlite URL has an invalid path '" + path + "': " + e.getReason(), e);
            }
        }

        /**
         * Resolves a relative file against the data directory; an absolute file stays as it is.
         *
         * @param dataDir the server's data directory
         * @return a URL whose file is absolute if {@code dataDir} is
         */
        public Sqlite resolveAgainst(Path dataDir) {
            Objects.requireNonNull(dataDir, "dataDir");
            return file.isAbsolute() ? this : new Sqlite(dataDir.resolve(file));
        }

        @Override
        public Dialect dialect() {
            return Dialect.SQLITE;
        }

        @Override
        public String toString() {
            return "sqlite:" + file;
        }
    }

    /**
     * A PostgreSQL server.
     *
     * @param host host name or IP address (an IPv6 address without brackets)
     * @param port TCP port, 5432 unless the URL names one
     * @param database database name
     * @param user role to log in as
     * @param password the role's password; empty when the URL has none (trust or peer auth)
     * @param parameters the URL's query parameters, among {@link #PARAMETERS}, in URL order
     */
    record Postgres(
            String host, int port, String database, String user, String password, Map<String, String> parameters)
            implements DatabaseUrl {

        /** The default PostgreSQL port. */
        public static final int DEFAULT_PORT = 5432;

        /**
         * Query parameters understood in a postgres URL. {@code schema} selects the schema the
         * tables live in (search path and Flyway schema); the others go to the JDBC driver.
         */
        public static final Set<String> PARAMETERS =
                Set.of("sslmode", "sslrootcert", "sslcert", "sslkey", "application_name", "schema");

        private static final Set<String> SCHEMES = Set.of("postgres", "postgresql");
        private static final Set<String> SSL_MODES =
                Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
        private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
        private static final String EXPECTED = "expected postgres://user:password@host:port/db";

        public Postgres {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(parameters, "parameters");
            if (host.isBlank()) {
                throw new IllegalArgumentException("postgres URL has no host; " + EXPECTED);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("postgres URL port " + port + " is not between 1 and 65535");
            }
            if (database.isEmpty()) {
                throw new IllegalArgumentException("postgres URL has no database name; " + EXPECTED);
            }
            if (database.contains("/")) {
                throw new IllegalArgumentException(
                        "postgres URL database name '" + database + "' must not contain '/'");
            }
            if (user.isBlank()) {
                throw new IllegalArgumentException("postgres URL has no user; " + EXPECTED);
            }
            parameters.forEach(Postgres::checkParameter);
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        private static void checkParameter(String key, String value) {
            Objects.requireNonNull(key, "parameter name");
            Objects.requireNonNull(value, "parameter value");
            if (!PARAMETERS.contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "' in postgres URL; known: "
                        + String.join(", ", PARAMETERS.stream().sorted().toList()));
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("postgres URL parameter '" + key + "' is empty");
            }
            if (key.equals("sslmode") && !SSL_MODES.contains(value)) {
                throw new IllegalArgumentException("postgres URL sslmode '" + value
                        + "' is not one of disable, allow, prefer, require, verify-ca, verify-full");
            }
            if (key.equals("schema") && !SCHEMA.matcher(value).matches()) {
                throw new IllegalArgumentException("postgres URL schema '" + value
                        + "' must be a lowercase SQL identifier (a-z, 0-9, _; at most 63 characters)");
            }
        }

        private static Postgres parse(String rest) {
            int question = rest.indexOf('?');
            String beforeQuery = question < 0 ? rest : rest.substring(0, question);
            String query = question < 0 ? "" : rest.substring(question + 1);
            // The password may contain '/' or '@' unencoded; the host part follows the last '@'.
            int at = beforeQuery.lastIndexOf('@');
            String userInfo = at < 0 ? "" : beforeQuery.substring(0, at);
            String hostPortPath = beforeQuery.substring(at + 1);
            int slash = hostPortPath.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("postgres URL has no database name; " + EXPECTED);
            }
            String hostPort = hostPortPath.substring(0, slash);
            String database = decode(hostPortPath.substring(slash + 1), "database name");

            if (userInfo.isEmpty()) {
                throw new IllegalArgumentException("postgres URL has no user; " + EXPECTED);
            }
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user");
            String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1), "password");

            String host;
            String portText;
            if (hostPort.startsWith("[")) {
                int close = hostPort.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("postgres URL host has '[' without ']'");
                }
                host = hostPort.substring(1, close);
                String after = hostPort.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    throw new IllegalArgumentException("postgres URL has text after the IPv6 address: '" + after + "'");
                }
                portText = after.isEmpty() ? "" : after.substring(1);
            } else {
                int portColon = hostPort.lastIndexOf(':');
                host = portColon < 0 ? hostPort : hostPort.substring(0, portColon);
                portText = portColon < 0 ? "" : hostPort.substring(portColon + 1);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("postgres URL has no host; " + EXPECTED);
            }
            int port = portText.isEmpty() ? DEFAULT_PORT : parsePort(portText);
            return new Postgres(host, port, database, user, password, parseQuery(query));
        }

        private static int parsePort(String text) {
            if (!text.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException(
                        "postgres URL port '" + text + "' is not a number between 1 and 65535");
            }
            return Integer.parseInt(text);
        }

        private static Map<String, String> parseQuery(String query) {
            Map<String, String> parameters = new LinkedHashMap<>();
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String key = decode(equals < 0 ? pair : pair.substring(0, equals), "parameter name");
                if (equals < 0) {
                    throw new IllegalArgumentException("postgres URL parameter '" + key + "' has no value");
                }
                String value = decode(pair.substring(equals + 1), "parameter " + key);
                if (parameters.putIfAbsent(key, value) != null) {
                    throw new IllegalArgumentException("postgres URL parameter '" + key + "' is given twice");
                }
            }
            return parameters;
        }

        /** Percent-decodes one URL component ('+' stays '+': this is not form encoding). */
        private static String decode(String text, String what) {
            if (text.indexOf('%') < 0) {
                return text;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != '%') {
                    bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("postgres URL " + what + " has an invalid %-escape");
                }
                bytes.write(high * 16 + low);
                i += 2;
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** The schema named by {@code ?schema=}, if any. */
        public Optional<String> schema() {
            return Optional.ofNullable(parameters.get("schema"));
        }

        /**
         * A copy of this URL with {@code ?schema=} set.
         *
         * @param schema a lowercase SQL identifier
         * @return the new URL
         */
        public Postgres withSchema(String schema) {
            Map<String, String> copy = new LinkedHashMap<>(parameters);
            copy.put("schema", Objects.requireNonNull(schema, "schema"));
            return new Postgres(host, port, database, user, password, copy);
        }

        /**
         * The JDBC URL, without user and password (those go to the driver as properties so
         * that they never appear in a logged URL).
         */
        public String jdbcUrl() {
            StringBuilder url = new StringBuilder("jdbc:postgresql://")
                    .append(host.contains(":") ? "[" + host + "]" : host)
                    .append(':')
                    .append(port)
                    .append('/')
                    .append(encode(database));
            char separator = '?';
            for (Map.Entry<String, String> parameter : parameters.entrySet()) {
                String name = switch (parameter.getKey()) {
                    case "schema" -> "currentSchema";
                    case "application_name" -> "ApplicationName";
                    default -> parameter.getKey();
                };
                url.append(separator).append(name).append('=').append(encode(parameter.getValue()));
                separator = '&';
            }
            return url.toString();
        }

        private static String encode(String text) {
            StringBuilder out = new StringBuilder();
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if ((c >= 'a' && c <= 'z')
                        || (c >= 'A' && c <= 'Z')
                        || (c >= '0' && c <= '9')
                        || c == '-'
                        || c == '_'
                        || c == '.'
                        || c == '~'
                        || c == '/') {
                    out.append((char) c);
                } else {
                    out.append('%')
                            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
            return out.toString();
        }

        @Override
        public Dialect dialect() {
            return Dialect.POSTGRES;
        }

        /** The URL with the password masked. */
        @Override
        public String toString() {
            StringBuilder url = new StringBuilder("postgres://").append(encode(user));
            if (!password.isEmpty()) {
                url.append(":****");
            }
            url.append('@')
                    .append(host.contains(":") ? "[" + host + "]" : host)
                    .append(':')
                    .append(port)
                    .append('/')
                    .append(encode(database));
            char separator = '?';
            for (Map.Entry<String, String> parameter : parameters.entrySet()) {
                url.append(separator).append(parameter.getKey()).append('=').append(encode(parameter.getValue()));
                separator = '&';
            }
            return url.toString();
        }
    }
}
