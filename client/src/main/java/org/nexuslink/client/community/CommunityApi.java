// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.community;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.nexuslink.crypto.challenge.InvalidChallengeException;
import org.nexuslink.crypto.challenge.Origin;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceKeyPair;

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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    /** The longest {@code Retry-After} a call waits out before retrying; a longer one is the caller's. */
    static final long MAX_RETRY_AFTER_SECONDS = 60;

    private final URI server;
    private final HttpClient http;
    /** The server key challenges must name and be signed by; null until pinned (then no signing). */
    private final ServerPublicKey pinned;

    /** An API with no server key pinned: it reads {@link #serverInfo} but signs nothing. */
    public CommunityApi(URI server) {
        this(server, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), null);
    }

    /**
     * @param server the server's base URL, e.g. {@code http://localhost:8080}
     * @param pinned the server key pinned at join
     */
    public CommunityApi(URI server, ServerPublicKey pinned) {
        this(server, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
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
        JsonNode info = get("/api/v1/server", null);
        try {
            return new ServerInfo(info.path("server_id").asText(), ServerPublicKey.fromBase64(info.path("public_key").asText()),
                    info.path("name").asText(), info.path("role").asText(), info.path("version").asText());
        } catch (IllegalArgumentException e) {
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

    /** A refusal from the server, with its stable error code. */
    public static final class RefusedException extends IOException {
        private final int status;
        private final String code;

        public RefusedException(int status, String code, String message) {
            super(code + " (" + status + "): " + message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    /**
     * Joins the community with the account's identity key and a certified device, described by
     * {@code deviceType} (as the device list shows it: {@code cli}, {@code sdk}, ...) and this
     * machine's operating system.
     */
    public Session join(AccountIdentity identity, DeviceKeyPair device, DeviceCertificate certificate,
                        String displayName, String deviceType) throws IOException, InterruptedException {
        Map<String, Object> body = signedChallenge(identity.accountId().toString(), certificate.deviceId().value(),
                device);
        body.put("account_id", identity.accountId().toString());
        body.put("identity_key", B64.encodeToString(identity.accountId().publicKeyBytes()));
        body.put("device_certificate", B64.encodeToString(certificate.encoded()));
        if (!displayName.isEmpty()) {
            body.put("display_name", displayName);
        }
        body.put("device_type", deviceType);
        body.put("os", operatingSystem());
        JsonNode joined = post("/api/v1/members/join", body, null);
        return new Session(joined.get("token").asText(), identity.accountId().toString(), joined.get("device_id").asInt());
    }

    /** Authenticates a registered device and returns a fresh token. */
    public Session authenticate(String accountId, int deviceId, DeviceKeyPair device)
            throws IOException, InterruptedException {
        Map<String, Object> body = signedChallenge(accountId, deviceId, device);
        body.put("account_id", accountId);
        body.put("device_id", deviceId);
        return new Session(post("/api/v1/auth/verify", body, null).get("token").asText(), accountId, deviceId);
    }

    /** This machine's operating system as the device list shows it ({@code linux}, {@code mac os x}, ...). */
    public static String operatingSystem() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(java.util.Locale.ROOT).strip();
        return os.length() > 50 ? os.substring(0, 50) : os;
    }

    /** The WebSocket URL of this server ({@code ws://.../ws} or {@code wss://.../ws}). */
    public URI webSocketUri() {
        String scheme = "https".equals(server.getScheme()) ? "wss" : "ws";
        return URI.create(scheme + "://" + server.getRawAuthority() + "/ws");
    }

    private Map<String, Object> signedChallenge(String accountId, int deviceId, DeviceKeyPair device)
            throws IOException, InterruptedException {
        if (pinned == null) {
            throw new IllegalStateException("no server key is pinned for " + server + ": pin one before signing in");
        }
        JsonNode issued = post("/api/v1/auth/challenge", Map.of("account_id", accountId, "device_id", deviceId), null);
        byte[] encoded;
        byte[] serverSignature;
        try {
            encoded = Base64.getDecoder().decode(issued.path("challenge").asText());
            serverSignature = Base64.getDecoder().decode(issued.path("server_signature").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException("the server sent a challenge that is not base64: " + e.getMessage(), e);
        }
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
        byte[] signature = challenge.sign(device);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("challenge", B64.encodeToString(encoded));
        body.put("signature", B64.encodeToString(signature));
        return body;
    }

    /** The server's base URL. */
    public URI server() {
        return server;
    }

    /** The HTTP client, shared with the WebSocket and media transfers. */
    public HttpClient http() {
        return http;
    }

    /**
     * A GET as a device.
     *
     * @throws RefusedException with the server's error code on a 4xx or 5xx answer
     */
    public JsonNode get(String path, String token) throws IOException, InterruptedException {
        return call("GET", path, null, token);
    }

    /** A POST of a JSON body as a device; {@code token} may be null for the login endpoints. */
    public JsonNode post(String path, Object body, String token) throws IOException, InterruptedException {
        return call("POST", path, body, token);
    }

    /** A PUT of a JSON body (or none) as a device. */
    public JsonNode put(String path, Object body, String token) throws IOException, InterruptedException {
        return call("PUT", path, body, token);
    }

    /** A DELETE as a device. */
    public JsonNode delete(String path, String token) throws IOException, InterruptedException {
        return call("DELETE", path, null, token);
    }

    /** A DELETE with a JSON body (a device removal carrying its revocation). */
    public JsonNode delete(String path, Object body, String token) throws IOException, InterruptedException {
        return call("DELETE", path, body, token);
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
            long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElse("").trim());
            return seconds >= 0 && seconds <= MAX_RETRY_AFTER_SECONDS ? OptionalLong.of(seconds) : OptionalLong.empty();
        } catch (NumberFormatException notSeconds) {
            return OptionalLong.empty();
        }
    }

    private JsonNode call(String method, String path, Object body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
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
        JsonNode json;
        try {
            json = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RefusedException(response.statusCode(), "not_json",
                    method + " " + path + " answered " + response.statusCode() + " without a JSON body");
        }
        if (response.statusCode() >= 300) {
            throw new RefusedException(response.statusCode(), json.path("code").asText("unknown"),
                    json.path("message").asText(""));
        }
        return json;
    }
}
