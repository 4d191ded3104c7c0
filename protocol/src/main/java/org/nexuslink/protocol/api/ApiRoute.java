// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every endpoint of the REST API ({@code /api/v1}) and of operations ({@code /health},
 * {@code /metrics}): its method and its path pattern, where {@code {name}} stands
 * for one path segment. The server registers its routes from this list and clients build their
 * request paths from it, so neither side spells a path by hand; docs/openapi.yaml names the same
 * endpoints (checked by the server's tests). Each route names the server roles that serve it
 * ({@link #servedBy}): a community server serves the community's routes, a directory the
 * directory's, and both serve {@link #SERVER_INFO}, {@link #HEALTH} and {@link #METRICS}.
 */
public enum ApiRoute {
    SERVER_INFO("GET", "/api/v1/server", ServerRole.COMMUNITY, ServerRole.DIRECTORY),
    AUTH_CHALLENGE("POST", "/api/v1/auth/challenge"),
    AUTH_VERIFY("POST", "/api/v1/auth/verify"),
    MEMBERS_JOIN("POST", "/api/v1/members/join"),
    MEMBERS("GET", "/api/v1/members"),
    MEMBER_ROLE("PUT", "/api/v1/members/{account_id}/role"),
    MEMBER_REMOVE("DELETE", "/api/v1/members/{account_id}"),
    MEMBER_BAN("POST", "/api/v1/members/{account_id}/ban"),
    MEMBER_UNBAN("DELETE", "/api/v1/members/{account_id}/ban"),
    MEMBER_MUTE("POST", "/api/v1/members/{account_id}/mute"),
    MEMBER_UNMUTE("DELETE", "/api/v1/members/{account_id}/mute"),
    DEVICE_REGISTER("POST", "/api/v1/devices/register"),
    DEVICES("GET", "/api/v1/devices"),
    DEVICE_REMOVE("DELETE", "/api/v1/devices/{device_id}"),
    PREKEYS_UPLOAD("POST", "/api/v1/prekeys"),
    PREKEYS_COUNT("GET", "/api/v1/prekeys/count"),
    PREKEYS_BUNDLES("GET", "/api/v1/prekeys/{account_id}"),
    MESSAGES_SEND("POST", "/api/v1/messages/send"),
    MESSAGES_PENDING("GET", "/api/v1/messages/pending"),
    MESSAGE_ACKNOWLEDGE("DELETE", "/api/v1/messages/{id}"),
    CHANNEL_CREATE("POST", "/api/v1/channels"),
    CHANNELS("GET", "/api/v1/channels"),
    CHANNEL("GET", "/api/v1/channels/{id}"),
    CHANNEL_UPDATE("PUT", "/api/v1/channels/{id}"),
    CHANNEL_DELETE("DELETE", "/api/v1/channels/{id}"),
    CHANNEL_MEMBERS("GET", "/api/v1/channels/{id}/members"),
    CHANNEL_MEMBER_ADD("PUT", "/api/v1/channels/{id}/members/{account_id}"),
    CHANNEL_MEMBER_REMOVE("DELETE", "/api/v1/channels/{id}/members/{account_id}"),
    CHANNEL_EVENT_DELETE("DELETE", "/api/v1/channels/{id}/events/{mid}"),
    AUDIT("GET", "/api/v1/audit"),
    /** The key-transparency log (docs/key-transparency.md): public, no token. */
    KT_HEAD("GET", "/api/v1/kt/head"),
    KT_PROOF("GET", "/api/v1/kt/proof/{account_id}"),
    KT_CONSISTENCY("GET", "/api/v1/kt/consistency"),
    KT_LEAVES("GET", "/api/v1/kt/leaves"),
    MEDIA_QUOTA("GET", "/api/v1/media/quota"),
    MEDIA_UPLOAD("POST", "/api/v1/media/upload"),
    MEDIA_DIRECT_UPLOAD("POST", "/api/v1/media/uploads"),
    MEDIA_COMPLETE("POST", "/api/v1/media/{id}/complete"),
    MEDIA_DOWNLOAD("GET", "/api/v1/media/{id}"),
    MEDIA_DELETE("DELETE", "/api/v1/media/{id}"),
    /** Liveness and dependencies, for load balancers and {@code nexuslink server status}; no auth. */
    HEALTH("GET", "/health", ServerRole.COMMUNITY, ServerRole.DIRECTORY),
    /** Prometheus metrics, from loopback unless opened (docs/operations.md). */
    METRICS("GET", "/metrics", ServerRole.COMMUNITY, ServerRole.DIRECTORY),

    // The directory role (docs/directory.md); bodies in org.nexuslink.protocol.directory.
    DIRECTORY_INFO("GET", "/api/v1/directory", ServerRole.DIRECTORY),
    DIRECTORY_REGISTER("POST", "/api/v1/community/register", ServerRole.DIRECTORY),
    /** Query {@code q}, {@code tag} (repeated, all must match), {@code limit}, {@code offset}. */
    DIRECTORY_SEARCH("GET", "/api/v1/community/search", ServerRole.DIRECTORY),
    DIRECTORY_LISTING("GET", "/api/v1/community/{id}", ServerRole.DIRECTORY),
    DIRECTORY_UPDATE("PUT", "/api/v1/community/{id}", ServerRole.DIRECTORY),
    DIRECTORY_DELETE("DELETE", "/api/v1/community/{id}", ServerRole.DIRECTORY),
    DIRECTORY_HEARTBEAT("POST", "/api/v1/community/{id}/heartbeat", ServerRole.DIRECTORY),
    KYC_INITIATE("POST", "/api/v1/kyc/initiate", ServerRole.DIRECTORY),
    KYC_VERIFY("POST", "/api/v1/kyc/verify", ServerRole.DIRECTORY),
    /** Signed by the account in the {@code X-NexusLink-Signed} header, as it has no body. */
    KYC_STATUS("GET", "/api/v1/kyc/status", ServerRole.DIRECTORY),
    ABUSE_REPORT("POST", "/api/v1/report/abuse", ServerRole.DIRECTORY),
    /** Signed by the reporter in the {@code X-NexusLink-Signed} header, as it has no body. */
    ABUSE_REPORT_STATUS("GET", "/api/v1/report/{id}", ServerRole.DIRECTORY);

    /** The role a server plays ({@code server.role}), which decides the routes it serves. */
    public enum ServerRole {
        COMMUNITY,
        DIRECTORY
    }

    private final String method;
    private final String pattern;
    private final List<String> parameters;
    private final Set<ServerRole> servedBy;

    /** A route of the community role. */
    ApiRoute(String method, String pattern) {
        this(method, pattern, ServerRole.COMMUNITY);
    }

    ApiRoute(String method, String pattern, ServerRole... servedBy) {
        this.method = method;
        this.pattern = pattern;
        this.servedBy = Set.copyOf(EnumSet.copyOf(Arrays.asList(servedBy)));
        List<String> names = new ArrayList<>();
        Matcher m = Parameters.PATTERN.matcher(pattern);
        while (m.find()) {
            names.add(m.group(1));
        }
        this.parameters = List.copyOf(names);
    }

    /** The HTTP method, upper case. */
    public String method() {
        return method;
    }

    /** The path pattern, e.g. {@code /api/v1/channels/{id}}; also the route's metrics label. */
    public String pattern() {
        return pattern;
    }

    /** Whether a server playing {@code role} serves this route. */
    public boolean servedBy(ServerRole role) {
        return servedBy.contains(role);
    }

    /** The names of the pattern's parameters, in order. */
    public List<String> parameters() {
        return parameters;
    }

    /**
     * The request path with {@code values} in place of the pattern's parameters, each
     * percent-encoded as one segment.
     *
     * @throws IllegalArgumentException if the number of values differs from the parameters'
     */
    public String path(Object... values) {
        if (values.length != parameters.size()) {
            throw new IllegalArgumentException(
                    name() + " takes " + parameters.size() + " path values " + parameters + ", got " + values.length);
        }
        Matcher m = Parameters.PATTERN.matcher(pattern);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (m.find()) {
            String value = Objects.requireNonNull(values[i++], "path value").toString();
            m.appendReplacement(out, Matcher.quoteReplacement(encode(value).replace("+", "%20")));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Like {@link #path(Object...)}, followed by {@code query} (in its iteration order) as a
     * percent-encoded query string. A value that is an {@link Iterable} repeats its parameter once
     * per element ({@code tag=a&tag=b}); an empty map, or only empty iterables, add nothing.
     */
    public String path(Map<String, ?> query, Object... values) {
        String path = path(values);
        StringJoiner q = new StringJoiner("&", path + "?", "").setEmptyValue(path);
        query.forEach((name, value) -> {
            Iterable<?> each = value instanceof Iterable<?> many ? many : List.of(String.valueOf(value));
            for (Object one : each) {
                q.add(encode(name) + "=" + encode(String.valueOf(one)));
            }
        });
        return q.toString();
    }

    /** Holds the pattern apart, as enum constructors cannot read the enum's own static fields. */
    private static final class Parameters {
        static final Pattern PATTERN = Pattern.compile("\\{([a-z_]+)}");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
