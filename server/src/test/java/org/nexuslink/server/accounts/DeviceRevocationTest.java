// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;

/**
 * Devices are the identity key's to add and remove (issue 18, item 3): the attacks of a stolen
 * linked device and of a revoked certificate coming back, over real HTTP on SQLite and PostgreSQL.
 * Each refusal is checked to change nothing.
 */
class DeviceRevocationTest {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final MutableClock clock = new MutableClock();

    private static long count(Database database, String table) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
                        .mapTo(Long.class)
                        .one());
    }

    /** The account's devices as the server stores them: id, key, revoked or not. */
    private static List<String> deviceRows(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT account_id, device_id, device_key, revoked_at "
                                + "FROM devices ORDER BY account_id, device_id")
                        .map((rs, ctx) -> rs.getString(1) + ":" + rs.getInt(2) + ":"
                                + java.util.HexFormat.of().formatHex(rs.getBytes(3)) + ":" + rs.getObject(4))
                        .list());
    }

    private static List<Integer> deviceIds(TestServer server, String token) {
        List<Integer> ids = new ArrayList<>();
        server.get("/api/v1/devices", token)
                .body()
                .path("devices")
                .forEach(d -> ids.add(d.path("device_id").asInt()));
        return ids;
    }

    private static JsonNode revocationBody(byte[] encoded) {
        return TestServer.object().put("revocation", B64.encodeToString(encoded));
    }

    /** The smallest upload that gives a bundle: a signed EC prekey and a last-resort Kyber prekey. */
    private static JsonNode prekeys(TestAccount.CertifiedDevice device) {
        byte[] ec = ECKeyPair.generate().getPublicKey().serialize();
        byte[] kem = KEMKeyPair.generate(KEMKeyType.KYBER_1024).getPublicKey().serialize();
        var body = TestServer.object();
        body.putObject("signed_prekey")
                .put("key_id", 1)
                .put("public_key", B64.encodeToString(ec))
                .put("signature", B64.encodeToString(device.keys().privateKey().calculateSignature(ec)));
        body.putObject("last_resort_kyber_prekey")
                .put("key_id", 1)
                .put("public_key", B64.encodeToString(kem))
                .put("signature", B64.encodeToString(device.keys().privateKey().calculateSignature(kem)));
        return body;
    }

    @DatabaseTest
    void a_stolen_linked_device_cannot_remove_the_primary(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice laptop = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String phoneToken = alice.join(server, phone);
            alice.register(server, phoneToken, laptop);
            String stolenLaptopToken = alice.authenticate(server, laptop);
            List<String> before = deviceRows(database);

            TestServer.Reply refused = server.delete("/api/v1/devices/1", stolenLaptopToken);

            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("revocation_required");
            assertThat(deviceRows(database)).isEqualTo(before);
            assertThat(count(database, "device_revocations")).isZero();
            assertThat(deviceIds(server, phoneToken)).containsExactly(1, 2);
            assertThat(alice.authenticate(server, phone))
                    .as("the primary still signs in")
                    .isNotEmpty();
        }
    }

    @DatabaseTest
    void removing_another_device_with_a_forged_revocation_is_refused(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount eve = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice laptop = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String phoneToken = alice.join(server, phone);
            alice.register(server, phoneToken, laptop);
            String stolenLaptopToken = alice.authenticate(server, laptop);
            List<String> before = deviceRows(database);

            // Signed by another identity key over the phone's certificate as that key sees it.
            byte[] byEve = eve.identity()
                    .revoke(eve.device(1).certificate(), clock.instant())
                    .encoded();
            byte[] tampered = alice.identity()
                    .revoke(phone.certificate(), clock.instant())
                    .encoded();
            tampered[tampered.length - 1] ^= 1;
            // Genuine, but for another device id, and for another key at the same id.
            byte[] otherId = alice.identity()
                    .revoke(laptop.certificate(), clock.instant())
                    .encoded();
            byte[] otherKey = alice.identity()
                    .revoke(alice.device(1).certificate(), clock.instant())
                    .encoded();

            for (byte[] forged : List.of(byEve, tampered, otherId, otherKey, new byte[] {1, 2, 3})) {
                TestServer.Reply refused =
                        server.delete("/api/v1/devices/1", revocationBody(forged), stolenLaptopToken);
                assertThat(refused.status()).isEqualTo(400);
                assertThat(refused.code()).isEqualTo("invalid_revocation");
            }
            assertThat(server.delete("/api/v1/devices/1", "{\"revocation\": null}", stolenLaptopToken)
                            .code())
                    .isEqualTo("invalid_field");
            assertThat(server.delete("/api/v1/devices/1", "{not json", stolenLaptopToken)
                            .code())
                    .isEqualTo("bad_request");

            assertThat(deviceRows(database)).isEqualTo(before);
            assertThat(count(database, "device_revocations")).isZero();
            assertThat(deviceIds(server, phoneToken)).containsExactly(1, 2);
        }
    }

    @DatabaseTest
    void the_identity_key_removes_a_device_and_its_revocation_is_served_with_the_device_lists(
            DatabaseUrl url, Database database) throws Exception {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice laptop = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String phoneToken = alice.join(server, phone);
            alice.register(server, phoneToken, laptop);
            String bobToken = bob.join(server, bob.device(1));
            assertThat(server.post("/api/v1/prekeys", prekeys(phone), phoneToken)
                            .status())
                    .isEqualTo(200);

            assertThat(alice.remove(server, phoneToken, laptop).status()).isEqualTo(204);

            JsonNode own = server.get("/api/v1/devices", phoneToken).body();
            assertThat(own.path("devices")).hasSize(1);
            assertThat(Base64.getDecoder()
                            .decode(own.path("devices")
                                    .get(0)
                                    .path("certificate")
                                    .asText()))
                    .isEqualTo(phone.certificate().encoded());
            assertThat(own.path("revocations")).hasSize(1);
            DeviceRevocation served = DeviceRevocation.verify(
                    Base64.getDecoder().decode(own.path("revocations").get(0).asText()),
                    alice.identity().accountId());
            assertThat(served.covers(laptop.certificate())).isTrue();

            JsonNode bundles =
                    server.get("/api/v1/prekeys/" + alice.id(), bobToken).body();
            assertThat(bundles.path("revocations")).hasSize(1);
            assertThat(bundles.path("revocations").get(0).asText())
                    .isEqualTo(own.path("revocations").get(0).asText());
        }
    }

    @DatabaseTest
    void a_linked_device_may_remove_itself_and_its_key_never_comes_back(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice laptop = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String phoneToken = alice.join(server, phone);
            alice.register(server, phoneToken, laptop);
            String laptopToken = alice.authenticate(server, laptop);

            assertThat(server.delete("/api/v1/devices/2", laptopToken).status()).isEqualTo(204);

            assertThat(deviceIds(server, phoneToken)).containsExactly(1);
            assertThat(server.get("/api/v1/devices", phoneToken).body().path("revocations"))
                    .as("a self-removal carries no signature to serve")
                    .isEmpty();
            assertThat(count(database, "device_revocations")).isEqualTo(1);
        }
    }

    @DatabaseTest
    void the_last_device_cannot_be_removed(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String phoneToken = alice.join(server, phone);
            List<String> before = deviceRows(database);

            TestServer.Reply itself = server.delete("/api/v1/devices/1", phoneToken);
            TestServer.Reply signed = alice.remove(server, phoneToken, phone);

            assertThat(itself.status()).isEqualTo(409);
            assertThat(itself.code()).isEqualTo("last_device");
            assertThat(signed.code()).isEqualTo("last_device");
            assertThat(deviceRows(database)).isEqualTo(before);
            assertThat(count(database, "device_revocations")).isZero();
            assertThat(deviceIds(server, phoneToken)).containsExactly(1);
            assertThat(alice.authenticate(server, phone)).isNotEmpty();
        }
    }

    @DatabaseTest
    void a_revoked_certificate_cannot_rejoin_or_sign_in_after_the_member_leaves(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice stolen = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String phoneToken = alice.join(server, phone);
            alice.register(server, phoneToken, stolen);
            assertThat(alice.remove(server, phoneToken, stolen).status()).isEqualTo(204);
            assertThat(server.delete("/api/v1/members/" + alice.id(), phoneToken)
                            .status())
                    .isEqualTo(204);
            assertThat(count(database, "devices"))
                    .as("leaving deletes the device rows")
                    .isZero();

            TestServer.Reply rejoin = server.post("/api/v1/members/join", alice.joinRequest(server, stolen), null);

            assertThat(rejoin.status()).isEqualTo(403);
            assertThat(rejoin.code()).isEqualTo("device_revoked");
            assertThat(count(database, "members")).isZero();
            assertThat(count(database, "devices")).isZero();
            assertThat(server.post("/api/v1/auth/verify", alice.verifyRequest(server, stolen), null)
                            .status())
                    .isEqualTo(401);
            assertThat(count(database, "auth_tokens")).isZero();

            // The owner comes back with the phone; the stolen key stays out, even through the owner's token.
            String again = alice.join(server, phone);
            assertThat(alice.register(server, again, stolen).code()).isEqualTo("device_revoked");
            assertThat(server.post("/api/v1/auth/verify", alice.verifyRequest(server, stolen), null)
                            .status())
                    .isEqualTo(401);
            assertThat(deviceIds(server, again)).containsExactly(1);
            assertThat(server.get("/api/v1/devices", again).body().path("revocations"))
                    .as("the revocation outlived the membership")
                    .hasSize(1);
        }
    }

    @DatabaseTest
    void a_revoked_certificate_cannot_rejoin_after_the_member_is_kicked(DatabaseUrl url, Database database) {
        TestAccount admin = new TestAccount(clock);
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice stolen = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_COMMUNITY_ADMIN_UUID", admin.id()))) {
            String adminToken = admin.join(server, admin.device(1));
            String phoneToken = alice.join(server, phone);
            alice.register(server, phoneToken, stolen);
            String stolenToken = alice.authenticate(server, stolen);
            assertThat(alice.remove(server, phoneToken, stolen).status()).isEqualTo(204);
            assertThat(server.get("/api/v1/devices", stolenToken).code()).isEqualTo("token_invalid");
            assertThat(server.delete("/api/v1/members/" + alice.id(), adminToken)
                            .status())
                    .isEqualTo(204);

            TestServer.Reply rejoin = server.post("/api/v1/members/join", alice.joinRequest(server, stolen), null);

            assertThat(rejoin.code()).isEqualTo("device_revoked");
            assertThat(count(database, "members")).isEqualTo(1);
            assertThat(server.post("/api/v1/auth/verify", alice.verifyRequest(server, stolen), null)
                            .status())
                    .isEqualTo(401);
            assertThat(alice.join(server, alice.device(2)))
                    .as("a new key at the same id is welcome")
                    .isNotEmpty();
        }
    }
}
