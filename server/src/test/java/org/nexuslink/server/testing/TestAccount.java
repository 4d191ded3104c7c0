// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.nexuslink.crypto.challenge.InvalidChallengeException;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;

/**
 * A real client identity for server tests: an account identity key and certified device keys,
 * driving join and challenge-response auth over real HTTP as a client would.
 */
public final class TestAccount {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final AccountIdentity identity = AccountIdentity.generate();
    private final Clock clock;

    public TestAccount(Clock clock) {
        this.clock = clock;
    }

    public AccountIdentity identity() {
        return identity;
    }

    public String id() {
        return identity.accountId().toString();
    }

    /** A fresh device key pair with a certificate from this account. */
    public CertifiedDevice device(int id) {
        DeviceKeyPair keys = DeviceKeyPair.generate();
        DeviceCertificate certificate =
                identity.certify(new DeviceId(id), keys.publicKey(), clock.instant(), Optional.empty());
        return new CertifiedDevice(keys, certificate);
    }

    /** A device's keys and its certificate. */
    public record CertifiedDevice(DeviceKeyPair keys, DeviceCertificate certificate) {
        public int id() {
            return certificate.deviceId().value();
        }
    }

    /** Asks for a challenge and signs it with the device key: {challenge, signature} as base64. */
    public ObjectNode signedChallenge(TestServer server, CertifiedDevice device) {
        TestServer.Reply reply = server.post(
                "/api/v1/auth/challenge",
                TestServer.object().put("account_id", id()).put("device_id", device.id()),
                null);
        if (reply.status() != 200) {
            throw new AssertionError("challenge refused: " + reply);
        }
        byte[] encoded =
                Base64.getDecoder().decode(reply.body().get("challenge").asText());
        try {
            byte[] signature = ServerChallenge.decode(encoded).sign(device.keys());
            return TestServer.object()
                    .put("challenge", B64.encodeToString(encoded))
                    .put("signature", B64.encodeToString(signature));
        } catch (InvalidChallengeException e) {
            throw new AssertionError("server sent a malformed challenge", e);
        }
    }

    /** The body of a join request for {@code device}, signed over a fresh challenge. */
    public ObjectNode joinRequest(TestServer server, CertifiedDevice device) {
        return signedChallenge(server, device)
                .put("account_id", id())
                .put("identity_key", B64.encodeToString(identity.accountId().publicKeyBytes()))
                .put(
                        "device_certificate",
                        B64.encodeToString(device.certificate().encoded()))
                .put("display_name", "tester")
                .put("device_type", "cli");
    }

    /** Joins with {@code device} and returns its bearer token. */
    public String join(TestServer server, CertifiedDevice device) {
        TestServer.Reply reply = server.post("/api/v1/members/join", joinRequest(server, device), null);
        if (reply.status() != 201) {
            throw new AssertionError("join refused: " + reply);
        }
        return reply.body().get("token").asText();
    }

    /** Authenticates a registered device and returns its bearer token. */
    public String authenticate(TestServer server, CertifiedDevice device) {
        TestServer.Reply reply = server.post("/api/v1/auth/verify", verifyRequest(server, device), null);
        if (reply.status() != 200) {
            throw new AssertionError("verify refused: " + reply);
        }
        return reply.body().get("token").asText();
    }

    /** The body of a verify request for {@code device}. */
    public ObjectNode verifyRequest(TestServer server, CertifiedDevice device) {
        return signedChallenge(server, device).put("account_id", id()).put("device_id", device.id());
    }

    /** Removes {@code device} with {@code token}, carrying the identity key's revocation of it. */
    public TestServer.Reply remove(TestServer server, String token, CertifiedDevice device) {
        return server.delete(
                "/api/v1/devices/" + device.id(),
                TestServer.object()
                        .put(
                                "revocation",
                                B64.encodeToString(identity.revoke(device.certificate(), clock.instant())
                                        .encoded())),
                token);
    }

    /** Registers another device with an existing device's token. */
    public TestServer.Reply register(TestServer server, String token, CertifiedDevice device) {
        return server.post(
                "/api/v1/devices/register",
                TestServer.object()
                        .put(
                                "device_certificate",
                                B64.encodeToString(device.certificate().encoded()))
                        .put("device_type", "desktop")
                        .put("os", "linux")
                        .put("app_version", "0.1.0"),
                token);
    }
}
