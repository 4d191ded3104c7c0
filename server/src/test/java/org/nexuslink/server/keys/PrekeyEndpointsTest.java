// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nexuslink.server.keys.UploadJson.b64;
import static org.nexuslink.server.keys.UploadJson.unb64;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

/** The three prekey endpoints over real HTTP: JSON shapes, authentication and every refusal. */
class PrekeyEndpointsTest {
    private final MutableClock clock = new MutableClock();

    private PrekeyApi api(Database database) {
        return new PrekeyApi(database, clock, PrekeySettings.DEFAULTS, PrekeyStockListener.NONE);
    }

    @DatabaseTest
    void uploads_counts_and_fetches_with_the_documented_json(Database database) {
        try (PrekeyApi api = api(database)) {
            SeededMember bobMember = SeededMember.join(database, clock);
            SeededMember.Device bob = bobMember.device(1);
            String token = bob.token();
            String aliceToken = SeededMember.join(database, clock).device(1).token();
            PrekeyUpload upload = new DeviceKeys(bob.key).fullUpload(25, 21);

            PrekeyApi.Reply uploaded = api.post("/api/v1/prekeys", UploadJson.of(upload), Optional.of(token));
            clock.advance(Duration.ofHours(1));
            PrekeyApi.Reply counted = api.get("/api/v1/prekeys/count", Optional.of(token));
            PrekeyApi.Reply fetched =
                    api.get("/api/v1/prekeys/" + bobMember.identity.accountId(), Optional.of(aliceToken));

            assertThat(uploaded.status()).isEqualTo(200);
            assertThat(uploaded.body().get("one_time_prekeys").asInt()).isEqualTo(25);
            assertThat(uploaded.body().get("signed_prekey_age_seconds").asLong())
                    .isZero();
            assertThat(counted.status()).isEqualTo(200);
            assertThat(counted.body())
                    .isEqualTo(PrekeyApi.JSON.valueToTree(Map.ofEntries(
                            Map.entry("device_id", 1),
                            Map.entry("one_time_prekeys", 25),
                            Map.entry("kyber_prekeys", 21),
                            Map.entry("last_resort_kyber_prekey", true),
                            Map.entry("signed_prekey", true),
                            Map.entry("signed_prekey_age_seconds", 3600),
                            Map.entry("low_stock", false),
                            Map.entry("needs_reregistration", false),
                            Map.entry("low_stock_threshold", 20),
                            Map.entry("max_one_time_prekeys", 100),
                            Map.entry("max_kyber_prekeys", 100))));
            assertThat(fetched.status()).isEqualTo(200);
            JsonNode body = fetched.body();
            assertThat(body.get("account_id").asText())
                    .isEqualTo(bobMember.identity.accountId().toString());
            assertThat(unb64(body.get("identity_key").asText()))
                    .isEqualTo(bobMember.identity.accountId().publicKeyBytes());
            assertThat(body.get("unavailable_devices")).isEmpty();
            JsonNode device = body.get("devices").get(0);
            assertThat(device.get("device_id").asInt()).isEqualTo(1);
            assertThat(unb64(device.get("device_key").asText())).isEqualTo(bob.key.publicKeyBytes());
            assertThat(unb64(device.get("certificate").asText())).isEqualTo(bob.certificate.encoded());
            SignedEcPrekey signed = upload.signedPrekey().get();
            assertThat(device.get("signed_prekey"))
                    .isEqualTo(PrekeyApi.JSON.valueToTree(UploadJson.signed(
                            1,
                            signed.publicKey().toByteArray(),
                            signed.signature().toByteArray())));
            assertThat(device.get("one_time_prekey").get("key_id").asInt()).isEqualTo(1);
            assertThat(device.get("one_time_prekey").get("public_key").asText())
                    .isEqualTo(b64(upload.oneTimePrekeys().get(0).publicKey().toByteArray()));
            assertThat(device.get("kyber_prekey").get("key_id").asInt()).isEqualTo(1);
            assertThat(device.get("kyber_prekey").get("last_resort").asBoolean())
                    .isFalse();
            assertThat(device.get("kyber_prekey").get("signature").asText())
                    .isEqualTo(b64(upload.kyberPrekeys().get(0).signature().toByteArray()));
        }
    }

    @DatabaseTest
    void every_endpoint_needs_a_bearer_token(Database database) {
        try (PrekeyApi api = api(database)) {
            SeededMember bob = SeededMember.join(database, clock);
            bob.device(1);

            List<PrekeyApi.Reply> replies = List.of(
                    api.post("/api/v1/prekeys", "{}", Optional.empty()),
                    api.get("/api/v1/prekeys/count", Optional.empty()),
                    api.get("/api/v1/prekeys/" + bob.identity.accountId(), Optional.of("not-a-token")));

            assertThat(replies).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.code()).isEqualTo(ErrorCode.TOKEN_INVALID.code());
            });
        }
    }

    @DatabaseTest
    void refuses_malformed_uploads_with_a_code_and_stores_nothing(Database database) {
        try (PrekeyApi api = api(database)) {
            SeededMember.Device bob = SeededMember.join(database, clock).device(1);
            String token = bob.token();
            DeviceKeys keys = new DeviceKeys(bob.key);
            EcPrekey key = keys.oneTimePrekeys(1, 1).get(0);
            String goodKey = b64(key.publicKey().toByteArray());
            String upload = "/api/v1/prekeys";

            Map<String, Object> cases = new java.util.LinkedHashMap<>();
            cases.put("", ErrorCode.BAD_REQUEST);
            cases.put("{\"one_time_prekeys\": [", ErrorCode.BAD_REQUEST);
            cases.put("{}", ErrorCode.INVALID_FIELD);
            cases.put("{\"surprise\": 1}", ErrorCode.INVALID_FIELD);
            cases.put("{\"one_time_prekeys\": [{\"key_id\": 1, \"public_key\": \"%%%\"}]}", ErrorCode.INVALID_FIELD);
            cases.put("{\"one_time_prekeys\": [{\"public_key\": \"" + goodKey + "\"}]}", ErrorCode.INVALID_FIELD);
            cases.put(
                    "{\"one_time_prekeys\": [{\"key_id\": 4294967296, \"public_key\": \"" + goodKey + "\"}]}",
                    ErrorCode.INVALID_FIELD);
            cases.put(
                    "{\"one_time_prekeys\": [{\"key_id\": -1, \"public_key\": \"" + goodKey + "\"}]}",
                    ErrorCode.INVALID_FIELD);
            cases.put(
                    "{\"one_time_prekeys\": [{\"key_id\": 1, \"public_key\": \"" + b64(new byte[32]) + "\"}]}",
                    ErrorCode.INVALID_FIELD);
            cases.put("{\"one_time_prekeys\": [null]}", ErrorCode.INVALID_FIELD);
            cases.put(
                    "{\"one_time_prekeys\": [{\"key_id\": 1, \"public_key\": \"" + goodKey + "\"}, "
                            + "{\"key_id\": 1, \"public_key\": \"" + goodKey + "\"}]}",
                    ErrorCode.INVALID_FIELD);
            cases.put(
                    "{\"signed_prekey\": {\"key_id\": 1, \"public_key\": \"" + goodKey + "\"}}",
                    ErrorCode.INVALID_FIELD);
            cases.put(
                    "{\"signed_prekey\": {\"key_id\": 1, \"public_key\": \"" + goodKey + "\", \"signature\": \""
                            + b64(new byte[64]) + "\"}}",
                    ErrorCode.BAD_SIGNATURE);
            cases.put("[]", ErrorCode.INVALID_FIELD);

            cases.forEach((body, code) -> {
                PrekeyApi.Reply reply = api.post(upload, body, Optional.of(token));
                assertThat(reply.code()).as("body %s", body).isEqualTo(((ErrorCode) code).code());
                assertThat(reply.status()).as("body %s", body).isEqualTo(((ErrorCode) code).httpStatus());
                assertThat(reply.body().get("message").asText())
                        .as("body %s", body)
                        .isNotBlank();
            });
            assertThat(api.service.counts(bob.principal)).isEqualTo(new PrekeyCounts(0, 0, false, Optional.empty()));
        }
    }

    @DatabaseTest
    void refuses_an_upload_over_the_quota_with_prekey_limit_exceeded(Database database) {
        try (PrekeyApi api = api(database)) {
            SeededMember.Device bob = SeededMember.join(database, clock).device(1);
            DeviceKeys keys = new DeviceKeys(bob.key);

            PrekeyApi.Reply reply = api.post(
                    "/api/v1/prekeys",
                    UploadJson.of(new PrekeyUpload(
                            Optional.empty(), keys.oneTimePrekeys(1, 101), List.of(), Optional.empty())),
                    Optional.of(bob.token()));

            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.code()).isEqualTo("prekey_limit_exceeded");
        }
    }

    @DatabaseTest
    void refuses_bad_account_ids_and_device_numbers_and_unknown_members(Database database) {
        try (PrekeyApi api = api(database)) {
            SeededMember bob = SeededMember.join(database, clock);
            Optional<String> token = Optional.of(bob.device(1).token());
            String path = "/api/v1/prekeys/" + bob.identity.accountId();

            PrekeyApi.Reply badId = api.get("/api/v1/prekeys/nxl:nope", token);
            PrekeyApi.Reply badDevice = api.get(path + "?device=abc", token);
            PrekeyApi.Reply zeroDevice = api.get(path + "?device=0", token);
            PrekeyApi.Reply unknownDevice = api.get(path + "?device=9", token);
            PrekeyApi.Reply stranger = api.get(
                    "/api/v1/prekeys/"
                            + org.nexuslink.crypto.identity.AccountIdentity.generate()
                                    .accountId(),
                    token);
            PrekeyApi.Reply noKeys = api.get(path, token);

            assertThat(badId.code()).isEqualTo("invalid_field");
            assertThat(badDevice.code()).isEqualTo("invalid_field");
            assertThat(zeroDevice.code()).isEqualTo("invalid_field");
            assertThat(unknownDevice.status()).isEqualTo(404);
            assertThat(stranger.status()).isEqualTo(404);
            assertThat(stranger.code()).isEqualTo("not_found");
            assertThat(noKeys.status()).isEqualTo(409);
            assertThat(noKeys.code()).isEqualTo("prekeys_exhausted");
            assertThat(noKeys.body().get("message").asText()).contains("device 1: no_signed_prekey");
        }
    }

    @DatabaseTest
    void answers_prekeys_exhausted_for_a_device_that_needs_reregistration(Database database) {
        try (PrekeyApi api = api(database)) {
            SeededMember bob = SeededMember.join(database, clock);
            SeededMember.Device phone = bob.device(1);
            SeededMember.Device laptop = bob.device(2);
            api.service.upload(phone.principal, new DeviceKeys(phone.key).fullUpload(0, 3));
            clock.advance(Duration.ofDays(8));
            api.service.upload(laptop.principal, new DeviceKeys(laptop.key).fullUpload(3, 3));
            Optional<String> token = Optional.of(laptop.token());
            String path = "/api/v1/prekeys/" + bob.identity.accountId();

            PrekeyApi.Reply one = api.get(path + "?device=1", token);
            PrekeyApi.Reply all = api.get(path, token);
            PrekeyApi.Reply count = api.get("/api/v1/prekeys/count", Optional.of(phone.token()));

            assertThat(one.status()).isEqualTo(409);
            assertThat(one.code()).isEqualTo("prekeys_exhausted");
            assertThat(one.body().get("message").asText()).contains("device 1: needs_reregistration");
            assertThat(all.status()).isEqualTo(200);
            assertThat(all.body().get("devices")).hasSize(1);
            assertThat(all.body().get("devices").get(0).get("device_id").asInt())
                    .isEqualTo(2);
            assertThat(all.body().get("unavailable_devices"))
                    .isEqualTo(PrekeyApi.JSON.valueToTree(
                            List.of(Map.of("device_id", 1, "reason", "needs_reregistration"))));
            assertThat(count.body().get("needs_reregistration").asBoolean()).isTrue();
            assertThat(count.body().get("kyber_prekeys").asInt()).isEqualTo(3);
        }
    }

    @DatabaseTest
    void concurrent_requests_never_get_the_same_one_time_key(Database database) throws Exception {
        try (PrekeyApi api = api(database)) {
            SeededMember bob = SeededMember.join(database, clock);
            SeededMember.Device phone = bob.device(1);
            api.service.upload(phone.principal, new DeviceKeys(phone.key).fullUpload(10, 10));
            String token = SeededMember.join(database, clock).device(1).token();
            String path = "/api/v1/prekeys/" + bob.identity.accountId();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<PrekeyApi.Reply>> replies = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    replies.add(pool.submit(() -> {
                        start.await();
                        return api.get(path, Optional.of(token));
                    }));
                }
                start.countDown();
                List<Integer> ec = new ArrayList<>();
                Set<Integer> kyber = new HashSet<>();
                int lastResort = 0;
                for (Future<PrekeyApi.Reply> f : replies) {
                    PrekeyApi.Reply reply = f.get(60, TimeUnit.SECONDS);
                    assertThat(reply.status()).isEqualTo(200);
                    JsonNode device = reply.body().get("devices").get(0);
                    if (device.has("one_time_prekey")) {
                        ec.add(device.get("one_time_prekey").get("key_id").asInt());
                    }
                    if (device.get("kyber_prekey").get("last_resort").asBoolean()) {
                        lastResort++;
                    } else {
                        assertThat(kyber.add(
                                        device.get("kyber_prekey").get("key_id").asInt()))
                                .isTrue();
                    }
                }
                assertThat(ec).doesNotHaveDuplicates().hasSize(10);
                assertThat(kyber).hasSize(10);
                assertThat(lastResort).isEqualTo(6);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @DatabaseTest
    void a_member_cannot_drain_another_accounts_one_time_prekeys(Database database) {
        try (PrekeyApi api = new PrekeyApi(database, clock, PrekeySettings.DEFAULTS, PrekeyStockListener.NONE, 3)) {
            SeededMember bobMember = SeededMember.join(database, clock);
            SeededMember.Device bob = bobMember.device(1);
            String bobToken = bob.token();
            String aliceToken = SeededMember.join(database, clock).device(1).token();
            String carolToken = SeededMember.join(database, clock).device(1).token();
            String bundles = "/api/v1/prekeys/" + bobMember.identity.accountId();
            assertThat(api.post(
                                    "/api/v1/prekeys",
                                    UploadJson.of(new DeviceKeys(bob.key).fullUpload(10, 10)),
                                    Optional.of(bobToken))
                            .status())
                    .isEqualTo(200);

            for (int i = 0; i < 3; i++) {
                assertThat(api.get(bundles, Optional.of(aliceToken)).status()).isEqualTo(200);
            }
            PrekeyApi.Reply drained = api.get(bundles, Optional.of(aliceToken));

            assertThat(drained.status()).isEqualTo(429);
            assertThat(drained.code()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            assertThat(drained.headers().firstValue("Retry-After")).contains("3600");
            JsonNode stock =
                    api.get("/api/v1/prekeys/count", Optional.of(bobToken)).body();
            assertThat(stock.get("one_time_prekeys").asInt())
                    .as("the refused fetch consumed nothing")
                    .isEqualTo(7);
            assertThat(stock.get("kyber_prekeys").asInt()).isEqualTo(7);
            // The limit is per pair: another member, and Bob himself, still fetch.
            assertThat(api.get(bundles, Optional.of(carolToken)).status()).isEqualTo(200);
            for (int i = 0; i < 4; i++) {
                assertThat(api.get(bundles, Optional.of(bobToken)).status())
                        .as("own account: not counted")
                        .isEqualTo(200);
            }
            clock.advance(Duration.ofHours(1));
            assertThat(api.get(bundles, Optional.of(aliceToken)).status())
                    .as("a new hour")
                    .isEqualTo(200);
        }
    }
}
