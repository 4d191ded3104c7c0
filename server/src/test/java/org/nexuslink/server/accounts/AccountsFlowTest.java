// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/** Join, challenge-response auth and devices over real HTTP, on SQLite and PostgreSQL. */
class AccountsFlowTest {
    private final MutableClock clock = new MutableClock();

    private static long count(Database database, String table) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
                        .mapTo(Long.class)
                        .one());
    }

    @DatabaseTest
    void a_new_account_joins_and_lists_the_members(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_COMMUNITY_ADMIN_UUID", alice.id()))) {
            TestServer.Reply joined =
                    server.post("/api/v1/members/join", alice.joinRequest(server, alice.device(1)), null);
            TestAccount bob = new TestAccount(clock);
            String bobToken = bob.join(server, bob.device(1));

            assertThat(joined.status()).isEqualTo(201);
            assertThat(joined.body().get("role").asText()).isEqualTo("admin");
            assertThat(joined.body().get("device_id").asInt()).isEqualTo(1);
            TestServer.Reply members = server.get("/api/v1/members", bobToken);
            assertThat(members.status()).isEqualTo(200);
            assertThat(members.body().get("members")).hasSize(2);
            assertThat(members.body().get("members").findValuesAsText("account_id"))
                    .contains(alice.id());
        }
    }

    @DatabaseTest
    void members_pages_by_account_id(DatabaseUrl url) {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = null;
            for (int i = 0; i < 3; i++) {
                TestAccount account = new TestAccount(clock);
                token = account.join(server, account.device(1));
            }
            TestServer.Reply first = server.get("/api/v1/members?limit=2", token);
            TestServer.Reply second = server.get(
                    "/api/v1/members?limit=2&after=" + first.body().get("next").asText(), token);

            assertThat(first.body().get("members")).hasSize(2);
            assertThat(second.body().get("members")).hasSize(1);
            assertThat(second.body().has("next")).isFalse();
            assertThat(server.get("/api/v1/members?limit=0", token).code()).isEqualTo("invalid_field");
        }
    }

    @DatabaseTest
    void a_registered_device_authenticates_and_its_token_works(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, phone);

            String token = alice.authenticate(server, phone);

            assertThat(server.get("/api/v1/devices", token).status()).isEqualTo(200);
            assertThat(server.get("/api/v1/devices", null).code()).isEqualTo("token_invalid");
            assertThat(server.get("/api/v1/devices", "garbage").code()).isEqualTo("token_invalid");
        }
    }

    @DatabaseTest
    void a_replayed_challenge_response_is_refused(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, phone);
            ObjectNode response = alice.verifyRequest(server, phone);

            TestServer.Reply first = server.post("/api/v1/auth/verify", response, null);
            TestServer.Reply replay = server.post("/api/v1/auth/verify", response, null);

            assertThat(first.status()).isEqualTo(200);
            assertThat(replay.status()).isEqualTo(401);
            assertThat(replay.code()).isEqualTo("challenge_invalid");
        }
    }

    @DatabaseTest
    void an_expired_challenge_is_refused(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, phone);
            ObjectNode response = alice.verifyRequest(server, phone);
            clock.advance(Duration.ofMinutes(3));

            TestServer.Reply reply = server.post("/api/v1/auth/verify", response, null);

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("challenge_expired");
        }
    }

    @DatabaseTest
    void a_signature_by_another_key_is_refused_and_the_challenge_stays_usable(DatabaseUrl url) throws Exception {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, phone);
            ObjectNode good = alice.verifyRequest(server, phone);
            byte[] challenge = Base64.getDecoder().decode(good.get("challenge").asText());
            byte[] forged = ServerChallenge.decode(challenge).sign(DeviceKeyPair.generate());
            ObjectNode bad =
                    good.deepCopy().put("signature", Base64.getEncoder().encodeToString(forged));

            TestServer.Reply refused = server.post("/api/v1/auth/verify", bad, null);
            TestServer.Reply accepted = server.post("/api/v1/auth/verify", good, null);

            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.code()).isEqualTo("sign_in_refused");
            assertThat(accepted.status()).isEqualTo(200);
        }
    }

    @DatabaseTest
    void a_challenge_issued_for_another_device_is_refused(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice laptop = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = alice.join(server, phone);
            alice.register(server, token, laptop);
            ObjectNode forPhone = alice.verifyRequest(server, phone);

            TestServer.Reply reply =
                    server.post("/api/v1/auth/verify", forPhone.deepCopy().put("device_id", 2), null);

            assertThat(reply.code()).isEqualTo("challenge_invalid");
        }
    }

    @DatabaseTest
    void an_unregistered_device_cannot_authenticate(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, alice.device(1));
            TestAccount.CertifiedDevice stranger = alice.device(9);

            TestServer.Reply reply = server.post("/api/v1/auth/verify", alice.verifyRequest(server, stranger), null);

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("sign_in_refused");
        }
    }

    @DatabaseTest
    void a_stranger_cannot_tell_members_from_non_members_by_signing_in(DatabaseUrl url, Database database) {
        TestAccount member = new TestAccount(clock);
        TestAccount banned = new TestAccount(clock);
        TestAccount stranger = new TestAccount(clock);
        TestAccount.CertifiedDevice memberPhone = member.device(1);
        TestAccount.CertifiedDevice bannedPhone = banned.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            member.join(server, memberPhone);
            banned.join(server, bannedPhone);
            database.inTransaction(h -> h.createUpdate("UPDATE members SET is_banned = TRUE WHERE account_id = :a")
                    .bind("a", banned.id())
                    .execute());
            long tokens = count(database, "auth_tokens");
            // What a stranger can send: a challenge for any account, answered with its own key.
            DeviceKeyPair strangerKey = DeviceKeyPair.generate();
            java.util.function.BiFunction<TestAccount, Integer, TestServer.Reply> probe = (account, device) -> {
                ObjectNode request = account.verifyRequest(server, account.device(device));
                byte[] challenge =
                        Base64.getDecoder().decode(request.get("challenge").asText());
                try {
                    request.put(
                            "signature",
                            Base64.getEncoder()
                                    .encodeToString(
                                            ServerChallenge.decode(challenge).sign(strangerKey)));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return server.post("/api/v1/auth/verify", request, null);
            };

            TestServer.Reply aMember = probe.apply(member, 1);
            TestServer.Reply aMembersUnknownDevice = probe.apply(member, 2);
            TestServer.Reply aBannedMember = probe.apply(banned, 1);
            TestServer.Reply notAMember = probe.apply(stranger, 1);
            // The banned member's own device, with a good signature, learns no more than that.
            TestServer.Reply bannedItself =
                    server.post("/api/v1/auth/verify", banned.verifyRequest(server, bannedPhone), null);

            for (TestServer.Reply reply :
                    java.util.List.of(aMember, aMembersUnknownDevice, aBannedMember, notAMember, bannedItself)) {
                assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
                assertThat(reply.code()).as(reply.toString()).isEqualTo("sign_in_refused");
                assertThat(reply.body()
                                .get("message")
                                .asText()
                                .replaceAll("nxl:[a-z2-7]+", "nxl:…")
                                .replaceAll("device \\d+", "device …"))
                        .isEqualTo("sign-in refused: device … of nxl:… is not an active device of a member here, "
                                + "or the signature does not verify");
            }
            assertThat(count(database, "auth_tokens")).isEqualTo(tokens);
        }
    }

    @DatabaseTest
    void a_banned_account_cannot_authenticate_use_its_token_or_rejoin(DatabaseUrl url, Database database) {
        TestAccount mallory = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = mallory.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = mallory.join(server, phone);
            database.inTransaction(h -> h.createUpdate("UPDATE members SET is_banned = TRUE WHERE account_id = :a")
                    .bind("a", mallory.id())
                    .execute());

            assertThat(server.get("/api/v1/devices", token).code()).isEqualTo("account_banned");
            assertThat(server.post("/api/v1/auth/verify", mallory.verifyRequest(server, phone), null)
                            .code())
                    .isEqualTo("sign_in_refused");
            TestServer.Reply rejoin =
                    server.post("/api/v1/members/join", mallory.joinRequest(server, mallory.device(2)), null);
            assertThat(rejoin.status()).isEqualTo(403);
            assertThat(rejoin.code()).isEqualTo("account_banned");
        }
    }

    @DatabaseTest
    void a_full_community_refuses_to_join_and_stores_nothing(DatabaseUrl url, Database database) {
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_COMMUNITY_MAX_MEMBERS", "1"))) {
            TestAccount alice = new TestAccount(clock);
            alice.join(server, alice.device(1));
            TestAccount bob = new TestAccount(clock);

            TestServer.Reply reply = server.post("/api/v1/members/join", bob.joinRequest(server, bob.device(1)), null);

            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.code()).isEqualTo("community_full");
            assertThat(count(database, "members")).isEqualTo(1);
            assertThat(count(database, "devices")).isEqualTo(1);
        }
    }

    @DatabaseTest
    void a_join_with_someone_elses_key_or_a_tampered_certificate_is_refused(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount eve = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            ObjectNode wrongKey = alice.joinRequest(server, alice.device(1))
                    .put(
                            "identity_key",
                            Base64.getEncoder()
                                    .encodeToString(eve.identity().accountId().publicKeyBytes()));
            ObjectNode eveCert = alice.joinRequest(server, alice.device(1))
                    .put(
                            "device_certificate",
                            Base64.getEncoder()
                                    .encodeToString(eve.device(1).certificate().encoded()));
            byte[] tampered = alice.device(1).certificate().encoded();
            tampered[tampered.length - 1] ^= 1;
            ObjectNode tamperedCert = alice.joinRequest(server, alice.device(1))
                    .put("device_certificate", Base64.getEncoder().encodeToString(tampered));

            assertThat(server.post("/api/v1/members/join", wrongKey, null).code())
                    .isEqualTo("identity_mismatch");
            assertThat(server.post("/api/v1/members/join", eveCert, null).code())
                    .isEqualTo("invalid_certificate");
            assertThat(server.post("/api/v1/members/join", tamperedCert, null).code())
                    .isEqualTo("invalid_certificate");
            assertThat(server.post("/api/v1/members/join", "{\"account_id\": 5}", null)
                            .code())
                    .isEqualTo("invalid_field");
            assertThat(server.post("/api/v1/members/join", "{not json", null).code())
                    .isEqualTo("bad_request");
            assertThat(count(database, "members")).isZero();
        }
    }

    @DatabaseTest
    void joining_twice_is_a_conflict(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, alice.device(1));

            TestServer.Reply again =
                    server.post("/api/v1/members/join", alice.joinRequest(server, alice.device(2)), null);

            assertThat(again.status()).isEqualTo(409);
            assertThat(again.code()).isEqualTo("conflict");
        }
    }

    @DatabaseTest
    void devices_register_list_hit_the_limit_and_are_removed_with_their_tokens(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice laptop = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_COMMUNITY_MAX_DEVICES", "2"))) {
            String phoneToken = alice.join(server, phone);
            TestServer.Reply registered = alice.register(server, phoneToken, laptop);
            String laptopToken = alice.authenticate(server, laptop);

            assertThat(registered.status()).isEqualTo(201);
            assertThat(server.get("/api/v1/devices", laptopToken).body().get("devices"))
                    .hasSize(2);
            assertThat(alice.register(server, phoneToken, alice.device(3)).code())
                    .isEqualTo("device_limit_reached");
            assertThat(alice.register(server, phoneToken, new TestAccount(clock).device(4))
                            .code())
                    .isEqualTo("invalid_certificate");

            assertThat(alice.remove(server, phoneToken, laptop).status()).isEqualTo(204);

            assertThat(server.get("/api/v1/devices", laptopToken).code()).isEqualTo("token_invalid");
            assertThat(server.get("/api/v1/devices", phoneToken).body().get("devices"))
                    .hasSize(1);
            assertThat(alice.register(server, phoneToken, alice.device(2)).code())
                    .isEqualTo("conflict");
            assertThat(server.post("/api/v1/auth/verify", alice.verifyRequest(server, laptop), null)
                            .code())
                    .isEqualTo("sign_in_refused");
            assertThat(alice.remove(server, phoneToken, laptop).code()).isEqualTo("not_found");
            assertThat(server.delete("/api/v1/devices/x", phoneToken).code()).isEqualTo("invalid_field");
            assertThat(count(database, "auth_tokens")).isEqualTo(1);
        }
    }

    @DatabaseTest
    void a_token_expires(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = alice.join(server, alice.device(1));
            clock.advance(Duration.ofHours(25));

            TestServer.Reply reply = server.get("/api/v1/devices", token);

            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.code()).isEqualTo("token_expired");
        }
    }

    @DatabaseTest
    void tokens_are_stored_only_as_hashes(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = alice.join(server, alice.device(1));
            byte[] raw = Base64.getUrlDecoder().decode(token);

            byte[] stored = database.jdbi()
                    .withHandle(h -> h.createQuery("SELECT token_hash FROM auth_tokens")
                            .mapTo(byte[].class)
                            .one());

            assertThat(stored).hasSize(32).isNotEqualTo(raw);
            assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain(token);
        }
    }

    @DatabaseTest
    void metrics_count_members_and_auth_outcomes_by_reason(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, phone);
            alice.authenticate(server, phone);
            server.post("/api/v1/auth/verify", alice.verifyRequest(server, alice.device(7)), null);

            String metrics = server.metrics();

            assertThat(metrics)
                    .contains("nexuslink_members 1.0")
                    .contains("nexuslink_auth_attempts_total{outcome=\"success\",reason=\"join\"} 1.0")
                    .contains("nexuslink_auth_attempts_total{outcome=\"success\",reason=\"challenge\"} 1.0")
                    .contains("nexuslink_auth_attempts_total{outcome=\"failure\",reason=\"sign_in_refused\"} 1.0");
        }
    }
}
