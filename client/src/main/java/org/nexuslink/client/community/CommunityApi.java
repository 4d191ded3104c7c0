// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.community;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.nexuslink.client.RefusedException;
import org.nexuslink.crypto.challenge.InvalidChallengeException;
import org.nexuslink.crypto.challenge.Origin;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.api.ApiJson;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.AuthApi;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.protocol.api.DevicesApi;
import org.nexuslink.protocol.api.MembersApi;
import org.nexuslink.protocol.api.PrekeysApi;

/**
 * A community server's account endpoints as a client uses them (docs/api.md): join with a key
 * pair and a certified device, or authenticate a registered device, each by signing the server's
 * challenge with the device key. A call refused with 429 waits out its {@code Retry-After} (up to
 * a minute) and is sent once more.
 *
 * <p>Signing needs the server's long-term key pinned (at join, see docs/client.md): a challenge
 * is signed only when it names the pinned key and the origin of this API's URL and carries the
 * pinned key's signature, so a server relaying another server's challenge gets nothing signed.
 * Immutable and thread-safe.
 */
public final class CommunityApi {
    private static final ObjectMapper JSON = ApiJson.tolerant();

    /** The longest {@code Retry-After} a call waits out before retrying; a longer one is the caller's. */
    static final long MAX_RETRY_AFTER_SECONDS = 60;

    private final URI server;
    private final HttpClient http;
    /** The server key challenges must name and be signed by; null until pinned (then no signing). */
    private final ServerPublicKey pinned;

    /** An API with no server key pinned: it reads {@link #serverInfo} but signs nothing. */
    public CommunityApi(URI server) {
        this(
                server,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                null);
    }

    /**
     * @param server the server's base URL, e.g. {@code http://localhost:8080}
     * @param pinned the server key pinned at join
     */
    public CommunityApi(URI server, ServerPublicKey pinned) {
        this(
                server,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                Objects.requireNonNull(pinned, "pinned"));
    }

    private CommunityApi(URI server, HttpClient http, ServerPublicKey pinned) {
        this.server = Objects.requireNonNull(server, "server");
        this.http = http;
        this.pinned = pinned;
    }

    /** This API with {@code key} pinned, sharing its HTTP client. */
    public CommunityApi pinnedTo(ServerPublicKey key) {
        return new CommunityApi(server, http, Objects.requireNonNull(key, "key"));
    }

    /**
     * This API pinned to whatever key the server presents now (trust on first use): for tools and
     * tests that join a server they just started. A profile pins once and keeps the key.
     */
    public CommunityApi trustOnFirstUse() throws IOException, InterruptedException {
        return pinnedTo(serverInfo().publicKey());
    }

    /** The pinned server key, if any. */
    public Optional<ServerPublicKey> pinnedKey() {
        return Optional.ofNullable(pinned);
    }

    /** What {@code GET /api/v1/server} says about the server. */
    public record ServerInfo(String serverId, ServerPublicKey publicKey, String name, String role, String version) {
        public ServerInfo {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(version, "version");
        }
    }

    /**
     * The server's id, long-term public key and name ({@code GET /api/v1/server}, no auth).
     *
     * @throws IOException when the server is unreachable, refuses, or presents no valid key
     */
    public ServerInfo serverInfo() throws IOException, InterruptedException {
        org.nexuslink.protocol.api.ServerInfo info =
                call(ApiRoute.SERVER_INFO, null, org.nexuslink.protocol.api.ServerInfo.class, null);
        try {
            return new ServerInfo(
                    info.serverId(),
                    ServerPublicKey.fromBase64(String.valueOf(info.publicKey())),
                    info.name(),
                    info.role(),
                    info.version());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException(server + " presents no valid server key: " + e.getMessage(), e);
        }
    }

    /**
     * The server is not the one whose key was pinned (or given with {@code --server-key}), or its
     * challenge names another origin or lacks the pinned key's signature: nothing was signed.
     */
    public static final class UntrustedServerException extends IOException {
        public UntrustedServerException(String message) {
            super(message);
        }
    }

    /** A device's bearer token. {@link #toString()} hides it. */
    public record Session(String token, String accountId, int deviceId) {
        @Override
        public String toString() {
            return "Session[" + accountId + ":" + deviceId + "]";
        }
    }

    /**
     * Joins the community with the account's identity key and a certified device, described by
     * {@code deviceType} (as the device list shows it: {@code cli}, {@code sdk}, ...) and this
     * machine's operating system.
     */
    public Session join(
            AccountIdentity identity,
            DeviceKeyPair device,
            DeviceCertificate certificate,
            String displayName,
            String deviceType)
            throws IOException, InterruptedException {
        SignedChallenge signed = signedChallenge(
                identity.accountId().toString(), certificate.deviceId().value(), device);
        AuthApi.JoinRequest body = new AuthApi.JoinRequest(
                identity.accountId().toString(),
                Bytes.of(identity.accountId().publicKeyBytes()),
                Bytes.of(certificate.encoded()),
                displayName.isEmpty() ? null : displayName,
                signed.challenge(),
                signed.signature(),
                deviceType,
                operatingSystem(),
                null,
                null);
        AuthApi.JoinResponse joined = call(ApiRoute.MEMBERS_JOIN, body, AuthApi.JoinResponse.class, null);
        return new Session(joined.token(), identity.accountId().toString(), joined.deviceId());
    }

    /** Authenticates a registered device and returns a fresh token. */
    public Session authenticate(String accountId, int deviceId, DeviceKeyPair device)
            throws IOException, InterruptedException {
        SignedChallenge signed = signedChallenge(accountId, deviceId, device);
        AuthApi.TokenResponse token = call(
                ApiRoute.AUTH_VERIFY,
                new AuthApi.VerifyRequest(accountId, deviceId, signed.challenge(), signed.signature()),
                AuthApi.TokenResponse.class,
                null);
        return new Session(token.token(), accountId, deviceId);
    }

    /** This machine's operating system as the device list shows it ({@code linux}, {@code mac os x}, ...). */
    public static String operatingSystem() {
        String os = System.getProperty("os.name", "unknown")
                .toLowerCase(java.util.Locale.ROOT)
                .strip();
        return os.length() > 50 ? os.substring(0, 50) : os;
    }

    /** The WebSocket URL of this server ({@code ws://.../ws} or {@code wss://.../ws}). */
    public URI webSocketUri() {
        String scheme = "https".equals(server.getScheme()) ? "wss" : "ws";
        return URI.create(scheme + "://" + server.getRawAuthority() + "/ws");
    }

    /** A server challenge and this device's signature over it. */
    private record SignedChallenge(Bytes challenge, Bytes signature) {}

    private SignedChallenge signedChallenge(String accountId, int deviceId, DeviceKeyPair device)
            throws IOException, InterruptedException {
        if (pinned == null) {
            throw new IllegalStateException("no server key is pinned for " + server + ": pin one before signing in");
        }
        AuthApi.ChallengeResponse issued = call(
                ApiRoute.AUTH_CHALLENGE,
                new AuthApi.ChallengeRequest(accountId, deviceId),
                AuthApi.ChallengeResponse.class,
                null);
        if (issued.challenge() == null || issued.serverSignature() == null) {
            throw new IOException("the server sent a challenge without its bytes or signature");
        }
        byte[] encoded = issued.challenge().toByteArray();
        byte[] serverSignature = issued.serverSignature().toByteArray();
        ServerChallenge challenge;
        try {
            challenge = ServerChallenge.decode(encoded);
        } catch (InvalidChallengeException e) {
            throw new IOException("the server sent a malformed challenge: " + e.getMessage(), e);
        }
        try {
            // Sign only for the server whose key was pinned, at the URL this client itself uses.
            challenge.verifyServer(serverSignature, pinned, Origin.of(server));
        } catch (InvalidChallengeException e) {
            throw new UntrustedServerException("refusing to sign in to " + server + ": " + e.getMessage()
                    + " (another server may be relaying its challenge)");
        }
        return new SignedChallenge(Bytes.of(encoded), Bytes.of(challenge.sign(device)));
    }

    /** The server's base URL. */
    public URI server() {
        return server;
    }

    /** The HTTP client, shared with the WebSocket and media transfers. */
    public HttpClient http() {
        return http;
    }

    /** The channels the device's account can see ({@code GET /api/v1/channels}). */
    public ChannelsApi.ChannelList channels(String token) throws IOException, InterruptedException {
        return call(ApiRoute.CHANNELS, null, ChannelsApi.ChannelList.class, token);
    }

    /** One channel as the device's account sees it. */
    public ChannelsApi.ChannelView channel(String channelId, String token) throws IOException, InterruptedException {
        return call(ApiRoute.CHANNEL, null, ChannelsApi.ChannelView.class, token, channelId);
    }

    /** The members of a private channel. */
    public ChannelsApi.MemberList channelMembers(String channelId, String token)
            throws IOException, InterruptedException {
        return call(ApiRoute.CHANNEL_MEMBERS, null, ChannelsApi.MemberList.class, token, channelId);
    }

    /** The first page of the community's members, in account order. */
    public MembersApi.MemberPage members(int limit, String token) throws IOException, InterruptedException {
        return call(ApiRoute.MEMBERS, List.of(), Map.of("limit", limit), null, MembersApi.MemberPage.class, token);
    }

    /** The page of members that follows account {@code after} (a page's {@code next}). */
    public MembersApi.MemberPage members(String after, int limit, String token)
            throws IOException, InterruptedException {
        Map<String, Object> query = new java.util.LinkedHashMap<>();
        query.put("limit", limit);
        query.put("after", Objects.requireNonNull(after, "after"));
        return call(ApiRoute.MEMBERS, List.of(), query, null, MembersApi.MemberPage.class, token);
    }

    /** The account's devices and device revocations. */
    public DevicesApi.DeviceList devices(String token) throws IOException, InterruptedException {
        return call(ApiRoute.DEVICES, null, DevicesApi.DeviceList.class, token);
    }

    /** A bundle for each device of an account (each taking one of its one-time prekeys). */
    public PrekeysApi.Bundles prekeyBundles(String accountId, String token) throws IOException, InterruptedException {
        return call(ApiRoute.PREKEYS_BUNDLES, null, PrekeysApi.Bundles.class, token, accountId);
    }

    /** The bundle of one device of an account. */
    public PrekeysApi.Bundles prekeyBundles(String accountId, int device, String token)
            throws IOException, InterruptedException {
        return call(
                ApiRoute.PREKEYS_BUNDLES,
                List.of(accountId),
                Map.of("device", device),
                null,
                PrekeysApi.Bundles.class,
                token);
    }

    /** This device's prekey stock. */
    public PrekeysApi.Counts prekeyCounts(String token) throws IOException, InterruptedException {
        return call(ApiRoute.PREKEYS_COUNT, null, PrekeysApi.Counts.class, token);
    }

    /** Uploads prekeys and returns the new stock. */
    public PrekeysApi.Counts uploadPrekeys(PrekeysApi.UploadRequest upload, String token)
            throws IOException, InterruptedException {
        return call(ApiRoute.PREKEYS_UPLOAD, Objects.requireNonNull(upload, "upload"), PrekeysApi.Counts.class, token);
    }

    /**
     * Calls {@code route} as a device and reads the answer as {@code answer}.
     *
     * @param body       the JSON request body (a record of {@code org.nexuslink.protocol.api}), or null
     * @param token      the device's bearer token, or null for the sign-in endpoints
     * @param pathValues the values of the route's path parameters, in order
     * @throws RefusedException with the server's error code on a 3xx, 4xx or 5xx answer
     * @throws IOException      when the server is unreachable or its answer is not a valid {@code answer}
     */
    public <T> T call(ApiRoute route, Object body, Class<T> answer, String token, Object... pathValues)
            throws IOException, InterruptedException {
        return call(route, List.of(pathValues), Map.of(), body, answer, token);
    }

    /** Like {@link #call(ApiRoute, Object, Class, String, Object...)}, with a query string. */
    public <T> T call(
            ApiRoute route, List<?> pathValues, Map<String, ?> query, Object body, Class<T> answer, String token)
            throws IOException, InterruptedException {
        Objects.requireNonNull(answer, "answer");
        String path = route.path(query, pathValues.toArray());
        byte[] json = send(route.method(), path, body, token);
        try {
            T value = JSON.readValue(
                    json.length == 0 ? "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8) : json, answer);
            if (value == null) {
                throw new IOException(route.method() + " " + path + " answered null");
            }
            return value;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IOException(
                    route.method() + " " + path + " answered a body that is not a valid " + answer.getSimpleName()
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /** Calls {@code route} as a device for its effect, ignoring any answer body. */
    public void perform(ApiRoute route, Object body, String token, Object... pathValues)
            throws IOException, InterruptedException {
        send(route.method(), route.path(pathValues), body, token);
    }

    /** Like {@link #perform(ApiRoute, Object, String, Object...)}, with a query string. */
    public void perform(ApiRoute route, List<?> pathValues, Map<String, ?> query, Object body, String token)
            throws IOException, InterruptedException {
        send(route.method(), route.path(query, pathValues.toArray()), body, token);
    }

    private HttpResponse<byte[]> exchange(HttpRequest request, String method, String path)
            throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new java.net.ConnectException("cannot reach " + server + " (" + method + " " + path + ")");
        }
    }

    /** The wait a 429 asks for, if it is one with a usable {@code Retry-After} (whole seconds, at most a minute). */
    static OptionalLong retryAfter(HttpResponse<?> response) {
        if (response.statusCode() != 429) {
            return OptionalLong.empty();
        }
        try {
            long seconds = Long.parseLong(
                    response.headers().firstValue("Retry-After").orElse("").trim());
            return seconds >= 0 && seconds <= MAX_RETRY_AFTER_SECONDS ? OptionalLong.of(seconds) : OptionalLong.empty();
        } catch (NumberFormatException notSeconds) {
            return OptionalLong.empty();
        }
    }

    private byte[] send(String method, String path, Object body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest built = request.build();
        HttpResponse<byte[]> response = exchange(built, method, path);
        OptionalLong retryAfter = retryAfter(response);
        if (retryAfter.isPresent()) {
            // Rate limited: wait as told, once. A second refusal goes to the caller.
            Thread.sleep(retryAfter.getAsLong() * 1000);
            response = exchange(built, method, path);
        }
        if (response.statusCode() >= 300) {
            throw refusal(response.statusCode(), response.body(), method, path);
        }
        return response.body();
    }

    /** The refusal a 3xx, 4xx or 5xx answer carries, read from its error body when it has one. */
    static RefusedException refusal(int status, byte[] body, String method, String path) {
        if (body.length == 0) {
            return RefusedException.http(status, "unknown", "");
        }
        try {
            ErrorBody error = JSON.readValue(body, ErrorBody.class);
            return RefusedException.http(status, error.code(), error.message());
        } catch (IOException | IllegalArgumentException | NullPointerException notAnErrorBody) {
            return RefusedException.http(
                    status, "not_json", method + " " + path + " answered " + status + " without a JSON error body");
        }
    }
}
