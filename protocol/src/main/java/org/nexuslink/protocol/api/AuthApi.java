// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import org.nexuslink.protocol.Bytes;

/** The bodies of {@code /api/v1/auth/*} and {@code POST /api/v1/members/join} (docs/api.md). */
public final class AuthApi {
    private AuthApi() {}

    /** {@code POST /api/v1/auth/challenge}. */
    public record ChallengeRequest(String accountId, int deviceId) {}

    /** A challenge for the device to sign, signed by the server's key for the named origin. */
    public record ChallengeResponse(
            Bytes challenge,
            Bytes serverSignature,
            String serverId,
            String serverKey,
            String origin,
            String expiresAt) {}

    /** {@code POST /api/v1/auth/verify}: the signed challenge. */
    public record VerifyRequest(String accountId, int deviceId, Bytes challenge, Bytes signature) {}

    /** A bearer token for a device. {@link #toString()} hides the token. */
    public record TokenResponse(String accountId, int deviceId, String token, String expiresAt) {
        @Override
        public String toString() {
            return "TokenResponse[" + accountId + ":" + deviceId + ", expires " + expiresAt + "]";
        }
    }

    /**
     * {@code POST /api/v1/members/join}: the account, its first certified device and the signed
     * challenge; the optional fields may be null.
     */
    public record JoinRequest(
            String accountId,
            Bytes identityKey,
            Bytes deviceCertificate,
            String displayName,
            Bytes challenge,
            Bytes signature,
            String deviceType,
            String os,
            String appVersion,
            String pushToken) {
        @Override
        public String toString() {
            return "JoinRequest[" + accountId + "]";
        }
    }

    /** The new member's role and its device's token. {@link #toString()} hides the token. */
    public record JoinResponse(String accountId, String role, int deviceId, String token, String expiresAt) {
        @Override
        public String toString() {
            return "JoinResponse[" + accountId + ":" + deviceId + ", " + role + "]";
        }
    }
}
