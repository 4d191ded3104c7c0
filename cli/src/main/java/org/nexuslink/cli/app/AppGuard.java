// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;

/**
 * Who may use the local API (docs/app.md, "Who can drive it"). Another web site the user visits can reach
 * 127.0.0.1 too: a Host check stops DNS rebinding, a bearer token (known only to the page the
 * command opened) stops cross-site requests, and Origin / Sec-Fetch-Site refuse what a browser
 * marks as cross-site. A WebSocket carries the token in its query (browsers cannot set headers
 * there) and must show our own Origin. Immutable once the port is known; thread-safe.
 */
final class AppGuard {
    /** The token's length in bytes before encoding. */
    static final int TOKEN_BYTES = 32;

    private final String token;
    private final byte[] tokenBytes;
    private volatile int port;

    AppGuard(String token) {
        this.token = Objects.requireNonNull(token, "token");
        this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** A fresh token: 32 random bytes, base64url without padding (43 characters). */
    static String newToken(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String token() {
        return token;
    }

    /** Called once the server is bound; until then every request is refused. */
    void bound(int boundPort) {
        this.port = boundPort;
    }

    /** The origins that are ours: the page the command opened, by IP or by name. */
    Set<String> origins() {
        return Set.of("http://127.0.0.1:" + port, "http://localhost:" + port);
    }

    /** Refuses a request whose Host is not ours (DNS rebinding). */
    void checkHost(String host) {
        int p = port;
        if (p == 0 || host == null || !(host.equals("127.0.0.1:" + p) || host.equals("localhost:" + p))) {
            throw new ApiError(403, "forbidden_origin", "this server answers only to 127.0.0.1 and localhost");
        }
    }

    /** Refuses what a browser says comes from another site. */
    void checkOrigin(String origin, String fetchSite, boolean originRequired) {
        if (origin == null ? originRequired : !origins().contains(origin)) {
            throw new ApiError(403, "forbidden_origin", "requests from other origins are refused");
        }
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            throw new ApiError(403, "forbidden_origin", "cross-site requests are refused");
        }
    }

    /** Refuses a missing or wrong {@code Authorization: Bearer} header. */
    void checkBearer(String authorization) {
        String prefix = "Bearer ";
        if (authorization == null || !authorization.startsWith(prefix)) {
            throw unauthorized();
        }
        checkToken(authorization.substring(prefix.length()));
    }

    /** Refuses a missing or wrong token, compared in constant time. */
    void checkToken(String given) {
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.US_ASCII), tokenBytes)) {
            throw unauthorized();
        }
    }

    private static ApiError unauthorized() {
        return new ApiError(401, "unauthorized", "a valid token is required (open the link the app printed)");
    }
}
