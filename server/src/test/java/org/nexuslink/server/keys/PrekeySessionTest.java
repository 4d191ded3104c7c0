// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.nexuslink.server.keys.UploadJson.unb64;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * The end-to-end proof, over real HTTP on SQLite and PostgreSQL: real client identities
 * join, register a device and authenticate; one uploads libsignal prekeys; others fetch bundles,
 * check the certificate chain, start PQXDH sessions with libsignal and encrypt; the uploader
 * decrypts every message. So the bundles are complete and correct, with and without one-time
 * keys.
 */
class PrekeySessionTest {
    /** NexusLink does not use libsignal registration ids (docs/api.md, prekeys). */
    private static final int NO_REGISTRATION_ID = 0;

    private final MutableClock clock = new MutableClock();

    /** A client's device: its identity and its libsignal store. */
    private record Client(
            TestAccount account, TestAccount.CertifiedDevice device, String token, InMemorySignalProtocolStore store) {
        SignalProtocolAddress address() {
            return new SignalProtocolAddress(account.id(), device.id());
        }
    }

    private Client join(TestServer server) {
        TestAccount account = new TestAccount(clock);
        TestAccount.CertifiedDevice device = account.device(1);
        account.join(server, device);
        String token = account.authenticate(server, device);
        return new Client(
                account,
                device,
                token,
                new InMemorySignalProtocolStore(device.keys().asIdentityKeyPair(), NO_REGISTRATION_ID));
    }

    @DatabaseTest
    void sessions_built_from_fetched_bundles_decrypt_on_the_uploading_device(DatabaseUrl url) throws Exception {
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            Client alice = join(server);
            Client carol = join(server);
            TestAccount bobAccount = new TestAccount(clock);
            TestAccount.CertifiedDevice bobPhone = bobAccount.device(1);
            String phoneToken = bobAccount.join(server, bobPhone);
            TestAccount.CertifiedDevice bobLaptop = bobAccount.device(2);
            assertThat(bobAccount.register(server, phoneToken, bobLaptop).status())
                    .isEqualTo(201);
            Client bob = new Client(
                    bobAccount,
                    bobLaptop,
                    bobAccount.authenticate(server, bobLaptop),
                    new InMemorySignalProtocolStore(bobLaptop.keys().asIdentityKeyPair(), NO_REGISTRATION_ID));
            DeviceKeys keys = new DeviceKeys(bobLaptop.keys());
            TestServer.Reply uploaded =
                    server.post("/api/v1/prekeys", UploadJson.of(keys.fullUpload(1, 1)), bob.token());
            keys.storeInto(bob.store());
            assertThat(uploaded.status()).isEqualTo(200);

            // Alice gets the laptop's one-time keys; Carol, after them, the signed and last-resort keys.
            JsonNode first = device(server.get("/api/v1/prekeys/" + bobAccount.id(), alice.token()), 2);
            JsonNode second = device(server.get("/api/v1/prekeys/" + bobAccount.id() + "?device=2", carol.token()), 2);

            assertThat(first.has("one_time_prekey")).isTrue();
            assertThat(first.get("kyber_prekey").get("last_resort").asBoolean()).isFalse();
            assertThat(second.has("one_time_prekey")).isFalse();
            assertThat(second.get("kyber_prekey").get("last_resort").asBoolean())
                    .isTrue();
            assertThat(exchange(alice, bob, bobAccount.id(), first, "hello bob, from alice"))
                    .isEqualTo("hello bob, from alice");
            assertThat(exchange(carol, bob, bobAccount.id(), second, "hi bob, carol here"))
                    .isEqualTo("hi bob, carol here");
        }
    }

    private static JsonNode device(TestServer.Reply reply, int id) {
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        for (JsonNode device : reply.body().get("devices")) {
            if (device.get("device_id").asInt() == id) {
                return device;
            }
        }
        throw new AssertionError("no bundle for device " + id + " in " + reply);
    }

    /**
     * The sender checks the bundle's certificate chain, starts a session and encrypts; the
     * recipient decrypts and answers; the sender decrypts the answer. Returns what the recipient read.
     */
    private String exchange(Client sender, Client recipient, String recipientAccount, JsonNode bundleJson, String text)
            throws Exception {
        DeviceCertificate certificate = DeviceCertificate.verify(
                unb64(bundleJson.get("certificate").asText()), AccountId.parse(recipientAccount), clock);
        assertThat(certificate.devicePublicKeyBytes())
                .isEqualTo(unb64(bundleJson.get("device_key").asText()));
        assertThat(certificate.deviceId().value())
                .isEqualTo(bundleJson.get("device_id").asInt());

        SignalProtocolAddress recipientAddress = new SignalProtocolAddress(
                recipientAccount, bundleJson.get("device_id").asInt());
        new SessionBuilder(sender.store(), recipientAddress).process(bundle(bundleJson));
        SessionCipher senderCipher = new SessionCipher(sender.store(), recipientAddress);
        CiphertextMessage message = senderCipher.encrypt(text.getBytes(UTF_8));
        assertThat(message.getType()).isEqualTo(CiphertextMessage.PREKEY_TYPE);
        assertThat(senderCipher.getSessionVersion()).isEqualTo(4);

        SessionCipher recipientCipher = new SessionCipher(recipient.store(), sender.address());
        String read = new String(recipientCipher.decrypt(new PreKeySignalMessage(message.serialize())), UTF_8);
        CiphertextMessage answer = recipientCipher.encrypt(("re: " + read).getBytes(UTF_8));
        assertThat(new String(senderCipher.decrypt(new SignalMessage(answer.serialize())), UTF_8))
                .isEqualTo("re: " + text);
        return read;
    }

    /** A libsignal bundle from the JSON of one device, as a client builds it. */
    static PreKeyBundle bundle(JsonNode d) throws Exception {
        JsonNode signed = d.get("signed_prekey");
        JsonNode kyber = d.get("kyber_prekey");
        Optional<JsonNode> oneTime = Optional.ofNullable(d.get("one_time_prekey"));
        return new PreKeyBundle(
                NO_REGISTRATION_ID,
                d.get("device_id").asInt(),
                oneTime.map(k -> k.get("key_id").asInt()).orElse(PreKeyBundle.NULL_PRE_KEY_ID),
                oneTime.isPresent()
                        ? new ECPublicKey(unb64(oneTime.get().get("public_key").asText()))
                        : null,
                signed.get("key_id").asInt(),
                new ECPublicKey(unb64(signed.get("public_key").asText())),
                unb64(signed.get("signature").asText()),
                new IdentityKey(
                        ECPublicKey.fromPublicKeyBytes(unb64(d.get("device_key").asText()))),
                kyber.get("key_id").asInt(),
                new KEMPublicKey(unb64(kyber.get("public_key").asText())),
                unb64(kyber.get("signature").asText()));
    }
}
